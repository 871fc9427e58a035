import Foundation
import Notebook
import Theory

// MARK: - Exercises (graded: `chapter2-tweedie-miyasawa exercise …`, Sources/Notebook/Grading.swift)

extension Chapter {
    func assignExercises() {
        notebook.exercises(Self.exerciseList(setup))
    }

    /// The chapter's exercises with their solutions for these inputs.
    static func exerciseList(_ s: ChapterSetup) -> [Exercise] {
        // The gap between neighbouring means of the chapter's prior (its means on the ring).
        let meanGap = s.meanGap
        return [
            Exercise("2.1", "Tweedie for another prior",
                     task: "Change the prior (more modes, a wider ring, broader components) and verify that the Tweedie identity still holds to rounding error while the Monte Carlo estimate needs more samples when σ is small.",
                     command: "swift run -c release chapter2-tweedie-miyasawa --modes 16 --sigma 0.1 --mc-samples 2000000",
                     question: "What is the distance between neighbouring component means of the prior, 2r·sin(π/K) (K = --modes, r = --radius)?",
                     solution: .number(meanGap, relative: 0.005, hint: "the K means sit evenly on a circle of radius r: neighbours are an angle 2π/K apart, and a chord of angle θ has length 2r·sin(θ/2)."),
                     observe: "the effective sample size of importance sampling collapses as σ shrinks (few prior draws land near y); probes with fewer than 100 effective samples are reported but not checked. The later sections change too: with 16 modes the gap between neighbours shrinks to 2r·sin(π/16) = 0.78, so even the smallest σ of the walk-jump scan mixes.",
                     check: "the Tweedie check stays at rounding error and the checked Monte Carlo probes stay within 4 s.e.; what fails is downstream of the prior: the section-4 'large σ mixes … at least fivefold' checks (σ = 0.15 already switches 30–40 times per chain per 1000 steps, σ = 1 about 150) and the σ = 0.15 network's 'within 10% of the MMSE' check (it ends about 13% above).",
                     expectsFailedChecks: true),
            Exercise("2.2", "Memorisation",
                     task: "Shrink σ for the empirical denoiser and watch the posterior weights collapse onto single training points.",
                     command: "swift run -c release chapter2-tweedie-miyasawa --sigma 0.05 --train-points 50",
                     question: "At this σ, which of the empirical (memorising) denoiser's two losses falls below the MMSE: the loss on its training points or on fresh data?",
                     solution: .choice("training", of: ["training", "fresh"], hint: "as σ → 0 the empirical denoiser returns the nearest training point: think of what that costs on a training point and on a new one."),
                     observe: "the mean largest softmax weight approaches 1 and the training-set loss drops far below the MMSE while the fresh-data loss exceeds it.",
                     check: "the memorisation checks of section 2."),
            Exercise("2.3", "How good must the network be",
                     task: "Train with fewer steps or a narrower MLP and compare the excess loss L(θ) − MMSE with the score error.",
                     command: "swift run -c release chapter2-tweedie-miyasawa --train-steps 300 --hidden 16",
                     question: "By the Pythagorean identity the excess loss L(θ) − MMSE equals E‖x̂_θ − E[X|Y]‖², and by Tweedie the score error is √(excess)/σ². If the network's excess loss is 0.01 per draw at the smallest σ of --sigmas, what is its RMS score error?",
                     solution: .number(0.01.squareRoot() / (s.sigmas.min()! * s.sigmas.min()!), relative: 0.005, hint: "Tweedie: x̂ = y + σ²∇log p_Y(y), so an error e in x̂ is an error e/σ² in the score; take σ = the smallest value of --sigmas."),
                     observe: "the excess loss equals E‖x̂_θ − E[X|Y]‖² (the Pythagorean identity), so the score error is √(excess)/σ² and explodes at small σ.",
                     check: "the 'held-out loss within 10% of the MMSE' checks fail for σ = 0.15, 0.3 and 0.5 (losses 1.9×, 2.3× and 1.4× the MMSE), while the Pythagoras checks stay green even though the network is poor.",
                     expectsFailedChecks: true),
            Exercise("2.4", "The walk-jump trade-off",
                     task: "Scan σ from well below to beyond the gap between neighbouring modes, 2r·sin(π/K) = \(fmt(2 * s.radius * sin(Double.pi / Double(s.modes)), digits: 3)) here, and find the σ that balances mode switches against the energy distance.",
                     command: "swift run -c release chapter2-tweedie-miyasawa --sigmas 0.2,0.4,0.8,1.6",
                     question: "Which σ of --sigmas is the largest one below the gap 2r·sin(π/K) between neighbouring modes (the last σ at which x̂ does not yet average over neighbouring modes)?",
                     solution: .number(s.sigmas.filter { $0 < meanGap }.max() ?? .nan, relative: 1e-6, hint: "compute the gap 2r·sin(π/K) from --radius and --modes first, then compare each σ of --sigmas with it."),
                     observe: "switches rise steeply with σ (about 5, 50 and 140 per chain per 1000 steps at σ = 0.2, 0.4, 0.8) while the energy distance, smallest at σ = 0.4, grows as σ nears and passes the gap (about 0.03 at σ = 0.8, 0.18 at σ = 1.6): x̂ averages over neighbouring modes and the jumps collapse inside the ring. Past the gap even the switch count falls (about 85 at σ = 1.6): the jumps land between the cores around the means and are no longer counted; add σ = 2.4 and it falls to about 15, so that the learned score's 'large σ mixes … at least fivefold' check fails.",
                     check: "the trade-off checks of section 4."),
            Exercise("2.5", "Noise as a low-pass filter",
                     task: "Add a larger σ to --sigmas and watch |φ_Y| collapse towards the ECF's noise floor; then raise --ecf-samples to push the floor down and extend the range of frequencies the ratio check can use.",
                     command: "swift run -c release chapter2-tweedie-miyasawa --sigmas 0.15,0.3,0.5,1,2 --ecf-samples 500000",
                     question: "Noise of level σ multiplies the characteristic function by e^{−σ²‖ω‖²/2}. At which frequency ‖ω‖ does the largest σ of --sigmas damp it tenfold (|φ_Y/φ_X| = 1/10)?",
                     solution: .number(CharacteristicFunction.dampingFrequency(sigma: s.sigmas.max()!, factor: 0.1), relative: 0.005, hint: "solve e^{−σ²ω²/2} = 1/10 for ω: take logarithms of both sides, and do not forget the square root."),
                     observe: "the ratio check uses only frequencies where |φ_X| and |φ_Y| exceed 10 s.e. (the ECF's noise floor is about 1/√(2n)). At σ = 2 that is t ≤ 0.75 at the default n = 50 000 (the factor is 0.32 there) and t ≤ 1 at n = 500 000 (0.14): ten times more draws lower the floor by √10, but e^{−σ²t²/2} falls so fast that this buys a single step of the t grid. Every check still passes.",
                     check: "the T2.6 ratio checks of section 5 and the 'tenfold damping' column of its table."),
        ]
    }
}

extension Chapter2TweedieMiyasawa: GradedChapter {
    static var chapterNumber: Int { 2 }
    func gradedExercises() throws -> [Exercise] { Chapter.exerciseList(try ChapterSetup(self)) }
}
