import Figures
import Foundation
import NeuralNet
import Notebook
import NumericCore
import Theory

// MARK: - §3 Learning the denoiser (T2.4)

/// A learned denoiser x̂_θ(y) = y + σ f_θ(y) with its training curve.
struct TrainedDenoiser {
    let sigma: Double
    let net: MLP
    let curve: [(Int, Double)]
    /// x̂_θ(y) = y + σ f_θ(y) for rows of 2 Floats.
    func denoise(_ y: [Float], count: Int) -> [Float] {
        let out = net.forward(Tensor(shape: [count, 2], data: y))
        var r = y
        let s = Float(sigma)
        for i in r.indices { r[i] += s * out.data[i] }
        return r
    }
}

extension Chapter {
    func learningTheDenoiser() {
        let s = setup
        notebook.section("3. Learning the denoiser: the loss approaches the MMSE (T2.4)")
        notebook.prose("""
        A network x̂_θ trained on the denoising loss learns E[X|y], hence the score (x̂_θ(y) − y)/σ². Here \
        x̂_θ(y) = y + σ f_θ(y) with f_θ an MLP 2 → \(s.hidden) → \(s.hidden) → 2 (SiLU) — the factor σ keeps the \
        network's target O(1) at every noise level (f_θ ≈ −E[ε|y]) — trained in Float with \
        Adam (learning rate \(fmt(s.learningRate)), ÷10 for the last 30%), batch \(s.batch), \(fmt(s.trainSteps)) steps, on \
        an unlimited stream of fresh samples (so it cannot memorise). Losses are per dimension, \
        (1/d)E‖X − x̂(Y)‖², on \(fmt(s.evalSamples)) held-out pairs. Because E[X|Y] is the orthogonal \
        projection, the excess loss is exactly the squared distance between the learned and the Bayes \
        denoisers (Pythagoras), which also fixes the score error:
        """)
        notebook.equation("L(θ) = MMSE + E‖x̂_θ(Y) − E[X|Y]‖²/d,     E‖s_θ − ∇log p_Y‖² = E‖x̂_θ(Y) − E[X|Y]‖²/σ⁴",
                          "Gaussian data X ~ N(0, λI): MMSE per dimension = λσ²/(λ + σ²)")
        let gaussian = gaussianClosedForm()
        let mmses = learnMixtureDenoisers()
        notebook.prose("Gaussian data (λ = \(fmt(s.gaussianVariance)), σ = \(fmt(s.sigma))): MMSE \(fmt(gaussian.mmse, digits: 5)), Monte Carlo \(fmt(gaussian.monteCarlo, digits: 5)), network \(fmt(gaussian.network, digits: 5)).")
        notebook.prose("Mixture prior, one network per σ (score norms are root-mean-square over noisy data y ~ p_Y):")
        notebook.table(["σ", "MMSE (MC)", "s.e.", "network loss", "excess", "RMS ‖∇log p_Y‖", "RMS score error", "relative", "train s"], mmses.rows)
        learnedFieldFigure()
        scoreSliceFigure()
        trainingLossFigure(mmses: mmses.mmse)
    }

