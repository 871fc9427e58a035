import Foundation
import NumericCore
import Testing
import Theory

/// The MDAE helpers of THEORY T4.10: the exact-Bayes MDAE is permutation equivariant and gives one
/// estimate from every index (T3.1); GPS written as an MDAE likewise; a deliberately non-symmetric F
/// is caught by the equivariance metric with the value worked out by hand; the loss splits exactly
/// into the averaged estimate's loss plus the squared index spread.
struct MDAETests {
    static let prior = GaussianMixture.cubeVertices(dimension: 2, components: 4, separation: 3, tau: 0.5)

    static func draw(M: Int, sigma: Double, seed: UInt64) -> (x: [Double], y: [Double], perm: [Int]) {
        var rng = Xoshiro256(seed: seed)
        let (xs, ys) = MixtureMDensity(prior: prior, measurements: M, sigma: sigma).sample(1, using: &rng)
        var perm = rng.permutation(M)
        if perm == Array(0..<M) { perm = Array(perm.reversed()) }  // never the identity (M ≥ 2)
        return (xs[0], ys[0], perm)
    }

    @Test("the exact-Bayes MDAE is permutation equivariant and index-consistent (T3.1, T4.10; 1e-10)")
    func bayesMDAEIsSymmetric() {
        for (k, M) in [2, 3, 4, 7].enumerated() {
            let sigma = 0.5 * Double(M).squareRoot()
            let density = MixtureMDensity(prior: Self.prior, measurements: M, sigma: sigma)
            let f = MDAE.bayes(density)
            for t in 0..<20 {
                let (_, y, perm) = Self.draw(M: M, sigma: sigma, seed: UInt64(100 * k + t))
                // rounding: each block is y_m + σ²·score, |terms| ≲ 10, so differences are a few 1e-15
                #expect(MDAE.equivarianceError(f, at: y, measurements: M, permutation: perm) < 1e-10)
                #expect(MDAE.indexSpread(f(y), measurements: M) < 1e-10)
                // and every block is the posterior mean
                let post = density.posteriorMean(y)
                for m in 0..<M { #expect(Stats.maxAbsoluteError(Array(MDAE.block(f(y), m, measurements: M)), post) < 1e-10) }
            }
        }
    }

    @Test("GPS written as an MDAE has zero equivariance error and zero spread for any ν (to rounding)")
    func gpsAsMDAEIsSymmetric() {
        let nu: GPSDenoiser = { v in
            v.indices.map { (i: Int) -> Double in 2 * tanh(v[i]) + 0.3 * sin(3 * v[(i + 1) % v.count]) }
        }
        let M = 5
        let f = MDAE.fromGPS(measurements: M, denoiser: nu)
        for t in 0..<20 {
            let (_, y, perm) = Self.draw(M: M, sigma: 1, seed: UInt64(500 + t))
            // ȳ of πy sums the same numbers in another order: rounding of a sum of 5 terms, ν Lipschitz ≲ 3
            #expect(MDAE.equivarianceError(f, at: y, measurements: M, permutation: perm) < 1e-13)
            // the mean of M equal Doubles v is v up to M rounding errors, |v| ≤ 2.3: spread ≲ 5·2.3·1.1e-16
            #expect(MDAE.indexSpread(f(y), measurements: M) < 1e-14)
        }
    }

    @Test("a non-symmetric F (every block copies y_1) is detected, with the error worked out by hand")
    func nonSymmetricFunctionIsDetected() {
        // F(y)_m = y_1 for all m. Then F(πy)_m = y_{π(1)} and F(y)_{π(m)} = y_1, so
        // e_π(y) = ‖y_{π(1)} − y_1‖ (the same for every block); spread 0 (all blocks equal).
        let M = 4
        let copyFirst: MultimeasurementDenoiser = { y in
            let d = y.count / M
            return (0..<M).flatMap { _ in Array(y[0..<d]) }
        }
        // F(y)_m = y_m: the identity is equivariant but its spread is the RMS distance to ȳ.
        let identity: MultimeasurementDenoiser = { $0 }
        for t in 0..<20 {
            let (_, y, perm) = Self.draw(M: M, sigma: 1, seed: UInt64(900 + t))
            let d = 2
            let a = Array(y[(perm[0] * d)..<(perm[0] * d + d)]), b = Array(y[0..<d])
            let byHand = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            #expect(abs(MDAE.equivarianceError(copyFirst, at: y, measurements: M, permutation: perm) - byHand) < 1e-12)
            if perm[0] != 0 { #expect(MDAE.equivarianceError(copyFirst, at: y, measurements: M, permutation: perm) > 1e-3) }
            #expect(MDAE.equivarianceError(identity, at: y, measurements: M, permutation: perm) == 0)
            let mean = MixtureMDensity.measurementMean(y, measurements: M)
            var spreadSquared = 0.0
            for m in 0..<M { for i in 0..<d { spreadSquared += (y[m * d + i] - mean[i]) * (y[m * d + i] - mean[i]) } }
            let spreadByHand = (spreadSquared / Double(M)).squareRoot()
            #expect(abs(MDAE.indexSpread(identity(y), measurements: M) - spreadByHand) < 1e-12)
        }
    }

    @Test("the MDAE loss equals the averaged estimate's loss plus the squared spread (1e-12)")
    func lossSplitsIntoMeanAndSpread() {
        var rng = Xoshiro256(seed: 77)
        for M in 1...6 {
            let x = rng.gaussians(3)
            let estimates = rng.gaussians(3 * M, std: 2)
            let mean = MDAE.averagedEstimate(estimates, measurements: M)
            let meanLoss = zip(x, mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            let s = MDAE.indexSpread(estimates, measurements: M)
            #expect(abs(MDAE.loss(x: x, estimates: estimates, measurements: M) - (meanLoss + s * s)) < 1e-12)
            // and the loss by the definition, block by block
            var total = 0.0
            for m in 0..<M { for i in 0..<3 { total += (x[i] - estimates[3 * m + i]) * (x[i] - estimates[3 * m + i]) } }
            let direct = total / Double(M)
            #expect(abs(MDAE.loss(x: x, estimates: estimates, measurements: M) - direct) < 1e-12)
        }
    }
}
