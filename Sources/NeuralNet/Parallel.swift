// Swift-side data parallelism over 2 workers. Every use here splits work into disjoint index
// ranges whose results do not depend on the split (no shared reductions), so outputs are
// bit-identical for any number of workers. (Conv2D's image split, `forEachImageRange`, sums two
// partial weight gradients: deterministic for the fixed 2 workers.)
import Dispatch

/// Work below this many elements runs serially: dispatch overhead (~µs) would dominate.
let parallelThreshold = 1 << 15
/// Number of chunks for Swift-side loops (the machine has 2 cores; OpenBLAS uses both in GEMMs).
let parallelWorkers = 2

/// Runs `body` over `0..<count` split into contiguous ranges, concurrently when `count` is large.
@inline(__always)
func parallelChunks(_ count: Int, minimum: Int = parallelThreshold, _ body: (Range<Int>) -> Void) {
    if count < minimum || parallelWorkers < 2 {
        body(0..<count)
        return
    }
    // Chunks are rounded to multiples of 8 so that vectorised loops see whole vectors.
    let chunk = ((count + parallelWorkers - 1) / parallelWorkers + 7) / 8 * 8
    // The ranges are disjoint, so sharing `body` (and the buffers it captures) across the workers
    // is race-free; the box only tells the compiler so.
    withoutActuallyEscaping(body) { work in
        let box = UncheckedSendable(work)
        DispatchQueue.concurrentPerform(iterations: parallelWorkers) { w in
            let lo = w * chunk, hi = min(count, lo + chunk)
            if lo < hi { box.value(lo..<hi) }
        }
    }
}

struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Runs `body(i)` for every independent item `i` in `0..<items` (e.g. images or (image, group)
/// pairs), two workers when the total work `items × costPerItem` is large.
@inline(__always)
func parallelItems(_ items: Int, costPerItem: Int, _ body: (Int) -> Void) {
    if items < 2 || items * costPerItem < parallelThreshold {
        for i in 0..<items { body(i) }
        return
    }
    parallelChunks(items, minimum: 0) { range in for i in range { body(i) } }
}

/// Shape and argument checks that stay on under `-Ounchecked` (which removes `precondition`):
/// a wrong shape must stop the program rather than read or write out of bounds.
@inline(__always)
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

#if os(Linux)
/// glibc's `int mallopt(int param, int value)` (declared in <malloc.h>, which Glibc does not import).
@_silgen_name("mallopt") private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
private let glibcTrimThreshold: Int32 = -1, glibcMmapThreshold: Int32 = -3   // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
#endif

/// glibc malloc serves blocks above a dynamic threshold (≤ 32 MB) with fresh mmaps and trims
/// the heap top when more than twice that is free; activations of ≥ 8 MB (e.g. [64, 64, 28, 28] =
/// 12.8 MB) then came back from the kernel as new zero-filled pages on every step — page faults
/// made GroupNorm's forward on that shape 6× slower than on half the data. A fixed 32 MB mmap
/// threshold and a 256 MB trim threshold keep such buffers in the heap and reuse them (the process
/// may keep up to 256 MB of freed memory). Process-wide, applied once when a model is built.
private let allocatorTuned: Bool = {
    #if os(Linux)
    _ = glibcMallopt(glibcMmapThreshold, 32 << 20)
    _ = glibcMallopt(glibcTrimThreshold, 256 << 20)
    #endif
    return true
}()

/// Applies the allocator settings above (idempotent; called by layer initialisers).
@inline(__always) func tuneAllocator() { _ = allocatorTuned }
