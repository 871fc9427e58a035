import Datasets
import Figures
import Foundation
import NeuralNet
import Notebook
import NumericCore
import Samplers
import Theory
import Training

/// The chapter's state: settings, data, the trained denoiser, the classifier and the results that
/// later sections compare.
final class Chapter {
    let s: Settings
    let data: ChapterData
    let notebook: Notebook
    var unet: UNet
    var trainer: DenoiserTrainer
    /// The memorising denoiser of the training set (T2.3), on `empiricalPoints` training images.
    let empirical: EmpiricalDenoiser<Float>
    var classifier: Classifier?
    /// The classifier's features of the held-out images (the reference of FD and KID).
    var featureReference: FeatureReference?
    var validation = (model: 0.0, identity: 0.0, empirical: 0.0)
    var trainImagesPerSecond = 0.0
    var results: [MemberResult] = []
    var anchors: [(name: String, fd: Double, confident: Double)] = []
    var longResult: LongChainResult?
    var diagnosisTraces: [QualityTrace] = []
    /// Quality along the shared burn-in (noise start) and along the long chains (exact start), and the
    /// long chains' exact start.
    var burnInTrace: QualityTrace?
    var longTraces: [QualityTrace] = []
    var exactLongStart: [Float] = []
    /// Sample sets written next to the report (paths relative to it).
    var sampleSets: [String] = []
    var diagnosisAnchor: Judgement?
    var accuracy = 0.0
    var heldOutNearest = Double.nan
    var heldOutConfident = Double.nan
    /// The shared burn-in's final means ȳ (empty without a burn-in) and its last-quarter contrast
    /// over an exact walk's.
    var burnInMeans: [Float] = []
    var burnInContrastRatio = Double.nan
    /// ν_θ(x + σ_eff ε) for the held-out x, their mean contrast, and the blank threshold: computed
    /// once, on first use (after training), by `computeExactWalkJumps` and `meanContrast`.
    lazy var exactWalkJumps: [Float] = computeExactWalkJumps()
    lazy var exactWalkContrast: Double = meanContrast(exactWalkJumps, count: data.heldOut.count)
    /// A jump counts as blank when its contrast is below a quarter of the held-out images' mean
    /// (no held-out MNIST digit is that faint).
    lazy var blankThreshold: Double = 0.25 * meanContrast(data.heldOut.images, count: data.heldOut.count)

    var sigmaEff: Float { Float(s.sigmaEff) }
    /// Replicate sample sets behind every ± (disjoint groups of chains; at least 5, as 5 seeds would give).
    var replicateGroups: Int { min(5, max(2, s.preset.chains / 2)) }
    var slug: String { "chapter5-gps-walk-jump" }

    init(settings: Settings, data: ChapterData) {
        s = settings; self.data = data
        let p = settings.preset
        notebook = Notebook(
            title: "Chapter 5 — GPS training and walk-jump sampling on \(Chapter.displayName(data.name))",
            slug: "chapter5-gps-walk-jump", figuresDirectory: settings.figuresDirectory,
            parameters: [("mode", settings.mode.rawValue), ("preset", p.name), ("dataset", data.name),
                         ("σ_eff", fmt(settings.sigmaEff)), ("U-Net width", String(p.width)),
                         ("resolutions", String(p.resolutions)), ("steps", String(p.steps)), ("batch", String(p.batch)),
                         ("lr", fmt(p.learningRate)), ("members M", settings.members.map { String($0.measurements) }.joined(separator: ",")),
                         ("γδ", fmt(settings.friction)), ("seed", String(settings.seed))])
        unet = UNet(UNet.Configuration(channels: data.train.channels, baseWidth: p.width, resolutions: p.resolutions),
                    seed: settings.seed(.network))
        trainer = DenoiserTrainer(
            model: unet,
            configuration: DenoiserTrainingConfiguration(
                steps: p.steps, batchSize: p.batch, learningRate: Float(p.learningRate), warmupSteps: p.warmup,
                decayToFraction: p.finalLearningRate < 1 ? Float(p.finalLearningRate) : nil, clipNorm: 1,
                sigmaEff: Float(settings.sigmaEff), seed: settings.seed(.network), validateEvery: p.validateEvery,
                checkpointEvery: p.checkpointEvery, averageDecay: p.averageDecay > 0 ? Float(p.averageDecay) : nil),
            images: data.train.images, count: data.train.count, imageShape: data.imageShape)
        let nEmp = min(p.empiricalPoints, data.train.count)
        empirical = EmpiricalDenoiser<Float>(points: Array(data.train.images.prefix(nEmp * data.pixels)), dimension: data.pixels)
    }

