// OpenBLAS's thread count is one process-wide setting. Code that runs its own workers (Conv2D's
// image split) needs it at 1 while they run; two such regions may overlap (concurrent callers,
// parallel tests), so they are counted: the first to enter sets 1, the last to leave restores
// the configured count. A plain save/set/restore would let an overlapping region save the 1 and
// restore it, leaving OpenBLAS single-threaded for good.
import CBLAS
import Synchronization

private struct BLASThreadState {
    var configured = Int(openblas_get_num_threads())
    var regions = 0
}

private let threadState = Mutex(BLASThreadState())

/// Sets the OpenBLAS thread count (chapters and benchmarks pin it). Inside a single-threaded
/// region it takes effect when the last region ends.
public func setBLASThreads(_ n: Int) {
    threadState.withLock { state in
        state.configured = n
        if state.regions == 0 { openblas_set_num_threads(Int32(n)) }
    }
}

/// The configured OpenBLAS thread count (what GEMMs outside single-threaded regions use).
public var blasThreads: Int { threadState.withLock { $0.configured } }

/// A consistent snapshot: the configured count, the count OpenBLAS reports, and how many
/// single-threaded regions are open. Outside regions `active == configured`; inside, 1.
public func blasThreadSnapshot() -> (configured: Int, active: Int, regions: Int) {
    threadState.withLock { ($0.configured, Int(openblas_get_num_threads()), $0.regions) }
}

/// Runs `body` with OpenBLAS at one thread, for callers that run their own concurrent workers.
public func withSingleThreadedBLAS<R>(_ body: () throws -> R) rethrows -> R {
    threadState.withLock { state in
        if state.regions == 0 { openblas_set_num_threads(1) }
        state.regions += 1
    }
    defer {
        threadState.withLock { state in
            state.regions -= 1
            if state.regions == 0 { openblas_set_num_threads(Int32(state.configured)) }
        }
    }
    return try body()
}
