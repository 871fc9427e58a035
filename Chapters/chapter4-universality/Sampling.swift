import Dispatch
import Figures
import Foundation
import Notebook
import NumericCore
import Samplers
import Theory

extension Chapter {
    /// Per-member summary of one walk: each statistic is computed per chain, then averaged over the
    /// independent chains (standard error = sd over chains / √chains).
    struct WalkSummary {
        let M: Int
        let rescaling: MeasurementChain.Rescaling
        let integrator: UnderdampedLangevin
        let record: MeasurementChain.Record
        let iat: (mean: Double, se: Double)
        let switchesPer1000: (mean: Double, se: Double)
        let meanVariance: (mean: Double, se: Double)
        let differenceVariance: (mean: Double, se: Double)
        let differenceVelocity: (mean: Double, se: Double)
        let seconds: Double
    }

    static func meanSE(_ x: [Double]) -> (mean: Double, se: Double) { (Stats.mean(x), Stats.standardError(x)) }

    func samplingWithinAClass() {
        let s = setup
        notebook.section("Sampling within a class (T4.7)")
        notebook.prose("""
            Members of a class share their loss, but not their sampling. Rotate R^{Md} orthonormally, per data \
            coordinate, into z = √M ȳ (the mean direction) and (M − 1) difference directions (Helmert basis). The \
            energy splits into independent parts:
            """)
        notebook.equation("−log p(y) = ‖w‖²/(2σ²) + φ(z/√M) + const,   w = difference coordinates,  φ = −log p_{σ_eff}",
                          "⇒ differences ~ N(0, σ²) exactly, independent of z;  ∇_z = (1/√M) ∇φ(ȳ)")
        notebook.prose("""
            The A-B-O-B-A integrator (step δ, friction γ, inverse mass u, isotropic noise) commutes with this \
            rotation, so the two parts evolve independently. Averaging the velocity update over m (v̄ = mean of v_m, \
            ψ̄ = mean of ψ_m = (1/M)∇log p_{σ_eff}(ȳ)) gives the ȳ-chain:
            """)
        notebook.equation("ȳ ← ȳ + (δ/2) v̄;   v̄ ← v̄ + (uδ/2)(1/M) ∇log p_{σ_eff}(ȳ)",
                          "v̄ ← e^{−γδ} v̄ + √((u/M)(1 − e^{−2γδ})) ξ;   v̄ ← v̄ + (uδ/2)(1/M) ∇log p_{σ_eff}(ȳ);   ȳ ← ȳ + (δ/2) v̄")
        notebook.prose("""
            This is A-B-O-B-A on p_{σ_eff} with inverse mass u/M: ȳ sees the gradient scaled by 1/M and the noise by \
            1/√M. Two rescalings therefore give every member exactly (in discrete time, not only as δ → 0) the ȳ-chain \
            of the single-measurement member run with (δ₁, γ₁, u = 1):
            """)
        notebook.equation("(a) u_M = M, same δ₁ and γ₁:        ȳ sees inverse mass 1",
                          "(b) u = 1, δ_M = √M δ₁, γ_M = γ₁/√M:  with w = √M v̄ the updates are those of member 1;",
                          "    the effective friction γδ is unchanged, and δ_M/σ_M = δ₁/σ_eff — i.e. a step proportional to σ")
        notebook.prose("""
            Rule (b) is what a step proportional to σ does (the walk-jump code's δ = σ/2), provided the effective \
            friction γδ is held fixed: within a class it keeps the ȳ-dynamics identical. Without rescaling (same δ, γ, u for all M) ȳ moves like a particle M times heavier: in the \
            underdamped regime its time scale grows like √M, in the overdamped regime (friction dominating) like M, so \
            the integrated autocorrelation time (IAT) of ȳ should grow between √M and M and mode switches become rarer. \
            The difference directions are Gaussian, and for a quadratic energy A-B-O-B-A samples the position \
            exactly: solving the 2×2 stationary covariance equation of its linear one-step map gives position \
            variance σ² for any δ and γ, while the end-of-step velocity variance is inflated to u/(1 − uδ²/(4σ²)) \
            instead of u. So the difference directions must have variance σ² itself, with no step-size bias, and \
            their velocities the inflated value; both are checked.
            """)
        notebook.prose("""
            Set-up: \(s.chains) independent chains per member, each started from an exact draw of the M-density \
            (x from the prior, y_m = x + σ ε_m), velocity 0, \(s.burnIn) burn-in steps, then \(s.steps) recorded steps. \
            Score: GPS with the optimal ν of the class (equal to the exact score). δ₁ = \(fmt(s.step)), \
            γδ₁ = \(fmt(s.effectiveFriction)), u = 1 unless rescaled. Statistics per chain: IAT of ȳ₁ (Sokal window, \
            c = 5), mode switches per 1000 steps (ȳ is committed to mode k when its responsibility under p_{σ_eff} \
            is ≥ 0.9; a switch is a commitment to a different mode), the variance of ȳ₁, and the average of \
            Σ_m ‖y_m − ȳ‖²/((M − 1)d). Means over chains ± s.e. over chains.
            """)

        // The Helmert coordinates used in the derivation: orthonormal, mean block √M ȳ, differences blind to ȳ.
        var hr = stream()
        var worstNorm = 0.0, worstMean = 0.0, worstShift = 0.0
        for _ in 0..<100 {
            let M = 1 + hr.int(below: 16)
            let y = hr.gaussians(M * s.dim, std: 2)
            let h = MeasurementChain.helmertCoordinates(y, measurements: M)
            worstNorm = max(worstNorm, Stats.relativeError(h.reduce(0) { $0 + $1 * $1 }, y.reduce(0) { $0 + $1 * $1 }))
            let mean = MixtureMDensity.measurementMean(y, measurements: M)
            worstMean = max(worstMean, Stats.maxAbsoluteError(Array(h[0..<s.dim]), mean.map { $0 * Double(M).squareRoot() }))
            let shift = hr.gaussians(s.dim, std: 3)
            let hs = MeasurementChain.helmertCoordinates(y.indices.map { y[$0] + shift[$0 % s.dim] }, measurements: M)
            worstShift = max(worstShift, Stats.maxAbsoluteError(Array(hs[s.dim...]), Array(h[s.dim...])))
        }
        notebook.check("Helmert coordinates are orthonormal (‖Hy‖ = ‖y‖), block 0 is √M ȳ, and the difference blocks ignore a common shift of all y_m (max error, 100 random y, M ≤ 16)",
                       expected: 0, measured: max(worstNorm, worstMean, worstShift), tolerance: .absolute(1e-12))

        // The walks: member × rescaling; the three rescalings coincide at M = 1.
        var jobs: [(M: Int, rescaling: MeasurementChain.Rescaling)] = []
        for rescaling in MeasurementChain.Rescaling.allCases {
            for M in s.members where !(M == 1 && rescaling != .fixed) { jobs.append((M, rescaling)) }
        }
        let streams = jobs.map { _ in stream() }
        let work = jobs
        final class Results: @unchecked Sendable {
            var items: [WalkSummary?]
            let lock = NSLock()
            init(_ n: Int) { items = [WalkSummary?](repeating: nil, count: n) }
        }
        let results = Results(jobs.count)
        let smoothed = prior.smoothed(noiseVariance: s.sigmaEff * s.sigmaEff)
        let nu = self.nu, prior = self.prior
        DispatchQueue.concurrentPerform(iterations: jobs.count) { j in
            let summary = Chapter.walk(M: work[j].M, rescaling: work[j].rescaling, setup: s, prior: prior, nu: nu,
                                       smoothed: smoothed, rng: streams[j])
            results.lock.lock(); results.items[j] = summary; results.lock.unlock()
        }
        let all = results.items.map { $0! }
        func walks(_ rescaling: MeasurementChain.Rescaling) -> [WalkSummary] {
            s.members.map { M in all.first { $0.M == M && ($0.rescaling == rescaling || (M == 1 && $0.rescaling == .fixed)) }! }
        }
        let fixed = walks(.fixed), stepSqrt = walks(.stepSqrtM), mass = walks(.massM)
        let names: [(MeasurementChain.Rescaling, String)] = [(.fixed, "fixed δ, γ, u"), (.stepSqrtM, "δ ∝ √M, γδ fixed, u = 1"), (.massM, "u ∝ M, δ, γ fixed")]

        var rows = [[String]]()
        for (rescaling, label) in names {
            for w in walks(rescaling) {
                rows.append([label, "\(w.M)", fmt(w.integrator.step, digits: 4), fmt(w.integrator.friction * w.integrator.step, digits: 3),
                             fmt(w.integrator.inverseMass, digits: 3),
                             "\(fmt(w.iat.mean, digits: 4)) ± \(fmt(w.iat.se, digits: 2))",
                             "\(fmt(w.switchesPer1000.mean, digits: 4)) ± \(fmt(w.switchesPer1000.se, digits: 2))",
                             "\(fmt(w.meanVariance.mean, digits: 4)) ± \(fmt(w.meanVariance.se, digits: 2))",
                             w.M > 1 ? "\(fmt(w.differenceVariance.mean / (s.sigma(w.M) * s.sigma(w.M)), digits: 5)) ± \(fmt(w.differenceVariance.se / (s.sigma(w.M) * s.sigma(w.M)), digits: 2))" : "—",
                             w.M > 1 ? "\(fmt(w.differenceVelocity.mean / w.integrator.inverseMass, digits: 5)) ± \(fmt(w.differenceVelocity.se / w.integrator.inverseMass, digits: 2))" : "—",
                             fmtTiming(w.seconds)])
            }
        }
        notebook.table(["walk", "M", "δ", "γδ", "u", "IAT of ȳ₁ (steps)", "switches / 1000 steps", "Var ȳ₁", "diff. variance / σ²", "diff. velocity var. / u", "time (s)"], rows)
        for (rescaling, _) in names { samplingRows[rescaling.rawValue] = walks(rescaling).map { ($0.M, $0.iat.mean, $0.iat.se, $0.switchesPer1000.mean, $0.switchesPer1000.se) } }

        // Difference directions: variance σ².
        for w in all where w.M > 1 {
            let s2 = s.sigma(w.M) * s.sigma(w.M)
            notebook.check("T4.7 difference directions have variance σ² = \(fmt(s2, digits: 4)) (M = \(w.M), \(names.first { $0.0 == w.rescaling }!.1); 4 s.e. over chains)",
                           expected: s2, measured: w.differenceVariance.mean, tolerance: .standardErrors(4, se: w.differenceVariance.se))
            let predicted = MeasurementChain.abobaStationaryVariances(variance: s2, step: w.integrator.step, inverseMass: w.integrator.inverseMass).velocity
            notebook.check("A-B-O-B-A velocity variance in the difference directions is u/(1 − uδ²/(4σ²)) = \(fmt(predicted, digits: 5)), not u = \(fmt(w.integrator.inverseMass, digits: 3)) (M = \(w.M), \(names.first { $0.0 == w.rescaling }!.1); 4 s.e.)",
                           expected: predicted, measured: w.differenceVelocity.mean, tolerance: .standardErrors(4, se: w.differenceVelocity.se))
        }

        // Fixed step: mixing slows with M.
        let first = fixed.first!, last = fixed.last!
        // How many s.e. is the growth? A chain of n steps holds n/τ effective draws, and Sokal's estimate
        // of τ has a relative error √(2(2W + 1)/n) ≈ √(22τ/n) (window W ≈ 5τ): CV ≈ 1 for the M = 16
        // chains (τ ≈ 500–950, n = 20 000), against 0.3 for M = 1 (τ ≈ 95). The s.e. of the difference is
        // dominated by M = 16's, so z ≈ √chains (1 − τ₁/τ₁₆)/CV₁₆ ≈ √32 · 0.9/1 ≈ 5 on every seed,
        // whatever the seed: the former "≥ 5 s.e." bound sat at the statistic's own mean and would have
        // failed on 9 of 20 seeds (seed sweep, docs/seed-sweep.md: z = 3.3–6.6, mean 5.0, sd 0.75).
        // More chains, not a better
        // estimator, would raise z: the chains hold ≈ 32 · 20 000/900 ≈ 700 effective draws in all,
        // and a pooled or log-scale estimate is no more precise (log τ̂ is worse: a chain far too short
        // for its τ can return τ̂ ≤ 1). The check is a detection: 3 s.e. one-sided passes a member
        // that did NOT slow down with probability 1 − Φ(3) = 1.3e-3, and misses the ≈ 5 s.e. growth when
        // z falls 2 s.e. below its mean: Φ(−2/0.75) ≈ 0.4 % of seeds, far above the 6.3e-5 of a 4-s.e.
        // check — the price of 32 chains; twice as many would bring z to ≈ 7 and the miss rate to ~1e-7.
        let zIAT = (last.iat.mean - first.iat.mean) / Stats.differenceStandardError(last.iat.se, first.iat.se)
        notebook.check("at fixed δ, γ, u the ȳ-chain's IAT grows from M = \(first.M) to M = \(last.M) (increase ≥ 3 s.e., one-sided: false-alarm rate 1.3e-3 if it did not grow; expected ≈ 5 s.e. at the default size)",
                       measured: zIAT, atLeast: 3)
        let zSwitch = (first.switchesPer1000.mean - last.switchesPer1000.mean)
            / Stats.differenceStandardError(last.switchesPer1000.se, first.switchesPer1000.se)
        notebook.check("at fixed δ, γ, u mode switches become rarer from M = \(first.M) to M = \(last.M) (drop ≥ 5 s.e.)",
                       measured: zSwitch, atLeast: 5)
        let fit = Stats.linearFit(x: fixed.map { log(Double($0.M)) }, y: fixed.map { log($0.iat.mean) })
        findings["iat exponent"] = fit.slope
        findings["iat ratio"] = last.iat.mean / first.iat.mean
        notebook.check("at fixed δ, γ, u the IAT grows like M^a with a between 1/2 (underdamped limit) and 1 (overdamped limit) (±0.15)",
                       fit.slope >= 0.35 && fit.slope <= 1.15,
                       detail: "log–log slope of IAT against M: a = \(fmt(fit.slope, digits: 3)); IAT(\(last.M))/IAT(\(first.M)) = \(fmt(last.iat.mean / first.iat.mean, digits: 3))")

        notebook.prose("""
            At the fixed step the largest member's chains hold only about \(fmt(Double(s.steps) / last.iat.mean, digits: 3)) \
            effectively independent draws each (steps/IAT), so even their Var ȳ₁ (\(fmt(last.meanVariance.mean, digits: 4)) \
            ± \(fmt(last.meanVariance.se, digits: 2)) against \(fmt(first.meanVariance.mean, digits: 4)) for M = \(first.M)) and \
            their IAT are biased low: slow mixing also makes its own diagnostics optimistic. The velocity check shows \
            why the ȳ-statistics and not the velocities are compared: at δ/σ = \(fmt(s.step / s.sigmaEff, digits: 3)) \
            the A-B-O-B-A velocities are \(fmt(100 * (1 / (1 - pow(s.step / s.sigmaEff, 2) / 4) - 1), digits: 3))% \
            hotter than u, while the positions are exact.
            """)

        // Rescaled walks agree with the reference member.
        for (rescaling, label) in names where rescaling != .fixed {
            let group = walks(rescaling)
            let ref = group[0]
            for w in group.dropFirst() {
                func se(_ a: (mean: Double, se: Double), _ b: (mean: Double, se: Double)) -> Double { Stats.differenceStandardError(a.se, b.se) }
                notebook.check("\(label): IAT of ȳ₁ for M = \(w.M) equals M = \(ref.M) (4 s.e., independent chains)",
                               expected: ref.iat.mean, measured: w.iat.mean, tolerance: .standardErrors(4, se: se(ref.iat, w.iat)))
                notebook.check("\(label): mode switches / 1000 steps for M = \(w.M) equal M = \(ref.M) (4 s.e.)",
                               expected: ref.switchesPer1000.mean, measured: w.switchesPer1000.mean,
                               tolerance: .standardErrors(4, se: se(ref.switchesPer1000, w.switchesPer1000)))
                notebook.check("\(label): Var ȳ₁ for M = \(w.M) equals M = \(ref.M) (4 s.e.)",
                               expected: ref.meanVariance.mean, measured: w.meanVariance.mean,
                               tolerance: .standardErrors(4, se: se(ref.meanVariance, w.meanVariance)))
            }
        }

        // Figures.
        samplingFigures(fixed: fixed, stepSqrt: stepSqrt, mass: mass)
    }

