import ArgumentParser
import Notebook

/// Chapter 4: universality classes of (M, σ) models and the GPS parametrisation (THEORY.md §4,
/// T4.1–T4.7, with T3.1), then unequal noise levels (T4.8) and Poisson measurements (T4.9), and a trained MDAE against a trained GPS network (T4.10). (Not `@main`: with several files in the target, main.swift is top-level
/// code, so the entry point is the call at the bottom.)
struct UniversalityChapter: ChapterCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter4-universality",
        abstract: "Chapter 4 — universality classes of (M, σ) models and the GPS parametrisation.",
        discussion: """
            Prior: a mixture of Gaussians N(μ_k, τ² I_d) with means on cube vertices Δ apart. Members of a class \
            (M, σ = σ_eff √M) are compared: the closed-form M-density (T4.1, T4.2, T3.1, T4.3), the GPS score and its \
            permutation equivariance (T4.4), the denoising loss and law of x̂ of one ν across members (T4.5, T4.6), \
            and underdamped Langevin walks in R^{Md} (T4.7) at a fixed step and after rescaling; then the Bayes \
            estimator with unequal noise levels σ_1…σ_M (T4.8) and Robbins' formula for M Poisson counts with a \
            Gamma prior (T4.9); last, an MDAE network of all of y against a GPS network of ȳ, trained alike (T4.10). All theory checks are in double precision. Figures and a Markdown report go to <figures-dir>/chapter4-universality/. \
            Exit code 0 when every check passes, 1 when one fails, 2 for bad input (nothing written).
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("sigma-eff"), help: "σ_eff > 0, the class under study: members (M, σ_eff √M).")
    var sigmaEff = 0.5

    @Option(name: .customLong("other-sigma-eff"), help: "σ_eff' > 0 of the contrasting class (default 2·σ_eff; must differ from σ_eff by ≥ 5%).")
    var otherSigmaEff: Double? = nil

    @Option(help: "The members of the class: their measurement counts M, comma-separated (2–8 distinct integers in 1…256).")
    var classes = "1,4,16"

    @Option(help: "d, the data dimension (1…64).")
    var dim = 2

    @Option(help: "K, the number of mixture components (2…64, at most 2^d; means on cube vertices).")
    var components = 4

    @Option(help: "Δ > 0, the distance between neighbouring component means.")
    var separation = 3.0

    @Option(help: "τ > 0, the standard deviation of each mixture component.")
    var tau = 0.5

    @Option(help: "Monte Carlo draws per member for the denoising losses (200…10000000).")
    var samples = 40_000

    @Option(name: .customLong("test-size"), help: "Points per sample in the energy-distance two-sample test (10…2000, ≤ --samples).")
    var testSize = 500

    @Option(help: "Permutations for the energy test's p-value (19…100000).")
    var permutations = 499

    @Option(help: "Independent chains per walk (2…4096).")
    var chains = 32

    @Option(help: "Recorded steps per chain (200…10000000; a further 10% is burn-in).")
    var steps = 20_000

    @Option(help: "δ₁, the Langevin step of the single-measurement member (default σ_eff/2; must be < 2σ_eff).")
    var step: Double? = nil

    @Option(help: "γδ₁, the effective friction of the single-measurement member (0.001…20); the A-B-O-B-A scheme sees γ only through γδ.")
    var friction = 0.5

    @Option(name: .customLong("noise-levels"), help: "σ_1,…,σ_M for the unequal-noise section (T4.8): 1–8 comma-separated levels in 0.05…10.")
    var noiseLevels = "0.35,0.7,1.4,2.8"

    @Option(name: .customLong("poisson-shape"), help: "a, the shape of the Gamma prior of the Poisson section (T4.9; 0.2…100).")
    var poissonShape = 3.0

    @Option(name: .customLong("poisson-rate"), help: "b, the rate of the Gamma prior of the Poisson section (T4.9; 0.05…50; prior mean a/b ≤ 50).")
    var poissonRate = 1.0

    @Option(name: .customLong("mdae-measurements"), help: "M of the MDAE-against-GPS section (T4.10; 2…16; σ = σ_eff √M).")
    var mdaeMeasurements = 4

    @Option(name: .customLong("mdae-steps"), help: "Training steps of each network in the MDAE-against-GPS section (T4.10; 100…200000, batch 256).")
    var mdaeSteps = 3000

    func run() throws {
        let setup = try ChapterSetup(self)  // every input error is thrown here, before anything is written
        let chapter = Chapter(setup: setup, figuresDirectory: common.figuresDir)
        chapter.introduction()
        try chapter.factorisation()
        chapter.scores()
        chapter.estimators()
        chapter.posteriorVariance()
        chapter.gpsParametrisation()
        chapter.universalityOfLearning()
        chapter.samplingWithinAClass()
        chapter.unequalNoiseLevels()
        chapter.poissonMeasurements()
        chapter.mdaeAgainstGPS()  // last of the random sections: its streams split after all earlier ones
        chapter.conclusions()
        chapter.assignExercises()
        chapter.notebook.finish()
    }
}

UniversalityChapter.main()
