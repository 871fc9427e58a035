// Issue 13, items 3, 4 and 13: values read from a checkpoint get the flags' range checks (a step of
// −5, a width of 0 or 9999 used to crash), a loss history whose shape changes but whose byte count
// does not ([n,2] → [2n,1]) and NaN/inf weights are rejected on load, and --resume refuses a
// different learning rate, warm-up or final fraction.
import Foundation
import NeuralNet
import Storage
import Testing
import Training

@Suite struct CheckpointRangeTests {
    /// A 2-step checkpoint of the tiny trainer, rewritten by `edit`.
    func edited(_ name: String, _ edit: (inout Checkpoint) -> Void) throws -> String {
        let path = temporaryPath(name)
        try tinyTrainer(steps: 2).run(validation: nil, checkpointPath: path)
        var c = try Checkpoint.read(path)
        edit(&c)
        try c.write(to: path)
        return path
    }

    func resumeError(_ path: String, _ trainer: DenoiserTrainer = tinyTrainer(steps: 4), forSampling: Bool = false) -> String? {
        do { try trainer.resume(from: path, forSampling: forSampling); return nil } catch { return "\(error)" }
    }

    @Test func outOfRangeStepIsRefusedForTrainingAndSampling() throws {
        for bad in ["-5", "99999999999", "x"] {
            let path = try edited("step.safetensors") { $0.metadata["step"] = bad }
            defer { unlink(path) }
            for sampling in [false, true] {
                let e = resumeError(path, forSampling: sampling)
                #expect(e?.contains(path) == true && e?.contains("\"step\"") == true && e?.contains("\n") == false, "\(bad): \(e ?? "accepted")")
            }
        }
    }

    @Test func metadataIntegersGetTheFlagRanges() throws {
        let c = Checkpoint(tensors: [], metadata: ["width": "9999", "w0": "0", "w12": "12", "res": "7", "ok": "16"])
        #expect(throws: CheckpointError.self) { try c.integer("width", in: 8...256, multipleOf: 8, file: "f") }
        #expect(throws: CheckpointError.self) { try c.integer("w0", in: 8...256, multipleOf: 8, file: "f") }
        #expect(throws: CheckpointError.self) { try c.integer("w12", in: 8...256, multipleOf: 8, file: "f") }
        #expect(throws: CheckpointError.self) { try c.integer("res", in: 2...3, file: "f") }
        #expect(try c.integer("ok", in: 8...256, multipleOf: 8, file: "f") == 16)
        #expect(try c.integer("absent", in: 2...3, file: "f") == nil)
        do { _ = try c.integer("width", in: 8...256, multipleOf: 8, file: "ck.safetensors") } catch {
            #expect("\(error)" == "ck.safetensors: metadata \"width\" is 9999, expected 8…256, a multiple of 8")
        }
    }

    @Test func reshapedHistoryWithTheSameByteCountIsRefused() throws {
        let path = try edited("history.safetensors") { c in
            let i = c.tensors.firstIndex { $0.name == "trainer.history.train" }!
            c.tensors[i].shape = [c.tensors[i].shape[0] * 2, 1]
        }
        defer { unlink(path) }
        let e = resumeError(path)
        #expect(e?.contains("trainer.history.train has shape [4,1], expected [n,2]") == true, "\(e ?? "accepted")")
    }

    @Test func historyStepsBeyondTheCheckpointStepAreRefused() throws {
        let path = try edited("historystep.safetensors") { c in
            let i = c.tensors.firstIndex { $0.name == "trainer.history.train" }!
            c.tensors[i].values[0] = 3.6e14
        }
        defer { unlink(path) }
        #expect(resumeError(path)?.contains("row 0 has step") == true)
    }

    @Test func nonFiniteWeightsAreDetectedOnLoad() throws {
        for bad: Float in [.nan, .infinity] {
            let path = try edited("nan.safetensors") { c in
                let i = c.tensors.firstIndex { !$0.name.hasPrefix("optimizer.") && !$0.name.hasPrefix("trainer.") }!
                c.tensors[i].values[0] = bad
            }
            defer { unlink(path) }
            #expect(resumeError(path)?.contains("non-finite") == true)
            #expect(resumeError(path, forSampling: true)?.contains("non-finite") == true)
            let model = tinyTrainer(steps: 1).model
            #expect(throws: CheckpointError.self) { try Checkpoint.load(path, into: model, allowUnexpected: true) }
        }
    }

    @Test func resumeRefusesAnotherLearningRateWarmupOrFinalFraction() throws {
        let path = temporaryPath("schedule.safetensors")
        defer { unlink(path) }
        try tinyTrainer(steps: 2).run(validation: nil, checkpointPath: path)
        func trainer(lr: Float = 3e-3, warmup: Int = 5, decay: Float? = nil) -> DenoiserTrainer {
            let unet = UNet(UNet.Configuration(channels: 1, baseWidth: 8, resolutions: 2), seed: 1)
            let config = DenoiserTrainingConfiguration(steps: 4, batchSize: 16, learningRate: lr, warmupSteps: warmup,
                                                       decayToFraction: decay, sigmaEff: 0.4, seed: 7)
            let data = squares(64, seed: 3)
            return DenoiserTrainer(model: unet, configuration: config, images: data, count: 64, imageShape: [1, 8, 8])
        }
        #expect(resumeError(path, trainer()) == nil)
        #expect(resumeError(path, trainer(lr: 1e-3))?.contains("(--lr)") == true)
        #expect(resumeError(path, trainer(warmup: 6))?.contains("(--warmup)") == true)
        #expect(resumeError(path, trainer(decay: 0.1))?.contains("(--lr-final)") == true)
        // Sampling only reads the weights: its own schedule does not matter.
        #expect(resumeError(path, trainer(lr: 1e-3), forSampling: true) == nil)
    }
}
