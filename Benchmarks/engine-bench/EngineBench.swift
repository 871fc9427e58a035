// engine-bench: throughput of the NeuralNet engine on the fixed bench U-Net, against OpenBLAS sgemm
// (this machine's reference peak) and against PyTorch / JAX (Benchmarks/peers/results.json).
//
//   swift run -c release engine-bench [--batch 64] [--iterations 10] [--threads 2] [--seed 0]
//
// Measured, for 28×28×1 and 32×32×3 inputs: forward images/s and training-step images/s
// (forward + MSE + backward + Adam; median and best of `iterations` timed steps after 2 warm-up
// steps). GEMM share: the engine has no timing hooks, so this executable interposes
// `cblas_sgemm` (see below) and times every sgemm the engine issues inside the measured steps.
// As a cross-check, the same GEMM shapes — derived from the model's parameter shapes and the
// engine's per-image GEMM scheme — are replayed in isolation, alternating with the engine steps.
import ArgumentParser
import CBLAS
import Foundation
import NeuralNet
import Notebook
import NumericCore

// MARK: - In-situ GEMM timing (cblas_sgemm interposed)

// The engine calls OpenBLAS through NumericCore's `Float.gemm` → `cblas_sgemm`. This executable
// defines `cblas_sgemm` itself, so the static linker binds those calls here; the wrapper times the
// real routine (found with dlsym(RTLD_NEXT)) and counts calls and FLOPs. Overhead: two
// clock_gettime per call (≈ 50 ns against GEMMs of ≥ 50 µs). No engine file is touched.
typealias SgemmFunction = @convention(c) (CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint, Float,
    UnsafePointer<Float>?, blasint, UnsafePointer<Float>?, blasint, Float, UnsafeMutablePointer<Float>?, blasint) -> Void

nonisolated(unsafe) let realSgemm: SgemmFunction = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: -1), "cblas_sgemm") else {  // RTLD_NEXT
        fatalError("engine-bench: cannot find OpenBLAS's cblas_sgemm")
    }
    return unsafeBitCast(symbol, to: SgemmFunction.self)
}()

/// Totals since the last `reset()`, safe for concurrent calls: the engine's convolutions issue
/// single-threaded sgemms from two workers at once. Time is counted in core-seconds (a call's wall
/// time × the OpenBLAS threads it ran with) and reported per core of `cores`, i.e. as the wall time
/// the calls would take on all cores — so shares and rates compare with serial 2-thread calls.
enum GEMMCounter {
    nonisolated(unsafe) static var calls = 0
    nonisolated(unsafe) static var coreNanoseconds: UInt64 = 0
    nonisolated(unsafe) static var flops: Double = 0
    nonisolated(unsafe) static var cores = 2
    nonisolated(unsafe) static var lock = pthread_mutex_t()
    static func reset() { pthread_mutex_lock(&lock); calls = 0; coreNanoseconds = 0; flops = 0; pthread_mutex_unlock(&lock) }
    static var seconds: Double { Double(coreNanoseconds) * 1e-9 / Double(max(1, cores)) }
    static func add(nanoseconds: UInt64, threads: Int, flops f: Double) {
        pthread_mutex_lock(&lock)
        calls += 1; coreNanoseconds &+= nanoseconds &* UInt64(max(1, threads)); flops += f
        pthread_mutex_unlock(&lock)
    }
}

@_cdecl("cblas_sgemm")
func interposedSgemm(_ order: CBLAS_ORDER, _ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE,
                     _ m: blasint, _ n: blasint, _ k: blasint, _ alpha: Float,
                     _ a: UnsafePointer<Float>?, _ lda: blasint, _ b: UnsafePointer<Float>?, _ ldb: blasint,
                     _ beta: Float, _ c: UnsafeMutablePointer<Float>?, _ ldc: blasint) {
    var t0 = timespec(), t1 = timespec()
    let threads = Int(openblas_get_num_threads())  // the active count: 1 inside a single-threaded region
    clock_gettime(CLOCK_MONOTONIC, &t0)
    realSgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    clock_gettime(CLOCK_MONOTONIC, &t1)
    GEMMCounter.add(nanoseconds: UInt64(max(0, (t1.tv_sec - t0.tv_sec) * 1_000_000_000 + (t1.tv_nsec - t0.tv_nsec))),
                    threads: threads, flops: 2 * Double(m) * Double(n) * Double(k))
}

// MARK: - Convolution inventory (public API only)

/// One Conv2D of the model: name prefix, channels, kernel, stride and input resolution.
struct ConvSpec {
    let name: String
    let inChannels: Int, outChannels: Int, kernel: Int, stride: Int
    let height: Int, width: Int
    var pad: Int { kernel / 2 }
    var outHeight: Int { (height + 2 * pad - kernel) / stride + 1 }
    var outWidth: Int { (width + 2 * pad - kernel) / stride + 1 }
    var outPixels: Int { outHeight * outWidth }
    var rows: Int { inChannels * kernel * kernel }
    /// Multiply-adds ×2 per image.
    var forwardFLOPs: Int { 2 * outChannels * rows * outPixels }
}