    /// Trains x̂_θ(y) = y + σ f_θ(y) (f_θ an MLP 2 → hidden → hidden → 2, Float) with Adam on
    /// E‖x − x̂_θ(x + σε)‖² from an unlimited stream of fresh samples of `draw`.
    func train(sigma s: Double, seed: UInt64, rng: inout Xoshiro256, draw: (inout Xoshiro256, Int) -> [Float]) -> TrainedDenoiser {
        let hidden = setup.hidden, trainSteps = setup.trainSteps, batch = setup.batch, learningRate = setup.learningRate
        let net = MLP(inputDim: 2, hidden: [hidden, hidden], outputDim: 2, seed: seed)
        let opt = Adam(parameters: net.parameters, learningRate: Float(learningRate), warmupSteps: min(100, trainSteps / 10), clipNorm: 10)
        var curve = [(Int, Double)]()
        var running = 0.0, seen = 0
        let decayAt = Int(0.7 * Double(trainSteps))
        for t in 1...trainSteps {
            if t == decayAt { opt.schedule.learningRate = Float(learningRate / 10) }
            let x = draw(&rng, batch)
            let noise = rng.gaussiansFloat(batch * 2, std: Float(s))
            var y = x
            for i in y.indices { y[i] += noise[i] }
            let f = net.forward(Tensor(shape: [batch, 2], data: y))
            var pred = y
            let sf = Float(s)
            for i in pred.indices { pred[i] += sf * f.data[i] }
            net.zeroGradients()
            let (loss, grad) = MSELoss.evaluate(Tensor(shape: [batch, 2], data: pred), Tensor(shape: [batch, 2], data: x))
            _ = net.backward(sf * grad)  // ∂L/∂f = σ ∂L/∂x̂
            _ = opt.step()
            running += Double(loss); seen += 1
            if t % max(1, trainSteps / 50) == 0 || t == trainSteps { curve.append((t, running / Double(seen))); running = 0; seen = 0 }
        }
        return TrainedDenoiser(sigma: s, net: net, curve: curve)
    }

    /// Gaussian data N(0, λI): the exact shrinkage's Monte Carlo loss against the closed-form MMSE,
    /// and a network trained at σ against both.
    func gaussianClosedForm() -> (mmse: Double, monteCarlo: Double, network: Double) {
        let sigma = setup.sigma, evalSamples = setup.evalSamples
        let lam = setup.gaussianVariance
        var rg = stream()
        let sdX = Float(lam.squareRoot())
        let initSeed = rg.next()  // the network's initial weights come from this section's stream too
        let gNet = train(sigma: sigma, seed: initSeed, rng: &rg) { r, n in r.gaussiansFloat(n * 2, std: sdX) }
        let gx = rg.gaussians(evalSamples * 2, std: lam.squareRoot())
        let gy = gx.map { $0 + sigma * rg.gaussian() }
        let gOut = gNet.denoise(gy.map { Float($0) }, count: evalSamples)
        let shrink = GaussianDenoising.shrinkage(dataVariance: lam, noiseVariance: sigma * sigma)
        let lNet = (0..<evalSamples).map { i -> Double in (0..<2).reduce(0.0) { s, c in let d = gx[2 * i + c] - Double(gOut[2 * i + c]); return s + d * d / 2 } }
        let lBayes = (0..<evalSamples).map { i -> Double in (0..<2).reduce(0.0) { s, c in let d = gx[2 * i + c] - shrink * gy[2 * i + c]; return s + d * d / 2 } }
        let mmseG = GaussianDenoising.mmse(dataVariance: lam, noiseVariance: sigma * sigma)
        notebook.check("Gaussian data: Monte Carlo loss of the exact shrinkage λ/(λ+σ²)·y = closed-form MMSE λσ²/(λ+σ²)", expected: mmseG, measured: Stats.mean(lBayes),
                       tolerance: .standardErrors(4, se: Stats.standardError(lBayes)))
        let dG = zip(lNet, lBayes).map { $0 - $1 }
        notebook.check("Gaussian data: the trained MLP's held-out loss is within 3% of the MMSE", expected: mmseG, measured: Stats.mean(lNet), tolerance: .relative(0.03))
        notebook.check("Gaussian data: the network does not beat the MMSE (paired excess ≥ −4 s.e.)", measured: Stats.mean(dG), atLeast: -4 * Stats.standardError(dG))
        return (mmseG, Stats.mean(lBayes), Stats.mean(lNet))
    }

