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
        // Quality is scored over windows of the burn-in too: the noise start of the diagnosis.
        var trace = QualityTrace(name: "noise start (burn-in), δ = \(fmt(m.step / m.sigma, digits: 3))σ", member: m)
        var window = WindowPool()
        let windowSteps = max(every, p.burnIn / p.diagnosticWindows)
        var r = s.rng(.burnInStart)
        let start: WalkJumpStart = s.start == .gaussian ? .givenMeans(gaussianFitMeans(count: B, rng: &r)) : .uniformPlusNoiseCopied
        if s.start == .gaussian { trace.name = "Gaussian-fit start (burn-in), δ = \(fmt(m.step / m.sigma, digits: 3))σ" }
        let pool = runWalk(m, chains: B, steps: p.burnIn, start: start, seed: s.seed(.burnInWalk), denoiser: networkDenoiser,
                           label: "burn-in " + m.label) { t, sampler in
            guard t % every == 0 else { return }
            let x = sampler.jump()
            let c = contrast(x, count: B)
            steps.append(Double(t)); meanContrasts.append(c.reduce(0, +) / Double(B)); lowest.append(c.min() ?? 0)
            collect(&window, jump: x, mean: sampler.mean)
            if t % windowSteps == 0 { closeWindow(&window, at: t, into: &trace) }
        }
        burnInTrace = trace
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

extension Chapter {
    /// Starts from a Gaussian fitted to the training images: ȳ = μ + Σ^{1/2} z + σ_eff ε, with μ and
    /// Σ the training set's mean and covariance (its first two moments only, no image copied) and
    /// Σ^{1/2} from LAPACK's dsyevd. The walk then only has to turn blurred blobs into digits, not
    /// uniform noise.
    func gaussianFitMeans(count: Int, rng: inout Xoshiro256) -> [Float] {
        let d = data.pixels
        let fit = GaussianStatistics(features: data.train.images, count: data.train.count, dimension: d)
        guard let e = try? symmetricEigen(fit.covariance, computeVectors: true), let v = e.vectors else {
            return exactMeans(count: count, rng: &rng)  // unreachable for a finite covariance
        }
        // Σ^{1/2} z = V diag(√λ) z for each of the `count` rows of z.
        var scaled = Matrix<Double>(rows: d, columns: count)
        for k in 0..<d {
            let root = max(0, e.values[k]).squareRoot()
            for b in 0..<count { scaled.storage[k * count + b] = root * rng.gaussian() }
        }
        let draws = matmul(v, scaled)  // d × count
        var means = [Float](repeating: 0, count: count * d)
        for b in 0..<count {
            for i in 0..<d { means[b * d + i] = Float(fit.mean[i] + draws.storage[i * count + b]) + sigmaEff * Float(rng.gaussian()) }
        }
        return means
    }
}
