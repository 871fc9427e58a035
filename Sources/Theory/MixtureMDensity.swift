import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// The M-density of a Gaussian-mixture prior under the multimeasurement noise model (THEORY §3–4), in
/// closed form, for equal noise levels (the (M, σ) model, T4.1–T4.3) or unequal ones (T4.8).
///
/// X ~ Σ_k π_k N(μ_k, τ² I_d), Y_m = X + σ_m N_m (m = 1…M). A point y ∈ R^{Md} is stored flat and
/// measurement-major: y_m occupies `y[m*d ..< (m+1)*d]`. Three routes to log p(y), which the chapter and
/// the tests compare:
///
/// - `logDensityDirect`: given component k, y is Gaussian in R^{Md} with mean 1_M ⊗ μ_k and covariance
///   (τ² 1 1ᵀ + D) ⊗ I_d, D = diag(σ_m²). Its inverse and determinant come from Sherman–Morrison
///   (Woodbury for a rank-one update): per data coordinate C⁻¹ = (diag(q) − β q qᵀ)/v,
///   β = τ²/(v + τ²Q); log det = d[Σ_m log σ_m² + log(1 + τ²Q/v)].
/// - `logDensityFactorised` (= `logDensity`): T4.1 / T4.8,
///   log p(y) = log C − Σ_m ‖y_m − ỹ‖²/(2σ_m²) + log p_s(ỹ).
/// - `logDensityDense`: the plain twin — build the Md×Md covariance, Cholesky-factorise it with LAPACK
///   and solve; O((Md)³), for small Md only.
///
/// The levels enter through v = σ_1² and the relative precisions q_m = v/σ_m² (q_1 = 1), Q = Σ_m q_m:
/// the precision-weighted mean is ỹ = Σ_m q_m y_m / Q and its noise variance s² = 1/Σ_m σ_m⁻² = v/Q.
/// For equal levels every q_m is exactly 1, Q = M, ỹ = ȳ and s² = σ²/M, and the arithmetic is the
/// (M, σ) model's operation for operation. All arithmetic is in Double.
public struct MixtureMDensity: Density {
    public let prior: GaussianMixture
    /// M, the number of measurements.
    public let measurements: Int
    /// σ_1, …, σ_M, the noise level of each measurement.
    public let sigmas: [Double]
    /// q_m = σ_1²/σ_m², the precision of measurement m relative to the first one (q_1 = 1).
    public let relativePrecisions: [Double]
    /// Q = Σ_m q_m (= M for equal levels).
    public let totalRelativePrecision: Double

    /// The (M, σ) model: M measurements at one noise level σ.
    public init(prior: GaussianMixture, measurements: Int, sigma: Double) {
        precondition(measurements >= 1, "MixtureMDensity: M must be ≥ 1")
        self.init(prior: prior, sigmas: [Double](repeating: sigma, count: measurements))
    }

    /// Unequal noise levels σ_1, …, σ_M (T4.8; THEORY §3's multimeasurement noise model).
    public init(prior: GaussianMixture, sigmas: [Double]) {
        precondition(!sigmas.isEmpty, "MixtureMDensity: M must be ≥ 1")
        precondition(sigmas.allSatisfy { $0 > 0 && $0.isFinite }, "MixtureMDensity: every σ_m must be positive and finite")
        self.prior = prior; self.measurements = sigmas.count; self.sigmas = sigmas
        let v = sigmas[0] * sigmas[0]
        relativePrecisions = sigmas.map { v / ($0 * $0) }
        totalRelativePrecision = relativePrecisions.reduce(0, +)
    }

    /// True when every measurement has the same noise level (the (M, σ) model of T4.1–T4.7).
    public var hasEqualNoiseLevels: Bool { sigmas.allSatisfy { $0 == sigmas[0] } }
    /// σ, the common noise level of the (M, σ) model. Only for equal levels.
    public var sigma: Double {
        precondition(hasEqualNoiseLevels, "MixtureMDensity.sigma: the noise levels differ; use sigmas")
        return sigmas[0]
    }
    /// v = σ_1², the reference variance of the relative precisions.
    var referenceVariance: Double { sigmas[0] * sigmas[0] }

