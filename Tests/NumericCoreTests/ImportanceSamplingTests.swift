import Foundation
import NumericCore
import Testing

/// Self-normalised importance sampling (chapter 2 §1): exact cases by hand, and a Monte Carlo case
/// whose answer is known (a Gaussian target reached from a wider Gaussian proposal).
@Suite struct ImportanceSamplingTests {
    @Test("equal weights: the sample mean, se² = Σ(x − x̄)²/n², effective sample size n")
    func equalWeights() {
        let xs: [[Double]] = [[1, -2], [4, 0], [-1, 5], [2, 1]]
        let e = ImportanceSampling.selfNormalised(xs, logWeights: [3, 3, 3, 3])
        // by hand: column means 1.5 and 1; Σ(x − x̄)² = 0.25 + 6.25 + 6.25 + 0.25 = 13 and 9 + 1 + 16 + 0 = 26
        #expect(abs(e.mean[0] - 1.5) < 1e-15 && abs(e.mean[1] - 1) < 1e-15)
        #expect(abs(e.standardError[0] - 13.0.squareRoot() / 4) < 1e-15)
        #expect(abs(e.standardError[1] - 26.0.squareRoot() / 4) < 1e-15)
        #expect(abs(e.effectiveSampleSize - 4) < 1e-12)
    }

    @Test("weights 1 : 3 (log-weights offset by 1000, which would overflow exp): the weighted mean, ESS = 16/10")
    func unequalWeightsAndOffset() {
        let xs: [[Double]] = [[0], [4]]
        let e = ImportanceSampling.selfNormalised(xs, logWeights: [1000, 1000 + log(3)])
        // x̂ = (0·1 + 4·3)/4 = 3; se² = (1·9 + 9·1)/16 = 18/16; ESS = 4²/(1 + 9)
        #expect(abs(e.mean[0] - 3) < 1e-12)
        #expect(abs(e.standardError[0] - (18.0 / 16).squareRoot()) < 1e-12)
        #expect(abs(e.effectiveSampleSize - 1.6) < 1e-12)
    }

    @Test("target N(1, 1) from proposal N(0, 2²): E[X] = 1 and E[X²] = 2 within 4 s.e.; the s.e. is calibrated")
    func gaussianTargetFromWiderProposal() {
        var rng = Xoshiro256(seed: 17)
        // one large run: both moments within 4 delta-method standard errors
        let n = 200_000
        let x = rng.gaussians(n, std: 2)
        // log p/q = −(x − 1)²/2 + x²/8 up to a constant
        let logw = x.map { -($0 - 1) * ($0 - 1) / 2 + $0 * $0 / 8 }
        let e = ImportanceSampling.selfNormalised(x.map { [$0, $0 * $0] }, logWeights: logw)
        #expect(abs(e.mean[0] - 1) <= 4 * e.standardError[0], "E[X]: \(e.mean[0]) ± \(e.standardError[0])")
        #expect(abs(e.mean[1] - 2) <= 4 * e.standardError[1], "E[X²]: \(e.mean[1]) ± \(e.standardError[1])")
        // ESS/n → (E_q w)²/E_q w² = 1/∫p²/q = (√7/4)·e^{−1/7} ≈ 0.573 for these two Gaussians
        #expect(abs(e.effectiveSampleSize / Double(n) - 7.0.squareRoot() / 4 * exp(-1.0 / 7)) < 0.02, "ESS/n = \(e.effectiveSampleSize / Double(n))")
        // calibration: over 400 replicates of n = 2000 the z-scores have mean square ≈ 1. For z ~ N(0, 1)
        // the mean of 400 z² has s.d. √(2/400) = 0.071; allow 4 of them.
        var z2 = 0.0
        let reps = 400
        for _ in 0..<reps {
            let xr = rng.gaussians(2000, std: 2)
            let er = ImportanceSampling.selfNormalised(xr.map { [$0] }, logWeights: xr.map { -($0 - 1) * ($0 - 1) / 2 + $0 * $0 / 8 })
            let z = (er.mean[0] - 1) / er.standardError[0]
            z2 += z * z / Double(reps)
        }
        #expect(abs(z2 - 1) <= 4 * (2.0 / Double(reps)).squareRoot(), "mean z² = \(z2)")
    }
}
