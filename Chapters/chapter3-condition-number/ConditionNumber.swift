import Foundation
import Figures
import Notebook
import NumericCore
import Theory

extension Chapter {
    /// Largest Md for which the κ sweep uses the dense Md×Md F; above it, the d LAPACK calls on the
    /// M×M blocks (shown equal to brute force in the previous section) keep the sweep fast.
    static let denseSweepLimit = 1024

    /// κ measured with LAPACK, and how ("dense" or "blocks").
    func measuredConditionNumber(_ m: GaussianMDensity) throws -> (kappa: Double, method: String) {
        if m.size <= Self.denseSweepLimit { return (GaussianMDensity.conditionNumber(of: try m.denseEigenvalues()), "dense") }
        return (GaussianMDensity.conditionNumber(of: try m.blockEigenvalues()), "blocks")
    }

    /// T3.4: κ for M = 1 and M ≥ 2, κ linear in M at fixed σ, κ constant along a class σ = σ_eff √M.
    func conditionNumber() throws {
        let s = setup, lmax = s.lambdaMax, lmin = s.lambdaMin
        notebook.section("The condition number (T3.4)")
        denseNote()
        notebook.prose("""
            For M ≥ 2 the largest eigenvalue is the shared noise eigenvalue 1/σ² and the smallest is \
            1/(σ² + Mλ_max). With one measurement there is no noise eigenvalue and F = (Λ + σ²I)⁻¹.
            """)
        notebook.equation("M = 1:  κ = (σ² + λ_max) / (σ² + λ_min)",
                          "M ≥ 2:  κ = 1 + M λ_max / σ²",
                          "class σ = σ_eff √M (M ≥ 2):  κ = 1 + λ_max / σ_eff²")
        let kappa = model.closedFormConditionNumber()
        let n = model.size
        notebook.check("T3.4 for M = \(s.M): κ from LAPACK's spectrum of the \(n)×\(n) F",
                       expected: kappa, measured: GaussianMDensity.conditionNumber(of: denseSpectrum),
                       tolerance: .relative(tolerance(kappa: kappa, n: n)))
        let single = GaussianMDensity(spectrum: s.lambdas, measurements: 1, sigma: s.sigma)
        let singleKappa = single.closedFormConditionNumber()
        notebook.check("T3.4 for M = 1: κ = (σ² + λ_max)/(σ² + λ_min) from LAPACK's spectrum of the \(s.d)×\(s.d) F",
                       expected: singleKappa, measured: GaussianMDensity.conditionNumber(of: try single.denseEigenvalues()),
                       tolerance: .relative(tolerance(kappa: singleKappa, n: s.d)))

        // The sweep: fixed σ, and along the class σ = σ_eff √M.
        var rows = [[String]](), fixed = [(m: Int, theory: Double, measured: Double)](), along = fixed
        for m in s.sweepMs {
            let sigmaClass = s.sigmaEff * Double(m).squareRoot()
            let a = GaussianMDensity(spectrum: s.lambdas, measurements: m, sigma: s.sigma)
            let b = GaussianMDensity(spectrum: s.lambdas, measurements: m, sigma: sigmaClass)
            let (ka, method) = try measuredConditionNumber(a)
            let (kb, _) = try measuredConditionNumber(b)
            fixed.append((m, a.closedFormConditionNumber(), ka))
            along.append((m, b.closedFormConditionNumber(), kb))
            rows.append([String(m), fmt(fixed.last!.theory), fmt(ka), fmt(-1 / log1p(-1 / ka), digits: 4),
                         fmt(sigmaClass, digits: 4), fmt(along.last!.theory), fmt(kb), method])
        }
        notebook.prose("""
            The sweep over M, at fixed σ = \(fmt(s.sigma)) and along the class σ_eff = \(fmt(s.sigmaEff)). LAPACK \
            works on the dense F while Md ≤ \(Self.denseSweepLimit), on the d blocks beyond. The Langevin column is \
            the e-folding time of the slowest mode at step h = 1/λ_max(F): about κ steps.
            """)
        notebook.table(["M", "κ T3.4 (σ fixed)", "κ LAPACK", "Langevin steps", "σ = σ_eff√M", "κ T3.4 (class)", "κ LAPACK", "LAPACK on"], rows)
        let worst = { (list: [(m: Int, theory: Double, measured: Double)]) in
            list.map { Stats.relativeError($0.measured, $0.theory) }.max() ?? 0
        }
        let sweepTolerance = tolerance(kappa: fixed.map(\.theory).max()!, n: min(s.d * s.maxM, Self.denseSweepLimit))
        notebook.check("T3.4 at fixed σ, all \(fixed.count) values of M: LAPACK κ vs closed form (max rel. error)",
                       measured: worst(fixed), atMost: sweepTolerance)
        notebook.check("T3.4 along the class σ = σ_eff √M, all \(along.count) values of M (max rel. error)",
                       measured: worst(along), atMost: tolerance(kappa: along.map(\.theory).max()!, n: Self.denseSweepLimit))

        let multi = fixed.filter { $0.m >= 2 }
        if multi.count >= 2 {
            // Least-squares line κ = a + b M through the LAPACK values with M ≥ 2.
            let xs = multi.map { Double($0.m) }, ys = multi.map(\.measured)
            let (slope, intercept) = Stats.linearFit(x: xs, y: ys), mx = Stats.mean(xs)
            let residual = zip(xs, ys).map { abs(intercept + slope * $0.0 - $0.1) / $0.1 }.max()!
            notebook.check("κ is linear in M at fixed σ: least-squares slope of LAPACK κ over M ≥ 2 = λ_max/σ²",
                           expected: lmax / (s.sigma * s.sigma), measured: slope, tolerance: .relative(sweepTolerance))
            notebook.check("… and its intercept = 1", expected: 1, measured: intercept, tolerance: .absolute(sweepTolerance * max(1, slope * mx)))
            notebook.check("… and no point leaves the line (max rel. residual)", measured: residual, atMost: sweepTolerance)
        }
        let members = along.filter { $0.m >= 2 }
        let classKappa = GaussianMDensity.classConditionNumber(lambdaMax: lmax, sigmaEff: s.sigmaEff)
        if members.count >= 2 {
            let values = members.map(\.measured)
            let spread = (values.max()! - values.min()!) / values.min()!
            notebook.check("κ is the same for every class member with M ≥ 2: relative spread (max − min)/min of LAPACK κ over \(members.count) members",
                           measured: spread, atMost: sweepTolerance)
            notebook.check("… and equals 1 + λ_max/σ_eff² (worst member)", expected: classKappa,
                           measured: values.max { abs($0 - classKappa) < abs($1 - classKappa) }!, tolerance: .relative(sweepTolerance))
        } else {
            notebook.prose("(Raise --max-measurements to 3 or more to check that κ is linear in M and constant along a class.)")
        }
        let singleMember = GaussianMDensity.conditionNumber(lambdaMax: lmax, lambdaMin: lmin, measurements: 1, sigma: s.sigmaEff)
        notebook.prose("""
            The single-measurement member (1, σ_eff) is the exception: κ = (σ_eff² + λ_max)/(σ_eff² + λ_min) = \
            \(fmt(singleMember)) instead of \(fmt(classKappa)), because with one measurement there is no \
            noise direction. Every member of a class is trained by the same denoiser (chapter 4), yet sampling \
            costs differ: at fixed σ, κ — and so the number of Langevin steps — grows linearly with M, while along \
            a class it stays put. The price of more measurements is paid in σ = σ_eff √M.
            """)

        let grid = (1...s.maxM).map(Double.init)
        let theoryFixed = grid.map { GaussianMDensity.conditionNumber(lambdaMax: lmax, lambdaMin: lmin, measurements: Int($0), sigma: s.sigma) }
        let theoryClass = grid.map { GaussianMDensity.conditionNumber(lambdaMax: lmax, lambdaMin: lmin, measurements: Int($0), sigma: s.sigmaEff * $0.squareRoot()) }
        var plot = Plot(title: "Condition number of F against the number of measurements M",
                        xLabel: "M (number of measurements)", yLabel: "κ(F) = λ_max / λ_min", xScale: .log, yScale: .log)
        let allKappa = theoryFixed + theoryClass
        plot.yRange = (allKappa.min()! / 1.3)...(allKappa.max()! * 4)  // headroom above the data for the legend
        plot.add(Series("T3.4, σ = \(fmt(s.sigma)) fixed", x: grid, y: theoryFixed, style: .line, color: Color.cycle[0]))
        plot.add(Series("LAPACK, σ fixed", x: fixed.map { Double($0.m) }, y: fixed.map(\.measured), style: .points, color: Color.cycle[0]))
        plot.add(Series("T3.4, class σ = \(fmt(s.sigmaEff))·√M", x: grid, y: theoryClass, style: .dashed, color: Color.cycle[3]))
        plot.add(Series("LAPACK, class", x: along.map { Double($0.m) }, y: along.map(\.measured), style: .points, color: Color.cycle[3]))
        notebook.figure("kappa-vs-M.png", caption: """
            κ(F) against M (log–log), d = \(s.d), λ_max = \(fmt(lmax)): at fixed σ = \(fmt(s.sigma)) κ = 1 + Mλ_max/σ² grows \
            linearly; along the class σ = σ_eff√M (σ_eff = \(fmt(s.sigmaEff))) it is flat at 1 + λ_max/σ_eff² for M ≥ 2. \
            Lines: T3.4; points: LAPACK.
            """, plot: plot)
    }
}