    static func displayName(_ name: String) -> String {
        switch name {
        case "mnist5k": return "MNIST (5,000 real digits)"
        case "mnist": return "MNIST"
        case "fashion-mnist": return "Fashion-MNIST"
        default: return "CIFAR-10"
        }
    }

    // MARK: - Helpers

    /// ν_θ on `count` images (batched, 64 at a time).
    func denoise(_ images: [Float], count: Int) -> [Float] {
        forwardBatched({ self.unet.infer($0) }, images: images, count: count, imageShape: data.imageShape, batch: 64)
    }

    /// The sampler's view of ν_θ: B rows of d Floats.
    var networkDenoiser: WalkJumpSampler.Denoiser { { x, n in self.denoise(x, count: n) } }

    /// The memorising denoiser at σ_eff as a sampler denoiser.
    var empiricalDenoiser: WalkJumpSampler.Denoiser {
        let e = empirical, sigma = s.sigmaEff
        return { x, _ in e.denoise(x, sigma: sigma) }
    }

    func grid(_ pixels: [Float], count: Int, columns: Int, title: String, rowLabels: [String] = [], scale: Int = 2) -> ImageGrid {
        var g = ImageGrid(pixels: pixels, count: count, channels: data.train.channels, height: data.train.height,
                          width: data.train.width, columns: columns)
        g.title = title; g.rowLabels = rowLabels; g.scale = scale
        return g
    }

    // MARK: - Introduction

    func introduction() throws {
        let p = s.preset
        notebook.section("The model: one network for a whole universality class")
        notebook.prose("Data: \(data.splitDescription). Pixels are scaled to [0, 1] (byte/255) for every data set, CIFAR-10 included; d = \(data.pixels) per image. Noisy images are not clipped: ȳ = x + σ_eff ε can leave [0, 1].")
        notebook.prose("GPS (THEORY §4): a network ν_θ: R^d → R^d of the mean measurement ȳ alone is the Bayes estimator x̂ = ν_θ(ȳ) and gives the score of every member (M, σ) with σ/√M = σ_eff. Because ȳ has the law of X + σ_eff ε for every member, one single-noise-level denoising run trains them all (T4.5):")
        notebook.equation("L(θ) = E ‖x − ν_θ(x + σ_eff ε)‖²        (reported per pixel: divided by d)",
                          "∇_{y_m} log p_θ(y) = (ν_θ(ȳ) − y_m)/σ²,    ȳ = (1/M) Σ_m y_m,    σ = σ_eff √M",
                          "identity baseline x̂ = ȳ: loss per pixel = σ_eff² = \(fmt(s.sigmaEff * s.sigmaEff))")
        notebook.prose("ν_θ is the engine's U-Net (base width \(p.width), \(p.resolutions) resolutions, \(fmt(unet.parameterCount)) parameters) in residual form ν_θ(ȳ) = ȳ + net(ȳ) with a zero-initialised output layer, so training starts exactly at the identity baseline. Optimiser: Adam, learning rate \(fmt(p.learningRate)) with \(p.warmup) warm-up steps\(p.finalLearningRate < 1 ? ", then a cosine decay to \(fmt(p.finalLearningRate))× at the last step" : ""), gradient-norm clipping at 1, batch \(p.batch), \(fmt(p.steps)) steps (preset \"\(p.name)\").")
    }

    // MARK: - Training

