import NumericCore

/// A denoiser ν: R^d → R^d applied to the measurement mean ȳ — a trained network, or a closed form.
public typealias GPSDenoiser = @Sendable ([Double]) -> [Double]

/// The GPS parametrisation of an (M, σ) score (THEORY §4, Saremi, Srivastava & Bach):
///
///     x̂_θ(y) = ν(ȳ),    ∇_{y_m} log p_θ(y) = (ν(ȳ) − y_m)/σ²,
///
/// one ν call per score for any M. The score is permutation equivariant by construction (T4.4),
/// because ν sees y only through the permutation-invariant ȳ. y ∈ R^{Md} is flat and
/// measurement-major, as in `MixtureMDensity`.
public struct GPSScore: Sendable {
    /// M, the number of measurements.
    public let measurements: Int
    /// σ, the noise level of every measurement.
    public let sigma: Double
    /// d, the data dimension (ν's input and output size).
    public let dataDimension: Int
    /// ν.
    public let denoiser: GPSDenoiser

    public init(measurements: Int, sigma: Double, dataDimension: Int, denoiser: @escaping GPSDenoiser) {
        precondition(measurements >= 1 && sigma > 0 && dataDimension >= 1, "GPSScore: need M ≥ 1, σ > 0, d ≥ 1")
        self.measurements = measurements; self.sigma = sigma; self.dataDimension = dataDimension
        self.denoiser = denoiser
    }

    /// σ_eff = σ/√M.
    public var sigmaEff: Double { sigma / Double(measurements).squareRoot() }

    /// x̂_θ(y) = ν(ȳ): the single estimator of X (the same for every measurement index).
    public func estimate(_ y: [Double]) -> [Double] {
        denoiser(MixtureMDensity.measurementMean(y, measurements: measurements))
    }

    /// ∇_{y_m} log p_θ(y) = (ν(ȳ) − y_m)/σ² for every m.
    public func score(_ y: [Double]) -> [Double] {
        var g = [Double](repeating: 0, count: y.count)
        score(y, into: &g)
        return g
    }

    /// The score written into `g` (one ν call).
    public func score(_ y: [Double], into g: inout [Double]) {
        batchScore(y, into: &g, batch: 1)
    }

    /// Scores of `batch` states stored back to back in `y` (each M·d long): one ν call per state.
    /// This is the shape `UnderdampedLangevin.step` wants for many chains at once.
    public func batchScore(_ y: [Double], into g: inout [Double], batch: Int) {
        let d = dataDimension, M = measurements, n = M * d
        precondition(y.count == batch * n, "GPSScore: y has \(y.count) entries, expected \(batch)·\(n)")
        if g.count != y.count { g = [Double](repeating: 0, count: y.count) }
        let inv = 1 / (sigma * sigma)
        var mean = [Double](repeating: 0, count: d)
        for b in 0..<batch {
            let base = b * n
            y.withUnsafeBufferPointer { py in
                mean.withUnsafeMutableBufferPointer {
                    MeasurementMean.compute(UnsafeBufferPointer(rebasing: py[base..<(base + n)]), measurements: M, into: $0)
                }
            }
            let nu = denoiser(mean)
            precondition(nu.count == d, "GPSScore: ν returned \(nu.count) values, expected \(d)")
            for m in 0..<M { for i in 0..<d { g[base + m * d + i] = (nu[i] - y[base + m * d + i]) * inv } }
        }
    }

    /// g_θ(ȳ) = (M/σ²)(ν(ȳ) − ȳ), the GPS stand-in for ∇log p_{σ/√M}(ȳ) in T4.2.
    public func meanScore(_ mean: [Double]) -> [Double] {
        let nu = denoiser(mean)
        let c = Double(measurements) / (sigma * sigma)
        return mean.indices.map { c * (nu[$0] - mean[$0]) }
    }
}

/// A universality class: every (M, σ) with σ/√M = σ_eff (THEORY §4, Definition 2).
public struct UniversalityClass: Sendable, Equatable {
    public let sigmaEff: Double
    public init(sigmaEff: Double) {
        precondition(sigmaEff > 0, "UniversalityClass: σ_eff must be positive")
        self.sigmaEff = sigmaEff
    }
    /// The class of (M, σ): σ_eff = σ/√M.
    public init(measurements: Int, sigma: Double) { self.init(sigmaEff: sigma / Double(measurements).squareRoot()) }

    /// σ of the member with M measurements: σ = σ_eff √M.
    public func sigma(measurements M: Int) -> Double { sigmaEff * Double(M).squareRoot() }
}

public enum GPS {
    /// The optimal ν for a Gaussian-mixture prior and class σ_eff: the posterior mean E[X | X + σ_eff ε = ȳ]
    /// (T2.2, computed directly). With it the GPS score equals the exact M-density score T4.2 for every
    /// member of the class.
    public static func optimalDenoiser(prior: GaussianMixture, sigmaEff: Double) -> GPSDenoiser {
        { prior.posteriorMean($0, sigma: sigmaEff) }
    }

    /// (πy)_m = y_{π(m)}: permutes the M measurement blocks of a flat y.
    public static func permuteMeasurements(_ y: [Double], measurements M: Int, by permutation: [Int]) -> [Double] {
        precondition(permutation.count == M && y.count % M == 0, "permuteMeasurements: permutation of \(permutation.count), M = \(M)")
        let d = y.count / M
        var out = [Double](repeating: 0, count: y.count)
        for m in 0..<M { for i in 0..<d { out[m * d + i] = y[permutation[m] * d + i] } }
        return out
    }

    /// Monte Carlo of the denoising loss of member (M, σ) with denoiser ν (T4.5), simulating all M
    /// measurements of each draw: X ~ prior, Y_m = X + σ N_m, loss ‖X − ν(Ȳ)‖². Returns the per-draw
    /// losses (independent; mean and standard error follow) and the estimates ν(ȳ).
    public static func denoisingLosses(prior: GaussianMixture, measurements M: Int, sigma: Double,
                                       denoiser: GPSDenoiser, count: Int, using rng: inout Xoshiro256)
        -> (losses: [Double], estimates: [[Double]]) {
        let d = prior.dimension
        let xs = prior.sample(count, using: &rng)
        var losses = [Double](), estimates = [[Double]]()
        losses.reserveCapacity(count); estimates.reserveCapacity(count)
        var mean = [Double](repeating: 0, count: d)
        for x in xs {
            for i in 0..<d { mean[i] = 0 }
            for _ in 0..<M { for i in 0..<d { mean[i] += x[i] + sigma * rng.gaussian() } }
            for i in 0..<d { mean[i] /= Double(M) }
            let est = denoiser(mean)
            var l = 0.0
            for i in 0..<d { let e = x[i] - est[i]; l += e * e }
            losses.append(l); estimates.append(est)
        }
        return (losses, estimates)
    }
}
