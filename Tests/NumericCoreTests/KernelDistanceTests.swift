// KID: the BLAS path against its double-loop twin, and the estimator's mean against closed forms:
// 0 for one law (it is unbiased), and the population MMD² of two 1-D Gaussians.
import NumericCore
import Testing

@Suite struct KernelDistanceTests {
    @Test func blasPathMatchesNaiveTwin() {
        var rng = Xoshiro256(seed: 3)
        let (n, m, k) = (37, 23, 5)
        let x = rng.gaussians(n * k), y = rng.gaussians(m * k, mean: 0.3, std: 1.2)
        let fast = KernelDistance.kid(x, count: n, y, count: m, dimension: k)
        let naive = KernelDistance.kidNaive(x, count: n, y, count: m, dimension: k)
        #expect(abs(fast - naive) <= 1e-12 * max(1, abs(naive)), "kid \(fast) vs naive \(naive)")
    }

    /// Mean and standard error of KID over `reps` independent pairs of sets of n draws.
    func replicates(mu: Double, reps: Int = 40, n: Int = 400, seed: UInt64) -> (mean: Double, se: Double) {
        var rng = Xoshiro256(seed: seed)
        let values = (0..<reps).map { _ in
            KernelDistance.kid(rng.gaussians(n), count: n, rng.gaussians(n, mean: mu, std: 1), count: n, dimension: 1)
        }
        return (Stats.mean(values), Stats.standardError(values))
    }

    @Test func unbiasedForOneLaw() {
        // E KID = 0 exactly when both sets have one law; tolerance 4 s.e. of the mean of 40 replicates.
        let r = replicates(mu: 0, seed: 11)
        #expect(abs(r.mean) <= 4 * r.se, "mean KID \(r.mean) ± \(r.se)")
    }

    @Test func populationValueForShiftedGaussians() {
        // k(a, b) = (ab + 1)³ = ⟨φ(a), φ(b)⟩ with φ(a) = (a³, √3 a², √3 a, 1), so MMD² = ‖E φ(X) − E φ(Y)‖².
        // X ~ N(0, 1): E φ = (0, √3, 0, 1); Y ~ N(μ, 1): E φ = (μ³ + 3μ, √3 (μ² + 1), √3 μ, 1).
        let mu = 0.5
        let exact = (mu * mu * mu + 3 * mu) * (mu * mu * mu + 3 * mu) + 3 * mu * mu * mu * mu + 3 * mu * mu
        let r = replicates(mu: mu, seed: 12)
        #expect(abs(r.mean - exact) <= 4 * r.se, "mean KID \(r.mean) ± \(r.se), exact \(exact)")
        #expect(r.se < 0.1 * exact, "the test must resolve the value: s.e. \(r.se)")
    }
}