    /// One walk of `setup.chains` chains for member M under a rescaling rule (runs on a worker thread).
    static func walk(M: Int, rescaling: MeasurementChain.Rescaling, setup s: ChapterSetup, prior: GaussianMixture,
                     nu: @escaping GPSDenoiser, smoothed: GaussianMixture, rng: Xoshiro256) -> WalkSummary {
        let clock = Stopwatch()
        var r = rng
        let sigma = s.sigma(M)
        let density = MixtureMDensity(prior: prior, measurements: M, sigma: sigma)
        let start = density.sample(s.chains, using: &r).y
        let integrator = rescaling.integrator(measurements: M, step: s.step, friction: s.friction)
        let gps = GPSScore(measurements: M, sigma: sigma, dataDimension: s.dim, denoiser: nu)
        let chains = s.chains
        let record = MeasurementChain.run(start: start, measurements: M, integrator: integrator, steps: s.steps, burnIn: s.burnIn,
                                          score: { y, g in gps.batchScore(y, into: &g, batch: chains) }, using: &r)
        var iats = [Double](), switches = [Double](), variances = [Double]()
        for c in 0..<chains {
            let x = record.meanTrace(chain: c, coordinate: 0)
            iats.append(ChainDiagnostics.integratedAutocorrelationTime(x).tau)
            variances.append(Stats.variance(x))
            let labels: [Int?] = (0..<record.recordedSteps).map { t in
                let w = smoothed.responsibilities(record.mean(chain: c, step: t))
                let k = w.indices.max { w[$0] < w[$1] }!
                return w[k] >= 0.9 ? k : nil
            }
            switches.append(1000 * Double(ChainDiagnostics.modeSwitches(labels).count) / Double(record.recordedSteps))
        }
        return WalkSummary(M: M, rescaling: rescaling, integrator: integrator, record: record,
                           iat: meanSE(iats), switchesPer1000: meanSE(switches), meanVariance: meanSE(variances),
                           differenceVariance: M > 1 ? meanSE(record.differenceVariance) : (.nan, .nan),
                           differenceVelocity: M > 1 ? meanSE(record.differenceVelocityVariance) : (.nan, .nan),
                           seconds: clock.seconds)
    }

