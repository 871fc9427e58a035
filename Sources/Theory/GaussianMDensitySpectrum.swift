import NumericCore

/// Three ways to the spectrum of F, from the most to the least expensive (THEORY.md computational note).
extension GaussianMDensity {
    /// Brute force: LAPACK dsyevd on the dense Md×Md precision matrix, O((Md)³) time, O((Md)²) memory.
    public func denseEigenvalues() throws -> [Double] {
        try symmetricEigen(precision()).values
    }

    /// Block-structured: F is d independent M×M blocks F_i, so its spectrum is the union of theirs —
    /// d LAPACK calls on M×M matrices, O(d M³). Ascending.
    public func blockEigenvalues() throws -> [Double] {
        var values = [Double]()
        values.reserveCapacity(size)
        for i in 0..<dimension { values += try symmetricEigen(precisionBlock(coordinate: i)).values }
        return values.sorted()
    }

    /// Block-structured without LAPACK: each F_i = diag(δ) − ρ δ δᵀ is diagonal-plus-rank-one, so its
    /// eigenvalues are the roots of a secular equation (T3.5). Works for unequal noise levels. Ascending.
    public func secularEigenvalues() -> [Double] {
        var values = [Double]()
        values.reserveCapacity(size)
        for i in 0..<dimension { values += secularEigenvalues(coordinate: i) }
        return values.sorted()
    }

    /// The M eigenvalues of the block F_i, from its secular equation. Ascending.
    public func secularEigenvalues(coordinate i: Int) -> [Double] {
        let (delta, rho) = rankOneForm(coordinate: i)
        return SecularEquation.eigenvalues(diagonal: delta, rho: -rho, z: delta)
    }

    /// κ = λ_max/λ_min of a list of eigenvalues.
    public static func conditionNumber(of eigenvalues: [Double]) -> Double {
        guard let hi = eigenvalues.max(), let lo = eigenvalues.min() else { return .nan }
        return hi / lo
    }
}
