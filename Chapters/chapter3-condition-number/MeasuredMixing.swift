import Foundation
import Figures
import Notebook
import NumericCore
import Samplers
import Theory

/// The section that runs the A-B-O-B-A chain on the Gaussian M-density and measures the integrated
/// autocorrelation time (IAT) of its slowest mode against what κ predicts (THEORY T3.7).
extension Chapter {
    /// The fixed choices of the section: the step in units of the stiffest mode, the effective friction,
    /// the M ladder, the chains and their lengths.
    enum MixingRun {
        /// c = δ √λ_max(F): δ = σ/2 for M ≥ 2 (λ_max(F) = 1/σ², T3.3), the walk-jump default step.
        static let stepRatio = 0.5
        /// γδ, the walk-jump default (`WalkJumpConfiguration`).
        static let effectiveFriction = 1.0
        /// M of the fixed-σ sweep and of the class (the class costs the same at every M: one κ).
        static let fixedLadder = [2, 4, 8], classLadder = [2, 4, 8, 16]
        static let chains = 16
        /// Chain length and burn-in in units of the predicted IAT.
        static let lengthInIAT = 100.0, burnInInIAT = 10.0
        /// Rows whose predicted IAT exceeds this are not run (the cost grows like τ², see the prose).
        static let largestIAT = 400.0
    }

    /// One row of the section's table.
    struct MixingRow {
        let sweep: String, m: Int, sigma: Double, kappa: Double, slowPrecision: Double
        let predicted: Double, resolvent: Double, measured: SlowModeMixing.Measurement
        var z: Double { (measured.iat - predicted) / measured.iatStandardError }
    }

