import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// The Poisson multimeasurement noise model (THEORY T4.9): X ≥ 0 with prior π, and M counts
/// Y_m ~ Poisson(X) independent given X. The M-density is the mass function of the counts,
///
///     p(y) = ∫ Π_m e^{−x} x^{y_m}/y_m! π(x) dx = (Π_m 1/y_m!) · J(s),   J(s) = ∫ x^s e^{−Mx} π(x) dx,
///
/// s = Σ_m y_m. Robbins' formula for M measurements: for every m,
///
///     E[X | y] = (y_m + 1) · p(y + e_m) / p(y),
///
/// the same value whichever count is raised (e_m is the m-th unit vector). `RobbinsM` evaluates it for
/// any mass function, and from empirical counts; `GammaPoissonMDensity` is the conjugate case with a
/// closed-form p and posterior.
public enum RobbinsM {
    /// (y_m + 1) · p(y + e_m)/p(y) from a log-mass function (T4.9); the ratio is formed as
    /// exp(log p(y + e_m) − log p(y)).
    public static func estimate(_ y: [Int], measurement m: Int, logMass: ([Int]) -> Double) -> Double {
        precondition((0..<y.count).contains(m), "RobbinsM.estimate: measurement \(m) out of 0..<\(y.count)")
        var up = y
        up[m] += 1
        return Double(y[m] + 1) * exp(logMass(up) - logMass(y))
    }

    /// The empirical-Bayes version: p replaced by the relative frequencies of the count vectors in a
    /// sample, (y_m + 1) · N(y + e_m)/N(y). Its standard error is from the delta method for two
    /// multinomial cell counts: Var(log N_a − log N_b) ≈ 1/(n p_a) + 1/(n p_b) (the covariance terms
    /// −1/n cancel the −p/(np) parts), estimated with the observed counts. nil when either count is 0.
    public static func empiricalEstimate(_ y: [Int], measurement m: Int, counts: CountVectorTable) -> (estimate: Double, se: Double, countHere: Int, countUp: Int)? {
        var up = y
        up[m] += 1
        let a = counts.count(of: y), b = counts.count(of: up)
        guard a > 0, b > 0 else { return nil }
        let r = Double(y[m] + 1) * Double(b) / Double(a)
        return (r, r * (1 / Double(a) + 1 / Double(b)).squareRoot(), a, b)
    }
}

/// How often each count vector occurs in a sample (the empirical M-density mass function).
public struct CountVectorTable: Sendable {
    public private(set) var counts: [[Int]: Int] = [:]
    public private(set) var total = 0

    public init() {}
    public init<S: Sequence>(_ vectors: S) where S.Element == [Int] { for v in vectors { add(v) } }

    public mutating func add(_ y: [Int]) { counts[y, default: 0] += 1; total += 1 }
    public func count(of y: [Int]) -> Int { counts[y] ?? 0 }
    /// N(y)/n.
    public func frequency(of y: [Int]) -> Double { total == 0 ? 0 : Double(count(of: y)) / Double(total) }
}

/// The Gamma–Poisson M-density: X ~ Gamma(shape a, rate b), Y_m | X ~ Poisson(X), m = 1…M (T4.9).
/// Here J(s) = b^a Γ(s + a)/(Γ(a)(M + b)^{s+a}), so
///
///     log p(y) = −Σ_m log y_m! + a log b + log Γ(s + a) − log Γ(a) − (s + a) log(M + b),
///
/// the posterior is Gamma(a + s, b + M), E[X | y] = (a + s)/(b + M) and Var[X | y] = (a + s)/(b + M)².
/// The sufficient statistic S = Σ_m Y_m is negative binomial (mixed Poisson with mean MX). All
/// arithmetic is in Double; log-factorials and log-gammas use `lgamma`.
public struct GammaPoissonMDensity: Sendable {
    /// a > 0, b > 0: the Gamma prior's shape and rate (mean a/b, variance a/b²).
    public let shape, rate: Double
    /// M, the number of counts.
    public let measurements: Int

    public init(shape: Double, rate: Double, measurements: Int) {
        precondition(shape > 0 && shape.isFinite && rate > 0 && rate.isFinite, "GammaPoissonMDensity: a and b must be positive and finite")
        precondition(measurements >= 1, "GammaPoissonMDensity: M must be ≥ 1")
        self.shape = shape; self.rate = rate; self.measurements = measurements
    }

    /// s = Σ_m y_m.
    public static func total(_ y: [Int]) -> Int { y.reduce(0, +) }

