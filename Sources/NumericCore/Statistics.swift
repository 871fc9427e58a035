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

    /// The (1/n) variance s² of independent draws with its standard error √((m₄ − s⁴)/n), m₄ the
    /// sample fourth central moment (the delta method; no normality assumed).
    public static func varianceWithStandardError(_ x: [Double]) -> (value: Double, se: Double) {
        let n = Double(x.count), m = x.reduce(0, +) / n
        let s2 = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n, m4 = x.reduce(0) { $0 + pow($1 - m, 4) } / n
        return (s2, ((m4 - s2 * s2) / n).squareRoot())
    }

    /// The standard error of a − b for independent estimates a and b with standard errors seA and
    /// seB: Var(a − b) = Var a + Var b, so √(seA² + seB²).
    public static func differenceStandardError(_ seA: Double, _ seB: Double) -> Double { (seA * seA + seB * seB).squareRoot() }

    /// Ordinary least squares line y ≈ intercept + slope·x (two or more points, not all x equal).
    public static func linearFit(x: [Double], y: [Double]) -> (slope: Double, intercept: Double) {
        precondition(x.count == y.count && x.count >= 2, "linearFit: need two or more points")
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0
        for i in x.indices { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx) }
        let slope = sxy / sxx
        return (slope, my - slope * mx)
    }

    /// The standard error of `linearFit`'s slope when the y_j are independent with standard errors
    /// s_j: the slope is Σ w_j y_j with w_j = (x_j − x̄)/Σ(x − x̄)², so its s.e. is √Σ w_j² s_j².
    public static func linearFitSlopeStandardError(x: [Double], yStandardErrors s: [Double]) -> Double {
        precondition(x.count == s.count && x.count >= 2, "linearFitSlopeStandardError: need two or more points")
        let mx = mean(x), sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        var sum = 0.0
        for j in x.indices { let w = (x[j] - mx) / sxx; sum += w * w * s[j] * s[j] }
        return sum.squareRoot()
    }

    /// Weighted least squares of y on x: the slope and its standard error (1/Σw(x − x̄_w)²)^½, which is
    /// the slope's s.e. when w_i = 1/Var y_i. Nil for fewer than two distinct x.
    public static func weightedLinearFit(x: [Double], y: [Double], weights w: [Double]) -> (slope: Double, se: Double)? {
        precondition(x.count == y.count && x.count == w.count, "weightedLinearFit: lengths differ")
        let sw = w.reduce(0, +), mx = zip(w, x).map(*).reduce(0, +) / sw, my = zip(w, y).map(*).reduce(0, +) / sw
        let sxx = zip(w, x).map { $0 * ($1 - mx) * ($1 - mx) }.reduce(0, +)
        let sxy = zip(w, zip(x, y)).map { $0 * ($1.0 - mx) * ($1.1 - my) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        return (sxy / sxx, (1 / sxx).squareRoot())
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