    /// d, the data dimension.
    public var dataDimension: Int { prior.dimension }
    /// Md, the dimension of y.
    public var dimension: Int { measurements * prior.dimension }
    /// s = (Σ_m σ_m⁻²)^{−1/2}, the noise level of the precision-weighted mean ỹ; for equal levels
    /// σ_eff = σ/√M, the label of the universality class (THEORY §4).
    public var sigmaEff: Double { sigmas[0] / totalRelativePrecision.squareRoot() }
    /// s² = 1/Σ_m σ_m⁻² (= σ²/M for equal levels).
    public var effectiveNoiseVariance: Double { referenceVariance / totalRelativePrecision }
    /// p_s = p_X * N(0, s² I): the law of ỹ (T4.1, T4.8; in closed form by T1.4). For equal levels
    /// p_{σ/√M}, the law of ȳ.
    public var measurementMeanDensity: GaussianMixture { prior.smoothed(noiseVariance: effectiveNoiseVariance) }

    /// ỹ = Σ_m σ_m⁻² y_m / Σ_m σ_m⁻², the precision-weighted mean; for equal levels ȳ = (1/M) Σ_m y_m.
    public func measurementMean(_ y: [Double]) -> [Double] {
        precondition(y.count == dimension, "MixtureMDensity: y has \(y.count) entries, expected \(dimension)")
        let d = dataDimension
        var mean = [Double](repeating: 0, count: d)
        for m in 0..<measurements { let q = relativePrecisions[m]; for i in 0..<d { mean[i] += q * y[m * d + i] } }
        let inv = 1 / totalRelativePrecision
        for i in 0..<d { mean[i] *= inv }
        return mean
    }

    /// Σ_m ‖y_m − ỹ‖²/σ_m²: the precision-weighted spread of the measurements about ỹ.
    public func weightedSpread(_ y: [Double]) -> Double {
        let mean = measurementMean(y)
        let d = dataDimension
        var s = 0.0
        for m in 0..<measurements {
            let q = relativePrecisions[m]
            for i in 0..<d { let e = y[m * d + i] - mean[i]; s += q * (e * e) }
        }
        return s / referenceVariance
    }

    /// ȳ = (1/M) Σ_m y_m of one point y = (y_1, …, y_M) (MeasurementMean).
    public static func measurementMean(_ y: [Double], measurements M: Int) -> [Double] {
        MeasurementMean.of(y, measurements: M)
    }

    /// Σ_m ‖y_m − ȳ‖²: the squared length of y's component in the (M−1)d difference directions.
    public static func differenceSquaredNorm(_ y: [Double], measurements M: Int) -> Double {
        let mean = measurementMean(y, measurements: M)
        let d = mean.count
        var s = 0.0
        for m in 0..<M { for i in 0..<d { let e = y[m * d + i] - mean[i]; s += e * e } }
        return s
    }

    /// log C = −(d/2) Σ_m log(2πσ_m²) + (d/2) log(2πs²); for equal levels
    /// log C_{M,σ} = −(Md/2) log(2πσ²) + (d/2) log(2πσ²/M)   (T4.1, T4.8).
    /// Written as −(Md/2) log(2πv) + (d/2) Σ_m log q_m + (d/2) log(2πv/Q), whose middle term is exactly 0
    /// for equal levels.
    public var logNormaliser: Double {
        let d = Double(dataDimension), M = Double(measurements), v = referenceVariance
        let sumLogQ = relativePrecisions.dropFirst().reduce(0) { $0 + log($1) }
        return -0.5 * M * d * log(2 * Double.pi * v) + 0.5 * d * sumLogQ + 0.5 * d * log(2 * Double.pi * v / totalRelativePrecision)
    }

    // MARK: - log p(y)

