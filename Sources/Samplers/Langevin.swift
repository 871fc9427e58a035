import NumericCore

/// Overdamped (unadjusted) Langevin, THEORY §1: x ← x + h ∇log p(x) + √(2h) ε.
public struct OverdampedLangevin: Sendable {
    /// The step h.
    public let step: Double
    public init(step: Double) {
        precondition(step > 0, "Langevin step must be positive")
        self.step = step
    }

    /// One step in place; `score` returns ∇log p at its argument.
    @inlinable
    public func step(_ x: inout [Double], score: ([Double]) -> [Double], rng: inout Xoshiro256) {
        let g = score(x)
        let noise = (2 * step).squareRoot()
        for i in x.indices { x[i] += step * g[i] + noise * rng.gaussian() }
    }
}

/// Underdamped Langevin discretised with the A-B-O-B-A splitting of THEORY §1 (Sachs, Leimkuhler &
/// Danos 2017), as in walk-jump sampling code: step δ, friction γ, inverse mass u, one score call per
/// step. Generic over Float (image chains) and Double (theory checks).
///
///     y ← y + (δ/2) v;  ψ ← ∇log p(y);  v ← v + (uδ/2) ψ
///     v ← e^{−γδ} v + √(u(1 − e^{−2γδ})) ε;  v ← v + (uδ/2) ψ;  y ← y + (δ/2) v
public struct UnderdampedLangevin: Sendable {
    /// δ, the step.
    public let step: Double
    /// γ, the friction (only γδ matters: the "effective friction").
    public let friction: Double
    /// u, the inverse mass.
    public let inverseMass: Double

    public init(step: Double, friction: Double, inverseMass: Double = 1) {
        precondition(step > 0 && friction >= 0 && inverseMass > 0, "UnderdampedLangevin: need δ > 0, γ ≥ 0, u > 0")
        self.step = step; self.friction = friction; self.inverseMass = inverseMass
    }

    /// Builds the integrator from the effective friction γδ (as walk-jump code specifies it).
    public init(step: Double, effectiveFriction: Double, inverseMass: Double = 1) {
        self.init(step: step, friction: effectiveFriction / step, inverseMass: inverseMass)
    }

    /// e^{−γδ}: the velocity's memory over one O step.
    public var velocityDecay: Double { exp(-friction * step) }
    /// √(u(1 − e^{−2γδ})): the O step's noise scale.
    public var velocityNoise: Double { (inverseMass * (1 - exp(-2 * friction * step))).squareRoot() }

    /// One A-B-O-B-A step in place for a flat state (any batch layout); `score` fills its second
    /// argument with ∇log p at its first. `scratch` holds ψ and is reused across steps (no allocation).
    /// The O step's Gaussians are drawn in Box–Muller pairs, in the same order as
    /// `Xoshiro256.fillGaussian`, so runs are reproducible from the seed.
    @inlinable
    public func step<S: BLASScalar>(y: inout [S], v: inout [S], noise scratch: inout [S],
                                    score: (_ y: [S], _ into: inout [S]) -> Void, rng: inout Xoshiro256) {
        precondition(y.count == v.count, "UnderdampedLangevin: y and v differ in length")
        if scratch.count != y.count { scratch = [S](repeating: 0, count: y.count) }
        let halfStep = S(step / 2), kick = S(inverseMass * step / 2)
        let decay = S(velocityDecay), scale = S(velocityNoise)
        let n = y.count
        y.withUnsafeMutableBufferPointer { py in v.withUnsafeBufferPointer { pv in for i in 0..<n { py[i] += halfStep * pv[i] } } }
        score(y, &scratch)
        v.withUnsafeMutableBufferPointer { pv in
            scratch.withUnsafeBufferPointer { psi in
                var i = 0
                while i < n {
                    let r = (-2 * log(rng.uniformPositive())).squareRoot()
                    let theta = 2 * Double.pi * rng.uniform()
                    let pair = (S(r * cos(theta)), S(r * sin(theta)))
                    pv[i] = decay * (pv[i] + kick * psi[i]) + scale * pair.0 + kick * psi[i]
                    if i + 1 < n { pv[i + 1] = decay * (pv[i + 1] + kick * psi[i + 1]) + scale * pair.1 + kick * psi[i + 1] }
                    i += 2
                }
            }
        }
        y.withUnsafeMutableBufferPointer { py in v.withUnsafeBufferPointer { pv in for i in 0..<n { py[i] += halfStep * pv[i] } } }
    }
}

#if canImport(Glibc)
import Glibc
#endif
