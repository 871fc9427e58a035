// Walk-jump sampling of a GPS-parametrised M-density (THEORY §1, §4, §5), batched over chains.
//
// State: B independent chains, each y = (y_1, …, y_M) ∈ R^{Md}, stored as one flat Float array in
// [m][b][i] order (measurement-major), with velocities v of the same layout.
//
// Walk (one step = one network call for all B chains and any M): underdamped Langevin, A-B-O-B-A,
//     y ← y + (δ/2) v
//     ψ_m ← (ν(ȳ) − y_m)/σ²            GPS score, ȳ = (1/M) Σ_m y_m, ν called once on the B means
//     v ← v + (uδ/2) ψ;  v ← e^{−γδ} v + √(u(1 − e^{−2γδ})) ε;  v ← v + (uδ/2) ψ
//     y ← y + (δ/2) v
// B-A-O-A-B is fused the same way; the other integrators of `LangevinIntegratorName` (Cheng's, the
// randomized midpoint, overdamped) run through their generic step on a chain-major copy.
// Jump: x̂ = ν(ȳ) at the current state. Jumps never feed back into the chain.
import NumericCore

/// How the chains start.
public enum WalkJumpStart: Sendable {
    /// y₀ = U(0,1)^d + σε drawn once per chain and copied into every measurement (walk-jump code).
    case uniformPlusNoiseCopied
    /// y_m = U(0,1)^d + σε_m with independent noise per measurement.
    case uniformPlusNoiseIndependent
    /// Given means ȳ (B rows of d), an exact draw of y | ȳ, and v ~ N(0, u I): y_m = ȳ + σ(ε_m − ε̄).
    /// Under any M-density (data or GPS model) the differences y_m − ȳ are independent of ȳ and
    /// Gaussian with precision 1/σ² (T4.1, T4.7), so an equilibrated ȳ of one member of a class
    /// (ȳ has the law of X + σ_eff ε for every member, T4.1) starts any other member at its
    /// stationary law in y. N(0, u I) is the A-B-O-B-A velocity law at mid-step only; at the end of a
    /// step it is u/(1 − δ²λu/4) along a Gaussian direction of precision λ — u/(1 − uδ²/(4σ²)) along
    /// the difference directions, 16u/15 at δ = σ/2 (T1.6) — so the start is exact in y and within a
    /// few per cent in v, a gap the O step's friction closes within a few steps.
    case givenMeans([Float])
}

/// Settings of one walk-jump run: the member (M, σ) and the integrator. A-B-O-B-A (Sachs et al.
/// 2017; the published walk-jump) and B-A-O-A-B (Leimkuhler & Matthews 2013: smaller position bias,
/// and the step's closing force is the next step's first kick and the jump's ν(ȳ)) have fused fast
/// paths; both call ν once per step and are exact in position for a Gaussian density.
public struct WalkJumpConfiguration: Sendable, CustomStringConvertible {
    public var measurements: Int
    public var sigma: Double
    /// δ; the published rule is δ = σ/2.
    public var step: Double
    /// γδ, the effective friction.
    public var effectiveFriction: Double
    /// u, the inverse mass.
    public var inverseMass: Double
    public var integrator: LangevinIntegratorName

    public init(measurements: Int, sigma: Double, step: Double? = nil, effectiveFriction: Double = 1, inverseMass: Double = 1,
                integrator: LangevinIntegratorName = .aboba) {
        precondition(measurements >= 1 && sigma > 0, "WalkJumpConfiguration: need M ≥ 1, σ > 0")
        self.measurements = measurements; self.sigma = sigma; self.integrator = integrator
        self.step = step ?? sigma / 2
        self.effectiveFriction = effectiveFriction; self.inverseMass = inverseMass
        precondition(self.step > 0 && effectiveFriction > 0 && inverseMass > 0, "WalkJumpConfiguration: need δ, γδ, u > 0")
    }

    /// σ_eff = σ/√M, the class this member belongs to.
    public var sigmaEff: Double { sigma / Double(measurements).squareRoot() }

    /// The A-B-O-B-A integrator with these δ, γδ and u (its O step is every underdamped splitting's).
    public var underdamped: UnderdampedLangevin {
        UnderdampedLangevin(step: step, effectiveFriction: effectiveFriction, inverseMass: inverseMass)
    }

    /// The integrator's own step: δ, except for overdamped Langevin, which walks at h = δ²/2, the step
    /// A-B-O-B-A reduces to at high friction (y ← y + (δ²/2)ψ + δ ε).
    public var integratorStep: Double { integrator == .overdamped ? step * step / 2 : step }

