// Fréchet distance between two Gaussians fitted to feature sets (the formula behind "FID", here
// used with any feature extractor — chapter 5 uses a classifier trained in the project, not Inception).
//
//     FD = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2})
//
// Matrix square roots of symmetric positive semi-definite matrices come from LAPACK's `dsyevd`
// (`symmetricEigen`): A = V diag(λ) Vᵀ ⇒ A^{1/2} = V diag(√max(λ, 0)) Vᵀ. Tiny negative eigenvalues
// from rounding (or from rank-deficient sample covariances) are clamped to 0.

/// Mean and covariance of a set of feature vectors (a Gaussian fit).
public struct GaussianStatistics: Sendable {
    public let mean: [Double]
    /// Unbiased sample covariance (divides by n − 1), k × k.
    public let covariance: Matrix<Double>
    public let count: Int
    public var dimension: Int { mean.count }

    public init(mean: [Double], covariance: Matrix<Double>, count: Int) {
        precondition(covariance.rows == mean.count && covariance.columns == mean.count,
                     "GaussianStatistics: covariance \(covariance.rows)×\(covariance.columns) for mean of length \(mean.count)")
        self.mean = mean; self.covariance = covariance; self.count = count
    }

    /// Fits mean and covariance to `count` rows of `dimension` features stored row-major in `features`
    /// (Float or Double). The centred Gram matrix is one BLAS `dgemm`.
    public init<S: BinaryFloatingPoint>(features: [S], count n: Int, dimension k: Int) {
        precondition(n >= 2 && k >= 1 && features.count == n * k,
                     "GaussianStatistics: need ≥ 2 rows of \(k) features, got \(features.count) values for \(n) rows")
        var mu = [Double](repeating: 0, count: k)
        for r in 0..<n { for j in 0..<k { mu[j] += Double(features[r * k + j]) } }
        for j in 0..<k { mu[j] /= Double(n) }
        var centred = Matrix<Double>(rows: n, columns: k)
        for r in 0..<n { for j in 0..<k { centred.storage[r * k + j] = Double(features[r * k + j]) - mu[j] } }
        var c = matmul(centred, centred, transposeA: true)
        for i in c.storage.indices { c.storage[i] /= Double(n - 1) }
        // Symmetrise exactly (BLAS may round the two triangles differently).
        for i in 0..<k { for j in (i + 1)..<max(i + 1, k) { let s = 0.5 * (c[i, j] + c[j, i]); c[i, j] = s; c[j, i] = s } }
        self.init(mean: mu, covariance: c, count: n)
    }
}

public enum FrechetDistance {
    /// FD between two fitted Gaussians (LAPACK path).
    public static func distance(_ a: GaussianStatistics, _ b: GaussianStatistics) throws -> Double {
        try distance(mean1: a.mean, covariance1: a.covariance, mean2: b.mean, covariance2: b.covariance)
    }

    /// FD between feature sets given as row-major (n × k) arrays.
    public static func distance<S: BinaryFloatingPoint>(features1: [S], count1: Int, features2: [S], count2: Int,
                                                        dimension: Int) throws -> Double {
        try distance(GaussianStatistics(features: features1, count: count1, dimension: dimension),
                     GaussianStatistics(features: features2, count: count2, dimension: dimension))
    }

    /// FD = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}.
    public static func distance(mean1: [Double], covariance1 s1: Matrix<Double>,
                                mean2: [Double], covariance2 s2: Matrix<Double>) throws -> Double {
        let k = mean1.count
        precondition(mean2.count == k && s1.rows == k && s1.columns == k && s2.rows == k && s2.columns == k,
                     "FrechetDistance: dimensions differ")
        var meanTerm = 0.0
        for j in 0..<k { let d = mean1[j] - mean2[j]; meanTerm += d * d }
        let root1 = try symmetricSquareRoot(s1)
        var inner = matmul(matmul(root1, s2), root1)
        symmetrise(&inner)
        let lambdas = try symmetricEigen(inner).values
        let traceRoot = lambdas.reduce(0) { $0 + max($1, 0).squareRoot() }
        return meanTerm + trace(s1) + trace(s2) - 2 * traceRoot
    }

    /// A^{1/2} of a symmetric positive semi-definite matrix via `dsyevd` (negative eigenvalues → 0).
    public static func symmetricSquareRoot(_ a: Matrix<Double>) throws -> Matrix<Double> {
        let n = a.rows
        let e = try symmetricEigen(a, computeVectors: true)
        guard let v = e.vectors else { return a }
        // V diag(√λ) Vᵀ = (V D^{1/4})(V D^{1/4})ᵀ.
        var scaled = v
        for j in 0..<n {
            let s = max(e.values[j], 0).squareRoot().squareRoot()
            for i in 0..<n { scaled.storage[i * n + j] *= s }
        }
        var r = matmul(scaled, scaled, transposeB: true)
        symmetrise(&r)
        return r
    }

    /// Plain-loop twin for small sizes (tests): Jacobi eigenvectors instead of LAPACK, naive products.
    public static func naiveDistance(mean1: [Double], covariance1 s1: Matrix<Double>,
                                     mean2: [Double], covariance2 s2: Matrix<Double>) -> Double {
        let k = mean1.count
        var meanTerm = 0.0
        for j in 0..<k { let d = mean1[j] - mean2[j]; meanTerm += d * d }
        let root1 = naiveSquareRoot(s1)
        let inner = Naive.matmul(Naive.matmul(root1, s2), root1)
        let traceRoot = trace(naiveSquareRoot(inner))
        return meanTerm + trace(s1) + trace(s2) - 2 * traceRoot
    }

    /// Symmetric square root V diag(√max(λ, 0)) Vᵀ from the Jacobi eigendecomposition (no LAPACK).
    public static func naiveSquareRoot(_ a: Matrix<Double>, sweeps: Int = 100) -> Matrix<Double> {
        let (values, v) = Naive.symmetricEigen(a, sweeps: sweeps)
        let n = a.rows
        return Matrix(rows: n, columns: n) { i, j in
            var s = 0.0
            for l in 0..<n { s += v[i, l] * max(values[l], 0).squareRoot() * v[j, l] }
            return s
        }
    }

    static func trace(_ a: Matrix<Double>) -> Double { (0..<min(a.rows, a.columns)).reduce(0) { $0 + a[$1, $1] } }

    static func symmetrise(_ a: inout Matrix<Double>) {
        let n = a.rows
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { let s = 0.5 * (a[i, j] + a[j, i]); a[i, j] = s; a[j, i] = s } }
    }
}