    /// The terms of log p(y), in the order of the formula above (their absolute values bound the
    /// rounding error of the sum).
    public func logMassTerms(_ y: [Int]) -> [Double] {
        precondition(y.count == measurements && y.allSatisfy { $0 >= 0 }, "GammaPoissonMDensity: y must hold \(measurements) counts ≥ 0")
        let s = Double(Self.total(y)), a = shape, b = rate, M = Double(measurements)
        let factorials = y.reduce(0.0) { $0 - lgamma(Double($1) + 1) }
        return [factorials, a * log(b), lgamma(s + a), -lgamma(a), -(s + a) * log(M + b)]
    }

    /// log p(y), the log of the M-density's mass function.
    public func logMass(_ y: [Int]) -> Double { logMassTerms(y).reduce(0, +) }

    /// log P(S = s) = log Γ(s + a) − log Γ(a) − log s! + a log(b/(b + M)) + s log(M/(b + M)).
    public func logMassOfTotal(_ s: Int) -> Double {
        precondition(s >= 0, "GammaPoissonMDensity: s must be ≥ 0")
        let a = shape, b = rate, M = Double(measurements), sd = Double(s)
        return lgamma(sd + a) - lgamma(a) - lgamma(sd + 1) + a * log(b / (b + M)) + sd * log(M / (b + M))
    }

    /// T4.9, Robbins for M counts: (y_m + 1) · p(y + e_m)/p(y), from this M-density's mass function.
    public func robbinsEstimate(_ y: [Int], measurement m: Int) -> Double {
        RobbinsM.estimate(y, measurement: m, logMass: logMass)
    }

    /// The same estimator through the sufficient statistic: ((s + 1)/M) · P(S = s + 1)/P(S = s).
    public func robbinsEstimateFromTotal(_ s: Int) -> Double {
        Double(s + 1) / Double(measurements) * exp(logMassOfTotal(s + 1) - logMassOfTotal(s))
    }

    /// The conjugate posterior mean (a + s)/(b + M).
    public func posteriorMean(_ y: [Int]) -> Double { (shape + Double(Self.total(y))) / (rate + Double(measurements)) }

    /// The conjugate posterior variance (a + s)/(b + M)².
    public func posteriorVariance(_ y: [Int]) -> Double {
        let c = rate + Double(measurements)
        return (shape + Double(Self.total(y))) / (c * c)
    }

    /// The Bayes risk E(X − E[X | Y])² = E Var[X | Y] = (a + M a/b)/(b + M)² = a/(b(b + M)): it falls
    /// like (a/b)/M, the Poisson noise variance at the prior mean over M.
    public var bayesRisk: Double { shape / (rate * (rate + Double(measurements))) }

    /// n independent draws (x, y): x ~ Gamma(a, b), then M counts y_m ~ Poisson(x).
    public func sample(_ n: Int, using rng: inout Xoshiro256) -> (x: [Double], y: [[Int]]) {
        var xs = [Double](), ys = [[Int]]()
        xs.reserveCapacity(n); ys.reserveCapacity(n)
        for _ in 0..<n {
            let x = rng.gamma(shape: shape, rate: rate)
            xs.append(x)
            ys.append((0..<measurements).map { _ in rng.poisson(mean: x) })
        }
        return (xs, ys)
    }
}

extension Xoshiro256 {
    /// A Gamma(shape a, rate b) draw: Marsaglia and Tsang (2000) for a ≥ 1; for a < 1 the boost
    /// Gamma(a + 1) · U^{1/a}.
    public mutating func gamma(shape a: Double, rate b: Double) -> Double {
        precondition(a > 0 && b > 0, "gamma: shape and rate must be positive")
        if a < 1 { return gamma(shape: a + 1, rate: b) * pow(uniformPositive(), 1 / a) }
        let d = a - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var z = 0.0, v = 0.0
            repeat { z = gaussian(); v = 1 + c * z } while v <= 0
            v = v * v * v
            let u = uniformPositive()
            if u < 1 - 0.0331 * z * z * z * z || log(u) < 0.5 * z * z + d * (1 - v + log(v)) { return d * v / b }
        }
    }

    /// A Poisson(λ) draw: inversion by sequential search for λ < 10; Hörmann's transformed rejection
    /// (PTRS, 1993) for λ ≥ 10.
    public mutating func poisson(mean lambda: Double) -> Int {
        precondition(lambda >= 0 && lambda.isFinite, "poisson: the mean must be finite and ≥ 0")
        if lambda == 0 { return 0 }
        if lambda < 10 {
            var k = 0, p = exp(-lambda)
            var f = p
            let u = uniform()
            while u > f && k < 1000 { k += 1; p *= lambda / Double(k); f += p }
            return k
        }
        let sl = lambda.squareRoot(), logLambda = log(lambda)
        let b = 0.931 + 2.53 * sl, a = -0.059 + 0.02483 * b
        let invAlpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5, v = uniformPositive()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invAlpha) - log(a / (us * us) + b) <= -lambda + k * logLambda - lgamma(k + 1) { return Int(k) }
        }
    }
}
