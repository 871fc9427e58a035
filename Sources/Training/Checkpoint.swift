// Model checkpoints as safetensors files: every parameter of a `Layer` under its stable name
// (`namedParameters`), Float32, plus string metadata (run configuration JSON, step, data set, …).
//
//     try Checkpoint.save(unet, to: "checkpoints/unet.safetensors",
//                         metadata: [Checkpoint.Key.configuration: configJSON, Checkpoint.Key.step: "5000"])
//     let ckpt = try Checkpoint.load("checkpoints/unet.safetensors", into: unet)   // checks, then copies
//     print(ckpt.metadata[Checkpoint.Key.step] ?? "?")
//
// Exact resume: also store the optimiser's moments (`Adam.exportState()`), under `optimizer.*`:
//     try Checkpoint(model: unet, optimizerState: adam.exportState(), metadata: meta).write(to: path)
//     let ckpt = try Checkpoint.load(path, into: unet); try adam.loadState(ckpt.optimizerState)
//
// Files open with Python's `safetensors.numpy.load_file` / `safetensors.torch.load_file`.

/// Named Float32 tensors plus string metadata: the contents of one safetensors checkpoint.
import NeuralNet
import Storage
public struct Checkpoint: Sendable {
    /// Tensors in file order (by data offset); for a model, its `namedParameters` order.
    public var tensors: [NamedArray]
    /// Free-form string metadata (the safetensors `__metadata__` object).
    public var metadata: [String: String]

    /// Conventional metadata keys.
    public enum Key {
        /// The run's configuration, as a JSON string.
        public static let configuration = "config"
        /// Training step (decimal integer).
        public static let step = "step"
        /// Data set name.
        public static let dataset = "dataset"
        /// Written by `init(model:)`: who wrote the file.
        public static let producer = "producer"
        /// Written by `init(model:)`: `NeuralNet.parameterLayoutVersion`.
        public static let layoutVersion = "parameter_layout_version"
        /// Written by `init(model:)`: total number of scalars.
        public static let parameterCount = "parameter_count"
    }

    /// Name prefix of optimiser-state tensors (`optimizer.step`, `optimizer.m.0`, …); they are not
    /// model parameters and are skipped when checking a checkpoint against a model.
    public static let optimizerPrefix = "optimizer."

    public init(tensors: [NamedArray], metadata: [String: String] = [:]) {
        self.tensors = tensors; self.metadata = metadata
    }

    /// A snapshot (copies) of `model`'s parameters, plus optional optimiser state (e.g.
    /// `adam.exportState()`, stored with the `optimizer.` prefix). `metadata` is merged over the
    /// producer, layout-version and parameter-count entries this adds.
    public init(model: Layer, optimizerState: [NamedArray] = [], metadata: [String: String] = [:]) {
        tensors = model.exportParameters()
            + optimizerState.map { (name: Checkpoint.optimizerPrefix + $0.name, shape: $0.shape, values: $0.values) }
        var m: [String: String] = [
            Key.producer: "MDensityBook NeuralNet",
            Key.layoutVersion: String(NeuralNet.parameterLayoutVersion),
            Key.parameterCount: String(model.parameterCount),
        ]
        m.merge(metadata) { _, new in new }
        self.metadata = m
    }

    /// The optimiser-state tensors with the `optimizer.` prefix removed, ready for
    /// `Adam.loadState` / `Adagrad.loadState`; empty when none were stored.
    public var optimizerState: [NamedArray] {
        tensors.filter { $0.name.hasPrefix(Checkpoint.optimizerPrefix) }
            .map { (name: String($0.name.dropFirst(Checkpoint.optimizerPrefix.count)), shape: $0.shape, values: $0.values) }
    }

    /// The model-parameter tensors (everything except optimiser state).
    public var parameterTensors: [NamedArray] { tensors.filter { !$0.name.hasPrefix(Checkpoint.optimizerPrefix) } }

    /// The step recorded under `Key.step`, if any.
    public var step: Int? { metadata[Key.step].flatMap { Int($0) } }

