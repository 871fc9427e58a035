import Figures
import Foundation
import Notebook
import NumericCore
import Samplers
import Theory

extension Chapter {
    // MARK: - §1 Overdamped Langevin on N(0, τ²): stability and discretisation bias (T1.1)

    func gaussianStability() {
        let nb = notebook
        let tau2 = setup.tau2, bound = setup.overdampedBound, step = setup.step, steps = setup.steps, unstableFactor = setup.unstableFactor
        nb.section("1. The 1-D Gaussian: stability and the exact discretisation bias (T1.1)")
        nb.prose("""
        For p = N(0, τ²) the score is −x/τ², so the chain is the AR(1) process below. It is stable iff \
        |1 − h/τ²| < 1, i.e. 0 < h < 2τ², and its stationary variance is not τ² but slightly larger: the \
        unadjusted chain samples a biased law, and the bias vanishes only as h → 0.
        """)
        nb.equation("x' = (1 − h/τ²) x + √(2h) ε,   ρ = 1 − h/τ²",
                    "Var_∞ = 2h/(1 − ρ²) = τ² / (1 − h/(2τ²)),   IAT = (1 + ρ)/(1 − ρ)")
        let lambda = 1 / tau2
        let score: ([Double]) -> [Double] = { [-$0[0] * lambda] }
        var rng = master.split()
        let exact = LangevinTheory.overdampedStationaryVariance(precision: lambda, step: step)!
        let start = [rng.gaussian() * exact.squareRoot()]  // a stationary start: no burn-in needed
        let chain = OverdampedLangevin(step: step).run(from: start, steps: steps, score: score, rng: &rng)
        let x = chain.coordinate(0)
        let sq = x.map { $0 * $0 }
        let bmSq = ChainDiagnostics.batchMeans(sq)
        let bmX = ChainDiagnostics.batchMeans(x)
        nb.check("h = \(fmt(step)): chain mean = 0 (batch means)", expected: 0, measured: bmX.mean,
                 tolerance: .standardErrors(4, se: bmX.standardError))
        nb.check("h = \(fmt(step)): stationary variance = τ²/(1 − h/(2τ²)) (batch means)", expected: exact, measured: bmSq.mean,
                 tolerance: .standardErrors(4, se: bmSq.standardError))
        let biasZ = abs(bmSq.mean - tau2) / bmSq.standardError
        if abs(exact - tau2) > 10 * bmSq.standardError {
            nb.check("h = \(fmt(step)): the discretisation bias is visible (variance ≠ τ²)", biasZ > 4,
                     detail: "measured \(fmt(bmSq.mean)) vs τ² = \(fmt(tau2)): \(fmt(biasZ, digits: 3)) s.e. away")
        }
        let rho = LangevinTheory.overdampedAR1Coefficient(precision: lambda, step: step)
        let iat = ChainDiagnostics.integratedAutocorrelationTime(x)
        nb.check("h = \(fmt(step)): IAT of x = (1+ρ)/(1−ρ) (Sokal window \(iat.window))",
                 expected: LangevinTheory.ar1IntegratedAutocorrelationTime(rho: rho), measured: iat.tau,
                 tolerance: .standardErrors(4, se: iat.standardError))

        // A table over h / τ².
        var rows = [[String]]()
        for frac in [0.05, 0.25, 1.0, 1.5, 1.9] {
            let h = frac * tau2
            let v = LangevinTheory.overdampedStationaryVariance(precision: lambda, step: h)!
            var r = master.split()
            let s0 = [r.gaussian() * v.squareRoot()]
            let run = OverdampedLangevin(step: h).run(from: s0, steps: steps / 4, score: score, rng: &r)
            let bm = ChainDiagnostics.batchMeans(run.coordinate(0).map { $0 * $0 })
            let ok = nb.check("h = \(fmt(frac))τ²: Var_∞ = τ²/(1 − h/(2τ²))", expected: v, measured: bm.mean,
                              tolerance: .standardErrors(4, se: bm.standardError))
            rows.append([fmt(frac), fmt(v, digits: 5), fmt(bm.mean, digits: 5), fmt(bm.standardError, digits: 2),
                         fmt(LangevinTheory.ar1IntegratedAutocorrelationTime(rho: (1 - frac) * (1 - frac)), digits: 4), fmt(bm.impliedIAT, digits: 4), ok ? "✓" : "✗"])
        }
        nb.prose("Stationary variance against the step (\(fmt(steps / 4)) steps per row, τ² = \(fmt(tau2))):")
        nb.table(["h/τ²", "exact Var_∞", "measured", "s.e.", "IAT of x²: (1+ρ²)/(1−ρ²)", "IAT of x² (batch means)", ""], rows)

        // Histogram against the target and the exact stationary law.
        let sd = exact.squareRoot()
        let lo = -4.5 * sd, hi = 4.5 * sd
        var plot = Plot(title: "Overdamped chain on N(0, τ²), h = \(fmt(step)), τ = \(fmt(tau2.squareRoot()))", xLabel: "x", yLabel: "density")
        plot.add(Series.histogram("chain (\(fmt(steps)) steps)", x, bins: 80, range: lo...hi))
        let grid = (0...300).map { lo + (hi - lo) * Double($0) / 300 }
        plot.add(Series("target N(0, τ²)", x: grid, y: grid.map { exp(-$0 * $0 / (2 * tau2)) / (2 * Double.pi * tau2).squareRoot() }, style: .dashed, color: .black))
        plot.add(Series("exact chain law N(0, τ²/(1 − h/2τ²))", x: grid, y: grid.map { exp(-$0 * $0 / (2 * exact)) / (2 * Double.pi * exact).squareRoot() }, style: .line, color: Color(0.8, 0.1, 0.1)))
        nb.figure("gaussian-histogram.png", caption: "The unadjusted chain samples N(0, τ²/(1 − h/(2τ²))), not the target N(0, τ²)", plot: plot)

        // Divergence beyond the bound.
        nb.prose("""
        Beyond the bound the chain diverges geometrically like |1 − h/τ²|^t. The sampler stops at the first \
        state beyond 10^150 in magnitude and reports the step, instead of printing ∞ or NaN.
        """)
        let hBad = unstableFactor * bound
        var rb = master.split()
        let bad = OverdampedLangevin(step: hBad).run(from: [1], steps: steps, score: score, rng: &rb)
        if let t = bad.divergedAt {
            nb.prose("h = \(fmt(hBad)) exceeds the stability bound h < 2τ² = \(fmt(bound)): the chain diverged after \(fmt(t)) steps (|1 − h/τ²| = \(fmt(abs(1 - hBad / tau2), digits: 4)) > 1).")
        }
        nb.check("h = \(fmt(unstableFactor)) × 2τ² is detected as divergent", bad.divergedAt != nil,
                 detail: bad.divergedAt.map { "diverged after \(fmt($0)) steps; stability bound h < 2τ² = \(fmt(bound))" } ?? "no divergence detected")
        let hGood = (2 - unstableFactor) * bound
        var rg = master.split()
        let good = OverdampedLangevin(step: hGood).run(from: [1], steps: steps / 10, score: score, rng: &rg)
        nb.check("h = \(fmt(2 - unstableFactor)) × 2τ² (inside the bound) stays finite", good.divergedAt == nil,
                 detail: "\(fmt(good.steps)) finite states, max |x| = \(fmt(good.trace.map(abs).max() ?? 0, digits: 4))")
    }
}
