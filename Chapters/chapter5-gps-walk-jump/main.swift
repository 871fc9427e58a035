import ArgumentParser
import NeuralNet
import Notebook
import Storage
import Training

/// Chapter 5: GPS training of a U-Net denoiser ν_θ at one σ_eff on real images, and walk-jump
/// sampling of several members (M, σ = σ_eff √M) of its universality class (THEORY §1, §4, §5).
/// (Not `@main`: main.swift is top-level code; the entry point is the call at the bottom.)
struct GPSWalkJumpChapter: ChapterCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter5-gps-walk-jump",
        abstract: "Chapter 5 — train a GPS denoiser on MNIST (CPU) and sample it by walk-jump sampling for several members of one class.",
        discussion: """
            MODE is all (default: train, then sample), train, sample (needs a checkpoint from train), diagnose, integrators (the five Langevin integrators compared at equal ν_θ calls from an exact start), sweep (quality against the effective friction per member, over seeds), marathon (one chain of a million steps, checkpointed; --resume continues it), or false-alarms (the class-share check's false-alarm rate for chains that keep their class; no network). \
            Pixels are in [0, 1] for every data set (CIFAR-10 included). --preset tiny|default|full sets every size \
            (tiny: seconds, for CI; default: about 7 minutes of training on two cores; full: at most an hour, the \
            committed figures); each field is overridable by its flag. Checkpoints are written atomically to \
            --checkpoint every --checkpoint-every steps and at the end; --resume continues from it. Figures and a \
            Markdown report go to <figures-dir>/chapter5-gps-walk-jump/. Exit code 0 when every check passes, 1 when \
            one fails, 2 for bad input or missing data files (nothing written).
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: "all | train | sample | diagnose | integrators | sweep | marathon | false-alarms")
    var mode = "all"

    @Option(help: "Run size: tiny, default or full.")
    var preset = "default"

    @Option(help: "Data set: mnist5k (5,000 real MNIST digits, installed by scripts/install-data.sh), mnist, fashion-mnist, cifar10.")
    var dataset = "mnist5k"

    @Option(help: "Folder with the data sets.")
    var dataDir = "data"

    @Option(help: "σ_eff of the class the denoiser is trained for (the single training noise level).")
    var sigmaEff = 0.25

    @Option(help: "Checkpoint file (default: checkpoints/chapter5-<dataset>-<preset>-w<width>r<res>-seff<σ_eff>.safetensors).")
    var checkpoint: String?

    @Option(help: "After training (or loading), write ν_θ's sampling weights alone (the moving average when kept) to this safetensors file.")
    var exportWeights: String?

    @Flag(help: "Continue training from --checkpoint (weights, step, loss history; the data stream continues exactly); in mode marathon, continue the chain saved in --marathon-state.")
    var resume = false

    // Training (override the preset)
    @Option(help: "Training steps.") var steps: Int?
    @Option(help: "Batch size.") var batch: Int?
    @Option(help: "U-Net base width (multiple of 8).") var width: Int?
    @Option(help: "U-Net resolutions (2 or 3).") var resolutions: Int?
    @Option(help: "Adam learning rate.") var lr: Double?
    @Option(help: "Linear learning-rate warm-up steps.") var warmup: Int?
    @Option(help: "β of the exponential moving average of the weights that sampling uses (0: the last weights).") var averageDecay: Double?
    @Option(help: "Final learning rate as a fraction of --lr, reached by a cosine decay at the last step (1: constant).") var lrFinal: Double?
    @Option(help: "Checkpoint every N steps (0: only at the end).") var checkpointEvery: Int?
    @Option(help: "Validation loss every N steps (0: only at the end).") var validateEvery: Int?
    @Option(help: "Training images used (0: the whole training split).") var trainImages: Int?
    @Option(help: "Held-out images (validation loss, classifier accuracy, FD reference).") var heldOut: Int?
    @Option(help: "Classifier training steps.") var classifierSteps: Int?

    // Sampling
    @Option(help: "Members of the class as a list of M (σ = σ_eff √M).")
    var members = "1,4,16"
    @Option(help: "Walk step δ for every member (default: the published rule δ = σ/2).")
    var step: Double?
    @Option(help: "Integrator of the walk: baoab (B-A-O-A-B, Leimkuhler & Matthews; the chapter's, see its ablation), aboba (A-B-O-B-A, Sachs et al., the published walk-jump's), cheng (Cheng et al. 2018), midpoint (randomized midpoint, two ν_θ calls per step) or overdamped (h = δ²/2).")
    var integrator = "baoab"
    @Option(help: "Effective friction γδ of the underdamped walk.")
    var friction = 1.0
    @Option(help: "Other step sizes compared for the long-chain member, as multiples of σ (δ = factor·σ).")
    var stepFactors = "0.25,1"
    @Option(help: "Parallel chains per member.") var chains: Int?
    @Option(help: "Walk steps per chain and member after the shared burn-in.") var sampleSteps: Int?
    @Option(help: "Steps of the class's shared burn-in (chains of the long-chain member from noise); every member starts from its means ȳ (0: each member starts from noise).") var burnIn: Int?
    @Option(help: "Jump every k steps.") var jumpEvery: Int?
    @Option(help: "M of the member run as long chains (default: the middle of --members).") var longMember: Int?
    @Option(help: "Step of the long chains as a multiple of σ (δ = factor·σ; the published rule is 0.5). The same chains run beside them at δ = σ/4 (or at σ/2 when another factor is given) for comparison.")
    var longStepFactor = 0.5
    @Option(help: "Steps of the long chains.") var longSteps: Int?
    @Option(help: "Number of long chains (run as one batch).") var longChains: Int?
    @Option(help: "Jump every k steps along the long chains.") var longJumpEvery: Int?
    @Option(help: "Windows in which the burn-in's and the long chains' jumps are scored (the exact-start diagnostic).") var diagnosticWindows: Int?
    @Option(help: "Mode integrators: the integrators compared at equal ν_θ calls (all, or a comma-separated list of aboba|baoab|cheng|midpoint|overdamped).")
    var compareIntegrators = "all"
    @Option(help: "Mode integrators: ν_θ calls per integrator (default: 40 tiny, 1000 default, 2000 full).") var compareCalls: Int?
    @Option(help: "Mode sweep: effective frictions γδ swept for every member (comma-separated, 2…12 values).")
    var sweepFrictions = "0.125,0.3,0.7,1.6,3.6,8"
    @Option(help: "Mode sweep: independent sampling seeds per (member, γδ).") var sweepSeeds = 5
    @Option(help: "Mode sweep: chains per seed (default: 8 tiny, 32 otherwise).") var sweepChains: Int?
    @Option(help: "Mode sweep: walk steps per seed (default: 20 tiny, 160 otherwise).") var sweepSteps: Int?
    @Option(help: "Mode marathon: walk steps of the one chain (the long-chain member; default 1000000, tiny 400).") var marathonSteps: Int?
    @Option(help: "Mode marathon: keep a jump every N steps (default 1000, tiny 10).") var marathonJumpEvery: Int?
    @Option(help: "Mode marathon: windows the chain's jumps are scored in (default 10, tiny 2).") var marathonWindows: Int?
    @Option(help: "Mode marathon: save the chain every N steps (0: only at the end; default 50000, tiny 100).") var marathonCheckpointEvery: Int?
    @Option(help: "Mode marathon: file of the saved chain (default: checkpoints/<checkpoint name>-marathon-M<M>-seed<seed>.safetensors).") var marathonState: String?
    @Option(help: "Mode false-alarms: class switches per jump s (comma-separated, each in [0, 1)) at which the check's false alarms are simulated; independent draws are always added.")
    var switchRates = "0,0.05,0.1,0.15,0.2,0.3"
    @Option(help: "Mode false-alarms: runs' rarest class shares (in [0, 1]), one per --switch-rates value, scored against the null model.")
    var rarestShares: String?
    @Option(help: "Mode false-alarms: a label per --switch-rates value (comma-separated, e.g. the run and member it was measured on).")
    var labels: String?
    @Option(help: "Start of the shared burn-in: noise (U(0,1)^d + σε) or gaussian (a Gaussian fitted to the training images).")
    var start = "noise"

    func run() throws {
        let settings = try Settings(self)   // every flag error is thrown here, before anything is written
        let data = try ChapterData.load(settings)  // missing data files: exit 2, nothing written
        if !settings.mode.usesModel {
            let chapter = Chapter(settings: settings, data: data)
            try chapter.classFloorFalseAlarms()
            chapter.notebook.finish()
        }
        // Training writes the checkpoint, mode marathon its chain: one run per file (a second one is
        // exit 2; two marathons on one chain overwrote each other's state), and the temporaries of
        // killed runs are removed.
        do {
            if settings.mode == .marathon {
                heldCheckpointLock = try CheckpointLock(checkpoint: settings.marathonState, role: "chain", flag: "--marathon-state")
            } else if !settings.mode.loadsModel {
                heldCheckpointLock = try CheckpointLock(checkpoint: settings.checkpoint)
            }
        } catch {
            throw InputError("\(error)")
        }
        if let removed = heldCheckpointLock?.removedTemporaries, !removed.isEmpty {
            print("Removed \(removed.count) temporary file(s) left by killed runs: \(removed.joined(separator: ", "))")
        }
        let chapter = Chapter(settings: settings, data: data)
        try chapter.introduction()
        if !settings.mode.loadsModel { try chapter.train() } else { try chapter.loadTrained() }
        try chapter.exportWeights()
        chapter.denoisingResults()
        if settings.mode == .sweep {
            chapter.classifierSection()
            chapter.frictionSweep()
        } else if settings.mode == .integrators {
            chapter.classifierSection()
            chapter.compareIntegrators()
        } else if settings.mode == .marathon {
            chapter.classifierSection()
            try chapter.marathon()
        } else if settings.mode == .diagnose {
            chapter.classifierSection()
            _ = chapter.sharedBurnIn()
            chapter.longChain()
            chapter.diagnosis()
        } else if settings.mode != .train {
            chapter.classifierSection()
            chapter.sample()
            chapter.longChain()
            chapter.diagnosis()
            chapter.qualitySummary()
        }
        chapter.assignExercises()
        chapter.notebook.finish()
    }
}

/// The lock on --checkpoint, held until the process exits (the notebook's finish() calls exit).
nonisolated(unsafe) var heldCheckpointLock: CheckpointLock?

GPSWalkJumpChapter.main()
