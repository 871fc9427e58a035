import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// p(x) = Σ_k π_k N(x; μ_k, τ² I) in R^d (THEORY T1.3): the toy prior of chapters 1, 2 and 4.
public struct GaussianMixture: Density {
    public let means: [[Double]]
    public let weights: [Double]
    /// τ², the variance of every component.
    public let variance: Double

    public var dimension: Int { means.first?.count ?? 0 }
    public var componentCount: Int { means.count }

    public init(means: [[Double]], weights: [Double]? = nil, variance: Double) {
        precondition(!means.isEmpty, "GaussianMixture needs at least one component")
        precondition(means.allSatisfy { $0.count == means[0].count }, "GaussianMixture: means differ in dimension")
        precondition(variance > 0, "GaussianMixture: variance must be positive")
        let w = weights ?? [Double](repeating: 1, count: means.count)
        precondition(w.count == means.count && w.allSatisfy { $0 > 0 }, "GaussianMixture: weights must be positive, one per mean")
        let total = w.reduce(0, +)
        self.means = means; self.weights = w.map { $0 / total }; self.variance = variance
    }

    /// T1.4: p * N(0, s² I) is the same mixture with τ² → τ² + s².
    public func smoothed(noiseVariance s2: Double) -> GaussianMixture {
        GaussianMixture(means: means, weights: weights, variance: variance + s2)
    }

    /// log π_k + log N(x; μ_k, τ² I) for every k.
    public func componentLogDensities(_ x: [Double]) -> [Double] {
        let d = Double(dimension)
        let norm = -0.5 * d * log(2 * Double.pi * variance)
        return means.indices.map { k in
            var r2 = 0.0
            for i in x.indices { let e = x[i] - means[k][i]; r2 += e * e }
            return log(weights[k]) + norm - r2 / (2 * variance)
        }
    }

    /// Posterior component probabilities w_k(x) (T1.3), computed stably.
    public func responsibilities(_ x: [Double]) -> [Double] {
        let l = componentLogDensities(x)
        let m = l.max()!
        let e = l.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    public func logDensity(_ x: [Double]) -> Double { Stats.logSumExp(componentLogDensities(x)) }

    /// T1.3: ∇log p(x) = Σ_k w_k(x) (μ_k − x)/τ².
    public func score(_ x: [Double]) -> [Double] {
        let w = responsibilities(x)
        var g = [Double](repeating: 0, count: x.count)
        for k in means.indices { for i in x.indices { g[i] += w[k] * (means[k][i] - x[i]) } }
        return g.map { $0 / variance }
    }

    /// The nearest component (by responsibility): used to count mode switches.
    public func mode(of x: [Double]) -> Int {
        let l = componentLogDensities(x)
        return l.indices.max { l[$0] < l[$1] }!
    }

    /// T2.2, computed directly (not by Tweedie): E[X | Y = y] for Y = X + σN with this mixture as
    /// the prior: Σ_k w_k(y) (μ_k + τ²/(τ²+σ²)(y − μ_k)), w_k under the smoothed mixture.
    public func posteriorMean(_ y: [Double], sigma: Double) -> [Double] {
        let s2 = sigma * sigma
        let w = smoothed(noiseVariance: s2).responsibilities(y)
        let shrink = variance / (variance + s2)
        var out = [Double](repeating: 0, count: y.count)
        for k in means.indices { for i in y.indices { out[i] += w[k] * (means[k][i] + shrink * (y[i] - means[k][i])) } }
        return out
    }

    /// n independent draws, as rows.
    public func sample(_ n: Int, using rng: inout Xoshiro256) -> [[Double]] {
        let cumulative = weights.reduce(into: [Double]()) { $0.append(($0.last ?? 0) + $1) }
        let tau = variance.squareRoot()
        return (0..<n).map { _ in
            let u = rng.uniform()
            let k = cumulative.firstIndex { u < $0 } ?? (means.count - 1)
            return means[k].map { $0 + tau * rng.gaussian() }
        }
    }
}

/// N(μ, diag(λ)) in R^d: the Gaussian of chapters 1 and 3.
public struct DiagonalGaussian: Density {
    public let mean: [Double]
    public let variances: [Double]
    public var dimension: Int { mean.count }

    public init(mean: [Double], variances: [Double]) {
        precondition(mean.count == variances.count && variances.allSatisfy { $0 > 0 }, "DiagonalGaussian: bad variances")
        self.mean = mean; self.variances = variances
    }

    public func logDensity(_ x: [Double]) -> Double {
        var s = 0.0
        for i in x.indices { let e = x[i] - mean[i]; s += e * e / variances[i] + log(2 * Double.pi * variances[i]) }
        return -0.5 * s
    }

    public func score(_ x: [Double]) -> [Double] { x.indices.map { (mean[$0] - x[$0]) / variances[$0] } }
}
