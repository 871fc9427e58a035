import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// Diagnostics of Markov chains (chapters 1, 2 and 4): autocorrelation, the integrated
/// autocorrelation time (IAT) with Sokal's automatic window, batch-means standard errors that
/// account for autocorrelation, and counting switches between modes.
public enum ChainDiagnostics {

    // MARK: - Autocorrelation and IAT

    /// Normalised autocorrelation ρ(t), t = 0…maxLag, of a scalar series (mean subtracted,
    /// biased estimator Σ_{s} (x_s − x̄)(x_{s+t} − x̄) / Σ_s (x_s − x̄)², so ρ(0) = 1). Each lag is
    /// one BLAS dot product.
    public static func autocorrelation(_ x: [Double], maxLag: Int) -> [Double] {
        let n = x.count
        guard n > 1 else { return [1] }
        let m = Stats.mean(x)
        let c = x.map { $0 - m }
        let lags = min(maxLag, n - 1)
        return c.withUnsafeBufferPointer { p -> [Double] in
            let base = p.baseAddress!
            let c0 = Double.dot(n: n, x: base, y: base)
            guard c0 > 0 else { return [1] + [Double](repeating: 0, count: lags) }
            return (0...lags).map { t in Double.dot(n: n - t, x: base, y: base + t) / c0 }
        }
    }

    /// The integrated autocorrelation time τ = 1 + 2 Σ_{t≥1} ρ(t) with its window and error.
    public struct IntegratedAutocorrelation: Sendable {
        /// τ: the variance of the chain mean is τ · Var(x) / n.
        public let tau: Double
        /// The summation window M (Sokal: the smallest M with M ≥ c · τ(M)).
        public let window: Int
        /// Sokal's asymptotic standard error τ √(2(2M + 1)/n).
        public let standardError: Double
        /// False when the window reached the end of the series (chain too short for its τ).
        public let converged: Bool
    }

    /// IAT τ = 1 + 2 Σ_{t≥1} ρ(t), summed up to a self-consistent window in the spirit of Sokal
    /// (c = 5 by default): the first odd M with M ≥ c · τ_abs(M), where τ_abs(M) = 1 + 2 Σ_{t≤M} |ρ(t)|
    /// is the decay time of the correlations whatever their sign. For positively correlated chains
    /// τ_abs = τ and this is Sokal's rule; for anti-correlated or oscillating chains (an overdamped
    /// step beyond τ², a weakly damped underdamped chain) the partial sums of ρ oscillate, τ can be
    /// below 1, and a window scaled by τ itself would stop far too early. The autocorrelation is
    /// computed lag by lag (one dot product each), so the cost is O(n · M). The standard error is
    /// Sokal's max(τ, 1) √(2(2M + 1)/n) (the max keeps it honest for τ < 1).
    public static func integratedAutocorrelationTime(_ x: [Double], c: Double = 5) -> IntegratedAutocorrelation {
        let n = x.count
        guard n > 4 else { return IntegratedAutocorrelation(tau: 1, window: 0, standardError: .infinity, converged: false) }
        let m = Stats.mean(x)
        let centred = x.map { $0 - m }
        return centred.withUnsafeBufferPointer { p -> IntegratedAutocorrelation in
            let base = p.baseAddress!
            let c0 = Double.dot(n: n, x: base, y: base)
            guard c0 > 0 else { return IntegratedAutocorrelation(tau: 1, window: 0, standardError: 0, converged: true) }
            func rho(_ t: Int) -> Double { Double.dot(n: n - t, x: base, y: base + t) / c0 }
            func result(_ tau: Double, _ window: Int, _ converged: Bool) -> IntegratedAutocorrelation {
                IntegratedAutocorrelation(tau: tau, window: window,
                                          standardError: max(tau, 1) * (2 * Double(2 * window + 1) / Double(n)).squareRoot(),
                                          converged: converged)
            }
            let maxLag = n / 4
            let r1 = rho(1)
            var tau = 1 + 2 * r1
            var tauAbs = 1 + 2 * abs(r1)
            var window = 1
            while window + 2 <= maxLag {
                if Double(window) >= c * tauAbs { return result(tau, window, true) }
                let a = rho(window + 1), b = rho(window + 2)
                tau += 2 * (a + b)
                tauAbs += 2 * (abs(a) + abs(b))
                window += 2
            }
            return result(tau, window, false)
        }
    }

    // MARK: - Batch means

    /// The mean of a correlated series and its standard error by non-overlapping batch means.
    public struct BatchMeans: Sendable {
        public let mean: Double
        /// sd(batch means) / √(batches): valid when the batch size is much larger than the IAT.
        public let standardError: Double
        public let batches: Int
        public let batchSize: Int
        /// The IAT implied by the batch means: batchSize · Var(batch means) / Var(x).
        public let impliedIAT: Double
    }

    /// Batch-means estimate of the mean of `x` with `batches` equal batches (a trailing remainder
    /// shorter than one batch is dropped from the batches but not from the mean).
    public static func batchMeans(_ x: [Double], batches: Int = 50) -> BatchMeans {
        precondition(batches >= 2, "batchMeans: need at least two batches")
        let size = x.count / batches
        precondition(size >= 1, "batchMeans: \(x.count) values cannot fill \(batches) batches")
        var means = [Double](); means.reserveCapacity(batches)
        for b in 0..<batches {
            var s = 0.0
            for i in (b * size)..<((b + 1) * size) { s += x[i] }
            means.append(s / Double(size))
        }
        let varMeans = Stats.variance(means)
        let varX = Stats.variance(x)
        return BatchMeans(mean: Stats.mean(x), standardError: (varMeans / Double(batches)).squareRoot(),
                          batches: batches, batchSize: size,
                          impliedIAT: varX > 0 ? Double(size) * varMeans / varX : 1)
    }