/// The U-Net's convolutions, recovered from `namedParameters`: every 4-D `.weight` is a conv
/// (Cout, Cin, k, k). Level (resolution H/2^level) and stride follow the U-Net's naming scheme
/// (`UNet.swift`): `input`, `output.conv` at level 0; `down.i.*`, `up.i.*`, `upsample.i` at level i;
/// `downsample.i` is the stride-2 conv reading level i; `mid.*` at the deepest level.
func convolutions(of model: UNet, height: Int, width: Int) -> [ConvSpec] {
    let deepest = model.configuration.resolutions - 1
    var out = [ConvSpec]()
    for (name, p) in model.namedParameters where name.hasSuffix(".weight") && p.shape.count == 4 {
        let parts = name.split(separator: ".").map(String.init)
        var level = 0, stride = 1
        switch parts[0] {
        case "down", "up", "upsample": level = Int(parts[1]) ?? 0
        case "downsample": level = Int(parts[1]) ?? 0; stride = 2
        case "mid": level = deepest
        default: level = 0
        }
        out.append(ConvSpec(name: String(name.dropLast(".weight".count)), inChannels: p.shape[1], outChannels: p.shape[0],
                            kernel: p.shape[2], stride: stride, height: height >> level, width: width >> level))
    }
    return out
}

/// One sgemm call as the engine issues it (row-major).
struct GEMMCall: Hashable {
    let transA: Bool, transB: Bool
    let m: Int, n: Int, k: Int
    let beta: Float
    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

/// The sgemm calls of Conv2D.forward / Conv2D.backward (Conv2D.swift), one set per image with
/// P = output pixels: forward Y = W·col (Cout × P, inner Cin·k²); backward dW += dY·colᵀ (Cout ×
/// Cin·k², inner P); dX — stride 1 with Cin ≥ Cout: W'·col(dY) (Cin × P, inner Cout·k²), otherwise
/// Wᵀ·dY (Cin·k² × P, inner Cout) then col2im. A Cout = 1 convolution uses sgemv for y and ∂W (not
/// replayed: the interposer counts sgemm only), but its stride-1 ∂X is the W'·col(dY) GEMM.
///
/// With `winograd`, 3×3 stride-1 layers at least 8 channels wide (Conv2D.usesWinograd) issue
/// Winograd.swift's calls instead, F(m×m, 3×3) with m = `tile` or Conv2D's automatic choice: per
/// worker's half of the batch, chunks of ⌊400/T⌋ images (⌊200/T⌋ for m = 4; T = ⌈H/m⌉·⌈W/m⌉ tiles), each (m+2)²
/// GEMMs (Cout × n tiles, inner Cin); ∂x the same with Cin and Cout swapped; ∂W per chunk (m+2)²
/// GEMMs ∂U += ∂M·Vᵀ (Cout × Cin, inner n).
func gemmCalls(_ c: ConvSpec, batch: Int, backward: Bool, winograd: Bool, tile: Int? = nil) -> [GEMMCall] {
    guard c.outChannels > 1 else {
        guard backward && c.stride == 1 else { return [] }
        return (0..<batch).map { _ in GEMMCall(transA: false, transB: false, m: c.inChannels, n: c.outPixels, k: c.kernel * c.kernel, beta: 0) }
    }
    if winograd && c.kernel == 3 && c.stride == 1 && min(c.inChannels, c.outChannels) >= 8 {
        let m = tile ?? Conv2D.automaticWinogradTile(width: c.width), entries = (m + 2) * (m + 2)
        let tiles = ((c.height + m - 1) / m) * ((c.width + m - 1) / m), imagesPerChunk = max(1, (m == 4 ? 200 : 400) / tiles)
        let halves = batch >= 2 ? [batch - batch / 2, batch / 2] : [batch]
        func perChunk(_ call: (Int) -> GEMMCall) -> [GEMMCall] {
            halves.flatMap { images in
                stride(from: 0, to: images, by: imagesPerChunk).flatMap { first in
                    let n = min(imagesPerChunk, images - first) * tiles
                    return (0..<entries).map { _ in call(n) }
                }
            }
        }
        func transformed(out: Int, in k: Int) -> [GEMMCall] {
            perChunk { n in GEMMCall(transA: false, transB: false, m: out, n: n, k: k, beta: 0) }
        }
        if !backward { return transformed(out: c.outChannels, in: c.inChannels) }
        let dW = perChunk { n in GEMMCall(transA: false, transB: true, m: c.outChannels, n: c.inChannels, k: n, beta: 1) }
        return transformed(out: c.inChannels, in: c.outChannels) + dW
    }
    let p = c.outPixels
    var perImage = [GEMMCall]()
    if !backward {
        perImage.append(GEMMCall(transA: false, transB: false, m: c.outChannels, n: p, k: c.rows, beta: 0))
    } else {
        perImage.append(GEMMCall(transA: false, transB: true, m: c.outChannels, n: c.rows, k: p, beta: 1))
        if c.stride == 1 && c.inChannels >= c.outChannels {
            perImage.append(GEMMCall(transA: false, transB: false, m: c.inChannels, n: p,
                                     k: c.outChannels * c.kernel * c.kernel, beta: 0))
        } else {
            perImage.append(GEMMCall(transA: true, transB: false, m: c.rows, n: p, k: c.outChannels, beta: 0))
        }
    }
    return (0..<batch).flatMap { _ in perImage }
}

/// Operand buffers big enough for every call, filled with N(0,1) values (never denormal/zero).
final class GEMMBuffers: @unchecked Sendable {
    let a: UnsafeMutableBufferPointer<Float>, b: UnsafeMutableBufferPointer<Float>
    /// One C buffer per replay worker.
    let c: [UnsafeMutableBufferPointer<Float>]
    init(_ calls: [GEMMCall], seed: UInt64) {
        var rng = Xoshiro256(seed: seed)
        func filled(_ n: Int) -> UnsafeMutableBufferPointer<Float> {
            let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: n)
            rng.fillGaussian(p); return p
        }
        a = filled(calls.map { $0.m * $0.k }.max() ?? 1); b = filled(calls.map { $0.k * $0.n }.max() ?? 1)
        let sc = calls.map { $0.m * $0.n }.max() ?? 1
        c = [filled(sc), filled(sc)]
    }
    deinit { a.deallocate(); b.deallocate(); for x in c { x.deallocate() } }

