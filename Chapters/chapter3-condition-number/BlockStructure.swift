import Figures
import Notebook
import NumericCore
import Theory

extension Chapter {
    /// T3.2: the blocks of F = C⁻¹ (LAPACK inverse vs closed form), F from blocks, and F·C = I.
    func blockStructure() throws {
        let s = setup, d = s.d, M = s.M, n = model.size
        let kappa = model.closedFormConditionNumber()
        let tol = tolerance(kappa: kappa, n: n)
        notebook.section("The block structure of F (T3.2)")
        denseNote()
        notebook.prose("""
            The measurements share x, so y has covariance C below: block (m, m') of C is Λ + [m = m'] σ² I, a \
            d×d diagonal matrix. Inverting C therefore never mixes data coordinates: F has the same pattern, \
            with one value A_i on the diagonal blocks and one value B_i off them, per coordinate i.
            """)
        notebook.equation("C = (1_M 1_Mᵀ) ⊗ Λ + σ² I_M ⊗ I_d                      (Md × Md)",
                          "F = C⁻¹:   F_mm = diag(A_i),   F_mm' = diag(B_i)  (m ≠ m')",
                          "A_i = (σ² + (M−1)λ_i) / (σ²(σ² + Mλ_i)),   B_i = −λ_i / (σ²(σ² + Mλ_i))")

        var watch = Stopwatch()
        let c = model.covariance()
        let inverse = try model.precisionByInversion()
        let inversionSeconds = watch.seconds
        let entries = s.lambdas.map { GaussianMDensity.blockEntries(lambda: $0, measurements: M, sigma: s.sigma) }
        var errorA = 0.0, errorB = 0.0, crossCoordinate = 0.0, largest = 0.0
        for row in 0..<n {
            let (m, i) = (row / d, row % d)
            for col in 0..<n {
                let v = inverse[row, col], (m2, i2) = (col / d, col % d)
                largest = max(largest, abs(v))
                if i != i2 { crossCoordinate = max(crossCoordinate, abs(v)); continue }
                if m == m2 { errorA = max(errorA, Stats.relativeError(v, entries[i].a)) }
                else { errorB = max(errorB, Stats.relativeError(v, entries[i].b)) }
            }
        }
        notebook.prose("""
            Brute force first: C (\(n)×\(n)) is inverted with LAPACK (dgesv, LU with partial pivoting, solving \
            C X = I; \(fmtTiming(inversionSeconds)) s). Its entries are compared with T3.2, entry by entry.
            """)
        let shown = Array(Set([0, 1, 2, d - 1].filter { $0 < d })).sorted()
        notebook.table(["i", "λ_i", "A_i (T3.2)", "A_i (LAPACK C⁻¹)", "B_i (T3.2)", "B_i (LAPACK C⁻¹)"], shown.map { i in
            [String(i + 1), fmt(s.lambdas[i]), fmt(entries[i].a, digits: 10), fmt(inverse[i, i], digits: 10),
             M > 1 ? fmt(entries[i].b, digits: 10) : "—", M > 1 ? fmt(inverse[i, d + i], digits: 10) : "—"]
        })
        notebook.check("T3.2 diagonal blocks: LAPACK C⁻¹ entries F_mm = A_i (max rel. error over i, m)",
                       measured: errorA, atMost: tol)
        if M > 1 {
            notebook.check("T3.2 off-diagonal blocks: LAPACK C⁻¹ entries F_mm' = B_i (max rel. error over i, m ≠ m')",
                           measured: errorB, atMost: tol)
        } else {
            notebook.prose("With M = 1 there are no off-diagonal blocks: F = (Λ + σ²I)⁻¹ and B_i does not occur.")
        }
        notebook.check("F couples no two data coordinates: max |C⁻¹ entry| with i ≠ i', relative to max |F|",
                       measured: crossCoordinate / largest, atMost: tol)

        notebook.prose("""
            Now the other way round: F is assembled from the d M×M blocks F_i (their entries from the \
            Woodbury form of T3.5, which for equal noise reduces to A_i and B_i) without any Md×Md inversion, \
            and multiplied back with C (BLAS dgemm).
            """)
        let f = model.precision()
        let blockVsInverse = Stats.maxAbsoluteError(f.storage, inverse.storage) / largest
        notebook.check("F from blocks = LAPACK C⁻¹ (max abs. difference relative to max |F|)",
                       measured: blockVsInverse, atMost: tol)
        watch.restart()
        let product = matmul(f, c)
        let identityError = Stats.maxAbsoluteError(product.storage, Matrix<Double>.identity(n).storage)
        notebook.check("F·C = I (max abs. entry of F·C − I, dgemm \(fmtTiming(watch.seconds, digits: 2)) s)",
                       measured: identityError, atMost: tol)
        if !full.denseFits {
            // All d coordinates, structured only: every Woodbury block F_i against A_i, B_i of T3.2.
            watch.restart()
            var worst = 0.0
            for i in 0..<full.d {
                let block = fullModel.precisionBlock(coordinate: i)
                let e = GaussianMDensity.blockEntries(lambda: full.lambdas[i], measurements: M, sigma: s.sigma)
                for r in 0..<M { for c in 0..<M { worst = max(worst, Stats.relativeError(block[r, c], r == c ? e.a : e.b)) } }
            }
            notebook.check("T3.2 on all d = \(full.d) coordinates (structured): Woodbury blocks F_i = A_i, B_i (max rel. error, \(fmtTiming(watch.seconds, digits: 2)) s)",
                           measured: worst, atMost: tolerance(kappa: kappa, n: full.d * M))
        }
    }

