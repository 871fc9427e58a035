import Figures
import Foundation
import Notebook
import NumericCore
import Theory

// MARK: - §1 Tweedie–Miyasawa on a mixture prior (T2.1, T2.2)

extension Chapter {
    func tweedieOnAMixture() {
        let sigma = setup.sigma, radius = setup.radius
        notebook.section("1. Tweedie–Miyasawa on a Gaussian-mixture prior (T2.1, T2.2)")
        notebook.prose("""
        For this prior everything is in closed form: p_Y is the same mixture with τ² → τ² + σ² (T1.4), and \
        the posterior mean can be computed directly as a responsibility-weighted average of the \
        component posterior means. Tweedie's formula needs only ∇log p_Y. Both sides are evaluated on a \
        41 × 41 grid of y over [−\(fmt(radius + 1.5)), \(fmt(radius + 1.5))]², σ = \(fmt(sigma)).
        """)
        notebook.equation("E[X|y] = Σ_k w_k(y) (μ_k + τ²/(τ² + σ²) (y − μ_k)),   w_k computed with variance τ² + σ²")
        checkKeyIdentity()
        checkTweedieOnGrid()
        monteCarloPosteriorMeans()
        tweedieFieldFigure()
    }

    /// T2.1 by central differences of the Gaussian likelihood at 200 random (x, y) pairs.
    func checkKeyIdentity() {
        let sigma = setup.sigma, s2 = sigma * sigma
        var r = stream()
        var worst21 = 0.0
        for _ in 0..<200 {
            let x = [2 * r.gaussian(), 2 * r.gaussian()], y = [x[0] + sigma * r.gaussian(), x[1] + sigma * r.gaussian()]
            let lik = DiagonalGaussian(mean: x, variances: [s2, s2])  // p(y|x) as a density of y
            let g = lik.finiteDifferenceScore(y)  // ∇_y log p(y|x)
            // σ² ∇_y p = σ² p ∇_y log p must equal (x − y) p: compare σ²∇log p with x − y.
            worst21 = max(worst21, Stats.maxAbsoluteError(g.map { $0 * s2 }, [x[0] - y[0], x[1] - y[1]]))
        }
        notebook.check("T2.1: σ²∇_y log p(y|x) = x − y (central differences, 200 random pairs)", expected: 0, measured: worst21, tolerance: .absolute(1e-7))
    }

    /// T2.2: Tweedie's y + σ²∇log p_Y(y) against the direct posterior mean on a 41 × 41 grid.
    func checkTweedieOnGrid() {
        let sigma = setup.sigma, s2 = sigma * sigma
        let pY = prior.smoothed(noiseVariance: s2)
        let ext = setup.radius + 1.5
        var worst = 0.0
        for i in 0...40 {
            for j in 0...40 {
                let y = [-ext + 2 * ext * Double(i) / 40, -ext + 2 * ext * Double(j) / 40]
                let s = pY.score(y)
                let tweedie = [y[0] + s2 * s[0], y[1] + s2 * s[1]]
                worst = max(worst, Stats.maxAbsoluteError(tweedie, prior.posteriorMean(y, sigma: sigma)))
            }
        }
        notebook.check("T2.2: y + σ²∇log p_Y(y) = direct E[X|y] on 1681 grid points (rounding error)", expected: 0, measured: worst, tolerance: .absolute(1e-12))
    }

    /// The points y where the Monte Carlo posterior mean is compared with Tweedie's.
    var monteCarloProbes: [[Double]] {
        let radius = setup.radius, modes = Double(setup.modes)
        return [[radius, 0], [radius * cos(Double.pi / modes), radius * sin(Double.pi / modes)], [0, 0], [0.5 * radius, -0.3 * radius], [radius + 1, 1]]
    }