    /// Held-out losses of one network against the exact posterior mean of the mixture.
    struct HeldOutLosses {
        /// Per draw: network loss, Bayes loss, ‖x̂_θ − E[X|Y]‖²/2, score error² and ‖∇log p_Y‖².
        var network = [Double](), bayes = [Double](), gap = [Double](), scoreError2 = [Double](), scoreNorm2 = [Double]()
    }

    func heldOutLosses(_ tn: TrainedDenoiser, _ r: inout Xoshiro256) -> HeldOutLosses {
        let s = tn.sigma, evalSamples = setup.evalSamples
        let xs = prior.sample(evalSamples, using: &r)
        let ys = xs.map { [$0[0] + s * r.gaussian(), $0[1] + s * r.gaussian()] }
        let out = tn.denoise(ys.flatMap { $0.map(Float.init) }, count: evalSamples)
        var h = HeldOutLosses()
        for i in 0..<evalSamples {
            let exact = prior.posteriorMean(ys[i], sigma: s)
            var a = 0.0, b = 0.0, g = 0.0, sn = 0.0
            for c in 0..<2 {
                let net = Double(out[2 * i + c])
                a += (xs[i][c] - net) * (xs[i][c] - net)
                b += (xs[i][c] - exact[c]) * (xs[i][c] - exact[c])
                g += (net - exact[c]) * (net - exact[c])
                sn += (exact[c] - ys[i][c]) * (exact[c] - ys[i][c])
            }
            h.network.append(a / 2); h.bayes.append(b / 2); h.gap.append(g / 2)
            h.scoreError2.append(g / (s * s * s * s)); h.scoreNorm2.append(sn / (s * s * s * s))
        }
        return h
    }

    /// One network per σ of --sigmas on the mixture, each checked against the Monte Carlo MMSE and
    /// Pythagoras; keeps the networks in `nets` and returns the table rows and the MMSEs.
    func learnMixtureDenoisers() -> (rows: [[String]], mmse: [Double]) {
        var rows = [[String]]()
        var mmses = [Double]()
        let drawMixture: (inout Xoshiro256, Int) -> [Float] = { [prior] r, n in prior.sample(n, using: &r).flatMap { $0.map(Float.init) } }
        for s in setup.sigmas {
            var r = stream()
            let clock = Stopwatch(), initSeed = r.next()
            let tn = train(sigma: s, seed: initSeed, rng: &r, draw: drawMixture)
            let seconds = clock.seconds
            let h = heldOutLosses(tn, &r)
            let excess = zip(h.network, h.bayes).map { $0 - $1 }
            let mmse = Stats.mean(h.bayes), lossNet = Stats.mean(h.network)
            notebook.check("σ = \(fmt(s)): the network does not beat the Monte Carlo MMSE (paired excess ≥ −4 s.e.)", measured: Stats.mean(excess), atLeast: -4 * Stats.standardError(excess))
            notebook.check("σ = \(fmt(s)): held-out loss within 10% of the MMSE", expected: mmse, measured: lossNet, tolerance: .relative(0.10))
            let cross = zip(excess, h.gap).map { $0 - $1 }
            notebook.check("σ = \(fmt(s)): Pythagoras, L(θ) − MMSE = E‖x̂_θ − E[X|Y]‖²/d", expected: Stats.mean(h.gap), measured: Stats.mean(excess),
                           tolerance: .standardErrors(4, se: Stats.standardError(cross)))
            let relScore = (Stats.mean(h.scoreError2) / Stats.mean(h.scoreNorm2)).squareRoot()
            rows.append([fmt(s), fmt(mmse, digits: 4), fmt(Stats.standardError(h.bayes), digits: 2), fmt(lossNet, digits: 4),
                         fmt(100 * (lossNet / mmse - 1), digits: 3) + "%", fmt(Stats.mean(h.scoreNorm2).squareRoot(), digits: 4),
                         fmt(Stats.mean(h.scoreError2).squareRoot(), digits: 3), fmt(relScore, digits: 3), fmtTiming(seconds)])
            nets.append(tn); mmses.append(mmse)
        }
        return (rows, mmses)
    }

