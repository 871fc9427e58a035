import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// One step of a Langevin integrator over a flat batched state (THEORY T1.8): any number of chains
/// laid out back to back, `score` filling its second argument with ∇log p at its first. `force` is
/// the integrator's cache of the last score values: pass [] at the start (or after editing y).
/// Friction convention (stated once): every underdamped type is built from δ and the effective
/// friction γδ, the quantity the discrete chain actually sees; γ = γδ/δ.
public protocol LangevinIntegrator: Sendable {
    var name: String { get }
    var step: Double { get }
    func step<S: BLASScalar>(y: inout [S], v: inout [S], force: inout [S],
                             score: (_ y: [S], _ into: inout [S]) -> Void, rng: inout Xoshiro256)
}

/// A standard Gaussian pair by Box–Muller, in the order of `Xoshiro256.fillGaussian`.
@inlinable func gaussianPair(_ rng: inout Xoshiro256) -> (Double, Double) {
    let r = (-2 * log(rng.uniformPositive())).squareRoot()
    let theta = 2 * Double.pi * rng.uniform()
    return (r * cos(theta), r * sin(theta))
}

/// A-B-O-B-A (Sachs, Leimkuhler & Danos 2017): `UnderdampedLangevin` itself, one score call per step.
public struct ABOBA: LangevinIntegrator {
    public let base: UnderdampedLangevin
    public var name: String { "aboba" }
    public var step: Double { base.step }
    public init(step: Double, effectiveFriction: Double, inverseMass: Double = 1) {
        base = UnderdampedLangevin(step: step, effectiveFriction: effectiveFriction, inverseMass: inverseMass)
    }
    public func step<S: BLASScalar>(y: inout [S], v: inout [S], force: inout [S],
                                    score: (_ y: [S], _ into: inout [S]) -> Void, rng: inout Xoshiro256) {
        base.step(y: &y, v: &v, noise: &force, score: score, rng: &rng)
    }
}

/// B-A-O-A-B (Leimkuhler & Matthews 2013): v += (uδ/2)ψ; y += (δ/2)v; v ← e v + √(u(1−e²)) ε;
/// y += (δ/2)v; ψ ← ∇log p(y); v += (uδ/2)ψ. The closing ψ is cached in `force` and opens the next
/// step, so one score call per step after the first.
public struct BAOAB: LangevinIntegrator {
    public let step: Double, effectiveFriction: Double, inverseMass: Double
    public var name: String { "baoab" }
    public init(step: Double, effectiveFriction: Double, inverseMass: Double = 1) {
        precondition(step > 0 && effectiveFriction >= 0 && inverseMass > 0, "BAOAB: need δ > 0, γδ ≥ 0, u > 0")
        self.step = step; self.effectiveFriction = effectiveFriction; self.inverseMass = inverseMass
    }
    public func step<S: BLASScalar>(y: inout [S], v: inout [S], force: inout [S],
                                    score: (_ y: [S], _ into: inout [S]) -> Void, rng: inout Xoshiro256) {
        precondition(y.count == v.count, "BAOAB: y and v differ in length")
        let n = y.count
        if force.count != n { force = [S](repeating: 0, count: n); score(y, &force) }
        let kick = S(inverseMass * step / 2), half = S(step / 2)
        let e = exp(-effectiveFriction), decay = S(e), scale = S((inverseMass * (1 - e * e)).squareRoot())
        func baoa(_ k: Int, _ z: Double) {
            v[k] += kick * force[k]; y[k] += half * v[k]
            v[k] = decay * v[k] + scale * S(z); y[k] += half * v[k]
        }
        var i = 0
        while i < n {  // Box–Muller pairs, in the order of the naive twin
            let pair = gaussianPair(&rng)
            baoa(i, pair.0)
            if i + 1 < n { baoa(i + 1, pair.1) }
            i += 2
        }
        score(y, &force)
        for k in 0..<n { v[k] += kick * force[k] }
    }
}

