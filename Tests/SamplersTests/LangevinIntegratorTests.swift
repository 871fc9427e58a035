// T1.8: each integrator's batched step against a naive per-coordinate Double twin written from its
// update rules (same random numbers in the same order), and its Monte Carlo stationary variances on
// a 1-D Gaussian against the exact discretised ones of IntegratorTheory at k = 4 standard errors.
import Foundation
import NumericCore
import Samplers
import Testing
import Theory

@Suite struct LangevinIntegratorTests {
    static let lambda = 2.0, delta = 0.5, gd = 0.6, u = 1.0

    /// A non-linear score (the twins must not rely on linearity): ψ(y) = −λy + 0.3 sin y.
    static func psi(_ y: Double) -> Double { -lambda * y + 0.3 * sin(y) }
    static func score(_ y: [Double], _ out: inout [Double]) { for i in y.indices { out[i] = psi(y[i]) } }

    static func pair(_ rng: inout Xoshiro256) -> (Double, Double) {
        let r = (-2 * log(rng.uniformPositive())).squareRoot(), t = 2 * Double.pi * rng.uniform()
        return (r * cos(t), r * sin(t))
    }

    /// Runs `steps` of the integrator and of the twin from the same state and seed; max |difference|.
    func compare(_ integ: any LangevinIntegrator, n: Int, steps: Int = 15,
                 twin: (inout [Double], inout [Double], inout Xoshiro256) -> Void) -> Double {
        var rng = Xoshiro256(seed: 5)
        var y = (0..<n).map { _ in rng.gaussian() }, v = (0..<n).map { _ in rng.gaussian() }
        var y2 = y, v2 = v, rng2 = rng, force = [Double]()
        for _ in 0..<steps {
            integ.step(y: &y, v: &v, force: &force, score: Self.score, rng: &rng)
            twin(&y2, &v2, &rng2)
        }
        return zip(y + v, y2 + v2).map { abs($0 - $1) }.max()!
    }

    // Twins: one coordinate at a time from the update rules; the Gaussians are read in Box–Muller
    // pairs in coordinate order (as the integrators document). Same formulas in a possibly different
    // association, so agreement is to rounding: bound 1e-12 on O(1) values over 15 steps.
    @Test func baoabMatchesItsTwin() {
        let e = exp(-Self.gd), b = (Self.u * (1 - e * e)).squareRoot(), d = Self.delta, u = Self.u
        let diff = compare(BAOAB(step: d, effectiveFriction: Self.gd), n: 7) { y, v, rng in
            var z = [Double](); while z.count < y.count { let p = Self.pair(&rng); z += [p.0, p.1] }
            for k in y.indices {
                v[k] += u * d / 2 * Self.psi(y[k]); y[k] += d / 2 * v[k]
                v[k] = e * v[k] + b * z[k]; y[k] += d / 2 * v[k]; v[k] += u * d / 2 * Self.psi(y[k])
            }
        }
        #expect(diff < 1e-12, "max |Δ| = \(diff)")
    }

    @Test func abobaMatchesItsTwin() {
        let e = exp(-Self.gd), b = (Self.u * (1 - e * e)).squareRoot(), d = Self.delta, u = Self.u
        let diff = compare(ABOBA(step: d, effectiveFriction: Self.gd), n: 7) { y, v, rng in
            var z = [Double](); while z.count < y.count { let p = Self.pair(&rng); z += [p.0, p.1] }
            for k in y.indices {
                y[k] += d / 2 * v[k]; let g = Self.psi(y[k])
                v[k] += u * d / 2 * g; v[k] = e * v[k] + b * z[k]; v[k] += u * d / 2 * g; y[k] += d / 2 * v[k]
            }
        }
        #expect(diff < 1e-12, "max |Δ| = \(diff)")
    }

    @Test func overdampedMatchesItsTwin() {
        let h = Self.delta
        let diff = compare(Overdamped(step: h), n: 7) { y, _, rng in
            var z = [Double](); while z.count < y.count { let p = Self.pair(&rng); z += [p.0, p.1] }
            for k in y.indices { y[k] += h * Self.psi(y[k]) + (2 * h).squareRoot() * z[k] }
        }
        #expect(diff < 1e-12, "max |Δ| = \(diff)")
    }

    /// The exact OU solution with the force held fixed, written out from scratch (not OUCoefficients):
    /// mean (y + φv + uψg, e v + uφg), noise covariance from the integrals of THEORY T1.8.
    static func ouStep(_ y: Double, _ v: Double, g: Double, t: Double, gamma: Double, z: (Double, Double)) -> (Double, Double, ny: Double, nv: Double) {
        let e = exp(-gamma * t), phi = (1 - e) / gamma, psiT = (t - phi) / gamma, u = Self.u
        let vyy = 2 * u / gamma * (t - 2 * (1 - e) / gamma + (1 - e * e) / (2 * gamma))
        let vyv = u / gamma * (1 - e) * (1 - e), vvv = u * (1 - e * e)
        let nv = vvv.squareRoot() * z.0, ny = vyv / vvv.squareRoot() * z.0 + (vyy - vyv * vyv / vvv).squareRoot() * z.1
        return (y + phi * v + u * psiT * g + ny, e * v + u * phi * g + nv, ny, nv)
    }

