import Notebook
import Theory

extension Chapter {
    func assignExercises() {
        notebook.exercises(Self.exerciseList(s))
    }

    /// The chapter's exercises with their solutions for these settings (the flags' derived walk
    /// parameters; none needs the trained network).
    static func exerciseList(_ s: Settings) -> [Exercise] {
        let largest = s.members.max { $0.measurements < $1.measurements }!
        return [
            Exercise("5.1", "Same network, other members", task: "Sample members further along the class without retraining.",
                     command: "swift run -c release chapter5-gps-walk-jump sample --members 1,2,8,32",
                     question: "What is the walk step δ of the largest member of --members, by the published rule δ = σ/2 with σ = σ_eff√M?",
                     solution: .number(largest.step, relative: 1e-3, hint: "the member's σ is σ_eff√M with σ_eff = --sigma-eff (0.25 by default); halve it."),
                     observe: "how FD, class switches and the look of the samples change with M at δ = σ/2.",
                     check: "the T4.5 loss rows stay equal; Var(y_m − ȳ)/σ² stays 1 for every M."),
            Exercise("5.2", "Step size and friction", task: "Halve and double the step of the class comparison, and lower the friction.",
                     command: "swift run -c release chapter5-gps-walk-jump sample --step-factors 0.25,1 --friction 0.25",
                     question: "What is the friction γ = γδ/δ of the long-chain member's walk (δ = --long-step-factor·σ of the middle member of --members, γδ = --friction)?",
                     solution: .number(s.friction / s.longMember.step, relative: 1e-3, hint: "the long-chain member is the middle of --members (M = 4 by default), its σ is σ_eff√M and its step the published σ/2; the friction flag is γδ, not γ."),
                     observe: "the step-variant points in quality-vs-member.png, their sample grids and the switches per jump.",
                     check: "chains stay finite; compare switches/jump with the δ = σ/2 row."),
            Exercise("5.3", "What the shared burn-in buys", task: "Sample every member straight from noise, without the class's shared burn-in; then with a longer one (--burn-in 3000).",
                     command: "swift run -c release chapter5-gps-walk-jump sample --burn-in 0",
                     question: "How many jumps x̂(y) does each chain of a member make after the burn-in, --sample-steps ÷ --jump-every (the preset's values unless given)?",
                     solution: .number(Double(s.preset.sampleSteps / s.preset.jumpEvery), absolute: 0.5, hint: "read the preset's sample steps and jump interval from the report's parameter line (or `--help` and Setup's presets) and divide."),
                     observe: "the sample grids (strokes instead of digits without it), the FD and confident columns, and burn-in.png.",
                     check: "without the burn-in FD rises and the confident share falls for every member; Var(y_m − ȳ)/σ² stays 1 either way (T4.7 holds from the first step)."),
            Exercise("5.4", "The step bias of long chains", task: "Run the long chains at twice the published step, for longer; the σ/2 chains run beside them.",
                     command: "swift run -c release chapter5-gps-walk-jump sample --long-step-factor 1 --long-steps 4000",
                     question: "What are the steps δ of the long chains and of the comparison chains run beside them, in that order?",
                     solution: .list([s.longMember.step, s.comparisonLongMember?.step ?? .nan], relative: 1e-3, hint: "the long chains walk at δ = --long-step-factor·σ; the comparison chains at σ/4 when that factor is the published 1/2, else at σ/2; σ = σ_eff√M of the long-chain member."),
                     observe: "long-chain-contrast.png and long-chain-final.png: do the δ = σ chains fade or blur against the σ/2 ones?",
                     check: "compare the two columns of the long-chain table (blank share, contrast ratio, switches per 1000 steps) and the FD of the δ = σ step variant in the quality table; say which step's chains stay closer to an exact walk (ratio 1)."),
            Exercise("5.5", "Memorisation", task: "Compare the memorising denoiser's samples with ν_θ's, and shrink the memorising denoiser's training set (the checkpointed ν_θ stays the same network).",
                     command: "swift run -c release chapter5-gps-walk-jump sample --train-images 500",
                     question: "Among how many distinct training images can the memorising denoiser's walk-jump samples be copies?",
                     solution: .number(s.preset.trainImages > 0 ? Double(s.preset.trainImages) : .nan, absolute: 0.5, hint: "the memorising denoiser is the empirical Bayes estimator of the training set (T2.3): as σ shrinks it returns one of its training points."),
                     observe: "the memorising row of denoising-triplets.png returns training digits (now one of 500); its walk-jump samples are still copies (NN RMS to train near 0), while its held-out loss rises above the default run's — fewer training images lie near a held-out one. ν_θ's held-out loss is the default run's to the last digit (same network, same held-out images and noise). At --preset tiny (1,000 training images by default): memorising 0.0382 → 0.0439 per pixel, U-Net 0.0146 in both.",
                     check: "the memorising denoiser's held-out loss is above the U-Net's, by more than in the default run; the memorising-copies check passes."),
            Exercise("5.6", "A larger σ_eff", task: "Train for σ_eff = 0.5 and sample its class.",
                     command: "swift run -c release chapter5-gps-walk-jump --sigma-eff 0.5",
                     question: "What loss per pixel does the identity denoiser x̂(y) = ȳ have (the line the identity loss check reads)?",
                     solution: .number(s.sigmaEff * s.sigmaEff, relative: 1e-3, hint: "ȳ = x + the mean of M noises of level σ, whose variance per pixel is σ²/M; in a class that is the same for every member."),
                     observe: "blurrier jumps but more class switches (T2.5's trade-off).",
                     check: "the identity loss check reads σ_eff² = 0.25."),
            Exercise("5.7", "Integrators at equal network calls", task: "Compare the five integrators of chapter 1 on the learned score from one exact start, then repeat at a smaller step (--long-step-factor 0.25).",
                     command: "swift run -c release chapter5-gps-walk-jump integrators --compare-calls 400",
                     question: "What λ·Var(y_m − ȳ) (λ = 1/σ²) does Cheng et al.'s scheme reach along the difference directions of the long-chain member (δ = --long-step-factor·σ, γδ = --friction)?",
                     solution: .number(chengDifferenceVariance(s), relative: 0.005, hint: "along y_m − ȳ the GPS force is exactly −(y_m − ȳ)/σ², so the walk there is Cheng's scheme on N(0, σ²): solve S = MSMᵀ + Q for its one-step map (T1.8) at λ = 1/σ² — by scale invariance the same as λ = 1 with step δ/σ."),
                     observe: "the position-exact splittings (A-B-O-B-A, B-A-O-A-B) keep λ·Var = 1 while Cheng's is 14 % high at δ = σ/2, γδ = 1, and the overdamped walk 6.7 %; FD, confident share and class switches per integrator in the table, against the exact walk's anchor.",
                     check: "every T1.8 difference-direction check passes; the table has a row per integrator with the randomized midpoint at half the steps."),
            Exercise("5.8", "Friction per member", task: "Sweep the effective friction for every member of the class (GPS Fig. 2), over seeds; then add members further along the class.",
                     command: "swift run -c release chapter5-gps-walk-jump sweep --members 1,4,16 --sweep-frictions 0.125,0.5,2,8",
                     question: "After how many walk steps has the O step kept only 1/e of a chain's velocity at the smallest γδ of --sweep-frictions?",
                     solution: .number(1 / (s.sweepFrictions.min() ?? 1), relative: 1e-3, hint: "each O step multiplies v by e^{−γδ}; after k steps e^{−kγδ}, whatever δ and γ are separately."),
                     observe: "the smallest γδ keeps the velocity for many steps (ballistic moves, more class switches, more step bias); the largest randomises it every step (a random walk); which γδ gives the lowest FD for each M, and whether it moves along the class.",
                     check: "the walks stay finite; compare each member's best γδ with its neighbours: a difference is resolved only where the ± 2 s.e. bands in friction-sweep-fd.png separate."),
            Exercise("5.9", "A long chain, stopped and resumed", task: "Walk one chain of the long-chain member for 40 000 steps, keeping a jump every 200; then interrupt a second run after a checkpoint and continue it with --resume.",
                     command: "swift run -c release chapter5-gps-walk-jump marathon --marathon-steps 40000 --marathon-jump-every 200 --marathon-windows 4 --marathon-checkpoint-every 10000",
                     question: "How many kept jumps does each window of the marathon table pool (--marathon-steps ÷ --marathon-jump-every ÷ --marathon-windows)?",
                     solution: .number(Double(s.preset.marathonSteps / s.preset.marathonJumpEvery / s.preset.marathonWindows), absolute: 0.5, hint: "a jump is kept every --marathon-jump-every steps, and the kept jumps are cut into --marathon-windows equal consecutive windows."),
                     observe: "marathon-classes.png: how many steps the chain stays in one class, and whether FD, contrast and blank share drift from the first window to the last; the committed million-step run (figures/chapter5-marathon) for comparison.",
                     check: "the marathon checks pass; stop a run with Ctrl-C after its first checkpoint and rerun the same command with --resume: marathon-strip.png and marathon-classes.png are byte-identical (cmp) to an uninterrupted run's."),
        ]
    }
}

// MARK: - Graded exercises (`chapter5-gps-walk-jump exercise …`, Sources/Notebook/Grading.swift)

extension GPSWalkJumpChapter: GradedChapter {
    static var chapterNumber: Int { 5 }
    /// Grading needs no model: the flags are validated as for training (a `sample` run's checkpoint is
    /// not read), and no solution depends on the mode.
    func gradedExercises() throws -> [Exercise] {
        var flags = self
        flags.mode = "train"
        flags.resume = false
        return Chapter.exerciseList(try Settings(flags))
    }
}

/// λ·S_yy of Cheng's scheme on N(0, σ²) at the long-chain member's δ and γδ (exercise 5.7).
func chengDifferenceVariance(_ s: Settings) -> Double {
    s.longMember.differenceVarianceRatio(.cheng) ?? .nan
}