    /// Runs `calls` in order with the current OpenBLAS threads, or — `imageParallel`, as Conv2D
    /// does — alternately on two workers with single-threaded OpenBLAS (each its own C buffer).
    func run(_ calls: [GEMMCall], imageParallel: Bool = true) {
        let workers = imageParallel ? 2 : 1
        let replay = {
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for (i, g) in calls.enumerated() where i % workers == w {
                    Float.gemm(transA: g.transA, transB: g.transB, m: g.m, n: g.n, k: g.k, alpha: 1,
                               a: self.a.baseAddress!, lda: g.transA ? g.m : g.k, b: self.b.baseAddress!,
                               ldb: g.transB ? g.k : g.n, beta: g.beta, c: self.c[w].baseAddress!, ldc: g.n)
                }
            }
        }
        if imageParallel { withSingleThreadedBLAS(replay) } else { replay() }
    }
}

// MARK: - Timing helpers

/// Median seconds of `repeats` runs after `warmup` untimed runs.
func medianSeconds(warmup: Int = 1, repeats: Int, _ body: () -> Void) -> Double {
    for _ in 0..<warmup { body() }
    var t = [Double]()
    for _ in 0..<max(1, repeats) { let w = Stopwatch(); body(); t.append(w.seconds) }
    t.sort()
    return t.count % 2 == 1 ? t[t.count / 2] : (t[t.count / 2 - 1] + t[t.count / 2]) / 2
}

func median(_ xs: [Double]) -> Double {
    let t = xs.sorted()
    return t.count % 2 == 1 ? t[t.count / 2] : (t[t.count / 2 - 1] + t[t.count / 2]) / 2
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

func cpuModel() -> String {
    guard let s = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "?" }
    for line in s.split(separator: "\n") where line.hasPrefix("model name") {
        return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
    }
    return "?"
}

func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
func padRight(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }

// MARK: - Results

struct ShapeResult {
    let label: String            // "28x28x1"
    let parameters: Int
    let forwardMFLOPPerImage: Double
    let forwardImagesPerSecond: Double
    let trainImagesPerSecond: Double
    let forwardBestImagesPerSecond: Double, trainBestImagesPerSecond: Double
    let forwardGEMMShare: Double, trainGEMMShare: Double     // measured in situ
    let forwardConvFLOPs: Double, trainConvFLOPs: Double
    let forwardSeconds: Double, trainSeconds: Double
}

// MARK: - Command

