import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// Permutation two-sample tests: do samples a and b in R^d come from the same law? Used for T4.6 (the
/// laws of x̂ agree across a universality class). Two statistics on the pooled sample:
///
/// - energy distance (Székely & Rizzo): 2 mean‖a_i − b_j‖ − mean_{i≠i'}‖a_i − a_i'‖ − mean_{j≠j'}‖b_j − b_j'‖;
/// - Gaussian-kernel MMD² (Gretton et al., unbiased): mean_{i≠i'} k(a_i, a_i') + mean_{j≠j'} k(b_j, b_j')
///   − 2 mean k(a_i, b_j), k(u, v) = exp(−‖u − v‖²/(2ℓ²)).
///
/// The energy distance weighs all scales like ‖u − v‖, so for well-separated clusters it is dominated by
/// the distances between clusters; the MMD with a bandwidth ℓ at the within-cluster scale is more
/// sensitive to changes of shape inside the clusters. The p-value is (1 + #{permuted statistic ≥ observed})
/// / (1 + permutations): the pooled sample is relabelled at random, so under the null every labelling is
/// equally likely. Cost: one O(n² d) matrix, then O(n²) per permutation.
/// The observed statistic equals `SampleDistance.energy` / `.mmdSquared` (Samplers), which stream the
/// same sums without the matrix; `LangevinChainTests` checks the two against each other.
public struct TwoSampleTest: Sendable {
    public enum Statistic: Sendable, CustomStringConvertible {
        case energyDistance
        case gaussianMMD(bandwidth: Double)
        public var description: String {
            switch self {
            case .energyDistance: return "energy distance"
            case let .gaussianMMD(l): return "Gaussian-kernel MMD² (ℓ = \(l))"
            }
        }
    }

    public let kind: Statistic
    public let statistic: Double
    public let pValue: Double
    public let permutations: Int

    public init(_ a: [[Double]], _ b: [[Double]], statistic kind: Statistic, permutations: Int, using rng: inout Xoshiro256) {
        precondition(a.count >= 2 && b.count >= 2 && permutations >= 1, "TwoSampleTest: need ≥ 2 points per sample")
        let pooled = a + b
        let n = pooled.count, na = a.count
        var matrix = [Double](repeating: 0, count: n * n)  // diagonal stays 0 (within sums are over i ≠ i')
        let sign: Double
        switch kind {
        case .energyDistance: sign = 1
        case let .gaussianMMD(l):
            precondition(l > 0, "TwoSampleTest: bandwidth must be positive")
            sign = -1
        }
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                var s = 0.0
                for k in pooled[i].indices { let e = pooled[i][k] - pooled[j][k]; s += e * e }
                let v: Double
                switch kind {
                case .energyDistance: v = s.squareRoot()
                case let .gaussianMMD(l): v = exp(-s / (2 * l * l))
                }
                matrix[i * n + j] = v; matrix[j * n + i] = v
            }
        }
        let observed = sign * TwoSampleTest.crossMinusWithin(matrix, n: n, inA: (0..<n).map { $0 < na })
        var exceed = 0
        var labels = (0..<n).map { $0 < na }
        for _ in 0..<permutations {
            labels.shuffle(using: &rng)
            if sign * TwoSampleTest.crossMinusWithin(matrix, n: n, inA: labels) >= observed { exceed += 1 }
        }
        self.kind = kind
        statistic = observed
        pValue = Double(1 + exceed) / Double(1 + permutations)
        self.permutations = permutations
    }

    /// 2 mean_{A×B} K − mean_{A, i≠i'} K − mean_{B, j≠j'} K for the labelling `inA` (K has a zero diagonal).
    static func crossMinusWithin(_ matrix: [Double], n: Int, inA: [Bool]) -> Double {
        var aa = 0.0, bb = 0.0, ab = 0.0
        var na = 0
        for i in 0..<n where inA[i] { na += 1 }
        let nb = n - na
        matrix.withUnsafeBufferPointer { K in
            for i in 0..<n {
                let row = i * n
                if inA[i] {
                    for j in 0..<n { if inA[j] { aa += K[row + j] } else { ab += K[row + j] } }
                } else {
                    for j in 0..<n where !inA[j] { bb += K[row + j] }
                }
            }
        }
        let fa = Double(na), fb = Double(nb)
        return 2 * ab / (fa * fb) - aa / (fa * (fa - 1)) - bb / (fb * (fb - 1))
    }
}