/// Cheng, Chatterji, Bartlett & Jordan (2018): the force ψ = ∇log p(y) at the step's start is held
/// fixed and the rest, the Ornstein–Uhlenbeck part, is integrated exactly over δ (`OUCoefficients`),
/// with one correlated Gaussian pair (N_y, N_v) per coordinate. One score call per step.
public struct ChengOU: LangevinIntegrator {
    public let step: Double, effectiveFriction: Double, inverseMass: Double
    public let ou: OUCoefficients
    public var name: String { "cheng" }
    public init(step: Double, effectiveFriction: Double, inverseMass: Double = 1) {
        precondition(step > 0 && effectiveFriction > 0 && inverseMass > 0, "ChengOU: need δ > 0, γδ > 0, u > 0")
        self.step = step; self.effectiveFriction = effectiveFriction; self.inverseMass = inverseMass
        ou = OUCoefficients(time: step, friction: effectiveFriction / step, inverseMass: inverseMass)
    }
    public func step<S: BLASScalar>(y: inout [S], v: inout [S], force: inout [S],
                                    score: (_ y: [S], _ into: inout [S]) -> Void, rng: inout Xoshiro256) {
        precondition(y.count == v.count, "ChengOU: y and v differ in length")
        if force.count != y.count { force = [S](repeating: 0, count: y.count) }
        score(y, &force)
        let c = ou.cholesky, u = inverseMass
        for k in y.indices {
            let (z1, z2) = gaussianPair(&rng)
            let g = Double(force[k]), y0 = Double(y[k]), v0 = Double(v[k])
            y[k] = S(y0 + ou.phi * v0 + u * ou.psi * g + c.yv * z1 + c.yy * z2)
            v[k] = S(ou.decay * v0 + u * ou.phi * g + c.vv * z1)
        }
    }
}

/// Overdamped Langevin as an integrator (v is left untouched): y ← y + h ψ + √(2h) ε, one score call
/// per step; the Gaussians are drawn in Box–Muller pairs. The lecture's walk-jump uses h = 1 on the
/// smoothed density.
public struct Overdamped: LangevinIntegrator {
    public let step: Double
    public var name: String { "overdamped" }
    public init(step: Double) { precondition(step > 0, "Overdamped: need h > 0"); self.step = step }
    public func step<S: BLASScalar>(y: inout [S], v: inout [S], force: inout [S],
                                    score: (_ y: [S], _ into: inout [S]) -> Void, rng: inout Xoshiro256) {
        let n = y.count
        if force.count != n { force = [S](repeating: 0, count: n) }
        score(y, &force)
        let h = S(step), noise = S((2 * step).squareRoot())
        var i = 0
        while i < n {
            let pair = gaussianPair(&rng)
            y[i] += h * force[i] + noise * S(pair.0)
            if i + 1 < n { y[i + 1] += h * force[i + 1] + noise * S(pair.1) }
            i += 2
        }
    }
}