    // MARK: - Mode switches

    /// Which mode's core a point is in: the index of the first centre within `radius`, or nil in the
    /// space between cores. `point` is `dimension` consecutive entries of `flat` starting at `offset`.
    public static func coreLabel(_ flat: UnsafeBufferPointer<Double>, offset: Int, dimension: Int,
                                 centres: [[Double]], radius: Double) -> Int? {
        let r2 = radius * radius
        for (k, c) in centres.enumerated() {
            var d2 = 0.0
            for i in 0..<dimension { let e = flat[offset + i] - c[i]; d2 += e * e }
            if d2 < r2 { return k }
        }
        return nil
    }

    /// Core labels of every state of a flat trace (row t = entries t·d ..< (t+1)·d).
    public static func coreLabels(trace: [Double], dimension: Int, centres: [[Double]], radius: Double) -> [Int?] {
        precondition(dimension > 0 && trace.count % dimension == 0, "coreLabels: trace length is not a multiple of the dimension")
        return trace.withUnsafeBufferPointer { p in
            (0..<(trace.count / dimension)).map { coreLabel(p, offset: $0 * dimension, dimension: dimension, centres: centres, radius: radius) }
        }
    }

    /// Switches between modes along a chain, with hysteresis: a switch is counted when the chain
    /// enters the core of a mode other than the last core it visited (states between cores, label
    /// nil, keep the previous mode), so jitter at a boundary is not counted.
    public struct ModeSwitches: Sendable {
        /// Number of switches.
        public let count: Int
        /// Steps at which each switch happened.
        public let times: [Int]
        /// Chain length in steps.
        public let steps: Int
        /// Distinct cores visited.
        public let modesVisited: Int
        /// Mean steps between switches, steps / count (∞ when the chain never switched).
        public var meanInterval: Double { count == 0 ? .infinity : Double(steps) / Double(count) }
    }

    public static func modeSwitches(_ labels: [Int?]) -> ModeSwitches {
        var current: Int? = nil
        var times = [Int]()
        var visited = Set<Int>()
        for (t, l) in labels.enumerated() {
            guard let l else { continue }
            visited.insert(l)
            if let c = current, c != l { times.append(t) }
            current = l
        }
        return ModeSwitches(count: times.count, times: times, steps: labels.count, modesVisited: visited.count)
    }
}

/// The outcome of a chain run with divergence detection.
public struct ChainRun: Sendable {
    /// States in row-major order (row t = state after step t + 1), up to the last finite state.
    public var trace: [Double]
    public let dimension: Int
    /// The step (1-based) at which the state left the finite range, or nil when the run completed.
    public let divergedAt: Int?
    public var steps: Int { trace.count / max(dimension, 1) }
    /// Coordinate `i` of every recorded state.
    public func coordinate(_ i: Int) -> [Double] { stride(from: i, to: trace.count, by: dimension).map { trace[$0] } }
}

extension OverdampedLangevin {
    /// Runs `steps` steps from `start`, recording every `thin`-th state, and stops at the first
    /// state with a coordinate beyond `limit` in magnitude (or not finite): a divergent chain is
    /// reported as such (`divergedAt`) instead of filling the trace with ∞ and NaN.
    public func run(from start: [Double], steps: Int, thin: Int = 1, limit: Double = 1e150,
                    score: ([Double]) -> [Double], rng: inout Xoshiro256) -> ChainRun {
        precondition(thin >= 1, "run: thin must be ≥ 1")
        var x = start
        let d = start.count
        var trace = [Double]()
        trace.reserveCapacity((steps / thin) * d)
        var t = 0
        while t < steps {
            t += 1
            step(&x, score: score, rng: &rng)
            var ok = true
            for v in x where !(abs(v) <= limit) { ok = false; break }
            if !ok { return ChainRun(trace: trace, dimension: d, divergedAt: t) }
            if t % thin == 0 { trace.append(contentsOf: x) }
        }
        return ChainRun(trace: trace, dimension: d, divergedAt: nil)
    }
}

extension UnderdampedLangevin {
    /// Runs `steps` A-B-O-B-A steps in Double from (y, v), recording y (and optionally v) every
    /// `thin`-th step; stops at the first non-finite or huge state (`divergedAt`).
    public func run(y start: [Double], v startVelocity: [Double]? = nil, steps: Int, thin: Int = 1,
                    limit: Double = 1e150, recordVelocity: Bool = false,
                    score: (_ y: [Double], _ into: inout [Double]) -> Void,
                    rng: inout Xoshiro256) -> (positions: ChainRun, velocities: ChainRun?) {
        precondition(thin >= 1, "run: thin must be ≥ 1")
        let d = start.count
        var y = start, v = startVelocity ?? [Double](repeating: 0, count: d), noise = [Double](repeating: 0, count: d)
        var ty = [Double](), tv = [Double]()
        ty.reserveCapacity((steps / thin) * d)
        if recordVelocity { tv.reserveCapacity((steps / thin) * d) }
        var diverged: Int? = nil
        var t = 0
        while t < steps {
            t += 1
            step(y: &y, v: &v, noise: &noise, score: score, rng: &rng)
            var ok = true
            for i in 0..<d where !(abs(y[i]) <= limit && abs(v[i]) <= limit) { ok = false; break }
            if !ok { diverged = t; break }
            if t % thin == 0 {
                ty.append(contentsOf: y)
                if recordVelocity { tv.append(contentsOf: v) }
            }
        }
        return (ChainRun(trace: ty, dimension: d, divergedAt: diverged),
                recordVelocity ? ChainRun(trace: tv, dimension: d, divergedAt: diverged) : nil)
    }
}
