import Foundation
import NumericCore
import PropertyBased
import Testing
import Theory

/// The closed-form M-density of a Gaussian mixture (THEORY T3.1, T4.1–T4.3) on random inputs. Each
/// property draws M, σ and a seed for the point y; tolerances are stated in the expectations.
struct MixtureMDensityTests {
    /// A random prior (means on cube vertices, d ∈ 1…3) and a point y = x + σ·spread·ε.
    static func randomCase(M: Int, sigma: Double, seed: Int) -> (MixtureMDensity, [Double], [Double]) {
        var rng = Xoshiro256(seed: UInt64(seed))
        let d = 1 + rng.int(below: 3)
        let K = 1 + rng.int(below: 1 << d)
        let prior = GaussianMixture.cubeVertices(dimension: d, components: K, separation: 1 + 3 * rng.uniform(), tau: 0.2 + rng.uniform())
        let density = MixtureMDensity(prior: prior, measurements: M, sigma: sigma)
        let x = prior.sample(1, using: &rng)[0]
        let spread = 0.5 + 1.5 * rng.uniform()
        let y = (0..<(M * d)).map { x[$0 % d] + sigma * spread * rng.gaussian() }
        return (density, y, x)
    }

    @Test("T4.1: factorised, direct (Sherman–Morrison) and dense (Cholesky) log p(y) agree to 1e-10 relative")
    func factorisation() async {
        await propertyCheck(count: 60, input: Gen.int(in: 1...8), Gen.double(in: 0.2...2.0), Gen.int(in: 0...1_000_000)) { M, sigma, seed in
            let (density, y, x) = Self.randomCase(M: M, sigma: sigma, seed: seed)
            let direct = density.logDensityDirect(y)
            #expect(Stats.relativeError(density.logDensityFactorised(y), direct) < 1e-10)
            let dense = try density.logDensityDense(y)
            #expect(Stats.relativeError(dense, direct) < 1e-10)
            let sides = measurementIdentitySides(y, x: x, measurements: M)
            #expect(Stats.relativeError(sides.right, sides.left) < 1e-12)
        }
    }

    @Test("T4.2: the score equals finite differences of the direct log p (1e-6) and the direct score (1e-10)")
    func score() async {
        await propertyCheck(count: 40, input: Gen.int(in: 1...8), Gen.double(in: 0.2...2.0), Gen.int(in: 0...1_000_000)) { M, sigma, seed in
            let (density, y, _) = Self.randomCase(M: M, sigma: sigma, seed: seed)
            let g = density.score(y)
            let scale = max(1, g.map(abs).max()!)
            let fd = finiteDifferenceGradient(of: density.logDensityDirect, at: y)
            #expect(Stats.maxAbsoluteError(fd, g) / scale < 1e-6)
            #expect(Stats.maxAbsoluteError(density.scoreDirect(y), g) / scale < 1e-10)
            // The protocol's own finite-difference twin agrees as well.
            #expect(Stats.maxAbsoluteError(density.finiteDifferenceScore(y), g) / scale < 1e-6)
        }
    }

    @Test("T3.1 = T4.3: y_m + σ²∇_{y_m} log p is the same for every m and equals ȳ + (σ²/M)∇log p_{σ/√M}(ȳ) (1e-10)")
    func bayesEstimator() async {
        await propertyCheck(count: 60, input: Gen.int(in: 1...8), Gen.double(in: 0.2...2.0), Gen.int(in: 0...1_000_000)) { M, sigma, seed in
            let (density, y, _) = Self.randomCase(M: M, sigma: sigma, seed: seed)
            let t43 = density.bayesEstimator(y)
            for m in 0..<M {
                #expect(Stats.maxAbsoluteError(density.bayesEstimator(y, measurement: m), t43) < 1e-10)
            }
            #expect(Stats.maxAbsoluteError(density.posteriorMean(y), t43) < 1e-10)
            let single = density.prior.posteriorMean(density.measurementMean(y), sigma: density.sigmaEff)
            #expect(Stats.maxAbsoluteError(single, t43) < 1e-10)
        }
    }

