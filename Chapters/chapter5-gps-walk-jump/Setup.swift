import Foundation
import NeuralNet
import Notebook
import Samplers
import Theory
import Training

/// The three run sizes. Every field can be overridden by its flag.
struct Preset: Sendable {
    var name: String
    // Denoiser training
    var steps: Int, batch: Int, width: Int, resolutions: Int
    var learningRate: Double, warmup: Int, finalLearningRate: Double, validateEvery: Int, checkpointEvery: Int
    /// β of the moving average of the weights that the walk samples with (0: sample the last weights).
    /// 0.999 (default, full): in the ablation it halved the FD of chains from noise.
    var averageDecay: Double = 0.999
    /// Training images used (0: all of the training split).
    var trainImages: Int
    /// Held-out images used for the validation loss, the classifier's accuracy and the FD reference.
    var heldOutImages: Int
    // Classifier (features for the Fréchet distance)
    var classifierWidth: Int, classifierSteps: Int
    // Walk-jump sampling
    var chains: Int, sampleSteps: Int, burnIn: Int, jumpEvery: Int
    var longChains: Int, longSteps: Int, longJumpEvery: Int
    /// Windows the burn-in's and the long chains' jumps are scored in (the exact-start diagnostic).
    var diagnosticWindows: Int
    /// Training points of the memorising (empirical-prior) denoiser, T2.3.
    var empiricalPoints: Int
    // What the checks demand at this size (a tiny run cannot be expected to learn much).
    var maxValidationRatio: Double, minAccuracy: Double, maxFDRatio: Double, minConfidentRatio: Double
    /// Lowest accepted contrast of the walk's jumps over an exact walk's (ν_θ(x + σ_eff ε)). A walk
    /// drifting to blank images falls far below any of these; a less-trained network's own law has
    /// thinner strokes (measured 0.70–0.75 at 1,500 steps, 1.02–1.08 at 6,000).
    var minContrastRatio: Double
    /// The claim's bounds (issue 14's goals): each class's share of the samples, the samples' FD over
    /// the exact walk's at the same n, and the decay of FD along chains started at the exact law.
    var minClassShare = 0.04, maxClassShare = 1.0, maxAnchorFDRatio = 15.0, maxDecayRatio = 2.0
    /// Mode marathon: one chain's walk steps, its jump interval, the windows it is scored in, and how
    /// often its state is saved (10⁶ steps: 76 min at 220 steps/s on an idle machine; short runs
    /// reached 300–400 steps/s).
    var marathonSteps = 1_000_000, marathonJumpEvery = 1000, marathonWindows = 10, marathonCheckpointEvery = 50_000
    /// Highest accepted contrast ratio (jumps much sharper than an exact walk's are no better a sign).
    static let maxContrastRatio = 1.3
    /// The accepted contrast ratios, as the checks print them.
    var contrastBounds: String { "\(fmt(minContrastRatio))–\(fmt(Self.maxContrastRatio))" }
    func acceptsContrast(_ ratio: Double) -> Bool { ratio >= minContrastRatio && ratio <= Self.maxContrastRatio }

    static let tiny = Preset(
        name: "tiny", steps: 40, batch: 16, width: 8, resolutions: 2, learningRate: 2e-3, warmup: 10, finalLearningRate: 1,
        validateEvery: 20, checkpointEvery: 20, averageDecay: 0, trainImages: 1000, heldOutImages: 200,
        classifierWidth: 8, classifierSteps: 250, chains: 16, sampleSteps: 40, burnIn: 10, jumpEvery: 10,
        longChains: 4, longSteps: 200, longJumpEvery: 10, diagnosticWindows: 2, empiricalPoints: 1000,
        maxValidationRatio: 0.8, minAccuracy: 0.5, maxFDRatio: 0.8, minConfidentRatio: 0, minContrastRatio: 0,
        marathonSteps: 400, marathonJumpEvery: 10, marathonWindows: 2, marathonCheckpointEvery: 100)

