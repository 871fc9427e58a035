import Figures
import Foundation
import Notebook
import NumericCore
import Samplers
import Theory

extension Chapter {
    // MARK: - §2 Ill-conditioned 2-D Gaussians (T1.2)

    func illConditioning() {
        let nb = notebook
        let kappas = setup.kappas, stepFraction = setup.stepFraction, iatSteps = setup.iatSteps
        nb.section("2. Ill-conditioned Gaussians mix slowly (T1.2)")
        nb.prose("""
        Take p = N(0, P⁻¹) in 2-D with precision eigenvalues λ_max = 1 and λ_min = 1/κ (diagonal: the chain \
        is rotation-equivariant, so this is no loss of generality). Stability forces h < 2/λ_max, so the \
        step is set by the stiff direction, h = \(fmt(stepFraction))/λ_max, while the weak direction moves by only \
        hλ_min per step: along it the chain is AR(1) with ρ = 1 − hλ_min, and its integrated autocorrelation \
        time (IAT), the number of steps per effectively independent sample, is (1+ρ)/(1−ρ) ≈ 2κ/(hλ_max). \
        Each chain has \(fmt(iatSteps)) steps from a stationary start; the IAT is estimated by summing the \
        empirical autocorrelations (in adjacent pairs, which also handles anti-correlated chains) up to \
        Sokal's self-consistent window M ≥ 5τ, with his standard error τ√(2(2M+1)/n) \
        (ChainDiagnostics.integratedAutocorrelationTime).
        """)
        nb.equation("IAT = 1 + 2 Σ_{t≥1} ρ(t),   weak direction: ρ(t) = (1 − hλ_min)^t,   IAT = (2 − hλ_min)/(hλ_min)")
        let h = stepFraction  // λ_max = 1
        var rows = [[String]]()
        var measured = [Double](), theory = [Double]()
        var acfSeries = [Series]()
        for (i, kappa) in kappas.enumerated() {
            let lamMin = 1 / kappa
            let target = DiagonalGaussian(mean: [0, 0], variances: [1, kappa])
            var r = master.split()
            let v0 = LangevinTheory.overdampedStationaryVariance(precision: 1, step: h)!
            let v1 = LangevinTheory.overdampedStationaryVariance(precision: lamMin, step: h)!
            let start = [r.gaussian() * v0.squareRoot(), r.gaussian() * v1.squareRoot()]
            let run = OverdampedLangevin(step: h).run(from: start, steps: iatSteps, score: target.score, rng: &r)
            let weak = run.coordinate(1)
            let rho = 1 - h * lamMin
            let iatTheory = LangevinTheory.ar1IntegratedAutocorrelationTime(rho: rho)
            let iat = ChainDiagnostics.integratedAutocorrelationTime(weak)
            let ok = nb.check("κ = \(fmt(kappa)): IAT along the weak direction = (1+ρ)/(1−ρ)", expected: iatTheory, measured: iat.tau,
                              tolerance: .standardErrors(4, se: iat.standardError))
            let bm = ChainDiagnostics.batchMeans(weak.map { $0 * $0 })
            nb.check("κ = \(fmt(kappa)): weak-direction variance = 1/(λ_min(1 − hλ_min/2))", expected: v1, measured: bm.mean,
                     tolerance: .standardErrors(4, se: bm.standardError))
            measured.append(iat.tau); theory.append(iatTheory)
            rows.append([fmt(kappa), fmt(h), fmt(rho, digits: 5), fmt(iatTheory, digits: 5), fmt(iat.tau, digits: 5),
                         fmt(iat.standardError, digits: 2), fmt(iat.window), fmt(Double(iatSteps) / iat.tau, digits: 4), ok ? "✓" : "✗"])
            let maxLag = min(iatSteps / 10, Validate.clampedInt(4 * iatTheory, max: iatSteps) + 10)
            let acf = ChainDiagnostics.autocorrelation(weak, maxLag: maxLag)
            let color = Color.cycle[i % Color.cycle.count]
            acfSeries.append(Series("κ = \(fmt(kappa)) measured", x: acf.indices.map(Double.init), y: acf, style: .line, color: color))
            acfSeries.append(Series("", x: acf.indices.map(Double.init), y: acf.indices.map { pow(rho, Double($0)) }, style: .dashed, color: .black))
        }
        nb.table(["κ", "h", "ρ = 1 − hλ_min", "IAT theory", "IAT measured", "s.e.", "window M", "effective samples", ""], rows)
        var monotone = true
        for i in 1..<measured.count where measured[i] <= measured[i - 1] { monotone = false }
        nb.check("the IAT grows with κ", monotone, detail: measured.map { fmt($0, digits: 4) }.joined(separator: " < "))
        let logK = kappas.map { log($0) }
        let fitM = Stats.linearFit(x: logK, y: measured.map { log($0) })
        let fitT = Stats.linearFit(x: logK, y: theory.map { log($0) })
        nb.check("log–log slope of IAT against κ matches the AR(1) theory (≈ 1: mixing time ∝ κ)", expected: fitT.slope, measured: fitM.slope,
                 tolerance: .absolute(0.1))

        var p1 = Plot(title: "Autocorrelation along the weak direction (dashed: (1 − hλ_min)^t)", xLabel: "lag t (steps)", yLabel: "ρ(t)")
        for s in acfSeries { p1.add(s) }
        p1.yRange = -0.1...1.02
        nb.figure("autocorrelation.png", caption: "Autocorrelation of the weak coordinate for each κ at h = \(fmt(stepFraction))/λ_max", plot: p1)
        var p2 = Plot(title: "Integrated autocorrelation time vs condition number", xLabel: "κ = λ_max/λ_min", yLabel: "IAT (steps)", xScale: .log, yScale: .log)
        let kGrid = (0...60).map { pow(10, log10(kappas.min()!) + (log10(kappas.max()!) - log10(kappas.min()!)) * Double($0) / 60) }
        p2.add(Series("AR(1) theory (2κ − hλ_max)/(hλ_max)", x: kGrid, y: kGrid.map { LangevinTheory.ar1IntegratedAutocorrelationTime(rho: 1 - h / $0) }, style: .line))
        p2.add(Series("measured (Sokal)", x: kappas, y: measured, style: .points, color: Color(0.8, 0.1, 0.1)))
        nb.figure("iat-vs-kappa.png", caption: "The IAT along the weak direction grows linearly in κ when h ∝ 1/λ_max", plot: p2)
    }
}
