import Foundation
import NumericCore
import Testing
import Theory

/// T2.4's Gaussian closed forms: X ~ N(0, λ), Y = X + N(0, s²).
@Suite struct GaussianDenoisingTests {
    @Test("the shrinkage is the posterior mean of a one-component mixture, and MMSE = 1/(1/λ + 1/s²)")
    func closedForms() {
        for (lambda, s) in [(1.0, 0.5), (0.01, 3.0), (100.0, 0.01), (2.0, 2.0)] {
            let s2 = s * s
            let k = GaussianDenoising.shrinkage(dataVariance: lambda, noiseVariance: s2)
            let y = 0.7
            let direct = GaussianMixture(means: [[0]], variance: lambda).posteriorMean([y], sigma: s)[0]
            #expect(abs(k * y - direct) <= 1e-14 * abs(y), "λ = \(lambda), s = \(s)")
            let m = GaussianDenoising.mmse(dataVariance: lambda, noiseVariance: s2)
            #expect(abs(m - 1 / (1 / lambda + 1 / s2)) <= 1e-14 * m)
            #expect(m < min(lambda, s2))  // better than either the prior mean or y itself
        }
    }

    @Test("Monte Carlo: the loss of λ/(λ + s²)·y is the MMSE within 4 s.e. (fixed seed, 100 000 draws)")
    func monteCarloLoss() {
        var rng = Xoshiro256(seed: 5)
        for (lambda, s) in [(1.0, 0.5), (0.3, 1.2)] {
            let k = GaussianDenoising.shrinkage(dataVariance: lambda, noiseVariance: s * s)
            let losses = (0..<100_000).map { _ -> Double in
                let x = lambda.squareRoot() * rng.gaussian(), y = x + s * rng.gaussian()
                return (x - k * y) * (x - k * y)
            }
            let m = GaussianDenoising.mmse(dataVariance: lambda, noiseVariance: s * s)
            #expect(abs(Stats.mean(losses) - m) <= 4 * Stats.standardError(losses), "λ = \(lambda), s = \(s): \(Stats.mean(losses)) vs \(m)")
        }
    }
}
