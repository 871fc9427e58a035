import Foundation
import Notebook
import Samplers
import Theory

extension Chapter {
    func conclusions() {
        let s = setup
        notebook.section("What the numbers show")
        let losses = lossRows.map { "(\($0.M), \(fmt(s.sigma($0.M), digits: 3))): \(fmt($0.loss, digits: 5)) ± \(fmt($0.se, digits: 2))" }.joined(separator: "; ")
        func iatList(_ key: MeasurementChain.Rescaling) -> String {
            (samplingRows[key.rawValue] ?? []).map { "M = \($0.M): \(fmt($0.iat, digits: 3)) ± \(fmt($0.iatSE, digits: 2))" }.joined(separator: ", ")
        }
        func switchList(_ key: MeasurementChain.Rescaling) -> String {
            (samplingRows[key.rawValue] ?? []).map { "M = \($0.M): \(fmt($0.switches, digits: 3))" }.joined(separator: ", ")
        }
        notebook.prose("""
            The closed forms hold to rounding error: the factorised M-density (T4.1) agrees with the direct and the \
            dense evaluation, the score T4.2 with finite differences, and the multimeasurement Tweedie estimator is \
            one function of ȳ for every index m (T3.1 = T4.3). Learning is universal: one ν has the same loss on every \
            member of the class σ_eff = \(fmt(s.sigmaEff)) — \(losses) — and the MMD test cannot tell the members' x̂ \
            apart, while a member of the class σ_eff' = \(fmt(s.otherSigmaEff)) differs by \
            \(fmt(findings["loss z other class"] ?? .nan, digits: 3)) standard errors (MMD test p = \
            \(fmt(findings["mmd p across"] ?? .nan, digits: 2))).
            """)
        notebook.prose("""
            Sampling is where members differ. At a fixed step and friction the IAT of ȳ₁ grows with M \
            (\(iatList(.fixed)); log–log slope \(fmt(findings["iat exponent"] ?? .nan, digits: 3)), between the \
            underdamped √M and the overdamped M) and mode switches per 1000 steps fall (\(switchList(.fixed))). The \
            derivation predicts — and the walks confirm within their standard errors — that the ȳ-chain is the same \
            for every member when δ ∝ √M at fixed effective friction γδ with u = 1 (\(iatList(.stepSqrtM))), i.e. a \
            step proportional to σ, or when the inverse mass grows like M at fixed δ and γ (\(iatList(.massM))). The \
            difference directions have variance σ² in every walk, exactly as the factorisation says. So moving \
            within a class costs no retraining, and with the step scaled like σ it also costs nothing in mixing of \
            ȳ per step; what larger M buys is a sharper posterior for a fixed σ, not faster mixing within a class.
            """)
        notebook.prose("""
            Two steps beyond the (M, σ) model keep the multimeasurement estimator intact. With unequal noise \
            levels (T4.8) every index m still gives the same y_m + σ_m²∇_{y_m} log p(y), now Tweedie for the \
            precision-weighted mean ỹ; the plain mean is no longer sufficient — at σ = \
            (\(s.sigmas.map { fmt($0, digits: 3) }.joined(separator: ", "))) the Bayes estimator's MSE is \
            \(fmt(findings["unequal bayes mse"] ?? .nan, digits: 4)) against \(fmt(findings["unequal plain mse"] ?? .nan, digits: 4)) \
            for the best estimator of ȳ alone (\(fmt(findings["unequal gap z"] ?? .nan, digits: 3)) s.e. apart). With Poisson \
            counts (T4.9) Robbins' formula generalises to (y_m + 1)·p(y + e_m)/p(y) for every m: it reproduces the \
            Gamma posterior mean from the mass function to rounding and, from simulated counts, within its standard \
            error; the Bayes risk falls from \(fmt(findings["poisson risk 1"] ?? .nan, digits: 3)) at M = 1 to \
            \(fmt(findings["poisson risk 64"] ?? .nan, digits: 3)) at M = 64 (Monte Carlo), like 1/M, as for Gaussian noise.
            """)
    }

    func assignExercises() {
        notebook.exercises(Self.exerciseList(setup))
    }