    func measuredMixing(seed: UInt64) throws {
        let s = full
        let c = MixingRun.stepRatio, gd = MixingRun.effectiveFriction, B = MixingRun.chains
        notebook.section("κ predicts measured mixing: A-B-O-B-A on the M-density (T3.7)")
        // T3.6: the coordinates of λ_max and λ_min keep κ; the slow mode lives in the λ_max coordinate.
        let lambdas = s.lambdaMax == s.lambdaMin ? [s.lambdaMax] : [s.lambdaMax, s.lambdaMin]
        notebook.prose("""
            The "Langevin steps" column above is a formula. Here the chain runs. We take the A-B-O-B-A \
            splitting of chapter 1 (T1.6) on the Gaussian M-density itself, with the score −F y computed through \
            the structure (T4.2: (ȳ − y_m)/σ² + (1/M)∇log p_{σ/√M}(ȳ), O(Md) per state), and measure the \
            integrated autocorrelation time (IAT) of the slowest mode. By T3.3 the slowest eigenvector of F is \
            the mean direction of the largest data variance, z = √M ȳ_i with λ_i = λ_max, of precision \
            λ_min(F) = 1/(Mλ_max + σ²). A Gaussian target decouples into F's eigen-directions, so z is exactly \
            the 1-D A-B-O-B-A chain of precision λ_min(F), whose position IAT is (T3.7) \
            τ = 4 tanh(γδ/2)/(uδ²λ_min(F)) for every stable step. The step must respect the stiffest mode, \
            so δ = c/√λ_max(F) (here c = \(fmt(c)): δ = σ/2, the walk-jump default, with γδ = \(fmt(gd)) and u = 1), \
            and then δ²λ_min(F) = c²/κ:
            """)
        notebook.equation("τ_slow = 4 tanh(γδ/2) κ / (u c²)   (exact: the IAT is proportional to κ, log–log slope 1)",
                          "= \(fmt(SlowModeMixing.predictedIAT(conditionNumber: 1, stepRatio: c, effectiveFriction: gd), digits: 4)) κ here")
        notebook.prose("""
            So κ does count steps, exactly: at fixed σ τ grows linearly with M, and along a universality class \
            σ = σ_eff√M it is the same for every member M ≥ 2. The runs: data coordinates \
            \(lambdas.map { fmt($0) }.joined(separator: " and ")) (λ_max and λ_min of the chapter's spectrum; by \
            T3.6 this subset has the same κ), M ∈ {\(MixingRun.fixedLadder.map(String.init).joined(separator: ", "))} \
            at fixed σ = \(fmt(s.sigma)) and M ∈ {\(MixingRun.classLadder.map(String.init).joined(separator: ", "))} along the \
            class σ_eff = \(fmt(s.sigmaEff)). Each row runs B = \(B) \
            independent chains in one batch, from exact draws of y (x ~ N(0, Λ), y_m = x + σε_m; A-B-O-B-A keeps \
            Var y exact, T1.6) with v = 0, discards \(Int(MixingRun.burnInInIAT)) predicted IATs of burn-in (the \
            velocity's start) and records n = \(Int(MixingRun.lengthInIAT)) predicted IATs of z per chain. The IAT is \
            ChainDiagnostics' windowed estimator (window W ≥ 5τ) on the B series laid end to end (N = Bn), with \
            its own (Sokal's) standard error τ√(2(2W + 1)/N); the Samplers test suite checks that error against \
            the spread of B per-chain estimates. Pooling subtracts one sample mean instead of B, so the \
            estimator's mean-subtraction bias, about −(2W + 1)/N ≈ −10τ/(\(B)·\(Int(MixingRun.lengthInIAT))τ) ≈ \
            −\(fmt(1000 / (Double(B) * MixingRun.lengthInIAT), digits: 2)) per cent, and that of the B − 1 junctions \
            (≈ −τ/(2n) = −\(fmt(50 / MixingRun.lengthInIAT, digits: 2)) per cent) stay far below the standard error \
            (≈ √(20/\(B * Int(MixingRun.lengthInIAT))) ≈ \(fmt(100 * (20 / (Double(B) * MixingRun.lengthInIAT)).squareRoot(), digits: 2)) per cent). \
            The variance of z is the mean of z² (its exact mean is 0) with the between-chain standard error. \
            Random numbers: one stream per row, split from --seed \(seed).
            """)

        var master = Xoshiro256(seed: seed)
        var rows = [MixingRow](), skipped = [String]()
        let sweeps: [(String, [Int], (Int) -> Double)] = [("σ fixed", MixingRun.fixedLadder, { _ in s.sigma }),
                                                          ("class", MixingRun.classLadder, { s.sigmaEff * Double($0).squareRoot() })]
        for (name, ladder, sigmaOf) in sweeps {
            for M in ladder {
                var rng = master.split()  // one stream per row, drawn even for skipped rows (rows stay stable)
                let sigma = sigmaOf(M)
                let model = GaussianMDensity(spectrum: lambdas, measurements: M, sigma: sigma)
                let spectrum = model.closedFormSortedSpectrum()  // T3.3
                let kappa = model.closedFormConditionNumber()    // T3.4
                let delta = c / spectrum.last!.squareRoot()
                let predicted = SlowModeMixing.predictedIAT(conditionNumber: kappa, stepRatio: c, effectiveFriction: gd)
                guard predicted <= MixingRun.largestIAT else {
                    skipped.append("\(name) M = \(M) (κ = \(fmt(kappa)), τ = \(fmt(predicted)))"); continue
                }
                let resolvent = LangevinTheory.abobaPositionIAT(precision: spectrum.first!, step: delta, effectiveFriction: gd)!
                let start = SlowModeMixing.drawMeasurements(spectrum: lambdas, measurements: M, sigma: sigma, count: B, using: &rng)
                let score = model.structuredScore()
                let series = SlowModeMixing.slowModeSeries(
                    start: start, measurements: M, coordinate: 0,
                    integrator: UnderdampedLangevin(step: delta, effectiveFriction: gd),
                    steps: Int(MixingRun.lengthInIAT * predicted), burnIn: Int(MixingRun.burnInInIAT * predicted),
                    score: { y, g in score.batchScore(y, into: &g, batch: B) }, using: &rng)
                rows.append(MixingRow(sweep: name, m: M, sigma: sigma, kappa: kappa, slowPrecision: spectrum.first!,
                                      predicted: predicted, resolvent: resolvent, measured: SlowModeMixing.estimate(series: series)))
            }
        }
        if !skipped.isEmpty {
            notebook.prose("""
                Not run (predicted IAT above \(Int(MixingRun.largestIAT)) steps; a row costs 110τ steps of B chains \
                plus about 500Bτ² multiply-adds for the estimator): \(skipped.joined(separator: "; ")).
                """)
        }
        guard !rows.isEmpty else { return }

        notebook.table(["sweep", "M", "σ", "κ (T3.4)", "δ", "τ predicted (T3.7)", "τ measured ± s.e.", "z", "window W",
                        "Var z measured ± s.e.", "1/λ_min(F)"],
                       rows.map { r in
                           [r.sweep, String(r.m), fmt(r.sigma), fmt(r.kappa), fmt(r.sigma * c, digits: 4), fmt(r.predicted, digits: 5),
                            "\(fmt(r.measured.iat, digits: 4)) ± \(fmt(r.measured.iatStandardError, digits: 2))",
                            fmt(r.z, digits: 2), String(r.measured.window),
                            "\(fmt(r.measured.variance, digits: 4)) ± \(fmt(r.measured.varianceStandardError, digits: 2))",
                            fmt(1 / r.slowPrecision, digits: 4)]
                       })

        // Deterministic: T3.7's closed form against the 2×2 resolvent (I − M)⁻¹ of T1.6's one-step map.
        // Both are a handful of flops on numbers of size ≤ 10³; 1e-9 relative leaves room for the
        // cancellation in 1 − M (entries 1 − O(c²/κ)).
        let worstClosed = rows.map { Stats.relativeError($0.predicted, $0.resolvent) }.max()!
        notebook.check("T3.7: τ = 4 tanh(γδ/2)κ/(uc²) equals the resolvent IAT 1 + 2[(I − M)⁻¹MS]_yy/S_yy of T1.6 (worst row, rel. error)",
                       measured: worstClosed, atMost: 1e-9)
        for r in rows {
            // 4 s.e. (Sokal's τ√(2(2W + 1)/N) of the pooled series): false alarm 6e-5 per line.
            notebook.check("T3.7, \(r.sweep) M = \(r.m), κ = \(fmt(r.kappa)): measured slow-mode IAT = predicted (pooled \(B) chains; s.e. τ√(2(2W+1)/N))",
                           expected: r.predicted, measured: r.measured.iat, tolerance: .standardErrors(4, se: r.measured.iatStandardError))
            notebook.check("T1.6, \(r.sweep) M = \(r.m): Var z = 1/λ_min(F) exactly for A-B-O-B-A (mean of z² per chain; s.e. = sd of \(B) chains/√\(B))",
                           expected: 1 / r.slowPrecision, measured: r.measured.variance,
                           tolerance: .standardErrors(4, se: r.measured.varianceStandardError))
        }
        notebook.check("every row's IAT window converged (W ≥ 5τ before N/4)", rows.allSatisfy(\.measured.converged),
                       detail: "largest W/τ̂ = \(fmt(rows.map { Double($0.measured.window) / $0.measured.iat }.max()!, digits: 3)), N/4 = \(Int(Double(B) * MixingRun.lengthInIAT / 4)) τ")

        // The slope of log τ against log κ along the fixed-σ sweep, with Var(log τ̂_j) ≈ (s.e._j/τ̂_j)².
        let fixed = rows.filter { $0.sweep == "σ fixed" }
        var slopeText = ""
        if fixed.count >= 2 {
            let x = fixed.map { log($0.kappa) }, y = fixed.map { log($0.measured.iat) }
            let fit = Stats.linearFit(x: x, y: y)
            let se = Stats.linearFitSlopeStandardError(x: x, yStandardErrors: fixed.map { $0.measured.iatStandardError / $0.measured.iat })
            notebook.check("T3.7: log–log slope of measured IAT against κ at fixed σ = \(fmt(s.sigma)) is 1 (s.e. propagated from the per-M s.e.: √Σ w_j²(s.e._j/τ_j)²)",
                           expected: 1, measured: fit.slope, tolerance: .standardErrors(4, se: se))
            slopeText = " At fixed σ the measured log–log slope of τ against κ is \(fmt(fit.slope, digits: 4)) ± \(fmt(se, digits: 2)) (exactly 1 by T3.7)."
        }
        let along = rows.filter { $0.sweep == "class" }
        if along.count >= 2, let lo = along.first, let hi = along.last {
            // Ratio of two independent estimates: relative s.e.² = (s.e._a/τ_a)² + (s.e._b/τ_b)².
            let ratio = hi.measured.iat / lo.measured.iat
            let se = ratio * (pow(hi.measured.iatStandardError / hi.measured.iat, 2) + pow(lo.measured.iatStandardError / lo.measured.iat, 2)).squareRoot()
            notebook.check("T3.7: along the class σ_eff = \(fmt(s.sigmaEff)) the measured IAT at M = \(hi.m) equals that at M = \(lo.m) (ratio; s.e. of a ratio of independent estimates)",
                           expected: 1, measured: ratio, tolerance: .standardErrors(4, se: se))
        }
        let agree = rows.allSatisfy { abs($0.z) <= 4 }
        notebook.prose("""
            \(agree ? "Measured and predicted agree row by row (every |z| ≤ 4)." : "Some rows disagree with T3.7 (|z| > 4): see the ✗ lines.")\(slopeText) \
            Along the class every member mixes alike, \
            as κ = 1 + λ_max/σ_eff² says; at fixed σ each doubling of M doubles (κ − 1) and so, nearly, the number \
            of steps per independent sample. The fast directions (the (M − 1)d difference directions, precision \
            1/σ²) have IAT 4 tanh(γδ/2)/c² = \(fmt(SlowModeMixing.predictedIAT(conditionNumber: 1, stepRatio: c, effectiveFriction: gd), digits: 3)) \
            steps whatever M: κ is the ratio of the slow to the fast mixing time.
            """)

        let kappas = rows.map(\.kappa)
        let grid = (0...40).map { exp(log(kappas.min()! / 1.5) + Double($0) / 40 * log(kappas.max()! * 1.5 / (kappas.min()! / 1.5))) }
        var plot = Plot(title: "Slow-mode IAT of A-B-O-B-A on the M-density against κ(F)",
                        xLabel: "κ(F) = 1 + Mλ_max/σ²", yLabel: "IAT of z = √M ȳ (steps)", xScale: .log, yScale: .log)
        let ys = rows.flatMap { [$0.measured.iat + 4 * $0.measured.iatStandardError, max($0.measured.iat - 4 * $0.measured.iatStandardError, 1)] }
        plot.yRange = (ys.min()! / 1.5)...(ys.max()! * 6)  // headroom for the legend
        plot.add(Series("T3.7: 4 tanh(γδ/2) κ/c² (slope 1)", x: grid,
                        y: grid.map { SlowModeMixing.predictedIAT(conditionNumber: $0, stepRatio: c, effectiveFriction: gd) },
                        style: .line, color: Color.gray))
        for (k, (name, subset)) in [("measured, σ = \(fmt(s.sigma)) fixed", fixed), ("measured, class σ_eff = \(fmt(s.sigmaEff))", along)].enumerated()
        where !subset.isEmpty {
            let color = Color.cycle[k == 0 ? 0 : 3]
            plot.add(Series(name, x: subset.map(\.kappa), y: subset.map(\.measured.iat), style: .points, color: color))
            for r in subset {  // ±2 s.e. bars, unnamed (no legend entry)
                plot.add(Series("", x: [r.kappa, r.kappa],
                                y: [max(r.measured.iat - 2 * r.measured.iatStandardError, 1), r.measured.iat + 2 * r.measured.iatStandardError],
                                style: .line, color: color))
            }
        }
        notebook.figure("mixing-vs-kappa.png", caption: """
            Measured IAT of the slow mode z = √M ȳ_i (λ_i = λ_max) against κ(F), log–log, with ±2 s.e. bars \
            (\(B) chains per point, δ = σ/2, γδ = \(fmt(gd))). Blue: σ = \(fmt(s.sigma)) fixed, M = \
            \(fixed.map { String($0.m) }.joined(separator: ", ")); orange: the class σ_eff = \(fmt(s.sigmaEff)), \
            M = \(along.map { String($0.m) }.joined(separator: ", ")), all at the one κ = 1 + λ_max/σ_eff². \
            Line: T3.7, τ = 4 tanh(γδ/2) κ/c², exactly proportional to κ.
            """, plot: plot)
    }
}
