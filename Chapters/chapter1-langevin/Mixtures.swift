import Figures
import Foundation
import Notebook
import NumericCore
import Samplers
import Theory

extension Chapter {
    // MARK: - §3 Mixtures: trapping, switch times, smoothing (T1.3, T1.4)

    func mixtures() {
        let nb = notebook
        nb.section("3. Mixtures of Gaussians: the score, trapping and smoothing (T1.3, T1.4)")
        nb.prose("""
        For p = Σ_k π_k N(μ_k, τ²I) the score is a responsibility-weighted pull towards the means. Near a \
        well-separated mode it is the score of a single Gaussian, so the chain is trapped: escaping needs \
        a climb of about Δ²/(8τ²) in −log p, and the mean time between switches grows like exp(Δ²/(8τ²)).
        """)
        nb.equation("∇log p(x) = Σ_k w_k(x) (μ_k − x)/τ²,   w_k(x) = π_k N(x; μ_k, τ²I) / Σ_j π_j N(x; μ_j, τ²I)")
        mixtureScore()
        trappingAndSmoothing()
        switchTimeScan()
    }

    /// The analytic mixture score against central differences of log p.
    func mixtureScore() {
        let nb = notebook
        let separation = setup.separation
        var rs = master.split()
        let mix1 = GaussianMixture(means: [[-separation / 2], [separation / 2]], variance: 1)
        var err1 = 0.0
        for i in 0...400 {
            let x = [-separation + 2 * separation * Double(i) / 400]
            err1 = max(err1, abs(mix1.score(x)[0] - mix1.finiteDifferenceScore(x)[0]))
        }
        let means2 = (0..<4).map { _ in [3 * rs.gaussian(), 3 * rs.gaussian()] }
        let mix2 = GaussianMixture(means: means2, weights: (0..<4).map { _ in 0.2 + rs.uniform() }, variance: 0.5)
        var err2 = 0.0
        for _ in 0..<500 {
            let x = [4 * rs.gaussian(), 4 * rs.gaussian()]
            err2 = max(err2, Stats.maxAbsoluteError(mix2.score(x), mix2.finiteDifferenceScore(x)))
        }
        nb.check("1-D mixture (Δ = \(fmt(separation))): analytic score = central differences of log p on 401 points", expected: 0, measured: err1, tolerance: .absolute(1e-6))
        nb.check("random 2-D 4-component mixture: analytic score = central differences at 500 points", expected: 0, measured: err2, tolerance: .absolute(1e-6))
    }

