// Safetensors checkpoints: round trip, rejection of broken/foreign files, architecture mismatch,
// atomic write. Files go to a fresh temporary directory per test.
#if canImport(Glibc)
import Glibc
#endif
import NeuralNet
import Training
import NumericCore
import Testing
import Storage

private func temporaryDirectory() -> String {
    var template = Array("/tmp/checkpoint-tests-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(p != nil, "mkdtemp failed")
    return String(cString: p!)
}

private func listDirectory(_ path: String) -> [String] {
    guard let d = opendir(path) else { return [] }
    defer { closedir(d) }
    var names = [String]()
    while let e = readdir(d) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
            String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

private func removeDirectory(_ path: String) {
    for n in listDirectory(path) { unlink(path + "/" + n) }
    rmdir(path)
}

private func writeBytes(_ bytes: [UInt8], to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
    close(fd)
}

private func readBytes(_ path: String) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    precondition(fd >= 0)
    defer { close(fd) }
    var out = [UInt8](), buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let r = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if r <= 0 { break }
        out += buf[0..<r]
    }
    return out
}

/// Runs `body` expecting a CheckpointError; returns its description ("" if none was thrown).
private func checkpointFailure(_ body: () throws -> Void) -> String {
    do { try body() } catch let e as CheckpointError { return e.description } catch { return "other error: \(error)" }
    return ""
}

private func smallUNet(channels: Int = 1, seed: UInt64) -> UNet {
    // Non-residual output so the (otherwise zero-initialised) output conv matters too.
    UNet(UNet.Configuration(channels: channels, baseWidth: 8, resolutions: 2, residualOutput: false), seed: seed)
}

@Suite struct CheckpointTests {
    @Test func roundTripGivesBitIdenticalOutputs() throws {
        let dir = temporaryDirectory(); defer { removeDirectory(dir) }
        let path = dir + "/model.safetensors"
        let a = smallUNet(seed: 1), b = smallUNet(seed: 2)
        // Perturb every parameter (GroupNorm γ/β, biases, the output conv) so all of them are tested.
        var rng = Xoshiro256(seed: 3)
        for (_, p) in a.namedParameters { for i in 0..<p.count { p.value[i] += Float(rng.gaussian()) * 0.1 } }
        let x = Tensor.gaussian(shape: [2, 1, 8, 8], rng: &rng)
        let ya = a.forward(x)
        #expect(b.forward(x).data != ya.data)

        try Checkpoint.save(a, to: path, metadata: [Checkpoint.Key.configuration: #"{"width": 8, "name": "small \"unet\""}"#,
                                                    Checkpoint.Key.step: "1234", Checkpoint.Key.dataset: "mnist"])
        let loaded = try Checkpoint.load(path, into: b)
        #expect(b.forward(x).data.map(\.bitPattern) == ya.data.map(\.bitPattern))
        #expect(loaded.step == 1234)
        #expect(loaded.metadata[Checkpoint.Key.dataset] == "mnist")
        #expect(loaded.metadata[Checkpoint.Key.configuration] == #"{"width": 8, "name": "small \"unet\""}"#)
        #expect(loaded.metadata[Checkpoint.Key.parameterCount] == String(a.parameterCount))
        #expect(loaded.tensors.map(\.name) == a.namedParameters.map(\.name))
        for (t, (_, p)) in zip(loaded.tensors, a.namedParameters) {
            #expect(t.shape == p.shape)
            #expect(t.values.map(\.bitPattern) == p.value.map(\.bitPattern))
        }
        // Same model and metadata → the same bytes (deterministic writer).
        let again = dir + "/again.safetensors"
        try Checkpoint.save(b, to: again, metadata: [Checkpoint.Key.configuration: #"{"width": 8, "name": "small \"unet\""}"#,
                                                     Checkpoint.Key.step: "1234", Checkpoint.Key.dataset: "mnist"])
        #expect(readBytes(again) == readBytes(path))
    }

    @Test func mlpRoundTripAndFileLayout() throws {
        let dir = temporaryDirectory(); defer { removeDirectory(dir) }
        let path = dir + "/mlp.safetensors"
        let a = MLP(inputDim: 2, hidden: [16, 16], outputDim: 2, seed: 5), b = MLP(inputDim: 2, hidden: [16, 16], outputDim: 2, seed: 6)
        try Checkpoint.save(a, to: path)
        try Checkpoint.load(path, into: b)
        var rng = Xoshiro256(seed: 7)
        let x = Tensor.gaussian(shape: [5, 2], rng: &rng)
        #expect(a.forward(x).data.map(\.bitPattern) == b.forward(x).data.map(\.bitPattern))

        let bytes = readBytes(path)
        var n = 0
        for i in (0..<8).reversed() { n = n << 8 | Int(bytes[i]) }
        #expect(n % 8 == 0)                                         // header padded to 8 bytes
        #expect(bytes.count == 8 + n + 4 * a.parameterCount)        // F32 data, contiguous
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"#))
        #expect(header.contains(#""layers.0.weight":{"dtype":"F32","shape":[16,2],"data_offsets":[0,128]}"#))
    }

