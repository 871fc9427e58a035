import Figures
import Foundation
import Notebook
import NumericCore
import Theory

// MARK: - §5 The Fourier view of smoothing (T2.6)

extension Chapter {
    /// The frequencies of the checks, ω = (t, 0) with t = 0.25, 0.5, …, 8 (the ring of means is 2r wide,
    /// so its characteristic function oscillates on the scale 1/r; the components' own envelope
    /// e^{−τ²t²/2} is still 0.24 at t = 8 for τ = 0.15).
    var fourierFrequencies: [Double] { (1...32).map { 0.25 * Double($0) } }

    /// The closed forms of the section: φ_X(ω) of the prior and φ_Y = e^{−σ²‖ω‖²/2} φ_X (σ = 0 for X).
    func closedFormPhi(_ omega: [Double], sigma: Double) -> CharacteristicFunction.Value {
        let phiX = prior.characteristicFunction(omega)
        let f = CharacteristicFunction.gaussianNoiseFactor(sigma: sigma, omega: omega)
        return CharacteristicFunction.Value(re: f * phiX.re, im: f * phiX.im)
    }

    /// The exact standard errors of φ̂ at ω for n draws of the law of X + σε (T2.6).
    func closedFormStandardErrors(_ omega: [Double], sigma: Double, count n: Int) -> (re: Double, im: Double) {
        CharacteristicFunction.standardErrors(phi: closedFormPhi(omega, sigma: sigma),
                                              phiAtTwiceOmega: closedFormPhi(omega.map { 2 * $0 }, sigma: sigma), count: n)
    }

    func fourierViewOfSmoothing() {
        let n = setup.ecfSamples, sigmas = setup.sigmas
        notebook.section("5. Smoothing in Fourier space: noise damps high frequencies (T2.6)")
        notebook.prose("""
        Adding independent noise convolves densities, p_Y = p_X * N(0, σ²I), and a convolution is a \
        product in Fourier space: the characteristic function φ(ω) = E e^{iω·X} of Y = X + σε is that of X \
        times the Gaussian's e^{−σ²‖ω‖²/2}. Noise leaves the low frequencies (the coarse shape, ‖ω‖ ≪ 1/σ) \
        alone and wipes out the high ones (detail on scales below σ) — the same statement as T1.4's \
        filled-in gaps between modes, seen frequency by frequency. For the ring mixture φ_X is in closed \
        form; its modulus oscillates (the ring's spacing) under the components' envelope e^{−τ²‖ω‖²/2}.
        """)
        notebook.equation("φ_Y(ω) = e^{−σ²‖ω‖²/2} φ_X(ω),     φ_X(ω) = e^{−τ²‖ω‖²/2} Σ_k π_k e^{iω·μ_k}",
                          "φ̂(ω) = (1/n) Σ_j e^{iω·x_j},   Var Re φ̂ = [(1 + Re φ(2ω))/2 − (Re φ(ω))²]/n,   Var Im φ̂ = [(1 − Re φ(2ω))/2 − (Im φ(ω))²]/n")
        notebook.prose("""
        The empirical characteristic function (ECF) φ̂ of n = \(fmt(n)) draws of X, and of Y = X + σε for \
        each σ of --sigmas (the same x_j, fresh ε), is compared with the closed forms at the \
        \(fourierFrequencies.count) frequencies ω = (t, 0), t = 0.25, 0.5, …, 8. φ̂ is a mean of n independent \
        bounded terms, and its variance follows from cos²θ = (1 + cos 2θ)/2 and sin²θ = (1 − cos 2θ)/2 \
        (the formula above, T2.6), so the standard errors are exact, not estimated. Each check takes the \
        largest of its 2 × \(fourierFrequencies.count) normalised deviations |φ̂ − φ|/s.e. (real and \
        imaginary parts) and asks for at most 4: by the union bound a false alarm has probability at most \
        \(2 * fourierFrequencies.count) × \(fmt(falseAlarmRate(4), digits: 2)) = \(fmt(Double(2 * fourierFrequencies.count) * falseAlarmRate(4), digits: 2)). \
        (The mixture is symmetric about 0, so Im φ = 0; the imaginary parts check that φ̂'s are noise of the stated size.)
        """)
        notebook.prose("""
        The ratio |φ̂_Y/φ̂_X| estimates the noise factor e^{−σ²t²/2} itself, wherever both moduli stand well \
        clear of their noise: |φ| ≥ 10 s, s = √(Var Re φ̂ + Var Im φ̂) the exact s.e. of φ̂. To first order \
        |φ̂| − |φ| is the component of φ̂ − φ along φ, whose s.d. is at most s; the two relative errors \
        may be correlated (the same x_j), and the s.d. of their difference is at most the sum s_Y/|φ_Y| + \
        s_X/|φ_X|. So each ratio must lie within 4 · e^{−σ²t²/2} · (s_Y/|φ_Y| + s_X/|φ_X|) of e^{−σ²t²/2}; a \
        check reports the largest normalised deviation over the frequencies that qualify.
        """)
        var r = stream()
        let xs = prior.sample(n, using: &r)
        let ys = sigmas.map { s in xs.map { [$0[0] + s * r.gaussian(), $0[1] + s * r.gaussian()] } }
        let omegas = fourierFrequencies.map { [$0, 0] }
        let ecfX = omegas.map { CharacteristicFunction.empirical(xs, at: $0) }
        let ecfY = ys.map { y in omegas.map { CharacteristicFunction.empirical(y, at: $0) } }
        checkEmpiricalCharacteristicFunction(ecfX, sigma: 0, label: "X")
        for (k, s) in sigmas.enumerated() {
            checkEmpiricalCharacteristicFunction(ecfY[k], sigma: s, label: "Y = X + σε, σ = \(fmt(s))")
        }
        let ratios = checkDampingRatios(ecfX: ecfX, ecfY: ecfY)
        characteristicFunctionFigure(ecfX: ecfX, ecfY: ecfY)
        dampingRatioFigure(ratios)
    }