    func train() throws {
        let p = s.preset
        notebook.section("Training ν_θ at σ_eff = \(fmt(s.sigmaEff))")
        if s.resume {
            let meta = try restoreTrainer(forSampling: false)
            notebook.prose("Resumed from \(s.checkpoint) at step \(fmt(trainer.step)) (written by preset \(meta["preset"] ?? "?")). Weights, Adam's moments and step, and the loss history are restored, and the data stream continues exactly (batches and noise are a function of the seed and the step), so the resumed run is bit-identical with an uninterrupted one\(trainer.resumedWithoutOptimizerState ? " — except that this older checkpoint holds no optimiser state, so Adam's moments restart from zero" : "").")
        }
        let nVal = min(data.heldOut.count, 500)
        let val = (images: Array(data.heldOut.images.prefix(nVal * data.pixels)), count: nVal)
        let startStep = trainer.step
        if trainer.step < p.steps {
            let bar = ProgressBar(total: p.steps, label: "train")
            print("  training \(fmt(p.steps - trainer.step)) steps; checkpoints → \(s.checkpoint)")
            fflush(nil)
            defer { bar.finish() }
            try trainer.run(validation: val, checkpointPath: s.checkpoint,
                            metadata: ["dataset": data.name, "preset": p.name, "width": String(p.width),
                                       "resolutions": String(p.resolutions)],
                            progress: { bar.draw($0, lossDigits: 5) }, log: bar.message)
        } else {
            notebook.prose("The checkpoint already holds \(fmt(trainer.step)) ≥ \(fmt(p.steps)) steps: nothing to train.")
        }
        trainImagesPerSecond = trainer.imagesPerSecond
        useAverageWeights()
        notebook.prose("Trained \(fmt(trainer.step - startStep)) steps in this run (\(fmt(trainer.step)) in total) at \(fmtTiming(trainImagesPerSecond, digits: 4)) training images/s (forward + backward + Adam, batch \(p.batch), \(blasThreads) OpenBLAS threads); \(fmtTiming(trainer.trainingSeconds, digits: 4)) s of training in total. Checkpoint: \(s.checkpoint).")
    }

    /// `sample` mode: load the trained weights.
    /// The trainer restored from the checkpoint. A checkpoint that does not fit this run (another
    /// σ_eff, width, or — when training continues — batch or seed) or does not parse is bad input:
    /// one line naming the file, exit 2.
    func restoreTrainer(forSampling: Bool) throws -> [String: String] {
        do { return try trainer.resume(from: s.checkpoint, forSampling: forSampling) } catch {
            throw InputError("\(error)")
        }
    }

    func loadTrained() throws {
        notebook.section("The trained ν_θ")
        let meta = try restoreTrainer(forSampling: true)
        trainImagesPerSecond = trainer.imagesPerSecond
        notebook.prose("Loaded \(s.checkpoint): step \(meta["step"] ?? "?"), σ_eff \(meta["sigma_eff"] ?? "?"), trained with seed \(meta["seed"] ?? "?") at \(fmtTiming(trainImagesPerSecond, digits: 4)) images/s; this run samples with seed \(s.seed).")
        useAverageWeights()
        if trainer.step < s.preset.steps {
            notebook.prose("Note: the checkpoint has fewer steps (\(trainer.step)) than the preset asks for (\(s.preset.steps)); run `train --resume` to finish it.")
        }
    }

    /// From here on ν_θ is the moving average θ̄ of the weights, when the run keeps one.
    func useAverageWeights() {
        guard trainer.useAverageWeights() else { return }
        notebook.prose("From here on ν_θ has the exponential moving average of the weights (β = \(fmt(s.preset.averageDecay)); θ̄ ← β_t θ̄ + (1 − β_t) θ after step t, β_t = min(β, (1 + t)/(10 + t))), not the last step's weights: the average smooths out the last steps' noise in θ.")
    }

    func lossCurve() {
        let h = trainer.trainingLoss
        guard h.count >= 2 else { return }
        // Running mean over a window of ~2% of the run, so the curve is readable.
        let w = max(1, h.count / 50)
        var xs = [Double](), ys = [Double](), acc = 0.0
        for (i, r) in h.enumerated() {
            acc += Double(r.loss)
            if i >= w { acc -= Double(h[i - w].loss) }
            if i >= w - 1 { xs.append(Double(r.step)); ys.append(acc / Double(w)) }
        }
        var plot = Plot(title: "Denoising loss per pixel (σ_eff = \(fmt(s.sigmaEff)))", xLabel: "training step",
                        yLabel: "‖x − ν_θ(ȳ)‖² / d", yScale: .log)
        plot.add(Series("training (running mean of \(w))", x: xs, y: ys))
        if !trainer.validationLoss.isEmpty {
            plot.add(Series("validation (held-out)", x: trainer.validationLoss.map { Double($0.step) },
                            y: trainer.validationLoss.map(\.loss), style: .linePoints))
        }
        let x0 = Double(h.first!.step), x1 = Double(h.last!.step)
        plot.add(Series("identity x̂ = ȳ (σ_eff²)", x: [x0, x1], y: [s.sigmaEff * s.sigmaEff, s.sigmaEff * s.sigmaEff], style: .dashed))
        if validation.empirical > 0 {
            plot.add(Series("memorising denoiser (held-out)", x: [x0, x1], y: [validation.empirical, validation.empirical], style: .dashed))
        }
        notebook.figure("loss-curve.png", caption: "Training and validation denoising loss per pixel against the identity baseline σ_eff² and the memorising denoiser's held-out loss.", plot: plot)
    }

    // MARK: - Denoising results

    func denoisingResults() {
        notebook.section("How good a denoiser is ν_θ?")
        let nVal = min(data.heldOut.count, 500)
        let images = Array(data.heldOut.images.prefix(nVal * data.pixels))
        let shape = data.imageShape
        let net = DenoiserTrainer.denoisingLoss(apply: { self.unet.infer($0) }, images: images, count: nVal, imageShape: shape,
                                                sigma: sigmaEff, seed: 0xBA11)
        let e = empirical
        let sig = s.sigmaEff
        var clock = Stopwatch()
        let emp = DenoiserTrainer.denoisingLoss(apply: { Tensor(shape: $0.shape, data: e.denoise($0.data, sigma: sig)) },
                                                images: images, count: nVal, imageShape: shape, sigma: sigmaEff, seed: 0xBA11)
        let empSeconds = clock.seconds
        clock.restart()
        validation = (net.model, net.identity, emp.model)
        let identityTheory = s.sigmaEff * s.sigmaEff
        notebook.prose("Validation loss on \(nVal) held-out images, all three estimators on the same noise draws. The memorising denoiser (T2.3) is the Bayes estimator of the empirical distribution of \(fmt(e.count)) training images: x̂(ȳ) = Σ_i softmax_i(−‖ȳ − x_i‖²/(2σ_eff²)) x_i (\(fmtTiming(empSeconds)) s for all \(nVal) images).")
        notebook.table(["estimator", "loss per pixel", "× identity", "PSNR (dB)"], [
            ["identity x̂ = ȳ", fmt(net.identity, digits: 5), "1", fmt(-10 * log10(net.identity), digits: 4)],
            ["memorising (empirical prior, T2.3)", fmt(emp.model, digits: 5), fmt(emp.model / net.identity, digits: 3), fmt(-10 * log10(emp.model), digits: 4)],
            ["U-Net ν_θ", fmt(net.model, digits: 5), fmt(net.model / net.identity, digits: 3), fmt(-10 * log10(net.model), digits: 4)],
        ])
        notebook.check("identity loss per pixel is σ_eff² (E ε² = 1)", expected: identityTheory, measured: net.identity,
                       tolerance: .relative(0.02))
        notebook.check("ν_θ's held-out loss is well below the identity's (ratio ≤ \(fmt(s.preset.maxValidationRatio)) at preset \(s.preset.name))",
                       measured: net.model / net.identity, atMost: s.preset.maxValidationRatio)
        notebook.check("ν_θ generalises better than the memorising denoiser on held-out images", net.model < emp.model,
                       detail: "U-Net \(fmt(net.model, digits: 4)) < memorising \(fmt(emp.model, digits: 4)) per pixel")
        universalityOfLearning(images: images, count: min(nVal, 200))
        triplets()
        lossCurve()
    }

    /// T4.5: the loss of ν_θ(ȳ) with ȳ the mean of M measurements at σ = σ_eff√M is the same for
    /// every member (ȳ has the law of x + σ_eff ε).
    func universalityOfLearning(images: [Float], count n: Int) {
        let d = data.pixels
        var rows = [[String]]()
        var perMember = [(m: Int, mean: Double, se: Double, losses: [Double])]()
        for member in s.members {
            var r = s.rng(.universalityNoise, member.measurements)
            // y_m = x + σ ε_m, measurement-major (y[m·(n·d) + j]); ȳ in MeasurementMean's one order.
            var y = [Float](); y.reserveCapacity(member.measurements * n * d)
            for _ in 0..<member.measurements {
                let e = r.gaussiansFloat(n * d, mean: 0, std: Float(member.sigma))
                for i in 0..<(n * d) { y.append(images[i] + e[i]) }
            }
            let out = denoise(MeasurementMean.of(y, measurements: member.measurements), count: n)
            var losses = [Double]()
            for k in 0..<n {
                var sum = 0.0
                for i in 0..<d { let q = Double(out[k * d + i] - images[k * d + i]); sum += q * q }
                losses.append(sum / Double(d))
            }
            let mean = Stats.mean(losses), se = Stats.standardError(losses)
            perMember.append((member.measurements, mean, se, losses))
            rows.append([member.description, fmt(mean, digits: 5), fmt(se, digits: 2)])
        }
        notebook.prose("Universality of learning (T4.5): feed ν_θ the mean of M independent measurements at σ = σ_eff √M. The loss must not depend on the member (\(n) held-out images, independent noise per member). Every member sees the same images, so two members' losses are paired: the standard error of their difference is that of the mean of the per-image differences (the image's difficulty, common to both, cancels), not √(se₁² + se₂²):")
        notebook.table(["member", "loss per pixel", "standard error"], rows)
        if let first = perMember.first {
            for other in perMember.dropFirst() {
                let se = Stats.standardError(zip(other.losses, first.losses).map { $0 - $1 })
                notebook.check("T4.5: loss of M=\(other.m) equals loss of M=\(first.m) (same class; paired over the images, false-alarm rate 6.3e-5)", expected: first.mean,
                               measured: other.mean, tolerance: .standardErrors(4, se: se))
            }
        }
    }

    func triplets() {
        let n = 10, d = data.pixels
        let clean = Array(data.heldOut.images.prefix(n * d))
        var r = Xoshiro256(seed: 0x721)
        let e = r.gaussiansFloat(n * d, mean: 0, std: sigmaEff)
        let noisy = zip(clean, e).map { $0 + $1 }
        let den = denoise(noisy, count: n)
        let mem = empirical.denoise(noisy, sigma: s.sigmaEff)
        let g = grid(clean + noisy + den + mem, count: 4 * n, columns: n,
                     title: "held-out digits: clean, noisy (σ_eff = \(fmt(s.sigmaEff))), ν_θ, memorising",
                     rowLabels: ["clean x", "noisy ȳ", "ν_θ(ȳ)", "memorising"])
        notebook.figure("denoising-triplets.png",
                        caption: "Held-out images: clean, noisy at σ_eff (clipped to [0, 1] for display), the U-Net's estimate and the memorising denoiser's (which returns the nearest training images).",
                        grid: g)
    }
}

extension ProgressBar {
    /// Draws one step of a training loop, its loss to `lossDigits` decimals.
    func draw(_ status: TrainingStatus, lossDigits: Int) {
        update(done: status.step, fields: [String(format: "loss %.\(lossDigits)f", status.loss)],
               rate: status.imagesPerSecond, eta: status.secondsLeft)
    }
}
