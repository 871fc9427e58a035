import NumericCore

/// Walks in R^{Md} (THEORY T4.7): many independent underdamped-Langevin chains on an M-density, run as
/// one flat batch so that a GPS score can serve all chains per step, with the measurement-mean (ȳ)
/// trace and the difference-direction statistics recorded.
///
/// Layout: chain c's state y ∈ R^{Md} is `state[c*M*d ..< (c+1)*M*d]`, measurement-major
/// (y_m = entries m*d ..< (m+1)*d).
public enum MeasurementChain {
    /// The record of a run.
    public struct Record: Sendable {
        public let measurements: Int
        public let dataDimension: Int
        public let chains: Int
        /// Steps recorded per chain (after burn-in).
        public let recordedSteps: Int
        /// ȳ traces: `meanTraces[c][t*d + i]` is coordinate i of ȳ at recorded step t of chain c.
        public let meanTraces: [[Double]]
        /// Per chain, the average over recorded steps of Σ_m ‖y_m − ȳ‖² / ((M−1)d): the variance of the
        /// state along the (M−1)d orthonormal difference directions (exactly σ² at stationarity; NaN for M = 1).
        public let differenceVariance: [Double]
        /// Per chain, the same average for the velocity, Σ_m ‖v_m − v̄‖² / ((M−1)d), at the end of each step.
        /// For a quadratic energy with curvature 1/σ² the A-B-O-B-A scheme leaves it at u/(1 − uδ²/(4σ²)), not u
        /// (`abobaVelocityVariance`). NaN for M = 1.
        public let differenceVelocityVariance: [Double]

        /// Coordinate i of chain c's ȳ trace.
        public func meanTrace(chain c: Int, coordinate i: Int) -> [Double] {
            (0..<recordedSteps).map { meanTraces[c][$0 * dataDimension + i] }
        }

        /// ȳ of chain c at recorded step t.
        public func mean(chain c: Int, step t: Int) -> [Double] {
            Array(meanTraces[c][t * dataDimension ..< (t + 1) * dataDimension])
        }
    }

    /// Runs `start.count` chains for `burnIn + steps` steps of `integrator` from the given positions
    /// (velocities 0) and records the last `steps`. `score` fills its second argument with the scores of
    /// all chains at once (the batch layout above).
    public static func run(start: [[Double]], measurements M: Int, integrator: UnderdampedLangevin,
                           steps: Int, burnIn: Int,
                           score: (_ y: [Double], _ into: inout [Double]) -> Void,
                           using rng: inout Xoshiro256) -> Record {
        let chains = start.count
        precondition(chains >= 1 && steps >= 1 && burnIn >= 0, "MeasurementChain.run: need chains, steps ≥ 1")
        let n = start[0].count
        precondition(n % M == 0 && start.allSatisfy { $0.count == n }, "MeasurementChain.run: states must have M·d entries")
        let d = n / M
        var y = start.flatMap { $0 }
        var v = [Double](repeating: 0, count: y.count), noise = [Double](repeating: 0, count: y.count)
        var traces = [[Double]](repeating: [], count: chains)
        for c in 0..<chains { traces[c].reserveCapacity(steps * d) }
        var spread = [Double](repeating: 0, count: chains), velocitySpread = [Double](repeating: 0, count: chains)
        var means = [Double](repeating: 0, count: chains * d), vbars = [Double](repeating: 0, count: chains * d)
        for t in 0..<(burnIn + steps) {
            integrator.step(y: &y, v: &v, noise: &noise, score: score, rng: &rng)
            guard t >= burnIn else { continue }
            y.withUnsafeBufferPointer { p in means.withUnsafeMutableBufferPointer { MeasurementMean.compute(p, measurements: M, batch: chains, into: $0) } }
            if M > 1 {
                v.withUnsafeBufferPointer { p in vbars.withUnsafeMutableBufferPointer { MeasurementMean.compute(p, measurements: M, batch: chains, into: $0) } }
            }
            for c in 0..<chains {
                let base = c * n, mc = c * d
                traces[c].append(contentsOf: means[mc..<(mc + d)])
                if M > 1 {
                    var s = 0.0
                    for m in 0..<M { for i in 0..<d { let e = y[base + m * d + i] - means[mc + i]; s += e * e } }
                    spread[c] += s
                    var sv = 0.0
                    for m in 0..<M { for i in 0..<d { let e = v[base + m * d + i] - vbars[mc + i]; sv += e * e } }
                    velocitySpread[c] += sv
                }
            }
        }
        let norm = Double(steps * (M - 1) * d)
        return Record(measurements: M, dataDimension: d, chains: chains, recordedSteps: steps, meanTraces: traces,
                      differenceVariance: spread.map { M > 1 ? $0 / norm : .nan },
                      differenceVelocityVariance: velocitySpread.map { M > 1 ? $0 / norm : .nan })
    }