    /// Self-normalised importance sampling of E[X|y] with the prior as the proposal, checked against
    /// Tweedie within 4 delta-method standard errors where at least 100 draws effectively count.
    func monteCarloPosteriorMeans() {
        let sigma = setup.sigma, s2 = sigma * sigma
        notebook.prose("""
        A third, brute-force route: draw x_i from the prior and weight each by the likelihood p(y|x_i) \
        (self-normalised importance sampling with the prior as the proposal). Its standard error comes \
        from the delta method, se² = Σ_i w_i² (x_i − x̂)² / (Σ_i w_i)², and the effective sample size \
        (Σw)²/Σw² tells how many draws really count. \(fmt(setup.mcSamples)) prior draws, shared by all y; each \
        coordinate is checked against the Tweedie value with a tolerance of 4 standard errors.
        """)
        var rm = stream()
        let draws = prior.sample(setup.mcSamples, using: &rm)
        let probes = monteCarloProbes
        var rows = [[String]]()
        let minESS = 100.0
        var checked = 0, skipped = [String]()
        for y in probes {
            // log p(y|x_i) up to a constant, which self-normalisation removes.
            let logw = draws.map { x -> Double in let a = y[0] - x[0], b = y[1] - x[1]; return -(a * a + b * b) / (2 * s2) }
            let mc = ImportanceSampling.selfNormalised(draws, logWeights: logw)
            let est = mc.mean, se = mc.standardError, ess = mc.effectiveSampleSize
            let exact = prior.posteriorMean(y, sigma: sigma)
            let label = "(\(fmt(y[0], digits: 3)), \(fmt(y[1], digits: 3)))"
            if ess >= minESS {
                checked += 1
                for c in 0..<2 {
                    notebook.check("y = \(label): Monte Carlo E[X_\(c + 1)|y] = Tweedie value", expected: exact[c], measured: est[c], tolerance: .standardErrors(4, se: se[c]))
                }
            } else {
                skipped.append(label)
            }
            rows.append([label, fmt(exact[0], digits: 5), fmt(exact[1], digits: 5), fmt(est[0], digits: 5), fmt(est[1], digits: 5),
                         fmt(max(se[0], se[1]), digits: 2), fmt(ess, digits: 4) + (ess < minESS ? " (too few)" : "")])
        }
        if !skipped.isEmpty {
            notebook.prose("Not checked: \(skipped.joined(separator: ", ")) — fewer than \(fmt(minESS)) effective samples. There the prior puts almost no mass near y, the weights degenerate onto a handful of draws, and the delta-method standard error is itself unreliable: importance sampling from the prior fails exactly where Tweedie's formula keeps working.")
        }
        notebook.check("the Monte Carlo comparison had enough effective samples (≥ \(fmt(minESS))) at some probe", checked > 0, detail: "\(checked) of \(probes.count) probes checked")
        notebook.table(["y", "x̂₁ Tweedie", "x̂₂ Tweedie", "x̂₁ MC", "x̂₂ MC", "MC s.e.", "effective samples"], rows)
    }

    /// Figure: the denoising field x̂(y) − y on top of the data.
    func tweedieFieldFigure() {
        let sigma = setup.sigma, ext = setup.radius + 1.5
        var p = Plot(title: "Tweedie: x̂(y) − y = σ²∇log p_Y(y), σ = \(fmt(sigma)) (arrows × 0.3)", xLabel: "y₁", yLabel: "y₂")
        p.width = 640; p.height = 640
        var rs = stream()
        let data = prior.sample(1500, using: &rs)
        p.add(Series("data x ~ p_X", x: data.map { $0[0] }, y: data.map { $0[1] }, style: .points, color: Color(0.6, 0.75, 0.95)))
        addArrows(&p, grid: 19, extent: ext, scale: 0.3, name: "y (base), arrow 0.3 (x̂(y) − y)", color: Color(0.1, 0.1, 0.1)) { prior.posteriorMean($0, sigma: sigma) }
        p.xRange = -ext...ext; p.yRange = -ext...ext
        notebook.figure("tweedie-field.png", caption: "The Bayes denoiser moves every noisy point towards the data: x̂(y) − y = σ²∇log p_Y(y)", plot: p)
    }
}