    /// About 6.4 minutes of training on two idle cores (3 resolutions, 1.0 M parameters, 248.3 images/s
    /// × 96k images, measured in the README's book run), 12 minutes in all with the classifier and
    /// sampling. The README's main command.
    /// Two resolutions train twice as fast, but measured at δ = σ/2 their 2,000-step chains ended 72 %
    /// blank (three resolutions: 1 %). At 1,500 steps the walk's samples were 37–43 % confidently
    /// classified (held-out images 81 %) with contrast 0.70–0.75× an exact walk's.
    static let standard = Preset(
        name: "default", steps: 3000, batch: 32, width: 32, resolutions: 3, learningRate: 1.5e-3, warmup: 100, finalLearningRate: 0.1,
        validateEvery: 250, checkpointEvery: 250, trainImages: 0, heldOutImages: 1000,
        classifierWidth: 16, classifierSteps: 1500, chains: 64, sampleSteps: 200, burnIn: 1000, jumpEvery: 25,
        longChains: 16, longSteps: 2000, longJumpEvery: 20, diagnosticWindows: 4, empiricalPoints: 4000,
        maxValidationRatio: 0.3, minAccuracy: 0.88, maxFDRatio: 0.2, minConfidentRatio: 0.35, minContrastRatio: 0.6)

    /// The default's network for 192k images: ≈ 13 minutes of training at the default's measured
    /// 248.3 images/s (the committed checkpoint took 39 min at 81.6 images/s on an earlier engine), plus
    /// sampling (a 2,000-step shared burn-in, 10,000-step long chains: 25 minutes on two idle cores
    /// with the previous engine); for the committed figures.
    static let full = Preset(
        name: "full", steps: 6000, batch: 32, width: 32, resolutions: 3, learningRate: 1e-3, warmup: 200, finalLearningRate: 0.1,
        validateEvery: 1000, checkpointEvery: 500, trainImages: 0, heldOutImages: 1000,
        classifierWidth: 16, classifierSteps: 2500, chains: 96, sampleSteps: 400, burnIn: 2000, jumpEvery: 25,
        longChains: 16, longSteps: 10_000, longJumpEvery: 50, diagnosticWindows: 8, empiricalPoints: 4000,
        maxValidationRatio: 0.25, minAccuracy: 0.92, maxFDRatio: 0.15, minConfidentRatio: 0.5, minContrastRatio: 0.8,
        minClassShare: 0.05, maxClassShare: 0.15, maxAnchorFDRatio: 5)

    static func named(_ name: String) throws -> Preset {
        switch name {
        case "tiny": return .tiny
        case "default": return .standard
        case "full": return .full
        default: throw InputError("--preset must be tiny, default or full (got \"\(name)\")")
        }
    }
}

/// Where the shared burn-in's chains start.
enum BurnInStart: String, CaseIterable {
    /// y_m = U(0,1)^d + σε, one draw copied into every measurement; v = 0 (the walk-jump code's).
    case noise
    /// ȳ from a Gaussian fitted to the training images (their mean and covariance), y | ȳ exact.
    case gaussian
}

/// What the run does.
enum Mode: String, CaseIterable {
    case all, train, sample, diagnose, integrators, sweep, marathon
    case falseAlarms = "false-alarms"
    /// Reads a trained checkpoint instead of training.
    var loadsModel: Bool { self != .all && self != .train && self != .falseAlarms }
    /// Neither trains nor reads a network (the false-alarm model needs only the data).
    var usesModel: Bool { self != .falseAlarms }
}