    /// T4.1 (T4.8 for unequal levels), the factorised form (the default `logDensity`).
    public func logDensityFactorised(_ y: [Double]) -> Double {
        precondition(y.count == dimension, "MixtureMDensity: y has \(y.count) entries, expected \(dimension)")
        return logNormaliser - weightedSpread(y) / 2 + measurementMeanDensity.logDensity(measurementMean(y))
    }

    public func logDensity(_ y: [Double]) -> Double { logDensityFactorised(y) }

    /// log π_k + log N(y; 1 ⊗ μ_k, (τ² 11ᵀ + D) ⊗ I) for every component k, D = diag(σ_m²), by
    /// Sherman–Morrison: per data coordinate rᵀC⁻¹r = (Σ_m q_m r_m² − β (Σ_m q_m r_m)²)/v with
    /// β = τ²/(v + τ²Q), and log det C = Σ_m log σ_m² + log(1 + τ²Q/v) (no use of the T4.1/T4.8 identity).
    public func componentLogDensitiesDirect(_ y: [Double]) -> [Double] {
        precondition(y.count == dimension, "MixtureMDensity: y has \(y.count) entries, expected \(dimension)")
        let d = dataDimension, M = measurements, q = relativePrecisions, Q = totalRelativePrecision
        let v = referenceVariance, t2 = prior.variance
        let beta = t2 / (v + Q * t2)
        // Σ_m log σ_m² = M log v − Σ_m log q_m (the last sum is exactly 0 for equal levels)
        let sumLogQ = q.dropFirst().reduce(0) { $0 + log($1) }
        let logDet = Double(d) * (Double(M - 1) * log(v) - sumLogQ + log(v + Q * t2))
        let constant = -0.5 * Double(M * d) * log(2 * Double.pi) - 0.5 * logDet
        return prior.means.indices.map { k in
            let mu = prior.means[k]
            var quad = 0.0
            for i in 0..<d {
                var sumSq = 0.0, sum = 0.0
                for m in 0..<M { let r = y[m * d + i] - mu[i]; sumSq += q[m] * (r * r); sum += q[m] * r }
                quad += sumSq - beta * sum * sum
            }
            return log(prior.weights[k]) + constant - 0.5 * quad / v
        }
    }

    /// log p(y) = logsumexp_k of `componentLogDensitiesDirect`.
    public func logDensityDirect(_ y: [Double]) -> Double { Stats.logSumExp(componentLogDensitiesDirect(y)) }

    /// The plain twin: dense Md×Md covariance, LAPACK Cholesky, triangular solve by loops.
    public func logDensityDense(_ y: [Double]) throws -> Double {
        let d = dataDimension, M = measurements, n = dimension
        let variances = sigmas.map { $0 * $0 }, t2 = prior.variance
        let cov = Matrix<Double>(rows: n, columns: n) { a, b in
            (a % d == b % d ? t2 : 0) + (a == b ? variances[a / d] : 0)
        }
        let l = try cholesky(cov)
        var logDet = 0.0
        for j in 0..<n { logDet += 2 * log(l[j, j]) }
        let terms: [Double] = prior.means.indices.map { k in
            var r = [Double](repeating: 0, count: n)
            for m in 0..<M { for i in 0..<d { r[m * d + i] = y[m * d + i] - prior.means[k][i] } }
            var z = [Double](repeating: 0, count: n)  // L z = r
            for a in 0..<n {
                var s = r[a]
                for b in 0..<a { s -= l[a, b] * z[b] }
                z[a] = s / l[a, a]
            }
            let quad = z.reduce(0) { $0 + $1 * $1 }
            return log(prior.weights[k]) - 0.5 * (Double(n) * log(2 * Double.pi) + logDet + quad)
        }
        return Stats.logSumExp(terms)
    }

    // MARK: - Scores