    /// Stationary variances of A-B-O-B-A (step δ, inverse mass u, any friction) for the quadratic energy
    /// y²/(2s²), from the 2×2 stationary covariance equation Σ = T Σ Tᵀ + noise of the linear one-step map:
    /// the position variance is exactly s² (no step-size bias), the end-of-step velocity variance is
    /// u/(1 − uδ²/(4s²)). Stable for uδ² < 4s².
    public static func abobaStationaryVariances(variance s2: Double, step: Double, inverseMass u: Double) -> (position: Double, velocity: Double) {
        (s2, u / (1 - u * step * step / (4 * s2)))
    }

    /// Orthonormal (Helmert) coordinates of y ∈ R^{Md}: block 0 is z = √M ȳ (the mean direction), block j
    /// (j = 1…M−1) is (Σ_{m<j} y_m − j y_j)/√(j(j+1)), one of the (M−1) difference directions. The map
    /// is orthogonal, so ‖coordinates‖ = ‖y‖, and the difference blocks do not depend on ȳ.
    public static func helmertCoordinates(_ y: [Double], measurements M: Int) -> [Double] {
        precondition(M >= 1 && y.count % M == 0, "helmertCoordinates: \(y.count) entries, M = \(M)")
        let d = y.count / M
        var out = [Double](repeating: 0, count: y.count)
        var prefix = [Double](repeating: 0, count: d)
        for i in 0..<d { prefix[i] = y[i] }
        for j in 1..<max(1, M) {
            let scale = 1 / (Double(j) * Double(j + 1)).squareRoot()
            for i in 0..<d {
                out[j * d + i] = (prefix[i] - Double(j) * y[j * d + i]) * scale
                prefix[i] += y[j * d + i]
            }
        }
        let root = 1 / Double(M).squareRoot()
        for i in 0..<d { out[i] = prefix[i] * root }
        return out
    }

    /// The step size, friction and inverse mass that give member M of a class the ȳ-dynamics of the
    /// single-measurement member run with (δ₁, γ₁, u = 1) (THEORY T4.7; derivation in chapter 4):
    /// the ȳ-chain of an A-B-O-B-A walk in R^{Md} is an A-B-O-B-A walk on p_{σ_eff} with inverse mass u/M.
    public enum Rescaling: String, Sendable, CaseIterable {
        /// Same δ, γ, u for every M (no rescaling): ȳ sees inverse mass 1/M and slows down.
        case fixed
        /// δ_M = √M δ₁, γ_M = γ₁/√M (effective friction γδ unchanged), u = 1: exact in discrete time
        /// under the map v̄ ↦ √M v̄. Equivalent to δ ∝ σ within a class.
        case stepSqrtM
        /// u_M = M (δ, γ unchanged): ȳ then sees inverse mass 1 exactly.
        case massM

        public func integrator(measurements M: Int, step: Double, friction: Double) -> UnderdampedLangevin {
            let r = Double(M).squareRoot()
            switch self {
            case .fixed: return UnderdampedLangevin(step: step, friction: friction, inverseMass: 1)
            case .stepSqrtM: return UnderdampedLangevin(step: step * r, friction: friction / r, inverseMass: 1)
            case .massM: return UnderdampedLangevin(step: step, friction: friction, inverseMass: Double(M))
            }
        }
    }
}
