// Training loops for chapter 5: the single-noise-level GPS denoiser (THEORY T4.5)
//
//     L(θ) = E ‖x − ν_θ(x + σ_eff ε)‖²      (reported per pixel: the mean over all elements)
//
// with periodic validation, atomic safetensors checkpoints with resume, and a NaN/Inf guard. It
// reports each step as a `TrainingStatus` (the chapters draw it with the notebook's ProgressBar).
//
// Reproducibility without saving generator state: the noise of step t comes from
// `Xoshiro256(seed: mixSeed(seed, t))` and the permutation of epoch e, which picks the images, from
// `Xoshiro256(seed: mixSeed(seed ^ 0xE90C, e))` (`DenoiserTrainer.batch(atStep:)`), so the data
// stream is a pure function of (seed, step) and a resumed run sees exactly the batches the
// uninterrupted run would have seen.
import Foundation
import NeuralNet
import NumericCore
import Storage

// MARK: - Seeds

@inline(__always) func mixSeed(_ a: UInt64, _ b: UInt64) -> UInt64 { Xoshiro256.mix(a, b) }

// MARK: - Progress and errors

/// One training step as a progress display shows it (the chapters draw it with the notebook's
/// `ProgressBar`).
public struct TrainingStatus: Sendable {
    /// Steps done and the run's total.
    public var step: Int, steps: Int
    /// The loss shown: the mean of the last 20 steps (denoiser) or this step's (classifier).
    public var loss: Float
    /// Training images per second since this run started.
    public var imagesPerSecond: Double
    /// Estimated seconds to the last step (nil while the rate is not yet meaningful).
    public var secondsLeft: Double?
}


public enum TrainingError: Error, CustomStringConvertible {
    case nonFiniteLoss(step: Int, loss: Float, learningRate: Float, checkpoint: String?)
    case incompatibleCheckpoint(path: String, problem: String)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(step, loss, lr, checkpoint):
            let kept = checkpoint.map { "; the last good checkpoint is kept at \($0)" } ?? ""
            return "training loss became \(loss) at step \(step) (learning rate \(lr)); try a smaller learning rate, e.g. --lr \(lr.isFinite && lr > 0 ? "\(lr / 4)" : "1e-3")\(kept)"
        case let .incompatibleCheckpoint(path, problem):
            return "\(path): cannot resume from this checkpoint: \(problem)"
        }
    }
}

// MARK: - Denoiser training

/// Settings of a denoiser training run (one σ_eff; loss per pixel).
public struct DenoiserTrainingConfiguration: Sendable, Equatable {
    public var steps: Int
    public var batchSize: Int
    public var learningRate: Float
    public var warmupSteps: Int
    /// Cosine decay of the learning rate from the end of the warm-up to lr·fraction at `steps`
    /// (nil: constant rate). See `OptimizerSchedule`.
    public var decayToFraction: Float?
    public var clipNorm: Float?
    public var sigmaEff: Float
    public var seed: UInt64
    /// Validation every this many steps (0: only at the end).
    public var validateEvery: Int
    /// Checkpoint every this many steps (0: only at the end).
    public var checkpointEvery: Int
    /// β of an exponential moving average of the weights kept beside them (nil: none); see
    /// `DenoiserTrainer.averageWeights`.
    public var averageDecay: Float?

    public init(steps: Int, batchSize: Int, learningRate: Float, warmupSteps: Int = 100, decayToFraction: Float? = nil,
                clipNorm: Float? = 1, sigmaEff: Float, seed: UInt64 = 1, validateEvery: Int = 0, checkpointEvery: Int = 0,
                averageDecay: Float? = nil) {
        self.steps = steps; self.batchSize = batchSize; self.learningRate = learningRate; self.warmupSteps = warmupSteps
        self.decayToFraction = decayToFraction
        self.clipNorm = clipNorm; self.sigmaEff = sigmaEff; self.seed = seed
        self.validateEvery = validateEvery; self.checkpointEvery = checkpointEvery
        self.averageDecay = averageDecay
    }
}

