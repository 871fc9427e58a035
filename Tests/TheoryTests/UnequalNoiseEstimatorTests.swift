import Foundation
import NumericCore
import PropertyBased
import Testing
import Theory

/// The multimeasurement Bayes estimator with unequal noise levels (THEORY T4.8, with T3.1) for a
/// Gaussian-mixture prior, on random mixtures, noise levels and points. The reference posterior mean is
/// computed here by quadrature from the integrand written out factor by factor, so nothing is taken
/// from the library's closed forms.
struct UnequalNoiseEstimatorTests {
    /// A random prior (means on cube vertices, d ∈ 1…dMax), M ∈ 1…8 noise levels log-uniform in
    /// [0.2, 2], and a point y_m = x + σ_m·spread·ε_m.
    static func randomCase(seed: Int, dMax: Int = 3) -> (density: MixtureMDensity, y: [Double]) {
        var rng = Xoshiro256(seed: UInt64(seed))
        let d = 1 + rng.int(below: dMax)
        let K = 1 + rng.int(below: 1 << d)
        let prior = GaussianMixture.cubeVertices(dimension: d, components: K, separation: 1 + 3 * rng.uniform(), tau: 0.2 + rng.uniform())
        let M = 1 + rng.int(below: 8)
        let sigmas = (0..<M).map { _ in 0.2 * pow(10, rng.uniform()) }
        let density = MixtureMDensity(prior: prior, sigmas: sigmas)
        let x = prior.sample(1, using: &rng)[0]
        let spread = 0.5 + 1.5 * rng.uniform()
        let y = (0..<(M * d)).map { x[$0 % d] + sigmas[$0 / d] * spread * rng.gaussian() }
        return (density, y)
    }

