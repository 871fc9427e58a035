import Figures
import Foundation
import NeuralNet
import Notebook
import NumericCore
import Theory

extension Chapter {
    /// Rows of a flat Double batch as a Float tensor (N, width).
    private func tensor(_ rows: [[Double]]) -> Tensor {
        Tensor(shape: [rows.count, rows.first?.count ?? 0], data: rows.flatMap { $0.map(Float.init) })
    }

    /// The network's outputs on `rows`, one batched forward pass, back in Double row by row.
    private func apply(_ net: MLP, _ rows: [[Double]]) -> [[Double]] {
        let out = net.forward(tensor(rows))
        let w = out.shape[1]
        return (0..<rows.count).map { i in (0..<w).map { Double(out.data[i * w + $0]) } }
    }

    func mdaeAgainstGPS() {
        let s = setup
        let M = s.mdaeMeasurements, d = s.dim, sigma = s.sigma(M)
        notebook.section("T4.10 — MDAE against GPS: equivariance and one estimator")
        let density = MixtureMDensity(prior: prior, measurements: M, sigma: sigma)
        let mdaeHidden = [s.mdaeWidth, s.mdaeWidth]
        let mdaeCount = MLP.parameterCount(inputDim: M * d, hidden: mdaeHidden, outputDim: M * d)
        let widths = MLP.twoHiddenWidths(inputDim: d, outputDim: d, matching: mdaeCount)
        let gpsHidden = [widths.a, widths.b]
        let n = min(s.samples, 20_000)
        notebook.prose("""
            Two ways to learn the Bayes estimator of the (M, σ) model from data, trained here on the same \
            draws with the same budget. An MDAE (multimeasurement denoising autoencoder) is a network of all of \
            y ∈ R^{Md} with M outputs x̂^(1)(y), …, x̂^(M)(y) ∈ R^d, trained on the mean over m of \
            ‖x − x̂^(m)(y)‖². GPS is a network ν of ȳ alone, x̂ = ν(ȳ), trained on ‖x − ν(ȳ)‖² (T4.4, T4.5). \
            The Bayes estimator is one function of ȳ whatever index it is read from (T3.1, T4.3), so it is \
            permutation equivariant, F(πy) = πF(y) with (πy)_m = y_{π(m)}, and its M estimates coincide. \
            GPS has both properties by construction, for any weights. The MDAE has them only as far as \
            training has taught them: nothing in its architecture ties output m to input m or the outputs to \
            each other.
            """)
        notebook.equation("equivariance error  e_π(y) = √((1/M) Σ_m ‖x̂^(m)(πy) − x̂^(π(m))(y)‖²)",
                          "index spread       s(y) = √((1/M) Σ_m ‖x̂^(m)(y) − x̄̂(y)‖²),   x̄̂ = (1/M) Σ_m x̂^(m)",
                          "MDAE loss          (1/M) Σ_m ‖x − x̂^(m)(y)‖² = ‖x − x̄̂(y)‖² + s(y)²",
                          "E‖X − x̂(Y)‖² ≥ E‖X − E[X | Y]‖² = MMSE   for every estimator x̂ of y, any index")
        notebook.prose("""
            Both networks are the engine's MLP (Float, SiLU, two hidden layers): the MDAE \(M * d) → \
            \(mdaeHidden.map(String.init).joined(separator: " → ")) → \(M * d) and the GPS network \(d) → \
            \(gpsHidden.map(String.init).joined(separator: " → ")) → \(d), widths chosen so that the parameter \
            counts match. M = \(M) (--mdae-measurements), σ = σ_eff √M = \(fmt(sigma, digits: 4)). Each takes \
            \(s.mdaeSteps) Adam steps (--mdae-steps; learning rate 3·10⁻³ with a cosine decay to 5 %) on \
            batches of \(s.mdaeBatch) fresh draws (X, Y); at every step both see the same batch, the MDAE as y \
            and GPS as its mean ȳ. Both are then evaluated on n = \(n) held-out draws, each with a uniformly \
            random permutation π of the M measurements. Errors are divided by the posterior standard deviation \
            √(tr Var[X | y]/d) of the same draw (exact, from the mixture), so e and s read in units of the \
            irreducible uncertainty; every reported mean is over independent draws and its standard error is \
            the sample s.d./√n, so a statistical check at 4 s.e. has a two-sided false-alarm rate of 6·10⁻⁵.
            """)

        // Training: one stream for the initial weights and the batches, split after every earlier section.
        var r = stream()
        let gpsNet = MLP(inputDim: d, hidden: gpsHidden, outputDim: d, seed: r.next())
        let mdaeNet = MLP(inputDim: M * d, hidden: mdaeHidden, outputDim: M * d, seed: r.next())
        let schedule = OptimizerSchedule(learningRate: 3e-3, decaySteps: s.mdaeSteps, finalFraction: 0.05)
        let gpsOpt = Adam(parameters: gpsNet.parameters, learningRate: 3e-3)
        let mdaeOpt = Adam(parameters: mdaeNet.parameters, learningRate: 3e-3)
        gpsOpt.schedule = schedule; mdaeOpt.schedule = schedule
        var gpsTail = [Double](), mdaeTail = [Double]()
        let tailStart = s.mdaeSteps - min(100, s.mdaeSteps)
        for t in 0..<s.mdaeSteps {
            let (xs, ys) = density.sample(s.mdaeBatch, using: &r)
            let ybars = ys.map { MixtureMDensity.measurementMean($0, measurements: M) }
            // MSELoss averages over all elements: the GPS loss /d and the MDAE loss (mean over m) /d alike.
            let lossG = mseTrainingStep(gpsNet, input: tensor(ybars), target: tensor(xs), optimizer: gpsOpt)
            let lossM = mseTrainingStep(mdaeNet, input: tensor(ys), target: tensor(xs.map { x in (0..<M).flatMap { _ in x } }),
                                        optimizer: mdaeOpt)
            if t >= tailStart { gpsTail.append(Double(lossG) * Double(d)); mdaeTail.append(Double(lossM) * Double(d)) }
        }

        // Held-out evaluation.
        var h = stream()
        let (xs, ys) = density.sample(n, using: &h)
        let perms = (0..<n).map { _ in h.permutation(M) }
        let pys = zip(ys, perms).map { GPS.permuteMeasurements($0.0, measurements: M, by: $0.1) }
        let mdaeOut = apply(mdaeNet, ys), mdaePermOut = apply(mdaeNet, pys)
        let mean = { (v: [Double]) in MixtureMDensity.measurementMean(v, measurements: M) }
        let gpsEst = apply(gpsNet, ys.map(mean)), gpsPermEst = apply(gpsNet, pys.map(mean))
        let bayes = MDAE.bayes(density)
        var eM = [Double](), eG = [Double](), sM = [Double]()
        var lossM = [Double](), lossG = [Double](), lossB = [Double](), lossAvg = [Double]()
        var excessM = [Double](), excessG = [Double](), gpsMinusMDAE = [Double]()
        var worstBayesEquivariance = 0.0, worstBayesSpread = 0.0, worstSplit = 0.0
        var controlSquared = [Double]()
        let copyFirst: MultimeasurementDenoiser = { y in (0..<M).flatMap { _ in Array(y[0..<d]) } }
        for i in 0..<n {
            let x = xs[i], y = ys[i], perm = perms[i]
            let postSD = (density.posteriorVariance(y).reduce(0, +) / Double(d)).squareRoot()
            eM.append(MDAE.equivarianceError(outputAtPermuted: mdaePermOut[i], output: mdaeOut[i], measurements: M, permutation: perm) / postSD)
            let gpsBlocks = (0..<M).flatMap { _ in gpsEst[i] }, gpsPermBlocks = (0..<M).flatMap { _ in gpsPermEst[i] }
            eG.append(MDAE.equivarianceError(outputAtPermuted: gpsPermBlocks, output: gpsBlocks, measurements: M, permutation: perm) / postSD)
            sM.append(MDAE.indexSpread(mdaeOut[i], measurements: M) / postSD)
            let b = bayes(y)
            worstBayesEquivariance = max(worstBayesEquivariance, MDAE.equivarianceError(bayes, at: y, measurements: M, permutation: perm) / postSD)
            worstBayesSpread = max(worstBayesSpread, MDAE.indexSpread(b, measurements: M) / postSD)
            controlSquared.append(pow(MDAE.equivarianceError(copyFirst, at: y, measurements: M, permutation: perm), 2))
            let lm = MDAE.loss(x: x, estimates: mdaeOut[i], measurements: M)
            let lg = MDAE.loss(x: x, estimates: gpsBlocks, measurements: M)
            let lb = MDAE.loss(x: x, estimates: b, measurements: M)
            let avg = MDAE.averagedEstimate(mdaeOut[i], measurements: M)
            let la = zip(x, avg).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            let spread = MDAE.indexSpread(mdaeOut[i], measurements: M)
            worstSplit = max(worstSplit, abs(lm - (la + spread * spread)) / max(lm, 1e-300))
            lossM.append(lm); lossG.append(lg); lossB.append(lb); lossAvg.append(la)
            excessM.append(lm - lb); excessG.append(lg - lb); gpsMinusMDAE.append(lg - lm)
        }
        let ms = { (v: [Double]) in (Stats.mean(v), Stats.standardError(v)) }
        let (eMm, eMse) = ms(eM), (sMm, sMse) = ms(sM)
        let (lMm, lMse) = ms(lossM), (lGm, lGse) = ms(lossG), (lBm, lBse) = ms(lossB), (lAm, lAse) = ms(lossAvg)
        let (xMm, xMse) = ms(excessM), (xGm, xGse) = ms(excessG), (dGM, dGMse) = ms(gpsMinusMDAE)
        let excessAvg = zip(lossAvg, lossB).map { $0 - $1 }
        let (xAm, xAse) = ms(excessAvg)
        let pm = { (v: Double, se: Double) in "\(fmt(v, digits: 4)) ± \(fmt(se, digits: 2))" }
        notebook.table(["estimator", "parameters", "training loss (last 100 steps)", "held-out loss ± s.e.",
                        "excess over MMSE ± s.e. (paired)", "E e_π/sd ± s.e.", "E s/sd ± s.e."], [
            ["Bayes E[X ∣ y] (every index, T3.1)", "—", "—", pm(lBm, lBse), "0", "≤ \(fmt(worstBayesEquivariance, digits: 2)) (max)", "≤ \(fmt(worstBayesSpread, digits: 2)) (max)"],
            ["GPS ν(ȳ), \(d) → \(gpsHidden.map(String.init).joined(separator: " → ")) → \(d)", "\(gpsNet.parameterCount)", fmt(Stats.mean(gpsTail), digits: 4),
             pm(lGm, lGse), pm(xGm, xGse), "≤ \(fmt(eG.max() ?? 0, digits: 2)) (max)", "0 (one output)"],
            ["MDAE x̂^(m)(y), \(M * d) → \(mdaeHidden.map(String.init).joined(separator: " → ")) → \(M * d)", "\(mdaeNet.parameterCount)", fmt(Stats.mean(mdaeTail), digits: 4),
             pm(lMm, lMse), pm(xMm, xMse), pm(eMm, eMse), pm(sMm, sMse)],
            ["MDAE averaged over m, x̄̂(y)", "\(mdaeNet.parameterCount)", "—", pm(lAm, lAse), pm(xAm, xAse), "—", "0"],
        ])

        // Equal size and budget.
        notebook.check("T4.10 the two networks have the same number of parameters (MDAE \(mdaeNet.parameterCount), GPS \(gpsNet.parameterCount); widths matched by MLP.twoHiddenWidths, within 0.5 %)",
                       expected: Double(mdaeNet.parameterCount), measured: Double(gpsNet.parameterCount), tolerance: .relative(0.005))
        // 1. Equivariance.
        // GPS: ȳ of πy sums the same Doubles in another order (a few 1e-16 relative), so its Float
        // input differs from ȳ's by at most one Float ulp (2⁻²³|ȳ| ≲ 5e-7), times the network's gain; 1e-5 of a posterior s.d.
        notebook.check("T4.4/T4.10 the trained GPS estimator is permutation equivariant: max over \(n) held-out draws of e_π(y)/sd (Float rounding of ȳ through ν; tolerance 1e-5)",
                       expected: 0, measured: eG.max() ?? .nan, tolerance: .absolute(1e-5))
        // Exact Bayes in Double: each block is y_m + σ²·score, rounding a few 1e-15 of terms of size ≲ 10.
        notebook.check("T3.1/T4.10 the exact-Bayes MDAE (block m = y_m + σ²∇_{y_m} log p(y)) is equivariant: max e_π(y)/sd over \(n) draws (Double rounding; 1e-10)",
                       expected: 0, measured: worstBayesEquivariance, tolerance: .absolute(1e-10))
        notebook.check("T4.10 the trained MDAE is NOT exactly equivariant: E e_π(y)/sd = \(fmt(eMm, digits: 4)) ± \(fmt(eMse, digits: 2)) is above zero by at least 4 s.e. (\(fmt(eMm / eMse, digits: 3)) s.e.)",
                       measured: eMm, atLeast: 4 * eMse)
        // Negative control for the metric: F(y)_m = y_1 for every m has e_π(y) = ‖y_{π(1)} − y_1‖, and
        // y_{π(1)} − y_1 = σ(N_{π(1)} − N_1) ~ N(0, 2σ² I_d) when π(1) ≠ 1 (probability 1 − 1/M for uniform π).
        let controlExpected = (1 - 1 / Double(M)) * 2 * Double(d) * sigma * sigma
        notebook.check("T4.10 metric control: F(y)_m = y_1 has E e_π(y)² = (1 − 1/M)·2dσ² = \(fmt(controlExpected, digits: 4)) (4 s.e.)",
                       expected: controlExpected, measured: Stats.mean(controlSquared), tolerance: .standardErrors(4, se: Stats.standardError(controlSquared)))
        // 2. One estimator or M.
        notebook.check("T3.1/T4.10 the exact-Bayes MDAE gives the same estimate from every index: max s(y)/sd over \(n) draws (Double rounding; 1e-10)",
                       expected: 0, measured: worstBayesSpread, tolerance: .absolute(1e-10))
        notebook.check("T4.10 the trained MDAE's M estimates disagree: E s(y)/sd = \(fmt(sMm, digits: 4)) ± \(fmt(sMse, digits: 2)) is above zero by at least 4 s.e. (\(fmt(sMm / sMse, digits: 3)) s.e.)",
                       measured: sMm, atLeast: 4 * sMse)
        // The split is an algebraic identity evaluated in Double on the network's outputs: relative rounding ~1e-15.
        notebook.check("T4.10 MDAE loss = loss of x̄̂ + s², draw by draw (max relative error over \(n) draws; 1e-12)",
                       expected: 0, measured: worstSplit, tolerance: .absolute(1e-12))
        // 3. Losses against the MMSE: theory says neither network can beat E[X | y] in expectation.
        notebook.check("T4.10 GPS held-out loss is not below the Bayes MMSE: excess \(pm(xGm, xGse)) ≥ −4 s.e. of the paired difference",
                       measured: xGm, atLeast: -4 * xGse)
        notebook.check("T4.10 MDAE held-out loss is not below the Bayes MMSE: excess \(pm(xMm, xMse)) ≥ −4 s.e. of the paired difference",
                       measured: xMm, atLeast: -4 * xMse)
        let zGM = dGM / dGMse
        findings["mdae excess"] = xMm; findings["gps excess"] = xGm; findings["gps minus mdae z"] = zGM
        let verdict: String
        if zGM <= -4 { verdict = "GPS is the better estimator here, by \(fmt(-zGM, digits: 3)) s.e. of the paired difference" }
        else if zGM >= 4 { verdict = "the MDAE is the better estimator here, by \(fmt(zGM, digits: 3)) s.e. of the paired difference — the symmetry GPS builds in did not pay off at this budget" }
        else { verdict = "the two losses do not differ at 4 s.e. (\(fmt(zGM, digits: 3)) s.e.)" }
        notebook.prose("""
            Result at this seed and budget: the Bayes MMSE is \(pm(lBm, lBse)) per draw; GPS exceeds it by \
            \(pm(xGm, xGse)) (\(fmt(100 * xGm / lBm, digits: 3)) %), the MDAE by \(pm(xMm, xMse)) \
            (\(fmt(100 * xMm / lBm, digits: 3)) %). The paired difference GPS − MDAE is \(pm(dGM, dGMse)): \(verdict). \
            Of the MDAE's excess, E s² = \(fmt(lMm - lAm, digits: 4)) is the disagreement between its M outputs; \
            averaging them (x̄̂, last row) removes exactly that part, and what remains, \(pm(xAm, xAse)), is the \
            error of the average itself. GPS spends all its parameters on a function of d inputs, the MDAE on a \
            function of Md inputs that must also learn to ignore everything in y except ȳ (T4.1: ȳ is \
            sufficient) and to give one answer M times. (Every batch is fresh, so neither network can overfit; column 3, \
            the training loss averaged over the last 100 batches, is shown for reference and is noisier than the held-out losses.)
            """)

        // Figure: per-index errors against the Bayes estimate on the first held-out draws.
        let shown = min(n, 400)
        var plot = Plot(title: "Estimates minus the Bayes estimate E[X | y] (first \(shown) held-out draws, M = \(M))",
                        xLabel: "x̂₁ − E[X₁ | y]", yLabel: "x̂₂ − E[X₂ | y]")
        plot.width = 900; plot.height = 700
        let bayesRows = (0..<shown).map { MDAE.averagedEstimate(bayes(ys[$0]), measurements: M) }
        if d >= 2 {
            for m in 0..<min(M, 6) {
                let dx = (0..<shown).map { mdaeOut[$0][m * d] - bayesRows[$0][0] }
                let dy = (0..<shown).map { mdaeOut[$0][m * d + 1] - bayesRows[$0][1] }
                plot.add(Series("MDAE x̂^(\(m + 1))(y)", x: dx, y: dy, style: .points, color: Color.cycle[m % Color.cycle.count]))
            }
            plot.add(Series("GPS ν(ȳ)", x: (0..<shown).map { gpsEst[$0][0] - bayesRows[$0][0] },
                            y: (0..<shown).map { gpsEst[$0][1] - bayesRows[$0][1] }, style: .points, color: .black))
        } else {
            plot.xLabel = "draw"; plot.yLabel = "x̂ − E[X | y]"
            for m in 0..<min(M, 6) {
                plot.add(Series("MDAE x̂^(\(m + 1))(y)", x: (0..<shown).map(Double.init), y: (0..<shown).map { mdaeOut[$0][m] - bayesRows[$0][0] },
                                style: .points, color: Color.cycle[m % Color.cycle.count]))
            }
            plot.add(Series("GPS ν(ȳ)", x: (0..<shown).map(Double.init), y: (0..<shown).map { gpsEst[$0][0] - bayesRows[$0][0] }, style: .points, color: .black))
        }
        notebook.figure("mdae-vs-gps-errors.png", caption: "Each trained estimate minus the exact posterior mean, per held-out draw (first two coordinates): the MDAE's M estimates (one colour per index m) scatter around the Bayes estimate separately — they disagree with each other (T4.10) — while GPS gives one estimate (black).", plot: plot)

        var bars = Plot(title: "Held-out excess loss over the Bayes MMSE (± 2 s.e., paired)", xLabel: "estimator: 1 GPS, 2 MDAE, 3 MDAE averaged over m",
                        yLabel: "E‖X − x̂‖² − MMSE")
        bars.width = 800; bars.height = 480
        let values = [(xGm, xGse), (xMm, xMse), (xAm, xAse)]
        bars.add(Series("excess loss", x: [1, 2, 3], y: values.map(\.0), style: .bars, color: Color.cycle[0]))
        for (i, v) in values.enumerated() {
            bars.add(Series("", x: [Double(i + 1), Double(i + 1)], y: [v.0 - 2 * v.1, v.0 + 2 * v.1], style: .line, color: .black))
        }
        let top = values.map { $0.0 + 2 * $0.1 }.max()!, bottom = min(0, values.map { $0.0 - 2 * $0.1 }.min()!)
        bars.yRange = (bottom - 0.05 * (top - bottom))...(top + 0.25 * (top - bottom))
        bars.xRange = 0.4...3.6
        notebook.figure("mdae-vs-gps-excess-loss.png", caption: "Excess held-out loss over the Bayes MMSE of GPS, the MDAE, and the MDAE's outputs averaged over the index (bars ± 2 s.e. of the paired difference).", plot: bars)
    }
}