    /// The configured integrator as a generic `LangevinIntegrator` for chain-major states of
    /// `dimension` = M·d coordinates per chain.
    public func langevinIntegrator(dimension: Int) -> any LangevinIntegrator {
        integrator.make(step: integratorStep, effectiveFriction: effectiveFriction, inverseMass: inverseMass, dimension: dimension)
    }

    public var description: String { "(M=\(measurements), σ=\(sigma), δ=\(step), γδ=\(effectiveFriction), \(integrator.rawValue))" }
}

/// B walk-jump chains sharing one denoiser ν: R^d → R^d (batched: `denoise(input, count)` maps
/// `count` rows of d Floats to `count` rows of d Floats).
public final class WalkJumpSampler {
    public typealias Denoiser = (_ input: [Float], _ count: Int) -> [Float]

    public let configuration: WalkJumpConfiguration
    public let chains: Int
    public let dimension: Int
    public let denoiser: Denoiser
    /// Positions, [m][b][i] layout (M·B·d Floats).
    public private(set) var y: [Float]
    /// Velocities, same layout.
    public private(set) var v: [Float]
    public private(set) var stepCount = 0
    /// Wall time spent inside ν during `step()` and in the walk's own arithmetic (drifts, kicks,
    /// the O-step noise, the mean ȳ), summed over all steps.
    public private(set) var networkSeconds = 0.0
    public private(set) var walkSeconds = 0.0
    private var noise: [Float]
    private var ybar: [Float]
    /// B-A-O-A-B: ν(ȳ) at the current state (nil until first needed, and after `setState`).
    private var cachedNu: [Float]?
    /// Cheng's, the randomized midpoint or overdamped Langevin (nil for the fused splittings), and
    /// its score cache, chain-major (empty until first needed, and after `setState`).
    private let generic: (any LangevinIntegrator)?
    private var genericForce: [Float] = []

    /// Starts B chains from `start` (v = 0 unless the start draws it), drawing from `rng`.
    public init(configuration: WalkJumpConfiguration, chains: Int, dimension: Int,
                start: WalkJumpStart = .uniformPlusNoiseCopied, rng: inout Xoshiro256, denoiser: @escaping Denoiser) {
        precondition(chains >= 1 && dimension >= 1, "WalkJumpSampler: need ≥ 1 chain of dimension ≥ 1")
        self.configuration = configuration; self.chains = chains; self.dimension = dimension; self.denoiser = denoiser
        generic = configuration.integrator == .aboba || configuration.integrator == .baoab
            ? nil : configuration.langevinIntegrator(dimension: configuration.measurements * dimension)
        let M = configuration.measurements, n = M * chains * dimension, bd = chains * dimension
        let s = Float(configuration.sigma)
        var y0 = [Float](repeating: 0, count: n)
        var v0 = [Float](repeating: 0, count: n)
        switch start {
        case .uniformPlusNoiseCopied:
            var base = (0..<bd).map { _ in Float(rng.uniform()) }
            let e = rng.gaussiansFloat(bd)
            for j in 0..<bd { base[j] += s * e[j] }
            for m in 0..<M { for j in 0..<bd { y0[m * bd + j] = base[j] } }
        case .uniformPlusNoiseIndependent:
            let base = (0..<bd).map { _ in Float(rng.uniform()) }
            let e = rng.gaussiansFloat(n)
            for m in 0..<M { for j in 0..<bd { y0[m * bd + j] = base[j] + s * e[m * bd + j] } }
        case .givenMeans(let means):
            precondition(means.count == bd, "WalkJumpSampler: \(means.count) means given, expected B·d = \(bd)")
            let e = rng.gaussiansFloat(n)
            var eBar = [Float](repeating: 0, count: bd)
            for m in 0..<M { for j in 0..<bd { eBar[j] += e[m * bd + j] / Float(M) } }
            for m in 0..<M { for j in 0..<bd { y0[m * bd + j] = means[j] + s * (e[m * bd + j] - eBar[j]) } }
            v0 = rng.gaussiansFloat(n, mean: 0, std: Float(configuration.inverseMass.squareRoot()))
        }
        y = y0
        v = v0
        noise = [Float](repeating: 0, count: n)
        ybar = [Float](repeating: 0, count: bd)
    }

