import Datasets
import Foundation
import Notebook
import Theory

// MARK: - Exercises (graded: `chapter1-langevin exercise …`, Sources/Notebook/Grading.swift)

extension Chapter1Langevin: GradedChapter {
    static var chapterNumber: Int { 1 }

    /// The chapter's exercises with their solutions for these flags (closed forms of LangevinTheory,
    /// the expected values of the chapter's check lines).
    func gradedExercises() throws -> [Exercise] {
        let kappaList = try Validate.numberList(kappas, flag: "kappas")
        let frictionList = try Validate.numberList(frictions, flag: "frictions")
        let deltaList = try Validate.numberList(deltas, flag: "deltas")
        let delta0 = deltaList.count > 1 ? deltaList[1] : deltaList[0]
        return [
            Exercise("1.1", "Discretisation bias by hand",
                     task: "Run the 1-D chain at several steps approaching the bound 2τ² (--step 0.5, 1, 1.5, 1.9) and compare the measured variance with τ²/(1 − h/(2τ²)) and the measured IAT of x with (1+ρ)/(1−ρ), ρ = 1 − h/τ².",
                     command: "swift run -c release chapter1-langevin --step 1.9 --tau 1",
                     question: "What stationary variance Var_∞ of x does this 1-D chain have (τ = --tau, h = --step)?",
                     solution: .number(LangevinTheory.overdampedStationaryVariance(precision: 1 / (tau * tau), step: step) ?? .nan, relative: 0.005, hint: "the chain is AR(1), x' = ρx + √(2h)ε with ρ = 1 − h/τ²; its stationary variance V solves V = ρ²V + 2h."),
                     observe: "the histogram widens (Var_∞ = 1/(1 − 0.95) = 20 at h = 1.9) while the IAT of x, (1+ρ)/(1−ρ), falls monotonically in h — below 1 once h > τ² (ρ < 0: successive states are anti-correlated), 0.053 at h = 1.9. The IAT of x² in the step table, (1+ρ²)/(1−ρ²), is what first falls then grows again as |ρ| → 1: near the bound the mean is estimated well but the variance badly.",
                     check: "the T1.1 check lines (variance, bias, IAT of x) stay green at every step; at --step 2 the program refuses the input and names the bound (exit 2)."),
            Exercise("1.2", "Conditioning and the step size",
                     task: "Halve the step fraction hλ_max and predict how the IAT along the weak direction changes for every κ.",
                     command: "swift run -c release chapter1-langevin --step-fraction 0.25 --kappas 1,8,64",
                     question: "What is the exact integrated autocorrelation time of the weak coordinate for each κ of --kappas, in their order (h = --step-fraction/λ_max, λ_max = 1)?",
                     solution: .list(kappaList.map { LangevinTheory.ar1IntegratedAutocorrelationTime(rho: LangevinTheory.overdampedAR1Coefficient(precision: 1 / $0, step: stepFraction)) }, relative: 0.005, hint: "the weak direction has precision λ_min = λ_max/κ, so ρ = 1 − hλ_min, and an AR(1) series has IAT (1+ρ)/(1−ρ)."),
                     observe: "the IAT roughly doubles: the weak direction only moves by hλ_min per step.",
                     check: "each measured IAT matches (1+ρ)/(1−ρ), ρ = 1 − hλ_min, within 4 s.e."),
            Exercise("1.3", "How much noise un-traps the chain",
                     task: "Lower σ until the smoothed mixture stops switching modes within the run; compare with the barrier Δ²/(8(τ² + σ²)) (2.5 at the default σ = 2, 6.25 at σ = 1).",
                     command: "swift run -c release chapter1-langevin --sigma 1 --separation 10",
                     question: "What is the barrier Δ²/(8(τ² + σ²)) of the smoothed mixture (τ = 1, Δ = --separation, σ = --sigma), the log of T1.3's growth factor of the switch time?",
                     solution: .number(log(LangevinTheory.switchTimeGrowth(separation: separation, variance: 1 + sigma * sigma)), relative: 0.005, hint: "smoothing with N(0, σ²) adds σ² to each component's variance (T1.4); use the variance τ² + σ², not τ²."),
                     observe: "the switch count of the smoothed chain falls roughly like exp(−Δ²/(8(τ²+σ²))): 148 switches at σ = 2 (barrier 2.5), 16 at σ = 1 (barrier 6.25) in the default \(fmt(trapSteps)) steps.",
                     check: "the check 'smoothed: the chain on p * N(0, σ²) switches often (≥ 50 times)' fails: the barrier is now too high for this run length. The time-in-the-right-mode check still passes, with a wide standard error (few switches); every other check passes.",
                     expectsFailedChecks: true),
            Exercise("1.4", "Friction only acts through γδ",
                     task: "The O step keeps e^{−γδ} of the velocity, so the discrete chain depends on (δ, γδ) and sees γ only through γδ. Hold γδ = 1 fixed while δ — and with it γ = γδ/δ — changes in the δ scan, and scan γδ at δ = 0.25 (the second --deltas entry, γ = 4γδ) in the friction table.",
                     command: "swift run -c release chapter1-langevin --deltas 1,0.25,0.125 --effective-friction 1 --frictions 0.25,1,4",
                     question: "What is the exact IAT of y in each row of the friction table (δ = the second --deltas entry, γδ = each --frictions value, on the stiff coordinate λ = 2), in the order of --frictions?",
                     solution: .list(frictionList.map { LangevinTheory.abobaPositionIAT(precision: 2, step: delta0, effectiveFriction: $0) ?? .nan }, relative: 0.005, hint: "the table's chains all run at δ = the second --deltas value; the one-step map of A-B-O-B-A sees the friction only through γδ, and its stationary covariance gives the IAT (LangevinTheory.abobaPositionIAT)."),
                     observe: "the δ-scan row δ = 0.25 (γδ = 1, γ = 4) and the friction-table row γδ = 1 are the same chain: exact IAT of y 14.79 in both, measured 14.9 and 15.1 on independent streams; the friction-table row γδ = 0.25 has γ = 1, the γ of the δ-scan row δ = 1, yet its exact IAT is 3.98 against 0.92 there: the same γ is a different chain at another δ. Var(y) = 1/λ in every row: the stationary position law depends on neither δ nor γ.",
                     check: "every Var(y) = 1/λ and IAT-of-y check passes, in both tables."),
            Exercise("1.5", "Which integrator is exact where",
                     task: "Run §6 for the underdamped integrators only and compare the exact discretised λ·Var y on the Gaussian (λ = 2, δ = 0.5, γδ = 0.6) across them; then compare the mixture bias tables: which integrator's Gaussian exactness survives on a non-Gaussian target?",
                     command: "swift run -c release chapter1-langevin --integrator baoab,cheng,midpoint",
                     question: "What is the exact discretised stationary Var y of Cheng et al.'s scheme on N(0, 1/2) at δ = 0.5, γδ = 0.6 (u = 1)?",
                     solution: .number(IntegratorTheory.stationaryCovariance([(1, IntegratorTheory.cheng(precision: 2, step: 0.5, effectiveFriction: 0.6))])?.yy ?? .nan, relative: 0.005, hint: "on a Gaussian the step is z' = M z + ξ with M = [[1 − uλψ, φ], [−uλφ, e]] from the exact OU solution; solve the 2×2 Lyapunov equation S = M S Mᵀ + Q (T1.8)."),
                     observe: "B-A-O-A-B and A-B-O-B-A have λ·Var y = 1 exactly, the randomized midpoint 1.02 and Cheng's scheme 1.67 (its bias is first order in δ); on the mixture B-A-O-A-B's bias stays within a few s.e. of 0 while Cheng's and overdamped's are the largest.",
                     check: "every T1.8 check passes for the three integrators; only their rows appear in the two tables."),
            Exercise("1.6", "How spherical does noise make the digits",
                     task: "Read m = E‖x − x̄‖² and its relative spread √V/m for the clean images in §7, predict the relative spread of the squared radius ‖y − ȳ‖² at σ = 0.5 with T1.9, then rerun with --sphere-sigmas 0,0.5 and compare; try --image-data fashion-mnist.",
                     command: "swift run -c release chapter1-langevin --sphere-sigmas 0,0.5",
                     question: "What relative spread sd/mean of ‖y − ȳ‖² does T1.9 predict at σ = 0.5 for the §7 images (--image-data, --sphere-images)?",
                     solution: .number(sphereSolution(sigma: 0.5), relative: 0.005, hint: "E‖y − μ‖² = m + σ²d and Var‖y − μ‖² = V + 4σ²m + 2σ⁴d with d = 784: the cross term 2σ⟨x − μ, ε⟩ has variance 4σ²m; noise alone would give √(2/d) = 0.0505."),
                     observe: "on mnist5k the clean set's 0.275 falls to 0.076 at σ = 0.5, already close to the noise's own √(2/d) = 0.0505, which it reaches by σ = 2: the data's own spread of radii is drowned by σ²d.",
                     check: "the T1.9 check at σ = 0.5 passes, and the spread falls at every step of σ."),
        
        ]
    }

    /// T1.9 at σ for the §7 images; NaN (graded as wrong, with the hint) when the data set is not installed.
    func sphereSolution(sigma: Double) -> Double {
        guard let set = try? DatasetCatalog.load(name: imageData, dataDirectory: dataDir) else { return .nan }
        let (_, m, v) = Chapter.cleanRadii(set, images: min(set.count, sphereImages))
        return LangevinTheory.noisyRadiusRelativeSpread(cleanMeanSquare: m, cleanVariance: v, sigma: sigma, dimension: set.channels * set.height * set.width)
    }
}
