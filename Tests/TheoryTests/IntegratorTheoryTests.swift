// T1.8: the generic stationary-covariance solver against the known closed forms (A-B-O-B-A: T1.6;
// overdamped: T1.1; B-A-O-A-B samples a harmonic target's position exactly), and the OU coefficients
// against their semigroup property (a free particle's OU flow over δ = flow over αδ then (1 − α)δ).
import Foundation
import NumericCore
import Testing
import Theory

@Suite struct IntegratorTheoryTests {
    static let cases: [(lambda: Double, delta: Double, gd: Double, u: Double)] =
        [(1, 0.5, 0.5, 1), (4, 0.7, 0.3, 2), (4, 0.25, 4, 1), (2, 1.3, 1, 1)]

    @Test func solverReproducesTheABOBAClosedForm() throws {
        for c in Self.cases {
            let s = try #require(IntegratorTheory.stationaryCovariance([(1, IntegratorTheory.aboba(precision: c.lambda, step: c.delta, effectiveFriction: c.gd, inverseMass: c.u))]))
            let e = try #require(LangevinTheory.abobaStationaryCovariance(precision: c.lambda, step: c.delta, inverseMass: c.u))
            // Cramer's rule on a 3×3 system with O(1) entries: rounding ≲ 1e-12 relative.
            #expect(abs(s.yy / e.yy - 1) < 1e-10 && abs(s.yv) < 1e-10 && abs(s.vv / e.vv - 1) < 1e-10, "\(c): \(s) vs \(e)")
        }
    }

    @Test func baoabSamplesTheHarmonicPositionExactly() throws {
        for c in Self.cases {
            let s = try #require(IntegratorTheory.stationaryCovariance([(1, IntegratorTheory.baoab(precision: c.lambda, step: c.delta, effectiveFriction: c.gd, inverseMass: c.u))]))
            #expect(abs(s.yy * c.lambda - 1) < 1e-10, "\(c): Var y = \(s.yy)")
        }
    }

    @Test func overdampedMatchesT1_1() throws {
        for (lambda, h) in [(1.0, 0.5), (2.0, 0.9), (0.5, 3.0)] {
            let s = try #require(IntegratorTheory.stationaryCovariance([(1, IntegratorTheory.overdamped(precision: lambda, step: h))]))
            let e = try #require(LangevinTheory.overdampedStationaryVariance(precision: lambda, step: h))
            #expect(abs(s.yy / e - 1) < 1e-10)
        }
    }

    @Test func chengAndMidpointTendToTheTargetAsTheStepShrinks() throws {
        // At fixed γ = 1 the discretisation bias must vanish as δ → 0 at its order: Cheng's scheme is
        // first order (error halves per halving: > 1.7×), the randomized midpoint at least second (> 3×).
        for lambda in [1.0, 3.0] {
            var last = [Double.infinity, .infinity]
            for delta in [0.4, 0.2, 0.1, 0.05] {
                let ch = try #require(IntegratorTheory.stationaryCovariance([(1, IntegratorTheory.cheng(precision: lambda, step: delta, effectiveFriction: delta))]))
                let rm = try #require(IntegratorTheory.stationaryCovariance(IntegratorTheory.randomizedMidpointAveraged(precision: lambda, step: delta, effectiveFriction: delta)))
                let errs = [ch, rm].map { max(abs($0.yy * lambda - 1), abs($0.yv), abs($0.vv - 1)) }
                for (i, f) in [1.7, 3.0].enumerated() { #expect(errs[i] < last[i] / f, "λ = \(lambda), δ = \(delta): error \(errs[i]) after \(last[i])") }
                last = errs
            }
        }
    }

    @Test func ouCoefficientsComposeOverSubintervals() {
        // Free particle (g = 0): the noise over δ equals the noise over αδ carried by the flow
        // [[1, φ₂], [0, e₂]] plus independent noise over (1 − α)δ; and the means compose likewise.
        for (t, gamma, u) in [(0.5, 1.0, 1.0), (1.3, 0.2, 2.0), (0.01, 0.05, 1.0), (2.0, 3.0, 0.5)] {
            for alpha in [0.1, 0.5, 0.93] {
                let f = OUCoefficients(time: t, friction: gamma, inverseMass: u)
                let a = OUCoefficients(time: alpha * t, friction: gamma, inverseMass: u)
                let b = OUCoefficients(time: (1 - alpha) * t, friction: gamma, inverseMass: u)
                let yy = a.yy + 2 * b.phi * a.yv + b.phi * b.phi * a.vv + b.yy
                let yv = b.decay * (a.yv + b.phi * a.vv) + b.yv
                let vv = b.decay * b.decay * a.vv + b.vv
                let scale = max(f.yy, f.vv)
                #expect(abs(yy - f.yy) < 1e-12 * scale && abs(yv - f.yv) < 1e-12 * scale && abs(vv - f.vv) < 1e-12 * scale, "\(t) \(gamma) \(alpha)")
                #expect(abs(a.phi + a.decay * b.phi - f.phi) < 1e-13 && abs(a.decay * b.decay - f.decay) < 1e-13)
                // ψ(t) = ∫₀ᵗ φ and φ(αt + s) = φ(αt) + e^{−γαt} φ(s): ψ_f = ψ_a + φ_a (1 − α)t + e_a ψ_b.
                #expect(abs(a.psi + a.phi * (1 - alpha) * t + a.decay * b.psi - f.psi) < 1e-12 * f.psi + 1e-15)
            }
        }
    }

    @Test func ouSeriesBranchIsContinuous() {
        // Series (x < 1e-3) and closed form (x ≥ 1e-3) agree across the switch: the frictions differ by
        // 2e-6 relative and Var N_y ∝ γ there, so the values must agree to < 1e-5 relative.
        let lo = OUCoefficients(time: 1, friction: 0.999_999e-3, inverseMass: 1), hi = OUCoefficients(time: 1, friction: 1.000_001e-3, inverseMass: 1)
        #expect(abs(lo.yy / hi.yy - 1) < 1e-5 && abs(lo.psi / hi.psi - 1) < 1e-5)
    }
}
