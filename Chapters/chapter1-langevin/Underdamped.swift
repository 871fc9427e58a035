import Figures
import Foundation
import Notebook
import NumericCore
import Samplers
import Theory

extension Chapter {
    // MARK: - §5 Underdamped Langevin, A-B-O-B-A (T1.6)

    /// §5's Gaussian target N(μ, diag(1/λ)) has mean μ; its precisions are `setup.precisions`.
    static let underdampedMean = [1.0, -1.0]

    func underdamped() {
        let nb = notebook
        let bound = setup.underdampedBound, effectiveFriction = setup.effectiveFriction, underdampedSteps = setup.underdampedSteps
        nb.section("5. Underdamped Langevin with the A-B-O-B-A splitting (T1.6)")
        nb.prose("""
        Walk-jump sampling uses underdamped Langevin: a velocity v with inverse mass u and friction γ, \
        integrated with the A-B-O-B-A splitting (one score call per step). The friction appears only in \
        the O step, through e^{−γδ}: the discrete chain depends on γ only through the effective friction γδ. \
        Target: N(μ, diag(1, ½)), μ = (1, −1), precisions λ = (1, 2), u = 1; stability needs δ²λ_max u < 4, \
        δ < \(fmt(bound, digits: 4)). For a Gaussian the stationary covariance of the chain can be solved \
        exactly (a 2×2 discrete Lyapunov equation per coordinate): the position marginal is exact for \
        every stable δ, and the whole bias sits in the velocity, Var(v) = u/(1 − δ²λu/4) = u + O(δ²). Each \
        chain: \(fmt(underdampedSteps)) steps from y = μ, v = 0 (first 1% discarded as burn-in), γδ = \(fmt(effectiveFriction)).
        """)
        nb.equation("y ← y + (δ/2)v;  ψ = ∇log p(y);  v ← v + (uδ/2)ψ;  v ← e^{−γδ}v + √(u(1 − e^{−2γδ})) ε;  v ← v + (uδ/2)ψ;  y ← y + (δ/2)v",
                    "stationary: E[y] = μ,  Var(y_i) = 1/λ_i,  Var(v_i) = u/(1 − δ²λ_i u/4)")
        gaussianStepScan()
        mixturePositionBias()
        frictionScan()
    }

    /// One A-B-O-B-A chain of --underdamped-steps on §5's Gaussian from y = μ, v = 0 (first 1 % dropped):
    /// batch means of the stiff coordinate's (y − μ)², v² and y, and the IAT of y.
    struct UnderdampedRun { let yVar: ChainDiagnostics.BatchMeans; let vVar: ChainDiagnostics.BatchMeans; let mean: ChainDiagnostics.BatchMeans; let iat: Double; let iatSE: Double }
    func underdampedRun(delta: Double, gammaDelta: Double, rng: inout Xoshiro256) -> UnderdampedRun {
        let precisions = setup.precisions, underdampedSteps = setup.underdampedSteps
        let mu = Self.underdampedMean, stiff = precisions.indices.max { precisions[$0] < precisions[$1] }!
        let score: ([Double], inout [Double]) -> Void = { y, g in for i in y.indices { g[i] = (mu[i] - y[i]) * precisions[i] } }
        let integrator = UnderdampedLangevin(step: delta, effectiveFriction: gammaDelta)
        let (ys, vs) = integrator.run(y: mu, steps: underdampedSteps, recordVelocity: true, score: score, rng: &rng)
        let burn = underdampedSteps / 100
        let y = Array(ys.coordinate(stiff).dropFirst(burn)), v = Array(vs!.coordinate(stiff).dropFirst(burn))
        let iat = ChainDiagnostics.integratedAutocorrelationTime(y)
        return UnderdampedRun(yVar: ChainDiagnostics.batchMeans(y.map { ($0 - mu[stiff]) * ($0 - mu[stiff]) }),
                      vVar: ChainDiagnostics.batchMeans(v.map { $0 * $0 }),
                      mean: ChainDiagnostics.batchMeans(y),
                      iat: iat.tau, iatSE: iat.standardError)
    }

