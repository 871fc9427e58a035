import Figures
import Foundation
import NeuralNet
import Notebook
import NumericCore
import Samplers

/// What one batch of long chains produced.
struct LongChainResult {
    var member: Member
    var steps: Int, chains: Int, jumps: Int
    var switchesChain0: Int
    var meanSwitches: Double
    var classesVisitedChain0: Int
    /// Classes (blank not counted) visited by a chain, averaged over the chains.
    var meanClassesVisited: Double
    var stepsPerSecond: Double
    var walkFraction: Double
    var networkMillisecondsPerStep: Double
    var walkMillisecondsPerStep: Double
    var finite: Bool
    /// Blank jumps (contrast below the threshold) among the second half of all chains' jumps.
    var blankFractionSecondHalf: Double
    /// Mean contrast of the last quarter of all chains' jumps over that of an exact walk's jumps.
    var contrastRatioLastQuarter: Double
    /// Per chain, the contrast and the class (−1: blank) of every jump; chain 0's walk and jumps;
    /// every chain's last jump.
    var contrasts: [[Double]]
    var labels: [[Int]]
    var walk0: [Float], jump0: [Float]
    var lastJumps: [Float]
}

extension Chapter {
    /// Runs `longChains` chains of `m` as one batch for `longSteps` steps, jumping every `longJumpEvery`.
    func runLongChains(_ m: Member, seed: UInt64) -> LongChainResult {
        let p = s.preset, d = data.pixels, B = p.longChains
        var walk0 = [Float](), jump0 = [Float](), lastJumps = [Float](), labels = [[Int]](repeating: [], count: B)
        var contrasts = [[Double]](repeating: [], count: B)
        var trace = QualityTrace(name: "exact start, δ = \(fmt(m.step / m.sigma, digits: 3))σ", member: m)
        var window = WindowPool()
        let windowSteps = max(p.longJumpEvery, p.longSteps / p.diagnosticWindows)
        let sampler = runWalk(m, chains: B, steps: p.longSteps, start: longChainStart, seed: seed, denoiser: networkDenoiser,
                              label: "long chains " + m.label) { t, sampler in
            guard t % p.longJumpEvery == 0 else { return }
            let x = sampler.jump(), y = sampler.mean
            collect(&window, jump: x, mean: y)
            if t % windowSteps == 0 { closeWindow(&window, at: t, into: &trace) }
            walk0 += y[0..<d]; jump0 += x[0..<d]; lastJumps = x
            let l = predictions(x, count: B), c = contrast(x, count: B)
            for b in 0..<B { labels[b].append(l[b]); contrasts[b].append(c[b]) }
        }
        longTraces.append(trace)
        let jumps = labels[0].count
        let threshold = blankThreshold, reference = exactWalkContrast
        // A blank jump gets label −1: it is no class, and entering or leaving blank is not mixing.
        for b in 0..<B { for j in 0..<jumps where contrasts[b][j] < threshold { labels[b][j] = -1 } }
        let sw = labels.map { l in zip(l, l.dropFirst()).filter { $0 != $1 && $0 >= 0 && $1 >= 0 }.count }
        let visited = labels.map { Set($0.filter { $0 >= 0 }).count }
        let secondHalf = contrasts.flatMap { $0[(jumps / 2)...] }
        let lastQuarter = contrasts.flatMap { $0[(3 * jumps / 4)...] }
        return LongChainResult(
            member: m, steps: p.longSteps, chains: B, jumps: jumps, switchesChain0: sw[0],
            meanSwitches: Double(sw.reduce(0, +)) / Double(B), classesVisitedChain0: visited[0],
            meanClassesVisited: Double(visited.reduce(0, +)) / Double(B),
            stepsPerSecond: Double(p.longSteps) / max(1e-9, sampler.networkSeconds + sampler.walkSeconds),
            walkFraction: sampler.walkFraction,
            networkMillisecondsPerStep: 1000 * sampler.networkSeconds / Double(p.longSteps),
            walkMillisecondsPerStep: 1000 * sampler.walkSeconds / Double(p.longSteps), finite: sampler.isFinite,
            blankFractionSecondHalf: Double(secondHalf.filter { $0 < threshold }.count) / Double(max(1, secondHalf.count)),
            contrastRatioLastQuarter: lastQuarter.reduce(0, +) / Double(max(1, lastQuarter.count)) / reference,
            contrasts: contrasts, labels: labels, walk0: walk0, jump0: jump0, lastJumps: lastJumps)
    }