/// Trains ν_θ with E‖x − ν_θ(x + σ_eff ε)‖² on a set of images with Adam (warm-up, clipping).
public final class DenoiserTrainer {
    public let model: Layer
    public let optimizer: Adam
    public let configuration: DenoiserTrainingConfiguration
    /// Training images, (N, C, H, W) contiguous, and their shape (C, H, W).
    public let images: [Float]
    public let imageCount: Int
    public let imageShape: [Int]
    /// Completed optimisation steps.
    public private(set) var step = 0
    /// (step, training loss of that batch, per pixel).
    public private(set) var trainingLoss: [(step: Int, loss: Float)] = []
    /// (step, validation loss per pixel).
    public private(set) var validationLoss: [(step: Int, loss: Double)] = []
    /// Wall time spent in training steps (excluding validation and checkpoints) and images seen.
    public private(set) var trainingSeconds = 0.0
    public private(set) var imagesSeen = 0
    /// True when the last `resume` found no optimiser state in the checkpoint (a file written before
    /// checkpoints carried Adam's moments): Adam is left as it was (zero moments and step 0 in a new
    /// trainer), so the resumed run is not exact. False otherwise, and after a resume that restored them.
    public private(set) var resumedWithoutOptimizerState = false
    /// The moving average θ̄ of every parameter (same order as `model.parameters`; empty without
    /// `averageDecay`). After step t: θ̄ ← β_t θ̄ + (1 − β_t) θ with β_t = min(β, (1 + t)/(10 + t)), so
    /// early steps, far from the final weights, are forgotten fast.
    public private(set) var averageWeights: [[Float]] = []

    private var cachedEpoch = -1
    private var cachedPermutation: [Int] = []

    public init(model: Layer, configuration: DenoiserTrainingConfiguration, images: [Float], count: Int, imageShape: [Int]) {
        precondition(imageShape.count == 3 && images.count == count * imageShape.reduce(1, *) && count > 0,
                     "DenoiserTrainer: \(images.count) values for \(count) images of \(imageShape)")
        self.model = model; self.configuration = configuration
        self.images = images; imageCount = count; self.imageShape = imageShape
        optimizer = Adam(parameters: model.parameters, learningRate: configuration.learningRate,
                         warmupSteps: configuration.warmupSteps, clipNorm: configuration.clipNorm)
        if let f = configuration.decayToFraction {
            optimizer.schedule.decaySteps = configuration.steps; optimizer.schedule.finalFraction = f
        }
        if configuration.averageDecay != nil { averageWeights = model.parameters.map(\.value) }
    }

    /// θ̄ ← β_t θ̄ + (1 − β_t) θ after step t.
    func updateAverage(afterStep t: Int) {
        guard let beta = configuration.averageDecay else { return }
        let b = min(beta, Float(1 + t) / Float(10 + t)), a = 1 - b
        for (k, p) in model.parameters.enumerated() {
            averageWeights[k].withUnsafeMutableBufferPointer { avg in
                p.value.withUnsafeBufferPointer { v in for i in 0..<v.count { avg[i] = b * avg[i] + a * v[i] } }
            }
        }
    }

    /// Puts the averaged weights θ̄ into the model (for sampling; training must not continue after).
    /// Returns false when the trainer keeps no average.
    @discardableResult
    public func useAverageWeights() -> Bool {
        guard !averageWeights.isEmpty else { return false }
        for (k, p) in model.parameters.enumerated() { p.value = averageWeights[k] }
        return true
    }

    var pixelsPerImage: Int { imageShape.reduce(1, *) }

    /// The training batch of step `t` (1-based): clean images x and noisy inputs x + σ_eff ε.
    public func batch(atStep t: Int) -> (clean: Tensor, noisy: Tensor) {
        let b = configuration.batchSize, p = pixelsPerImage, n = imageCount
        var clean = [Float](repeating: 0, count: b * p)
        images.withUnsafeBufferPointer { src in
            clean.withUnsafeMutableBufferPointer { dst in
                for k in 0..<b {
                    let position = (t - 1) * b + k
                    let epoch = position / n
                    if epoch != cachedEpoch {
                        var r = Xoshiro256(seed: mixSeed(configuration.seed ^ 0xE90C, UInt64(epoch)))
                        cachedPermutation = r.permutation(n); cachedEpoch = epoch
                    }
                    let i = cachedPermutation[position % n]
                    (dst.baseAddress! + k * p).update(from: src.baseAddress! + i * p, count: p)
                }
            }
        }
        var rng = Xoshiro256(seed: mixSeed(configuration.seed, UInt64(t)))
        var noisy = rng.gaussiansFloat(b * p, mean: 0, std: configuration.sigmaEff)
        for i in 0..<noisy.count { noisy[i] += clean[i] }
        let shape = [b] + imageShape
        return (Tensor(shape: shape, data: clean), Tensor(shape: shape, data: noisy))
    }

