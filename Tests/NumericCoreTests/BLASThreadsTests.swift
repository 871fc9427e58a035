// Single-threaded BLAS regions overlap when callers run concurrently (Conv2D's image workers in
// parallel tests): inside every region OpenBLAS must be at one thread, and once the last region
// ends it must be back at the configured count. A plain save/set/restore fails both.
import Dispatch
import NumericCore
import Synchronization
import Testing

@Suite("OpenBLAS thread regions")
struct BLASThreadsTests {
    @Test("overlapping and nested regions: 1 thread inside each, the configured count after")
    func overlappingRegionsRestoreTheConfiguredCount() {
        let configured = blasThreads
        let violations = Atomic<Int>(0)
        let a = Matrix<Double>(rows: 24, columns: 24) { i, j in Double(i - j) }
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<2000 {
                withSingleThreadedBLAS {
                    if blasThreadSnapshot().active != 1 { violations.add(1, ordering: .relaxed) }
                    _ = matmul(a, a)  // a GEMM inside the region, as the callers issue, widens the overlap
                    if (i + worker) % 3 == 0 {
                        withSingleThreadedBLAS {
                            if blasThreadSnapshot().active != 1 { violations.add(1, ordering: .relaxed) }
                        }
                    }
                    if blasThreadSnapshot().active != 1 { violations.add(1, ordering: .relaxed) }
                }
            }
        }
        #expect(violations.load(ordering: .relaxed) == 0, "a region saw OpenBLAS at more than one thread")
        let after = blasThreadSnapshot()
        #expect(after.configured == configured)
        // Other suites may be inside their own regions right now; the snapshot is atomic.
        #expect(after.regions > 0 || after.active == configured)
    }

    @Test("a region returns its body's value and rethrows its error")
    func regionPassesValuesAndErrors() {
        struct Boom: Error {}
        #expect(withSingleThreadedBLAS { 42 } == 42)
        #expect(throws: Boom.self) { try withSingleThreadedBLAS { throw Boom() } }
        let after = blasThreadSnapshot()
        #expect(after.regions > 0 || after.active == after.configured)
    }
}