    /// Chains on p and on p * N(0, σ²) from one mode: switches, time in each mode, traces and histograms (T1.3, T1.4).
    func trappingAndSmoothing() {
        let nb = notebook
        let separation = setup.separation, sigma = setup.sigma, mixtureStep = setup.mixtureStep, trapSteps = setup.trapSteps
        let mix1 = GaussianMixture(means: [[-separation / 2], [separation / 2]], variance: 1)
        let s2 = sigma * sigma
        let smooth = mix1.smoothed(noiseVariance: s2)
        let centres = mix1.means
        let coreRadius = 1.0  // τ
        var rt = master.split()
        let trapped = OverdampedLangevin(step: mixtureStep).run(from: [-separation / 2], steps: trapSteps, score: mix1.score, rng: &rt)
        var rsm = master.split()
        let smoothed = OverdampedLangevin(step: mixtureStep).run(from: [-separation / 2], steps: trapSteps, score: smooth.score, rng: &rsm)
        let swT = ChainDiagnostics.modeSwitches(ChainDiagnostics.coreLabels(trace: trapped.trace, dimension: 1, centres: centres, radius: coreRadius))
        let swS = ChainDiagnostics.modeSwitches(ChainDiagnostics.coreLabels(trace: smoothed.trace, dimension: 1, centres: centres, radius: coreRadius))
        let kr = LangevinTheory.kramersSwitchTime(separation: separation, variance: 1)
        let expectedTrapped = kr.map { Double(trapSteps) * mixtureStep / $0 }
        nb.prose("""
        Two chains of \(fmt(trapSteps)) steps (h = \(fmt(mixtureStep))) start in the left mode of \
        ½N(−Δ/2, 1) + ½N(Δ/2, 1), Δ = \(fmt(separation)). A switch is counted when the chain enters the core \
        (radius τ) of the other mode. Kramers' formula for the diffusion predicts a mean time between \
        switches of \(kr.map { fmt($0, digits: 4) } ?? "—") time units, i.e. \(expectedTrapped.map { fmt($0, digits: 3) } ?? "—") \
        expected switches in this run. Smoothing with σ = \(fmt(sigma)) (T1.4: the same mixture with \
        τ² → τ² + σ² = \(fmt(1 + s2))) lowers the barrier to about Δ²/(8(τ²+σ²)) = \(fmt(separation * separation / (8 * (1 + s2)), digits: 3)).
        """)
        nb.check("trapped: the chain on p (Δ = \(fmt(separation))) switches at most twice in \(fmt(trapSteps)) steps", Double(swT.count) <= 2,
                 detail: "\(swT.count) switches (Kramers: ≈ \(expectedTrapped.map { fmt($0, digits: 3) } ?? "—") expected)")
        nb.check("smoothed: the chain on p * N(0, σ²) switches often (≥ 50 times)", swS.count >= 50,
                 detail: "\(swS.count) switches, mean interval \(fmt(swS.meanInterval, digits: 4)) steps")
        let right = smoothed.trace.map { $0 > 0 ? 1.0 : 0.0 }
        let bmR = ChainDiagnostics.batchMeans(right)
        nb.check("smoothed: fraction of time in the right mode = ½ (batch means)", expected: 0.5, measured: bmR.mean,
                 tolerance: .standardErrors(4, se: bmR.standardError))

        let thin = max(1, trapSteps / 2500)
        let tIdx = stride(from: 0, to: trapped.steps, by: thin).map { $0 }
        var tp = Plot(title: "Trapped (p) and smoothed (p * N(0, σ²)) chains, Δ = \(fmt(separation)), σ = \(fmt(sigma))", xLabel: "step", yLabel: "x")
        tp.add(Series("smoothed, σ = \(fmt(sigma)): \(swS.count) switches", x: tIdx.map(Double.init), y: tIdx.map { smoothed.trace[$0] }, style: .line, color: Color(0.95, 0.55, 0.1)))
        tp.add(Series("trapped in a mode: \(swT.count) switches", x: tIdx.map(Double.init), y: tIdx.map { trapped.trace[$0] }, style: .line, color: Color(0.1, 0.3, 0.8)))
        tp.add(Series("", x: [0, Double(trapSteps)], y: [-separation / 2, -separation / 2], style: .dashed, color: .gray))
        tp.add(Series("", x: [0, Double(trapSteps)], y: [separation / 2, separation / 2], style: .dashed, color: .gray))
        tp.width = 1000
        nb.figure("trace-trapped-vs-smoothed.png", caption: "Trace plots: the chain on p never leaves its mode; on the smoothed density it switches freely", plot: tp)

        let ext = separation / 2 + 4 * (1 + s2).squareRoot()
        var hp = Plot(title: "Histograms of the chains against their targets", xLabel: "x", yLabel: "density")
        hp.add(Series.histogram("trapped chain on p", trapped.trace, bins: 120, range: -ext...ext, color: Color(0.1, 0.3, 0.8)))
        hp.add(Series.histogram("smoothed chain", smoothed.trace, bins: 120, range: -ext...ext, color: Color(0.95, 0.55, 0.1)))
        let g = (0...400).map { -ext + 2 * ext * Double($0) / 400 }
        hp.add(Series("p (target)", x: g, y: g.map { exp(mix1.logDensity([$0])) }, style: .line, color: Color(0.05, 0.1, 0.4)))
        hp.add(Series("p * N(0, σ²)", x: g, y: g.map { exp(smooth.logDensity([$0])) }, style: .dashed, color: Color(0.6, 0.3, 0.0)))
        hp.width = 1000
        nb.figure("histograms-mixture.png", caption: "The trapped chain covers one mode of p only; the smoothed chain matches p * N(0, σ²)", plot: hp)
    }