/// One member (M, σ) of the class, with its walk settings.
struct Member: Sendable, CustomStringConvertible {
    var measurements: Int
    var sigma: Double
    var step: Double
    var friction: Double
    var integrator: LangevinIntegratorName = .aboba
    var description: String { "(M=\(measurements), σ=\(fmt(sigma, digits: 3)))" }
    var label: String { "M=\(measurements) σ=\(fmt(sigma, digits: 3)) δ=\(fmt(step, digits: 3))" }
    /// The sampler's settings of this member's walk (with another integrator if given).
    func walkConfiguration(_ name: LangevinIntegratorName? = nil) -> WalkJumpConfiguration {
        WalkJumpConfiguration(measurements: measurements, sigma: sigma, step: step, effectiveFriction: friction, integrator: name ?? integrator)
    }
    var walkConfiguration: WalkJumpConfiguration { walkConfiguration() }
    /// Var(y_m − ȳ)/σ² at stationarity (T1.8, T4.7): along the difference directions the GPS force is
    /// exactly −(y_m − ȳ)/σ², so the walk there is the integrator on N(0, σ²). 1 for the
    /// position-exact splittings A-B-O-B-A and B-A-O-A-B (T1.6); nil if it has no closed form.
    func differenceVarianceRatio(_ name: LangevinIntegratorName? = nil) -> Double? {
        let name = name ?? integrator
        if name == .aboba || name == .baoab { return 1 }
        let lambda = 1 / (sigma * sigma), h = walkConfiguration(name).integratorStep
        guard let steps = IntegratorTheory.steps(named: name.rawValue, precision: lambda, step: h, effectiveFriction: friction),
              let exact = IntegratorTheory.stationaryCovariance(steps) else { return nil }
        return lambda * exact.yy
    }
}

/// Validated inputs. Building one throws `InputError` (exit 2, nothing written).
struct Settings {
    var mode: Mode
    var preset: Preset
    var dataset: String
    var dataDirectory: String
    var sigmaEff: Double
    var checkpoint: String
    /// Where to write ν_θ's sampling weights alone (for models/), if anywhere.
    var exportWeights: String?
    var resume: Bool
    var members: [Member]
    /// Extra step sizes (as multiples of σ) compared for the middle member.
    var stepFactors: [Double]
    /// Steps of the exact-start diagnostic as multiples of σ (the first is also the noise start's).
    /// Where the shared burn-in starts.
    var start: BurnInStart
    var friction: Double
    /// The long chains' member at δ = `--long-step-factor`·σ, and the same member for comparison at
    /// δ = σ/4 when the factor is the published 1/2, else at σ/2 (nil when --step fixes every step).
    var longMember: Member
    var comparisonLongMember: Member?
    var seed: UInt64
    var figuresDirectory: String
    /// Mode `integrators`: the integrators compared, and ν_θ calls per integrator.
    var compareIntegrators: [LangevinIntegratorName]
    var compareCalls: Int
    /// Mode `sweep`: the effective frictions γδ, seeds, chains and steps of every (member, γδ) cell.
    var sweepFrictions: [Double]
    var sweepSeeds: Int, sweepChains: Int, sweepSteps: Int
    /// Mode marathon: the file its chain is saved to, and (with --resume) the chain read from it.
    var marathonState: String
    /// Mode false-alarms: the switch rates s (class switches per jump) the check's false alarms are simulated at.
    var switchRates: [Double]
    /// Mode false-alarms: runs' rarest class shares, paired with `switchRates`.
    var rarestShares: [Double]?
    /// Mode false-alarms: a label per switch rate (the run and member it was measured on).
    var rateLabels: [String]?
    var savedChain: (state: MarathonState, model: String)?

