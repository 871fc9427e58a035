import Foundation
import Figures
import Notebook
import NumericCore
import Theory

extension Chapter {
    /// T3.5: unequal noise levels — Woodbury blocks, the secular equation, deflation, and LAPACK.
    func unequalNoise() throws {
        let s = setup, d = s.d
        let unequal = GaussianMDensity(spectrum: s.lambdas, sigmas: s.sigmas)
        let Mu = unequal.measurements, n = unequal.size
        notebook.section("Unequal noise levels (T3.5)")
        denseNote()
        notebook.prose("""
            With noise levels σ_1, …, σ_M = \(s.sigmas.map { fmt($0) }.joined(separator: ", ")) the \
            measurements are no longer exchangeable and T3.2–T3.4 no longer apply, but the block structure \
            survives: per coordinate the M×M block of C is λ_i 1 1ᵀ + D, D = diag(σ_m²), and Woodbury inverts it. \
            F_i is a diagonal matrix minus a rank-one matrix, so its eigenvalues μ solve a secular equation whose \
            poles are the noise precisions 1/σ_m².
            """)
        notebook.equation("F_i = D⁻¹ − D⁻¹ 1 1ᵀ D⁻¹ / (1/λ_i + Σ_m σ_m⁻²)  =  diag(δ) − ρ_i δ δᵀ,   δ_m = 1/σ_m²",
                          "f_i(μ) = 1 − ρ_i Σ_m δ_m² / (δ_m − μ) = 0,   ρ_i = 1 / (1/λ_i + Σ_m δ_m)",
                          "μ_1 < δ_(1) ≤ μ_2 ≤ δ_(2) ≤ … ≤ μ_M ≤ δ_(M)   (interlacing; δ sorted)")
        notebook.prose("""
            f_i decreases from +∞ to −∞ between consecutive poles, so each gap holds exactly one root (the \
            lowest root lies in (δ_(1) − ρ_i‖δ‖², δ_(1))). The solver brackets each root between its poles and \
            runs Newton's method, falling back to bisection whenever a step leaves the bracket or stalls; it works \
            in τ = μ − (nearer pole) so that δ_m − μ is computed without cancellation. A noise level repeated r \
            times deflates: 1/σ² is then an exact eigenvalue of multiplicity r − 1 per coordinate, and the \
            group acts as a single pole.
            """)

        let inverse = try unequal.precisionByInversion()
        let f = unequal.precision()
        let largest = inverse.storage.map(abs).max()!
        let secular = unequal.secularEigenvalues()
        let kappa = GaussianMDensity.conditionNumber(of: secular)
        let tol = tolerance(kappa: kappa, n: n)
        notebook.check("T3.5 Woodbury blocks = LAPACK C⁻¹ (\(n)×\(n); max abs. difference relative to max |F|)",
                       measured: Stats.maxAbsoluteError(f.storage, inverse.storage) / largest, atMost: tol)
        notebook.check("T3.5: F·C = I (max abs. entry of F·C − I)",
                       measured: Stats.maxAbsoluteError(matmul(f, unequal.covariance()).storage, Matrix<Double>.identity(n).storage), atMost: tol)
        var watch = Stopwatch()
        let dense = try symmetricEigen(f).values
        let denseSeconds = watch.seconds
        watch.restart()
        let blocks = try unequal.blockEigenvalues()
        let blockSeconds = watch.seconds
        notebook.check("T3.5: LAPACK eigenvalues of the dense F (\(fmtTiming(denseSeconds, digits: 2)) s) = secular-equation roots (max rel. error, κ = \(fmt(kappa, digits: 4)))",
                       measured: Stats.maxRelativeError(dense, secular), atMost: tol)
        notebook.check("block-structured LAPACK (\(fmtTiming(blockSeconds, digits: 2)) s) = secular-equation roots (max rel. error)",
                       measured: Stats.maxRelativeError(blocks, secular), atMost: tol)
        var interlacing = 0
        for i in 0..<d {
            let (delta, rho) = unequal.rankOneForm(coordinate: i)
            let values = try symmetricEigen(unequal.precisionBlock(coordinate: i)).values
            if SecularEquation.interlace(eigenvalues: values, diagonal: delta, rho: -rho, tolerance: tol) { interlacing += 1 }
        }
        notebook.check("LAPACK's eigenvalues of every block F_i interlace with the poles 1/σ_m² (blocks that do)",
                       expected: Double(d), measured: Double(interlacing), tolerance: .absolute(0))

        let groups = Dictionary(grouping: s.sigmas, by: { $0 }).filter { $0.value.count > 1 }
        for (level, members) in groups.sorted(by: { $0.key < $1.key }) {
            let pole = 1 / (level * level), expected = (members.count - 1) * d
            let hits = dense.filter { Stats.relativeError($0, pole) <= tol }.count
            let secularHits = secular.filter { Stats.relativeError($0, pole) <= tol }.count
            notebook.check("deflation: σ = \(fmt(level)) repeated \(members.count)× gives LAPACK eigenvalue 1/σ² = \(fmt(pole)) with multiplicity (r−1)d = \(expected)",
                           expected: Double(secularHits), measured: Double(hits), tolerance: .absolute(0))
        }
        if !full.denseFits {
            // All d coordinates, structured only. Block LAPACK on every coordinate was checked against
            // the closed form in the spectrum section; here the secular roots of each block are checked
            // against its trace, tr F_i = Σ_m δ_m − ρ_i Σ_m δ_m², which needs no eigensolver.
            let all = GaussianMDensity(spectrum: full.lambdas, sigmas: s.sigmas)
            let w = Stopwatch()
            var worst = 0.0, kappaAll = 0.0, lo = Double.infinity, hi = 0.0
            for i in 0..<full.d {
                let roots = all.secularEigenvalues(coordinate: i)
                let (delta, rho) = all.rankOneForm(coordinate: i)
                let trace = delta.reduce(0, +) - rho * delta.reduce(0) { $0 + $1 * $1 }
                worst = max(worst, Stats.relativeError(roots.reduce(0, +), trace))
                lo = min(lo, roots.min()!); hi = max(hi, roots.max()!)
            }
            kappaAll = hi / lo
            notebook.check("all d = \(full.d) coordinates (structured, T3.6): Σ of each block's secular roots = tr F_i = Σδ_m − ρ_i Σδ_m² (max rel. error over i, \(fmtTiming(w.seconds, digits: 2)) s)",
                           measured: worst, atMost: tolerance(kappa: kappaAll, n: all.size))
            notebook.check("… and κ of all \(all.size) secular roots = the dense subset's κ (T3.6: λ_max, λ_min are in the subset)",
                           expected: kappa, measured: kappaAll, tolerance: .relative(tolerance(kappa: kappa, n: all.size)))
        }
        if groups.isEmpty { notebook.prose("(No noise level is repeated here, so nothing deflates; repeat one in --noise-levels to see it.)") }
        if let sigma = unequal.commonSigma {
            let closed = GaussianMDensity.closedFormSortedSpectrum(spectrum: s.lambdas, measurements: Mu, sigma: sigma)
            notebook.check("equal levels: secular roots = T3.3 closed form", measured: Stats.maxRelativeError(secular, closed), atMost: tol)
        }
        secularFigure(unequal)
    }