/// The randomized midpoint method (Shen & Lee 2019) for underdamped Langevin. Per chain and step
/// α ~ U(0, 1); the midpoint y(αδ) comes from the exact OU solution with the start's force ψ₀, and
/// the step uses the force there, ψ_α, as an unbiased one-point estimate of the force integrals:
///
///     y' = y + φ(δ) v + u δ φ(δ − αδ) ψ_α + N_y(δ),   v' = e^{−γδ} v + u δ e^{−γ(δ−αδ)} ψ_α + N_v(δ),
///
/// with one Brownian path: (N_y, N_v)(αδ) drawn first (`OUCoefficients(time: αδ)`), then carried to δ
/// by the OU flow plus an independent pair over δ − αδ. Two score calls per step. `dimension` is the
/// number of coordinates per chain (the flat state is chain-major), so chains draw their own α.
public struct RandomizedMidpoint: LangevinIntegrator {
    public let step: Double, effectiveFriction: Double, inverseMass: Double, dimension: Int
    public var name: String { "midpoint" }
    public init(step: Double, effectiveFriction: Double, inverseMass: Double = 1, dimension: Int) {
        precondition(step > 0 && effectiveFriction > 0 && inverseMass > 0 && dimension > 0,
                     "RandomizedMidpoint: need δ > 0, γδ > 0, u > 0, dimension > 0")
        self.step = step; self.effectiveFriction = effectiveFriction; self.inverseMass = inverseMass; self.dimension = dimension
    }
    /// The order of random numbers per step: α for every chain, then one pair per coordinate for
    /// [0, αδ], then (after the midpoint score) one pair per coordinate for [αδ, δ].
    public func step<S: BLASScalar>(y: inout [S], v: inout [S], force: inout [S],
                                    score: (_ y: [S], _ into: inout [S]) -> Void, rng: inout Xoshiro256) {
        precondition(y.count == v.count && y.count % dimension == 0, "RandomizedMidpoint: state is not chains × dimension")
        let n = y.count, gamma = effectiveFriction / step, u = inverseMass
        if force.count != n { force = [S](repeating: 0, count: n) }
        let alphas = (0..<(n / dimension)).map { _ in rng.uniform() }
        let first = alphas.map { OUCoefficients(time: $0 * step, friction: gamma, inverseMass: u) }
        let rest = alphas.map { OUCoefficients(time: (1 - $0) * step, friction: gamma, inverseMass: u) }
        let full = OUCoefficients(time: step, friction: gamma, inverseMass: u)
        score(y, &force)
        var mid = y, ny = [Double](repeating: 0, count: n), nv = ny
        for k in 0..<n {
            let o = first[k / dimension], c = o.cholesky, (z1, z2) = gaussianPair(&rng)
            ny[k] = c.yv * z1 + c.yy * z2; nv[k] = c.vv * z1
            mid[k] = S(Double(y[k]) + o.phi * Double(v[k]) + u * o.psi * Double(force[k]) + ny[k])
        }
        score(mid, &force)
        for k in 0..<n {
            let o = rest[k / dimension], c = o.cholesky, (z1, z2) = gaussianPair(&rng)
            let g = Double(force[k]), y0 = Double(y[k]), v0 = Double(v[k])
            y[k] = S(y0 + full.phi * v0 + u * step * o.phi * g + ny[k] + o.phi * nv[k] + c.yv * z1 + c.yy * z2)
            v[k] = S(full.decay * v0 + u * step * o.decay * g + o.decay * nv[k] + c.vv * z1)
        }
    }
}

/// The integrators by the names chapters give them (--integrator): one type per scheme.
public enum LangevinIntegratorName: String, CaseIterable, Sendable {
    case aboba, baoab, cheng, midpoint, overdamped

    /// Score calls per step: two for the randomized midpoint, one for the others (B-A-O-A-B after its first).
    public var scoreCallsPerStep: Int { self == .midpoint ? 2 : 1 }

    /// The integrator at step δ and effective friction γδ; `step` is h for overdamped Langevin, and
    /// `dimension` is the number of coordinates per chain of the chain-major state (the randomized
    /// midpoint draws one α per chain).
    public func make(step: Double, effectiveFriction gd: Double, inverseMass u: Double = 1, dimension: Int = 1) -> any LangevinIntegrator {
        switch self {
        case .aboba: return ABOBA(step: step, effectiveFriction: gd, inverseMass: u)
        case .baoab: return BAOAB(step: step, effectiveFriction: gd, inverseMass: u)
        case .cheng: return ChengOU(step: step, effectiveFriction: gd, inverseMass: u)
        case .midpoint: return RandomizedMidpoint(step: step, effectiveFriction: gd, inverseMass: u, dimension: dimension)
        case .overdamped: return Overdamped(step: step)
        }
    }
}
