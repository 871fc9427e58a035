#if canImport(Glibc)
import Glibc
#endif

/// Self-normalised importance sampling: E_p[f(X)] from draws x_i of a proposal q, weighted by
/// w_i ∝ p(x_i)/q(x_i) with an unknown normalising constant (chapter 2 §1: E[X | y] with the prior
/// as the proposal and the likelihood as the weight).
public enum ImportanceSampling {
    /// The estimate, its delta-method standard error per coordinate and the effective sample size.
    public struct Estimate: Sendable {
        /// x̂_c = Σ_i w_i x_ic / Σ_i w_i.
        public let mean: [Double]
        /// se_c = √(Σ_i w_i² (x_ic − x̂_c)²) / Σ_i w_i (the delta method for a ratio of two sums).
        public let standardError: [Double]
        /// (Σ w)² / Σ w²: how many equally weighted draws the weighted sample is worth (1 … n).
        public let effectiveSampleSize: Double
    }

    /// The self-normalised estimate of the mean of `values` (rows of equal length) under weights
    /// exp(`logWeights`) known up to a constant. The largest log-weight is subtracted before
    /// exponentiating, so any common offset (the normalising constant) cancels without overflow.
    public static func selfNormalised(_ values: [[Double]], logWeights: [Double]) -> Estimate {
        precondition(!values.isEmpty && values.count == logWeights.count, "selfNormalised: one log-weight per value, at least one")
        let d = values[0].count
        let mx = logWeights.max()!
        let w = logWeights.map { exp($0 - mx) }
        let sw = w.reduce(0, +), sw2 = w.reduce(0) { $0 + $1 * $1 }
        var mean = [Double](repeating: 0, count: d)
        for (i, x) in values.enumerated() { for c in 0..<d { mean[c] += w[i] * x[c] } }
        mean = mean.map { $0 / sw }
        var se = [Double](repeating: 0, count: d)
        for (i, x) in values.enumerated() { for c in 0..<d { let e = x[c] - mean[c]; se[c] += w[i] * w[i] * e * e } }
        se = se.map { $0.squareRoot() / sw }
        return Estimate(mean: mean, standardError: se, effectiveSampleSize: sw * sw / sw2)
    }
}