    /// One optimisation step; throws (before touching the weights) when the loss is NaN/Inf.
    @discardableResult
    public func trainStep() throws -> Float {
        let clock = Stopwatch()
        let t = step + 1
        let (clean, noisy) = batch(atStep: t)
        model.zeroGradients()
        let prediction = model.forward(noisy)
        let (loss, gradient) = MSELoss.evaluate(prediction, clean)
        guard loss.isFinite, prediction.allFinite else {
            throw TrainingError.nonFiniteLoss(step: t, loss: loss, learningRate: optimizer.schedule.rate(atStep: t), checkpoint: nil)
        }
        _ = model.backward(gradient)
        optimizer.step()
        updateAverage(afterStep: t)
        step = t
        trainingLoss.append((t, loss))
        trainingSeconds += clock.seconds
        imagesSeen += configuration.batchSize
        return loss
    }

    public var imagesPerSecond: Double { trainingSeconds > 0 ? Double(imagesSeen) / trainingSeconds : 0 }

    /// Mean per-pixel loss ‖x − ν(x + σ_eff ε)‖²/d on `images` with noise drawn from `seed` (fixed
    /// across calls, so successive validations are comparable). Also returns the identity baseline
    /// (x̂ = ȳ) on the same noise.
    public func validate(images val: [Float], count: Int, seed: UInt64 = 0xBA11, batch: Int = 100) -> (model: Double, identity: Double) {
        DenoiserTrainer.denoisingLoss(apply: { self.model.infer($0) }, images: val, count: count, imageShape: imageShape,
                                      sigma: configuration.sigmaEff, seed: seed, batch: batch)
    }

    /// Per-pixel denoising loss of any estimator `apply` and of the identity, on `count` images with
    /// noise σ from `seed`.
    public static func denoisingLoss(apply: (Tensor) -> Tensor, images val: [Float], count: Int, imageShape: [Int],
                                     sigma: Float, seed: UInt64, batch: Int = 100) -> (model: Double, identity: Double) {
        let p = imageShape.reduce(1, *)
        var rng = Xoshiro256(seed: seed)
        var noisy = rng.gaussiansFloat(count * p, mean: 0, std: sigma)
        var identity = 0.0
        for i in 0..<noisy.count { identity += Double(noisy[i]) * Double(noisy[i]); noisy[i] += val[i] }
        let out = forwardBatched(apply, images: noisy, count: count, imageShape: imageShape, batch: batch)
        var s = 0.0
        for i in 0..<out.count { let d = Double(out[i] - val[i]); s += d * d }
        return (s / Double(count * p), identity / Double(count * p))
    }

