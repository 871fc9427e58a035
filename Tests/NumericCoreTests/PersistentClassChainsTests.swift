// The persistent-class null model of chapter 5's class-share check, against laws known without
// simulation: at redraw probability 1 the B·J samples are independent (a binomial count), at 0 each
// chain is one draw (a binomial over chains), and between them the pooled share's variance is the
// Markov chain's closed form. Monte Carlo tolerances are 4 standard errors (false alarm ≈ 6e-5 each
// for normal estimates), computed from the exact value, not from the simulation.
import Foundation
import NumericCore
import Testing

@Suite struct PersistentClassChainsTests {
    /// P(Binomial(n, p) ≤ k), summed in log space.
    func binomialCDF(_ k: Int, n: Int, p: Double) -> Double {
        var sum = 0.0
        for j in 0...max(0, k) {
            let logChoose: Double = lgamma(Double(n + 1)) - lgamma(Double(j + 1)) - lgamma(Double(n - j + 1))
            sum += exp(logChoose + Double(j) * log(p) + Double(n - j) * log(1 - p))
        }
        return sum
    }

    func expectRate(_ model: PersistentClassChains, floor: Double, exact: Double, trials: Int, seed: UInt64) {
        let (rate, _) = model.falseAlarmRate(floor: floor, trials: trials, seed: seed)
        let se = (exact * (1 - exact) / Double(trials)).squareRoot()
        #expect(abs(rate - exact) <= 4 * se, "false-alarm rate \(rate) vs exact \(exact) (4 s.e. = \(4 * se))")
    }

    @Test func redrawEveryJumpIsIndependentDraws() throws {
        // p = (0.3, 0.7), s = 1 − Σp² = 0.42 → r = 1: class 0's count ~ Binomial(128, 0.3); the floor
        // 0.25 fails when it is ≤ 31 (class 1 is never below it: that needs ≥ 97 of class 0, P < 1e-30).
        let p = [0.3, 0.7], m = try #require(PersistentClassChains(classShares: p, chains: 16, jumps: 8, switchRate: 0.42))
        #expect(abs(m.redrawProbability - 1) < 1e-12)
        expectRate(m, floor: 0.25, exact: binomialCDF(31, n: 128, p: 0.3), trials: 20_000, seed: 1)
    }

    @Test func neverRedrawingMakesEachChainOneDraw() throws {
        // s = 0: the shares are Binomial(16, 0.3)/16 whatever J; 3/16 < 0.2 ≤ 4/16, so P(count ≤ 3).
        let m = try #require(PersistentClassChains(classShares: [0.3, 0.7], chains: 16, jumps: 8, switchRate: 0))
        expectRate(m, floor: 0.2, exact: binomialCDF(3, n: 16, p: 0.3), trials: 20_000, seed: 2)
    }

    @Test func shareVarianceClosedFormAndItsLimits() throws {
        let p = [Double](repeating: 0.1, count: 10)
        // The limits by algebra: r = 1 gives p(1 − p)/(BJ), r = 0 gives p(1 − p)/B.
        let free = try #require(PersistentClassChains(classShares: p, chains: 64, jumps: 8, switchRate: 0.9))
        let frozen = try #require(PersistentClassChains(classShares: p, chains: 64, jumps: 8, switchRate: 0))
        #expect(abs(free.shareVariance(ofClass: 0) - 0.09 / 512) < 1e-15)
        #expect(abs(frozen.shareVariance(ofClass: 0) - 0.09 / 64) < 1e-15)
        // Between them, the default preset's layout at chapter 5's measured persistence (s ≈ 0.15):
        // the simulated shares' mean is p and their variance the closed form, within 4 s.e.
        let m = try #require(PersistentClassChains(classShares: p, chains: 64, jumps: 8, switchRate: 0.15))
        var rng = Xoshiro256(seed: 3)
        let shares = (0..<4_000).map { _ in m.sampleShares(using: &rng)[3] }
        let exact = m.shareVariance(ofClass: 3), (v, vse) = Stats.varianceWithStandardError(shares)
        #expect(abs(Stats.mean(shares) - 0.1) <= 4 * (exact / 4_000).squareRoot(), "mean share \(Stats.mean(shares))")
        #expect(abs(v - exact) <= 4 * vse, "share variance \(v) vs closed form \(exact) (s.e. \(vse))")
        #expect(exact > 3 * free.shareVariance(ofClass: 3), "persistence should widen the spread")
    }

    @Test func rejectsWhatIsNotAModel() {
        let p = [0.5, 0.5]
        #expect(PersistentClassChains(classShares: p, chains: 4, jumps: 4, switchRate: 0.51) == nil, "s above 1 − Σp²")
        #expect(PersistentClassChains(classShares: [0.5, 0.6], chains: 4, jumps: 4, switchRate: 0.1) == nil, "sum ≠ 1")
        #expect(PersistentClassChains(classShares: [1], chains: 4, jumps: 4, switchRate: 0) == nil, "one class")
        #expect(PersistentClassChains(classShares: [1.5, -0.5], chains: 4, jumps: 4, switchRate: 0) == nil, "negative share")
        #expect(PersistentClassChains(classShares: p, chains: 0, jumps: 4, switchRate: 0.1) == nil, "no chains")
        #expect(PersistentClassChains(classShares: p, chains: 4, jumps: 4, switchRate: .nan) == nil, "NaN rate")
    }
}