    /// The long chains start at an exact draw of the data's M-density: ȳ = x + σ_eff ε for held-out
    /// x (cycled), y_m = ȳ + σ(ε_m − ε̄), v ~ N(0, u I). Their statistics then measure the walk's own
    /// stationary law against the data's (the exact-start diagnostic), not the transient from noise.
    var longChainStart: WalkJumpStart {
        if exactLongStart.isEmpty {
            var r = s.rng(.exactStart)
            exactLongStart = exactMeans(count: s.preset.longChains, rng: &r)
        }
        return .givenMeans(exactLongStart)
    }

    func longChain() {
        let p = s.preset, m = s.longMember, B = p.longChains
        notebook.section("Long chains: walk and jumps")
        let compare = s.comparisonLongMember
        notebook.prose("\(B) chains of \(m.description) run as one batch for \(fmt(p.longSteps)) steps each at δ = \(fmt(m.step / m.sigma, digits: 3))σ, jumping every \(p.longJumpEvery) steps\(p.longSteps < 10_000 ? " (the full preset runs 10,000 steps; this preset runs fewer to fit its time budget)" : "")\(compare.map { ", and beside them the same \(B) chains at δ = \(fmt($0.step / $0.sigma, digits: 3))σ = \(fmt($0.step, digits: 3)) for comparison" } ?? ""). They start at an exact draw of the data's M-density: ȳ = x + σ_eff ε for \(B) held-out images x, y_m = ȳ + σ(ε_m − ε̄), v ~ N(0, u I) (exact in y; v is drawn from the mid-step law, whose end-of-step counterpart u/(1 − δ²λu/4) differs by a few per cent at δ = σ/2). So they start at the law the walk should keep, and what follows measures the walk's own stationary law, not the transient from noise (the diagnosis below compares them with the burn-in's chains from noise). Chain 0 is shown as a strip: the noisy walk ȳ_t on top, its jumps x̂_t = ν_θ(ȳ_t) below. Mixing is measured by the classifier's label of consecutive jumps: the number of class switches along each chain (blank jumps, see below, count as no class).")
        notebook.prose("A second yardstick watches for drift. At stationarity ȳ has the law of X + σ_eff ε (T4.1), so an exact walk's jumps have the law of ν_θ(X + σ_eff ε): their mean contrast (pixel standard deviation) is that of ν_θ on noisy held-out images. A discretised walk with too large a step samples a biased law (T1.6's step bias, here in R^{Md}); on these images the bias shows as jumps that thin out and fade towards blank, which the classifier would still label with some class.")
        let main = runLongChains(m, seed: s.seed(.longChains))
        let comparison = compare.map { runLongChains($0, seed: s.seed(.longChainsComparison)) }
        longResult = main
        stripFigure(main)
        let runs = [main] + (comparison.map { [$0] } ?? [])
        finalJumpsFigure(runs)
        contrastFigure(runs)
        func row(_ name: String, _ f: (LongChainResult) -> String) -> [String] { [name] + runs.map(f) }
        notebook.table(["quantity"] + runs.map { "δ = \(fmt($0.member.step / $0.member.sigma, digits: 3))σ = \(fmt($0.member.step, digits: 3))" }, [
            row("jumps per chain") { fmt($0.jumps) },
            row("blank jumps in the second half (all chains)") { fmt(100 * $0.blankFractionSecondHalf, digits: 3) + " %" },
            row("mean contrast of the last quarter / an exact walk's jumps'") { fmt($0.contrastRatioLastQuarter, digits: 3) },
            row("class switches along chain 0") { fmt($0.switchesChain0) },
            row("classes visited by chain 0") { fmt($0.classesVisitedChain0) },
            row("classes visited per chain (mean of \(B))") { fmt($0.meanClassesVisited, digits: 3) },
            row("mean switches per chain (\(B) chains)") { fmt($0.meanSwitches, digits: 4) },
            row("switches per 1000 steps") { fmt(1000 * $0.meanSwitches / Double(p.longSteps), digits: 4) },
            row("walk steps/s (\(B) chains, network + walk)") { fmtTiming($0.stepsPerSecond, digits: 4) },
            row("ν_θ call per step (\(B) images)") { fmtTiming($0.networkMillisecondsPerStep, digits: 4) + " ms" },
            row("walk arithmetic per step (M·B·d = \(fmt(m.measurements * B * data.pixels)) coordinates)") { fmtTiming($0.walkMillisecondsPerStep, digits: 4) + " ms" },
            row("walk arithmetic share of a step") { fmtTiming(100 * $0.walkFraction) + " %" },
        ])
        for r in runs {
            notebook.check("the long chains at δ = \(fmt(r.member.step / r.member.sigma, digits: 3))σ stay finite (\(B) × \(fmt(p.longSteps)) steps)", r.finite, detail: "all positions and velocities finite")
        }
        guard p.name != "tiny" else { return }
        let f = fmt(m.step / m.sigma, digits: 3)
        // Mixing is judged on all chains: one chain may spend its 10,000 steps between two classes.
        notebook.check("the long chains mix: at δ = \(f)σ a chain visits at least 3 classes on average (blank jumps not counted)",
                       measured: main.meanClassesVisited, atLeast: 3)
        notebook.check("the long chains at δ = \(f)σ stay on the data: ≤ 5 % blank jumps in their second half", measured: main.blankFractionSecondHalf, atMost: 0.05)
        notebook.check("the long chains at δ = \(f)σ keep their contrast: last quarter's mean within \(p.contrastBounds) × that of an exact walk's jumps ν_θ(x + σ_eff ε) (preset \(p.name))",
                       p.acceptsContrast(main.contrastRatioLastQuarter),
                       detail: "measured \(fmt(main.contrastRatioLastQuarter, digits: 3))")
        if let q = comparison {
            let fq = fmt(q.member.step / q.member.sigma, digits: 3)
            let fainter = q.contrastRatioLastQuarter < main.contrastRatioLastQuarter ? "δ = \(fq)σ" : "δ = \(f)σ"
            notebook.prose("At δ = \(fq)σ the same chains end with \(fmt(100 * q.blankFractionSecondHalf, digits: 3)) % blank jumps in their second half and a last-quarter contrast of \(fmt(q.contrastRatioLastQuarter, digits: 3))× an exact walk's, against \(fmt(100 * main.blankFractionSecondHalf, digits: 3)) % and \(fmt(main.contrastRatioLastQuarter, digits: 3))× at δ = \(f)σ; here the chains at \(fainter) are the fainter. The yardstick is the law of the data (ν_θ of noisy held-out images), not the law of ν_θ's own density: a smaller step follows ν_θ's density more closely (less of T1.6's step bias), so where that density is fainter than the data's — a network trained for fewer steps — the smaller step's chains fade more, not less. The checks above are on δ = \(f)σ; the comparison is reported, not checked.")
        }
    }