    func samplingFigures(fixed: [WalkSummary], stepSqrt: [WalkSummary], mass: [WalkSummary]) {
        let s = setup
        let shown = min(s.steps, 4000)
        let offset = 2 * s.separation + 4 * (s.tau * s.tau + s.sigmaEff * s.sigmaEff).squareRoot()
        for (file, group, title) in [("ybar-traces-fixed-step.png", fixed, "ȳ₁ traces at fixed δ = \(fmt(s.step, digits: 3)), γδ = \(fmt(s.effectiveFriction, digits: 3)), u = 1"),
                                     ("ybar-traces-rescaled.png", stepSqrt, "ȳ₁ traces with δ = √M·\(fmt(s.step, digits: 3)), γδ = \(fmt(s.effectiveFriction, digits: 3)), u = 1")] {
            var plot = Plot(title: title, xLabel: "step", yLabel: "ȳ₁ (members shifted apart)")
            plot.width = 1000; plot.height = 140 + 150 * group.count
            for (i, w) in group.enumerated() {
                let shift = Double(group.count - 1 - i) * offset
                let trace = Array(w.record.meanTrace(chain: 0, coordinate: 0).prefix(shown))
                let label = "M = \(w.M), σ = \(fmt(s.sigma(w.M), digits: 3))" + (shift == 0 ? "" : "  (shifted by +\(fmt(shift, digits: 3)))")
                plot.add(Series(label, x: trace.indices.map(Double.init), y: trace.map { $0 + shift }, style: .line, color: Color.cycle[i]))
            }
            let top = Double(group.count - 1) * offset + s.separation / 2 + 3 * (s.tau * s.tau + s.sigmaEff * s.sigmaEff).squareRoot()
            let bottom = -s.separation / 2 - 3 * (s.tau * s.tau + s.sigmaEff * s.sigmaEff).squareRoot()
            plot.yRange = bottom...(top + 0.25 * (top - bottom))
            notebook.figure(file, caption: "First coordinate of ȳ along one chain per member (first \(shown) recorded steps). "
                            + (file.contains("fixed") ? "At a fixed step the larger-M chains move more slowly and switch modes less often." : "With δ ∝ √M (γδ fixed) the members' ȳ-chains are statistically the same."),
                            plot: plot)
        }
        let groups: [(String, [WalkSummary], Series.Style)] = [("fixed δ, γ, u", fixed, .linePoints), ("δ ∝ √M, γδ fixed", stepSqrt, .linePoints), ("u ∝ M", mass, .dashed)]
        let Ms = s.members.map(Double.init)
        var iatPlot = Plot(title: "Integrated autocorrelation time of ȳ₁ against M", xLabel: "M", yLabel: "IAT (steps, ± 2 s.e.)", xScale: .log, yScale: .log)
        iatPlot.width = 900; iatPlot.height = 540
        for (i, g) in groups.enumerated() {
            iatPlot.add(Series(g.0, x: Ms, y: g.1.map(\.iat.mean), style: g.2, color: Color.cycle[i]))
            for w in g.1 { iatPlot.add(Series("", x: [Double(w.M), Double(w.M)], y: [max(1e-3, w.iat.mean - 2 * w.iat.se), w.iat.mean + 2 * w.iat.se], style: .line, color: Color.cycle[i])) }
        }
        let base = fixed[0]
        iatPlot.add(Series("∝ √M", x: Ms, y: Ms.map { base.iat.mean * ($0 / Double(base.M)).squareRoot() }, style: .dashed, color: .gray))
        iatPlot.add(Series("∝ M", x: Ms, y: Ms.map { base.iat.mean * $0 / Double(base.M) }, style: .dashed, color: Color(0.3, 0.3, 0.3)))
        let iatValues = groups.flatMap { $0.1.flatMap { [$0.iat.mean - 2 * $0.iat.se, $0.iat.mean + 2 * $0.iat.se] } } + Ms.map { base.iat.mean * $0 / Double(base.M) }
        let iatLow = max(1e-3, iatValues.filter { $0 > 0 }.min()! / 1.3), iatHigh = iatValues.max()!
        iatPlot.yRange = iatLow...(iatHigh * pow(iatHigh / iatLow, 0.45))
        notebook.figure("iat-vs-M.png", caption: "IAT of ȳ₁ against M: it grows at a fixed step (between the √M and M guides) and stays flat after either rescaling.", plot: iatPlot)

        var swPlot = Plot(title: "Mode switches of ȳ per 1000 steps against M", xLabel: "M", yLabel: "switches / 1000 steps (± 2 s.e.)", xScale: .log)
        swPlot.width = 900; swPlot.height = 500
        for (i, g) in groups.enumerated() {
            swPlot.add(Series(g.0, x: Ms, y: g.1.map(\.switchesPer1000.mean), style: g.2, color: Color.cycle[i]))
            for w in g.1 { swPlot.add(Series("", x: [Double(w.M), Double(w.M)], y: [w.switchesPer1000.mean - 2 * w.switchesPer1000.se, w.switchesPer1000.mean + 2 * w.switchesPer1000.se], style: .line, color: Color.cycle[i])) }
        }
        let topSw = groups.flatMap { $0.1.map { $0.switchesPer1000.mean + 2 * $0.switchesPer1000.se } }.max() ?? 1
        swPlot.yRange = 0...(topSw * 1.3)
        notebook.figure("mode-switches-vs-M.png", caption: "Mode switches per 1000 steps against M: fewer at a fixed step as M grows; equal across members after rescaling.", plot: swPlot)
    }
}
