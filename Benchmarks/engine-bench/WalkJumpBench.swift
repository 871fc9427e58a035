// `engine-bench --walk-jump`: steps/s of chapter 5's walk-jump sampler on chapter 5's network (the
// default preset's U-Net: width 32, 3 resolutions, 28×28×1), a full A-B-O-B-A step — drift, ν_θ on
// the B means, kicks, O step — for M = 1, 4, 16 and B = 64, 96 and 1 chains, ν_θ in batches of 64
// as the chapter calls it. Benchmarks/peers/bench_walkjump_torch.py runs the same step in PyTorch;
// Benchmarks/peers/walkjump-alternate.sh alternates the two.
import Foundation
import NeuralNet
import NumericCore
import Samplers

/// One (M, B) cell of the walk-jump bench.
struct WalkJumpCell {
    let measurements: Int, chains: Int
    let stepsPerSecond: Double, bestStepsPerSecond: Double
    /// Share of the step's time inside ν_θ.
    let networkShare: Double
}

extension EngineBench {
    /// The chapter's members (σ_eff = 0.25, δ = σ/2, γδ = 1) at every chain count.
    func walkJumpBench(peak: Double, chainCounts: [Int]) -> [WalkJumpCell] {
        let unet = UNet(UNet.Configuration(channels: 1, baseWidth: 32, resolutions: 3), seed: seed)
        let d = 28 * 28
        let denoiser: WalkJumpSampler.Denoiser = { x, n in
            forwardBatched({ unet.infer($0) }, images: x, count: n, imageShape: [1, 28, 28], batch: 64)
        }
        print("\n## Walk-jump steps/s: chapter 5's U-Net (width 32, 3 resolutions, \(unet.parameterCount) parameters), A-B-O-B-A")
        print("  " + padRight("M", 4) + pad("B", 5) + pad("steps/s", 10) + pad("best", 9) + pad("chain-steps/s", 15) + pad("ν_θ share", 11))
        var cells = [WalkJumpCell]()
        for chains in chainCounts {
            for M in [1, 4, 16] {
                let config = WalkJumpConfiguration(measurements: M, sigma: 0.25 * Double(M).squareRoot(), integrator: .aboba)
                var rng = Xoshiro256(seed: seed &+ UInt64(M))
                let sampler = WalkJumpSampler(configuration: config, chains: chains, dimension: d, rng: &rng, denoiser: denoiser)
                let repeats = chains == 1 ? max(20, 5 * iterations) : iterations
                for _ in 0..<2 { sampler.step(rng: &rng) }
                let network0 = sampler.networkSeconds
                var times = [Double]()
                for _ in 0..<repeats { let w = Stopwatch(); sampler.step(rng: &rng); times.append(w.seconds) }
                let network = sampler.networkSeconds - network0, total = times.reduce(0, +)
                let cell = WalkJumpCell(measurements: M, chains: chains, stepsPerSecond: 1 / median(times),
                                        bestStepsPerSecond: 1 / times.min()!, networkShare: network / max(total, 1e-12))
                cells.append(cell)
                print("  " + padRight(String(M), 4) + pad(String(chains), 5) + pad(f(cell.stepsPerSecond, 2), 10)
                      + pad(f(cell.bestStepsPerSecond, 2), 9) + pad(f(cell.stepsPerSecond * Double(chains), 1), 15)
                      + pad(f(100 * cell.networkShare, 1) + " %", 11))
            }
        }
        return cells
    }

    func writeWalkJumpJSON(_ cells: [WalkJumpCell], peak: Double, to path: String) throws {
        let object: [String: Any] = [
            "framework": "swift-neuralnet", "date": ISO8601DateFormatter().string(from: Date()), "threads": threads,
            "sgemm_1024_gflops": peak,
            "walk_jump": cells.map { ["M": $0.measurements, "B": $0.chains, "steps_per_s": $0.stepsPerSecond,
                                      "steps_per_s_best": $0.bestStepsPerSecond, "network_share": $0.networkShare] },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        print("\nwrote \(path)")
    }
}
