import Figures
import Foundation
import Notebook
import NumericCore
import Theory

extension Chapter {
    /// Random test points with unequal levels: M ∈ 2…8, each σ_m log-uniform in [0.2, 2] independently,
    /// y_m = x + σ_m s ε_m with x from the prior and a random spread s ∈ [0.5, 2].
    func randomUnequalCase(_ r: inout Xoshiro256) -> (density: MixtureMDensity, y: [Double]) {
        let M = 2 + r.int(below: 7)
        let sigmas = (0..<M).map { _ in 0.2 * pow(10, r.uniform()) }
        let density = MixtureMDensity(prior: prior, sigmas: sigmas)
        let x = prior.sample(1, using: &r)[0]
        let spread = 0.5 + 1.5 * r.uniform()
        let d = setup.dim
        let y = (0..<(M * d)).map { x[$0 % d] + sigmas[$0 / d] * spread * r.gaussian() }
        return (density, y)
    }

    func unequalNoiseLevels() {
        notebook.section("T4.8 — unequal noise levels: one estimator through the precision-weighted mean")
        let s = setup
        notebook.prose("""
            Let the measurements have different noise levels, Y_m = X + σ_m N_m. The multimeasurement Tweedie \
            formula (T3.1) still gives E[X | y] from every index m, each with its own σ_m². Completing the square \
            now singles out the precision-weighted mean ỹ and its noise level s:
            """)
        notebook.equation("ỹ = s² Σ_m y_m/σ_m²,   s² = 1/Σ_m σ_m⁻²   (for equal levels ỹ = ȳ and s = σ/√M)",
                          "p(y) = C · exp(−Σ_m ‖y_m − ỹ‖²/(2σ_m²)) · p_s(ỹ),   C = Π_m (2πσ_m²)^{−d/2} (2πs²)^{d/2}",
                          "∇_{y_m} log p(y) = (ỹ − y_m)/σ_m² + (s²/σ_m²) ∇log p_s(ỹ)",
                          "x̂(y) = y_m + σ_m² ∇_{y_m} log p(y) = ỹ + s² ∇log p_s(ỹ)   for every m")
        notebook.prose("""
            The direct route again needs none of this: given component k, y is Gaussian in R^{Md} with covariance \
            (τ² 11ᵀ + D) ⊗ I_d, D = diag(σ_m²), inverted by Sherman–Morrison, and the posterior mean is the \
            conjugate one, Σ_k w_k(y) (μ_k/τ² + Σ_m y_m/σ_m²)/(1/τ² + Σ_m σ_m⁻²). The library's MixtureMDensity \
            takes the levels σ_1, …, σ_M (with equal levels it is the (M, σ) model above, operation for operation). \
            The routes are compared on random points with M ∈ 2…8 and every σ_m drawn log-uniformly from \
            [0.2, 2]; as a negative control, one common variance (the mean of the σ_m²) in place of each σ_m² \
            makes the indices disagree.
            """)

        // One worked point at the --noise-levels, to show the pieces.
        var r = stream()
        let levels = s.sigmas
        let example = MixtureMDensity(prior: prior, sigmas: levels)
        let exampleY = example.sample(1, using: &r).y[0]
        let g = example.scoreDirect(exampleY)
        let d = s.dim
        var rows: [[String]] = levels.indices.map { m in
            let v = levels[m] * levels[m]
            return ["\(m + 1)", fmt(levels[m], digits: 4), fmt(exampleY[m * d], digits: 6), fmt(v * g[m * d], digits: 6),
                    fmt(example.bayesEstimator(exampleY, measurement: m)[0], digits: 12)]
        }
        let tilde = example.measurementMean(exampleY)
        let ps = example.measurementMeanDensity.score(tilde)
        rows.append(["ỹ, s", fmt(example.sigmaEff, digits: 4), fmt(tilde[0], digits: 6),
                     fmt(example.effectiveNoiseVariance * ps[0], digits: 6), fmt(example.bayesEstimator(exampleY)[0], digits: 12)])
        rows.append(["posterior mean", "", "", "", fmt(example.posteriorMean(exampleY)[0], digits: 12)])
        notebook.prose("One draw at the levels σ = (\(levels.map { fmt($0, digits: 4) }.joined(separator: ", "))) (--noise-levels), first data coordinate: the measurements and their corrections differ, the estimates agree.")
        notebook.table(["m", "σ_m", "y_m,1", "σ_m² ∂log p/∂y_m,1", "y_m,1 + σ_m² ∂log p/∂y_m,1"], rows)

        // Deterministic checks on random cases.
        let trials = 200
        var worstFactorised = 0.0, worstDense = 0.0, worstFD = 0.0, worstScore = 0.0
        var spreadAcrossM = 0.0, vsTweedie = 0.0, vsPosterior = 0.0, controlSpread = Double.infinity
        var denseTrials = 0
        for _ in 0..<trials {
            let (density, y) = randomUnequalCase(&r)
            let direct = density.logDensityDirect(y)
            worstFactorised = max(worstFactorised, Stats.relativeError(density.logDensityFactorised(y), direct))
            if density.dimension <= 64, let dense = try? density.logDensityDense(y) {
                worstDense = max(worstDense, Stats.relativeError(dense, direct)); denseTrials += 1
            }
            let score = density.score(y)
            let scale = max(1, score.map(abs).max()!)
            worstFD = max(worstFD, Stats.maxAbsoluteError(finiteDifferenceGradient(of: density.logDensityDirect, at: y), score) / scale)
            worstScore = max(worstScore, Stats.maxAbsoluteError(density.scoreDirect(y), score) / scale)
            let tweedie = density.bayesEstimator(y)
            let perIndex = (0..<density.measurements).map { density.bayesEstimator(y, measurement: $0) }
            for e in perIndex {
                spreadAcrossM = max(spreadAcrossM, Stats.maxAbsoluteError(e, perIndex[0]))
                vsTweedie = max(vsTweedie, Stats.maxAbsoluteError(e, tweedie))
            }
            vsPosterior = max(vsPosterior, Stats.maxAbsoluteError(density.posteriorMean(y), perIndex[0]))
            // negative control: one common variance σ̄² = mean of the σ_m² for every index
            let common = density.sigmas.reduce(0) { $0 + $1 * $1 } / Double(density.measurements)
            let directScore = density.scoreDirect(y)
            let wrong = (0..<density.measurements).map { m in (0..<d).map { y[m * d + $0] + common * directScore[m * d + $0] } }
            let caseSpread = wrong.map { Stats.maxAbsoluteError($0, wrong[0]) }.max()!
            controlSpread = min(controlSpread, caseSpread)
        }
        notebook.check("T4.8 factorised log p(y) (ỹ, s) equals the direct Gaussian-mixture log p(y) with D = diag(σ_m²) (max rel. error, \(trials) random cases)",
                       expected: 0, measured: worstFactorised, tolerance: .absolute(1e-10))
        notebook.check("T4.8 direct log p(y) equals the dense LAPACK-Cholesky evaluation (max rel. error, \(denseTrials) cases with Md ≤ 64)",
                       expected: 0, measured: worstDense, tolerance: .absolute(1e-10))
        notebook.check("T4.8 score (ỹ − y_m)/σ_m² + (s²/σ_m²)∇log p_s(ỹ) equals central finite differences of the direct log p (max |Δ|/max(1, ‖g‖∞); O(h²) + rounding/h)",
                       expected: 0, measured: worstFD, tolerance: .absolute(1e-6))
        notebook.check("T4.8 score equals the score of the direct component Gaussians (max |Δ|/max(1, ‖g‖∞))",
                       expected: 0, measured: worstScore, tolerance: .absolute(1e-10))
        notebook.check("T4.8 y_m + σ_m²∇_{y_m} log p(y) is the same for every m (max |Δ| over m and \(trials) cases)",
                       expected: 0, measured: spreadAcrossM, tolerance: .absolute(1e-10))
        notebook.check("T4.8 it equals Tweedie for the precision-weighted mean, ỹ + s²∇log p_s(ỹ) (max |Δ|)",
                       expected: 0, measured: vsTweedie, tolerance: .absolute(1e-10))
        notebook.check("T4.8 it equals the direct posterior mean Σ_k w_k(y)(μ_k/τ² + Σ_m y_m/σ_m²)/(1/τ² + Σ_m σ_m⁻²) (max |Δ|)",
                       expected: 0, measured: vsPosterior, tolerance: .absolute(1e-10))
        notebook.check("negative control: with one common variance (the mean of the σ_m²) in place of σ_m², the indices disagree (smallest per-case max |Δ| over m ≥ 1e-4)",
                       measured: controlSpread, atLeast: 1e-4)

        // Monte Carlo: adding measurements one at a time, at the --noise-levels.
        let n = min(s.samples, 20_000)
        notebook.prose("""
            Sufficiency has a price for the plain mean. When the levels differ, ȳ = X + (noise of variance \
            Σ_m σ_m²/M²) and Σ_m σ_m²/M² ≥ s² (Cauchy–Schwarz; equality only for equal levels): the best estimator \
            of ȳ alone, E[X | ȳ] (the single-noise posterior mean at that level), loses to x̂(y). Below, \
            n = \(n) draws of X each get all \(levels.count) measurements at σ = \
            (\(levels.map { fmt($0, digits: 4) }.joined(separator: ", "))), and the first k of them are used, \
            k = 1…\(levels.count). For x̂ the law of total variance E‖X − x̂(Y)‖² = E tr Var[X | Y] is checked draw \
            by draw against the library's posterior variance with the first k levels (paired, so the standard error \
            is that of the per-draw difference); the same for E[X | ȳ] against the posterior variance at ȳ's level.
            """)
        let draws = example.sample(n, using: &r)
        struct Row { let k: Int; let s: Double; let meanLevel: Double; let bayes: (Double, Double); let plain: (Double, Double); let best: (Double, Double) }
        var table = [Row]()
        var lastPlainDiff = [Double](), lastPlainVsBayes = [Double]()
        for k in 1...levels.count {
            let used = Array(levels.prefix(k))
            let density = MixtureMDensity(prior: prior, sigmas: used)
            let meanLevel = used.reduce(0) { $0 + $1 * $1 }.squareRoot() / Double(k)
            let plainDensity = MixtureMDensity(prior: prior, sigmas: [meanLevel])
            let bestIndex = used.indices.min { used[$0] < used[$1] }!
            var bayesErr = [Double](), plainErr = [Double](), bestErr = [Double](), bayesDiff = [Double](), plainDiff = [Double](), gap = [Double]()
            for (x, y) in zip(draws.x, draws.y) {
                let yk = Array(y.prefix(k * d))
                let e = density.bayesEstimator(yk)
                let sq = zip(x, e).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                bayesErr.append(sq); bayesDiff.append(sq - density.posteriorVariance(yk).reduce(0, +))
                let ybar = MixtureMDensity.measurementMean(yk, measurements: k)
                let p = plainDensity.bayesEstimator(ybar)
                let psq = zip(x, p).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                plainErr.append(psq); plainDiff.append(psq - plainDensity.posteriorVariance(ybar).reduce(0, +))
                gap.append(psq - sq)
                let b = prior.posteriorMean(Array(y[(bestIndex * d)..<((bestIndex + 1) * d)]), sigma: used[bestIndex])
                bestErr.append(zip(x, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) })
            }
            notebook.check("T4.8 first k = \(k) levels: E‖X − x̂(Y)‖² equals E tr Var[X | Y] from the library (paired, 4 s.e.)",
                           expected: 0, measured: Stats.mean(bayesDiff), tolerance: .standardErrors(4, se: Stats.standardError(bayesDiff)))
            table.append(Row(k: k, s: density.sigmaEff, meanLevel: meanLevel,
                             bayes: (Stats.mean(bayesErr), Stats.standardError(bayesErr)),
                             plain: (Stats.mean(plainErr), Stats.standardError(plainErr)),
                             best: (Stats.mean(bestErr), Stats.standardError(bestErr))))
            if k == levels.count { lastPlainDiff = plainDiff; lastPlainVsBayes = gap }
        }
        notebook.table(["k", "σ_k added", "s = (Σ σ_m⁻²)^{−1/2}", "√(Σσ_m²)/k (ȳ's level)", "MSE of x̂(y) ± s.e.", "MSE of E[X | ȳ] ± s.e.", "MSE of E[X | best y_m] ± s.e."],
                       table.map { row in
                           ["\(row.k)", fmt(levels[row.k - 1], digits: 4), fmt(row.s, digits: 4), fmt(row.meanLevel, digits: 4),
                            "\(fmt(row.bayes.0, digits: 5)) ± \(fmt(row.bayes.1, digits: 2))", "\(fmt(row.plain.0, digits: 5)) ± \(fmt(row.plain.1, digits: 2))",
                            "\(fmt(row.best.0, digits: 5)) ± \(fmt(row.best.1, digits: 2))"]
                       })
        notebook.check("E‖X − E[X | ȳ]‖² equals E tr Var[X | ȳ] at ȳ's noise level √(Σσ_m²)/M, all \(levels.count) measurements (paired, 4 s.e.)",
                       expected: 0, measured: Stats.mean(lastPlainDiff), tolerance: .standardErrors(4, se: Stats.standardError(lastPlainDiff)))
        // With equal levels the two estimators coincide and the per-draw gap is rounding noise: report z = 0.
        let gapSE = Stats.standardError(lastPlainVsBayes)
        let zGap = gapSE <= 1e-12 * table.last!.bayes.0 ? 0 : Stats.mean(lastPlainVsBayes) / gapSE
        findings["unequal gap z"] = zGap
        findings["unequal bayes mse"] = table.last!.bayes.0
        findings["unequal plain mse"] = table.last!.plain.0
        notebook.check("T4.8 x̂(y) is never worse than E[X | ȳ] (the Bayes estimator has the least risk): MSE(E[X | ȳ]) − MSE(x̂), paired, in s.e., all \(levels.count) measurements ≥ −4 (one-sided; false alarm ≤ 3.2e-05 if the s.e. is right)",
                       measured: zGap, atLeast: -4)

