#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock timing for benchmarks and progress reports (monotonic clock).
public struct Stopwatch: Sendable {
    private var start: timespec
    public init() { start = timespec(); clock_gettime(CLOCK_MONOTONIC, &start) }
    public var seconds: Double {
        var now = timespec(); clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) * 1e-9
    }
    public mutating func restart() { clock_gettime(CLOCK_MONOTONIC, &start) }

    /// Median wall time of `repeats` runs of `body` (after one warm-up run).
    public static func median(repeats: Int = 5, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var times = [Double]()
        for _ in 0..<max(1, repeats) { let w = Stopwatch(); try body(); times.append(w.seconds) }
        times.sort()
        return times[times.count / 2]
    }
}
