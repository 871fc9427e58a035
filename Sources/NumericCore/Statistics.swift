/// Small, exact summaries used by checks: mean, unbiased variance, standard error, relative error.
public enum Stats {
    public static func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }

    /// Unbiased sample variance (two-pass, for accuracy).
    public static func variance(_ x: [Double]) -> Double {
        guard x.count > 1 else { return .nan }
        let m = mean(x)
        return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
    }

    /// Standard error of the mean of independent draws.
    public static func standardError(_ x: [Double]) -> Double { (variance(x) / Double(x.count)).squareRoot() }

    /// |a − b| / max(|b|, tiny): the relative error of `a` against the reference `b`.
    public static func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), .leastNormalMagnitude) }

    /// Largest entry-wise relative error of `a` against `b` (same lengths).
    public static func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "maxRelativeError: lengths \(a.count) and \(b.count) differ")
        return zip(a, b).reduce(0) { max($0, relativeError($1.0, $1.1)) }
    }

    /// Largest entry-wise absolute difference.
    public static func maxAbsoluteError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "maxAbsoluteError: lengths \(a.count) and \(b.count) differ")
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// log Σ exp(x_i), computed stably.
    public static func logSumExp(_ x: [Double]) -> Double {
        guard let m = x.max(), m.isFinite else { return x.max() ?? -.infinity }
        return m + log(x.reduce(0) { $0 + exp($1 - m) })
    }
}

#if canImport(Glibc)
import Glibc
#endif
