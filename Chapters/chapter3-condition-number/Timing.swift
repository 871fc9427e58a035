import Foundation
import Figures
import Notebook
import NumericCore
import Samplers
import Theory

extension Chapter {
    /// Brute force O((Md)³) vs blocks O(dM³) vs closed form O(d): measured, tabulated, plotted.
    /// Timings are reported, never asserted beyond "structured is faster" at a size where the gap is
    /// orders of magnitude, so a busy machine cannot make the chapter fail.
    func timing() throws {
        let s = setup, M = s.M
        let kappaX = s.lambdaMax / s.lambdaMin
        notebook.section("What the structure buys: timing")
        notebook.prose("""
            Three routes to the same spectrum: the dense eigendecomposition of F (LAPACK dsyevd, O((Md)³) \
            flops, O((Md)²) memory), d independent M×M problems (O(dM³)), and the closed form T3.3 (the d + 1 \
            distinct eigenvalues and their multiplicities, O(d)). Each size below uses M = \(M), σ = \(fmt(s.sigma)) \
            and a geometric spectrum with the chapter's κ(Λ) = \(fmt(kappaX)); times are wall-clock medians \
            (one run for brute force above 0.2 s) on this machine with \(blasThreads) OpenBLAS thread(s).
            """)
        var rows = [[String]](), sizes = [Double](), brute = [Double](), block = [Double](), closed = [Double]()
        var worstBlock = 0.0, worstClosed = 0.0, worstTolerance = 0.0
        for d in s.timingDims {
            let lambdas = (0..<d).map { d == 1 ? 1 : pow(kappaX, -Double($0) / Double(d - 1)) }
            let m = GaussianMDensity(spectrum: lambdas, measurements: M, sigma: s.sigma)
            var dense = [Double]()
            let once = Stopwatch()
            dense = try m.denseEigenvalues()
            var tBrute = once.seconds
            if tBrute < 0.2 { tBrute = try Stopwatch.median(repeats: 3) { dense = try m.denseEigenvalues() } }
            var blocks = [Double]()
            let tBlock = try Stopwatch.median(repeats: 5) { blocks = try m.blockEigenvalues() }
            var distinct = [GaussianMDensity.Eigenvalue]()
            let tClosed = Stopwatch.median(repeats: 5) {
                distinct = GaussianMDensity.closedFormEigenvalues(spectrum: lambdas, measurements: M, sigma: s.sigma)
            }
            let expanded = distinct.flatMap { Array(repeating: $0.value, count: $0.multiplicity) }
            worstBlock = max(worstBlock, Stats.maxRelativeError(blocks, dense))
            worstClosed = max(worstClosed, Stats.maxRelativeError(expanded, dense))
            worstTolerance = max(worstTolerance, tolerance(kappa: m.closedFormConditionNumber(), n: m.size))
            sizes.append(Double(m.size)); brute.append(tBrute); block.append(tBlock); closed.append(tClosed)
            rows.append([String(d), String(m.size), fmtTiming(tBrute), fmtTiming(tBlock), fmtTiming(tClosed),
                         fmtTiming(tBrute / tBlock, unit: "×"), fmtTiming(tBrute / tClosed, unit: "×")])
        }
        notebook.table(["d", "Md", "brute force (s)", "blocks (s)", "closed form (s)", "speed-up blocks", "speed-up closed form"], rows)
        notebook.check("all timing sizes: block-structured spectrum = brute force (max rel. error)", measured: worstBlock, atMost: worstTolerance)
        notebook.check("all timing sizes: closed form T3.3 = brute force (max rel. error)", measured: worstClosed, atMost: worstTolerance)
        if let last = sizes.indices.last {
            notebook.prose("""
                Measured at the largest size (Md = \(Int(sizes[last]))): the blocks are \(fmtTiming(brute[last] / block[last], unit: "×")) \
                and the closed form \(fmtTiming(brute[last] / closed[last], unit: "×")) faster than brute force.
                """ + (sizes.count >= 2 ? " Between the two largest sizes brute-force time grew like (Md)^\(fmtTiming(log(brute[last] / brute[last - 1]) / log(sizes[last] / sizes[last - 1]), digits: 3)) (asymptotically 3; smaller sizes are dominated by overheads)." : ""))
            // At Md ≥ 400 the flop counts differ by a factor d² ≥ 10⁴, far beyond any timing noise.
            if sizes[last] >= 400 {
                notebook.check("block-structured is faster than brute force at Md = \(Int(sizes[last])) (time ratio brute/blocks)",
                               measured: brute[last] / block[last], atLeast: 1, timing: true)
            }
        }
        var plot = Plot(title: "Cost of the spectrum of F (M = \(M))", xLabel: "Md (side of F)", yLabel: "wall time (s)", xScale: .log, yScale: .log)
        let times = (brute + block + closed).filter { $0 > 0 }
        if let lo = times.min(), let hi = times.max() { plot.yRange = (lo / 2)...(hi * 1000) }  // headroom for the legend
        plot.add(Series("brute force dsyevd, O((Md)³)", x: sizes, y: brute, style: .linePoints, color: Color.cycle[0]))
        plot.add(Series("d blocks M×M, O(dM³)", x: sizes, y: block, style: .linePoints, color: Color.cycle[2]))
        plot.add(Series("closed form T3.3, O(d)", x: sizes, y: closed, style: .linePoints, color: Color.cycle[3]))
        if let lastN = sizes.last, let lastT = brute.last {
            plot.add(Series("slope 3 (guide)", x: sizes, y: sizes.map { lastT * pow($0 / lastN, 3) }, style: .dashed, color: Color.gray))
        }
        notebook.figure("timing.png", caption: """
            Wall time to the full spectrum of F against its side Md (log–log, M = \(M)): brute force grows like (Md)³, \
            the block-structured and closed-form routes linearly in d.
            """, plot: plot)
    }

