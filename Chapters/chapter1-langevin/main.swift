// Chapter 1 — Langevin MCMC: the score function drives the chain (THEORY §1, T1.1–T1.6).
import ArgumentParser
import Figures
import Foundation
import Notebook
import NumericCore
import Samplers
import Theory

/// (Not `@main`: a multi-file target treats main.swift as top-level code; the entry point is the call at
/// the bottom.)
struct Chapter1Langevin: ChapterCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter1-langevin",
        abstract: "Langevin MCMC on Gaussians and Gaussian mixtures: discretisation bias, conditioning, trapping, smoothing, concentration, underdamped A-B-O-B-A.")

    @OptionGroup var common: CommonOptions

    // §1 1-D Gaussian
    @Option(parsing: .unconditional, help: "τ: standard deviation of the 1-D Gaussian target N(0, τ²).")
    var tau: Double = 1
    @Option(parsing: .unconditional, help: "h: step of the 1-D overdamped chain; must satisfy 0 < h < 2τ² (the stability bound).")
    var step: Double = 0.5
    @Option(help: "Length of the 1-D Gaussian chains (steps).")
    var steps: Int = 1_000_000
    @Option(name: .customLong("unstable-factor"), parsing: .unconditional, help: "The divergence demonstration uses h = factor × 2τ² (> 1).")
    var unstableFactor: Double = 1.05

    // §2 ill-conditioned 2-D Gaussians
    @Option(help: "Condition numbers κ = λ_max/λ_min of the 2-D Gaussians (comma-separated, ≥ 1).")
    var kappas: String = "1,4,16,64"
    @Option(name: .customLong("step-fraction"), parsing: .unconditional, help: "h · λ_max for the 2-D chains (0 < value < 2).")
    var stepFraction: Double = 0.5
    @Option(name: .customLong("iat-steps"), help: "Length of each 2-D chain (steps).")
    var iatSteps: Int = 1_000_000

    // §3 mixtures
    @Option(parsing: .unconditional, help: "Δ: separation of the two modes of the trapping demonstration (τ = 1 per component).")
    var separation: Double = 10
    @Option(parsing: .unconditional, help: "σ: the Gaussian noise level that smooths the mixture (T1.4: τ² → τ² + σ²).")
    var sigma: Double = 2
    @Option(name: .customLong("mixture-step"), parsing: .unconditional, help: "h for the mixture chains.")
    var mixtureStep: Double = 0.1
    @Option(name: .customLong("trap-steps"), help: "Length of the trapped and smoothed chains (steps).")
    var trapSteps: Int = 200_000
    @Option(help: "Separations Δ of the switch-time scan (comma-separated, each > 2).")
    var separations: String = "4,5,6,7,8"
    @Option(name: .customLong("scan-steps"), help: "Length of each chain of the switch-time scan (steps).")
    var scanSteps: Int = 2_000_000

    // §4 concentration
    @Option(help: "Dimensions d for the concentration of ‖ε‖ (comma-separated integers ≥ 1).")
    var dims: String = "2,10,100,1000,10000"
    @Option(name: .customLong("norm-samples"), help: "Draws of ε per dimension.")
    var normSamples: Int = 4000

    // §5 underdamped
    @Option(help: "δ values of the A-B-O-B-A integrator (comma-separated).")
    var deltas: String = "1,0.5,0.25,0.125"
    @Option(name: .customLong("effective-friction"), parsing: .unconditional, help: "γδ (effective friction) for the δ scan.")
    var effectiveFriction: Double = 0.5
    @Option(name: .customLong("frictions"), help: "γδ values scanned at fixed δ = the second --deltas entry.")
    var frictions: String = "0.1,0.5,1,2"
    @Option(name: .customLong("underdamped-steps"), help: "Length of each underdamped chain (steps).")
    var underdampedSteps: Int = 400_000

    // §6 integrators (T1.8)
    @Option(help: "Integrators of §6: all, or a comma-separated list of aboba|baoab|cheng|midpoint|overdamped.")
    var integrator: String = "all"

    // §7 noisy data sets (T1.9)
    @Option(help: "Noise levels σ ≥ 0 of §7 (comma-separated, increasing, 2…8 values; 0 is the clean data).")
    var sphereSigmas: String = "0,0.1,0.25,0.5,1,2"
    @Option(help: "Images of §7 (100…60000), evenly spaced through the set.")
    var sphereImages: Int = 2000
    @Option(help: "Data set of §7: mnist5k, mnist, fashion-mnist or cifar10.")
    var imageData: String = "mnist5k"
    @Option(help: "Folder of the data sets (scripts/install-data.sh); Fashion-MNIST is also found at /usr/share/datasets/fashion-mnist.")
    var dataDir: String = "data"

    func run() throws {
        let chapter = Chapter(setup: try ChapterSetup(self), seed: common.seed, figuresDirectory: common.figuresDir)
        chapter.introduction()
        chapter.gaussianStability()
        chapter.illConditioning()
        chapter.mixtures()
        chapter.concentration()
        chapter.underdamped()
        chapter.fiveIntegrators()
        chapter.sphericalData()
        chapter.notebook.exercises(try gradedExercises())
        chapter.notebook.finish()
    }
}

Chapter1Langevin.main()
