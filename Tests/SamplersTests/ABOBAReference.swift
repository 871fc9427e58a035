// An independent reference for A-B-O-B-A on the 1-D Gaussian with precision λ, built here from
// the update rules of THEORY §1 (not from LangevinTheory), so the samplers' statistical tests have
// expected values and standard errors that do not come from the code under test:
//
//     y ← y + (δ/2) v;  ψ = −λ y;  v ← v + (uδ/2) ψ;  v ← a v + b ε;  v ← v + (uδ/2) ψ;  y ← y + (δ/2) v
//
// with a = e^{−γδ}, b = √(u(1 − a²)). The step is linear, (y, v) ← M (y, v) + N ε: M's columns are
// the step applied (with ε = 0) to the unit vectors, N is the step applied to (0, 0) with ε = 1.
// The stationary covariance S solves S = M S Mᵀ + N Nᵀ and is found by plain iteration from S = 0
// (S_t after t steps from a deterministic start, the transient included); the autocorrelation of
// the stationary position is ρ(t) = (Mᵗ S)_yy / S_yy, summed term by term for the IATs.
import Foundation

struct ABOBAReference {
    /// M row-major [yy, yv, vy, vv] and N = (N_y, N_v).
    let m: [Double]
    let n: [Double]

    init(precision lambda: Double, step delta: Double, effectiveFriction gammaDelta: Double, inverseMass u: Double = 1) {
        let a = exp(-gammaDelta), b = (u * (1 - a * a)).squareRoot()
        func step(_ y0: Double, _ v0: Double, _ eps: Double) -> (Double, Double) {
            var y = y0, v = v0
            y += delta / 2 * v
            let psi = -lambda * y
            v += u * delta / 2 * psi
            v = a * v + b * eps
            v += u * delta / 2 * psi
            y += delta / 2 * v
            return (y, v)
        }
        let cy = step(1, 0, 0), cv = step(0, 1, 0), noise = step(0, 0, 1)
        m = [cy.0, cv.0, cy.1, cv.1]
        n = [noise.0, noise.1]
    }

    /// S_t = Σ_{k<t} Mᵏ N Nᵀ Mᵏᵀ: the covariance of (y, v) after t steps from a fixed start
    /// (as [yy, yv, vv]); t = nil iterates until the entries stop changing (the stationary S).
    func covariance(afterSteps t: Int? = nil) -> (yy: Double, yv: Double, vv: Double) {
        var s = (yy: 0.0, yv: 0.0, vv: 0.0)
        let limit = t ?? 10_000_000
        for k in 0..<limit {
            let (a, b, c, d) = (m[0], m[1], m[2], m[3])
            let next = (yy: a * a * s.yy + 2 * a * b * s.yv + b * b * s.vv + n[0] * n[0],
                        yv: a * c * s.yy + (a * d + b * c) * s.yv + b * d * s.vv + n[0] * n[1],
                        vv: c * c * s.yy + 2 * c * d * s.yv + d * d * s.vv + n[1] * n[1])
            if t == nil, k > 10, next == s { break }
            s = next
        }
        return s
    }

    /// ρ(1), …, ρ(lags) of the stationary position: (Mᵗ S)_yy / S_yy.
    func positionAutocorrelation(lags: Int) -> [Double] {
        let s = covariance()
        var col = (y: s.yy, v: s.yv)  // first column of Mᵗ S
        var out = [Double]()
        for _ in 0..<lags {
            col = (m[0] * col.y + m[1] * col.v, m[2] * col.y + m[3] * col.v)
            out.append(col.y / s.yy)
        }
        return out
    }

    /// Lags until ‖Mᵗ‖ is below 1e-17 (every later ρ(t) is negligible in a sum).
    var negligibleLag: Int {
        var p = [1.0, 0, 0, 1]
        for t in 1...1_000_000 {
            p = [p[0] * m[0] + p[1] * m[2], p[0] * m[1] + p[1] * m[3], p[2] * m[0] + p[3] * m[2], p[2] * m[1] + p[3] * m[3]]
            if p.map(abs).max()! < 1e-17 { return t }
        }
        return 1_000_000
    }

    /// τ_y = 1 + 2 Σ_{t≥1} ρ(t).
    var positionIAT: Double { 1 + 2 * positionAutocorrelation(lags: negligibleLag).reduce(0, +) }

    /// τ_{y²} = 1 + 2 Σ_{t≥1} ρ(t)²: for a stationary Gaussian series Corr(y_t², y_0²) = ρ(t)²
    /// (Isserlis: Cov(y_t², y_0²) = 2 Cov(y_t, y_0)²), so this is the IAT of the squared position.
    var squaredPositionIAT: Double { 1 + 2 * positionAutocorrelation(lags: negligibleLag).reduce(0) { $0 + $1 * $1 } }
}