    /// f_i(μ) for the coordinate with the largest λ_i: its poles, the solver's roots and LAPACK's eigenvalues.
    func secularFigure(_ unequal: GaussianMDensity) {
        let i = unequal.spectrum.indices.max { unequal.spectrum[$0] < unequal.spectrum[$1] }!
        let (delta, rho) = unequal.rankOneForm(coordinate: i)
        let roots = unequal.secularEigenvalues(coordinate: i)
        guard let lapack = try? symmetricEigen(unequal.precisionBlock(coordinate: i)).values else { return }
        let poles = Array(Set(delta)).sorted()
        let clip = 6.0
        func f(_ mu: Double) -> Double {
            let v = 1 - rho * delta.reduce(0) { $0 + $1 * $1 / ($1 - mu) }
            return max(-50 * clip, min(50 * clip, v))
        }
        var plot = Plot(title: "Secular equation of F_i, λ_i = \(fmt(unequal.spectrum[i])), σ_m = \(unequal.sigmas.map { fmt($0, digits: 3) }.joined(separator: ", "))",
                        xLabel: "μ", yLabel: "f_i(μ) = 1 − ρ_i Σ δ_m² / (δ_m − μ)")
        let right = poles.last! * 1.12
        plot.xRange = 0...right
        plot.yRange = -clip...clip
        plot.add(Series("", x: [0, right], y: [0, 0], style: .line, color: Color.gray))
        let edges = [0.0] + poles + [right]
        for k in 0..<(edges.count - 1) {
            let a = edges[k], b = edges[k + 1], gap = b - a
            // Denser samples next to the poles, where f_i runs off to ±∞.
            let xs = (1..<600).map { j -> Double in let t = Double(j) / 600; return a + gap * (0.5 - 0.5 * cos(Double.pi * t)) }
            plot.add(Series(k == 0 ? "f_i(μ)" : "", x: xs, y: xs.map(f), style: .line, color: Color.cycle[0]))
        }
        for (k, p) in poles.enumerated() {
            plot.add(Series(k == 0 ? "poles 1/σ_m²" : "", x: [p, p], y: [-clip, clip], style: .dashed, color: Color.gray))
        }
        for (k, mu) in lapack.enumerated() {
            plot.add(Series(k == 0 ? "LAPACK eigenvalues (ticks)" : "", x: [mu, mu], y: [-0.8, 0.8], style: .line, color: Color.cycle[1]))
        }
        plot.add(Series("secular roots (dots)", x: roots, y: roots.map { _ in 0 }, style: .points, color: Color.black))
        notebook.figure("secular-equation.png", caption: """
            The secular function of the block F_i for the coordinate with the largest λ (ρ_i = \(fmt(rho, digits: 4))): one root between \
            consecutive poles 1/σ_m², the lowest below the smallest pole; a repeated σ_m is a pole that is also an eigenvalue \
            (deflation). Dots: the solver's roots; ticks: LAPACK on the \(unequal.measurements)×\(unequal.measurements) block.
            """, plot: plot)
    }
}