    @Test func chengMatchesItsTwin() {
        let d = Self.delta, gamma = Self.gd / d
        // The twin's closed forms cancel at small γt: rounding ~1e-13 here (γδ = 0.6).
        let diff = compare(ChengOU(step: d, effectiveFriction: Self.gd), n: 5) { y, v, rng in
            for k in y.indices {
                let r = Self.ouStep(y[k], v[k], g: Self.psi(y[k]), t: d, gamma: gamma, z: Self.pair(&rng))
                y[k] = r.0; v[k] = r.1
            }
        }
        #expect(diff < 1e-11, "max |Δ| = \(diff)")
    }

    @Test func randomizedMidpointMatchesItsTwin() {
        let d = Self.delta, gamma = Self.gd / d, u = Self.u, dim = 1
        let diff = compare(RandomizedMidpoint(step: d, effectiveFriction: Self.gd, dimension: dim), n: 6) { y, v, rng in
            let n = y.count, alphas = (0..<n).map { _ in rng.uniform() }
            var mid = y, ny = y, nv = y
            for k in 0..<n {
                let r = Self.ouStep(y[k], v[k], g: Self.psi(y[k]), t: alphas[k] * d, gamma: gamma, z: Self.pair(&rng))
                mid[k] = r.0; ny[k] = r.ny; nv[k] = r.nv
            }
            for k in 0..<n {
                let rest = (1 - alphas[k]) * d, e2 = exp(-gamma * rest), phi2 = (1 - e2) / gamma
                // Free OU flow of (y, v) over δ from the start, plus the midpoint force and the path's noise.
                let free = Self.ouStep(y[k], v[k], g: 0, t: d, gamma: gamma, z: (0, 0))
                let tail = Self.ouStep(0, 0, g: 0, t: rest, gamma: gamma, z: Self.pair(&rng))
                let g = Self.psi(mid[k])
                y[k] = free.0 + u * d * phi2 * g + ny[k] + phi2 * nv[k] + tail.0
                v[k] = free.1 + u * d * e2 * g + e2 * nv[k] + tail.1
            }
        }
        #expect(diff < 1e-11, "max |Δ| = \(diff)")
    }

    /// B independent 1-D chains on N(0, 1/λ) from (0, 0), `burn` steps, then one snapshot: the
    /// sample variances of y and v with s.e. √((m₄ − s⁴)/B) (independent chains; the fourth moment
    /// is measured, since the randomized midpoint's law is a Gaussian mixture, not a Gaussian).
    func stationary(_ integ: any LangevinIntegrator, lambda: Double, chains: Int = 20_000, burn: Int = 150)
        -> (yy: Double, yySE: Double, vv: Double, vvSE: Double) {
        var rng = Xoshiro256(seed: 77)
        var y = [Double](repeating: 0, count: chains), v = y, force = [Double]()
        for _ in 0..<burn { integ.step(y: &y, v: &v, force: &force, score: { y, o in for i in y.indices { o[i] = -lambda * y[i] } }, rng: &rng) }
        func varSE(_ x: [Double]) -> (Double, Double) {
            let n = Double(x.count), m = x.reduce(0, +) / n
            let s2 = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n, m4 = x.reduce(0) { $0 + pow($1 - m, 4) } / n
            return (s2, ((m4 - s2 * s2) / n).squareRoot())
        }
        let a = varSE(y), b = varSE(v)
        return (a.0, a.1, b.0, b.1)
    }

    @Test func stationaryVariancesMatchTheExactDiscretisedOnes() throws {
        // λ = 2, δ = 0.5, γδ = 0.6 (γ = 1.2): every chain relaxes at rate ≳ 0.1 per step, so 150 steps
        // leave a transient below e⁻¹⁵ of the variance. Tolerance: k = 4 s.e. (house choice).
        let l = Self.lambda, d = Self.delta, gd = Self.gd
        let cases: [(any LangevinIntegrator, [(weight: Double, step: LinearGaussianStep)], Bool)] = [
            (ABOBA(step: d, effectiveFriction: gd), [(1, IntegratorTheory.aboba(precision: l, step: d, effectiveFriction: gd))], true),
            (BAOAB(step: d, effectiveFriction: gd), [(1, IntegratorTheory.baoab(precision: l, step: d, effectiveFriction: gd))], true),
            (ChengOU(step: d, effectiveFriction: gd), [(1, IntegratorTheory.cheng(precision: l, step: d, effectiveFriction: gd))], true),
            (RandomizedMidpoint(step: d, effectiveFriction: gd, dimension: 1), IntegratorTheory.randomizedMidpointAveraged(precision: l, step: d, effectiveFriction: gd), true),
            (Overdamped(step: 0.3), [(1, IntegratorTheory.overdamped(precision: l, step: 0.3))], false),
        ]
        for (integ, map, hasVelocity) in cases {
            let exact = try #require(IntegratorTheory.stationaryCovariance(map))
            let mc = stationary(integ, lambda: l)
            #expect(abs(mc.yy - exact.yy) < 4 * mc.yySE, "\(integ.name): Var y \(mc.yy) ± \(mc.yySE) vs \(exact.yy)")
            if hasVelocity { #expect(abs(mc.vv - exact.vv) < 4 * mc.vvSE, "\(integ.name): Var v \(mc.vv) ± \(mc.vvSE) vs \(exact.vv)") }
        }
    }
}
