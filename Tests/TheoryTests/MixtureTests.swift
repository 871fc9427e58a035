import Foundation
import NumericCore
import PropertyBased
import Testing
import Theory

/// T1.3, T1.4, T2.2 on random Gaussian mixtures.
@Suite struct MixtureTests {
    static func randomMixture(components k: Int, dimension d: Int, variance: Double, seed: UInt64) -> GaussianMixture {
        var rng = Xoshiro256(seed: seed)
        let means = (0..<k).map { _ in (0..<d).map { _ in 3 * rng.gaussian() } }
        return GaussianMixture(means: means, weights: (0..<k).map { _ in 0.1 + rng.uniform() }, variance: variance)
    }

    @Test func analyticScoreMatchesFiniteDifferences() async {
        await propertyCheck(count: 60, input: Gen.int(in: 1...5), Gen.int(in: 1...4), Gen.double(in: 0.2...3), Gen.int(in: 0...1_000_000)) { k, d, tau2, seed in
            let mix = Self.randomMixture(components: k, dimension: d, variance: tau2, seed: UInt64(seed))
            var rng = Xoshiro256(seed: UInt64(seed) &+ 1)
            for _ in 0..<5 {
                let x = (0..<d).map { _ in 4 * rng.gaussian() }
                let a = mix.score(x), f = mix.finiteDifferenceScore(x)
                let scale = 1 + a.map(abs).max()!
                #expect(Stats.maxAbsoluteError(a, f) <= 1e-5 * scale)
            }
        }
    }

    @Test func tweedieEqualsDirectPosteriorMean() async {
        // T2.2: y + σ²∇log p_Y(y) = E[X | y] to rounding error, p_Y = the mixture smoothed by σ².
        await propertyCheck(count: 100, input: Gen.int(in: 1...6), Gen.int(in: 1...5), Gen.double(in: 0.05...3), Gen.double(in: 0.05...4), Gen.int(in: 0...1_000_000)) { k, d, tau2, sigma, seed in
            let mix = Self.randomMixture(components: k, dimension: d, variance: tau2, seed: UInt64(seed))
            let noisy = mix.smoothed(noiseVariance: sigma * sigma)
            var rng = Xoshiro256(seed: UInt64(seed) &+ 2)
            for _ in 0..<5 {
                let y = (0..<d).map { _ in 5 * rng.gaussian() }
                let s = noisy.score(y)
                let tweedie = y.indices.map { y[$0] + sigma * sigma * s[$0] }
                let direct = mix.posteriorMean(y, sigma: sigma)
                let scale = 1 + y.map(abs).max()! + mix.means.flatMap { $0 }.map(abs).max()!
                #expect(Stats.maxAbsoluteError(tweedie, direct) <= 1e-11 * scale, "k=\(k) d=\(d) τ²=\(tau2) σ=\(sigma)")
            }
        }
    }

    @Test func smoothedMixtureIsTheConvolution() {
        // T1.4 in 1-D: (p * N(0, s²))(y) by trapezoidal quadrature equals the mixture with τ² + s².
        let mix = GaussianMixture(means: [[-2], [1.5]], weights: [0.3, 0.7], variance: 0.5)
        let s2 = 0.8
        let smooth = mix.smoothed(noiseVariance: s2)
        for y in stride(from: -5.0, through: 5.0, by: 0.5) {
            let lo = -15.0, hi = 15.0, n = 6000
            let dx = (hi - lo) / Double(n)
            var integral = 0.0
            for i in 0...n {
                let x = lo + Double(i) * dx
                let w = (i == 0 || i == n) ? 0.5 : 1.0
                let r: Double = y - x
                let norm: Double = (2 * Double.pi * s2).squareRoot()
                let kern: Double = exp(-r * r / (2 * s2)) / norm
                integral += w * exp(mix.logDensity([x])) * kern * dx
            }
            #expect(abs(integral - exp(smooth.logDensity([y]))) < 1e-9)
        }
    }

    @Test func chiMomentsApproachTheirAsymptotics() {
        #expect(abs(LangevinTheory.chiMean(dimension: 1) - (2 / Double.pi).squareRoot()) < 1e-12)
        #expect(abs(LangevinTheory.chiMean(dimension: 2) - (Double.pi / 2).squareRoot()) < 1e-12)
        let d = 10_000
        #expect(abs(LangevinTheory.chiMean(dimension: d) / Double(d).squareRoot() - (1 - 1 / (4 * Double(d)))) < 1e-8)
        #expect(abs(LangevinTheory.chiRelativeSpread(dimension: d) * (2 * Double(d)).squareRoot() - 1) < 1e-3)
    }

    @Test func kramersSwitchTimeGrowsLikeTheBarrier() {
        let t6 = LangevinTheory.kramersSwitchTime(separation: 6, variance: 1)!
        let t8 = LangevinTheory.kramersSwitchTime(separation: 8, variance: 1)!
        let ratio = log(t8 / t6) / ((64.0 - 36.0) / 8)
        #expect(ratio > 0.8 && ratio < 1.1)
        #expect(LangevinTheory.kramersSwitchTime(separation: 1.5, variance: 1) == nil)  // unimodal
    }
}