    /// Var y exact and Var v = u/(1 − δ²λu/4) for every δ of --deltas on the Gaussian (T1.6).
    func gaussianStepScan() {
        let nb = notebook
        let deltas = setup.deltas, precisions = setup.precisions, effectiveFriction = setup.effectiveFriction
        let mu = Self.underdampedMean, stiff = precisions.indices.max { precisions[$0] < precisions[$1] }!, lam = precisions[stiff]
        var rows = [[String]]()
        var dx = [Double](), vBias = [Double](), yBias = [Double]()
        for delta in deltas {
            var r = master.split()
            let res = underdampedRun(delta: delta, gammaDelta: effectiveFriction, rng: &r)
            let exact = LangevinTheory.abobaStationaryCovariance(precision: lam, step: delta)!
            nb.check("δ = \(fmt(delta)): E[y] = μ (stiff coordinate)", expected: mu[stiff], measured: res.mean.mean, tolerance: .standardErrors(4, se: res.mean.standardError))
            nb.check("δ = \(fmt(delta)): Var(y) = 1/λ exactly (no position bias on a Gaussian)", expected: exact.yy, measured: res.yVar.mean, tolerance: .standardErrors(4, se: res.yVar.standardError))
            nb.check("δ = \(fmt(delta)): Var(v) = u/(1 − δ²λu/4)", expected: exact.vv, measured: res.vVar.mean, tolerance: .standardErrors(4, se: res.vVar.standardError))
            dx.append(delta); vBias.append(res.vVar.mean - 1); yBias.append(abs(res.yVar.mean * lam - 1))
            rows.append([fmt(delta), fmt(res.mean.mean - mu[stiff], digits: 3), fmt(res.yVar.mean * lam - 1, digits: 3), fmt(res.yVar.standardError * lam, digits: 2),
                         fmt(exact.vv - 1, digits: 4), fmt(res.vVar.mean - 1, digits: 4), fmt(res.vVar.standardError, digits: 2),
                         fmt(LangevinTheory.abobaPositionIAT(precision: lam, step: delta, effectiveFriction: effectiveFriction)!, digits: 4), fmt(res.iat, digits: 4)])
        }
        nb.prose("Stationary bias against δ on the stiff coordinate (λ = \(fmt(lam)), γδ = \(fmt(effectiveFriction))):")
        nb.table(["δ", "mean error", "Var(y)·λ − 1", "s.e.", "Var(v)/u − 1 exact", "measured", "s.e.", "IAT of y exact", "measured"], rows)
        var shrinking = true
        for i in 1..<deltas.count where (deltas[i] < deltas[i - 1]) != (vBias[i] < vBias[i - 1]) { shrinking = false }
        nb.check("the measured velocity-variance bias shrinks as δ → 0", shrinking,
                 detail: zip(deltas, vBias).map { "δ=\(fmt($0.0)): \(fmt($0.1, digits: 3))" }.joined(separator: ", "))
        let sortedD = deltas.sorted()
        let dA = sortedD[0], dB = sortedD[1]
        let bA = LangevinTheory.abobaStationaryCovariance(precision: lam, step: dA)!.vv - 1
        let bB = LangevinTheory.abobaStationaryCovariance(precision: lam, step: dB)!.vv - 1
        nb.check("the exact bias is O(δ²): local log–log slope of Var(v)/u − 1 between δ = \(fmt(dA)) and \(fmt(dB))", expected: 2,
                 measured: log(bB / bA) / log(dB / dA), tolerance: .absolute(0.1))
        var bp = Plot(title: "A-B-O-B-A stationary bias vs δ (Gaussian target)", xLabel: "δ", yLabel: "relative variance error", xScale: .log, yScale: .log)
        let dg = (0...40).map { deltas.min()! * pow(deltas.max()! / deltas.min()!, Double($0) / 40) }
        bp.add(Series("exact Var(v)/u − 1 = 1/(1 − δ²λu/4) − 1", x: dg, y: dg.map { LangevinTheory.abobaStationaryCovariance(precision: lam, step: $0)!.vv - 1 }, style: .line))
        bp.add(Series("measured Var(v)/u − 1", x: dx, y: vBias, style: .points, color: Color(0.8, 0.1, 0.1)))
        bp.add(Series("measured |Var(y)λ − 1| (exact: 0, noise only)", x: dx, y: yBias, style: .points, color: Color(0.2, 0.6, 0.2)))
        let allB = (vBias + yBias + dg.map { LangevinTheory.abobaStationaryCovariance(precision: lam, step: $0)!.vv - 1 }).filter { $0 > 0 }
        bp.yRange = (allB.min()! / 2)...(allB.max()! * 8)
        nb.figure("underdamped-bias-vs-delta.png", caption: "The velocity variance bias of A-B-O-B-A shrinks like δ²; the position variance is unbiased on a Gaussian", plot: bp)
    }