    /// Chain 0 as a strip: 12 consecutive jumps, then 12 spread over the whole chain.
    func stripFigure(_ run: LongChainResult) {
        let p = s.preset, d = data.pixels, m = run.member, jumps = run.jumps
        let cols = min(12, jumps)
        let consecutive = Array(0..<cols)
        let spread = (0..<cols).map { $0 * (jumps - 1) / max(1, cols - 1) }
        func frames(_ src: [Float], _ idx: [Int]) -> [Float] { idx.flatMap { src[($0 * d)..<(($0 + 1) * d)] } }
        let pix = frames(run.walk0, consecutive) + frames(run.jump0, consecutive) + frames(run.walk0, spread) + frames(run.jump0, spread)
        let g = grid(pix, count: 4 * cols, columns: cols,
                     title: "chain 0 of \(m.label): every \(p.longJumpEvery) steps (top pair), spread over \(fmt(p.longSteps)) steps (bottom pair)",
                     rowLabels: ["walk ȳ", "jump x̂", "walk ȳ", "jump x̂"])
        let classes = run.labels[0].prefix(60).map { $0 < 0 ? "·" : String($0) }.joined()
        notebook.figure("long-chain.png", caption: "One long chain as a strip: walk (noisy ȳ) and jump (x̂ = ν_θ(ȳ)) rows; top: consecutive jumps every \(p.longJumpEvery) steps; bottom: \(cols) jumps evenly spread over the \(fmt(p.longSteps)) steps. Classes of chain 0's jumps (· = blank): \(classes)\(jumps > 60 ? "…" : "").", grid: g)
    }

