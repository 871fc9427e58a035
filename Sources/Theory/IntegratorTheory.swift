import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// T1.8: every Langevin integrator of `Samplers/LangevinIntegrators.swift` on the 1-D Gaussian with
/// precision λ (ψ = −λy) is a linear Gaussian step z ← M z + ξ, ξ ~ N(0, Q), z = (y, v); for the
/// randomized midpoint M and Q depend on the step's α ~ U(0, 1). The stationary covariance S solves
/// S = E[M S Mᵀ] + E[Q], a 3×3 linear system in (S_yy, S_yv, S_vv).
public struct LinearGaussianStep: Sendable {
    /// M row-major [yy, yv, vy, vv].
    public let m: [Double]
    /// Q = Cov ξ as (yy, yv, vv).
    public let q: (yy: Double, yv: Double, vv: Double)
    public init(m: [Double], q: (yy: Double, yv: Double, vv: Double)) { self.m = m; self.q = q }
}

public enum IntegratorTheory {
    /// The solution of S = Σ_k w_k (M_k S M_kᵀ + Q_k) (weights summing to 1) by Cramer's rule on the
    /// 3×3 system; nil when it is singular or S is not positive semi-definite in y (unstable chain).
    /// The linear Gaussian step(s) on N(0, 1/λ) of the integrator named `name` (the names of
    /// `LangevinIntegratorName` in Samplers; `step` is h for "overdamped"), nil for another name.
    public static func steps(named name: String, precision l: Double, step d: Double, effectiveFriction gd: Double,
                             inverseMass u: Double = 1) -> [(weight: Double, step: LinearGaussianStep)]? {
        switch name {
        case "aboba": return [(1, aboba(precision: l, step: d, effectiveFriction: gd, inverseMass: u))]
        case "baoab": return [(1, baoab(precision: l, step: d, effectiveFriction: gd, inverseMass: u))]
        case "cheng": return [(1, cheng(precision: l, step: d, effectiveFriction: gd, inverseMass: u))]
        case "midpoint": return randomizedMidpointAveraged(precision: l, step: d, effectiveFriction: gd, inverseMass: u)
        case "overdamped": return [(1, overdamped(precision: l, step: d))]
        default: return nil
        }
    }

    public static func stationaryCovariance(_ steps: [(weight: Double, step: LinearGaussianStep)]) -> (yy: Double, yv: Double, vv: Double)? {
        // K maps (a, b, c) = (S_yy, S_yv, S_vv) to E[M S Mᵀ] in the same coordinates.
        var k = [[Double]](repeating: [0, 0, 0], count: 3), rhs = [0.0, 0, 0]
        for (w, s) in steps {
            let m = s.m
            k[0][0] += w * m[0] * m[0]; k[0][1] += w * 2 * m[0] * m[1]; k[0][2] += w * m[1] * m[1]
            k[1][0] += w * m[0] * m[2]; k[1][1] += w * (m[0] * m[3] + m[1] * m[2]); k[1][2] += w * m[1] * m[3]
            k[2][0] += w * m[2] * m[2]; k[2][1] += w * 2 * m[2] * m[3]; k[2][2] += w * m[3] * m[3]
            rhs[0] += w * s.q.yy; rhs[1] += w * s.q.yv; rhs[2] += w * s.q.vv
        }
        let a = (0..<3).map { i in (0..<3).map { j in (i == j ? 1 : 0) - k[i][j] } }
        func det(_ x: [[Double]]) -> Double {
            x[0][0] * (x[1][1] * x[2][2] - x[1][2] * x[2][1]) - x[0][1] * (x[1][0] * x[2][2] - x[1][2] * x[2][0])
                + x[0][2] * (x[1][0] * x[2][1] - x[1][1] * x[2][0])
        }
        let d = det(a)
        guard d.isFinite, abs(d) > 1e-300 else { return nil }
        let s = (0..<3).map { col in det(a.enumerated().map { i, row in row.enumerated().map { j, x in j == col ? rhs[i] : x } }) / d }
        guard s[0] > 0, s[2] >= 0, s[0] * s[2] >= s[1] * s[1] * (1 - 1e-12) else { return nil }
        return (s[0], s[1], s[2])
    }

    /// The spectral radius of a 2×2 matrix (row-major): stability of a deterministic linear step.
    public static func spectralRadius(_ m: [Double]) -> Double {
        let tr = m[0] + m[3], det = m[0] * m[3] - m[1] * m[2], disc = tr * tr / 4 - det
        return disc >= 0 ? max(abs(tr / 2 + disc.squareRoot()), abs(tr / 2 - disc.squareRoot())) : abs(det).squareRoot()
    }

    /// A-B-O-B-A: `LangevinTheory.abobaLinearMap` with Q = N Nᵀ.
    public static func aboba(precision lambda: Double, step delta: Double, effectiveFriction gd: Double, inverseMass u: Double = 1) -> LinearGaussianStep {
        let (m, n) = LangevinTheory.abobaLinearMap(precision: lambda, step: delta, friction: gd / delta, inverseMass: u)
        return LinearGaussianStep(m: m, q: (n[0] * n[0], n[0] * n[1], n[1] * n[1]))
    }