    /// Replaces the state (e.g. to start from given positions); velocities are reset to 0 unless given.
    public func setState(y newY: [Float], v newV: [Float]? = nil) {
        precondition(newY.count == y.count && (newV == nil || newV!.count == v.count), "setState: wrong length")
        y = newY
        v = newV ?? [Float](repeating: 0, count: y.count)
        cachedNu = nil
        genericForce = []
    }

    /// ȳ for every chain: B rows of d Floats.
    public var mean: [Float] {
        computeMean()
        return ybar
    }

    /// y is measurement-major (y[m·B·d + j]): one point of M measurements of B·d numbers.
    private func computeMean() {
        y.withUnsafeBufferPointer { py in
            ybar.withUnsafeMutableBufferPointer { MeasurementMean.compute(py, measurements: configuration.measurements, into: $0) }
        }
    }

    /// One step of every chain with the configured integrator: one call of ν on B rows (two for the
    /// randomized midpoint).
    public func step(rng: inout Xoshiro256) {
        switch configuration.integrator {
        case .aboba: stepABOBA(rng: &rng)
        case .baoab: stepBAOAB(rng: &rng)
        case .cheng, .midpoint, .overdamped: stepGeneric(generic!, rng: &rng)
        }
        stepCount += 1
    }

    /// ν(ȳ) of the current state, timed as network time.
    private func callDenoiser() -> [Float] {
        var clock = Stopwatch()
        computeMean()
        walkSeconds += clock.seconds
        clock.restart()
        let nu = denoiser(ybar, chains)
        networkSeconds += clock.seconds
        precondition(nu.count == chains * dimension, "WalkJumpSampler: denoiser returned \(nu.count) values, expected \(chains * dimension)")
        return nu
    }

    /// A-B-O-B-A: y ← y + (δ/2)v; ψ = (ν(ȳ) − y_m)/σ²; v ← v + (uδ/2)ψ; O; v ← v + (uδ/2)ψ; y ← y + (δ/2)v.
    private func stepABOBA(rng: inout Xoshiro256) {
        let c = configuration, M = c.measurements, bd = chains * dimension, n = M * bd
        let half = Float(c.step / 2), kick = Float(c.inverseMass * c.step / 2)
        let integ = c.underdamped
        let decay = Float(integ.velocityDecay), scale = Float(integ.velocityNoise)
        let invS2 = Float(1 / (c.sigma * c.sigma))
        var clock = Stopwatch()
        // A: half drift.
        y.withUnsafeMutableBufferPointer { py in v.withUnsafeBufferPointer { pv in for i in 0..<n { py[i] += half * pv[i] } } }
        var walk = clock.seconds
        let nu = callDenoiser()
        clock.restart()
        // O-step noise, then B-O-B fused per element with ψ = (ν − y_m)/σ².
        noise.withUnsafeMutableBufferPointer { rng.fillGaussian($0) }
        y.withUnsafeMutableBufferPointer { py in
            v.withUnsafeMutableBufferPointer { pv in
                noise.withUnsafeBufferPointer { pe in
                    nu.withUnsafeBufferPointer { pn in
                        for m in 0..<M {
                            let o = m * bd
                            for j in 0..<bd {
                                let i = o + j
                                let psi = (pn[j] - py[i]) * invS2
                                var vi = pv[i] + kick * psi
                                vi = decay * vi + scale * pe[i]
                                vi = vi + kick * psi
                                pv[i] = vi
                                py[i] += half * vi  // A: half drift
                            }
                        }
                    }
                }
            }
        }
        walk += clock.seconds
        walkSeconds += walk
    }

    /// B-A-O-A-B: v ← v + (uδ/2)ψ(y); y ← y + (δ/2)v; O; y ← y + (δ/2)v; v ← v + (uδ/2)ψ(y), with ψ of
    /// the new y from one ν call, kept for the next step's first kick.
    private func stepBAOAB(rng: inout Xoshiro256) {
        let c = configuration, M = c.measurements, bd = chains * dimension, n = M * bd
        let half = Float(c.step / 2), kick = Float(c.inverseMass * c.step / 2)
        let integ = c.underdamped
        let decay = Float(integ.velocityDecay), scale = Float(integ.velocityNoise)
        let invS2 = Float(1 / (c.sigma * c.sigma))
        let start = cachedNu ?? callDenoiser()
        var clock = Stopwatch()
        noise.withUnsafeMutableBufferPointer { rng.fillGaussian($0) }
        // B-A-O-A fused per element.
        y.withUnsafeMutableBufferPointer { py in
            v.withUnsafeMutableBufferPointer { pv in
                noise.withUnsafeBufferPointer { pe in
                    start.withUnsafeBufferPointer { pn in
                        for m in 0..<M {
                            let o = m * bd
                            for j in 0..<bd {
                                let i = o + j
                                var vi = pv[i] + kick * (pn[j] - py[i]) * invS2
                                var yi = py[i] + half * vi
                                vi = decay * vi + scale * pe[i]
                                yi += half * vi
                                pv[i] = vi; py[i] = yi
                            }
                        }
                    }
                }
            }
        }
        var walk = clock.seconds
        let nu = callDenoiser()
        clock.restart()
        // B: the closing half kick with the new force.
        y.withUnsafeBufferPointer { py in
            v.withUnsafeMutableBufferPointer { pv in
                nu.withUnsafeBufferPointer { pn in
                    for m in 0..<M { let o = m * bd; for j in 0..<bd { pv[o + j] += kick * (pn[j] - py[o + j]) * invS2 } }
                }
            }
        }
        cachedNu = nu
        walk += clock.seconds
        walkSeconds += walk
    }