    /// Var[X_i | Y = y] by brute-force quadrature of the posterior, independent of the library:
    /// p(x | y) ∝ Σ_k π_k exp(−‖x − μ_k‖²/(2τ²)) · Π_m exp(−‖y_m − x‖²/(2σ²)), every factor written out
    /// here (no T4.1 reduction to ȳ), on a tensor-product trapezoid grid in d ≤ 2 dimensions. The
    /// grid covers every component's posterior mean ± 12 posterior s.d. r = τs/√(τ² + s²), s = σ/√M
    /// (bounded by the hull of the μ_k and ȳ), with spacing r/3. Errors: trapezoid on a Gaussian with
    /// spacing h is ~exp(−2π²r²/h²) = e^{−178}; the cut tails ~e^{−72}; rounding of the ≤ 10⁵ positive
    /// terms ≲ 1e-12 relative. So 1e-9 relative is a generous bound on the reference's own error.
    static func quadraturePosterior(_ density: MixtureMDensity, _ y: [Double]) -> (mean: [Double], variance: [Double]) {
        let prior = density.prior, d = prior.dimension, M = density.measurements
        let s2n = density.sigma * density.sigma, t2 = prior.variance
        let s2 = s2n / Double(M), r = (t2 * s2 / (t2 + s2)).squareRoot()
        var ybar = [Double](repeating: 0, count: d)
        for m in 0..<M { for i in 0..<d { ybar[i] += y[m * d + i] / Double(M) } }
        let axes: [[Double]] = (0..<d).map { i in
            let ends = prior.means.map { $0[i] } + [ybar[i]]
            let lo = ends.min()! - 12 * r, hi = ends.max()! + 12 * r, h = r / 3
            return (0...Int(((hi - lo) / h).rounded(.up))).map { lo + Double($0) * h }
        }
        func logPost(_ x: [Double]) -> Double {
            var like = 0.0
            for m in 0..<M { for i in 0..<d { let e = y[m * d + i] - x[i]; like -= e * e / (2 * s2n) } }
            let terms = prior.means.indices.map { k in
                log(prior.weights[k]) - zip(x, prior.means[k]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / (2 * t2)
            }
            let top = terms.max()!
            return like + top + log(terms.reduce(0) { $0 + exp($1 - top) })
        }
        var points = [[Double]](), logs = [Double]()
        if d == 1 {
            for a in axes[0] { points.append([a]) }
        } else {
            for a in axes[0] { for b in axes[1] { points.append([a, b]) } }
        }
        logs = points.map(logPost)
        let top = logs.max()!
        let w = logs.map { exp($0 - top) }, total = w.reduce(0, +)
        let mean = (0..<d).map { i in zip(points, w).reduce(0) { $0 + $1.0[i] * $1.1 } / total }
        let variance = (0..<d).map { i in
            zip(points, w).reduce(0) { $0 + ($1.0[i] - mean[i]) * ($1.0[i] - mean[i]) * $1.1 } / total
        }
        return (mean, variance)
    }

    @Test("T4.3: Gaussian prior N(0, λ): posteriorVariance = quadrature of the posterior (1e-9), and it shrinks as M grows")
    func posteriorVarianceShrinks() async {
        await propertyCheck(count: 25, input: Gen.double(in: 0.1...4.0), Gen.double(in: 0.1...3.0), Gen.int(in: 1...32)) { lambda, sigma, M in
            let prior = GaussianMixture(means: [[0, 0]], variance: lambda)
            let y = (0..<(2 * M)).map { Double($0 % 5) - 2 }
            let density = MixtureMDensity(prior: prior, measurements: M, sigma: sigma)
            let v = density.posteriorVariance(y)
            let reference = Self.quadraturePosterior(density, y)
            #expect(Stats.maxRelativeError(v, reference.variance) < 1e-9, "\(v) vs quadrature \(reference.variance)")
            let more = MixtureMDensity(prior: prior, measurements: M + 1, sigma: sigma)
                .posteriorVariance(y + [0, 0])
            #expect(more[0] < v[0])
        }
    }

    @Test("mixture priors (d = 1, 2): posteriorVariance and posteriorMean = quadrature of the posterior (1e-9 of the variance)")
    func posteriorMomentsMatchQuadrature() async {
        await propertyCheck(count: 40, input: Gen.int(in: 1...8), Gen.double(in: 0.2...2.0), Gen.int(in: 0...1_000_000)) { M, sigma, seed in
            var rng = Xoshiro256(seed: UInt64(seed))
            let d = 1 + rng.int(below: 2)
            let K = 1 + rng.int(below: 1 << d)
            let prior = GaussianMixture.cubeVertices(dimension: d, components: K, separation: 1 + 3 * rng.uniform(), tau: 0.2 + rng.uniform())
            let density = MixtureMDensity(prior: prior, measurements: M, sigma: sigma)
            // y near a point between the modes, so that several components keep posterior weight.
            let x = (0..<d).map { _ in 0.5 * rng.gaussian() }
            let y = (0..<(M * d)).map { x[$0 % d] + sigma * rng.gaussian() }
            let reference = Self.quadraturePosterior(density, y)
            let v = density.posteriorVariance(y), scale = reference.variance.max()!
            #expect(Stats.maxAbsoluteError(v, reference.variance) / scale < 1e-9, "d = \(d), K = \(K): \(v) vs \(reference.variance)")
            #expect(Stats.maxAbsoluteError(density.posteriorMean(y), reference.mean) / scale.squareRoot() < 1e-9)
        }
    }

    @Test("mixture prior: E‖X − x̂(Y)‖² = E tr Var[X | Y] (law of total variance; paired Monte Carlo, seed 7, 4 s.e.)")
    func posteriorVarianceMatchesError() {
        var rng = Xoshiro256(seed: 7)
        let prior = GaussianMixture.cubeVertices(dimension: 2, components: 4, separation: 3, tau: 0.5)
        let density = MixtureMDensity(prior: prior, measurements: 4, sigma: 1)
        let (xs, ys) = density.sample(4000, using: &rng)
        let diff: [Double] = zip(xs, ys).map { x, y in
            let e = density.bayesEstimator(y)
            return zip(x, e).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } - density.posteriorVariance(y).reduce(0, +)
        }
        #expect(abs(Stats.mean(diff)) <= 4 * Stats.standardError(diff))
    }

    @Test("log p(y) is invariant under permuting the measurements")
    func permutationInvariance() async {
        await propertyCheck(count: 40, input: Gen.int(in: 2...8), Gen.double(in: 0.2...2.0), Gen.int(in: 0...1_000_000)) { M, sigma, seed in
            let (density, y, _) = Self.randomCase(M: M, sigma: sigma, seed: seed)
            var rng = Xoshiro256(seed: UInt64(seed) &+ 1)
            let py = GPS.permuteMeasurements(y, measurements: M, by: rng.permutation(M))
            #expect(Stats.relativeError(density.logDensityDirect(py), density.logDensityDirect(y)) < 1e-12)
            #expect(Stats.relativeError(density.logDensity(py), density.logDensity(y)) < 1e-12)
        }
    }
}