    /// Figure: the learned field on top of the analytic one at σ (or the last σ of the list).
    func learnedFieldFigure() {
        guard let main = nets.first(where: { abs($0.sigma - setup.sigma) < 1e-12 }) ?? nets.last else { return }
        let s = main.sigma
        var sampleR = stream()
        let pY = prior.smoothed(noiseVariance: s * s)
        let ext = setup.radius + 1.5
        var p = Plot(title: "Learned (red) vs analytic (black) σ²·score, σ = \(fmt(s)) (arrows × 0.3)", xLabel: "y₁", yLabel: "y₂")
        p.width = 640; p.height = 640
        let data = prior.sample(1000, using: &sampleR)
        p.add(Series("data", x: data.map { $0[0] }, y: data.map { $0[1] }, style: .points, color: Color(0.6, 0.75, 0.95)))
        addArrows(&p, grid: 17, extent: ext, scale: 0.3, name: "analytic", color: .black) { y in let g = pY.score(y); return [y[0] + s * s * g[0], y[1] + s * s * g[1]] }
        addArrows(&p, grid: 17, extent: ext, scale: 0.3, name: "learned", color: Color(0.85, 0.1, 0.1)) { y in main.denoise(y.map(Float.init), count: 1).map(Double.init) }
        p.xRange = -ext...ext; p.yRange = -ext...ext
        notebook.figure("learned-vs-analytic-field.png", caption: "The learned denoiser field (red) on top of the analytic one (black) at σ = \(fmt(s))", plot: p)
    }

    /// Figure: slices of the first score component along y₂ = 0.
    func scoreSliceFigure() {
        let radius = setup.radius
        var sp = Plot(title: "Score slice s₁(y₁, 0): analytic (dashed) vs learned (solid)", xLabel: "y₁", yLabel: "∂/∂y₁ log p_Y(y₁, 0)")
        sp.width = 900
        let ext = radius + 1.5
        let grid = (0...200).map { -ext + 2 * ext * Double($0) / 200 }
        for (i, tn) in nets.enumerated() {
            let s = tn.sigma
            let pY = prior.smoothed(noiseVariance: s * s)
            let color = Color.cycle[i % Color.cycle.count]
            let learned = tn.denoise(grid.flatMap { [Float($0), 0] }, count: grid.count)
            sp.add(Series("σ = \(fmt(s))", x: grid, y: grid.indices.map { (Double(learned[2 * $0]) - grid[$0]) / (s * s) }, style: .line, color: color))
            sp.add(Series("", x: grid, y: grid.map { pY.score([$0, 0])[0] }, style: .dashed, color: color))
        }
        sp.yRange = -30...30
        notebook.figure("score-slices.png", caption: "Along the slice y₂ = 0 the learned score matches ∇log p_Y where noisy data live (near the modes at ±\(fmt(radius))); in the empty centre, where p_Y is tiny at small σ, there is no training signal and the learned score is off (plot clipped at ±30)", plot: sp)
    }

    /// Figure: the training curves with each σ's Monte Carlo MMSE.
    func trainingLossFigure(mmses: [Double]) {
        var lp = Plot(title: "Training loss (per dimension) with the MMSE (dashed)", xLabel: "Adam step", yLabel: "loss", yScale: .log)
        for (i, tn) in nets.enumerated() {
            let color = Color.cycle[i % Color.cycle.count]
            lp.add(Series("σ = \(fmt(tn.sigma))", x: tn.curve.map { Double($0.0) }, y: tn.curve.map { $0.1 }, style: .line, color: color))
            let m = mmses[i]
            lp.add(Series("", x: [0, Double(setup.trainSteps)], y: [m, m], style: .dashed, color: color))
        }
        notebook.figure("training-loss.png", caption: "Denoising losses approach the Monte Carlo MMSE of each σ", plot: lp)
    }
}
