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
    /// argument with ∇log p at its first. `noise` is a scratch buffer the caller may reuse.
    @inlinable
    public func step<S: BinaryFloatingPoint>(y: inout [S], v: inout [S], noise: inout [S],
                                             score: (_ y: [S], _ into: inout [S]) -> Void, rng: inout Xoshiro256)
        where S: BLASScalar {
        precondition(y.count == v.count, "UnderdampedLangevin: y and v differ in length")
        if noise.count != y.count { noise = [S](repeating: 0, count: y.count) }
        let halfStep = S(step / 2), kick = S(inverseMass * step / 2)
        let decay = S(velocityDecay), scale = S(velocityNoise)
        let n = y.count
        y.withUnsafeMutableBufferPointer { py in v.withUnsafeBufferPointer { pv in for i in 0..<n { py[i] += halfStep * pv[i] } } }
        var psi = noise  // reuse storage shape; overwritten by `score`
        score(y, &psi)
        fillGaussian(&noise, rng: &rng)
        v.withUnsafeMutableBufferPointer { pv in
            psi.withUnsafeBufferPointer { pp in
                noise.withUnsafeBufferPointer { pe in
                    for i in 0..<n {
                        var vi = pv[i] + kick * pp[i]
                        vi = decay * vi + scale * pe[i]
                        pv[i] = vi + kick * pp[i]
                    }
                }
            }
        }
        y.withUnsafeMutableBufferPointer { py in v.withUnsafeBufferPointer { pv in for i in 0..<n { py[i] += halfStep * pv[i] } } }
    }
}

@inlinable
func fillGaussian<S: BinaryFloatingPoint>(_ a: inout [S], rng: inout Xoshiro256) {
    if S.self == Double.self {
        a.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: Double.self) { rng.fillGaussian($0) } }
    } else if S.self == Float.self {
        a.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: Float.self) { rng.fillGaussian($0) } }
    } else {
        for i in a.indices { a[i] = S(rng.gaussian()) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
