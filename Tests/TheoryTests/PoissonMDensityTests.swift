import Foundation
import NumericCore
import PropertyBased
import Testing
import Theory

/// The Poisson multimeasurement noise model and Robbins' formula for M counts (THEORY T4.9), for a
/// Gamma(a, rate b) prior, where the posterior Gamma(a + s, b + M) gives E[X | y] = (a + s)/(b + M).
struct PoissonMDensityTests {
    /// A rounding bound for (y_m + 1)·exp(log p(y + e_m) − log p(y)): each of the two log-masses is a
    /// sum of terms (lgamma values, a log b, (s + a) log(M + b)) each computed to a few ulps of its own
    /// size, so the difference is off by at most c·ε·L, L = Σ|terms| of both; exp turns that absolute
    /// error into a relative one, and the final product adds an ulp. c = 32 is generous for glibc's
    /// lgamma/log (≤ 4 ulp each, ≤ 13 terms added).
    static func roundingBound(_ density: GammaPoissonMDensity, _ y: [Int], _ m: Int) -> Double {
        var up = y
        up[m] += 1
        let size = (density.logMassTerms(y) + density.logMassTerms(up)).reduce(0) { $0 + abs($1) }
            + y.reduce(0.0) { $0 + 2 * lgamma(Double($1) + 2) }  // the log-factorial sum's own terms
        return 32 * Double.ulpOfOne * (size + 1)
    }

    @Test("T4.9: (y_m + 1)·p(y + e_m)/p(y) equals (a + s)/(b + M) for every m, to a stated rounding bound (random a, b, M, y)")
    func robbinsEqualsConjugateMean() async {
        await propertyCheck(count: 200, input: Gen.double(in: 0.1...20.0), Gen.double(in: 0.05...10.0), Gen.int(in: 0...1_000_000)) { a, b, seed in
            var rng = Xoshiro256(seed: UInt64(seed))
            let M = 1 + rng.int(below: 8)
            let y = (0..<M).map { _ in rng.int(below: 1 + [3, 30, 300][rng.int(below: 3)]) }
            let density = GammaPoissonMDensity(shape: a, rate: b, measurements: M)
            let s = Double(y.reduce(0, +))
            let exact = (a + s) / (b + Double(M))
            for m in 0..<M {
                let robbins = density.robbinsEstimate(y, measurement: m)
                let bound = Self.roundingBound(density, y, m)
                #expect(Stats.relativeError(robbins, exact) <= bound, "a = \(a), b = \(b), y = \(y), m = \(m): \(robbins) vs \(exact), bound \(bound)")
            }
            // the sufficient-statistic form ((s + 1)/M)·P(S = s + 1)/P(S = s) gives the same value
            #expect(Stats.relativeError(density.robbinsEstimateFromTotal(Int(s)), exact) <= Self.roundingBound(density, y, 0))
        }
    }

    @Test("T4.9: the M-density is a mass function: over every y with Σ y_m = s it sums to P(S = s), and P(S = s) sums to 1")
    func massFunctionIsNormalised() async {
        await propertyCheck(count: 30, input: Gen.double(in: 0.2...10.0), Gen.double(in: 0.2...5.0), Gen.int(in: 1...4)) { a, b, M in
            let density = GammaPoissonMDensity(shape: a, rate: b, measurements: M)
            // compositions of s into M parts
            func compositions(_ s: Int, _ parts: Int) -> [[Int]] {
                parts == 1 ? [[s]] : (0...s).flatMap { first in compositions(s - first, parts - 1).map { [first] + $0 } }
            }
            for s in 0...8 {
                let total = compositions(s, M).reduce(0) { $0 + exp(density.logMass($1)) }
                #expect(Stats.relativeError(total, exp(density.logMassOfTotal(s))) < 1e-12, "s = \(s)")
            }
            // negative binomial with success probability b/(b + M): P(S = 0) = (b/(b + M))^a, and the mass sums to 1
            #expect(Stats.relativeError(exp(density.logMassOfTotal(0)), pow(b / (b + Double(M)), a)) < 1e-13)
            var sum = 0.0
            for s in 0...20_000 { sum += exp(density.logMassOfTotal(s)) }
            #expect(abs(sum - 1) < 1e-10)
        }
    }