    /// T3.3: LAPACK's spectrum of F against the closed form, with multiplicities; blocks vs brute force.
    func spectrum() throws {
        let s = setup, n = model.size, M = s.M
        let kappa = model.closedFormConditionNumber()
        let tol = tolerance(kappa: kappa, n: n)
        notebook.section("The spectrum of F (T3.3)")
        denseNote()
        notebook.prose("""
            Within coordinate i, F_i = (A_i − B_i) I_M + B_i 1 1ᵀ. Any vector orthogonal to 1_M is an \
            eigenvector with eigenvalue A_i − B_i = 1/σ² — for every i, so 1/σ² has multiplicity (M−1)d: \
            differences between measurements are pure noise of variance σ². The mean direction 1_M ⊗ e_i has \
            eigenvalue A_i + (M−1)B_i = 1/(σ² + Mλ_i): the mean ȳ carries the data.
            """)
        notebook.equation("spec F = { 1/σ²  (multiplicity (M−1)d) }  ∪  { 1/(σ² + Mλ_i),  i = 1..d }")
        var watch = Stopwatch()
        denseSpectrum = try model.denseEigenvalues()
        let denseSeconds = watch.seconds
        let closed = model.closedFormSortedSpectrum()
        let distinct = GaussianMDensity.closedFormEigenvalues(spectrum: s.lambdas, measurements: M, sigma: s.sigma)
        func row(_ e: GaussianMDensity.Eigenvalue) -> [String] {
            let isNoise = M > 1 && e.value == 1 / (s.sigma * s.sigma)
            let label = isNoise ? "1/σ²: differences y_m − y_m'" : "1/(σ² + Mλ) for λ = \(fmt((1 / e.value - s.sigma * s.sigma) / Double(M)))"
            return [fmt(e.value, digits: 10), String(e.multiplicity), label]
        }
        let gap = ["…", "…", "(\(distinct.count - 6) more)"]
        notebook.table(["eigenvalue (T3.3)", "multiplicity", "what it is"], distinct.count <= 8 ? distinct.map(row)
                       : distinct.prefix(3).map(row) + [gap] + distinct.suffix(3).map(row))
        notebook.prose("""
            LAPACK (dsyevd, divide and conquer, eigenvalues only) on the dense \(n)×\(n) F took \
            \(fmtTiming(denseSeconds)) s. Sorting both lists and comparing them entry by entry tests the \
            values and the multiplicities at once.
            """)
        notebook.check("T3.3: sorted LAPACK eigenvalues of F = closed form with multiplicities (max rel. error)",
                       measured: Stats.maxRelativeError(denseSpectrum, closed), atMost: tol)
        let noise = 1 / (s.sigma * s.sigma)
        func countNoise(_ list: [Double]) -> Int { list.filter { Stats.relativeError($0, noise) <= tol }.count }
        notebook.check("T3.3: LAPACK eigenvalues equal to 1/σ² = \(fmt(noise)) (count; (M−1)d = \((M - 1) * s.d))",
                       expected: Double(countNoise(closed)), measured: Double(countNoise(denseSpectrum)), tolerance: .absolute(0))
        watch.restart()
        let blocks = try model.blockEigenvalues()
        notebook.check("block-structured (d LAPACK calls on M×M blocks, \(fmtTiming(watch.seconds, digits: 2)) s) = brute force (max rel. error)",
                       measured: Stats.maxRelativeError(blocks, denseSpectrum), atMost: tol)
        if !full.denseFits {
            let fullTol = tolerance(kappa: kappa, n: fullModel.size)
            watch.restart()
            let fullBlocks = try withSingleThreadedBLAS { try fullModel.blockEigenvalues() }  // a million tiny calls: threads only add overhead
            let blockSeconds = watch.seconds
            watch.restart()
            let fullClosed = fullModel.closedFormSortedSpectrum()
            notebook.check("all d = \(full.d) coordinates (structured): block spectrum (\(fmtTiming(blockSeconds, digits: 2)) s) = closed form T3.3 (\(fmtTiming(watch.seconds, digits: 2)) s), all Md = \(fullModel.size) eigenvalues (max rel. error)",
                           measured: Stats.maxRelativeError(fullBlocks, fullClosed), atMost: fullTol)
            let fullKappa = fullModel.closedFormConditionNumber()
            notebook.check("T3.4 on all d = \(full.d) coordinates: κ of the block spectrum = closed form",
                           expected: fullKappa, measured: GaussianMDensity.conditionNumber(of: fullBlocks), tolerance: .relative(fullTol))
            notebook.check("… and the subset's κ (dense F', side \(n)) is the full problem's (T3.6: the subset holds λ_max and λ_min)",
                           expected: fullKappa, measured: GaussianMDensity.conditionNumber(of: denseSpectrum), tolerance: .relative(fullTol))
        }

        var plot = Plot(title: "Spectrum of F: d = \(s.d), M = \(M), σ = \(fmt(s.sigma))",
                        xLabel: "index k of the sorted eigenvalue (1 … Md)", yLabel: "eigenvalue λ_k(F)", yScale: .log)
        let index = (1...n).map(Double.init)
        plot.yRange = (closed.first! / 1.2)...(closed.last! * 3)  // headroom above the plateau for the legend
        plot.add(Series("closed form T3.3", x: index, y: closed, style: .steps, color: Color.cycle[1]))
        plot.add(Series("LAPACK dsyevd", x: index, y: denseSpectrum, style: .points, color: Color.cycle[0]))
        notebook.figure("spectrum.png", caption: """
            Sorted eigenvalues of the \(n)×\(n) precision matrix: LAPACK (points) and T3.3 (line). The plateau at 1/σ² = \
            \(fmt(noise)) holds (M−1)d = \((M - 1) * s.d) eigenvalues; the d smaller ones are 1/(σ² + Mλ_i).
            """, plot: plot)
    }
}
