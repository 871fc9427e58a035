import Figures
import Foundation
import Notebook
import NumericCore
import Samplers
import Theory

// MARK: - §6 Five Langevin integrators (T1.8): exact discretised stationary laws on a Gaussian, and the
// step bias of E[y²] on a bimodal mixture. Double precision throughout.

extension Chapter {
    func fiveIntegrators() {
        let nb = notebook, integrators = setup.integrators
        nb.section("6. Five integrators and their exact discretised laws (T1.8)")
        let lambda = 2.0, delta = 0.5, gd = 0.6, h = 0.3, chains = 20_000, burn = 150
        nb.prose("""
        The integrators \(integrators.joined(separator: ", ")) take any score and step a flat batch of chains. \
        Friction convention: each underdamped one is given δ and the effective friction γδ (γ = γδ/δ). On \
        N(0, 1/λ) every step is z' = M z + ξ, ξ ~ N(0, Q) (M, Q random for the randomized midpoint), so the \
        exact stationary covariance solves S = E[M S Mᵀ] + E[Q] (IntegratorTheory.stationaryCovariance). \
        Check: λ = \(fmt(lambda)), δ = \(fmt(delta)), γδ = \(fmt(gd)) (overdamped h = \(fmt(h))), \(fmt(chains)) independent \
        chains from (0, 0), \(burn) steps, one snapshot; s.e. of a sample variance √((m₄ − s⁴)/B) from the \
        measured fourth moment; tolerance 4 s.e. (house choice).
        """)
        var rows = [[String]]()
        for name in integrators {
            let d = name == "overdamped" ? h : delta
            let integ = LangevinIntegratorName(rawValue: name)!.make(step: d, effectiveFriction: gd)
            guard let steps = IntegratorTheory.steps(named: name, precision: lambda, step: d, effectiveFriction: gd),
                  let exact = IntegratorTheory.stationaryCovariance(steps) else { continue }
            var rng = master.split()
            var y = [Double](repeating: 0, count: chains), v = y, force = [Double]()
            for _ in 0..<burn { integ.step(y: &y, v: &v, force: &force, score: { y, o in for i in y.indices { o[i] = -lambda * y[i] } }, rng: &rng) }
            let vy = Stats.varianceWithStandardError(y), vv = Stats.varianceWithStandardError(v)
            nb.check("T1.8 \(name): Var y = the exact discretised value", expected: exact.yy, measured: vy.value, tolerance: .standardErrors(4, se: vy.se))
            if name != "overdamped" {
                nb.check("T1.8 \(name): Var v = the exact discretised value", expected: exact.vv, measured: vv.value, tolerance: .standardErrors(4, se: vv.se))
            }
            rows.append([name, fmt(d), fmt(exact.yy * lambda, digits: 5), name == "overdamped" ? "—" : fmt(exact.vv, digits: 5), fmt(vy.value * lambda, digits: 5)])
        }
        nb.table(["integrator", "δ or h", "exact λ·Var y", "exact Var v", "measured λ·Var y"], rows)
        mixtureBias()
    }

    /// Step bias of E[y²] on ½N(−m, 1) + ½N(m, 1) (exact E[y²] = 1 + m²) at fixed γ = 1 (γδ = δ).
    /// Per chain the time average over 40 time units after a burn-in of 20; chains are independent,
    /// so the s.e. is the spread of the per-chain averages over √B. Reported, with the fitted log-log
    /// slope; checked only that the bias shrinks between the largest and smallest δ (by > 4 s.e.).
    func mixtureBias() {
        let nb = notebook, integrators = setup.integrators
        let m = 1.5, exact = 1 + m * m, deltas = [1.2, 0.85, 0.6, 0.42], chains = 10_000
        nb.prose("""
        Non-Gaussian target ½N(−\(fmt(m)), 1) + ½N(\(fmt(m)), 1), E[y²] = 1 + m² = \(fmt(exact)) exactly; γ = 1 held \
        fixed (γδ = δ), overdamped h = δ; \(fmt(chains)) chains, per-chain time averages over 40 time units after 20. \
        The slope is a weighted least-squares fit of log|bias| on log δ; at these δ higher-order terms still \
        matter, so it is reported, not checked against an integer order.
        """)
        var rows = [[String]]()
        for name in integrators {
            var bias = [Double](), se = [Double]()
            for d in deltas {
                let integ = LangevinIntegratorName(rawValue: name)!.make(step: d, effectiveFriction: d)
                var rng = master.split()
                var y = [Double](repeating: 0, count: chains), v = y, force = [Double](), acc = y
                let nBurn = Int(20 / d), nMeasure = Int(40 / d)
                let score: ([Double], inout [Double]) -> Void = { y, o in for i in y.indices { o[i] = -y[i] + m * tanh(m * y[i]) } }
                for t in 0..<(nBurn + nMeasure) {
                    integ.step(y: &y, v: &v, force: &force, score: score, rng: &rng)
                    if t >= nBurn { for i in y.indices { acc[i] += y[i] * y[i] } }
                }
                let avg = acc.map { $0 / Double(nMeasure) }
                let mean = avg.reduce(0, +) / Double(chains)
                let sd = (avg.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(chains - 1)).squareRoot()
                bias.append(mean - exact); se.append(sd / Double(chains).squareRoot())
            }
            let fit = Self.logLogSlope(deltas, bias, se)
            rows.append([name] + zip(bias, se).map { "\(fmt($0, digits: 3)) ± \(fmt($1, digits: 2))" } + [fit.map { "\(fmt($0.slope, digits: 3)) ± \(fmt($0.se, digits: 2))" } ?? "—"])
            // Reported only: B-A-O-A-B's bias is below this run's resolution (its position law is exact on
            // Gaussians, nearly so here); the midpoint's drop is only ≈ 7 s.e., so a 4-s.e. test of it fails
            // ~10 % of seeds (2 of 20 measured). The others' drops are > 10 s.e.
            if name != "baoab" && name != "midpoint" {
                let drop = abs(bias[0]) - abs(bias[deltas.count - 1]), seDrop = Stats.differenceStandardError(se[0], se[deltas.count - 1])
                nb.check("T1.8 \(name), mixture: |bias of E[y²]| shrinks from δ = \(fmt(deltas[0])) to \(fmt(deltas.last!)) (by > 4 s.e.)", drop > 4 * seDrop,
                         detail: "|bias| \(fmt(abs(bias[0]), digits: 3)) → \(fmt(abs(bias.last!), digits: 3)), s.e. of the drop \(fmt(seDrop, digits: 2))")
            }
        }
        nb.table(["integrator"] + deltas.map { "bias at δ = \(fmt($0))" } + ["log-log slope"], rows)
    }

    /// Weighted least squares of log|bias| on log δ, weights 1/s.e.² of log|bias| ≈ (bias/s.e.)²; nil when a bias is 0.
    static func logLogSlope(_ d: [Double], _ b: [Double], _ se: [Double]) -> (slope: Double, se: Double)? {
        guard b.allSatisfy({ $0 != 0 }) else { return nil }
        return Stats.weightedLinearFit(x: d.map { log($0) }, y: b.map { log(abs($0)) }, weights: zip(b, se).map { ($0 / $1) * ($0 / $1) })
    }
}