    /// E[X | y] by a tensor-product trapezoid rule (d ≤ 2) on p(x | y) ∝ Σ_k π_k N(x; μ_k, τ²I) ·
    /// Π_m N(y_m; x, σ_m² I), every factor written out. The grid covers the hull of the μ_k and of the
    /// precision-weighted mean ± 12 posterior s.d. r = τs/√(τ² + s²), s² = 1/Σ_m σ_m⁻² (every component's
    /// posterior mean lies in that hull), with spacing r/3: the trapezoid error on a Gaussian is
    /// ~exp(−2π²·9) = e^{−178}, the cut tails ~e^{−72}, so the reference is good to rounding (≲ 1e-12
    /// relative to r).
    static func quadratureMean(_ density: MixtureMDensity, _ y: [Double]) -> [Double] {
        let prior = density.prior, d = prior.dimension, sigmas = density.sigmas, M = sigmas.count
        let precision = sigmas.reduce(0) { $0 + 1 / ($1 * $1) }
        let s2 = 1 / precision, t2 = prior.variance
        let r = (t2 * s2 / (t2 + s2)).squareRoot()
        let weighted = (0..<d).map { i in (0..<M).reduce(0) { $0 + y[$1 * d + i] / (sigmas[$1] * sigmas[$1]) } / precision }
        let axes: [[Double]] = (0..<d).map { i in
            let ends = prior.means.map { $0[i] } + [weighted[i]]
            let lo = ends.min()! - 12 * r, hi = ends.max()! + 12 * r, h = r / 3
            return (0...Int(((hi - lo) / h).rounded(.up))).map { lo + Double($0) * h }
        }
        func logPost(_ x: [Double]) -> Double {
            var like = 0.0
            for m in 0..<M { for i in 0..<d { let e = y[m * d + i] - x[i]; like -= e * e / (2 * sigmas[m] * sigmas[m]) } }
            let terms = prior.means.indices.map { k in
                log(prior.weights[k]) - zip(x, prior.means[k]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / (2 * t2)
            }
            let top = terms.max()!
            return like + top + log(terms.reduce(0) { $0 + exp($1 - top) })
        }
        var points = [[Double]]()
        if d == 1 {
            for a in axes[0] { points.append([a]) }
        } else {
            for a in axes[0] { for b in axes[1] { points.append([a, b]) } }
        }
        let logs = points.map(logPost)
        let top = logs.max()!
        let w = logs.map { exp($0 - top) }, total = w.reduce(0, +)
        return (0..<d).map { i in zip(points, w).reduce(0) { $0 + $1.0[i] * $1.1 } / total }
    }

    @Test("T4.8: y_m + σ_m²∇_{y_m} log p(y) is the same for every m (1e-10) and equals ỹ + s²∇log p_s(ỹ) and the posterior-component mean (1e-10)")
    func everyIndexGivesOneEstimate() async {
        await propertyCheck(count: 80, input: Gen.int(in: 0...1_000_000)) { seed in
            let (density, y) = Self.randomCase(seed: seed)
            let tweedie = density.bayesEstimator(y)
            for m in 0..<density.measurements {
                let e = density.bayesEstimator(y, measurement: m)
                #expect(Stats.maxAbsoluteError(e, tweedie) < 1e-10, "m = \(m), σ = \(density.sigmas)")
            }
            #expect(Stats.maxAbsoluteError(density.posteriorMean(y), tweedie) < 1e-10)
        }
    }

    @Test("T4.8: the estimate from every index equals the quadrature posterior mean (1e-9 of the posterior s.d. scale, d ≤ 2)")
    func estimateIsThePosteriorMean() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000)) { seed in
            let (density, y) = Self.randomCase(seed: seed, dMax: 2)
            let reference = Self.quadratureMean(density, y)
            let t2 = density.prior.variance
            let s2 = 1 / density.sigmas.reduce(0) { $0 + 1 / ($1 * $1) }
            let scale = (t2 * s2 / (t2 + s2)).squareRoot()
            for m in 0..<density.measurements {
                let e = density.bayesEstimator(y, measurement: m)
                #expect(Stats.maxAbsoluteError(e, reference) / scale < 1e-9, "m = \(m): \(e) vs quadrature \(reference), σ = \(density.sigmas)")
            }
        }
    }

    @Test("T4.8: factorised, direct (Sherman–Morrison) and dense (Cholesky) log p(y) agree (1e-10 rel.); the score equals finite differences of the dense log p (1e-6)")
    func densityAndScore() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000)) { seed in
            let (density, y) = Self.randomCase(seed: seed)
            let dense = try density.logDensityDense(y)
            #expect(Stats.relativeError(density.logDensityDirect(y), dense) < 1e-10)
            #expect(Stats.relativeError(density.logDensityFactorised(y), dense) < 1e-10)
            let g = density.score(y)
            let scale = max(1, g.map(abs).max()!)
            let fd = finiteDifferenceGradient(of: { (try? density.logDensityDense($0)) ?? .nan }, at: y)
            #expect(Stats.maxAbsoluteError(fd, g) / scale < 1e-6)
            #expect(Stats.maxAbsoluteError(density.scoreDirect(y), g) / scale < 1e-10)
        }
    }

    @Test("T4.8 needs σ_m² per index: with one common σ_1² the indices disagree when the levels differ by ≥ 20%")
    func commonVarianceBreaksAgreement() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000)) { seed in
            var rng = Xoshiro256(seed: UInt64(seed))
            let prior = GaussianMixture.cubeVertices(dimension: 2, components: 4, separation: 3, tau: 0.5)
            let sigmas = [0.5, 0.5 * (1.2 + 2 * rng.uniform())]
            let density = MixtureMDensity(prior: prior, sigmas: sigmas)
            let y = (0..<4).map { _ in 2 * rng.gaussian() }
            let g = density.score(y)
            let wrong = (0..<2).map { m in (0..<2).map { y[m * 2 + $0] + sigmas[0] * sigmas[0] * g[m * 2 + $0] } }
            // y_2 + σ_1²g_2 − (y_2 + σ_2²g_2) = (σ_1² − σ_2²) g_2: zero only where the score of y_2 vanishes.
            let gap = Stats.maxAbsoluteError(wrong[1], density.bayesEstimator(y))
            let expectedGap = abs(sigmas[0] * sigmas[0] - sigmas[1] * sigmas[1]) * max(abs(g[2]), abs(g[3]))
            #expect(abs(gap - expectedGap) <= 1e-9 * max(1, expectedGap))
            #expect(Stats.maxAbsoluteError(wrong[0], density.bayesEstimator(y)) < 1e-10)
        }
    }

    @Test("permuting the measurements together with their noise levels leaves log p(y) and x̂(y) unchanged")
    func permutationWithLevels() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000)) { seed in
            let (density, y) = Self.randomCase(seed: seed)
            let M = density.measurements, d = density.dataDimension
            var rng = Xoshiro256(seed: UInt64(seed) &+ 1)
            let perm = rng.permutation(M)
            // block m of πy is block perm[m] of y, so its noise level is σ_{perm[m]}
            let py = (0..<(M * d)).map { y[perm[$0 / d] * d + $0 % d] }
            let permuted = MixtureMDensity(prior: density.prior, sigmas: perm.map { density.sigmas[$0] })
            #expect(Stats.relativeError(permuted.logDensityDirect(py), density.logDensityDirect(y)) < 1e-12)
            #expect(Stats.maxAbsoluteError(permuted.bayesEstimator(py), density.bayesEstimator(y)) < 1e-12)
        }
    }
}