/// Bad flags exit with code 2 and a one-line message, as the chapters do (`ChapterCommand.main`).
@main
struct EngineBench: ChapterCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine-bench",
        abstract: "Throughput of the NeuralNet bench U-Net vs OpenBLAS sgemm, PyTorch and JAX.")

    @Option(help: "Images per batch.") var batch = 64
    @Option(help: "Timed iterations per measurement (after 2 warm-up iterations).") var iterations = 10
    @Option(help: "OpenBLAS threads (the engine's own loops always use 2 workers).") var threads = 2
    @Option(help: "Seed for parameters and data.") var seed: UInt64 = 0
    @Option(help: "Peer results written by Benchmarks/peers/run.sh.") var peers = "Benchmarks/peers/results.json"
    @Option(help: "Also write this run's numbers as JSON to this path.") var json: String?
    @Option(help: "Profiling mode: `sgemm` (square sizes), `layers` (time per layer type in one training step), only `forward` (the inference pass, `infer`), `forward-keeping` (the forward pass that keeps every input for backward) or `train` steps (for perf), or `dispatch` (what splitting work between the two workers costs).")
    var profile: String?
    @Option(help: "Input shape for --profile: 28x28x1 or 32x32x3.") var shape = "28x28x1"
    @Flag(help: "Lower every convolution by im2col (no Winograd), to compare.") var im2col = false
    @Option(help: "Winograd output tile for every Winograd layer, 2 or 4 (default: Conv2D's choice by width).")
    var winogradTile: Int?
    @Flag(help: "Time chapter 5's walk-jump step (its U-Net, A-B-O-B-A) for M = 1, 4, 16 and B = 64, 96, 1 instead of the bench U-Net.")
    var walkJump = false
    @Option(help: "Chain counts B for --walk-jump, comma-separated.") var walkJumpChains = "64,96,1"

    /// The bench U-Net, with Winograd switched off when --im2col says so.
    func benchModel(channels: Int) -> UNet {
        let model = UNet.bench(channels: channels, seed: seed)
        if im2col { for c in model.convolutions { c.allowsWinograd = false } }
        if let winogradTile { for c in model.convolutions { c.winogradTile = winogradTile } }
        return model
    }
    @Option(help: "Run with this OpenBLAS kernel set (re-executes itself with OPENBLAS_CORETYPE set), e.g. SkylakeX.")
    var openblasCoretype: String?

    mutating func run() throws {
        if let core = openblasCoretype, ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != core {
            // OpenBLAS reads OPENBLAS_CORETYPE when the library is loaded, i.e. before main: re-exec.
            setenv("OPENBLAS_CORETYPE", core, 1)
            let argv = CommandLine.arguments.map { strdup($0) } + [nil]
            execv("/proc/self/exe", argv)
            throw ValidationError("cannot re-execute with OPENBLAS_CORETYPE=\(core): \(String(cString: strerror(errno)))")
        }
        if let winogradTile, ![2, 4].contains(winogradTile) {
            throw ValidationError("--winograd-tile must be 2 or 4, not \(winogradTile)")
        }
        let chainCounts = try Validate.numberList(walkJumpChains, flag: "walk-jump-chains").map { b in
            guard b == b.rounded(), b <= 4096 else { throw InputError("--walk-jump-chains: every B must be an integer in 1…4096 (got \(b))") }
            return Int(b)
        }
        setBLASThreads(threads)
        if profile == "sgemm" {
            for n in [256, 512, 1024, 2048] {
                let call = GEMMCall(transA: false, transB: false, m: n, n: n, k: n, beta: 0)
                let buffers = GEMMBuffers([call], seed: seed)
                let t = medianSeconds(warmup: 1, repeats: max(3, iterations)) { buffers.run([call], imageParallel: false) }
                print("sgemm \(n)³: \(f(call.flops / t / 1e9)) GFLOP/s")
            }
            return
        }
        if profile == "dispatch" {
            dispatchLatency()
            return
        }
        if profile == "layers" {
            let dims = shape.split(separator: "x").compactMap { Int($0) }
            guard dims.count == 3 else { throw ValidationError("--shape HxWxC, e.g. 28x28x1") }
            profileLayers(height: dims[0], width: dims[1], channels: dims[2])
            return
        }
        if let profile {
            let dims = shape.split(separator: "x").compactMap { Int($0) }
            guard dims.count == 3, ["forward", "forward-keeping", "train"].contains(profile) else {
                throw ValidationError("--profile sgemm|layers|forward|forward-keeping|train|dispatch (with --shape HxWxC, e.g. 28x28x1)")
            }
            let model = benchModel(channels: dims[2])
            var rng = Xoshiro256(seed: seed &+ 1)
            let x = Tensor.gaussian(shape: [batch, dims[2], dims[0], dims[1]], rng: &rng)
            let target = Tensor.gaussian(shape: x.shape, rng: &rng)
            let optimizer = Adam(parameters: model.parameters, learningRate: 1e-4)
            var times = [Double]()
            for _ in 0..<iterations {
                let clock = Stopwatch()
                switch profile {
                case "forward": _ = model.infer(x)
                case "forward-keeping": _ = model.forward(x)
                default: mseTrainingStep(model, input: x, target: target, optimizer: optimizer)
                }
                times.append(clock.seconds)
            }
            print("\(profile) \(shape) batch \(batch): \(f(times.reduce(0, +) / Double(iterations) * 1e3)) ms/iteration "
                  + "(median \(f(median(times) * 1e3)), best \(f(times.min()! * 1e3)))")
            return
        }
        let loadBefore = loadAverage()
        let config = String(cString: openblas_get_config())
        print("engine-bench — NeuralNet bench U-Net, batch \(batch), \(iterations) timed iterations, seed \(seed)")
        print("CPU: \(cpuModel()), \(ProcessInfo.processInfo.activeProcessorCount) cores; OpenBLAS \(config); "
              + "BLAS threads \(blasThreads); load average \(loadBefore)")
        print("date: \(ISO8601DateFormatter().string(from: Date()))")

        // 1. Reference peak: square sgemm.
        print("\n## OpenBLAS sgemm (reference peak)")
        var peak = 0.0
        for n in [512, 1024, 2048] {
            let call = GEMMCall(transA: false, transB: false, m: n, n: n, k: n, beta: 0)
            let buffers = GEMMBuffers([call], seed: seed)
            buffers.run([call], imageParallel: false)
            var times = [Double]()
            for _ in 0..<(n >= 2048 ? 3 : 9) { let w = Stopwatch(); buffers.run([call], imageParallel: false); times.append(w.seconds) }
            let best = call.flops / times.min()! / 1e9, typical = call.flops / median(times) / 1e9
            print("  sgemm \(n)×\(n)×\(n): median \(f(typical)) GFLOP/s, best \(f(best)) GFLOP/s")
            if n == 1024 { peak = best }
        }
        print("  reference peak (best of 9 at 1024³, the least disturbed by other load): \(f(peak)) GFLOP/s")
        alternativeKernels(config: config)
        if walkJump {
            let cells = walkJumpBench(peak: peak, chainCounts: chainCounts)
            print("  load average before/after: \(loadBefore) / \(loadAverage())")
            if let json { try writeWalkJumpJSON(cells, peak: peak, to: json) }
            return
        }

        // 2. The U-Net at both shapes.
        var results = [ShapeResult]()
        for (c, h, w) in [(1, 28, 28), (3, 32, 32)] {
            results.append(measure(channels: c, height: h, width: w, peak: peak))
        }

        // 3. Summary.
        print("\n## Summary (batch \(batch), \(threads) BLAS threads)")
        print("  " + padRight("input", 9) + pad("params", 9) + pad("MFLOP/img", 11) + pad("fwd img/s", 11)
              + pad("train img/s", 13) + pad("GEMM share fwd/train", 22) + pad("conv GFLOP/s fwd/train", 24)
              + pad("of sgemm", 13))
        for r in results {
            let share = "\(f(100 * r.forwardGEMMShare, 0))% / \(f(100 * r.trainGEMMShare, 0))%"
            let gfF = r.forwardConvFLOPs / r.forwardSeconds / 1e9, gfT = r.trainConvFLOPs / r.trainSeconds / 1e9
            print("  " + padRight(r.label, 9) + pad(String(r.parameters), 9) + pad(f(r.forwardMFLOPPerImage), 11)
                  + pad(f(r.forwardImagesPerSecond), 11) + pad(f(r.trainImagesPerSecond), 13) + pad(share, 22)
                  + pad("\(f(gfF)) / \(f(gfT))", 24) + pad("\(f(100 * gfF / peak, 0))% / \(f(100 * gfT / peak, 0))%", 13))
        }
        let loadAfter = loadAverage()
        print("  load average before/after: \(loadBefore) / \(loadAfter)"
              + ((Double(loadAfter.split(separator: " ").first ?? "0") ?? 0) > 1.5 ? "  (busy machine: numbers are noisy)" : ""))

        if let json { try writeJSON(results, peak: peak, config: config, to: json) }
        comparePeers(results)
    }

    /// OpenBLAS 0.3.21's DYNAMIC_ARCH does not know recent AMD cores with AVX-512 and falls back to
    /// its AVX2 (Haswell) kernels. When that is the case, measure sgemm with the AVX-512 kernels
    /// (OPENBLAS_CORETYPE=SkylakeX, in a child process) and say how to use them.
    func alternativeKernels(config: String) {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        guard flags.split(separator: " ").contains("avx512f"), !config.contains("SkylakeX"), !config.contains("Cooperlake"),
              !config.contains("SapphireRapids") else { return }
        let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { " (OPENBLAS_CORETYPE=\($0) is set in the environment)" } ?? ""
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        child.arguments = ["--profile", "sgemm", "--threads", String(threads), "--iterations", "9"]
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = "SkylakeX"
        child.environment = environment
        let pipe = Pipe()
        child.standardOutput = pipe
        do { try child.run() } catch { print("  (could not measure OPENBLAS_CORETYPE=SkylakeX: \(error))"); return }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        let line = output.split(separator: "\n").first { $0.hasPrefix("sgemm 1024") }.map(String.init) ?? "?"
        print("  this CPU has AVX-512 but OpenBLAS runs \(config.contains("Haswell") ? "its Haswell (AVX2)" : "non-AVX-512") kernels\(forced); "
              + "with OPENBLAS_CORETYPE=SkylakeX (AVX-512): \(line)")
        print("  (rerun with --openblas-coretype SkylakeX to benchmark the engine on them; results then differ in the last bits)")
    }

    /// Two equal pieces of work run serially and as DispatchQueue.concurrentPerform's two iterations,
    /// at sizes of one layer's share at batch 1 (µs): the difference is the cost of waking a worker.
    func dispatchLatency() {
        @Sendable @inline(never) func work(_ n: Int) -> Double { var s = 0.0; for i in 0..<n { s += Double(i).squareRoot() }; return s }
        print("two pieces of work, serially and by concurrentPerform(iterations: 2) (median of \(iterations * 100) calls, µs):")
        for n in [2_000, 10_000, 50_000] {
            var sink = 0.0
            let serial = medianSeconds(warmup: 10, repeats: iterations * 100) { sink += work(n) + work(n) }
            let parallel = medianSeconds(warmup: 10, repeats: iterations * 100) {
                DispatchQueue.concurrentPerform(iterations: 2) { _ in _ = work(n) }
            }
            print("  piece \(f(serial / 2 * 1e6)) µs: serial \(f(serial * 1e6)), parallel \(f(parallel * 1e6)), "
                  + "overhead \(f((parallel - serial / 2) * 1e6)) µs")
            withExtendedLifetime(sink) {}
        }
    }

    /// Times every kind of layer of the bench U-Net in isolation at the shapes and multiplicities
    /// of one training step (forward + backward each), splitting convolutions into sgemm and the
    /// rest (im2col, scatter/gather, bias), and compares the sum with a measured training step.
    func profileLayers(height: Int, width: Int, channels: Int) {
        let b = batch, h2 = height / 2, w2 = width / 2
        var rng = Xoshiro256(seed: seed)
        let model = benchModel(channels: channels)
        let reps = max(3, iterations)
        var rows = [(name: String, count: Int, forward: Double, backward: Double, gemm: Double)]()
        func time(_ name: String, count: Int, _ forward: () -> Void, _ backward: () -> Void) {
            forward(); backward()
            var tf = [Double](), tb = [Double](), tg = [Double]()
            for _ in 0..<reps {
                GEMMCounter.reset()
                var w = Stopwatch(); forward(); tf.append(w.seconds)
                w.restart(); backward(); tb.append(w.seconds)
                tg.append(GEMMCounter.seconds)
            }
            rows.append((name, count, median(tf), median(tb), median(tg)))
        }
        // Convolutions, each with its own input/gradient tensors.
        let ws = ConvWorkspace()
        for c in convolutions(of: model, height: height, width: width) {
            let conv = Conv2D(c.inChannels, c.outChannels, kernelSize: c.kernel, stride: c.stride, workspace: ws, rng: &rng)
            conv.allowsWinograd = !im2col
            conv.winogradTile = winogradTile
            let x = Tensor.gaussian(shape: [b, c.inChannels, c.height, c.width], rng: &rng)
            let g = Tensor.gaussian(shape: [b, c.outChannels, c.outHeight, c.outWidth], rng: &rng)
            time("conv \(c.name) \(c.inChannels)→\(c.outChannels) k\(c.kernel)s\(c.stride) @\(c.height)", count: 1,
                 { _ = conv.forward(x) }, { _ = conv.backward(g) })
        }
        // Every norm in the U-Net is followed by SiLU, which it applies itself (GroupNorm.thenSiLU).
        for (ch, hh, ww, count) in [(32, height, width, 4), (64, h2, w2, 4), (64, height, width, 1)] {
            let x = Tensor.gaussian(shape: [b, ch, hh, ww], rng: &rng)
            let norm = GroupNorm(groups: groupCount(ch), channels: ch, thenSiLU: true)
            time("GroupNorm(8)+SiLU [\(ch),\(hh),\(ww)]", count: count, { _ = norm.forward(x) }, { _ = norm.backward(x) })
        }
        do {
            let up = Upsample2x(), x = Tensor.gaussian(shape: [b, 64, h2, w2], rng: &rng)
            let g = Tensor.gaussian(shape: [b, 64, height, width], rng: &rng)
            time("Upsample2x [64,\(h2),\(w2)]", count: 1, { _ = up.forward(x) }, { _ = up.backward(g) })
            var cat = ChannelConcat()
            let a = Tensor.gaussian(shape: [b, 32, height, width], rng: &rng)
            time("ChannelConcat 32+32 @\(height)", count: 1, { _ = cat.forward(a, a) }, { _ = cat.backward(g) })
            var sum = a
            time("Tensor.add [32,\(height),\(width)] (residuals, gradient sums)", count: 4, { sum.add(a) }, {})
            var sum2 = Tensor.gaussian(shape: [b, 64, h2, w2], rng: &rng)
            let a2 = sum2
            time("Tensor.add [64,\(h2),\(w2)]", count: 4, { sum2.add(a2) }, {})
            let p = Tensor.gaussian(shape: [b, channels, height, width], rng: &rng)
            time("MSELoss.evaluate", count: 1, { _ = MSELoss.evaluate(p, p) }, {})
            let opt = Adam(parameters: model.parameters, learningRate: 1e-4)
            time("Adam.step (\(model.parameterCount) parameters) + zeroGradients", count: 1,
                 { opt.step() }, { model.zeroGradients() })
        }
        // The whole step, for comparison.
        let x = Tensor.gaussian(shape: [b, channels, height, width], rng: &rng)
        let opt = Adam(parameters: model.parameters, learningRate: 1e-4)
        let step = medianSeconds(warmup: 2, repeats: reps) {
            model.zeroGradients()
            _ = model.backward(MSELoss.gradient(model.forward(x), x))
            opt.step()
        }
        print("layer times for one training step, \(height)x\(width)x\(channels), batch \(b) (median of \(reps); ms):")
        print("  " + padRight("layer", 52) + pad("count", 6) + pad("fwd", 9) + pad("bwd", 9) + pad("sgemm", 9)
              + pad("non-GEMM", 10) + pad("×count", 9))
        var total = 0.0, totalGEMM = 0.0
        for r in rows {
            let all = Double(r.count) * (r.forward + r.backward)
            total += all; totalGEMM += Double(r.count) * r.gemm
            print("  " + padRight(r.name, 52) + pad(String(r.count), 6) + pad(f(r.forward * 1e3, 2), 9) + pad(f(r.backward * 1e3, 2), 9)
                  + pad(f(r.gemm * 1e3, 2), 9) + pad(f((r.forward + r.backward - r.gemm) * 1e3, 2), 10) + pad(f(all * 1e3, 1), 9))
        }
        print("  sum \(f(total * 1e3, 1)) ms (sgemm \(f(totalGEMM * 1e3, 1)) ms, everything else \(f((total - totalGEMM) * 1e3, 1)) ms); "
              + "measured training step \(f(step * 1e3, 1)) ms")
    }

    func measure(channels: Int, height: Int, width: Int, peak: Double) -> ShapeResult {
        let label = "\(height)x\(width)x\(channels)"
        print("\n## \(label): UNet.bench(channels: \(channels)), batch \(batch)")
        let model = benchModel(channels: channels)
        var rng = Xoshiro256(seed: seed &+ 1)
        let x = Tensor.gaussian(shape: [batch, channels, height, width], rng: &rng)
        let target = Tensor.gaussian(shape: [batch, channels, height, width], rng: &rng)
        let optimizer = Adam(parameters: model.parameters, learningRate: 1e-4)

        let convs = convolutions(of: model, height: height, width: width)
        let perImage = Double(convs.reduce(0) { $0 + $1.forwardFLOPs })
        print("  parameters: \(model.parameterCount); convolutions: \(convs.count); "
              + "forward conv FLOPs: \(f(perImage / 1e6)) MFLOP/image (training step ≈ 3×: \(f(3 * perImage / 1e6)) MFLOP/image)")

        // GEMM replay buffers and call lists.
        let fwdCalls = convs.flatMap { gemmCalls($0, batch: batch, backward: false, winograd: !im2col, tile: winogradTile) }
        let bwdCalls = convs.flatMap { gemmCalls($0, batch: batch, backward: true, winograd: !im2col, tile: winogradTile) }
        // Convolution work counted as im2col does it (2·Cout·Cin·k²·P per image and pass), whatever
        // the engine's lowering: Winograd layers then show an effective rate.
        let directFLOPs = { (backward: Bool) in
            convs.flatMap { gemmCalls($0, batch: self.batch, backward: backward, winograd: false) }.reduce(0) { $0 + $1.flops }
        }
        let directForward = directFLOPs(false), directTrain = directForward + directFLOPs(true)
        let buffers = GEMMBuffers(fwdCalls + bwdCalls, seed: seed)

        // Engine and replay are timed alternately (engine, replay, engine, …) so that both see the
        // same background load on a shared machine; each result is the median over `iterations`.
        var lastLoss: Float = 0
        let trainStep = { lastLoss = mseTrainingStep(model, input: x, target: target, optimizer: optimizer) }
        for _ in 0..<2 { _ = model.forward(x); trainStep(); buffers.run(fwdCalls); buffers.run(bwdCalls) }
        var tf = [Double](), tt = [Double](), gf = [Double](), gb = [Double]()
        var inF = [Double](), inT = [Double](), callsF = 0, callsT = 0, flopsF = 0.0, flopsT = 0.0
        for _ in 0..<max(1, iterations) {
            GEMMCounter.reset()
            var w = Stopwatch(); _ = model.infer(x); tf.append(w.seconds)
            inF.append(GEMMCounter.seconds); callsF = GEMMCounter.calls; flopsF = GEMMCounter.flops
            w.restart(); buffers.run(fwdCalls); gf.append(w.seconds)
            GEMMCounter.reset()
            w.restart(); trainStep(); tt.append(w.seconds)
            inT.append(GEMMCounter.seconds); callsT = GEMMCounter.calls; flopsT = GEMMCounter.flops
            w.restart(); buffers.run(bwdCalls); gb.append(w.seconds)
        }
        precondition(lastLoss.isFinite, "training produced a non-finite loss")
        let forwardTime = median(tf), trainTime = median(tt), gemmForward = median(gf), gemmBackward = median(gb)
        // In-situ share: median over iterations of (GEMM time / step time), so both come from the same step.
        let shareF = median(zip(inF, tf).map { $0 / $1 }), shareT = median(zip(inT, tt).map { $0 / $1 })
        let fwdFLOPs = fwdCalls.reduce(0) { $0 + $1.flops }, bwdFLOPs = bwdCalls.reduce(0) { $0 + $1.flops }
        if callsF != fwdCalls.count || callsT != fwdCalls.count + bwdCalls.count || abs(flopsT - fwdFLOPs - bwdFLOPs) > 1 {
            print("  note: the engine issued \(callsF)/\(callsT) sgemm calls (\(f(flopsT / 1e9, 2)) GFLOP per step); the replay "
                  + "model predicts \(fwdCalls.count)/\(fwdCalls.count + bwdCalls.count) (\(f((fwdFLOPs + bwdFLOPs) / 1e9, 2)) GFLOP)")
        }

        let fwdIPS = Double(batch) / forwardTime, trainIPS = Double(batch) / trainTime
        print("  forward:       \(f(forwardTime * 1e3)) ms/batch  →  \(f(fwdIPS)) images/s   (best of \(tf.count): \(f(tf.min()! * 1e3)) ms → \(f(Double(batch) / tf.min()!)) images/s)")
        print("  training step: \(f(trainTime * 1e3)) ms/batch  →  \(f(trainIPS)) images/s   (best: \(f(tt.min()! * 1e3)) ms → \(f(Double(batch) / tt.min()!)) images/s)")
        print("                 forward + MSE + backward + Adam; last loss \(lastLoss)")
        print("  GEMM inside the engine (cblas_sgemm interposed; \(callsF) calls forward, \(callsT) per training step):")
        print("    forward:       \(f(median(inF) * 1e3)) ms = \(f(100 * shareF))% of the forward, \(f(flopsF / median(inF) / 1e9)) GFLOP/s while in sgemm; "
              + "rest \(f((1 - shareF) * forwardTime * 1e3)) ms")
        print("    training step: \(f(median(inT) * 1e3)) ms = \(f(100 * shareT))% of the step, \(f(flopsT / median(inT) / 1e9)) GFLOP/s while in sgemm; "
              + "rest (im2col/col2im, GroupNorm, SiLU, copies, Adam) \(f((1 - shareT) * trainTime * 1e3)) ms")
        print("  the same GEMM shapes replayed in isolation: forward \(f(gemmForward * 1e3)) ms (\(f(fwdFLOPs / gemmForward / 1e9)) GFLOP/s), "
              + "backward \(f(gemmBackward * 1e3)) ms (\(f(bwdFLOPs / gemmBackward / 1e9)) GFLOP/s)")
        let gfF = directForward / forwardTime / 1e9, gfT = directTrain / trainTime / 1e9
        print("  achieved convolution GFLOP/s (direct conv FLOPs / wall time\(im2col ? "" : "; effective: Winograd layers do fewer")): forward \(f(gfF)) (\(f(100 * gfF / peak))% of sgemm 1024³), "
              + "training \(f(gfT)) (\(f(100 * gfT / peak))%)")
        return ShapeResult(label: label, parameters: model.parameterCount, forwardMFLOPPerImage: perImage / 1e6,
                           forwardImagesPerSecond: fwdIPS, trainImagesPerSecond: trainIPS,
                           forwardBestImagesPerSecond: Double(batch) / tf.min()!, trainBestImagesPerSecond: Double(batch) / tt.min()!,
                           forwardGEMMShare: shareF, trainGEMMShare: shareT,
                           forwardConvFLOPs: directForward, trainConvFLOPs: directTrain,
                           forwardSeconds: forwardTime, trainSeconds: trainTime)
    }

    func writeJSON(_ results: [ShapeResult], peak: Double, config: String, to path: String) throws {
        var shapes = [String: Any]()
        for r in results {
            shapes[r.label] = [
                "parameters": r.parameters, "forward_mflop_per_image": r.forwardMFLOPPerImage,
                "forward_images_per_s": r.forwardImagesPerSecond, "train_images_per_s": r.trainImagesPerSecond,
                "forward_images_per_s_best": r.forwardBestImagesPerSecond, "train_images_per_s_best": r.trainBestImagesPerSecond,
                "forward_gemm_share": r.forwardGEMMShare, "train_gemm_share": r.trainGEMMShare,
            ]
        }
        let object: [String: Any] = [
            "framework": "swift-neuralnet", "date": ISO8601DateFormatter().string(from: Date()),
            "batch": batch, "threads": threads, "iterations": iterations, "openblas": config,
            "sgemm_1024_gflops": peak, "results": shapes,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        print("\nwrote \(path)")
    }

    func comparePeers(_ results: [ShapeResult]) {
        print("\n## Peers (\(peers))")
        guard let data = FileManager.default.contents(atPath: peers),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let frameworks = root["frameworks"] as? [String: Any] else {
            print("  no peer results at \(peers). Produce them (creates .venv-peers with CPU-only torch and jax[cpu]) with:")
            print("    bash Benchmarks/peers/run.sh")
            print("  then run engine-bench again.")
            return
        }
        func number(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }
        var header = "  " + padRight("input", 9) + padRight("measure", 8) + pad("Swift", 16)
        let names = [("pytorch", "PyTorch"), ("jax", "JAX")].filter { frameworks[$0.0] != nil }
        for (key, display) in names {
            let fw = frameworks[key] as? [String: Any]
            let v = fw?["version"] as? String ?? "?"
            let b = number(fw?["batch"]).map { String(Int($0)) } ?? "?", t = number(fw?["threads"]).map { String(Int($0)) } ?? "?"
            print("  \(display) \(v): batch \(b), \(t) threads, measured \(fw?["date"] as? String ?? "?")")
            header += pad(display, 16) + pad("Swift/\(display)", 18)
        }
        print("  images/s as median (best) of the timed iterations; ratios of medians (of bests)")
        print(header)
        for r in results {
            for (measure, swiftMedian, swiftBest, key) in [
                ("forward", r.forwardImagesPerSecond, r.forwardBestImagesPerSecond, "forward_images_per_s"),
                ("train", r.trainImagesPerSecond, r.trainBestImagesPerSecond, "train_images_per_s")] {
                var line = "  " + padRight(r.label, 9) + padRight(measure, 8) + pad("\(f(swiftMedian)) (\(f(swiftBest)))", 16)
                for (fwKey, _) in names {
                    let res = ((frameworks[fwKey] as? [String: Any])?["results"] as? [String: Any])?[r.label] as? [String: Any]
                    if let v = number(res?[key]), v > 0 {
                        let best = number(res?[key + "_best"]) ?? v
                        line += pad("\(f(v)) (\(f(best)))", 16)
                            + pad("\(f(swiftMedian / v, 2))× (\(f(swiftBest / best, 2))×)", 18)
                    } else {
                        line += pad("—", 16) + pad("—", 18)
                    }
                }
                print(line)
            }
        }
        print("  (images/s; ratio > 1 means the Swift engine is faster. Peers are not re-measured here —"
              + " run Benchmarks/peers/run.sh back to back with engine-bench for a fair comparison.)")
    }
}