    func assignExercises() {
        notebook.exercises(Self.exerciseList(full))
    }

    /// The chapter's exercises with their solutions for these inputs (the closed forms T3.3–T3.5 its
    /// check lines compare LAPACK with).
    static func exerciseList(_ s: ChapterSetup) -> [Exercise] {
        // Which data property κ along the class responds to: perturb each in T3.4's closed form.
        let kappa = { (lmax: Double, lmin: Double) in
            GaussianMDensity.conditionNumber(lambdaMax: lmax, lambdaMin: lmin, measurements: 4, sigma: s.sigmaEff * 2) }
        let base = kappa(s.lambdaMax, s.lambdaMin)
        let classDependsOn = kappa(s.lambdaMax * 2, s.lambdaMin) != base ? "lambda-max" : kappa(s.lambdaMax, s.lambdaMin / 2) != base ? "lambda-min" : "d"
        return [
            Exercise("3.1", "κ grows linearly with M at fixed σ",
                     task: "Sweep M further and change the data spectrum; predict κ at M = 128 before running.",
                     command: "swift run -c release chapter3-condition-number --max-measurements 128 --spectrum linear",
                     question: "What is κ(F) of the (M, σ) model at M = --max-measurements (the last point of the fixed-σ sweep), at σ = --sigma?",
                     solution: .number(GaussianMDensity.conditionNumber(lambdaMax: s.lambdaMax, lambdaMin: s.lambdaMin, measurements: s.maxM, sigma: s.sigma), relative: 1e-3, hint: "for M ≥ 2 the largest eigenvalue of F is the shared 1/σ² and the smallest 1/(σ² + Mλ_max) (T3.3); λ_max is the largest data variance of --spectrum."),
                     observe: "the fixed-σ points in kappa-vs-M.png stay on 1 + Mλ_max/σ², whatever λ_min and the shape of the spectrum; only λ_max enters for M ≥ 2.",
                     check: "κ(128) = 1 + 128·λ_max/σ² (= \(fmt(1 + 128 * s.lambdaMax / (s.sigma * s.sigma))) at the defaults); the slope check line reports λ_max/σ²."),
            Exercise("3.2", "A universality class keeps κ fixed",
                     task: "Change σ_eff and compare the flat class line with the single-measurement member.",
                     command: "swift run -c release chapter3-condition-number --sigma-eff 0.1",
                     question: "What are κ(F) of the single-measurement member (M = 1) and of every member M ≥ 2 of the class σ = σ_eff√M, in that order?",
                     solution: .list([GaussianMDensity.conditionNumber(lambdaMax: s.lambdaMax, lambdaMin: s.lambdaMin, measurements: 1, sigma: s.sigmaEff), GaussianMDensity.classConditionNumber(lambdaMax: s.lambdaMax, sigmaEff: s.sigmaEff)], relative: 1e-3, hint: "M = 1: F = (Λ + σ_eff²)⁻¹, so both λ_max and λ_min enter; M ≥ 2: put σ² = Mσ_eff² into 1 + Mλ_max/σ² (T3.4)."),
                     observe: "for M ≥ 2 every member has κ = 1 + λ_max/σ_eff²; M = 1 sits lower at (σ_eff² + λ_max)/(σ_eff² + λ_min).",
                     check: "compute both formulas by hand and compare with the class columns of the κ table."),
            Exercise("3.3", "Deflation in the secular equation",
                     task: "Repeat one noise level several times; then try nearly equal levels with --noise-levels 0.3,0.3000001,1.",
                     command: "swift run -c release chapter3-condition-number --noise-levels 0.3,0.3,0.3,1",
                     question: "How many eigenvalues of F (d = --dim) equal 1/σ_1², where σ_1 is the first of --noise-levels?",
                     solution: .number(Double((s.sigmas.filter { $0 == s.sigmas[0] }.count - 1) * s.d), absolute: 0.5, hint: "a level repeated k times deflates the secular equation: each of the d blocks keeps 1/σ² as an eigenvalue k − 1 times (T3.5)."),
                     observe: "1/0.3² appears as an eigenvalue with multiplicity 2d; with nearly equal levels a root is squeezed between two almost equal poles.",
                     check: "the deflation check line counts the multiplicity, and the secular roots still match LAPACK to the stated tolerance."),
            Exercise("3.4", "What the block structure buys",
                     task: "Time larger problems and estimate the exponents of the three routes.",
                     command: "swift run -c release chapter3-condition-number --timing-sizes 100,200,400,800 --measurements 2",
                     question: "By what factor should the brute-force time grow from the smallest to the largest of --timing-sizes, if dsyevd costs O((Md)³)?",
                     solution: .number(pow(Double(s.timingDims.max()!) / Double(s.timingDims.min()!), 3), relative: 1e-3, hint: "M is the same for every size, so only the ratio of the largest d to the smallest matters, raised to the cost's exponent."),
                     observe: "brute force grows by about 8× per doubling of d, the block route by about 2×; the speed-up grows like d².",
                     check: "fit log time against log Md from the table; at --dim 1000 --measurements 4 the dense check still agrees with T3.3."),
            Exercise("3.5", "κ at image sizes",
                     task: "Use the Fashion-MNIST covariance for d = 784 instead of MNIST's, and a larger σ_eff; predict κ along the class before running.",
                     command: "swift run -c release chapter3-condition-number --image-data fashion-mnist --sigma-eff 0.5",
                     question: "Along the class σ = σ_eff√M (M ≥ 2), κ(F) depends on which property of the data: its largest variance λ_max, its smallest λ_min, or its dimension d?",
                     solution: .choice(classDependsOn, of: ["lambda-max", "lambda-min", "d"], hint: "write κ = λ_max(F)/λ_min(F) with T3.3's eigenvalues at σ² = Mσ_eff², and see which data variances survive."),
                     observe: "kappa-image-sizes.png: along the class the points stay flat at 1 + λ_max/σ_eff² for M ≥ 2 at both d, and at fixed σ they rise linearly; d itself never enters, only λ_max (and λ_min at M = 1).",
                     check: "the T3.4 check lines of the section: κ = 1 + λ_max/σ_eff² with λ_max from the section's table; then try --dim 1000000 to see the structured routes alone on 4 000 000 eigenvalues (T3.6)."),
            Exercise("3.6", "κ counts Langevin steps",
                     task: "Predict the slow-mode IAT of a class member at σ_eff = 0.35 before running, then compare with the measured-mixing table of that run.",
                     command: "swift run -c release chapter3-condition-number --sigma-eff 0.35",
                     question: "At δ = σ/2 (c = δ√λ_max(F) = 1/2), γδ = 1 and u = 1, what is the integrated autocorrelation time (in steps) of the slow mode √M ȳ_i (λ_i = λ_max) of A-B-O-B-A on a member M ≥ 2 of the class σ = σ_eff√M, at σ_eff = --sigma-eff?",
                     solution: .number(SlowModeMixing.predictedIAT(conditionNumber: GaussianMDensity.classConditionNumber(lambdaMax: s.lambdaMax, sigmaEff: s.sigmaEff),
                                                                   stepRatio: Chapter.MixingRun.stepRatio, effectiveFriction: Chapter.MixingRun.effectiveFriction),
                                       relative: 1e-3, hint: "the slow mode is a 1-D A-B-O-B-A chain of precision λ_min(F) = λ_max(F)/κ; its IAT is 4 tanh(γδ/2)/(uδ²λ) (T3.7), and δ²λ_max(F) = c²."),
                     observe: "mixing-vs-kappa.png: the class points sit on one κ and one IAT for every M; the fixed-σ points climb the slope-1 line.",
                     check: "the T3.7 check lines of the measured-mixing section: measured IAT within 4 s.e. of 4 tanh(1/2)·κ/(1/2)² ≈ 7.40 κ."),
        ]
    }
}

// MARK: - Graded exercises (`chapter3-condition-number exercise …`, Sources/Notebook/Grading.swift)

extension ConditionNumberChapter: GradedChapter {
    static var chapterNumber: Int { 3 }
    func gradedExercises() throws -> [Exercise] { Chapter.exerciseList(try ChapterSetup(self)) }
}