    /// Mean time between switches against Δ, against Kramers and exp(Δ²/(8τ²)) (T1.3).
    func switchTimeScan() {
        let nb = notebook
        let separations = setup.separations, mixtureStep = setup.mixtureStep, scanSteps = setup.scanSteps
        nb.prose("""
        Mean time between switches against the separation (τ = 1, h = \(fmt(mixtureStep)), \
        \(fmt(scanSteps)) steps per Δ; time = steps × h). The growth is compared with exp(Δ²/(8τ²)) through \
        the slope of log T against Δ²/(8τ²) (1 for pure exp(Δ²/(8τ²)) growth; Kramers' formula, \
        which includes the barrier's curvature prefactor and the exact barrier height, gives the reference slope).
        """)
        var rows = [[String]]()
        var xs = [Double](), ys = [Double](), ks = [Double]()
        for delta in separations {
            let m = GaussianMixture(means: [[-delta / 2], [delta / 2]], variance: 1)
            var r = master.split()
            let run = OverdampedLangevin(step: mixtureStep).run(from: [-delta / 2], steps: scanSteps, score: m.score, rng: &r)
            let sw = ChainDiagnostics.modeSwitches(ChainDiagnostics.coreLabels(trace: run.trace, dimension: 1, centres: m.means, radius: 0.5))
            let t = sw.meanInterval * mixtureStep
            let k = LangevinTheory.kramersSwitchTime(separation: delta, variance: 1)
            rows.append([fmt(delta), fmt(sw.count), fmt(t, digits: 4), sw.count > 0 ? "± \(fmt(t / Double(sw.count).squareRoot(), digits: 2))" : "—",
                         k.map { fmt($0, digits: 4) } ?? "—", fmt(LangevinTheory.switchTimeGrowth(separation: delta, variance: 1), digits: 4)])
            if sw.count >= 5, let k { xs.append(delta * delta / 8); ys.append(log(t)); ks.append(log(k)) }
        }
        nb.table(["Δ", "switches", "mean time T", "≈ s.e. (T/√n)", "Kramers T", "exp(Δ²/8τ²)"], rows)
        if xs.count >= 2 {
            let fitM = Stats.linearFit(x: xs, y: ys)
            let fitK = Stats.linearFit(x: xs, y: ks)
            nb.check("log-slope of the switch time against Δ²/(8τ²) matches Kramers' slope", expected: fitK.slope, measured: fitM.slope, tolerance: .absolute(0.15))
            nb.check("switch times grow like exp(Δ²/(8τ²)) up to a slowly varying prefactor (log-slope in [0.7, 1.3])", fitM.slope >= 0.7 && fitM.slope <= 1.3,
                     detail: "slope \(fmt(fitM.slope, digits: 3)) (Kramers \(fmt(fitK.slope, digits: 3)))")
            var sp = Plot(title: "Mean time between mode switches vs separation", xLabel: "Δ²/(8τ²)", yLabel: "T (time units)", yScale: .log)
            let g = (0...50).map { xs.first! + (xs.last! - xs.first!) * Double($0) / 50 }
            let kGrid = g.map { LangevinTheory.kramersSwitchTime(separation: ($0 * 8).squareRoot(), variance: 1) ?? .nan }
            sp.add(Series("Kramers' formula", x: g, y: kGrid, style: .line))
            let c = exp(ys.last! - xs.last!)
            sp.add(Series("∝ exp(Δ²/(8τ²)) (through the last point)", x: g, y: g.map { c * exp($0) }, style: .dashed, color: .gray))
            sp.add(Series("measured", x: xs, y: ys.map { exp($0) }, style: .points, color: Color(0.8, 0.1, 0.1)))
            sp.yRange = (min(ys.map { exp($0) }.min()!, kGrid.compactMap { $0.isFinite ? $0 : nil }.min() ?? 1, c * exp(g[0])) / 1.5)...(exp(ys.max()!) * 8)
            nb.figure("switch-time-vs-separation.png", caption: "Mean time between switches grows like exp(Δ²/(8τ²))", plot: sp)
        } else {
            nb.check("the switch-time scan has at least two separations with ≥ 5 switches", false, detail: "too few switches: lengthen --scan-steps or lower --separations")
        }
    }
}