    @Test func inMemoryEncodeDecodeOfEdgeCases() throws {
        let tensors: [NamedArray] = [
            (name: "scalar", shape: [], values: [3.5]),
            (name: "empty", shape: [0, 4], values: []),
            (name: "ünïcode \"name\"\n", shape: [2, 2], values: [1, -0.0, .infinity, .leastNonzeroMagnitude]),
        ]
        let bytes = try Safetensors.encode(tensors, metadata: ["k\u{1}": "v\\"])
        let (back, meta) = try Safetensors.decode(bytes)
        #expect(meta == ["k\u{1}": "v\\"])
        #expect(back.map(\.name) == tensors.map(\.name))
        #expect(back.map(\.shape) == tensors.map(\.shape))
        #expect(back.map { $0.values.map(\.bitPattern) } == tensors.map { $0.values.map(\.bitPattern) })
        // Writer refuses inconsistent input.
        #expect(checkpointFailure { _ = try Safetensors.encode([(name: "a", shape: [2, 2], values: [1])]) }
            == "<memory>: tensor 'a': shape [2, 2] needs 4 values, got 1")
        #expect(checkpointFailure { _ = try Safetensors.encode([(name: "a", shape: [1], values: [1]), (name: "a", shape: [1], values: [1])]) }
            == "<memory>: cannot write tensor 'a' twice")
    }

    @Test func truncatedFileIsRejected() throws {
        let dir = temporaryDirectory(); defer { removeDirectory(dir) }
        let path = dir + "/model.safetensors"
        let model = smallUNet(seed: 1)
        try Checkpoint.save(model, to: path)
        let full = readBytes(path)
        var n = 0
        for i in (0..<8).reversed() { n = n << 8 | Int(full[i]) }
        let dataBytes = full.count - 8 - n
        writeBytes(Array(full.prefix(full.count - 100)), to: path)
        #expect(checkpointFailure { _ = try Checkpoint.read(path) }
            == "\(path): truncated: header says \(dataBytes) bytes of tensor data, file has \(dataBytes - 100)")
        // Cut inside the header.
        writeBytes(Array(full.prefix(8 + n / 2)), to: path)
        #expect(checkpointFailure { _ = try Checkpoint.read(path) }.hasPrefix(
            "\(path): not a safetensors file or truncated: header length field says \(n) bytes, file has \(n / 2) bytes after it"))
        // Shorter than the length field.
        writeBytes(Array(full.prefix(5)), to: path)
        #expect(checkpointFailure { _ = try Checkpoint.read(path) }
            == "\(path): too short for a safetensors file: 5 bytes, need at least 8 (header length)")
        // Extra bytes at the end.
        writeBytes(full + [0, 0, 0, 0], to: path)
        #expect(checkpointFailure { _ = try Checkpoint.read(path) }
            == "\(path): 4 unexpected bytes after the tensor data (header covers \(dataBytes) of \(dataBytes + 4))")
        // Missing file.
        #expect(checkpointFailure { _ = try Checkpoint.read(dir + "/nope.safetensors") }
            == "\(dir)/nope.safetensors: cannot open: No such file or directory")
    }

    @Test func foreignFilesAreRejected() throws {
        let dir = temporaryDirectory(); defer { removeDirectory(dir) }
        let path = dir + "/foreign.safetensors"
        var rng = Xoshiro256(seed: 11)
        writeBytes((0..<1000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, to: path)
        #expect(checkpointFailure { _ = try Checkpoint.read(path) }.hasPrefix("\(path): not a safetensors file or truncated: header length field says "))
        // A plain JSON file: its first 8 bytes read as a huge length.
        writeBytes(Array(#"{"dtype": "F32", "shape": [1]}"#.utf8), to: path)
        #expect(checkpointFailure { _ = try Checkpoint.read(path) }.hasPrefix("\(path): not a safetensors file or truncated: header length field says "))

        func file(header: String, data: [UInt8] = []) -> [UInt8] {
            var h = Array(header.utf8)
            var out = [UInt8]()
            var n = UInt64(h.count)
            for _ in 0..<8 { out.append(UInt8(truncatingIfNeeded: n)); n >>= 8 }
            out += h; h = []
            return out + data
        }
        let cases: [(String, [UInt8], String)] = [
            ("not JSON", file(header: "{\"a\": [1, 2,}"), "header is not valid JSON: unexpected byte 0x7d at header byte 12"),
            ("not an object", file(header: "[1, 2]"), "not a safetensors file: header does not start with '{'"),
            ("bad dtype", file(header: #"{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
             "tensor 'w': dtype F16 is not supported (only F32)"),
            ("size vs shape", file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
             "tensor 'w': data_offsets [0, 4] span 4 bytes but shape [2] × F32 needs 8"),
            ("out of range", file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0]),
             "truncated: header says 8 bytes of tensor data, file has 4"),
            ("overlap", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                             data: [UInt8](repeating: 0, count: 8)),
             "tensor 'b' at bytes [4, 8) overlaps tensor 'a' at [0, 8)"),
            ("gap", file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
             "tensor 'a' begins at byte 4 but the previous tensor ends at 0 (gap)"),
            ("missing field", file(header: #"{"a":{"dtype":"F32","shape":[1]}}"#), "tensor 'a': no data_offsets"),
            ("non-string metadata", file(header: #"{"__metadata__":{"step":3}}"#), "__metadata__ value for 'step' is not a string"),
        ]
        for (label, bytes, problem) in cases {
            writeBytes(bytes, to: path)
            #expect(checkpointFailure { _ = try Checkpoint.read(path) } == "\(path): \(problem)", "\(label)")
        }
    }

    @Test func architectureMismatchIsReported() throws {
        let dir = temporaryDirectory(); defer { removeDirectory(dir) }
        let path = dir + "/unet.safetensors"
        try Checkpoint.save(UNet.bench(channels: 1, seed: 0), to: path)
        let rgb = UNet.bench(channels: 3, seed: 0)
        let before = rgb.exportParameters()
        let message = checkpointFailure { try Checkpoint.load(path, into: rgb) }
        #expect(message == "\(path): does not match the model: 3 with a different shape: input.weight [32,1,3,3] vs model [32,3,3,3], "
            + "output.conv.weight [1,32,3,3] vs model [3,32,3,3], output.conv.bias [1] vs model [3]")
        // Nothing was changed.
        #expect(zip(rgb.exportParameters(), before).allSatisfy { $0.values == $1.values })

        // Missing and unexpected names (a different architecture altogether).
        let mlpPath = dir + "/mlp.safetensors"
        try Checkpoint.save(MLP(inputDim: 2, hidden: [8], outputDim: 2, seed: 0), to: mlpPath)
        let other = MLP(inputDim: 2, hidden: [8, 8], outputDim: 2, seed: 0)
        #expect(checkpointFailure { try Checkpoint.load(mlpPath, into: other) }
            == "\(mlpPath): does not match the model: 2 missing: layers.2.weight, layers.2.bias; "
             + "2 with a different shape: layers.1.weight [2,8] vs model [8,8], layers.1.bias [2] vs model [8]")
        let smaller = MLP(inputDim: 2, hidden: [], outputDim: 2, seed: 0)
        #expect(checkpointFailure { try Checkpoint.load(mlpPath, into: smaller) }
            == "\(mlpPath): does not match the model: 2 unexpected: layers.1.weight, layers.1.bias; "
             + "2 with a different shape: layers.0.weight [8,2] vs model [2,2], layers.0.bias [8] vs model [2]")
    }

    @Test func optimizerStateGivesExactResume() throws {
        let dir = temporaryDirectory(); defer { removeDirectory(dir) }
        let path = dir + "/resume.safetensors"
        var rng = Xoshiro256(seed: 21)
        let x = Tensor.gaussian(shape: [2, 1, 8, 8], rng: &rng), t = Tensor.gaussian(shape: [2, 1, 8, 8], rng: &rng)
        func step(_ m: UNet, _ opt: Adam) {
            m.zeroGradients()
            _ = m.backward(MSELoss.gradient(m.forward(x), t))
            opt.step()
        }
        let a = smallUNet(seed: 1), optA = Adam(parameters: a.parameters, learningRate: 1e-2)
        for _ in 0..<3 { step(a, optA) }
        try Checkpoint.save(a, optimizerState: optA.exportState(), to: path, metadata: [Checkpoint.Key.step: "3"])

        let b = smallUNet(seed: 9), optB = Adam(parameters: b.parameters, learningRate: 1e-2)
        let ckpt = try Checkpoint.load(path, into: b)          // optimizer.* entries are not "unexpected"
        try optB.loadState(ckpt.optimizerState)
        #expect(ckpt.optimizerState.first?.name == "step")
        #expect(optB.stepCount == 3)
        step(a, optA); step(b, optB)
        #expect(a.exportParameters().map { $0.values.map(\.bitPattern) } == b.exportParameters().map { $0.values.map(\.bitPattern) })
    }

    @Test func atomicWriteLeavesNoTemporaryFile() throws {
        let dir = temporaryDirectory(); defer { removeDirectory(dir) }
        let path = dir + "/model.safetensors"
        let model = smallUNet(seed: 1)
        try Checkpoint.save(model, to: path)
        try Checkpoint.save(model, to: path, metadata: [Checkpoint.Key.step: "2"])   // replaces
        #expect(listDirectory(dir) == ["model.safetensors"])
        #expect(try Checkpoint.read(path).step == 2)
        // A failing write (target directory missing) leaves nothing behind and names the file.
        let bad = dir + "/missing/model.safetensors"
        #expect(checkpointFailure { try Checkpoint.save(model, to: bad) }.hasPrefix("\(bad): cannot create temporary file"))
        // A failing rename (target is a non-empty directory) removes the temporary file.
        mkdir(dir + "/occupied", 0o755)
        writeBytes([1], to: dir + "/occupied/x")
        #expect(checkpointFailure { try Checkpoint.save(model, to: dir + "/occupied") }
            .hasPrefix("\(dir)/occupied: cannot rename temporary file over it"))
        #expect(listDirectory(dir) == ["model.safetensors", "occupied"])
        unlink(dir + "/occupied/x"); rmdir(dir + "/occupied")
    }
}
