import Foundation
import NumericCore
import Testing

@Suite("Stats: variance with its standard error, least squares, the s.e. of a difference")
struct StatisticsTests {
    /// On N(0, σ²) draws m₄ = 3σ⁴, so the s.e. of s² is √(2σ⁴/n); the estimate of it is accurate to
    /// about 1 % at n = 10⁵ (m₄'s own relative s.d. is √96/(3√n)), so 5 % is about 6 of its s.d.
    @Test("varianceWithStandardError: s² within 4 s.e. of σ², and s.e. = √(2σ⁴/n) within 5 % (Gaussian, seed 3)")
    func varianceAndItsStandardError() {
        var rng = Xoshiro256(seed: 3)
        let sigma2 = 4.0, n = 100_000
        let x = rng.gaussians(n, std: sigma2.squareRoot())
        let (v, se) = Stats.varianceWithStandardError(x)
        #expect(abs(v - sigma2) < 4 * se)
        let exactSE = (2 * sigma2 * sigma2 / Double(n)).squareRoot()
        #expect(abs(se / exactSE - 1) < 0.05, "s.e. \(se) against \(exactSE)")
    }

    @Test("weightedLinearFit: recovers an exact line; equal weights give the ordinary least-squares slope")
    func weightedFitOnExactData() throws {
        let x: [Double] = [0.5, 1, 2, 3.5, 7], y = x.map { 1 - 2.5 * $0 }
        let fit = try #require(Stats.weightedLinearFit(x: x, y: y, weights: [1, 4, 0.5, 2, 3]))
        #expect(abs(fit.slope + 2.5) < 1e-12)
        let wobble: [Double] = [0.3, -0.1, 0.2, 0.05, -0.4]
        let noisy: [Double] = zip(x, wobble).map { $0 * $0 + $1 }
        let mx = x.reduce(0, +) / 5, my = noisy.reduce(0, +) / 5
        var sxy = 0.0, sxx = 0.0
        for i in x.indices { sxy += (x[i] - mx) * (noisy[i] - my); sxx += (x[i] - mx) * (x[i] - mx) }
        let ols = sxy / sxx
        let equal = try #require(Stats.weightedLinearFit(x: x, y: noisy, weights: [2, 2, 2, 2, 2]))
        #expect(abs(equal.slope - ols) < 1e-12)
        #expect(Stats.weightedLinearFit(x: [1, 1], y: [0, 1], weights: [1, 1]) == nil)
    }

    /// 4 000 replicates of y_i = 1 + 2x_i + σ_i ε_i with w_i = 1/σ_i²: the spread of the fitted slopes is
    /// the stated s.e.; a sample s.d. of 4 000 draws is accurate to 1/√8000 ≈ 1.1 %, so 5 % is 4.5 of that.
    @Test("weightedLinearFit: the stated slope s.e. equals the spread of the slope over replicates (5 %, seed 5)")
    func weightedFitStandardError() throws {
        var rng = Xoshiro256(seed: 5)
        let x: [Double] = [-1, 0, 0.5, 2, 3], sd: [Double] = [0.2, 0.5, 0.1, 1, 0.3]
        let w = sd.map { 1 / ($0 * $0) }
        var slopes = [Double](), stated = 0.0
        for _ in 0..<4000 {
            let y: [Double] = zip(x, sd).map { 1 + 2 * $0 + $1 * rng.gaussian() }
            let fit = try #require(Stats.weightedLinearFit(x: x, y: y, weights: w))
            slopes.append(fit.slope); stated = fit.se
        }
        let spread = Stats.variance(slopes).squareRoot()
        #expect(abs(spread / stated - 1) < 0.05, "spread \(spread), stated s.e. \(stated)")
        #expect(abs(Stats.mean(slopes) - 2) < 4 * spread / Double(slopes.count).squareRoot())
    }

    @Test("linearFit: recovers an exact line, and matches the 2×2 normal equations solved by Cramer's rule on noisy data")
    func ordinaryFit() {
        let x: [Double] = [0.5, 1, 2, 3.5, 7]
        let exact = Stats.linearFit(x: x, y: x.map { 1 - 2.5 * $0 })
        #expect(abs(exact.slope + 2.5) < 1e-12 && abs(exact.intercept - 1) < 1e-12)
        // Normal equations [n Σx; Σx Σx²][a; b] = [Σy; Σxy], an independent route to the same line.
        let y: [Double] = zip(x, [0.3, -0.1, 0.2, 0.05, -0.4]).map { $0 * $0 + $1 }
        let n = Double(x.count), sx = x.reduce(0, +), sxx = x.reduce(0) { $0 + $1 * $1 }
        let sy = y.reduce(0, +), sxy = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
        let det = n * sxx - sx * sx
        let fit = Stats.linearFit(x: x, y: y)
        #expect(abs(fit.slope - (n * sxy - sx * sy) / det) < 1e-12)
        #expect(abs(fit.intercept - (sxx * sy - sx * sxy) / det) < 1e-12)
    }

    /// 4 000 replicates of y_j = 1 + 2x_j + s_j ε_j fitted by ordinary least squares: the spread of the
    /// slopes is the propagated s.e. (a sample s.d. of 4 000 draws is accurate to ≈ 1.1 %; 5 % ≈ 4.5 of that).
    @Test("linearFitSlopeStandardError equals the spread of the OLS slope over replicates (5 %, seed 7)")
    func ordinarySlopeStandardError() {
        var rng = Xoshiro256(seed: 7)
        let x: [Double] = [-1, 0, 0.5, 2, 3], s: [Double] = [0.2, 0.5, 0.1, 1, 0.3]
        let slopes = (0..<4000).map { _ in Stats.linearFit(x: x, y: zip(x, s).map { 1 + 2 * $0 + $1 * rng.gaussian() }).slope }
        let stated = Stats.linearFitSlopeStandardError(x: x, yStandardErrors: s)
        let spread = Stats.variance(slopes).squareRoot()
        #expect(abs(spread / stated - 1) < 0.05, "spread \(spread), stated s.e. \(stated)")
    }

    /// Means of n = 50 draws of N(1, 2²) and N(−1, 0.5²), 4 000 times: the s.d. of their difference is
    /// √(2²/50 + 0.5²/50); the s.d. of 4 000 draws is accurate to ≈ 1.1 %, so 5 % is ≈ 4.5 of that.
    @Test("differenceStandardError: the spread of a − b over replicates of independent means (5 %, seed 11)")
    func standardErrorOfADifference() {
        var rng = Xoshiro256(seed: 11)
        let n = 50, sa = 2.0, sb = 0.5
        let diffs = (0..<4000).map { _ in Stats.mean(rng.gaussians(n, mean: 1, std: sa)) - Stats.mean(rng.gaussians(n, mean: -1, std: sb)) }
        let stated = Stats.differenceStandardError(sa / Double(n).squareRoot(), sb / Double(n).squareRoot())
        let spread = Stats.variance(diffs).squareRoot()
        #expect(abs(spread / stated - 1) < 0.05, "spread \(spread), stated \(stated)")
        #expect(abs(Stats.mean(diffs) - 2) < 4 * stated / Double(diffs.count).squareRoot())
        #expect(Stats.differenceStandardError(0.3, 0) == 0.3 && Stats.differenceStandardError(3, 4) == 5)
    }
}