    /// Any other integrator: its generic step on the chain-major copy [b][m][i] of the state (the
    /// layout `LangevinIntegrator` expects: the randomized midpoint draws one α per chain), with the
    /// GPS score of `GPSScore.chainMajor`, then back to [m][b][i].
    private func stepGeneric(_ integrator: any LangevinIntegrator, rng: inout Xoshiro256) {
        let c = configuration, M = c.measurements, B = chains, d = dimension
        let clock = Stopwatch()
        var yc = ChainLayout.chainMajor(y, measurements: M, chains: B, dimension: d)
        var vc = ChainLayout.chainMajor(v, measurements: M, chains: B, dimension: d)
        var network = 0.0
        let score: ([Float], inout [Float]) -> Void = { state, out in
            let means = MeasurementMean.of(state, measurements: M, batch: B)
            var t = Stopwatch()
            let nu = self.denoiser(means, B)
            network += t.seconds
            t.restart()
            precondition(nu.count == B * d, "WalkJumpSampler: denoiser returned \(nu.count) values, expected \(B * d)")
            GPSScore.chainMajor(state, nu: nu, measurements: M, chains: B, sigma: c.sigma, into: &out)
        }
        integrator.step(y: &yc, v: &vc, force: &genericForce, score: score, rng: &rng)
        y = ChainLayout.measurementMajor(yc, measurements: M, chains: B, dimension: d)
        v = ChainLayout.measurementMajor(vc, measurements: M, chains: B, dimension: d)
        networkSeconds += network
        walkSeconds += clock.seconds - network
    }

    /// The jump x̂ = ν(ȳ) of every chain at the current state (B rows of d; one network call).
    public func jump() -> [Float] {
        if let nu = cachedNu { return nu }  // B-A-O-A-B: ν(ȳ) of this state is already known
        computeMean()
        return denoiser(ybar, chains)
    }

    /// Runs `steps` steps, jumping every `jumpEvery` steps (and calling `onJump(stepCount, x̂, ȳ)`).
    public func run(steps: Int, jumpEvery: Int, rng: inout Xoshiro256,
                    onJump: (_ step: Int, _ jump: [Float], _ mean: [Float]) -> Void) {
        precondition(jumpEvery >= 1, "WalkJumpSampler.run: jumpEvery must be ≥ 1")
        for _ in 0..<steps {
            step(rng: &rng)
            if stepCount % jumpEvery == 0 {
                let x = jump()
                onJump(stepCount, x, ybar)
            }
        }
    }

    /// Fraction of the walk's wall time spent outside the network (the sampler's own arithmetic).
    public var walkFraction: Double {
        let t = networkSeconds + walkSeconds
        return t > 0 ? walkSeconds / t : 0
    }

    /// Whether every position and velocity is finite.
    public var isFinite: Bool {
        for a in y where !a.isFinite { return false }
        for a in v where !a.isFinite { return false }
        return true
    }

    /// Per chain, the variance of the (M − 1)d "difference directions" y_m − ȳ (THEORY T4.7: exactly
    /// σ² at stationarity): Σ_m ‖y_m − ȳ‖² / ((M − 1) d), averaged over chains. NaN for M = 1.
    public var differenceVariance: Double {
        let M = configuration.measurements, bd = chains * dimension
        guard M > 1 else { return .nan }
        computeMean()
        var s = 0.0
        for m in 0..<M { for j in 0..<bd { let d = Double(y[m * bd + j] - ybar[j]); s += d * d } }
        return s / Double((M - 1) * bd)
    }
}