    /// Trains until `configuration.steps`, validating on `validation` and checkpointing to
    /// `checkpointPath` (atomically) as configured and at the end. `progress` receives every step;
    /// `log` receives validation lines. On a NaN/Inf loss, throws `TrainingError.nonFiniteLoss`
    /// naming the step; the checkpoint on disk is the last good one.
    public func run(validation: (images: [Float], count: Int)?, checkpointPath: String?, metadata: [String: String] = [:],
                    progress: ((TrainingStatus) -> Void)? = nil, log: (String) -> Void = { print($0) }) throws {
        let c = configuration
        let startStep = step, startImages = imagesSeen, startSeconds = trainingSeconds
        var recent = [Float]()
        while step < c.steps {
            let loss: Float
            do {
                loss = try trainStep()
            } catch TrainingError.nonFiniteLoss(let s, let l, let lr, _) {
                throw TrainingError.nonFiniteLoss(step: s, loss: l, learningRate: lr,
                                                  checkpoint: checkpointPath.flatMap { AtomicFile.exists($0) ? $0 : nil })
            }
            recent.append(loss); if recent.count > 20 { recent.removeFirst() }
            let rate = Double(imagesSeen - startImages) / max(1e-9, trainingSeconds - startSeconds)
            let eta = Double(c.steps - step) * Double(c.batchSize) / max(rate, 1e-9)
            let avg = recent.reduce(0, +) / Float(recent.count)
            progress?(TrainingStatus(step: step, steps: c.steps, loss: avg, imagesPerSecond: rate,
                                     secondsLeft: step > startStep + 2 ? eta : nil))
            let last = step == c.steps
            if let v = validation, (c.validateEvery > 0 && step % c.validateEvery == 0) || last {
                let r = validate(images: v.images, count: v.count)
                validationLoss.append((step, r.model))
                let text = String(format: "  step %d: validation loss %.6f per pixel (identity %.6f, ratio %.3f)",
                                  step, r.model, r.identity, r.model / r.identity)
                log(text)
            }
            if let path = checkpointPath, (c.checkpointEvery > 0 && step % c.checkpointEvery == 0) || last {
                try save(to: path, metadata: metadata)
            }
        }
    }

    // MARK: Checkpoints

    static let historyTrain = "trainer.history.train", historyValidation = "trainer.history.validation"
    /// Name prefix of the averaged weights θ̄ (`average.<parameter name>`).
    public static let averagePrefix = "average."