    /// The last jump of every long chain, one row per step size.
    func finalJumpsFigure(_ runs: [LongChainResult]) {
        let p = s.preset, B = min(p.longChains, 16)
        let pix = runs.flatMap { Array($0.lastJumps.prefix(B * data.pixels)) }
        let labels = runs.map { "δ = " + fmt($0.member.step / $0.member.sigma, digits: 3) + "σ" }
        let g = grid(pix, count: B * runs.count, columns: B, title: "last jumps after \(fmt(p.longSteps)) steps, \(runs[0].member.description)",
                     rowLabels: labels)
        notebook.figure("long-chain-final.png", caption: "The last jump x̂ of each of \(B) long chains after \(fmt(p.longSteps)) steps, one row per step size.", grid: g)
    }

    /// Mean (and lowest) contrast of the jumps along the chains for each step size, against the
    /// exact walk's jumps and the blank threshold.
    func contrastFigure(_ runs: [LongChainResult]) {
        let p = s.preset, jumps = runs[0].jumps
        let steps = (1...jumps).map { Double($0 * p.longJumpEvery) }
        let reference = exactWalkContrast, threshold = blankThreshold
        var plot = Plot(title: "Contrast of the jumps along the long chains, \(runs[0].member.description)", xLabel: "walk step",
                        yLabel: "pixel standard deviation of x̂")
        for r in runs {
            let f = "δ = " + fmt(r.member.step / r.member.sigma, digits: 3) + "σ"
            let column = { (j: Int) in r.contrasts.map { $0[j] } }
            plot.add(Series("\(f): mean over \(r.chains) chains", x: steps, y: (0..<jumps).map { column($0).reduce(0, +) / Double(r.chains) }, style: .line))
            plot.add(Series("\(f): lowest chain", x: steps, y: (0..<jumps).map { column($0).min() ?? 0 }, style: .line))
        }
        let ends = [steps[0], steps[jumps - 1]]
        plot.add(Series("exact walk's jumps ν_θ(x + σ_eff ε) (mean)", x: ends, y: [reference, reference], style: .dashed, color: .black))
        plot.add(Series("blank threshold", x: ends, y: [threshold, threshold], style: .dashed))
        let top = runs.flatMap { $0.contrasts.flatMap { $0 } }.max() ?? reference
        plot.yRange = 0...(1.6 * max(reference, top))
        notebook.figure("long-chain-contrast.png", caption: "Contrast (pixel standard deviation) of the jumps along the long chains: mean and lowest chain for each step size. The dashed black line is what the jumps of an exact walk would average (ν_θ of noisy held-out images); a chain that drifts off the data towards blank images falls below the blank threshold.", plot: plot)
    }
}
