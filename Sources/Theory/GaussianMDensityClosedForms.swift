/// Closed forms for the (M, σ) Gaussian M-density (equal noise levels), THEORY.md T3.2–T3.4.
extension GaussianMDensity {
    /// T3.2: the entries of the precision blocks for coordinate i — A on the diagonal (F_mm),
    /// B off the diagonal (F_mm', m ≠ m'):
    /// A = (σ² + (M−1)λ) / (σ²(σ² + Mλ)),  B = −λ / (σ²(σ² + Mλ)).
    public static func blockEntries(lambda: Double, measurements: Int, sigma: Double) -> (a: Double, b: Double) {
        let s2 = sigma * sigma, m = Double(measurements)
        let denominator = s2 * (s2 + m * lambda)
        return ((s2 + (m - 1) * lambda) / denominator, -lambda / denominator)
    }

    /// One distinct eigenvalue of F and how often it occurs.
    public struct Eigenvalue: Sendable, Equatable {
        public let value: Double
        public let multiplicity: Int
        public init(value: Double, multiplicity: Int) { self.value = value; self.multiplicity = multiplicity }
    }

    /// T3.3: 1/σ² (= A − B) with multiplicity (M−1)d — the directions orthogonal to 1_M in the
    /// measurement index — and 1/(σ² + Mλ_i) (= A + (M−1)B), once per coordinate, eigenvector 1_M ⊗ e_i.
    /// Equal λ_i are merged. O(d log d).
    public static func closedFormEigenvalues(spectrum: [Double], measurements: Int, sigma: Double) -> [Eigenvalue] {
        let s2 = sigma * sigma, m = Double(measurements)
        var counts: [Double: Int] = [:]
        for lambda in spectrum { counts[1 / (s2 + m * lambda), default: 0] += 1 }
        if measurements > 1 { counts[1 / s2, default: 0] += (measurements - 1) * spectrum.count }
        return counts.map { Eigenvalue(value: $0.key, multiplicity: $0.value) }.sorted { $0.value < $1.value }
    }

    /// The T3.3 spectrum written out with multiplicities, ascending (Md values).
    public static func closedFormSortedSpectrum(spectrum: [Double], measurements: Int, sigma: Double) -> [Double] {
        closedFormEigenvalues(spectrum: spectrum, measurements: measurements, sigma: sigma)
            .flatMap { Array(repeating: $0.value, count: $0.multiplicity) }
    }

    /// T3.4: κ(F) = λ_max(F)/λ_min(F), from the data spectrum's extremes alone (O(1) given them).
    /// M = 1: F = (Λ + σ²)⁻¹, so κ = (σ² + λ_max)/(σ² + λ_min). M ≥ 2: the largest eigenvalue is the
    /// shared 1/σ², the smallest 1/(σ² + Mλ_max), so κ = 1 + Mλ_max/σ² — linear in M at fixed σ.
    public static func conditionNumber(lambdaMax: Double, lambdaMin: Double, measurements: Int, sigma: Double) -> Double {
        let s2 = sigma * sigma
        return measurements == 1 ? (s2 + lambdaMax) / (s2 + lambdaMin) : 1 + Double(measurements) * lambdaMax / s2
    }

    /// T3.4 along a universality class σ = σ_eff √M (M ≥ 2): κ = 1 + λ_max/σ_eff², the same for every member.
    public static func classConditionNumber(lambdaMax: Double, sigmaEff: Double) -> Double {
        1 + lambdaMax / (sigmaEff * sigmaEff)
    }

    /// This model's T3.3 spectrum (requires equal noise levels).
    public func closedFormSortedSpectrum() -> [Double] {
        guard let sigma = commonSigma else { preconditionFailure("closed forms T3.2–T3.4 need equal noise levels") }
        return Self.closedFormSortedSpectrum(spectrum: spectrum, measurements: measurements, sigma: sigma)
    }

    /// This model's T3.4 condition number (requires equal noise levels).
    public func closedFormConditionNumber() -> Double {
        guard let sigma = commonSigma else { preconditionFailure("closed forms T3.2–T3.4 need equal noise levels") }
        return Self.conditionNumber(lambdaMax: spectrum.max()!, lambdaMin: spectrum.min()!,
                                    measurements: measurements, sigma: sigma)
    }
}
