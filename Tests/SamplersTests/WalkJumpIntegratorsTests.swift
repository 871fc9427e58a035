// The walk-jump sampler with every integrator of `LangevinIntegratorName`: the generic path (Cheng's,
// the randomized midpoint, overdamped) against the integrator run by hand on the chain-major state,
// and every integrator's stationary law on a Gaussian prior against its exact discretised law (T1.8),
// both along the difference directions y_m − ȳ and, through the T4.7 reduction, in ȳ.
import Foundation
import NumericCore
import Samplers
import Testing
import Theory

@Suite struct WalkJumpIntegratorsTests {
    @Test func layoutsAreInverseTranspositions() {
        let M = 3, B = 2, d = 4
        let x = (0..<(M * B * d)).map(Float.init)  // x[(m·B + b)·d + j] = its own index
        let c = ChainLayout.chainMajor(x, measurements: M, chains: B, dimension: d)
        #expect(c[(1 * M + 2) * d + 3] == Float((2 * B + 1) * d + 3))  // chain 1, measurement 2, pixel 3
        #expect(ChainLayout.measurementMajor(c, measurements: M, chains: B, dimension: d) == x)
    }

    @Test(arguments: [LangevinIntegratorName.cheng, .midpoint, .overdamped])
    func genericStepIsTheIntegratorOnTheChainMajorState(_ name: LangevinIntegratorName) {
        let M = 3, B = 2, d = 5, sigma = 0.7
        let config = WalkJumpConfiguration(measurements: M, sigma: sigma, step: 0.3, effectiveFriction: 0.8, integrator: name)
        let nu: WalkJumpSampler.Denoiser = { x, _ in x.map { 0.6 * $0 - 0.05 * $0 * $0 } }
        var rngA = Xoshiro256(seed: 9)
        let s = WalkJumpSampler(configuration: config, chains: B, dimension: d, start: .givenMeans((0..<(B * d)).map { Float($0) / 10 }),
                                rng: &rngA, denoiser: nu)
        var rngB = rngA
        // The twin: the state in [b][m][i], ψ_m = (ν(ȳ) − y_m)/σ² by explicit loops, the integrator itself.
        var y = ChainLayout.chainMajor(s.y, measurements: M, chains: B, dimension: d)
        var v = ChainLayout.chainMajor(s.v, measurements: M, chains: B, dimension: d), force = [Float]()
        let score: ([Float], inout [Float]) -> Void = { y, out in
            var means = [Float](repeating: 0, count: B * d)
            for b in 0..<B { for m in 0..<M { for j in 0..<d { means[b * d + j] += y[(b * M + m) * d + j] / Float(M) } } }
            let n = nu(means, B)
            out = y.indices.map { i in (n[(i / (M * d)) * d + i % d] - y[i]) / Float(sigma * sigma) }
        }
        let integrator = name.make(step: name == .overdamped ? 0.3 * 0.3 / 2 : 0.3, effectiveFriction: 0.8, dimension: M * d)
        for _ in 0..<20 {
            s.step(rng: &rngA)
            integrator.step(y: &y, v: &v, force: &force, score: score, rng: &rngB)
        }
        let yTwin = ChainLayout.measurementMajor(y, measurements: M, chains: B, dimension: d)
        let vTwin = ChainLayout.measurementMajor(v, measurements: M, chains: B, dimension: d)
        // Float roundings of two orders of the same sums: 1e-4 over 20 steps of O(1) values.
        let dy = zip(s.y, yTwin).map { abs($0 - $1) }.max()!, dv = zip(s.v, vTwin).map { abs($0 - $1) }.max()!
        #expect(dy < 1e-4 && dv < 1e-4, "\(name): max |Δy| = \(dy), |Δv| = \(dv)")
        #expect(s.stepCount == 20 && s.isFinite)
    }

    /// X ~ N(0, λ I), so ν(ȳ) = λ/(λ + s²) ȳ with s² = σ²/M. Started at the exact law, after 300
    /// steps (≥ 7 relaxation times of the slowest direction, overdamped ȳ) one snapshot of B·d =
    /// 16 000 independent ȳ coordinates (Var ȳ: relative s.e. √(2/16 000) = 1.1 %) and (M − 1)·B·d =
    /// 48 000 difference directions (0.65 %) is compared with the exact discretised variances at 4 s.e.
    /// Along y_m − ȳ the walk is the integrator on N(0, σ²) with its own step; ȳ walks on N(0, λ + s²)
    /// with step δ/√M and the same γδ (T4.7), or, overdamped, with h/M.
    @Test(arguments: LangevinIntegratorName.allCases)
    func stationaryLawOnAGaussianPriorIsTheDiscretisedOne(_ name: LangevinIntegratorName) throws {
        let M = 4, sigma = 1.0, lambda = 1.0, d = 4, B = 4000, gammaDelta = 1.0
        let s2 = sigma * sigma / Double(M), shrink = Float(lambda / (lambda + s2))
        var rng = Xoshiro256(seed: 23)
        let means = rng.gaussiansFloat(B * d, mean: 0, std: Float((lambda + s2).squareRoot()))
        let config = WalkJumpConfiguration(measurements: M, sigma: sigma, effectiveFriction: gammaDelta, integrator: name)
        let s = WalkJumpSampler(configuration: config, chains: B, dimension: d, start: .givenMeans(means), rng: &rng) { x, _ in x.map { shrink * $0 } }
        for _ in 0..<300 { s.step(rng: &rng) }
        let h = config.integratorStep
        let meanStep = name == .overdamped ? h / Double(M) : h / Double(M).squareRoot()
        let differences = try #require(IntegratorTheory.steps(named: name.rawValue, precision: 1 / (sigma * sigma), step: h, effectiveFriction: gammaDelta)
            .flatMap(IntegratorTheory.stationaryCovariance))
        let ybarLaw = try #require(IntegratorTheory.steps(named: name.rawValue, precision: 1 / (lambda + s2), step: meanStep, effectiveFriction: gammaDelta)
            .flatMap(IntegratorTheory.stationaryCovariance))
        let ybar = s.mean.map(Double.init)
        let variance = ybar.reduce(0) { $0 + $1 * $1 } / Double(ybar.count)
        #expect(abs(variance / ybarLaw.yy - 1) < 4 * (2 / Double(B * d)).squareRoot(), "\(name): Var ȳ \(variance) vs \(ybarLaw.yy)")
        #expect(abs(s.differenceVariance / differences.yy - 1) < 4 * (2 / Double((M - 1) * B * d)).squareRoot(),
                "\(name): Var(y_m − ȳ) \(s.differenceVariance) vs \(differences.yy)")
    }
}