    /// φ̂ against the closed form at every frequency: the largest |φ̂ − φ|/s.e. over the real and
    /// imaginary parts, at most 4.
    func checkEmpiricalCharacteristicFunction(_ ecf: [CharacteristicFunction.Empirical], sigma: Double, label: String) {
        var worst = 0.0
        for (omega, e) in zip(fourierFrequencies.map { [$0, 0] }, ecf) {
            let phi = closedFormPhi(omega, sigma: sigma)
            let se = closedFormStandardErrors(omega, sigma: sigma, count: e.count)
            worst = max(worst, abs(e.value.re - phi.re) / se.re, abs(e.value.im - phi.im) / se.im)
        }
        let closedForm = sigma == 0 ? "φ_X" : "e^{−σ²‖ω‖²/2} φ_X"
        notebook.check("T2.6: the ECF of \(label) matches \(closedForm) at \(ecf.count) frequencies: largest |φ̂ − φ|/s.e. (exact s.e., Re and Im) ≤ 4",
                       measured: worst, atMost: 4)
    }

    /// One frequency of the ratio check: t, the measured |φ̂_Y/φ̂_X| and its tolerance's s.e.
    struct DampingRatio { let sigma: Double; let t: [Double]; let measured: [Double]; let se: [Double] }

    /// |φ̂_Y/φ̂_X| against e^{−σ²t²/2} where both |φ_X| and |φ_Y| are at least 10 exact s.e. (so the
    /// first-order error propagation holds; its neglected second-order bias is below 0.1 s.e.).
    func checkDampingRatios(ecfX: [CharacteristicFunction.Empirical], ecfY: [[CharacteristicFunction.Empirical]]) -> [DampingRatio] {
        let n = setup.ecfSamples
        var results = [DampingRatio]()
        var rows = [[String]]()
        for (k, s) in setup.sigmas.enumerated() {
            var ts = [Double](), measured = [Double](), ses = [Double]()
            var worst = 0.0
            for (i, t) in fourierFrequencies.enumerated() {
                let omega = [t, 0]
                let phiX = closedFormPhi(omega, sigma: 0), phiY = closedFormPhi(omega, sigma: s)
                let seX = closedFormStandardErrors(omega, sigma: 0, count: n), seY = closedFormStandardErrors(omega, sigma: s, count: n)
                let sX = (seX.re * seX.re + seX.im * seX.im).squareRoot(), sY = (seY.re * seY.re + seY.im * seY.im).squareRoot()
                guard phiX.modulus >= 10 * sX, phiY.modulus >= 10 * sY else { continue }
                let f = CharacteristicFunction.gaussianNoiseFactor(sigma: s, omega: omega)
                let ratio = ecfY[k][i].value.modulus / ecfX[i].value.modulus
                let se = f * (sY / phiY.modulus + sX / phiX.modulus)
                worst = max(worst, abs(ratio - f) / se)
                ts.append(t); measured.append(ratio); ses.append(se)
            }
            results.append(DampingRatio(sigma: s, t: ts, measured: measured, se: ses))
            if ts.isEmpty {
                // Not a failure of T2.6: at this σ (or with a broad prior) the damped φ_Y sinks below the
                // ECF's noise floor ≈ 1/√(2n) at every frequency of the grid, so the ratio is noise.
                notebook.prose("Not checked at σ = \(fmt(s)): none of the \(fourierFrequencies.count) frequencies has |φ_X| and |φ_Y| ≥ 10 s.e. at n = \(fmt(n)) (raise --ecf-samples to lower the noise floor).")
                continue
            }
            notebook.check("T2.6, σ = \(fmt(s)): |φ̂_Y/φ̂_X| = e^{−σ²t²/2} at the \(ts.count) \(ts.count == 1 ? "frequency" : "frequencies") t ≤ \(fmt(ts.max()!)) with |φ| ≥ 10 s.e.: largest deviation / s.e. ≤ 4",
                           measured: worst, atMost: 4)
            let last = ts.count - 1
            rows.append([fmt(s), "\(ts.count)", fmt(ts[last]), fmt(CharacteristicFunction.gaussianNoiseFactor(sigma: s, omega: [ts[last], 0]), digits: 4),
                         fmt(measured[last], digits: 4), fmt(ses[last], digits: 2), fmt(CharacteristicFunction.dampingFrequency(sigma: s, factor: 0.1), digits: 3)])
        }
        notebook.table(["σ", "frequencies checked", "largest t checked", "e^{−σ²t²/2} there", "|φ̂_Y/φ̂_X| there", "s.e.", "t of tenfold damping √(2 ln 10)/σ"], rows)
        return results
    }