    @Test("concentration: posterior variance (a + s)/(b + M)² and Bayes risk a/(b(b + M)) fall like 1/M")
    func concentration() async {
        await propertyCheck(count: 40, input: Gen.double(in: 0.1...20.0), Gen.double(in: 0.05...10.0), Gen.int(in: 1...64)) { a, b, M in
            let one = GammaPoissonMDensity(shape: a, rate: b, measurements: M)
            let twice = GammaPoissonMDensity(shape: a, rate: b, measurements: 2 * M)
            #expect(twice.bayesRisk < one.bayesRisk)
            // M · risk → a/b from below: M a/(b(b + M)) = (a/b) · M/(b + M)
            #expect(Stats.relativeError(Double(M) * one.bayesRisk, a / b * Double(M) / (b + Double(M))) < 1e-13)
            // all counts zero: the posterior is Gamma(a, b + M), variance a/(b + M)²
            let y = [Int](repeating: 0, count: M)
            #expect(Stats.relativeError(one.posteriorVariance(y), a / ((b + Double(M)) * (b + Double(M)))) < 1e-14)
        }
    }

    @Test("samplers: Gamma(a, b) and Poisson(λ) means and variances within 5 s.e. (seed 11; both Poisson branches)")
    func samplers() {
        var rng = Xoshiro256(seed: 11)
        let n = 100_000
        for (a, b) in [(0.5, 2.0), (3.0, 1.0), (40.0, 0.5)] {
            let x = (0..<n).map { _ in rng.gamma(shape: a, rate: b) }
            #expect(abs(Stats.mean(x) - a / b) <= 5 * Stats.standardError(x), "Gamma(\(a), \(b)) mean")
            // Var of the sample variance: (μ₄ − σ⁴)/n with μ₄ = 3a(a + 2)/b⁴ (Gamma's fourth central moment)
            let v = a / (b * b), mu4 = 3 * a * (a + 2) / pow(b, 4)
            #expect(abs(Stats.variance(x) - v) <= 5 * ((mu4 - v * v) / Double(n)).squareRoot(), "Gamma(\(a), \(b)) variance")
        }
        for lambda in [0.3, 4.0, 9.99, 10.0, 37.0, 500.0] {
            let k = (0..<n).map { _ in Double(rng.poisson(mean: lambda)) }
            #expect(abs(Stats.mean(k) - lambda) <= 5 * (lambda / Double(n)).squareRoot(), "Poisson(\(lambda)) mean")
            // μ₄ = λ(1 + 3λ) for the Poisson
            #expect(abs(Stats.variance(k) - lambda) <= 5 * ((lambda * (1 + 3 * lambda) - lambda * lambda) / Double(n)).squareRoot(), "Poisson(\(lambda)) variance")
            let zeros = Double(k.filter { $0 == 0 }.count) / Double(n), p0 = exp(-lambda)
            #expect(abs(zeros - p0) <= 5 * (p0 * (1 - p0) / Double(n)).squareRoot() + 1 / Double(n), "Poisson(\(lambda)) P(0)")
        }
    }

    @Test("T4.9 empirical Bayes: (y_m + 1)·N(y + e_m)/N(y) from 200 000 simulated count vectors is within 4 s.e. of (a + s)/(b + M) (seed 5)")
    func empiricalRobbins() {
        var rng = Xoshiro256(seed: 5)
        let density = GammaPoissonMDensity(shape: 3, rate: 1, measurements: 2)
        let table = CountVectorTable(density.sample(200_000, using: &rng).y)
        for y in [[3, 2], [1, 4], [2, 2]] {
            for m in 0..<2 {
                let e = RobbinsM.empiricalEstimate(y, measurement: m, counts: table)!
                let exact = (3 + Double(y.reduce(0, +))) / 3
                #expect(abs(e.estimate - exact) <= 4 * e.se, "y = \(y), m = \(m): \(e.estimate) ± \(e.se) vs \(exact)")
            }
        }
    }
}