    /// Weights, the loss histories and the step, with `metadata`, written atomically (a safetensors
    /// `Checkpoint` with Adam's state under `optimizer.*`; the histories are two extra tensors `trainer.history.*`).
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        var meta = metadata
        meta[Checkpoint.Key.step] = String(step)
        meta["sigma_eff"] = String(configuration.sigmaEff)
        meta["batch"] = String(configuration.batchSize)
        meta["seed"] = String(configuration.seed)
        meta["learning_rate"] = String(configuration.learningRate)
        meta["warmup"] = String(configuration.warmupSteps)
        meta["learning_rate_final_fraction"] = configuration.decayToFraction.map { String($0) } ?? "constant"
        meta["train_seconds"] = String(trainingSeconds)
        meta["images_seen"] = String(imagesSeen)
        meta["optimizer"] = "adam"
        meta["average_decay"] = configuration.averageDecay.map { String($0) } ?? "none"
        var checkpoint = Checkpoint(model: model, optimizerState: optimizer.exportState(), metadata: meta)
        for (k, named) in model.namedParameters.enumerated() where !averageWeights.isEmpty {
            checkpoint.tensors.append((name: DenoiserTrainer.averagePrefix + named.name, shape: named.parameter.shape,
                                       values: averageWeights[k]))
        }
        checkpoint.tensors.append((name: DenoiserTrainer.historyTrain, shape: [trainingLoss.count, 2],
                                   values: trainingLoss.flatMap { [Float($0.step), $0.loss] }))
        checkpoint.tensors.append((name: DenoiserTrainer.historyValidation, shape: [validationLoss.count, 2],
                                   values: validationLoss.flatMap { [Float($0.step), Float($0.loss)] }))
        try AtomicFile.makeParentDirectory(path)
        try checkpoint.write(to: path)
    }

    /// The values `resume` takes from a checkpoint written by `save`, checked like the flags that set
    /// them (step 0…10⁷ as --steps, histories of shape [n, 2] with steps 1…step, every tensor finite);
    /// throws `TrainingError.incompatibleCheckpoint` naming the file. Callers may run it before any work.
    public static func checkStoredValues(_ checkpoint: Checkpoint, path: String) throws -> (step: Int, seconds: Double, imagesSeen: Int) {
        do {
            let newStep = try checkpoint.integer(Checkpoint.Key.step, in: 0...10_000_000, file: path) ?? 0
            let seconds = try checkpoint.number("train_seconds", file: path) ?? 0
            let seen = try checkpoint.integer("images_seen", in: 0...Int(Int32.max) * 4096, file: path) ?? 0
            for name in [DenoiserTrainer.historyTrain, DenoiserTrainer.historyValidation] {
                try checkpoint.requireRows(name, columns: 2, file: path)
                if let t = checkpoint.tensors.first(where: { $0.name == name }) {
                    try checkpoint.requireFinite([t], file: path)
                    for r in 0..<t.shape[0] where !(t.values[2 * r] >= 1 && Double(t.values[2 * r]) <= Double(newStep)) {
                        throw CheckpointError(file: path, problem: "tensor \(name): row \(r) has step \(t.values[2 * r]), expected 1…\(newStep)")
                    }
                }
            }
            try checkpoint.requireFinite(file: path)   // weights, Adam's moments, histories
            return (newStep, seconds, seen)
        } catch {
            throw TrainingError.incompatibleCheckpoint(path: path, problem: (error as? CheckpointError)?.problem ?? "\(error)")
        }
    }

    /// Restores weights, step and histories from a checkpoint written by `save`. The checkpoint's
    /// σ_eff must match this trainer's (the network is the denoiser of that class), and so must its
    /// batch size and seed unless `forSampling` (otherwise a resumed data stream would differ; a run
    /// that only samples from the model may use its own seed). Returns the checkpoint's metadata.
    @discardableResult
    public func resume(from path: String, forSampling: Bool = false) throws -> [String: String] {
        let checkpoint = try Checkpoint.read(path)
        let tensors = checkpoint.tensors, meta = checkpoint.metadata
        // Everything that shapes the continued data stream and schedule must match (the flag in brackets).
        let mustMatch = [("sigma_eff", String(configuration.sigmaEff), "--sigma-eff")]
            + (forSampling ? [] : [("batch", String(configuration.batchSize), "--batch"), ("seed", String(configuration.seed), "--seed"),
                                   ("learning_rate", String(configuration.learningRate), "--lr"),
                                   ("warmup", String(configuration.warmupSteps), "--warmup"),
                                   ("learning_rate_final_fraction", configuration.decayToFraction.map { String($0) } ?? "constant", "--lr-final"),
                                   ("average_decay", configuration.averageDecay.map { String($0) } ?? "none", "--average-decay")])
        for (key, mine, flag) in mustMatch {
            if let theirs = meta[key], theirs != mine {
                throw TrainingError.incompatibleCheckpoint(path: path, problem: "it has \(key) = \(theirs), this run has \(mine) (\(flag))")
            }
        }
        let (newStep, seconds, seen) = try DenoiserTrainer.checkStoredValues(checkpoint, path: path)
        do { try checkpoint.restore(into: model, file: path, allowUnexpected: true) } catch {
            throw TrainingError.incompatibleCheckpoint(path: path, problem: "\(error) (different --width or --resolutions?)")
        }
        step = newStep
        trainingSeconds = seconds
        imagesSeen = seen
        for t in tensors {
            let rows = t.shape.first ?? 0
            if t.name == DenoiserTrainer.historyTrain {
                trainingLoss = (0..<rows).map { (Int(t.values[2 * $0]), t.values[2 * $0 + 1]) }
            } else if t.name == DenoiserTrainer.historyValidation {
                validationLoss = (0..<rows).map { (Int(t.values[2 * $0]), Double(t.values[2 * $0 + 1])) }
            }
        }
        // The averaged weights, when this run keeps them: from the file, or (a checkpoint written
        // without them) restarted at the restored weights.
        if configuration.averageDecay != nil {
            let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            averageWeights = model.namedParameters.map { named in
                guard let t = byName[DenoiserTrainer.averagePrefix + named.name], t.values.count == named.parameter.count else {
                    return named.parameter.value
                }
                return t.values
            }
        }
        // Adam's moments and step make the resumed run continue exactly; older checkpoints lack them.
        if checkpoint.optimizerState.isEmpty {
            resumedWithoutOptimizerState = true
        } else {
            do { try optimizer.loadState(checkpoint.optimizerState) } catch {
                throw TrainingError.incompatibleCheckpoint(path: path, problem: "optimiser state: \(error)")
            }
            resumedWithoutOptimizerState = false
        }
        return meta
    }
}