    /// On a bimodal mixture the position law is biased too, and the bias shrinks with δ.
    func mixturePositionBias() {
        let nb = notebook
        let deltas = setup.deltas, effectiveFriction = setup.effectiveFriction, underdampedSteps = setup.underdampedSteps
        let mixSep = 3.0
        let mix = GaussianMixture(means: [[-mixSep / 2], [mixSep / 2]], variance: 1)
        let exactVar = 1 + mixSep * mixSep / 4
        let nChains = 1000, mixSteps = max(1000, underdampedSteps / 100)
        nb.prose("""
        The exactness of the position marginal is special to Gaussians. On the bimodal mixture \
        ½N(−\(fmt(mixSep / 2)), 1) + ½N(\(fmt(mixSep / 2)), 1) (variance τ² + Δ²/4 = \(fmt(exactVar))) the position variance is \
        biased too, by O(δ²). Here \(fmt(nChains)) independent chains run side by side (one \(fmt(nChains))-dimensional \
        state with a coordinate-wise score) for \(fmt(mixSteps)) steps from exact draws, v ~ N(0, u), γδ = \(fmt(effectiveFriction)); \
        the chain-average of y² per step is one correlated series, summarised by batch means.
        """)
        var mrows = [[String]]()
        var mixBias = [Double](), mixSE = [Double]()
        for delta in deltas.sorted(by: >).prefix(3) {
            var r = master.split()
            let start = mix.sample(nChains, using: &r).map { $0[0] }
            let v0 = r.gaussians(nChains)
            let integrator = UnderdampedLangevin(step: delta, effectiveFriction: effectiveFriction)
            let run = integrator.run(y: start, v: v0, steps: mixSteps, score: { y, g in
                for i in y.indices { g[i] = mix.score([y[i]])[0] }
            }, rng: &r).positions
            let series = (0..<run.steps).map { t -> Double in
                var s = 0.0
                for i in 0..<nChains { let v = run.trace[t * nChains + i]; s += v * v }
                return s / Double(nChains)
            }
            let bm = ChainDiagnostics.batchMeans(Array(series.dropFirst(mixSteps / 10)))
            mixBias.append(bm.mean - exactVar); mixSE.append(bm.standardError)
            mrows.append([fmt(delta), fmt(bm.mean, digits: 5), fmt(bm.mean - exactVar, digits: 3), fmt(bm.standardError, digits: 2),
                          fmt((bm.mean - exactVar) / (delta * delta), digits: 3)])
        }
        nb.table(["δ", "Var(y) measured", "bias (exact \(fmt(exactVar)))", "s.e.", "bias / δ²"], mrows)
        if mixBias.count >= 2 {
            nb.check("mixture target, δ = \(fmt(deltas.max()!)): the position variance is biased (|bias| > 4 s.e.)", abs(mixBias[0]) > 4 * mixSE[0],
                     detail: "bias \(fmt(mixBias[0], digits: 3)) ± \(fmt(mixSE[0], digits: 2))")
            let diff = abs(mixBias[0]) - abs(mixBias[1]), seDiff = Stats.differenceStandardError(mixSE[0], mixSE[1])
            nb.check("mixture target: halving δ shrinks the position bias (|bias| drops by > 2 s.e.)", diff > 2 * seDiff,
                     detail: "|bias| \(fmt(abs(mixBias[0]), digits: 3)) → \(fmt(abs(mixBias[1]), digits: 3)) (s.e. of the drop \(fmt(seDiff, digits: 2)))")
        }
    }

    /// γ enters only through γδ: the stationary law does not depend on it, the mixing does.
    func frictionScan() {
        let nb = notebook
        let deltas = setup.deltas, frictions = setup.frictions, precisions = setup.precisions
        let stiff = precisions.indices.max { precisions[$0] < precisions[$1] }!, lam = precisions[stiff]
        let delta0 = deltas.count > 1 ? deltas[1] : deltas[0]
        nb.prose("""
        Friction at fixed δ = \(fmt(delta0)): the stationary law does not depend on γδ (theory above), but the \
        mixing does (the exact IAT of y follows from the one-step linear map: ρ(t) = (Mᵗ S)_yy / S_yy) — a small γδ keeps the velocity for many steps (oscillating, ballistic moves), a large \
        one randomises it every step (a random walk). The O step keeps a fraction e^{−γδ} of the velocity per step, so \
        the same γ means very different mixing at different δ: it is γδ that sets the per-step behaviour.
        """)
        var frows = [[String]]()
        var iats = [Double]()
        for gd in frictions {
            var r = master.split()
            let res = underdampedRun(delta: delta0, gammaDelta: gd, rng: &r)
            nb.check("δ = \(fmt(delta0)), γδ = \(fmt(gd)): Var(y) = 1/λ", expected: 1 / lam, measured: res.yVar.mean, tolerance: .standardErrors(4, se: res.yVar.standardError))
            let exactIAT = LangevinTheory.abobaPositionIAT(precision: lam, step: delta0, effectiveFriction: gd)!
            nb.check("δ = \(fmt(delta0)), γδ = \(fmt(gd)): IAT of y = exact value from the one-step map", expected: exactIAT, measured: res.iat,
                     tolerance: .standardErrors(4, se: res.iatSE))
            iats.append(res.iat)
            frows.append([fmt(gd), fmt(gd / delta0), fmt(exp(-gd), digits: 4), fmt(res.yVar.mean * lam - 1, digits: 3), fmt(res.vVar.mean - 1, digits: 3),
                          fmt(exactIAT, digits: 4), fmt(res.iat, digits: 4)])
        }
        nb.table(["γδ", "γ", "e^{−γδ}", "Var(y)·λ − 1", "Var(v)/u − 1", "IAT of y exact", "IAT of y measured"], frows)
        if let lo = iats.min(), let hi = iats.max() {
            nb.check("the mixing (IAT of y) depends on γδ", hi > 1.5 * lo, detail: "IAT from \(fmt(lo, digits: 4)) to \(fmt(hi, digits: 4)) steps across γδ = \(frictions.map { fmt($0) }.joined(separator: ", "))")
        }
    }
}