    /// T4.2: ∇_{y_m} log p(y) = (ȳ − y_m)/σ² + (1/M) ∇log p_{σ/√M}(ȳ); for unequal levels (T4.8)
    /// ∇_{y_m} log p(y) = (ỹ − y_m)/σ_m² + (s²/σ_m²) ∇log p_s(ỹ) = q_m [(ỹ − y_m)/v + (1/Q) ∇log p_s(ỹ)].
    public func score(_ y: [Double]) -> [Double] {
        precondition(y.count == dimension, "MixtureMDensity: y has \(y.count) entries, expected \(dimension)")
        let d = dataDimension, M = measurements, v = referenceVariance, Q = totalRelativePrecision
        let mean = measurementMean(y)
        let g = measurementMeanDensity.score(mean)
        var out = [Double](repeating: 0, count: dimension)
        for m in 0..<M {
            let q = relativePrecisions[m]
            for i in 0..<d { out[m * d + i] = q * ((mean[i] - y[m * d + i]) / v + g[i] / Q) }
        }
        return out
    }

    /// The score from the direct form, by differentiating each component Gaussian:
    /// ∇_{y_m} log p = Σ_k w_k(y) · (−q_m/v)(r_mk − β Σ_m' q_m' r_m'k), r_mk = y_m − μ_k
    /// (for equal levels (−1/σ²)(r_mk − β Σ_m' r_m'k)). Independent of T4.1/T4.2/T4.8, so they can be compared.
    public func scoreDirect(_ y: [Double]) -> [Double] {
        precondition(y.count == dimension, "MixtureMDensity: y has \(y.count) entries, expected \(dimension)")
        let d = dataDimension, M = measurements, v = referenceVariance, q = relativePrecisions
        let beta = prior.variance / (v + totalRelativePrecision * prior.variance)
        let w = posteriorComponentProbabilities(y)
        var out = [Double](repeating: 0, count: dimension)
        for k in prior.means.indices {
            let mu = prior.means[k]
            for i in 0..<d {
                var sum = 0.0
                for m in 0..<M { sum += q[m] * (y[m * d + i] - mu[i]) }
                for m in 0..<M { out[m * d + i] -= w[k] * q[m] * ((y[m * d + i] - mu[i]) - beta * sum) / v }
            }
        }
        return out
    }

