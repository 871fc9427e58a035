import Figures
import Notebook
import NumericCore
import Samplers

extension Chapter {
    /// The class's shared burn-in: `chains` chains of `m` from noise for `preset.burnIn` steps. Returns
    /// their means ȳ (which start every member and the long chains) and plots the contrast of their
    /// jumps (one jump every `jumpEvery` steps) to show the transient the burn-in absorbs.
    func runBurnIn(_ m: Member) -> [Float] {
        let p = s.preset, B = p.chains, every = max(1, min(p.jumpEvery, p.burnIn / 20))
        var steps = [Double](), meanContrasts = [Double](), lowest = [Double]()
        let pool = runWalk(m, chains: B, steps: p.burnIn, seed: s.seed &+ 99, denoiser: networkDenoiser,
                           label: "burn-in " + m.label) { t, sampler in
            guard t % every == 0 else { return }
            let c = contrast(sampler.jump(), count: B)
            steps.append(Double(t)); meanContrasts.append(c.reduce(0, +) / Double(B)); lowest.append(c.min() ?? 0)
        }
        guard !steps.isEmpty else { return pool.mean }
        var plot = Plot(title: "Contrast of the jumps along the shared burn-in, \(m.label)", xLabel: "walk step",
                        yLabel: "pixel standard deviation of x̂")
        plot.add(Series("mean over \(B) chains", x: steps, y: meanContrasts, style: .line))
        plot.add(Series("lowest chain", x: steps, y: lowest, style: .line))
        let ends = [steps[0], steps[steps.count - 1]]
        plot.add(Series("exact walk's jumps ν_θ(x + σ_eff ε) (mean)", x: ends, y: [exactWalkContrast, exactWalkContrast], style: .dashed, color: .black))
        plot.add(Series("blank threshold", x: ends, y: [blankThreshold, blankThreshold], style: .dashed))
        plot.yRange = 0...(1.6 * max(exactWalkContrast, meanContrasts.max() ?? 0))
        let last = meanContrasts.suffix(max(1, meanContrasts.count / 4))
        burnInContrastRatio = last.reduce(0, +) / Double(last.count) / exactWalkContrast
        notebook.figure("burn-in.png", caption: "The transient from noise: contrast (pixel standard deviation) of the jumps of the \(B) burn-in chains, mean and lowest chain, against an exact walk's jumps. Over the last quarter of the burn-in the mean is \(fmt(burnInContrastRatio, digits: 3)) × the exact walk's.", plot: plot)
        return pool.mean
    }
}
