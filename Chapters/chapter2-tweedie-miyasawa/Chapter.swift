import Figures
import Foundation
import Notebook
import NumericCore
import Theory

/// The chapter's state: the validated setup, the notebook, the one generator every random stream is
/// split from, and the trained denoisers that walk-jump sampling reuses.
final class Chapter {
    let setup: ChapterSetup
    let notebook: Notebook
    /// The toy prior (`setup.prior`).
    let prior: GaussianMixture
    /// The chapter's generator. Each part draws from its own `stream()`, split off in the order the
    /// sections run, so the numbers of a section do not depend on how much another one draws.
    private var master: Xoshiro256
    /// One learned denoiser per σ of `setup.sigmas` (set by `learningTheDenoiser()`).
    var nets: [TrainedDenoiser] = []

    init(setup: ChapterSetup, figuresDirectory: String) {
        self.setup = setup
        prior = setup.prior
        notebook = Notebook(
            title: "Chapter 2 — Tweedie–Miyasawa: learning the score by denoising", slug: "chapter2-tweedie-miyasawa",
            figuresDirectory: figuresDirectory, parameters: setup.parameters)
        master = Xoshiro256(seed: setup.seed)
        setBLASThreads(1)  // the matrices here are small: one OpenBLAS thread is faster and keeps runs reproducible
    }

    /// A fresh independent random stream, the next split of the chapter's generator.
    func stream() -> Xoshiro256 { master.split() }

    func introduction() {
        notebook.prose("""
        Observe Y = X + σN with Gaussian noise. The least-squares estimate of X is the posterior mean, and \
        for Gaussian noise it is a function of the noisy density alone (Robbins 1956; Miyasawa 1961): \
        denoising and the score of p_Y are the same object. The toy prior throughout is a mixture of \
        \(setup.modes) Gaussians N(μ_k, τ²I), τ = \(fmt(setup.tau)), with means on a ring of radius \(fmt(setup.radius)) in R². \
        Theory checks (Tweedie, posterior means, Monte Carlo, MMSE) run in Double; the neural networks \
        are trained and evaluated in Float.
        """)
        notebook.equation("x̂(y) = E[X | Y = y] = y + σ² ∇log p_Y(y)        (Tweedie–Miyasawa)",
                          "key identity (T2.1):  σ² ∇_y p(y|x) = (x − y) p(y|x)")
    }

    /// A quiver plot: on an n × n grid, a segment from y to y + c (f(y) − y) with a dot at its base y.
    func addArrows(_ p: inout Plot, grid n: Int, extent ext: Double, scale c: Double, name: String, color: Color, _ f: ([Double]) -> [Double]) {
        var baseX = [Double](), baseY = [Double]()
        for i in 0..<n {
            for j in 0..<n {
                let y = [-ext + 2 * ext * (Double(i) + 0.5) / Double(n), -ext + 2 * ext * (Double(j) + 0.5) / Double(n)]
                let t = f(y)
                p.add(Series("", x: [y[0], y[0] + c * (t[0] - y[0])], y: [y[1], y[1] + c * (t[1] - y[1])], style: .line, color: color))
                baseX.append(y[0]); baseY.append(y[1])
            }
        }
        p.add(Series(name, x: baseX, y: baseY, style: .points, color: color))
    }
}