        var plot = Plot(title: "Adding measurements of unequal noise levels", xLabel: "k (measurements used: σ_1 … σ_k)",
                        yLabel: "E‖X − estimate‖²  (± 2 s.e.)")
        plot.width = 900; plot.height = 540
        let ks = table.map { Double($0.k) }
        let families: [(String, [(Double, Double)])] = [
            ("x̂(y) = ỹ + s²∇log p_s(ỹ) (T4.8)", table.map(\.bayes)),
            ("E[X | ȳ] (plain mean)", table.map(\.plain)),
            ("E[X | y_m] for the least noisy y_m", table.map(\.best)),
        ]
        for (i, fam) in families.enumerated() {
            let color = Color.cycle[i]
            plot.add(Series(fam.0, x: ks, y: fam.1.map(\.0), style: .linePoints, color: color))
            for (j, v) in fam.1.enumerated() {
                plot.add(Series("", x: [ks[j], ks[j]], y: [v.0 - 2 * v.1, v.0 + 2 * v.1], style: .line, color: color))
            }
        }
        let hi = families.flatMap { $0.1.map { $0.0 + 2 * $0.1 } }.max()!
        plot.yRange = 0...(hi * 1.3)
        plot.xRange = 0.7...(Double(levels.count) + 0.3)
        notebook.figure("unequal-noise-mse.png", caption: "Monte Carlo MSE (± 2 s.e.) of three estimators as measurements with levels σ = (\(levels.map { fmt($0, digits: 3) }.joined(separator: ", "))) are added one at a time: the Bayes estimator through the precision-weighted mean never gets worse; the estimator of the plain mean ȳ gets worse when a noisy measurement is added.", plot: plot)
    }
}
