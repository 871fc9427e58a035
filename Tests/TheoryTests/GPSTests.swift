import NumericCore
import PropertyBased
import Testing
import Theory

/// The GPS parametrisation (THEORY §4): one ν call per score, equality with the exact score for the
/// optimal ν, permutation equivariance (T4.4) for any ν, and universality of the loss (T4.5).
struct GPSTests {
    static let prior = GaussianMixture.cubeVertices(dimension: 2, components: 4, separation: 3, tau: 0.5)

    /// A deliberately non-linear, non-optimal ν (any function of ȳ will do for T4.4).
    static let arbitrary: GPSDenoiser = { m in m.indices.map { 2 * tanh(m[$0]) + 0.3 * sin(3 * m[($0 + 1) % m.count]) } }

    static func point(M: Int, sigma: Double, seed: Int) -> [Double] {
        var rng = Xoshiro256(seed: UInt64(seed))
        let x = prior.sample(1, using: &rng)[0]
        return (0..<(2 * M)).map { x[$0 % 2] + sigma * rng.gaussian() }
    }

    @Test("with the optimal ν of the class, the GPS score equals the exact M-density score T4.2 (1e-10)")
    func optimalDenoiserGivesExactScore() async {
        await propertyCheck(count: 60, input: Gen.int(in: 1...16), Gen.double(in: 0.2...1.5), Gen.int(in: 0...1_000_000)) { M, sigmaEff, seed in
            let sigma = UniversalityClass(sigmaEff: sigmaEff).sigma(measurements: M)
            let y = Self.point(M: M, sigma: sigma, seed: seed)
            let gps = GPSScore(measurements: M, sigma: sigma, dataDimension: 2,
                               denoiser: GPS.optimalDenoiser(prior: Self.prior, sigmaEff: sigmaEff))
            let exact = MixtureMDensity(prior: Self.prior, measurements: M, sigma: sigma).score(y)
            let scale = max(1, exact.map(abs).max()!)
            #expect(Stats.maxAbsoluteError(gps.score(y), exact) / scale < 1e-10)
            #expect(Stats.relativeError(gps.sigmaEff, sigmaEff) < 1e-14)
        }
    }

    @Test("T4.4: the GPS score of πy is π of the score of y, for random permutations and any ν (1e-12)")
    func permutationEquivariance() async {
        await propertyCheck(count: 80, input: Gen.int(in: 2...16), Gen.double(in: 0.2...3.0), Gen.int(in: 0...1_000_000)) { M, sigma, seed in
            let y = Self.point(M: M, sigma: sigma, seed: seed)
            var rng = Xoshiro256(seed: UInt64(seed) &+ 17)
            let perm = rng.permutation(M)
            for nu in [Self.arbitrary, GPS.optimalDenoiser(prior: Self.prior, sigmaEff: sigma / Double(M).squareRoot())] {
                let gps = GPSScore(measurements: M, sigma: sigma, dataDimension: 2, denoiser: nu)
                let g = gps.score(y)
                let scale = max(1, g.map(abs).max()!)
                let gp = gps.score(GPS.permuteMeasurements(y, measurements: M, by: perm))
                #expect(Stats.maxAbsoluteError(gp, GPS.permuteMeasurements(g, measurements: M, by: perm)) / scale < 1e-12)
                #expect(Stats.maxAbsoluteError(gps.estimate(GPS.permuteMeasurements(y, measurements: M, by: perm)), gps.estimate(y)) < 1e-12)
            }
        }
    }

    @Test("one ν call per score; the batched score equals per-state scores")
    func oneCallPerScore() {
        final class Counter: @unchecked Sendable { var n = 0 }
        let counter = Counter()
        let nu: GPSDenoiser = { counter.n += 1; return Self.arbitrary($0) }
        let M = 9, batch = 5
        let gps = GPSScore(measurements: M, sigma: 1.5, dataDimension: 2, denoiser: nu)
        var rng = Xoshiro256(seed: 3)
        let states = (0..<batch).map { _ in rng.gaussians(2 * M) }
        _ = gps.score(states[0])
        #expect(counter.n == 1)
        counter.n = 0
        var g = [Double]()
        gps.batchScore(states.flatMap { $0 }, into: &g, batch: batch)
        #expect(counter.n == batch)
        #expect(Stats.maxAbsoluteError(g, states.flatMap { gps.score($0) }) == 0)
    }

    @Test("T4.5: one ν has the same loss on (1, σ_eff) and (4, 2σ_eff) (seed 11, 20 000 independent draws each, |Δ| ≤ 4 s.e.), and a different one on (4, 4σ_eff) (≥ 10 s.e.)")
    func universalityOfTheLoss() {
        let sigmaEff = 0.5
        let nu = GPS.optimalDenoiser(prior: Self.prior, sigmaEff: sigmaEff)
        var rng = Xoshiro256(seed: 11)
        func loss(_ M: Int, _ sigma: Double) -> (mean: Double, se: Double) {
            var r = rng.split()
            let l = GPS.denoisingLosses(prior: Self.prior, measurements: M, sigma: sigma, denoiser: nu, count: 20_000, using: &r).losses
            return (Stats.mean(l), Stats.standardError(l))
        }
        let a = loss(1, sigmaEff), b = loss(4, 2 * sigmaEff), c = loss(4, 4 * sigmaEff)
        let seAB = (a.se * a.se + b.se * b.se).squareRoot(), seAC = (a.se * a.se + c.se * c.se).squareRoot()
        #expect(abs(a.mean - b.mean) <= 4 * seAB, "same class: \(a) vs \(b)")
        #expect(abs(a.mean - c.mean) >= 10 * seAC, "other class: \(a) vs \(c)")
    }

    @Test("two-sample tests: same law not rejected at 1%, a 0.7σ mean shift rejected (seed 5, N(0, I₂), 150 points, 199 permutations)")
    func twoSampleTests() {
        var rng = Xoshiro256(seed: 5)
        let a = (0..<150).map { _ in rng.gaussians(2) }, b = (0..<150).map { _ in rng.gaussians(2) }
        let shifted = (0..<150).map { _ in [rng.gaussian() + 0.7, rng.gaussian()] }
        for kind in [TwoSampleTest.Statistic.energyDistance, .gaussianMMD(bandwidth: 1)] {
            let same = TwoSampleTest(a, b, statistic: kind, permutations: 199, using: &rng)
            let different = TwoSampleTest(a, shifted, statistic: kind, permutations: 199, using: &rng)
            #expect(same.pValue > 0.01, "\(kind): same law, p = \(same.pValue)")
            #expect(different.pValue <= 0.01, "\(kind): shifted law, p = \(different.pValue)")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
