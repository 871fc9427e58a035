// Fréchet distance: zero for identical Gaussians, closed forms in 1-D and for commuting
// covariances, agreement with the plain-loop twin, and the sample-statistics path.
import NumericCore
import Testing

@Suite struct FrechetDistanceTests {
    /// A random symmetric positive-definite k × k matrix A Aᵀ + 0.1 I.
    func randomSPD(_ k: Int, seed: UInt64) -> Matrix<Double> {
        var rng = Xoshiro256(seed: seed)
        let a = Matrix<Double>(rows: k, columns: k, storage: rng.gaussians(k * k))
        var s = Naive.matmul(a, a, transposeB: true)
        for i in 0..<k { s[i, i] += 0.1 }
        return s
    }

    @Test func identicalGaussiansHaveZeroDistance() throws {
        let s = randomSPD(6, seed: 1)
        let mu = [0.3, -1, 2, 0, 0.5, 1.5]
        let fd = try FrechetDistance.distance(mean1: mu, covariance1: s, mean2: mu, covariance2: s)
        #expect(abs(fd) < 1e-9, "FD = \(fd)")
    }

    @Test func oneDimensionalClosedForm() throws {
        // FD(N(μ1, s1²), N(μ2, s2²)) = (μ1 − μ2)² + (s1 − s2)².
        for (m1, s1, m2, s2) in [(0.0, 1.0, 0.0, 2.0), (1.5, 0.3, -0.5, 0.7), (2.0, 1.0, 2.0, 1.0)] {
            let fd = try FrechetDistance.distance(mean1: [m1], covariance1: .diagonal([s1 * s1]),
                                                  mean2: [m2], covariance2: .diagonal([s2 * s2]))
            let expected = (m1 - m2) * (m1 - m2) + (s1 - s2) * (s1 - s2)
            #expect(abs(fd - expected) < 1e-12, "FD \(fd) vs \(expected)")
        }
    }

    @Test func diagonalCovariancesSumPerCoordinate() throws {
        // Commuting (diagonal) covariances: FD = ‖μ1 − μ2‖² + Σ_i (√a_i − √b_i)².
        let a = [1.0, 4, 0.25, 9], b = [4.0, 1, 1, 9]
        let m1 = [0.0, 1, 2, 3], m2 = [1.0, 1, 0, 3]
        let fd = try FrechetDistance.distance(mean1: m1, covariance1: .diagonal(a), mean2: m2, covariance2: .diagonal(b))
        var expected = 0.0
        for i in 0..<4 { expected += (m1[i] - m2[i]) * (m1[i] - m2[i]) + (a[i].squareRoot() - b[i].squareRoot()) * (a[i].squareRoot() - b[i].squareRoot()) }
        #expect(abs(fd - expected) < 1e-10, "FD \(fd) vs \(expected)")
    }

    @Test func lapackPathMatchesNaiveTwin() throws {
        for seed in UInt64(1)...5 {
            let k = 3 + Int(seed)
            let s1 = randomSPD(k, seed: seed), s2 = randomSPD(k, seed: seed + 100)
            var rng = Xoshiro256(seed: seed + 200)
            let m1 = rng.gaussians(k), m2 = rng.gaussians(k)
            let fast = try FrechetDistance.distance(mean1: m1, covariance1: s1, mean2: m2, covariance2: s2)
            let slow = FrechetDistance.naiveDistance(mean1: m1, covariance1: s1, mean2: m2, covariance2: s2)
            #expect(abs(fast - slow) <= 1e-8 * max(1, abs(slow)), "k=\(k): \(fast) vs \(slow)")
            #expect(fast > 0)
            // Symmetric in its arguments.
            let swapped = try FrechetDistance.distance(mean1: m2, covariance1: s2, mean2: m1, covariance2: s1)
            #expect(abs(fast - swapped) <= 1e-8 * max(1, abs(fast)))
        }
    }

    @Test func squareRootSquaresBack() throws {
        let s = randomSPD(7, seed: 9)
        let r = try FrechetDistance.symmetricSquareRoot(s)
        let back = Naive.matmul(r, r)
        #expect(Stats.maxAbsoluteError(back.storage, s.storage) < 1e-9)
    }

    @Test func sampleStatisticsRecoverTheGaussians() throws {
        // 20 000 draws from N(0, I₃) and N(μ, 4 I₃): FD → ‖μ‖² + 3·(2 − 1)² = ‖μ‖² + 3.
        var rng = Xoshiro256(seed: 4)
        let n = 20_000, k = 3
        let x = rng.gaussians(n * k)
        let mu = [1.0, 0, -1]
        var y = rng.gaussians(n * k, mean: 0, std: 2)
        for r in 0..<n { for j in 0..<k { y[r * k + j] += mu[j] } }
        let fd = try FrechetDistance.distance(features1: x, count1: n, features2: y, count2: n, dimension: k)
        #expect(abs(fd - 5) < 0.15, "FD \(fd), expected ≈ 5")
        let same = try FrechetDistance.distance(features1: x, count1: n, features2: x, count2: n, dimension: k)
        #expect(abs(same) < 1e-9)
    }
}
