import Figures
import Foundation
import Notebook
import NumericCore
import Theory

extension Chapter {
    func poissonMeasurements() {
        notebook.section("T4.9 — Poisson measurements: Robbins' formula for M counts")
        let a = setup.poissonShape, b = setup.poissonRate
        notebook.prose("""
            The multimeasurement idea does not need Gaussian noise. Let X ≥ 0 have a prior π and observe M \
            counts Y_m ~ Poisson(X), independent given X. The M-density is now a mass function on {0, 1, …}^M, \
            and it depends on y through s = Σ_m y_m and the factorials:
            """)
        notebook.equation("p(y) = ∫ Π_m e^{−x} x^{y_m}/y_m! π(dx) = (Π_m 1/y_m!) · J(s),   J(s) = ∫ x^s e^{−Mx} π(dx)",
                          "p(y + e_m)/p(y) = J(s + 1) / ((y_m + 1) J(s)),   E[X | y] = J(s + 1)/J(s)",
                          "⇒  E[X | y] = (y_m + 1) · p(y + e_m)/p(y)   for every m   (Robbins 1956 for M = 1)",
                          "   = ((s + 1)/M) · p_S(s + 1)/p_S(s),   p_S the mass function of S = Σ_m Y_m")
        notebook.prose("""
            As with Gaussian noise (T3.1), every index gives the same estimate, here through a ratio of the \
            M-density's mass at two neighbouring count vectors — no prior needed, only p. The factor is y_m + 1; \
            (s + 1)/M belongs with the mass function of S, not with the M-density. For a Gamma(a, rate b) prior, \
            here a = \(fmt(a)), b = \(fmt(b)) (--poisson-shape, --poisson-rate), everything is closed form:
            """)
        notebook.equation("p(y) = (Π_m 1/y_m!) · b^a Γ(a + s) / (Γ(a) (b + M)^{a+s}),   X | y ~ Gamma(a + s, b + M)",
                          "E[X | y] = (a + s)/(b + M),   Var[X | y] = (a + s)/(b + M)²,   E Var[X | Y] = a/(b(b + M))")

        // Deterministic: the mass-function ratio against the conjugate mean.
        var r = stream()
        let trials = 300
        var worstRobbins = 0.0, worstSpread = 0.0, worstTotal = 0.0, controlMiss = 0.0, largestSize = 0.0
        var exampleRows = [[String]]()
        for t in 0..<trials {
            let M = 1 + r.int(below: 16)
            let density = GammaPoissonMDensity(shape: a, rate: b, measurements: M)
            // half the cases drawn from the model, half uniform counts in 0…200 (off the typical set)
            let y = t % 2 == 0 ? density.sample(1, using: &r).y[0] : (0..<M).map { _ in r.int(below: 201) }
            let exact = density.posteriorMean(y)
            let estimates = (0..<M).map { density.robbinsEstimate(y, measurement: $0) }
            for (m, e) in estimates.enumerated() {
                worstRobbins = max(worstRobbins, Stats.relativeError(e, exact))
                worstSpread = max(worstSpread, Stats.relativeError(e, estimates[0]))
                var up = y
                up[m] += 1
                let size = (density.logMassTerms(y) + density.logMassTerms(up)).reduce(0) { $0 + abs($1) }
                    + y.reduce(0.0) { $0 + 2 * lgamma(Double($1) + 2) }
                largestSize = max(largestSize, size)
                if M >= 2 {
                    let s = Double(GammaPoissonMDensity.total(y))
                    let wrong = (s + 1) / Double(M) * exp(density.logMass(up) - density.logMass(y))
                    controlMiss = max(controlMiss, Stats.relativeError(wrong, exact))
                }
            }
            worstTotal = max(worstTotal, Stats.relativeError(density.robbinsEstimateFromTotal(GammaPoissonMDensity.total(y)), exact))
            if exampleRows.count < 3 && M >= 2 && M <= 5 && t % 2 == 0 {
                exampleRows.append(["\(M)", "(" + y.map(String.init).joined(separator: ", ") + ")",
                                    estimates.map { fmt($0, digits: 12) }.joined(separator: "; "), fmt(exact, digits: 12)])
            }
        }
        notebook.table(["M", "y", "(y_m + 1)·p(y + e_m)/p(y), m = 1…M", "(a + s)/(b + M)"], exampleRows)
        let bound = 32 * Double.ulpOfOne * (largestSize + 1)
        notebook.prose("""
            The ratio is formed as exp(log p(y + e_m) − log p(y)) from log-gammas. Each term of a log-mass is \
            computed to a few ulps of its own size, so the rounding bound is 32ε(L + 1), L the sum of the terms' \
            absolute values in the two log-masses (here at most \(fmt(largestSize, digits: 4)) over \(trials) random \
            cases with M ∈ 1…16, half of them drawn from the model and half uniform counts in 0…200).
            """)
        notebook.check("T4.9 Robbins for M counts, (y_m + 1)·p(y + e_m)/p(y), equals the conjugate mean (a + s)/(b + M) for every m (max rel. error, \(trials) cases; rounding bound 32ε(L + 1))",
                       expected: 0, measured: worstRobbins, tolerance: .absolute(bound))
        notebook.check("T4.9 the M indices give the same estimate (max rel. difference from m = 1; 2 × the rounding bound)",
                       expected: 0, measured: worstSpread, tolerance: .absolute(2 * bound))
        notebook.check("T4.9 the sufficient-statistic form ((s + 1)/M)·p_S(s + 1)/p_S(s) (negative binomial p_S) equals (a + s)/(b + M) (max rel. error; same bound)",
                       expected: 0, measured: worstTotal, tolerance: .absolute(bound))
        notebook.check("negative control: (s + 1)/M in front of the M-density's ratio p(y + e_m)/p(y) is not E[X | y] for M ≥ 2 (largest rel. error ≥ 0.1)",
                       measured: controlMiss, atLeast: 0.1)

        empiricalRobbins(&r)
        poissonConcentration(&r)
    }

