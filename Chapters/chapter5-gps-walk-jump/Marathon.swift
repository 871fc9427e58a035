import Figures
import Foundation
import NeuralNet
import Notebook
import NumericCore
import Samplers
import Storage
import Training

/// Mode `marathon`: one chain of the long-chain member for `marathonSteps` walk steps (10⁶ at the
/// default and full presets), keeping a jump every `marathonJumpEvery` steps, checkpointed so that
/// `--resume` continues it exactly. The MDAE poster claims such chains stay stable on MNIST; the
/// windows below test that claim on this model.
struct MarathonState {
    var step = 0
    var y: [Float], v: [Float]
    var rng: Xoshiro256
    /// Every kept jump x̂ = ν_θ(ȳ) and its ȳ, in order (d Floats each).
    var jumps: [Float] = [], means: [Float] = []
    /// Network and walk seconds spent so far, over every run that extended the chain.
    var seconds = 0.0
}

extension MarathonState {
    /// What a saved chain must agree on with the run continuing it (Settings checks it, exit 2).
    static func identity(_ s: Settings) -> [String: String] {
        let m = s.longMember
        return ["M": String(m.measurements), "sigma": String(m.sigma), "delta": String(m.step), "friction": String(m.friction),
                "integrator": m.integrator.rawValue, "jump_every": String(s.preset.marathonJumpEvery), "seed": String(s.seed),
                "dataset": s.dataset]
    }

    func save(to path: String, identity: [String: String], model: String, pixels d: Int) throws {
        var metadata = identity
        metadata["step"] = String(step); metadata["seconds"] = String(seconds); metadata["model"] = model
        metadata["rng"] = rng.state.map(String.init).joined(separator: ",")
        var tensors: [NamedArray] = [("y", [y.count], y), ("v", [v.count], v)]
        if !jumps.isEmpty { tensors += [("jumps", [jumps.count / d, d], jumps), ("means", [means.count / d, d], means)] }
        try Safetensors.write(tensors, metadata: metadata, to: path)
    }

    /// The chain saved at `path`, or a one-line reason why it cannot continue this run.
    static func load(_ path: String, identity: [String: String], pixels d: Int) throws -> (state: MarathonState, model: String) {
        let file: (tensors: [NamedArray], metadata: [String: String])
        do { file = try Safetensors.read(path) } catch { throw InputError("--resume: \(error)") }
        let (tensors, metadata) = file
        for (key, mine) in identity.sorted(by: { $0.key < $1.key }) where metadata[key] != mine {
            throw InputError("--resume: the chain in \(path) has \(key) = \(metadata[key] ?? "nothing"), this run has \(mine)")
        }
        func tensor(_ name: String) -> [Float] { tensors.first { $0.name == name }?.values ?? [] }
        let words = (metadata["rng"] ?? "").split(separator: ",").compactMap { UInt64($0) }
        guard let step = metadata["step"].flatMap(Int.init), step >= 0, let rng = Xoshiro256(state: words),
              let seconds = metadata["seconds"].flatMap(Double.init), let model = metadata["model"] else {
            throw InputError("--resume: \(path) lacks a valid step, rng, seconds or model entry")
        }
        let n = Int(identity["M"]!)! * d, jumps = tensor("jumps"), means = tensor("means")
        let expected = step / Int(identity["jump_every"]!)! * d
        guard tensor("y").count == n, tensor("v").count == n, jumps.count == expected, means.count == expected else {
            throw InputError("--resume: \(path) holds arrays of the wrong size for \(step) steps of M = \(identity["M"]!)")
        }
        return (MarathonState(step: step, y: tensor("y"), v: tensor("v"), rng: rng, jumps: jumps, means: means, seconds: seconds), model)
    }
}

extension Chapter {
    /// A fingerprint of ν_θ's sampling weights, so a chain is never continued with another model.
    var modelFingerprint: String {
        String(unet.parameters.reduce(0.0) { $0 + $1.value.reduce(0.0) { $0 + Double($1) } })
    }

    func marathon() throws {
        let p = s.preset, m = s.longMember, d = data.pixels, total = p.marathonSteps
        notebook.section("A million-step chain")
        notebook.prose("One chain of \(m.description) at δ = \(fmt(m.step / m.sigma, digits: 3))σ (\(m.integrator.rawValue), γδ = \(fmt(m.friction))) walks \(fmt(total)) steps, keeping a jump x̂ = ν_θ(ȳ) every \(fmt(p.marathonJumpEvery)) steps. It starts at an exact draw of the data's M-density (ȳ = x + σ_eff ε for one held-out x, y_m = ȳ + σ(ε_m − ε̄)), as the long chains do, so every window below should look like an exact walk's jumps if the learned, discretised chain kept the data's law. The MDAE poster reports chains of a million steps that stay on the digits; the windows test that claim here. The chain is saved to \(s.marathonState) every \(fmt(p.marathonCheckpointEvery)) steps; `marathon --resume` continues it exactly (same positions, velocities and random stream).")
        var state = try startMarathon()
        // Fresh or resumed, the chain's state is set the same way (so both continue identically).
        var unused = Xoshiro256(seed: 0)
        let sampler = WalkJumpSampler(configuration: m.walkConfiguration, chains: 1, dimension: d, start: .givenMeans([Float](repeating: 0, count: d)),
                                      rng: &unused, denoiser: networkDenoiser)
        sampler.setState(y: state.y, v: state.v)
        let identity = MarathonState.identity(s), model = modelFingerprint, first = state.step
        let bar = ProgressBar(total: total, label: "marathon " + m.label)
        let clock = Stopwatch()
        while state.step < total {
            sampler.step(rng: &state.rng)
            state.step += 1
            if state.step % p.marathonJumpEvery == 0 { state.jumps += sampler.jump(); state.means += sampler.mean }
            let last = state.step == total
            if last || (p.marathonCheckpointEvery > 0 && state.step % p.marathonCheckpointEvery == 0) {
                // `state.seconds` stays the earlier runs' time; this run's is the sampler's own clock.
                var saved = state
                (saved.y, saved.v) = (sampler.y, sampler.v)
                saved.seconds += sampler.networkSeconds + sampler.walkSeconds
                do { try saved.save(to: s.marathonState, identity: identity, model: model, pixels: d) } catch {
                    print("marathon: could not save the chain to \(s.marathonState): \(error)")
                }
                if last { state = saved }
            }
            if state.step % 100 == 0 || last {
                let rate = Double(state.step - first) / max(1e-9, clock.seconds)
                bar.update(done: state.step, fields: [], rate: rate, unit: "steps/s", eta: Double(total - state.step) / max(rate, 1e-9))
            }
        }
        bar.finish()
        reportMarathon(state, finite: sampler.isFinite, resumedAt: first)
    }

    /// A new chain at an exact draw of the M-density, or (with --resume) the saved one.
    func startMarathon() throws -> MarathonState {
        let d = data.pixels, m = s.longMember
        if let (state, model) = s.savedChain {
            // Settings has read the chain and checked it against the flags; the weights are left to compare.
            guard model == modelFingerprint else {
                throw InputError("--resume: the chain in \(s.marathonState) was walked with other weights than \(s.checkpoint)'s")
            }
            print("Continuing the chain of \(s.marathonState) at step \(state.step).")
            return state
        }
        var r = s.rng(.marathon)
        let mean = exactMeans(count: 1, rng: &r)
        let start = WalkJumpSampler(configuration: m.walkConfiguration, chains: 1, dimension: d, start: .givenMeans(mean), rng: &r,
                                    denoiser: { x, _ in x })
        return MarathonState(y: start.y, v: start.v, rng: r)
    }
}
