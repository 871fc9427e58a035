// Chapter 5's training loop (DenoiserTrainer.swift): a short seeded denoiser run on tiny synthetic images
// whose loss falls by a stated factor; checkpoint → resume restores step, weights and history and
// continues deterministically; NaN losses stop with a message naming the step.
import Foundation
import NeuralNet
import NumericCore
import Testing
import Training

/// n synthetic 1×8×8 images: a bright 3×3 square at a random position on a dark background.
func squares(_ n: Int, seed: UInt64) -> [Float] {
    var rng = Xoshiro256(seed: seed)
    var out = [Float](repeating: 0.05, count: n * 64)
    for k in 0..<n {
        let r = rng.int(below: 6), c = rng.int(below: 6)
        for dy in 0..<3 { for dx in 0..<3 { out[k * 64 + (r + dy) * 8 + c + dx] = 0.95 } }
    }
    return out
}

func tinyTrainer(steps: Int, seed: UInt64 = 7, modelSeed: UInt64 = 1, images: [Float]? = nil) -> DenoiserTrainer {
    let unet = UNet(UNet.Configuration(channels: 1, baseWidth: 8, resolutions: 2), seed: modelSeed)
    let config = DenoiserTrainingConfiguration(steps: steps, batchSize: 16, learningRate: 3e-3, warmupSteps: 5,
                                               sigmaEff: 0.4, seed: seed)
    let data = images ?? squares(64, seed: 3)
    return DenoiserTrainer(model: unet, configuration: config, images: data, count: data.count / 64, imageShape: [1, 8, 8])
}

/// A 4-step trainer of the tiny U-Net on 8 squares, for checkpoint-compatibility tests.
func trainerOnEightSquares(batchSize: Int, sigmaEff: Float, seed: UInt64, modelSeed: UInt64) -> DenoiserTrainer {
    let unet = UNet(UNet.Configuration(channels: 1, baseWidth: 8, resolutions: 2), seed: modelSeed)
    return DenoiserTrainer(model: unet, configuration: DenoiserTrainingConfiguration(
        steps: 4, batchSize: batchSize, learningRate: 1e-3, sigmaEff: sigmaEff, seed: seed),
        images: squares(8, seed: 1), count: 8, imageShape: [1, 8, 8])
}

func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "/ch5-\(getpid())-\(UInt64.random(in: 0...UInt64.max))-" + name
}

@Suite struct DenoiserTrainingTests {
    @Test func lossFallsFourfoldAndBeatsTheIdentity() throws {
        let t = tinyTrainer(steps: 80)
        try t.run(validation: nil, checkpointPath: nil)
        let first = t.trainingLoss.prefix(5).map(\.loss).reduce(0, +) / 5
        let last = t.trainingLoss.suffix(10).map(\.loss).reduce(0, +) / 10
        // The residual U-Net starts at the identity: loss ≈ σ_eff² = 0.16 per pixel.
        #expect(abs(first - 0.16) < 0.03, "initial loss \(first)")
        #expect(last < first / 4, "loss \(first) → \(last)")
        print("tiny denoiser loss \(first) → \(last)")
        let val = squares(32, seed: 99)
        let v = t.validate(images: val, count: 32)
        #expect(v.model < v.identity / 3, "validation \(v.model) vs identity \(v.identity)")
        #expect(t.step == 80 && t.imagesSeen == 80 * 16 && t.imagesPerSecond > 0)
    }

    @Test func resumeRestoresStepWeightsAndTheDataStream() throws {
        let path = temporaryPath("resume.safetensors")
        defer { unlink(path) }
        let a = tinyTrainer(steps: 10)
        try a.run(validation: (squares(8, seed: 5), 8), checkpointPath: path, metadata: ["dataset": "squares"])

        // A fresh trainer (different initial weights) resumed from the checkpoint.
        let b = tinyTrainer(steps: 20, modelSeed: 99)
        let meta = try b.resume(from: path)
        #expect(meta["dataset"] == "squares" && meta["step"] == "10")
        #expect(b.step == 10 && b.trainingLoss.count == 10 && b.validationLoss.count == 1)
        #expect(b.model.exportParameters().map(\.values) == a.model.exportParameters().map(\.values))
        #expect(b.trainingLoss.map(\.loss) == a.trainingLoss.map(\.loss))
        // The resumed run draws exactly the batches the uninterrupted run would draw.
        let fresh = tinyTrainer(steps: 20)
        #expect(b.batch(atStep: 11).noisy == fresh.batch(atStep: 11).noisy)
        #expect(b.batch(atStep: 11).clean == fresh.batch(atStep: 11).clean)
        try b.run(validation: nil, checkpointPath: nil)
        #expect(b.step == 20)
        // Resuming twice gives bit-identical continuations (deterministic).
        let c = tinyTrainer(steps: 20, modelSeed: 5)
        try c.resume(from: path)
        try c.run(validation: nil, checkpointPath: nil)
        #expect(c.model.exportParameters().map(\.values) == b.model.exportParameters().map(\.values))
        // Adam's moments and step travel in the checkpoint, so resuming is exact: an uninterrupted
        // 20-step run ends with the same weights, bit for bit.
        #expect(!b.resumedWithoutOptimizerState)
        let whole = tinyTrainer(steps: 20)
        try whole.run(validation: nil, checkpointPath: nil)
        #expect(whole.model.exportParameters().map(\.values) == b.model.exportParameters().map(\.values))
    }

    @Test func resumeRefusesAMismatchedNoiseLevel() throws {
        let path = temporaryPath("mismatch.safetensors")
        defer { unlink(path) }
        let a = tinyTrainer(steps: 2)
        try a.run(validation: nil, checkpointPath: path)
        let other = trainerOnEightSquares(batchSize: 16, sigmaEff: 0.5, seed: 7, modelSeed: 1)
        #expect(throws: TrainingError.self) { try other.resume(from: path) }
        #expect(throws: TrainingError.self) { try other.resume(from: path, forSampling: true) }
    }

    @Test func samplingMayUseAnotherSeedAndBatchButTrainingMayNot() throws {
        let path = temporaryPath("sampling.safetensors")
        defer { unlink(path) }
        let a = tinyTrainer(steps: 2)
        try a.run(validation: nil, checkpointPath: path)
        let other = trainerOnEightSquares(batchSize: 8, sigmaEff: a.configuration.sigmaEff,
                                          seed: a.configuration.seed + 1, modelSeed: 3)
        #expect(throws: TrainingError.self) { try other.resume(from: path) }
        try other.resume(from: path, forSampling: true)
        #expect(other.step == 2)
        #expect(other.model.exportParameters().map(\.values) == a.model.exportParameters().map(\.values))
    }

    @Test func nonFiniteLossStopsNamingTheStepAndKeepsTheCheckpoint() throws {
        let path = temporaryPath("nan.safetensors")
        defer { unlink(path) }
        let good = tinyTrainer(steps: 3)
        try good.run(validation: nil, checkpointPath: path)
        let bad = tinyTrainer(steps: 6, images: [Float](repeating: .nan, count: 64 * 4))
        do {
            try bad.run(validation: nil, checkpointPath: path)
            Issue.record("expected a non-finite loss error")
        } catch let e as TrainingError {
            let text = e.description
            #expect(text.contains("step 1") && text.contains("smaller learning rate") && text.contains(path), "\(text)")
        }
        #expect(bad.step == 0)
        // The checkpoint on disk is still the good one (step 3).
        let check = tinyTrainer(steps: 3, modelSeed: 42)
        #expect(try check.resume(from: path)["step"] == "3")
    }
}