    /// The count vector tested by empirical Bayes for M counts: k, k − 1, k, … with k = max(1, round(a/b)),
    /// chosen from the prior (not from the data, so that the cell's count carries no selection bias).
    func poissonTestCell(measurements M: Int) -> [Int] {
        let k = max(1, Int((setup.poissonShape / setup.poissonRate).rounded()))
        return (0..<M).map { $0 % 2 == 0 ? k : k - 1 }
    }

    func empiricalRobbins(_ r: inout Xoshiro256) {
        let a = setup.poissonShape, b = setup.poissonRate
        notebook.prose("""
            Empirical Bayes: Robbins' point is that p can be estimated from data without knowing π. Simulate n \
            draws (X, Y_1…Y_M), count how often each count vector occurs, N(y), and estimate E[X | y] by \
            (y_m + 1)·N(y + e_m)/N(y). Its standard error is from the delta method for two multinomial cells: \
            se ≈ estimate · √(1/N(y) + 1/N(y + e_m)). For M = 1, 2, 3 the cell y* = (k, k − 1, k, …), \
            k = max(1, round(a/b)), is fixed from the prior, and n is chosen from the exact mass so that the \
            sparsest cell expects about 1000 counts (n between 100 000 and 1 000 000).
            """)
        var rows = [[String]]()
        for M in 1...3 {
            let density = GammaPoissonMDensity(shape: a, rate: b, measurements: M)
            let cell = poissonTestCell(measurements: M)
            let cells = [cell] + (0..<M).map { m in var up = cell; up[m] += 1; return up }
            let pMin = cells.map { exp(density.logMass($0)) }.min()!
            let n = min(1_000_000, max(100_000, Int((1000 / pMin).rounded(.up))))
            let cellText = "(" + cell.map(String.init).joined(separator: ", ") + ")"
            guard Double(n) * pMin >= 50 else {
                notebook.prose("M = \(M): the cells around y* = \(cellText) are too rare under this prior (smallest mass \(fmt(pMin, digits: 3)); fewer than 50 expected counts in \(n) draws) for the delta-method standard error; no empirical check.")
                continue
            }
            var table = CountVectorTable()
            for _ in 0..<n {
                let x = r.gamma(shape: a, rate: b)
                table.add((0..<M).map { _ in r.poisson(mean: x) })
            }
            let exact = density.posteriorMean(cell)
            for m in 0..<M {
                guard let e = RobbinsM.empiricalEstimate(cell, measurement: m, counts: table) else {
                    notebook.check("T4.9 empirical Robbins, M = \(M), y = \(cellText), m = \(m + 1): both cells observed", false,
                                   detail: "N(y) = \(table.count(of: cell)) or N(y + e_m) = 0 in n = \(n) draws")
                    continue
                }
                rows.append(["\(M)", "\(n)", cellText, "\(m + 1)", "\(e.countHere)", "\(e.countUp)",
                             "\(fmt(e.estimate, digits: 5)) ± \(fmt(e.se, digits: 2))", fmt(exact, digits: 5)])
                notebook.check("T4.9 empirical Robbins (y_m + 1)·N(y + e_m)/N(y), M = \(M), y = \(cellText), m = \(m + 1), from n = \(n) simulated count vectors, equals (a + s)/(b + M) (4 delta-method s.e.)",
                               expected: exact, measured: e.estimate, tolerance: .standardErrors(4, se: e.se))
            }
        }
        notebook.table(["M", "n", "y", "m", "N(y)", "N(y + e_m)", "(y_m + 1)·N(y + e_m)/N(y) ± s.e.", "(a + s)/(b + M)"], rows)
    }

