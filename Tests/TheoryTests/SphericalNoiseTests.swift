import Foundation
import NumericCore
import Testing
import Theory

/// T1.9: the relative spread of ‖y − μ‖² for y = x + σε.
@Suite("T1.9: noise makes a data set spherical")
struct SphericalNoiseTests {
    /// A skewed, non-spherical data set in d = 20: anisotropic Gaussians, a third of them shifted.
    static func data(_ n: Int, _ d: Int, _ rng: inout Xoshiro256) -> [Double] {
        (0..<n).flatMap { i in (0..<d).map { j in rng.gaussian() * (0.2 + Double(j) / 10) + (i % 3 == 0 ? 1.5 : 0) } }
    }

    static func relativeSpread(_ z: [Double], mean mu: [Double], n: Int, d: Int) -> Double {
        let q = (0..<n).map { i in (0..<d).reduce(0.0) { let e = z[i * d + $1] - mu[$1]; return $0 + e * e } }
        let m = Stats.mean(q)
        return (q.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n)).squareRoot() / m
    }

    /// Conditional on the data (m, V from the data themselves, μ their mean), E over ε of the (1/n)
    /// variance of ‖y_i − μ‖² is exactly V + 4σ²m + 2σ⁴d, so the ratio is off only by O(1/n); 300
    /// noise replicates give the s.e. of their mean, tolerance 4 s.e.
    @Test("Monte Carlo relative spread of ‖y − μ‖² = √(V + 4σ²m + 2σ⁴d)/(m + σ²d) at 4 s.e. (d = 20, n = 2000, seed 9)",
          arguments: [0.3, 1.0, 3.0])
    func matchesMonteCarlo(sigma: Double) {
        var rng = Xoshiro256(seed: 9)
        let n = 2000, d = 20
        let x = Self.data(n, d, &rng)
        let mu = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + x[$1 * d + j] } / Double(n) }
        let q = (0..<n).map { i in (0..<d).reduce(0.0) { let e = x[i * d + $1] - mu[$1]; return $0 + e * e } }
        let m = Stats.mean(q), v = q.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n)
        let spreads = (0..<300).map { _ in Self.relativeSpread(x.map { $0 + sigma * rng.gaussian() }, mean: mu, n: n, d: d) }
        let exact = LangevinTheory.noisyRadiusRelativeSpread(cleanMeanSquare: m, cleanVariance: v, sigma: sigma, dimension: d)
        #expect(abs(Stats.mean(spreads) - exact) < 4 * Stats.standardError(spreads), "σ = \(sigma): \(Stats.mean(spreads)) vs \(exact) ± \(Stats.standardError(spreads))")
    }

    @Test("limits: σ = 0 gives √V/m; large σ gives the noise's √(2/d); images get more spherical with σ")
    func limits() {
        #expect(abs(LangevinTheory.noisyRadiusRelativeSpread(cleanMeanSquare: 50, cleanVariance: 144, sigma: 0, dimension: 784) - 12.0 / 50) < 1e-15)
        let far = LangevinTheory.noisyRadiusRelativeSpread(cleanMeanSquare: 50, cleanVariance: 144, sigma: 1e4, dimension: 784)
        #expect(abs(far / (2.0 / 784).squareRoot() - 1) < 1e-6)
        // V/m² = 0.0576 ≫ 2/d = 0.0026: monotone; on a sphere (V = 0) it rises from 0 first.
        let sigmas = stride(from: 0.0, through: 3, by: 0.05).map { $0 }
        let image = sigmas.map { LangevinTheory.noisyRadiusRelativeSpread(cleanMeanSquare: 50, cleanVariance: 144, sigma: $0, dimension: 784) }
        #expect(zip(image, image.dropFirst()).allSatisfy { $0.1 < $0.0 })
        #expect(LangevinTheory.noisyRadiusRelativeSpread(cleanMeanSquare: 50, cleanVariance: 0, sigma: 0.1, dimension: 784) > 0)
    }
}