    init(_ c: GPSWalkJumpChapter) throws {
        guard let mode = Mode(rawValue: c.mode) else {
            throw InputError("mode must be one of \(Mode.allCases.map(\.rawValue).joined(separator: ", ")) (got \"\(c.mode)\")")
        }
        self.mode = mode
        if c.resume && !mode.usesModel {
            throw InputError("--resume: mode \(mode.rawValue) trains nothing and reads no checkpoint")
        }
        if c.resume && mode.loadsModel && mode != .marathon {
            throw InputError("--resume continues training (or, in mode marathon, its chain); it cannot be combined with \(mode.rawValue), which only reads --checkpoint (use `train --resume` or `all --resume`)")
        }
        var p = try Preset.named(c.preset)
        if let v = c.steps { try Validate.inRange(v, 1...10_000_000, flag: "steps"); p.steps = v }
        if let v = c.batch { try Validate.inRange(v, 1...4096, flag: "batch"); p.batch = v }
        if let v = c.width { try Validate.inRange(v, 8...256, flag: "width"); guard v % 8 == 0 else { throw InputError("--width must be a multiple of 8 (GroupNorm uses 8 groups), got \(v)") }; p.width = v }
        if let v = c.resolutions { try Validate.inRange(v, 2...3, flag: "resolutions"); p.resolutions = v }
        if let v = c.lr { try Validate.positive(v, flag: "lr"); try Validate.inRange(v, 1e-6...1, flag: "lr"); p.learningRate = v }
        if let v = c.lrFinal { try Validate.inRange(v, 0...1, flag: "lr-final"); p.finalLearningRate = v }
        if let v = c.averageDecay { try Validate.inRange(v, 0...0.99999, flag: "average-decay"); p.averageDecay = v }
        if let v = c.warmup { try Validate.inRange(v, 0...1_000_000, flag: "warmup"); p.warmup = v }
        if let v = c.checkpointEvery { try Validate.inRange(v, 0...10_000_000, flag: "checkpoint-every"); p.checkpointEvery = v }
        if let v = c.validateEvery { try Validate.inRange(v, 0...10_000_000, flag: "validate-every"); p.validateEvery = v }
        if let v = c.trainImages { try Validate.inRange(v, 0...10_000_000, flag: "train-images"); p.trainImages = v }
        if let v = c.heldOut { try Validate.inRange(v, 20...100_000, flag: "held-out"); p.heldOutImages = v }
        if let v = c.classifierSteps { try Validate.inRange(v, 1...1_000_000, flag: "classifier-steps"); p.classifierSteps = v }
        if let v = c.chains { try Validate.inRange(v, 2...4096, flag: "chains"); p.chains = v }
        if let v = c.sampleSteps { try Validate.inRange(v, 1...10_000_000, flag: "sample-steps"); p.sampleSteps = v }
        if let v = c.burnIn { try Validate.inRange(v, 0...10_000_000, flag: "burn-in"); p.burnIn = v }
        if let v = c.jumpEvery { try Validate.inRange(v, 1...1_000_000, flag: "jump-every"); p.jumpEvery = v }
        if let v = c.longSteps { try Validate.inRange(v, 1...10_000_000, flag: "long-steps"); p.longSteps = v }
        if let v = c.longChains { try Validate.inRange(v, 1...4096, flag: "long-chains"); p.longChains = v }
        if let v = c.longJumpEvery { try Validate.inRange(v, 1...1_000_000, flag: "long-jump-every"); p.longJumpEvery = v }
        if let v = c.diagnosticWindows { try Validate.inRange(v, 1...100, flag: "diagnostic-windows"); p.diagnosticWindows = v }
        guard p.longSteps / p.diagnosticWindows >= p.longJumpEvery else {
            throw InputError("--diagnostic-windows (\(p.diagnosticWindows)) must leave each window of the --long-steps (\(p.longSteps)) at least one jump (--long-jump-every \(p.longJumpEvery))")
        }
        guard p.sampleSteps / p.jumpEvery >= 1 else {
            throw InputError("--jump-every (\(p.jumpEvery)) must not exceed --sample-steps (\(p.sampleSteps)): no jump would be kept")
        }
        if let v = c.marathonSteps { try Validate.inRange(v, 2...100_000_000, flag: "marathon-steps"); p.marathonSteps = v }
        if let v = c.marathonJumpEvery { try Validate.inRange(v, 1...1_000_000, flag: "marathon-jump-every"); p.marathonJumpEvery = v }
        if let v = c.marathonWindows { try Validate.inRange(v, 1...100, flag: "marathon-windows"); p.marathonWindows = v }
        if let v = c.marathonCheckpointEvery { try Validate.inRange(v, 0...100_000_000, flag: "marathon-checkpoint-every"); p.marathonCheckpointEvery = v }
        guard p.marathonSteps / p.marathonJumpEvery >= 2 * p.marathonWindows else {
            throw InputError("--marathon-jump-every (\(p.marathonJumpEvery)) must leave at least 2 jumps per window (--marathon-windows \(p.marathonWindows)) in --marathon-steps (\(p.marathonSteps))")
        }
        guard p.longSteps / p.longJumpEvery >= 2 else {
            throw InputError("--long-jump-every (\(p.longJumpEvery)) must leave at least 2 jumps in --long-steps (\(p.longSteps))")
        }
        preset = p

        guard ["mnist5k", "mnist", "fashion-mnist", "cifar10"].contains(c.dataset) else {
            throw InputError("--dataset must be mnist5k, mnist, fashion-mnist or cifar10 (got \"\(c.dataset)\")")
        }
        dataset = c.dataset
        guard !c.dataDir.isEmpty else { throw InputError("--data-dir must not be empty (give the folder with the data sets, e.g. data)") }
        dataDirectory = c.dataDir
        try Validate.positive(c.sigmaEff, flag: "sigma-eff")
        try Validate.inRange(c.sigmaEff, 0.01...4, flag: "sigma-eff")
        sigmaEff = c.sigmaEff
        guard let integrator = LangevinIntegratorName(rawValue: c.integrator) else {
            throw InputError("--integrator must be one of \(LangevinIntegratorName.allCases.map(\.rawValue).joined(separator: ", ")) (got \"\(c.integrator)\")")
        }
        try Validate.positive(c.friction, flag: "friction")
        try Validate.inRange(c.friction, 0.001...20, flag: "friction")
        friction = c.friction
        resume = c.resume
        seed = c.common.seed
        figuresDirectory = c.common.figuresDir
        compareIntegrators = try Validate.nameList(c.compareIntegrators, choices: LangevinIntegratorName.allCases.map(\.rawValue),
                                                   flag: "compare-integrators").map { LangevinIntegratorName(rawValue: $0)! }
        let calls = c.compareCalls ?? (p.name == "tiny" ? 40 : p.name == "full" ? 2000 : 1000)
        try Validate.inRange(calls, 2...10_000_000, flag: "compare-calls")
        guard calls >= 2 * p.jumpEvery else {
            throw InputError("--compare-calls (\(calls)) must leave at least two jumps at --jump-every \(p.jumpEvery)")
        }
        compareCalls = calls
        switchRates = try Validate.numberList(c.switchRates, flag: "switch-rates", positive: false)
        guard switchRates.count <= 12, switchRates.allSatisfy({ (0..<1).contains($0) }) else {
            throw InputError("--switch-rates must list at most 12 switch rates s in [0, 1) (got \"\(c.switchRates)\")")
        }
        if let text = c.rarestShares {
            let v = try Validate.numberList(text, flag: "rarest-shares", positive: false)
            guard v.count == switchRates.count, v.allSatisfy({ (0...1).contains($0) }) else {
                throw InputError("--rarest-shares must list one share in [0, 1] per --switch-rates value (\(switchRates.count); got \"\(text)\")")
            }
            rarestShares = v
        }
        if let text = c.labels {
            let v = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard v.count == switchRates.count, v.allSatisfy({ !$0.isEmpty && $0.count <= 60 && !$0.contains("|") }) else {
                throw InputError("--labels must give one non-empty label (≤ 60 characters, no |) per --switch-rates value (\(switchRates.count); got \"\(text)\")")
            }
            rateLabels = v
        }
        sweepFrictions = try Validate.numberList(c.sweepFrictions, flag: "sweep-frictions")
        guard (2...12).contains(sweepFrictions.count), sweepFrictions.allSatisfy({ (0.001...20).contains($0) }) else {
            throw InputError("--sweep-frictions must list 2…12 values of γδ in 0.001…20 (got \"\(c.sweepFrictions)\")")
        }
        try Validate.inRange(c.sweepSeeds, 2...50, flag: "sweep-seeds")
        let sweepChains = c.sweepChains ?? (p.name == "tiny" ? 8 : 32)
        try Validate.inRange(sweepChains, 2...4096, flag: "sweep-chains")
        let sweepSteps = c.sweepSteps ?? (p.name == "tiny" ? 20 : 160)
        try Validate.inRange(sweepSteps, 1...1_000_000, flag: "sweep-steps")
        guard sweepSteps / p.jumpEvery >= 1, sweepChains * (sweepSteps / p.jumpEvery) >= 2 else {
            throw InputError("--sweep-steps (\(sweepSteps)) must keep at least one jump per chain at --jump-every \(p.jumpEvery) and two jumps in all")
        }
        sweepSeeds = c.sweepSeeds; self.sweepChains = sweepChains; self.sweepSteps = sweepSteps

        let ms = try Validate.numberList(c.members, flag: "members")
        guard ms.allSatisfy({ $0 == $0.rounded() && $0 >= 1 && $0 <= 256 }), !ms.isEmpty, ms.count <= 8 else {
            throw InputError("--members must list 1…8 whole numbers M in 1…256 (got \"\(c.members)\")")
        }
        guard Set(ms).count == ms.count else {
            throw InputError("--members: each M may appear once (got \"\(c.members)\")")
        }
        let stepOverride = c.step
        if let s = stepOverride { try Validate.positive(s, flag: "step"); try Validate.inRange(s, 0.001...4, flag: "step") }
        members = ms.map { m in
            let sigma = c.sigmaEff * m.squareRoot()
            return Member(measurements: Int(m), sigma: sigma, step: stepOverride ?? sigma / 2, friction: c.friction, integrator: integrator)
        }
        stepFactors = try Validate.numberList(c.stepFactors, flag: "step-factors")
        guard stepFactors.count <= 4, stepFactors.allSatisfy({ $0 <= 2 }) else {
            throw InputError("--step-factors: at most 4 values, each in (0, 2] (got \"\(c.stepFactors)\")")
        }
        guard let start = BurnInStart(rawValue: c.start) else {
            throw InputError("--start must be \(BurnInStart.allCases.map(\.rawValue).joined(separator: " or ")) (got \"\(c.start)\")")
        }
        self.start = start
        let lm = c.longMember ?? Int(ms[ms.count / 2])
        try Validate.inRange(lm, 1...256, flag: "long-member")
        let ls = c.sigmaEff * Double(lm).squareRoot()
        try Validate.inRange(c.longStepFactor, 0.01...2, flag: "long-step-factor")
        longMember = Member(measurements: lm, sigma: ls, step: stepOverride ?? c.longStepFactor * ls, friction: c.friction, integrator: integrator)
        let comparisonFactor = c.longStepFactor == 0.5 ? 0.25 : 0.5
        comparisonLongMember = stepOverride == nil
            ? Member(measurements: lm, sigma: ls, step: comparisonFactor * ls, friction: c.friction, integrator: integrator) : nil

        let name = "chapter5-\(c.dataset)-\(p.name)-w\(p.width)r\(p.resolutions)-seff\(c.sigmaEff).safetensors"
        checkpoint = c.checkpoint ?? "checkpoints/" + name
        // Sampling runs out of the box: without a trained checkpoint, the model shipped in models/
        // (weights only, written by --export-weights; models/README.md says how it was made).
        if c.checkpoint == nil, mode.loadsModel, !FileManager.default.fileExists(atPath: checkpoint),
           FileManager.default.fileExists(atPath: "models/" + name) {
            checkpoint = "models/" + name
        }
        exportWeights = c.exportWeights
        marathonState = c.marathonState ?? "checkpoints/" + name.replacingOccurrences(of: ".safetensors", with: "-marathon-M\(lm)-seed\(c.common.seed).safetensors")
        if mode == .marathon {
            try OutputPaths.checkWritableFile(marathonState, flag: "marathon-state")
            if resume && !FileManager.default.fileExists(atPath: marathonState) {
                throw InputError("marathon --resume: no saved chain at \(marathonState) (run `marathon` without --resume first, or pass --marathon-state PATH)")
            }
        }
        if let path = exportWeights { try OutputPaths.checkWritableFile(path, flag: "export-weights") }
        // Checked now, not at the first checkpoint write (a trailing slash created a folder before refusing).
        try OutputPaths.checkWritableFile(checkpoint, flag: "checkpoint")
        let continuesTraining = resume && !mode.loadsModel
        if (resume || mode.loadsModel) && !FileManager.default.fileExists(atPath: checkpoint) {
            throw InputError("\(continuesTraining ? "--resume" : mode.rawValue): no checkpoint at \(checkpoint); run `chapter5-gps-walk-jump train --preset \(p.name)` first (or pass --checkpoint PATH)")
        }
        // A checkpoint to continue from fixes the architecture: take it from the file's metadata
        // unless given, and refuse a contradiction before anything is written.
        if resume || mode.loadsModel {
            let file: Checkpoint
            do { file = try Checkpoint.read(checkpoint); _ = try DenoiserTrainer.checkStoredValues(file, path: checkpoint) } catch { throw InputError("\(error)") }
            // Values from the file get the flags' range checks (a width of 0 or 9999 used to crash).
            for (flag, given, key, range, multiple) in [("width", c.width, "width", 8...256, 8), ("resolutions", c.resolutions, "resolutions", 2...3, 1)] {
                let value: Int?
                do { value = try file.integer(key, in: range, multipleOf: multiple, file: checkpoint) } catch { throw InputError("\(error)") }
                guard let stored = value else { continue }
                if let g = given, g != stored {
                    throw InputError("--\(flag) \(g) contradicts the checkpoint \(checkpoint), which has \(flag) \(stored)")
                }
                if flag == "width" { preset.width = stored } else { preset.resolutions = stored }
            }
            // Continuing training must keep the schedule and data stream (as DenoiserTrainer.resume
            // stores them): refused here, before the data are loaded.
            if continuesTraining {
                let schedule = [("learning_rate", String(Float(p.learningRate)), "lr"), ("warmup", String(p.warmup), "warmup"),
                                ("learning_rate_final_fraction", p.finalLearningRate < 1 ? String(Float(p.finalLearningRate)) : "constant", "lr-final"),
                                ("batch", String(p.batch), "batch"), ("seed", String(seed), "seed"), ("sigma_eff", String(Float(sigmaEff)), "sigma-eff"),
                                ("average_decay", p.averageDecay > 0 ? String(Float(p.averageDecay)) : "none", "average-decay")]
                for (key, mine, flag) in schedule {
                    if let theirs = file.metadata[key], theirs != mine {
                        throw InputError("--\(flag): the checkpoint \(checkpoint) was trained with \(key) = \(theirs), this run has \(mine); --resume continues the same run")
                    }
                }
            }
        }
        // Memory: the largest walk state is M·B·d Floats three times over (y, v, noise).
        let d = c.dataset == "cifar10" ? 3072.0 : 784.0
        let mMax = Double(max(ms.max()!, Double(lm)))
        try Validate.fitsInMemory(bytes: 12 * mMax * Double(max(p.chains, p.longChains)) * d, flag: "chains",
                                  what: "the walk state of \(max(p.chains, p.longChains)) chains in R^{\(Int(mMax))·\(Int(d))}")
        // A chain to continue must be this run's (member, step, seed, …): refused now, before any work.
        if mode == .marathon && resume {
            let saved = try MarathonState.load(marathonState, identity: MarathonState.identity(self), pixels: Int(d))
            guard saved.state.step <= preset.marathonSteps else {
                throw InputError("--marathon-steps (\(preset.marathonSteps)) is below the \(saved.state.step) steps the chain in \(marathonState) has walked")
            }
            savedChain = saved
        }
    }
}