    func poissonConcentration(_ r: inout Xoshiro256) {
        let a = setup.poissonShape, b = setup.poissonRate
        let ladder = [1, 2, 4, 8, 16, 32, 64]
        let n = min(setup.samples, 20_000)
        notebook.prose("""
            The posterior concentrates as M grows, as it does for Gaussian measurements (T4.3): Var[X | y] = \
            (a + s)/(b + M)², and on average E Var[X | Y] = a/(b(b + M)) ≈ (a/b)/M — the Poisson noise variance \
            at the prior mean over M — once M ≫ b; for M ≪ b it is near the prior variance a/b² (b acts as a \
            prior sample size). This is exactly T4.3's Gaussian curve λs²/(λ + s²), s² = σ²/M, with matched \
            moments λ = a/b² and σ² = a/b: the conjugate posterior mean is linear in s, so its risk is that of the \
            best linear estimator, which depends on second moments only. For each M, n = \(n) independent draws \
            give the Monte Carlo MSE of x̂ = (a + s)/(b + M) (standard error from the per-draw squared errors) and, \
            for comparison, of the empirical-Bayes estimator ((s + 1)/M)·N_S(s + 1)/N_S(s) built from the counts \
            of S in the same n draws (no prior used). The formula is exact, but its plug-in estimate is not: S \
            spreads over about M·sd(X) values, so at fixed n the counts N_S(s) thin out as M grows and the raw \
            ratio gets noisy — the empirical-Bayes error stops falling and rises again, while the Bayes risk keeps \
            falling like 1/M.
            """)
        var rows = [[String]]()
        var mc = [(Double, Double)](), eb = [Double]()
        for M in ladder {
            let density = GammaPoissonMDensity(shape: a, rate: b, measurements: M)
            let (xs, ys) = density.sample(n, using: &r)
            let totals = ys.map(GammaPoissonMDensity.total)
            var countsOfTotal = [Int: Int]()
            for s in totals { countsOfTotal[s, default: 0] += 1 }
            var err = [Double](), ebErr = [Double]()
            for (x, y) in zip(xs, ys) {
                let e = density.posteriorMean(y)
                err.append((x - e) * (x - e))
                let s = GammaPoissonMDensity.total(y)
                let robbins = Double(s + 1) / Double(M) * Double(countsOfTotal[s + 1] ?? 0) / Double(countsOfTotal[s]!)
                ebErr.append((x - robbins) * (x - robbins))
            }
            let exact = density.bayesRisk
            let mse = Stats.mean(err), se = Stats.standardError(err)
            notebook.check("T4.9 M = \(M): Monte Carlo MSE of (a + s)/(b + M) equals E Var[X | Y] = a/(b(b + M)) (4 s.e.)",
                           expected: exact, measured: mse, tolerance: .standardErrors(4, se: se))
            mc.append((mse, se)); eb.append(Stats.mean(ebErr))
            rows.append(["\(M)", fmt(exact, digits: 5), "\(fmt(mse, digits: 5)) ± \(fmt(se, digits: 2))", fmt(Stats.mean(ebErr), digits: 5),
                         fmt(Double(M) * exact, digits: 4)])
        }
        notebook.table(["M", "a/(b(b + M))", "MSE of (a + s)/(b + M) ± s.e.", "MSE of empirical Robbins via S", "M · a/(b(b + M)) (→ a/b)"], rows)
        // The Gaussian counterpart, from the library's (M, σ) M-density: X ~ N(a/b, λ = a/b²), σ² = a/b.
        var worstGaussian = 0.0
        for M in ladder {
            let gaussian = MixtureMDensity(prior: GaussianMixture(means: [[a / b]], variance: a / (b * b)), measurements: M, sigma: (a / b).squareRoot())
            let v = gaussian.posteriorVariance([Double](repeating: a / b, count: M))[0]
            worstGaussian = max(worstGaussian, Stats.relativeError(GammaPoissonMDensity(shape: a, rate: b, measurements: M).bayesRisk, v))
        }
        notebook.check("T4.9 and T4.3: the Gamma–Poisson Bayes risk a/(b(b + M)) equals the Gaussian posterior variance λs²/(λ + s²), λ = a/b², s² = (a/b)/M, of the library's (M, σ) M-density (max rel. error over M = \(ladder.map(String.init).joined(separator: ", ")); rounding)",
                       expected: 0, measured: worstGaussian, tolerance: .absolute(1e-13))
        findings["poisson risk 1"] = mc.first!.0
        findings["poisson risk 64"] = mc.last!.0

        var plot = Plot(title: "Poisson measurements: the posterior concentrates like 1/M", xLabel: "M (number of counts)",
                        yLabel: "E(X − x̂)²  (± 2 s.e.)", xScale: .log, yScale: .log)
        plot.width = 900; plot.height = 540
        let grid = (0...60).map { pow(2, 6 * Double($0) / 60) }
        plot.add(Series("E Var[X | Y] = a/(b(b + M)) (= Gaussian λs²/(λ + s²), T4.3)", x: grid,
                        y: grid.map { a / (b * (b + $0)) }, style: .line, color: Color.cycle[0]))
        plot.add(Series("(a/b)/M", x: grid, y: grid.map { a / b / $0 }, style: .dashed, color: .gray))
        plot.add(Series("prior variance a/b²", x: [grid.first!, grid.last!], y: [a / (b * b), a / (b * b)], style: .dashed, color: Color.cycle[3]))
        let xs = ladder.map(Double.init)
        plot.add(Series("Monte Carlo MSE of (a + s)/(b + M)", x: xs, y: mc.map(\.0), style: .points, color: Color.cycle[1]))
        for (i, v) in mc.enumerated() {
            plot.add(Series("", x: [xs[i], xs[i]], y: [max(v.0 - 2 * v.1, v.0 / 10), v.0 + 2 * v.1], style: .line, color: Color.cycle[1]))
        }
        plot.add(Series("MSE of empirical Robbins from the counts of S", x: xs, y: eb, style: .points, color: Color.cycle[2]))
        let values = mc.map(\.0) + eb + [a / (b * b), a / (b * (b + 64)), a / b / 64]
        plot.yRange = (values.min()! / 1.5)...(values.max()! * 8)
        notebook.figure("poisson-concentration.png", caption: "Gamma(\(fmt(a)), \(fmt(b)))–Poisson: the Bayes risk a/(b(b + M)) against M (log–log), with the Monte Carlo MSE of the posterior mean (± 2 s.e.) and of Robbins' empirical-Bayes estimator from the counts of S; it follows the prior variance for M ≪ b and (a/b)/M for M ≫ b — the same curve as Gaussian measurements with matched moments (T4.3). The empirical-Bayes error rises again at large M because n = \(n) draws spread S over ever more values.", plot: plot)
    }
}