    /// The chapter's exercises with their solutions for these inputs.
    static func exerciseList(_ s: ChapterSetup) -> [Exercise] {
        // The underdamped ȳ-chain of member M is an oscillator with inverse mass u/M: its period
        // 2π/√(λu/M) grows like M^a.
        let period = { (M: Double) in 2 * Double.pi / (1 / M).squareRoot() }
        let underdampedExponent = log(period(16) / period(1)) / log(16)
        // T4.5 for any ν: every member's ȳ has the same law within a class (σ_M²/M = σ_eff²).
        let mismatchedLossesEqual = s.members.allSatisfy {
            abs(UniversalityClass(sigmaEff: s.otherSigmaEff).sigma(measurements: $0) / Double($0).squareRoot() - s.otherSigmaEff) <= 1e-12 * s.otherSigmaEff }
        return [
            Exercise("4.1", "A different class",
                     task: "Move to a noisier class: σ_eff = 1 (members (1, 1), (4, 2), (16, 4)) and contrast it with σ_eff' = 0.5.",
                     command: "swift run -c release chapter4-universality --sigma-eff 1 --other-sigma-eff 0.5",
                     question: "What are the noise levels σ of the class's members, for the M of --classes in their order?",
                     solution: .list(s.members.map { UniversalityClass(sigmaEff: s.sigmaEff).sigma(measurements: $0) }, relative: 1e-3, hint: "a class keeps σ_eff = σ/√M fixed; solve for σ."),
                     observe: "The loss is higher for every member but still flat across M; mode switches are more frequent because p_{σ_eff} fills the gaps between modes. The T4.6 MMD test, however, rejects equality for (1, 1) against (16, 4) on this seed (p = 0.004): over seeds 1–4 at σ_eff = 1, 2 of 8 same-class MMD p-values (0.004, 0.006) and 2 of 8 energy-distance p-values (0.008, 0.002, both on seed 2) fall below 0.01, against a 1 % design rate each (2 or more of 8 has probability 0.003), while at the default σ_eff = 0.5 the 20-seed sweep counts 1 failure in 40. T4.6 is exact (x̂ depends on the data only through ȳ), so this is an open finding about the test or the simulation at σ_eff = 1, not about the theory.",
                     check: "Every loss check passes and the contrast z-score stays above 10; the run exits 1 on the MMD check. Find out why: rerun with --seed 3 and --seed 4 (they pass), and compare the energy-distance p-values in the table.",
                     expectsFailedChecks: true),
            Exercise("4.2", "Underdamped or overdamped?",
                     task: "At a fixed step, the ȳ-chain of member M has inverse mass u/M. Vary the effective friction and fit the exponent a of IAT ∝ M^a (printed in the check line): run at γδ = 0.1, then at γδ = 2 with longer chains (--friction 2 --steps 100000).",
                     command: "swift run -c release chapter4-universality --friction 0.1",
                     question: "In the underdamped limit (small γδ) the time scale of member M's ȳ-chain, whose inverse mass is u/M, grows like M^a: what is a?",
                     solution: .number(underdampedExponent, absolute: 0.02, hint: "with little friction the ȳ-chain oscillates; the period of an oscillator with stiffness λ and inverse mass u/M is 2π/√(λu/M)."),
                     observe: "a ≈ 0.54 at γδ = 0.1 (underdamped: time scale ∝ √M) and a ≈ 0.90 at γδ = 2 with 100 000 steps (towards the overdamped ∝ M; 2.5 minutes). With the default 20 000 steps the γδ = 2 estimate comes out near 0.73: the M = 16 chains then hold only a handful of effective draws and their IAT is biased low.",
                     check: "Derive both limits from the ȳ-chain's equations; compare the mode-switch ratio between M = 1 and M = 16 with 16^a."),
            Exercise("4.3", "Break the rescaling",
                     task: "Rescale only the step (δ ∝ √M) but keep γ, not γδ, fixed: then member M walks with γδ = √M·γδ₁, and by the derivation its ȳ-chain is member 1's chain at effective friction √M·γδ₁. So no source edit is needed: for M = 16 at the default γδ₁ = 0.5, run member 1 at γδ₁ = √16·0.5 = 2 and compare its row with the default run's.",
                     command: "swift run -c release chapter4-universality --friction 2",
                     question: "A 'γ fixed' member (δ ∝ √M, the same γ as member 1) walks at γδ = √M·γδ₁. At which --friction must member 1 run to stand in for the largest member of --classes when γδ₁ = 0.5 (the default)?",
                     solution: .number(Double(s.members.max()!).squareRoot() * 0.5, relative: 1e-3, hint: "its δ is √M times member 1's and γ is unchanged, so γδ scales by √M; take M = the largest of --classes."),
                     observe: "at γδ₁ = 2 member 1's IAT of ȳ₁ is about 200 steps with about 9.6 switches per 1000 steps (measured 198 ± 31 and 9.6 ± 0.13 at the defaults otherwise), against 89 ± 6.6 and 16.2 ± 0.16 at γδ₁ = 0.5: a 'γ fixed' member 16 would be damped more and mix about twice as slowly as member 1, so the rescaled IAT and switch checks would fail; the rescaling must hold γδ, not γ, fixed. Within this run the δ ∝ √M rows agree with each other again (every walk holds γδ = 2).",
                     check: "Predict the direction of the change (more or less damping for larger M) before running it; the run's own checks all pass (every walk here holds γδ fixed)."),
            Exercise("4.4", "A mismatched ν",
                     task: "Universality of learning (T4.5) holds for any ν, not only the optimal one: a trained network is just another ν. The chapter already applies the class's ν to a second class σ_eff', where it is suboptimal (its own optimal ν' is in the next column); move σ_eff' far away so ν is badly mismatched there, as a poorly trained network would be. (Plugging in a network trained on X + σ_eff ε — chapter 2's engine — needs a source edit: `nu` in Chapter.swift is the only closure ν: R^d → R^d the GPS score uses.)",
                     command: "swift run -c release chapter4-universality --other-sigma-eff 2 --samples 100000",
                     question: "Is the mismatched ν's denoising loss the same for every member of the class σ_eff' (within its standard errors): yes or no?",
                     solution: .choice(mismatchedLossesEqual ? "yes" : "no", of: ["yes", "no"], hint: "T4.5's derivation uses only that ν sees the data through ȳ, whose law is the same for every member of a class; does it use that ν is optimal?"),
                     observe: "in the class σ_eff' = 2 the mismatched ν loses about 4.74 per draw against 3.0 for that class's own optimal ν' (the 'loss of ν' column against 'loss of ν''), 1.6 times more, and yet the same for every member M within its standard errors (±0.016).",
                     check: "the 'T4.5 holds for any ν' checks pass for the mismatched ν; T4.4 equivariance holds to rounding error for any ν; only the 'equals T4.2' check needs the optimal ν."),
            Exercise("4.5", "One good measurement and seven poor ones",
                     task: "Unequal noise levels (T4.8): add seven measurements at σ = 3 to one at σ = 0.2. Before running, compute by hand the level s = (Σ_m σ_m⁻²)^{−1/2} of the precision-weighted mean ỹ and the level √(Σ_m σ_m²)/M of the plain mean ȳ after k = 1, 2 and 8 measurements.",
                     command: "swift run -c release chapter4-universality --noise-levels 0.2,3,3,3,3,3,3,3",
                     question: "What are the level s = (Σ_m σ_m⁻²)^{−1/2} of the precision-weighted mean ỹ and the level √(Σ_m σ_m²)/M of the plain mean ȳ, with all M = (count of --noise-levels) measurements, in that order?",
                     solution: .list([1 / s.sigmas.reduce(0) { $0 + 1 / ($1 * $1) }.squareRoot(), s.sigmas.reduce(0) { $0 + $1 * $1 }.squareRoot() / Double(s.sigmas.count)], relative: 1e-3, hint: "precisions add for the weighted mean; for the plain mean the variances add and the sum is divided by M²."),
                     observe: "s barely moves (0.2, 0.1996, 0.197 for k = 1, 2, 8) and the MSE of x̂ falls only a little (0.0694 → 0.0675), but the plain mean's level jumps from 0.2 to 1.50 at k = 2 (0.99 at k = 8), and the MSE of E[X | ȳ] with it (2.18 at k = 2, 1.14 at k = 8): averaging a good measurement with poor ones at equal weights throws the good one away. The paired difference at k = 8 is about 92 s.e.",
                     check: "every T4.8 check passes; the k-column s matches your hand computation; then rerun with equal levels (--noise-levels 1,1,1,1): E[X | ȳ] and x̂ coincide draw by draw, and the paired difference is reported as 0 s.e."),
            Exercise("4.6", "A confident prior for Poisson counts",
                     task: "Poisson measurements (T4.9): make the Gamma prior sharp, a = 50, b = 10 (mean 5, variance a/b² = 0.5). The Bayes risk a/(b(b + M)) then behaves like the prior variance for M ≪ b and like (a/b)/M for M ≫ b: b counts are worth as much as the prior.",
                     command: "swift run -c release chapter4-universality --poisson-shape 50 --poisson-rate 10",
                     question: "What is the Bayes risk a/(b(b + M)) of the Gamma–Poisson model at M = 1, 8 and 64, in that order (a = --poisson-shape, b = --poisson-rate)?",
                     solution: .list([1, 8, 64].map { (m: Double) in s.poissonShape / (s.poissonRate * (s.poissonRate + m)) }, relative: 1e-3, hint: "the posterior is Gamma(a + Σy, b + M), whose variance (a + Σy)/(b + M)² averages to a/(b(b + M)) since E[Σy] = Ma/b."),
                     observe: "the Bayes risk is 0.455 at M = 1, close to the prior variance 0.5, still 0.278 at M = 8, and 0.0676 at M = 64, where it approaches (a/b)/M = 0.078; the Monte Carlo MSEs sit on the curve within their standard errors, and the empirical-Robbins cells (5), (5, 4), (5, 4, 5) reproduce (a + s)/(b + M) within 2 s.e.",
                     check: "every T4.9 check passes; read the crossover M ≈ b off the figure poisson-concentration.png, and confirm from the table that M·a/(b(b + M)) approaches a/b = 5 only slowly (4.32 at M = 64)."),
            Exercise("4.7", "How much does a copy of y_1 break the symmetry?",
                     task: "T4.10 measures how far a trained MDAE is from permutation equivariance with e_π(y) = √((1/M) Σ_m ‖x̂^(m)(πy) − x̂^(π(m))(y)‖²), π a uniformly random permutation of the M measurements. Calibrate the metric on a function you can do by hand: F(y)_m = y_1 for every m (copy the first measurement into every output). Then rerun the section with twice as many measurements and compare the trained MDAE's e_π and index spread with the default run's.",
                     command: "swift run -c release chapter4-universality --mdae-measurements 8",
                     question: "For F(y)_m = y_1, what is E e_π(Y)² under the (M, σ) model of the MDAE section, with M = --mdae-measurements and σ = σ_eff √M, π uniform over all M! permutations?",
                     solution: .number((1 - 1 / Double(s.mdaeMeasurements)) * 2 * Double(s.dim) * s.sigma(s.mdaeMeasurements) * s.sigma(s.mdaeMeasurements), relative: 1e-3,
                                       hint: "every block of F(πy) is y_{π(1)} and every block of πF(y) is y_1; how often is π(1) = 1, and what is the law of y_{π(1)} − y_1 = σ(N_{π(1)} − N_1) otherwise?"),
                     observe: "at M = 8 (σ = √2, so (7/8)·2·2·2 = 7) the control measures 7.005 ± 0.056. The trained MDAE (16 → 55 → 55 → 16, 4911 parameters, against GPS 2 → 30 → 146 → 2 with 4910: no two-layer GPS network has exactly 4911) has E e_π/sd = 0.252 ± 0.0007 and E s/sd = 0.119 ± 0.0003, against 0.235 and 0.127 at M = 4; its excess loss over the MMSE is 0.0081 ± 0.0005, GPS's 0.0011 ± 0.0003, so GPS is again the better estimator (by 15.6 s.e. of the paired difference) at the same budget.",
                     check: "every T4.10 check passes; the 'metric control' line shows your value as its expected value. Why does the control's E e_π² not depend on the prior at all?"),
        ]
    }
}

// MARK: - Graded exercises (`chapter4-universality exercise …`, Sources/Notebook/Grading.swift)

extension UniversalityChapter: GradedChapter {
    static var chapterNumber: Int { 4 }
    func gradedExercises() throws -> [Exercise] { Chapter.exerciseList(try ChapterSetup(self)) }
}
