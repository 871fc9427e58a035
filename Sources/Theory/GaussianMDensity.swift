import NumericCore

/// The M-density of Gaussian data p_X = N(0, Λ), Λ = diag(λ_1, …, λ_d), seen through M noisy
/// measurements Y_m = X + N_m, N_m ~ N(0, σ_m² I_d) (THEORY.md §3). y = (y_1, …, y_M) is Gaussian
/// with covariance C = (1 1ᵀ) ⊗ Λ + diag(σ_m²) ⊗ I_d and precision F = C⁻¹. Double precision throughout.
///
/// Index convention: entry m·d + i of y ∈ R^{Md} is coordinate i of measurement y_m, so block
/// (m, m') of C or F is a d×d diagonal matrix, and coordinate i couples only the M entries
/// {m·d + i}: F is d independent M×M problems F_i (`precisionBlock(coordinate:)`) interleaved.
public struct GaussianMDensity: Sendable {
    /// λ_i > 0: the data variances (eigenvalues of Λ).
    public let spectrum: [Double]
    /// σ_m > 0: the noise level of each measurement.
    public let sigmas: [Double]

    public init(spectrum: [Double], sigmas: [Double]) {
        precondition(!spectrum.isEmpty && spectrum.allSatisfy { $0 > 0 && $0.isFinite }, "spectrum must be positive")
        precondition(!sigmas.isEmpty && sigmas.allSatisfy { $0 > 0 && $0.isFinite }, "noise levels must be positive")
        self.spectrum = spectrum; self.sigmas = sigmas
    }

    /// The (M, σ) model: M measurements with equal noise level σ.
    public init(spectrum: [Double], measurements: Int, sigma: Double) {
        precondition(measurements >= 1, "need at least one measurement")
        self.init(spectrum: spectrum, sigmas: Array(repeating: sigma, count: measurements))
    }

    public var dimension: Int { spectrum.count }
    public var measurements: Int { sigmas.count }
    /// Side of C and F: M·d.
    public var size: Int { dimension * measurements }

    /// σ when every measurement has the same noise level (the (M, σ) model), nil otherwise.
    public var commonSigma: Double? { sigmas.allSatisfy { $0 == sigmas[0] } ? sigmas[0] : nil }

    /// C = (1 1ᵀ) ⊗ Λ + diag(σ_m²) ⊗ I: entry (m·d + i, m'·d + i) = λ_i + [m = m'] σ_m², zero across coordinates.
    public func covariance() -> Matrix<Double> {
        let d = dimension
        var c = Matrix<Double>(rows: size, columns: size)
        for i in 0..<d {
            for m in 0..<measurements {
                for m2 in 0..<measurements {
                    c[m * d + i, m2 * d + i] = spectrum[i] + (m == m2 ? sigmas[m] * sigmas[m] : 0)
                }
            }
        }
        return c
    }

    /// The M×M precision block of coordinate i, by Woodbury (T3.5):
    /// F_i = D⁻¹ − D⁻¹ 1 1ᵀ D⁻¹ / (1/λ_i + Σ_m σ_m⁻²), D = diag(σ_m²).
    /// Written as diag(δ) − ρ δ δᵀ with δ_m = 1/σ_m², ρ = 1/(1/λ_i + Σ δ_m) — the diagonal-plus-rank-one
    /// form whose eigenvalues `SecularEquation` finds.
    public func precisionBlock(coordinate i: Int) -> Matrix<Double> {
        let (delta, rho) = rankOneForm(coordinate: i)
        return Matrix(rows: measurements, columns: measurements) { m, m2 in
            (m == m2 ? delta[m] : 0) - rho * delta[m] * delta[m2]
        }
    }

    /// (δ, ρ) with F_i = diag(δ) − ρ δ δᵀ.
    public func rankOneForm(coordinate i: Int) -> (delta: [Double], rho: Double) {
        let delta = sigmas.map { 1 / ($0 * $0) }
        return (delta, 1 / (1 / spectrum[i] + delta.reduce(0, +)))
    }

    /// F assembled from the d blocks F_i (no Md×Md inversion): O((Md)²) memory, O(d M²) work.
    public func precision() -> Matrix<Double> {
        let d = dimension
        var f = Matrix<Double>(rows: size, columns: size)
        for i in 0..<d {
            let block = precisionBlock(coordinate: i)
            for m in 0..<measurements {
                for m2 in 0..<measurements { f[m * d + i, m2 * d + i] = block[m, m2] }
            }
        }
        return f
    }

    /// F = C⁻¹ the brute-force way: LAPACK LU solve of C X = I, O((Md)³). The reference the block
    /// formulas are checked against.
    public func precisionByInversion() throws -> Matrix<Double> {
        try solve(covariance(), Matrix<Double>.identity(size))
    }
}
