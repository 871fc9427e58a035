import ArgumentParser
import Notebook

/// Chapter 2 — Tweedie–Miyasawa: denoising is the score (THEORY §2, T2.1–T2.6), on a 2-D Gaussian-mixture
/// prior: the identity in closed form and by Monte Carlo, the empirical (memorising) denoiser, a learned MLP
/// denoiser against the MMSE, walk-jump sampling, and noise as a low-pass filter on the characteristic function.
/// (Not `@main`: Swift treats main.swift as top-level code once the target has several files, so the
/// entry point is the call at the bottom of this file.)
struct Chapter2TweedieMiyasawa: ChapterCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter2-tweedie-miyasawa",
        abstract: "Tweedie–Miyasawa on a Gaussian-mixture prior, the empirical (memorising) denoiser, a learned MLP denoiser, walk-jump sampling and the Fourier view of smoothing on 2-D toy data.")

    @OptionGroup var common: CommonOptions

    @Option(parsing: .unconditional, help: "σ: the noise level of the Tweedie, Monte Carlo and empirical-denoiser sections.")
    var sigma: Double = 0.5
    @Option(help: "Noise levels σ for the learned denoisers and walk-jump sampling (comma-separated).")
    var sigmas: String = "0.15,0.3,0.5,1"
    @Option(help: "Number of mixture components of the toy prior (placed on a ring).")
    var modes: Int = 8
    @Option(parsing: .unconditional, help: "Radius of the ring of component means.")
    var radius: Double = 2
    @Option(parsing: .unconditional, help: "τ: standard deviation of every component.")
    var tau: Double = 0.15
    @Option(name: .customLong("mc-samples"), help: "Prior draws for the importance-sampling estimate of E[X|y].")
    var mcSamples: Int = 200_000
    @Option(name: .customLong("train-points"), help: "Size of the training set of the empirical denoiser.")
    var trainPoints: Int = 200
    @Option(help: "Hidden width of the two-hidden-layer MLP denoiser.")
    var hidden: Int = 64
    @Option(name: .customLong("train-steps"), help: "Adam steps per learned denoiser.")
    var trainSteps: Int = 2500
    @Option(help: "Mini-batch size.")
    var batch: Int = 256
    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Adam learning rate (divided by 10 for the last 30% of the steps).")
    var learningRate: Double = 3e-3
    @Option(name: .customLong("eval-samples"), help: "Held-out (x, ε) pairs for losses and the MMSE.")
    var evalSamples: Int = 20_000
    @Option(name: .customLong("gaussian-variance"), parsing: .unconditional, help: "λ: variance per dimension of the Gaussian data of the T2.4 closed-form check.")
    var gaussianVariance: Double = 1
    @Option(help: "Walk-jump chains per σ.")
    var chains: Int = 200
    @Option(name: .customLong("walk-steps"), help: "Walk steps per chain.")
    var walkSteps: Int = 1000
    @Option(name: .customLong("effective-friction"), parsing: .unconditional, help: "γδ of the underdamped walk (δ = σ/2, u = 1).")
    var effectiveFriction: Double = 0.5
    @Option(name: .customLong("reference-samples"), help: "Sample size of the energy distances.")
    var referenceSamples: Int = 1000
    @Option(name: .customLong("ecf-samples"), help: "Draws of X (and of each Y = X + σε) for the empirical characteristic functions of the Fourier section.")
    var ecfSamples: Int = 50_000

    func run() throws {
        let setup = try ChapterSetup(self)  // every input error is thrown here, before anything is written
        let chapter = Chapter(setup: setup, figuresDirectory: common.figuresDir)
        chapter.introduction()
        chapter.tweedieOnAMixture()
        chapter.memorisingDenoiser()
        chapter.learningTheDenoiser()
        chapter.walkJump()
        chapter.fourierViewOfSmoothing()
        chapter.assignExercises()
        chapter.notebook.finish()
    }
}

Chapter2TweedieMiyasawa.main()
