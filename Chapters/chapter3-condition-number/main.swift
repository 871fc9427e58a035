import ArgumentParser
import Notebook

/// Chapter 3: the shape of M-densities — the precision matrix of a Gaussian M-density, its block
/// structure, spectrum and condition number (THEORY.md §3, T3.2–T3.5), each claim checked with LAPACK.
/// (Not `@main`: Swift treats main.swift as top-level code once the target has several files, so the
/// entry point is the call at the bottom of this file.)
struct ConditionNumberChapter: ChapterCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter3-condition-number",
        abstract: "Chapter 3 — the shape of M-densities: block structure, spectrum and condition number of the precision matrix.",
        discussion: """
            Data p_X = N(0, Λ), Λ = diag(λ_1..λ_d); measurements y_m = x + N(0, σ_m² I), m = 1..M. The chapter builds \
            the Md×Md precision matrix F of y, checks the closed forms T3.2–T3.5 against LAPACK, sweeps κ(F) over M, \
            and times brute force O((Md)³) against the block structure O(dM³) and the closed form O(d). \
            Figures and a Markdown report go to <figures-dir>/chapter3-condition-number/. Exit code 0 when every \
            check passes, 1 when one fails, 2 for bad input (nothing written).
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "d, the data dimension (1…1000000). When the dense Md×Md matrices do not fit in memory, the dense checks run on a subset of the coordinates with the same κ (T3.6) and the structured routes on all d.")
    var dim = 32

    @Option(help: "M, the number of measurements of the (M, σ) model (1…1024).")
    var measurements = 4

    @Option(help: "σ > 0, the common noise level of the (M, σ) model.")
    var sigma = 0.5

    @Option(help: ArgumentHelp(
        "The data variances λ_i (eigenvalues of Λ): d positive numbers separated by commas, or a shape.",
        discussion: "Shapes: geometric:K (λ_i from 1 down to 1/K geometrically, K ≥ 1, so κ(Λ) = K); "
            + "linear (λ_i = i/d, i = 1..d); constant:L (every λ_i = L > 0, isotropic data)."))
    var spectrum = "geometric:100"

    @Option(help: "σ_eff > 0 of the universality class σ = σ_eff √M swept in the κ-vs-M figure.")
    var sigmaEff = 0.25

    @Option(help: "Largest M of the κ-vs-M sweep (1…1024).")
    var maxMeasurements = 32

    @Option(help: "Unequal noise levels σ_1,…,σ_M (comma-separated, each > 0, 1…64 of them) for the T3.5 part; repeat a value to see deflation.")
    var noiseLevels = "0.2,0.5,0.5,1"

    @Option(help: "Data dimensions d of the timing table (comma-separated integers 1…100000, at most 12), each with M = --measurements and a geometric spectrum of the same κ(Λ).")
    var timingSizes = "25,50,100,200,400"

    @Option(help: "Data set whose pixel covariance gives the d = 784 spectrum of the image-size section (mnist5k, mnist, fashion-mnist; none for the synthetic power law).")
    var imageData = "mnist5k"

    @Option(help: "Folder of the data sets (see scripts/install-data.sh); Fashion-MNIST is also found at /usr/share/datasets/fashion-mnist.")
    var dataDir = "data"

    func run() throws {
        let setup = try ChapterSetup(self)  // every input error is thrown here, before anything is written
        guard ["mnist5k", "mnist", "fashion-mnist", "none"].contains(imageData) else {
            throw InputError("--image-data must be mnist5k, mnist, fashion-mnist or none (got \"\(imageData)\")")
        }
        let chapter = Chapter(setup: setup, figuresDirectory: common.figuresDir)
        try chapter.introduction()
        try chapter.blockStructure()
        try chapter.spectrum()
        try chapter.conditionNumber()
        try chapter.measuredMixing(seed: common.seed)
        try chapter.unequalNoise()
        try chapter.timing()
        try chapter.imageSizes(dataDirectory: dataDir, imageData: imageData)
        chapter.assignExercises()
        chapter.notebook.finish()
    }
}

ConditionNumberChapter.main()