    /// P(component k | Y = y), from the direct component densities.
    public func posteriorComponentProbabilities(_ y: [Double]) -> [Double] {
        let l = componentLogDensitiesDirect(y)
        let top = l.max()!
        let e = l.map { exp($0 - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    // MARK: - Bayes estimator and posterior

    /// T3.1 (T4.8 for unequal levels): x̂(y) = y_m + σ_m² ∇_{y_m} log p(y) for the measurement index m
    /// (same for every m), with the score from the direct form.
    public func bayesEstimator(_ y: [Double], measurement m: Int) -> [Double] {
        precondition((0..<measurements).contains(m), "bayesEstimator: measurement \(m) out of 0..<\(measurements)")
        let d = dataDimension, s2 = sigmas[m] * sigmas[m]
        let g = scoreDirect(y)
        return (0..<d).map { y[m * d + $0] + s2 * g[m * d + $0] }
    }

    /// T4.3: x̂(y) = ȳ + (σ²/M) ∇log p_{σ/√M}(ȳ) — Tweedie for ȳ = X + (σ/√M) ε; for unequal levels (T4.8)
    /// x̂(y) = ỹ + s² ∇log p_s(ỹ) — Tweedie for ỹ = X + s ε.
    public func bayesEstimator(_ y: [Double]) -> [Double] {
        let mean = measurementMean(y)
        let g = measurementMeanDensity.score(mean)
        let c = effectiveNoiseVariance
        return mean.indices.map { mean[$0] + c * g[$0] }
    }

    /// Posterior of X given y: component probabilities w_k(y) (from the direct component densities),
    /// component means μ_k + τ²/(τ² + s²)(ỹ − μ_k) — the conjugate-Gaussian mean
    /// (μ_k/τ² + Σ_m y_m/σ_m²)/(1/τ² + Σ_m σ_m⁻²) — and the common component variance τ²s²/(τ² + s²),
    /// s² = 1/Σ_m σ_m⁻² (σ²/M for equal levels).
    public func posteriorComponents(_ y: [Double]) -> (weights: [Double], means: [[Double]], variance: Double) {
        let s2 = effectiveNoiseVariance, t2 = prior.variance
        let shrink = t2 / (t2 + s2)
        let mean = measurementMean(y)
        let w = posteriorComponentProbabilities(y)
        let means = prior.means.map { mu in mu.indices.map { mu[$0] + shrink * (mean[$0] - mu[$0]) } }
        return (w, means, t2 * s2 / (t2 + s2))
    }

    /// E[X | Y = y] computed from the posterior components (a third route besides T3.1 and T4.3/T4.8).
    public func posteriorMean(_ y: [Double]) -> [Double] {
        let post = posteriorComponents(y)
        var out = [Double](repeating: 0, count: dataDimension)
        for k in post.means.indices { for i in out.indices { out[i] += post.weights[k] * post.means[k][i] } }
        return out
    }

    /// Var[X_i | Y = y] for each data coordinate i (the diagonal of the posterior covariance):
    /// τ²s²/(τ²+s²) + Σ_k w_k m_ki² − (Σ_k w_k m_ki)². For one component this is λs²/(λ+s²), s = σ/√M,
    /// which shrinks as M grows at fixed σ (T4.3).
    public func posteriorVariance(_ y: [Double]) -> [Double] {
        let post = posteriorComponents(y)
        return (0..<dataDimension).map { i in
            var m1 = 0.0, m2 = 0.0
            for k in post.means.indices { let c = post.means[k][i]; m1 += post.weights[k] * c; m2 += post.weights[k] * c * c }
            return post.variance + max(0, m2 - m1 * m1)
        }
    }

    // MARK: - Sampling

    /// n independent draws (x, y): x from the prior, y_m = x + σ_m ε_m. y is an exact draw from the M-density.
    public func sample(_ n: Int, using rng: inout Xoshiro256) -> (x: [[Double]], y: [[Double]]) {
        let xs = prior.sample(n, using: &rng)
        let d = dataDimension, M = measurements
        let ys: [[Double]] = xs.map { x in
            var y = [Double](repeating: 0, count: M * d)
            for m in 0..<M { for i in 0..<d { y[m * d + i] = x[i] + sigmas[m] * rng.gaussian() } }
            return y
        }
        return (xs, ys)
    }
}

/// Σ_m ‖y_m − x‖² = Σ_m ‖y_m − ȳ‖² + M‖ȳ − x‖²: both sides of the T4.1 identity.
public func measurementIdentitySides(_ y: [Double], x: [Double], measurements M: Int) -> (left: Double, right: Double) {
    let d = x.count
    var left = 0.0
    for m in 0..<M { for i in 0..<d { let e = y[m * d + i] - x[i]; left += e * e } }
    let mean = MixtureMDensity.measurementMean(y, measurements: M)
    var gap = 0.0
    for i in 0..<d { let e = mean[i] - x[i]; gap += e * e }
    return (left, MixtureMDensity.differenceSquaredNorm(y, measurements: M) + Double(M) * gap)
}

extension GaussianMixture {
    /// The toy prior of chapter 4: K equally weighted components N(μ_k, τ² I_d) on the first K vertices
    /// of the cube {−Δ/2, +Δ/2}^d (binary order), so that neighbouring means are exactly Δ apart.
    /// Needs 1 ≤ K ≤ 2^d.
    public static func cubeVertices(dimension d: Int, components K: Int, separation: Double, tau: Double) -> GaussianMixture {
        precondition(d >= 1 && K >= 1 && (d >= 62 || K <= 1 << d), "cubeVertices: need 1 ≤ K ≤ 2^d")
        let means: [[Double]] = (0..<K).map { k in (0..<d).map { i in (k >> i) & 1 == 1 ? separation / 2 : -separation / 2 } }
        return GaussianMixture(means: means, variance: tau * tau)
    }
}
