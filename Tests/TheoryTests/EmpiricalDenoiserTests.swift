import NumericCore
import PropertyBased
import Testing
import Theory

/// T2.3: the empirical-prior denoiser, fast BLAS path against its naive twin.
@Suite struct EmpiricalDenoiserTests {
    @Test func fastPathMatchesNaiveInDouble() async {
        await propertyCheck(count: 40, input: Gen.int(in: 1...40), Gen.int(in: 1...30), Gen.int(in: 1...9), Gen.double(in: 0.05...3)) { n, d, m, sigma in
            var rng = Xoshiro256(seed: UInt64(n * 1000 + d * 10 + m))
            let pts = rng.gaussians(n * d)
            let q = rng.gaussians(m * d, std: 1.5)
            var den = EmpiricalDenoiser(points: pts, dimension: d)
            den.chunkEntries = 3 * n  // force several chunks
            let fast = den.denoise(q, sigma: sigma), naive = den.naiveDenoise(q, sigma: sigma)
            #expect(Stats.maxAbsoluteError(fast, naive) <= 1e-9 * (1 + pts.map(abs).max()!))
        }
    }

    @Test func fastPathMatchesNaiveInFloatOnImageSizedVectors() {
        var rng = Xoshiro256(seed: 9)
        let n = 50, d = 784, m = 6
        let pts = (0..<(n * d)).map { _ in Float(rng.uniform()) }
        let q = (0..<(m * d)).map { i in pts[(i % d) + d * (i / d)] + Float(0.3 * rng.gaussian()) }
        let den = EmpiricalDenoiser(points: pts, dimension: d)
        for sigma in [0.3, 1.0, 3.0] {
            let fast = den.denoise(q, sigma: sigma), naive = den.naiveDenoise(q, sigma: sigma)
            let err = zip(fast, naive).map { abs(Double($0) - Double($1)) }.max()!
            #expect(err < 2e-3, "σ = \(sigma): max error \(err)")
        }
    }

    @Test func limitsAndTweedie() {
        let pts: [Double] = [0, 0, 4, 0, 0, 4]
        let den = EmpiricalDenoiser(points: pts, dimension: 2)
        // Small σ: snaps to the nearest point (memorisation); large σ: the mean of the points.
        let near = den.denoiseWithWeights([3.6, 0.3], sigma: 0.05)
        #expect(abs(near.estimate[0] - 4) < 1e-9 && abs(near.estimate[1]) < 1e-9 && abs(near.maxWeight[0] - 1) < 1e-9)
        let far = den.denoise([1, 1], sigma: 1e4)
        #expect(abs(far[0] - 4.0 / 3) < 1e-6 && abs(far[1] - 4.0 / 3) < 1e-6)
        // It is the Tweedie estimator of a mixture with τ² → 0: compare with a tiny-variance mixture.
        let mix = GaussianMixture(means: [[0, 0], [4, 0], [0, 4]], variance: 1e-12)
        let y = [1.2, 2.1], sigma = 1.3
        let a = den.denoise(y, sigma: sigma), b = mix.posteriorMean(y, sigma: sigma)
        #expect(Stats.maxAbsoluteError(a, b) < 1e-9)
        let s = den.score(y, sigma: sigma), t = mix.smoothed(noiseVariance: sigma * sigma).score(y)
        #expect(Stats.maxAbsoluteError(s, t) < 1e-9)
    }
}
