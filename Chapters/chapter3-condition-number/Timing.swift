import Foundation
import Figures
import Notebook
import NumericCore
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
        let s = setup
        notebook.exercises([
            Exercise("κ grows linearly with M at fixed σ",
                     task: "Sweep M further and change the data spectrum; predict κ at M = 128 before running.",
                     command: "swift run -c release chapter3-condition-number --max-measurements 128 --spectrum linear",
                     observe: "the fixed-σ points in kappa-vs-M.png stay on 1 + Mλ_max/σ², whatever λ_min and the shape of the spectrum; only λ_max enters for M ≥ 2.",
                     check: "κ(128) = 1 + 128·λ_max/σ² (= \(fmt(1 + 128 * s.lambdaMax / (s.sigma * s.sigma))) at the defaults); the slope check line reports λ_max/σ²."),
            Exercise("A universality class keeps κ fixed",
                     task: "Change σ_eff and compare the flat class line with the single-measurement member.",
                     command: "swift run -c release chapter3-condition-number --sigma-eff 0.1",
                     observe: "for M ≥ 2 every member has κ = 1 + λ_max/σ_eff²; M = 1 sits lower at (σ_eff² + λ_max)/(σ_eff² + λ_min).",
                     check: "compute both formulas by hand and compare with the class columns of the κ table."),
            Exercise("Deflation in the secular equation",
                     task: "Repeat one noise level several times; then try nearly equal levels with --noise-levels 0.3,0.3000001,1.",
                     command: "swift run -c release chapter3-condition-number --noise-levels 0.3,0.3,0.3,1",
                     observe: "1/0.3² appears as an eigenvalue with multiplicity 2d; with nearly equal levels a root is squeezed between two almost equal poles.",
                     check: "the deflation check line counts the multiplicity, and the secular roots still match LAPACK to the stated tolerance."),
            Exercise("What the block structure buys",
                     task: "Time larger problems and estimate the exponents of the three routes.",
                     command: "swift run -c release chapter3-condition-number --timing-sizes 100,200,400,800 --measurements 2",
                     observe: "brute force grows by about 8× per doubling of d, the block route by about 2×; the speed-up grows like d².",
                     check: "fit log time against log Md from the table; at --dim 1000 --measurements 4 the dense check still agrees with T3.3."),
            Exercise("κ at image sizes",
                     task: "Use the Fashion-MNIST covariance for d = 784 instead of MNIST's, and a larger σ_eff; predict κ along the class before running.",
                     command: "swift run -c release chapter3-condition-number --image-data fashion-mnist --sigma-eff 0.5",
                     observe: "kappa-image-sizes.png: along the class the points stay flat at 1 + λ_max/σ_eff² for M ≥ 2 at both d, and at fixed σ they rise linearly; d itself never enters, only λ_max (and λ_min at M = 1).",
                     check: "the T3.4 check lines of the section: κ = 1 + λ_max/σ_eff² with λ_max from the section's table; then try --dim 1000000 to see the structured routes alone on 4 000 000 eigenvalues (T3.6)."),
        ])
    }
}
