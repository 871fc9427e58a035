import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// THEORY T3.7: the condition number κ of a Gaussian M-density predicts the mixing time of the
/// A-B-O-B-A chain on it, and a run measures it. The chain's projection onto the slowest eigenvector of
/// the precision F (the mean direction √M ȳ_i of the largest data variance λ_i = λ_max, T3.3) is
/// exactly the 1-D A-B-O-B-A chain with precision λ_min(F); its position IAT has the closed form
///
///     τ = 4 tanh(γδ/2) / (u δ² λ)      (every stable δ, i.e. δ²λu < 4),
///
/// so with the step set by the stiffest mode, δ = c/√λ_max(F), τ = 4 tanh(γδ/2) κ / (u c²): linear in κ.
public enum SlowModeMixing {

    /// T3.7: the exact integrated autocorrelation time of the position of the stationary A-B-O-B-A
    /// chain along a direction of precision λ, 4 tanh(γδ/2)/(uδ²λ). nil when unstable (δ²λu ≥ 4).
    public static func positionIAT(precision lambda: Double, step delta: Double, effectiveFriction gammaDelta: Double,
                                   inverseMass u: Double = 1) -> Double? {
        guard lambda > 0, delta > 0, gammaDelta > 0, u > 0, delta * delta * lambda * u < 4 else { return nil }
        return 4 * tanh(gammaDelta / 2) / (u * delta * delta * lambda)
    }

    /// T3.7 in terms of κ = λ_max(F)/λ_min(F), when the step is δ = c/√λ_max(F) (c = δ√λ_max(F), the
    /// step in units of the stiffest mode's length scale): τ_slow = 4 tanh(γδ/2) κ/(u c²).
    public static func predictedIAT(conditionNumber kappa: Double, stepRatio c: Double, effectiveFriction gammaDelta: Double,
                                    inverseMass u: Double = 1) -> Double {
        4 * tanh(gammaDelta / 2) * kappa / (u * c * c)
    }

    /// `count` exact draws of y = (x + σ ε_1, …, x + σ ε_M), x ~ N(0, diag(λ)), flat and measurement-major
    /// (entry m·d + i is coordinate i of y_m): the exact stationary law of the position (T1.6: A-B-O-B-A
    /// keeps Var y = F⁻¹ exactly on a Gaussian).
    public static func drawMeasurements(spectrum lambdas: [Double], measurements M: Int, sigma: Double, count: Int,
                                        using rng: inout Xoshiro256) -> [[Double]] {
        precondition(M >= 1 && sigma > 0 && count >= 1 && lambdas.allSatisfy { $0 > 0 }, "drawMeasurements: need M ≥ 1, σ > 0, λ > 0")
        let d = lambdas.count
        return (0..<count).map { _ in
            let x = lambdas.map { $0.squareRoot() * rng.gaussian() }
            var y = [Double](repeating: 0, count: M * d)
            for m in 0..<M { for i in 0..<d { y[m * d + i] = x[i] + sigma * rng.gaussian() } }
            return y
        }
    }

    /// What a run measures along the slow mode.
    public struct Measurement: Sendable {
        /// The IAT of the B series laid end to end (`ChainDiagnostics.integratedAutocorrelationTime` on one
        /// series of length N = Bn). Pooling subtracts one mean instead of B, so the estimator's
        /// mean-subtraction bias, about −(2W + 1)/N relative, is B times smaller than for one chain; the B − 1
        /// junctions (where the true correlation is 0) add about −τ/(2n), also small for n ≫ τ.
        public let iat: Double
        /// Sokal's asymptotic error τ √(2(2W + 1)/N) of the pooled estimate.
        public let iatStandardError: Double
        /// The between-chain error, sd of the B per-chain IATs / √B (the chains are independent, so these
        /// estimates are i.i.d.); nil unless asked for (it costs a second pass of the estimator).
        public let betweenChainStandardError: Double?
        /// The pooled summation window W, and whether it converged (W ≥ 5τ before N/4).
        public let window: Int
        public let converged: Bool
        /// Mean over chains of each chain's mean of z² (the exact mean of z is 0, so no mean is subtracted).
        public let variance: Double
        /// sd of the B per-chain values of mean z² / √B.
        public let varianceStandardError: Double
        public let chains: Int
        public let steps: Int
    }

    /// Statistics of B independent stationary series of the slow-mode projection z: the IAT with its
    /// standard error, and the variance with the between-chain standard error.
    public static func estimate(series: [[Double]], betweenChainError: Bool = false) -> Measurement {
        precondition(series.count >= 2, "SlowModeMixing.estimate: need at least two chains for a standard error")
        let pooled = ChainDiagnostics.integratedAutocorrelationTime(series.flatMap { $0 })
        let b = Double(series.count)
        var between: Double? = nil
        if betweenChainError {
            let taus = series.map { ChainDiagnostics.integratedAutocorrelationTime($0).tau }
            between = (Stats.variance(taus) / b).squareRoot()
        }
        let perChainVariance = series.map { s in s.reduce(0) { $0 + $1 * $1 } / Double(s.count) }
        return Measurement(iat: pooled.tau, iatStandardError: pooled.standardError, betweenChainStandardError: between,
                           window: pooled.window, converged: pooled.converged,
                           variance: Stats.mean(perChainVariance),
                           varianceStandardError: (Stats.variance(perChainVariance) / b).squareRoot(),
                           chains: series.count, steps: series[0].count)
    }

    /// Runs B = `start.count` independent A-B-O-B-A chains on an M-density in R^{Md} (one flat batch,
    /// `MeasurementChain.run`, velocities 0 and `burnIn` steps discarded) and returns the projections
    /// z_t = √M ȳ_i onto the mean direction of data coordinate i, one series per chain. With i the
    /// coordinate of λ_max this is the slowest mode of a Gaussian M-density (T3.3, T3.7).
    public static func slowModeSeries(start: [[Double]], measurements M: Int, coordinate i: Int,
                                      integrator: UnderdampedLangevin, steps: Int, burnIn: Int,
                                      score: (_ y: [Double], _ into: inout [Double]) -> Void,
                                      using rng: inout Xoshiro256) -> [[Double]] {
        let record = MeasurementChain.run(start: start, measurements: M, integrator: integrator, steps: steps,
                                          burnIn: burnIn, score: score, using: &rng)
        precondition(i >= 0 && i < record.dataDimension, "slowModeSeries: coordinate \(i) out of range")
        let root = Double(M).squareRoot()
        return (0..<record.chains).map { c in record.meanTrace(chain: c, coordinate: i).map { root * $0 } }
    }
}
