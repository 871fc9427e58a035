import Foundation
import NeuralNet
import Notebook
import Samplers
import Storage
import Training

extension Chapter {
    /// Writes a sample set that a reported number comes from: every jump as uint8 pixels
    /// (round(255·clip(x̂, 0, 1))), shape (n, C, H, W), with how it was drawn in the metadata, to
    /// <figures>/chapter5-gps-walk-jump/samples/<name>.safetensors. Returns the path relative to the
    /// report, or nil (with a note in the report) when the file cannot be written.
    @discardableResult
    func writeSampleSet(_ name: String, jumps: [Float], count: Int, metadata: [String: String]) -> String? {
        let relative = "samples/\(name).safetensors"
        let path = "\(s.figuresDirectory)/\(slug)/\(relative)"
        let bytes = jumps.prefix(count * data.pixels).map { UInt8((min(max($0, 0), 1) * 255).rounded()) }
        var meta = metadata
        meta["dataset"] = data.name; meta["sigma_eff"] = fmt(s.sigmaEff); meta["seed"] = String(s.seed)
        meta["pixels"] = "uint8 = round(255 · clip(x̂, 0, 1)), shape (n, C, H, W)"
        do {
            try FileManager.default.createDirectory(atPath: "\(s.figuresDirectory)/\(slug)/samples", withIntermediateDirectories: true)
            try Safetensors.writeUInt8(name: "jumps", shape: [count] + data.imageShape, values: bytes, metadata: meta, to: path)
            sampleSets.append(relative)
            return relative
        } catch {
            notebook.prose("(Could not write the sample set \(path): \(error).)")
            return nil
        }
    }

    /// How a walk-jump sample set was drawn, for its file's metadata.
    func sampleMetadata(_ m: Member, chains: Int, burnIn: Int, steps: Int, jumpEvery: Int, start: String) -> [String: String] {
        ["M": String(m.measurements), "sigma": fmt(m.sigma), "step": fmt(m.step), "effective_friction": fmt(m.friction),
         "integrator": m.integrator.rawValue, "chains": String(chains), "burn_in_steps": String(burnIn), "steps": String(steps),
         "jump_every": String(jumpEvery), "start": start, "layout": "jump k of chain b is row k·chains + b"]
    }

    /// --export-weights: ν_θ's sampling weights (after `useAverageWeights`) with the run's settings,
    /// no optimiser state or history: a few MB that `sample` can run from.
    func exportWeights() throws {
        guard let path = s.exportWeights else { return }
        let p = s.preset
        let meta = ["dataset": data.name, "preset": p.name, "width": String(p.width), "resolutions": String(p.resolutions),
                    "sigma_eff": String(Float(s.sigmaEff)), "step": String(trainer.step), "seed": String(s.seed),
                    "weights": p.averageDecay > 0 ? "moving average, β = \(fmt(p.averageDecay))" : "last step",
                    "trained_from": s.checkpoint]
        do { try Checkpoint(model: unet, metadata: meta).write(to: path) } catch { throw InputError("--export-weights \(path): \(error)") }
        notebook.prose("ν_θ's sampling weights were written to \(path) (weights only).")
    }
}