    /// Figure: |φ_X| and |φ_Y| for each σ — closed forms as lines, the ECF as points.
    func characteristicFunctionFigure(ecfX: [CharacteristicFunction.Empirical], ecfY: [[CharacteristicFunction.Empirical]]) {
        var p = Plot(title: "Noise damps high frequencies: |φ(ω)| along ω = (t, 0)", xLabel: "t = ‖ω‖", yLabel: "|φ(t, 0)|")
        p.width = 900
        let fine = (0...400).map { 8 * Double($0) / 400 }
        p.add(Series("X (closed form; points: ECF)", x: fine, y: fine.map { closedFormPhi([$0, 0], sigma: 0).modulus }, style: .line, color: .black))
        p.add(Series("", x: fourierFrequencies, y: ecfX.map(\.value.modulus), style: .points, color: .black))
        for (k, s) in setup.sigmas.enumerated() {
            let color = Color.cycle[k % Color.cycle.count]
            p.add(Series("Y, σ = \(fmt(s))", x: fine, y: fine.map { closedFormPhi([$0, 0], sigma: s).modulus }, style: .line, color: color))
            p.add(Series("", x: fourierFrequencies, y: ecfY[k].map(\.value.modulus), style: .points, color: color))
        }
        p.yRange = 0...1.02
        notebook.figure("fourier-damping.png", caption: "|φ_X| (black) oscillates with the ring's spacing under the components' envelope; each σ multiplies it by e^{−σ²t²/2} (coloured lines). Points: the ECF of n = \(fmt(setup.ecfSamples)) draws, which bottoms out at its noise level ≈ 1/√(2n) = \(fmt(1 / (2 * Double(setup.ecfSamples)).squareRoot(), digits: 2)) where |φ| is smaller", plot: p)
    }

    /// Figure: the measured damping |φ̂_Y/φ̂_X| with ±2 s.e. against e^{−σ²t²/2}.
    func dampingRatioFigure(_ ratios: [DampingRatio]) {
        var p = Plot(title: "The damping factor |φ_Y/φ_X| = exp(−σ²t²/2): measured (points) and exact (lines)", xLabel: "t = ‖ω‖", yLabel: "|φ̂_Y / φ̂_X|", yScale: .log)
        p.width = 900
        let fine = (0...400).map { 8 * Double($0) / 400 }
        for (k, d) in ratios.enumerated() {
            let color = Color.cycle[k % Color.cycle.count]
            p.add(Series("σ = \(fmt(d.sigma))", x: fine, y: fine.map { CharacteristicFunction.gaussianNoiseFactor(sigma: d.sigma, omega: [$0, 0]) }, style: .line, color: color))
            p.add(Series("", x: d.t, y: d.measured, style: .points, color: color))
            for (t, (m, se)) in zip(d.t, zip(d.measured, d.se)) where m - 2 * se > 0 {
                p.add(Series("", x: [t, t], y: [m - 2 * se, m + 2 * se], style: .line, color: color))
            }
        }
        p.yRange = 1e-3...1.5
        notebook.figure("fourier-damping-ratio.png", caption: "Where |φ_X| and |φ_Y| stand at least 10 s.e. above the noise, their measured ratio (points, bars ±2 s.e.) follows e^{−σ²t²/2} (lines)", plot: p)
    }
}
