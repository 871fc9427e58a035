// libFuzzer target: safetensors checkpoints, through Safetensors.decode (what Checkpoint.read runs on
// a file's bytes), then the checks a resumed training run applies to the metadata and tensors
// (DenoiserTrainer.checkStoredValues: step, train_seconds, images_seen, the loss histories, finite
// values), Checkpoint.restore into a small model (names, shapes, copying) and Adam/Adagrad.loadState
// of the optimizer.* tensors (exact resume). Errors must be thrown;
// a trap, an ASan report, a hang or an OOM is a finding, and so is an accepted file whose tensors
// do not survive encode → decode unchanged.
#if canImport(Glibc)
import Glibc
#endif
import NeuralNet
import Training
import Storage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let (tensors, metadata) = try? Safetensors.decode(bytes) else {
        check(!expectValid, "a seed was rejected")
        return 0
    }
    for t in tensors {
        let (count, overflow) = t.shape.reduce((1, false)) { a, d in
            let (p, o) = a.0.multipliedReportingOverflow(by: d); return (p, a.1 || o)
        }
        check(!overflow && count == t.values.count && t.shape.allSatisfy { $0 >= 0 }, "tensor \(t.name): shape \(t.shape) for \(t.values.count) values")
    }
    // Round trip: what was read, written again, reads back identically (bit patterns, so NaNs compare).
    // The writer refuses an empty tensor name, which the reader accepts; such files are skipped here.
    if let again = try? Safetensors.encode(tensors, metadata: metadata) {
        guard let (t2, m2) = try? Safetensors.decode(again) else { check(false, "re-encoded file is rejected"); return 0 }
        check(m2 == metadata, "metadata changed in the round trip")
        check(t2.count == tensors.count, "tensor count changed in the round trip")
        for (a, b) in zip(tensors, t2) {
            check(a.name == b.name && a.shape == b.shape && a.values.map(\.bitPattern) == b.values.map(\.bitPattern),
                  "tensor \(a.name) changed in the round trip")
        }
    } else { check(tensors.contains { $0.name.isEmpty }, "encode refused a decoded file") }

    let checkpoint = Checkpoint(tensors: tensors, metadata: metadata)
    _ = try? DenoiserTrainer.checkStoredValues(checkpoint, path: "<fuzz>")
    _ = try? checkpoint.integer(Checkpoint.Key.step, in: 0...10_000_000, multipleOf: 5, file: "<fuzz>")
    _ = try? checkpoint.number("learning_rate", atLeast: 1e-6, file: "<fuzz>")
    _ = checkpoint.step
    _ = checkpoint.optimizerState
    // A model whose parameters the seed files name (layers.0.weight [3,2], layers.0.bias [3], …).
    let model = MLP(inputDim: 2, hidden: [3], outputDim: 1, seed: 1)
    let before = model.exportParameters()
    do {
        try checkpoint.restore(into: model, file: "<fuzz>", allowUnexpected: size % 2 == 0)
        for (name, p) in model.namedParameters {
            let t = checkpoint.parameterTensors.first { $0.name == name }!
            check(p.shape == t.shape && p.value.map(\.bitPattern) == t.values.map(\.bitPattern), "restore copied \(name) wrongly")
        }
    } catch {
        let after = model.exportParameters()
        check(zip(before, after).allSatisfy { $0.values == $1.values }, "a refused restore changed the model")
    }
    // Exact resume: the optimiser state stored under optimizer.* (step, m.i/v.i for Adam, sum.i for Adagrad).
    let adam = Adam(parameters: model.parameters, learningRate: 1e-3)
    if (try? adam.loadState(checkpoint.optimizerState)) != nil { check(adam.stepCount >= 0, "Adam step \(adam.stepCount)") }
    let adagrad = Adagrad(parameters: model.parameters, learningRate: 1e-2)
    if (try? adagrad.loadState(checkpoint.optimizerState)) != nil { check(adagrad.stepCount >= 0, "Adagrad step \(adagrad.stepCount)") }
    return 0
}

/// `MDENSITY_FUZZ_EXPECT_VALID=1` (scripts/fuzz.sh --check-seeds): every input must be accepted.
let expectValid = getenv("MDENSITY_FUZZ_EXPECT_VALID").map { String(cString: $0) == "1" } ?? false

func check(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("fuzz-safetensors invariant broken: \(what())") }
}