    /// Reads and validates a safetensors file; throws `CheckpointError` naming the file and problem.
    public static func read(_ path: String) throws -> Checkpoint {
        let (t, m) = try Safetensors.read(path)
        return Checkpoint(tensors: t, metadata: m)
    }

    /// Writes the file atomically (temporary file, fsync, rename, fsync of the directory).
    public func write(to path: String) throws {
        try Safetensors.write(tensors, metadata: metadata, to: path)
    }

    /// Saves `model`'s parameters (plus optional optimiser state) and `metadata` to `path` atomically.
    public static func save(_ model: Layer, optimizerState: [NamedArray] = [], to path: String,
                            metadata: [String: String] = [:]) throws {
        try Checkpoint(model: model, optimizerState: optimizerState, metadata: metadata).write(to: path)
    }

    /// Reads `path`, checks it against `model` (see `mismatches(with:)`) and copies the values into
    /// the model's parameters. Nothing is changed when anything does not match. Returns the
    /// checkpoint (for its metadata).
    @discardableResult
    public static func load(_ path: String, into model: Layer, allowUnexpected: Bool = false) throws -> Checkpoint {
        let c = try read(path)
        try c.restore(into: model, file: path, allowUnexpected: allowUnexpected)
        return c
    }

    /// Every difference between this checkpoint and `model`'s parameters, in a fixed order:
    /// missing names (model order), unexpected names (file order), then shape differences.
    /// Optimiser-state tensors (`optimizer.*`) are not compared.
    /// Empty when the model can be loaded. (All tensors here are F32 — the reader rejects other
    /// dtypes — and every engine parameter is Float, so dtypes always agree.)
    public func mismatches(with model: Layer, allowUnexpected: Bool = false) -> (missing: [String], unexpected: [String], shapes: [String]) {
        let params = parameterTensors
        var byName = [String: [Int]]()
        for t in params { byName[t.name] = t.shape }
        let named = model.namedParameters
        let modelNames = Set(named.map(\.name))
        var missing = [String](), shapes = [String]()
        for (name, p) in named {
            guard let s = byName[name] else { missing.append(name); continue }
            if s != p.shape { shapes.append("\(name) \(format(s)) vs model \(format(p.shape))") }
        }
        let unexpected = allowUnexpected ? [] : params.map(\.name).filter { !modelNames.contains($0) }
        return (missing, unexpected, shapes)
    }

    /// Copies the values into `model` after checking names and shapes; throws one `CheckpointError`
    /// listing every mismatch, e.g.
    /// `unet.safetensors: does not match the model: shape: input.weight [32,1,3,3] vs model [32,3,3,3]`.
    public func restore(into model: Layer, file: String = "<memory>", allowUnexpected: Bool = false) throws {
        let (missing, unexpected, shapes) = mismatches(with: model, allowUnexpected: allowUnexpected)
        if !(missing.isEmpty && unexpected.isEmpty && shapes.isEmpty) {
            var parts = [String]()
            if !missing.isEmpty { parts.append("\(missing.count) missing: " + abbreviated(missing)) }
            if !unexpected.isEmpty { parts.append("\(unexpected.count) unexpected: " + abbreviated(unexpected)) }
            if !shapes.isEmpty { parts.append("\(shapes.count) with a different shape: " + abbreviated(shapes)) }
            var problem = "does not match the model: " + parts.joined(separator: "; ")
            if let v = metadata[Key.layoutVersion], v != String(NeuralNet.parameterLayoutVersion) {
                problem += " (file has parameter layout version \(v), engine \(NeuralNet.parameterLayoutVersion))"
            }
            throw CheckpointError(file: file, problem: problem)
        }
        try requireFinite(parameterTensors, file: file)
        do { try model.loadParameters(parameterTensors) } catch {
            throw CheckpointError(file: file, problem: "\(error)")
        }
    }
}

private func format(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ",") + "]" }

private func abbreviated(_ items: [String], limit: Int = 6) -> String {
    items.count <= limit ? items.joined(separator: ", ")
        : items.prefix(limit).joined(separator: ", ") + ", … and \(items.count - limit) more"
}
