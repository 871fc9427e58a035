// The B-A-O-A-B walk: its fused batched step against a per-coordinate Double twin built from the
// update rules, and its stationary law on a Gaussian prior at the published large step δ = σ/2,
// where the position law is exact (ȳ ~ N(0, λ + σ²/M), differences of variance σ²).
import Foundation
import NumericCore
import Samplers
import Testing

@Suite struct BAOABWalkTests {
    @Test func fusedStepMatchesTheNaiveTwin() {
        let M = 3, B = 2, d = 5, sigma = 0.7, delta = 0.3, gammaDelta = 0.8
        let config = WalkJumpConfiguration(measurements: M, sigma: sigma, step: delta, effectiveFriction: gammaDelta, integrator: .baoab)
        let nu: WalkJumpSampler.Denoiser = { x, _ in x.map { 0.6 * $0 - 0.05 * $0 * $0 } }
        var rngA = Xoshiro256(seed: 9)
        let s = WalkJumpSampler(configuration: config, chains: B, dimension: d, start: .uniformPlusNoiseIndependent, rng: &rngA, denoiser: nu)
        var rngB = rngA
        var y = s.y.map(Double.init), v = s.v.map(Double.init)
        let bd = B * d, a = exp(-gammaDelta), b = (1 - a * a).squareRoot()
        func force(_ y: [Double]) -> [Double] {
            var mean = [Float](repeating: 0, count: bd)
            for m in 0..<M { for j in 0..<bd { mean[j] += Float(y[m * bd + j]) / Float(M) } }
            let n = nu(mean, B)
            return (0..<(M * bd)).map { (Double(n[$0 % bd]) - y[$0]) / (sigma * sigma) }
        }
        for _ in 0..<20 {
            s.step(rng: &rngA)
            let eps = rngB.gaussiansFloat(M * bd)
            var f = force(y)
            for i in y.indices { v[i] += delta / 2 * f[i]; y[i] += delta / 2 * v[i] }
            for i in y.indices { v[i] = a * v[i] + b * Double(eps[i]); y[i] += delta / 2 * v[i] }
            f = force(y)
            for i in y.indices { v[i] += delta / 2 * f[i] }
        }
        let dy = zip(s.y, y).map { abs(Double($0) - $1) }.max()!, dv = zip(s.v, v).map { abs(Double($0) - $1) }.max()!
        #expect(dy < 1e-4 && dv < 1e-4, "max |Δy| = \(dy), |Δv| = \(dv)")
        // The jump reuses the closing force's ν(ȳ): the same values as a fresh call.
        #expect(s.jump() == nu(s.mean, B))
    }

    @Test func positionLawIsExactOnAGaussianPriorAtTheLargeStep() {
        // X ~ N(0, λ I): ν(ȳ) = λ/(λ + s²) ȳ with s² = σ²/M. Start at the stationary law (ȳ drawn
        // exactly, y | ȳ exactly), run 200 steps at δ = σ/2, then read one snapshot: B·d = 16 000
        // independent ȳ coordinates, so Var ȳ has relative s.e. √(2/16 000) = 1.1 %; bound 4 s.e.
        // The difference directions have k = (M−1)·B·d = 48 000 coordinates: s.e. √(2/k) = 0.65 %.
        let M = 4, sigma = 1.0, lambda = 1.0, d = 4, B = 4000
        let s2 = sigma * sigma / Double(M), shrink = Float(lambda / (lambda + s2))
        var rng = Xoshiro256(seed: 21)
        let means = rng.gaussiansFloat(B * d, mean: 0, std: Float((lambda + s2).squareRoot()))
        let config = WalkJumpConfiguration(measurements: M, sigma: sigma, effectiveFriction: 1, integrator: .baoab)
        let s = WalkJumpSampler(configuration: config, chains: B, dimension: d, start: .givenMeans(means), rng: &rng) { x, _ in x.map { shrink * $0 } }
        for _ in 0..<200 { s.step(rng: &rng) }
        let ybar = s.mean.map(Double.init)
        let variance = ybar.reduce(0) { $0 + $1 * $1 } / Double(ybar.count)
        let expected = lambda + s2
        #expect(abs(variance / expected - 1) < 4 * (2 / Double(B * d)).squareRoot(), "Var ȳ \(variance) vs \(expected)")
        #expect(abs(s.differenceVariance / (sigma * sigma) - 1) < 4 * (2 / Double((M - 1) * B * d)).squareRoot(),
                "Var(y_m − ȳ)/σ² = \(s.differenceVariance / (sigma * sigma))")
    }
}
