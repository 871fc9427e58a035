import Foundation
import Notebook
import NumericCore

/// The chapter's state: the validated inputs, the notebook, and the generator every section splits
/// its random streams from (in section order, so a run is reproducible from --seed alone).
final class Chapter {
    let setup: ChapterSetup
    let notebook: Notebook
    var master: Xoshiro256

    init(setup: ChapterSetup, seed: UInt64, figuresDirectory: String) {
        self.setup = setup
        notebook = Notebook(title: "Chapter 1 — Langevin MCMC uses the score function", slug: "chapter1-langevin",
                            figuresDirectory: figuresDirectory, parameters: setup.parameters)
        master = Xoshiro256(seed: seed)
    }

    func introduction() {
        let nb = notebook
        nb.prose("""
        Langevin MCMC turns a score function ∇log p into a sampler. The overdamped (unadjusted) chain \
        with step h is shown below; it needs nothing but the score, and every claim of this chapter is \
        checked against long seeded runs. All theory checks run in Double precision. Statistical checks \
        compare a chain average with its exact value using a standard error that accounts for \
        autocorrelation (non-overlapping batch means, 50 batches, each far longer than the chain's \
        integrated autocorrelation time), with a tolerance of 4 standard errors.
        """)
        nb.equation("x_{t+1} = x_t + h ∇log p(x_t) + √(2h) ε_t,    ε_t ~ N(0, I)")
    }
}
