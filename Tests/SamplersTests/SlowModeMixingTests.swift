import Foundation
import NumericCore
import PropertyBased
import Samplers
import Testing
import Theory

/// T3.7: κ predicts the mixing of A-B-O-B-A on a Gaussian M-density. The closed-form IAT against the
/// 2×2 resolvent of `LangevinTheory`, the structured score against the dense −F y, and seeded runs of
/// the chain on the M-density against both.
@Suite struct SlowModeMixingTests {
    @Test func closedFormIATEqualsTheResolventFormula() async {
        // T3.7's 4 tanh(γδ/2)/(uδ²λ) against τ = 1 + 2[(I − M)⁻¹ M S]_yy/S_yy (T1.6's one-step map).
        await propertyCheck(count: 300, input: Gen.double(in: 0.01...100), Gen.double(in: 0.01...0.95), Gen.double(in: 0.01...4)) { lambda, q, gd in
            let delta = (4 * q / lambda).squareRoot()  // δ²λ/4 = q < 1: stable
            let closed = SlowModeMixing.positionIAT(precision: lambda, step: delta, effectiveFriction: gd)!
            let resolvent = LangevinTheory.abobaPositionIAT(precision: lambda, step: delta, effectiveFriction: gd)!
            #expect(abs(closed - resolvent) <= 1e-8 * max(1, abs(resolvent)), "λ = \(lambda), q = \(q), γδ = \(gd): \(closed) vs \(resolvent)")
        }
        #expect(SlowModeMixing.positionIAT(precision: 1, step: 2, effectiveFriction: 1) == nil)  // δ²λ = 4: unstable
    }

    @Test func predictedIATIsLinearInKappa() {
        // With δ = c/√λ_max(F) and λ_min(F) = λ_max(F)/κ, δ²λ_min(F) = c²/κ: the two forms agree.
        let model = GaussianMDensity(spectrum: [1, 0.2, 0.01], measurements: 6, sigma: 0.4)
        let spec = model.closedFormSortedSpectrum()
        let c = 0.5, gd = 1.0, delta = c / spec.last!.squareRoot()
        let kappa = model.closedFormConditionNumber()
        let direct = SlowModeMixing.positionIAT(precision: spec.first!, step: delta, effectiveFriction: gd)!
        let viaKappa = SlowModeMixing.predictedIAT(conditionNumber: kappa, stepRatio: c, effectiveFriction: gd)
        #expect(abs(direct - viaKappa) <= 1e-12 * direct)
        #expect(abs(kappa - (1 + 6 * 1 / (0.4 * 0.4))) <= 1e-12 * kappa)  // T3.4
    }

    @Test func structuredScoreIsMinusFTimesY() throws {
        // T4.2 through ȳ (GPS form, O(Md)) against the dense precision F (LAPACK inverse of C) times y.
        let model = GaussianMDensity(spectrum: [1, 0.3, 0.01, 2.5], measurements: 3, sigma: 0.5)
        let f = try model.precisionByInversion()
        var rng = Xoshiro256(seed: 11)
        let batch = 3, n = model.size
        let y = rng.gaussians(batch * n, std: 2)
        var g = [Double]()
        model.structuredScore().batchScore(y, into: &g, batch: batch)
        for b in 0..<batch {
            for r in 0..<n {
                var fy = 0.0
                for k in 0..<n { fy += f[r, k] * y[b * n + k] }
                // κ(C) ≈ 1 + 3·2.5/0.25 = 31; LU solve error ≲ 1e3·u·κ relative to ‖F‖‖y‖.
                #expect(abs(g[b * n + r] + fy) <= 1e-11 * (1 + abs(fy)), "entry \(r) of chain \(b): \(g[b * n + r]) vs \(-fy)")
            }
        }
    }

    @Test(arguments: [(2, 1.0), (4, 1.0)])
    func measuredSlowModeIATAndVarianceMatchExact(M: Int, sigma: Double) {
        // Data λ = (1, 0.01); the slow mode is √M ȳ_0 with precision λ_min(F) = 1/(M + σ²) (T3.3).
        // δ = σ/2 = c/√λ_max(F) with c = 1/2, γδ = 1. Chains of 100·τ steps after a burn-in of 10·τ.
        let lambdas = [1.0, 0.01]
        let model = GaussianMDensity(spectrum: lambdas, measurements: M, sigma: sigma)
        let spec = model.closedFormSortedSpectrum()
        let slow = spec.first!
        #expect(abs(slow - 1 / (Double(M) + sigma * sigma)) <= 1e-14)
        let delta = sigma / 2, gd = 1.0
        let exactIAT = LangevinTheory.abobaPositionIAT(precision: slow, step: delta, effectiveFriction: gd)!
        let exactVariance = LangevinTheory.abobaStationaryCovariance(precision: slow, step: delta)!.yy
        let chains = 16, steps = Int(100 * exactIAT)
        var rng = Xoshiro256(seed: 2026)
        let start = SlowModeMixing.drawMeasurements(spectrum: lambdas, measurements: M, sigma: sigma, count: chains, using: &rng)
        let score = model.structuredScore()
        let series = SlowModeMixing.slowModeSeries(
            start: start, measurements: M, coordinate: 0,
            integrator: UnderdampedLangevin(step: delta, effectiveFriction: gd), steps: steps, burnIn: Int(10 * exactIAT),
            score: { y, g in score.batchScore(y, into: &g, batch: chains) }, using: &rng)
        let m = SlowModeMixing.estimate(series: series, betweenChainError: true)
        #expect(m.converged)
        // 4 s.e.: Sokal's τ√(2(2W + 1)/N) of the pooled series (N = 16 chains × n).
        #expect(abs(m.iat - exactIAT) <= 4 * m.iatStandardError, "IAT \(m.iat) ± \(m.iatStandardError), exact \(exactIAT)")
        #expect(abs(m.variance - exactVariance) <= 4 * m.varianceStandardError, "Var \(m.variance) ± \(m.varianceStandardError), exact \(exactVariance)")
        // Sokal's error against the between-chain one, sd of the 16 per-chain IATs/√16 (an sd of 16 draws
        // is itself uncertain by about ±18%): within a factor 2.
        let between = m.betweenChainStandardError!
        #expect(m.iatStandardError < 2 * between && between < 2 * m.iatStandardError, "Sokal \(m.iatStandardError), between chains \(between)")
        // Not vacuous: the fast difference directions decorrelate far faster than the slow mode.
        #expect(exactIAT > 10)
    }
}
