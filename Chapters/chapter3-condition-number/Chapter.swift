import Foundation
import Notebook
import NumericCore
import Theory

/// The chapter's state: validated inputs, the (M, σ) model, and results shared between sections.
final class Chapter {
    /// The inputs the dense checks run on: `full` itself when its dense problems fit in memory, else
    /// a subset of its coordinates with the same λ_max and λ_min (`ChapterSetup.denseSubset()`).
    let setup: ChapterSetup
    /// The validated inputs as given (all --dim coordinates); the structured routes run on these.
    let full: ChapterSetup
    let notebook: Notebook
    /// The (M, σ) model of `setup` (what the dense checks see).
    let model: GaussianMDensity
    /// The (M, σ) model of all --dim coordinates (the same as `model` when the dense problem fits).
    let fullModel: GaussianMDensity
    /// LAPACK's eigenvalues of the model's F, ascending (set by `spectrum()`).
    var denseSpectrum: [Double] = []

    init(setup: ChapterSetup, figuresDirectory: String) {
        full = setup
        self.setup = setup.denseSubset()
        model = GaussianMDensity(spectrum: self.setup.lambdas, measurements: setup.M, sigma: setup.sigma)
        fullModel = setup.denseFits ? model : GaussianMDensity(spectrum: setup.lambdas, measurements: setup.M, sigma: setup.sigma)
        notebook = Notebook(title: "Chapter 3 — The shape of M-densities: conditioning of the precision matrix",
                            slug: "chapter3-condition-number", figuresDirectory: figuresDirectory,
                            parameters: setup.parameters)
    }

    /// Tolerance of a comparison with LAPACK for a matrix of side n and condition number κ.
    /// dsyevd is backward stable: each eigenvalue is off by about u‖F‖·O(√n) in absolute terms, which
    /// is u·κ·O(√n) relative to the smallest one (u = 2⁻⁵² here). We allow 10·u·κ·√n, and never less
    /// than 1e-10 (the errors seen at the defaults are ~1e-14).
    func tolerance(kappa: Double, n: Int) -> Double {
        max(1e-10, 10 * Double.ulpOfOne * kappa * Double(n).squareRoot())
    }

    /// Beyond the dense limit: says that this section's dense checks see the subset, not all of d.
    func denseNote() {
        guard !full.denseFits else { return }
        notebook.prose("""
            (Beyond the dense limit: the dense checks of this section run on d' = \(setup.d) of the \(full.d) \
            coordinates, Md' = \(setup.d * setup.M), because Md = \(full.d * full.M) > \(full.largestDenseSide) does not fit \
            in memory; the structured checks after them use all \(full.d).)
            """)
    }

    func introduction() throws {
        let s = full
        notebook.section("Why the shape of the M-density matters")
        notebook.prose("""
            Walk-jump sampling runs Langevin MCMC on the M-density p(y) of y = (y_1, …, y_M) ∈ R^{Md}, \
            y_m = x + N(0, σ² I). How fast such a walk mixes is set by the shape of p: for a Gaussian target \
            with precision matrix P (T1.2) the step must stay below 2/λ_max(P), and the slowest direction then \
            relaxes by a factor (1 − h λ_min(P)) per step.
            """)
        notebook.equation("h < 2/λ_max(P),   slowest mode ∝ (1 − h λ_min(P))^t",
                          "h = 1/λ_max(P)  ⇒  e-folding time ≈ 1 / (−ln(1 − 1/κ)) ≈ κ,   κ = λ_max(P)/λ_min(P)")
        notebook.prose("""
            So the condition number κ of the precision matrix counts Langevin steps. For Gaussian data \
            p_X = N(0, Λ), Λ = diag(λ_1, …, λ_d) (any Gaussian, after a rotation), the M-density is itself Gaussian, \
            with an Md×Md covariance C and precision F = C⁻¹ that we can write down, factor, and diagonalise \
            in closed form. This chapter builds F explicitly, checks every closed form of THEORY.md §3 (T3.2–T3.5) \
            against LAPACK, and measures what the structure saves. All arithmetic is IEEE double precision \
            (u = 2⁻⁵³ ≈ 1.1e-16); tolerances are stated on every check line. Only the measured-mixing \
            section (T3.7) draws random numbers, from --seed.
            """)
        notebook.prose("""
            Here d = \(s.d), M = \(s.M), σ = \(fmt(s.sigma)), and the data spectrum (\(s.spectrumLabel)) runs from \
            λ_min = \(fmt(s.lambdaMin)) to λ_max = \(fmt(s.lambdaMax)) (κ(Λ) = \(fmt(s.lambdaMax / s.lambdaMin))). \
            y is ordered measurement by measurement: entry m·d + i of y is coordinate i of y_m.
            """)
        if !s.denseFits {
            let sub = setup
            notebook.prose("""
                **Beyond the dense limit.** Md = \(s.d * s.M) (and d × levels = \(s.d * s.sigmas.count)) exceeds \
                \(s.largestDenseSide), the largest side of a dense problem that fits in this machine's memory, so no \
                Md×Md matrix is built for all d coordinates. The structured routes (d LAPACK calls on M×M blocks, \
                the closed form T3.3, the secular equation T3.5) need O(dM) memory and run on all \(s.d) \
                coordinates, checked against each other in each section. The dense checks (LAPACK inverse, \
                dense dsyevd, F·C = I, the κ sweep) run on d' = \(sub.d) of the coordinates, at evenly spaced ranks \
                of λ from λ_max to λ_min: F couples no two coordinates (T3.2), so that F' is a principal block of \
                F, its spectrum a sub-multiset of F's, and its κ the same (T3.6). Md' = \(sub.d * sub.M) is a time \
                budget (\(ChapterSetup.denseCheckSide) at most, so the run stays in seconds), not the memory limit: \
                dsyevd at side \(s.largestDenseSide) would take hours here. Sections below that say "d = \(sub.d)" \
                are on that subset.
                """)
        }
    }
}
