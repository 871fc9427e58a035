// The moving average of the weights that chapter 5 samples with: it follows its recursion
// θ̄ ← β_t θ̄ + (1 − β_t) θ (checked against a Double replay of the recorded weights), travels in
// the checkpoint so that an interrupted run's average equals an uninterrupted one's bit for bit,
// and `useAverageWeights` puts it into the model.
import Foundation
import NeuralNet
import Testing
import Training

@Suite struct WeightAverageTests {
    func averagingTrainer(steps: Int, beta: Float = 0.9, modelSeed: UInt64 = 1) -> DenoiserTrainer {
        let unet = UNet(UNet.Configuration(channels: 1, baseWidth: 8, resolutions: 2), seed: modelSeed)
        let config = DenoiserTrainingConfiguration(steps: steps, batchSize: 16, learningRate: 3e-3, warmupSteps: 5,
                                                   sigmaEff: 0.4, seed: 7, averageDecay: beta)
        let data = squares(64, seed: 3)
        return DenoiserTrainer(model: unet, configuration: config, images: data, count: data.count / 64, imageShape: [1, 8, 8])
    }

    @Test func followsItsRecursion() throws {
        let beta = 0.9, t = averagingTrainer(steps: 30, beta: Float(beta))
        var replay = t.model.parameters.map { $0.value.map(Double.init) }
        for step in 1...30 {
            try t.trainStep()
            let b = min(beta, Double(1 + step) / Double(10 + step))
            for (k, p) in t.model.parameters.enumerated() {
                for i in p.value.indices { replay[k][i] = b * replay[k][i] + (1 - b) * Double(p.value[i]) }
            }
        }
        // Float recursion against the Double replay: 30 steps of rounding at ~1e-7 relative each.
        var worst = 0.0, moved = 0.0
        for (k, p) in t.model.parameters.enumerated() {
            for i in p.value.indices {
                worst = max(worst, abs(Double(t.averageWeights[k][i]) - replay[k][i]) / max(1e-3, abs(replay[k][i])))
                moved = max(moved, abs(replay[k][i] - Double(p.value[i])))
            }
        }
        #expect(worst < 1e-5, "largest relative error \(worst)")
        #expect(moved > 1e-4, "the average must differ from the last weights (largest gap \(moved))")
    }

    @Test func travelsInTheCheckpointAndResumesExactly() throws {
        let path = temporaryPath("average.safetensors")
        defer { unlink(path) }
        let whole = averagingTrainer(steps: 12)
        try whole.run(validation: nil, checkpointPath: nil)
        let first = averagingTrainer(steps: 12)
        for _ in 0..<5 { try first.trainStep() }
        try first.save(to: path)
        let resumed = averagingTrainer(steps: 12, modelSeed: 99)
        try resumed.resume(from: path)
        try resumed.run(validation: nil, checkpointPath: nil)
        #expect(resumed.averageWeights == whole.averageWeights)
        #expect(resumed.useAverageWeights())
        #expect(resumed.model.parameters.map(\.value) == whole.averageWeights)
        // A trainer without an average keeps none and leaves the model alone.
        let plain = tinyTrainer(steps: 2)
        #expect(plain.averageWeights.isEmpty && !plain.useAverageWeights())
    }
}