    /// B-A-O-A-B: M = B·A·O·A·B (B = [[1, 0], [−uδλ/2, 1]], A = [[1, δ/2], [0, 1]], O = diag(1, e)),
    /// the O noise b = √(u(1 − e²)) entering through B·A: N = B·A·(0, b).
    public static func baoab(precision lambda: Double, step delta: Double, effectiveFriction gd: Double, inverseMass u: Double = 1) -> LinearGaussianStep {
        let e = exp(-gd), b = (u * (1 - e * e)).squareRoot()
        let kick = [1, 0, -u * delta * lambda / 2, 1], drift = [1, delta / 2, 0, 1], o = [1, 0, 0, e]
        let ba = mul(kick, drift)
        let m = mul(ba, mul(o, mul(drift, kick)))
        let n = [ba[1] * b, ba[3] * b]
        return LinearGaussianStep(m: m, q: (n[0] * n[0], n[0] * n[1], n[1] * n[1]))
    }

    /// Cheng et al.: y' = (1 − uλψ) y + φ v + N_y, v' = −uλφ y + e v + N_v (`OUCoefficients` over δ).
    public static func cheng(precision lambda: Double, step delta: Double, effectiveFriction gd: Double, inverseMass u: Double = 1) -> LinearGaussianStep {
        let o = OUCoefficients(time: delta, friction: gd / delta, inverseMass: u)
        return LinearGaussianStep(m: [1 - u * lambda * o.psi, o.phi, -u * lambda * o.phi, o.decay], q: (o.yy, o.yv, o.vv))
    }

    /// Overdamped: y' = (1 − hλ) y + √(2h) ε; v is carried as 0 (it never enters).
    public static func overdamped(precision lambda: Double, step h: Double) -> LinearGaussianStep {
        LinearGaussianStep(m: [1 - h * lambda, 0, 0, 0], q: (2 * h, 0, 0))
    }

    /// The randomized midpoint's step for a given α: the midpoint m = (1 − uλψ₁) y + φ₁ v + N_y1, then
    /// y' = y + φ v − uδλφ₂ m + N_y1 + φ₂ N_v1 + N'_y, v' = e v − uδλe₂ m + e₂ N_v1 + N'_v
    /// (index 1: over αδ, 2: over (1 − α)δ, none: over δ), so Q = L C₁ Lᵀ + C₂ with
    /// L = [[1 − uδλφ₂, φ₂], [−uδλe₂, e₂]].
    public static func randomizedMidpoint(precision lambda: Double, step delta: Double, effectiveFriction gd: Double,
                                          inverseMass u: Double = 1, alpha: Double) -> LinearGaussianStep {
        let gamma = gd / delta
        let o1 = OUCoefficients(time: alpha * delta, friction: gamma, inverseMass: u)
        let o2 = OUCoefficients(time: (1 - alpha) * delta, friction: gamma, inverseMass: u)
        let f = OUCoefficients(time: delta, friction: gamma, inverseMass: u)
        let ky = u * delta * lambda * o2.phi, kv = u * delta * lambda * o2.decay
        let my = 1 - u * lambda * o1.psi
        let m = [1 - ky * my, f.phi - ky * o1.phi, -kv * my, f.decay - kv * o1.phi]
        let l = [1 - ky, o2.phi, -kv, o2.decay]
        let c1 = [o1.yy, o1.yv, o1.yv, o1.vv]
        let lc = mul(mul(l, c1), [l[0], l[2], l[1], l[3]])
        return LinearGaussianStep(m: m, q: (lc[0] + o2.yy, lc[1] + o2.yv, lc[3] + o2.vv))
    }

    /// The randomized midpoint's E over α ~ U(0, 1) by composite Simpson's rule with `intervals`
    /// (even) panels: the integrand is smooth (exponentials and polynomials in α), so the error is
    /// O(intervals⁻⁴) — below 1e-12 relative at the default 2 000 for δ, γδ ≤ 4.
    public static func randomizedMidpointAveraged(precision lambda: Double, step delta: Double, effectiveFriction gd: Double,
                                                  inverseMass u: Double = 1, intervals: Int = 2000) -> [(weight: Double, step: LinearGaussianStep)] {
        let n = intervals + intervals % 2
        return (0...n).map { i in
            let w = (i == 0 || i == n) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
            return (w / (3 * Double(n)), randomizedMidpoint(precision: lambda, step: delta, effectiveFriction: gd, inverseMass: u, alpha: Double(i) / Double(n)))
        }
    }

    static func mul(_ x: [Double], _ y: [Double]) -> [Double] {
        [x[0] * y[0] + x[1] * y[2], x[0] * y[1] + x[1] * y[3], x[2] * y[0] + x[3] * y[2], x[2] * y[1] + x[3] * y[3]]
    }
}
