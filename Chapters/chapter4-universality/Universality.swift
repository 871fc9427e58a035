import Figures
import Foundation
import Notebook
import NumericCore
import Theory

extension Chapter {
    /// Monte Carlo loss of one member with one ν: mean, standard error and the estimates ν(ȳ).
    struct LossRun {
        let M: Int
        let sigma: Double
        let mean: Double
        let se: Double
        let estimates: [[Double]]
    }

    func lossRun(M: Int, sigma: Double, denoiser: @escaping GPSDenoiser) -> LossRun {
        var r = stream()
        let out = GPS.denoisingLosses(prior: prior, measurements: M, sigma: sigma, denoiser: denoiser,
                                      count: setup.samples, using: &r)
        return LossRun(M: M, sigma: sigma, mean: Stats.mean(out.losses), se: Stats.standardError(out.losses), estimates: out.estimates)
    }

    func universalityOfLearning() {
        notebook.section("Universality of learning (T4.5, T4.6)")
        let s = setup
        notebook.prose("""
            The GPS loss of member (M, σ) is E‖X − ν(Ȳ)‖². Since Ȳ = X + (σ/√M) ε̄ with ε̄ ~ N(0, I), it has the law of \
            X + σ_eff ε: the loss, and the law of x̂ = ν(Ȳ), depend on (M, σ) only through σ_eff. One ν — here the \
            optimal denoiser for σ_eff = \(fmt(s.sigmaEff)) — is evaluated on every member by simulating all M \
            measurements of each of n = \(s.samples) draws of X. Each member uses its own, independent draws, so the \
            standard error of a difference of two losses is √(se₁² + se₂²). For contrast, the same ν is applied to \
            members of the class σ_eff' = \(fmt(s.otherSigmaEff)), and to members with a common σ (which changes \
            σ_eff with M).
            """)
        let ref = s.members[0]
        let classRuns = s.members.map { lossRun(M: $0, sigma: s.sigma($0), denoiser: nu) }
        let otherSigma = { (M: Int) in s.otherSigmaEff * Double(M).squareRoot() }
        let otherRuns = s.members.map { lossRun(M: $0, sigma: otherSigma($0), denoiser: nu) }
        let nuOther = GPS.optimalDenoiser(prior: prior, sigmaEff: s.otherSigmaEff)
        let otherOwnRuns = s.members.map { lossRun(M: $0, sigma: otherSigma($0), denoiser: nuOther) }
        let commonSigma = s.sigma(s.members.last!)
        let fixedSigmaRuns = s.members.map { lossRun(M: $0, sigma: commonSigma, denoiser: nu) }

        var rows = [[String]]()
        for i in s.members.indices {
            let a = classRuns[i], b = otherRuns[i], c = otherOwnRuns[i], f = fixedSigmaRuns[i]
            rows.append(["\(a.M)", fmt(a.sigma, digits: 4), "\(fmt(a.mean, digits: 5)) ± \(fmt(a.se, digits: 2))",
                         fmt(b.sigma, digits: 4), "\(fmt(b.mean, digits: 5)) ± \(fmt(b.se, digits: 2))",
                         "\(fmt(c.mean, digits: 5)) ± \(fmt(c.se, digits: 2))",
                         fmt(commonSigma / Double(f.M).squareRoot(), digits: 4), "\(fmt(f.mean, digits: 5)) ± \(fmt(f.se, digits: 2))"])
        }
        notebook.table(["M", "σ (class σ_eff)", "loss of ν ± s.e.", "σ (class σ_eff')", "loss of ν ± s.e.", "loss of ν' ± s.e.",
                        "σ/√M at σ = \(fmt(commonSigma, digits: 3))", "loss of ν ± s.e."], rows)
        lossRows = classRuns.map { ($0.M, $0.mean, $0.se) }

        let a0 = classRuns[0]
        for run in classRuns.dropFirst() {
            let se = Stats.differenceStandardError(a0.se, run.se)
            notebook.check("T4.5 loss of (\(run.M), \(fmt(run.sigma, digits: 4))) equals loss of (\(ref), \(fmt(a0.sigma, digits: 4))) — same class, independent samples (4 s.e. of the difference)",
                           expected: a0.mean, measured: run.mean, tolerance: .standardErrors(4, se: se))
        }
        let b0 = otherRuns[0]
        for run in otherRuns.dropFirst() {
            let se = Stats.differenceStandardError(b0.se, run.se)
            notebook.check("T4.5 holds for any ν: in the class σ_eff' = \(fmt(s.otherSigmaEff)) the same (now suboptimal) ν gives equal losses for M = \(ref) and \(run.M) (4 s.e.)",
                           expected: b0.mean, measured: run.mean, tolerance: .standardErrors(4, se: se))
        }
        let contrast = otherRuns[min(1, otherRuns.count - 1)]
        let zContrast = abs(contrast.mean - a0.mean) / Stats.differenceStandardError(a0.se, contrast.se)
        notebook.check("a member of another class, (\(contrast.M), \(fmt(contrast.sigma, digits: 4))) with σ_eff' = \(fmt(s.otherSigmaEff)), has a different loss (|Δ| in s.e. of the difference ≥ 10)",
                       measured: zContrast, atLeast: 10)
        findings["loss z other class"] = zContrast

        // T4.6: two-sample tests on x̂.
        let designRate = (0.01 * Double(s.permutations + 1) + 1e-9).rounded(.down) / Double(s.permutations + 1)
        let bandwidth = s.tau * s.tau / (s.tau * s.tau + s.sigmaEff * s.sigmaEff).squareRoot() * Double(s.dim).squareRoot()
        notebook.prose("""
            T4.6: the laws of x̂ = ν(Ȳ) agree within a class. Two permutation tests (\(s.permutations) random \
            relabellings each) compare \(s.testSize) independent estimates of each member with \(s.testSize) of member \
            (\(ref), \(fmt(a0.sigma, digits: 4))): the energy distance, and the Gaussian-kernel MMD² with bandwidth \
            ℓ = τ²/√(τ² + σ_eff²)·√d = \(fmt(bandwidth, digits: 3)), the typical spread of x̂ inside one mode. The \
            decision uses the MMD at level α = 0.01: it should not separate members of one class, and should separate \
            the member of the other class. Under the null the p-value is uniform, so each same-class comparison \
            fails by design with probability P(p ≤ 0.01) = ⌊0.01(P + 1)⌋/(P + 1) = \(fmt(designRate, digits: 3)) (P = \(s.permutations) permutations), and one of the \(s.members.count - 1) same-class comparisons fails on ≈ \(fmt(100 * (1 - pow(1 - designRate, Double(s.members.count - 1))), digits: 2)) % of seeds (scripts/seed-sweep.sh counts them over seeds). The energy distance is shown as well: its ‖u − v‖ weighting is \
            dominated by the distances between modes (Δ = \(fmt(s.separation))), so at this sample size it barely \
            notices that the other class spreads x̂ more widely inside each mode — a reminder that a test that does \
            not separate two samples is only as informative as its power.
            """)
        var testRows = [[String]]()
        var r = stream()
        let sample = { (run: LossRun) in Array(run.estimates.prefix(s.testSize)) }
        func tests(_ a: LossRun, _ b: LossRun, _ relation: String) -> TwoSampleTest {
            let energy = TwoSampleTest(sample(a), sample(b), statistic: .energyDistance, permutations: s.permutations, using: &r)
            let mmd = TwoSampleTest(sample(a), sample(b), statistic: .gaussianMMD(bandwidth: bandwidth), permutations: s.permutations, using: &r)
            testRows.append(["(\(a.M), \(fmt(a.sigma, digits: 3))) vs (\(b.M), \(fmt(b.sigma, digits: 3)))", relation,
                             fmt(mmd.statistic, digits: 3), fmt(mmd.pValue, digits: 3), fmt(energy.statistic, digits: 3), fmt(energy.pValue, digits: 3)])
            return mmd
        }
        for run in classRuns.dropFirst() {
            let mmd = tests(a0, run, "same")
            notebook.check("T4.6 MMD test does not separate x̂ of (\(ref), \(fmt(a0.sigma, digits: 3))) and (\(run.M), \(fmt(run.sigma, digits: 3))) (p > 0.01; false-alarm rate \(fmt(designRate, digits: 3)), p is uniform under the null)",
                           measured: mmd.pValue, atLeast: 0.01 + 1e-12)
        }
        let across = tests(a0, contrast, "different")
        notebook.table(["pair", "class", "MMD²", "MMD p-value", "energy distance", "energy p-value"], testRows)
        notebook.check("T4.6 MMD test separates x̂ of a member of the other class (p ≤ 0.01; smallest possible p is \(fmt(1 / Double(s.permutations + 1), digits: 2)))",
                       measured: across.pValue, atMost: 0.01)
        findings["mmd p across"] = across.pValue

        // Figures.
        var plot = Plot(title: "Denoising loss of one ν across members", xLabel: "M (number of measurements)",
                        yLabel: "E‖X − ν(Ȳ)‖²  (± 2 s.e.)", xScale: .log)
        plot.width = 900; plot.height = 540
        let families: [(String, [LossRun], Series.Style)] = [
            ("class σ_eff = \(fmt(s.sigmaEff)), ν", classRuns, .linePoints),
            ("class σ_eff' = \(fmt(s.otherSigmaEff)), same ν", otherRuns, .linePoints),
            ("class σ_eff' = \(fmt(s.otherSigmaEff)), its own ν'", otherOwnRuns, .dashed),
            ("fixed σ = \(fmt(commonSigma, digits: 3)), ν (σ_eff varies)", fixedSigmaRuns, .linePoints),
        ]
        let lo = families.flatMap { $0.1.map { $0.mean - 2 * $0.se } }.min()!
        let hi = families.flatMap { $0.1.map { $0.mean + 2 * $0.se } }.max()!
        plot.yRange = (lo - 0.05 * (hi - lo))...(hi + 0.35 * (hi - lo))
        for (i, fam) in families.enumerated() {
            let color = Color.cycle[i]
            plot.add(Series(fam.0, x: fam.1.map { Double($0.M) }, y: fam.1.map(\.mean), style: fam.2, color: color))
            for run in fam.1 {
                plot.add(Series("", x: [Double(run.M), Double(run.M)], y: [run.mean - 2 * run.se, run.mean + 2 * run.se], style: .line, color: color))
            }
        }
        notebook.figure("loss-vs-M.png", caption: "Monte Carlo loss E‖X − ν(Ȳ)‖² (± 2 s.e.) against M: flat within a class (same σ_eff), different across classes; at fixed σ, changing M moves the model to another class.", plot: plot)

        var zoom = Plot(title: "Within the class σ_eff = \(fmt(s.sigmaEff)): loss minus member-\(ref) loss",
                        xLabel: "M (number of measurements)", yLabel: "loss(M) − loss(\(ref))  (± 2 s.e. of the difference)", xScale: .log)
        zoom.width = 900; zoom.height = 480
        let diffs = classRuns.map { $0.mean - a0.mean }
        let ses = classRuns.enumerated().map { i, run in i == 0 ? run.se : Stats.differenceStandardError(run.se, a0.se) }
        zoom.add(Series("loss difference", x: classRuns.map { Double($0.M) }, y: diffs, style: .points, color: Color.cycle[0]))
        zoom.add(Series("zero", x: [Double(s.members.first!) / 1.3, Double(s.members.last!) * 1.3], y: [0, 0], style: .dashed, color: .gray))
        for (i, run) in classRuns.enumerated() {
            zoom.add(Series("", x: [Double(run.M), Double(run.M)], y: [diffs[i] - 2 * ses[i], diffs[i] + 2 * ses[i]], style: .line, color: Color.cycle[0]))
        }
        let span = max(4 * (ses.max() ?? 1), diffs.map(abs).max()! * 1.5)
        zoom.yRange = (-span)...(1.6 * span)
        notebook.figure("loss-within-class.png", caption: "Zoom on one class: loss differences between members (bars ± 2 s.e. of the difference; at the reference member its own ± 2 s.e.) straddle zero.", plot: zoom)

        var hist = Plot(title: "Law of the first coordinate of x̂ = ν(ȳ)", xLabel: "x̂₁", yLabel: "density")
        hist.width = 900; hist.height = 500
        let values = classRuns.flatMap { $0.estimates.map { $0[0] } }
        let range = (values.min()! - 0.1)...(values.max()! + 0.1)
        for (i, run) in classRuns.enumerated() {
            var series = Series.histogram("(\(run.M), \(fmt(run.sigma, digits: 3))), σ_eff = \(fmt(s.sigmaEff))", run.estimates.map { $0[0] }, bins: 80, range: range, color: Color.cycle[i])
            series.style = i == 0 ? .line : .dashed
            hist.add(series)
        }
        var otherHist = Series.histogram("(\(contrast.M), \(fmt(contrast.sigma, digits: 3))), σ_eff' = \(fmt(s.otherSigmaEff))", contrast.estimates.map { $0[0] }, bins: 80, range: range, color: Color(0.8, 0.1, 0.1))
        otherHist.style = .line
        hist.add(otherHist)
        let top = hist.series.flatMap(\.y).max() ?? 1
        hist.yRange = 0...(top * 1.35)
        notebook.figure("xhat-histograms.png", caption: "Histograms of x̂₁ for the members of one class (they coincide) and for a member of another class (it differs).", plot: hist)
    }
}
