import Figures
import Foundation
import Notebook
import NumericCore
import Samplers
import Theory

/// One run of the chapter: the notebook, the validated setup, the random stream, and the numbers
/// later sections and the conclusions quote.
final class Chapter {
    let notebook: Notebook
    let setup: ChapterSetup
    let prior: GaussianMixture
    var rng: Xoshiro256
    /// ν: the optimal denoiser of the class σ_eff (stand-in for a trained network).
    let nu: GPSDenoiser
    /// Numbers quoted in the conclusions.
    var findings: [String: Double] = [:]
    var lossRows: [(M: Int, loss: Double, se: Double)] = []
    var samplingRows: [String: [(M: Int, iat: Double, iatSE: Double, switches: Double, switchesSE: Double)]] = [:]

    init(setup: ChapterSetup, figuresDirectory: String) {
        self.setup = setup
        prior = setup.prior
        rng = Xoshiro256(seed: setup.seed)
        setBLASThreads(1)  // the walks run on both cores themselves; BLAS calls inside them stay single-threaded
        nu = GPS.optimalDenoiser(prior: setup.prior, sigmaEff: setup.sigmaEff)
        notebook = Notebook(
            title: "Chapter 4 — Universality classes of (M, σ) models and the GPS parametrisation",
            slug: "chapter4-universality", figuresDirectory: figuresDirectory,
            parameters: [("seed", "\(setup.seed)"), ("σ_eff", fmt(setup.sigmaEff)), ("σ_eff'", fmt(setup.otherSigmaEff)),
                         ("class M", setup.members.map(String.init).joined(separator: ",")), ("d", "\(setup.dim)"),
                         ("K", "\(setup.components)"), ("Δ", fmt(setup.separation)), ("τ", fmt(setup.tau)),
                         ("samples", "\(setup.samples)"), ("test size", "\(setup.testSize)"),
                         ("permutations", "\(setup.permutations)"), ("chains", "\(setup.chains)"),
                         ("steps", "\(setup.steps)"), ("δ₁", fmt(setup.step)), ("γδ₁", fmt(setup.effectiveFriction)),
                         ("σ_m (T4.8)", setup.sigmas.map { fmt($0) }.joined(separator: ",")),
                         ("Gamma a, b (T4.9)", "\(fmt(setup.poissonShape)), \(fmt(setup.poissonRate))"),
                         ("MDAE M, steps (T4.10)", "\(setup.mdaeMeasurements), \(setup.mdaeSteps)")])
    }

    /// A fresh independent random stream (Monte Carlo runs never share draws).
    func stream() -> Xoshiro256 { rng.split() }

    // MARK: - Introduction

    func introduction() {
        notebook.section("The model")
        notebook.prose("""
            Clean data X ∈ R^d has a mixture-of-Gaussians prior p_X = Σ_k π_k N(μ_k, τ² I) with K = \(setup.components) \
            equally weighted components whose means sit on vertices of a cube, neighbours Δ = \(fmt(setup.separation)) apart, \
            τ = \(fmt(setup.tau)), d = \(setup.dim). The (M, σ) model observes M noisy copies Y_m = X + σ N_m; \
            y = (y_1, …, y_M) ∈ R^{Md} has the M-density p(y) = ∫ Π_m N(y_m; x, σ² I) p_X(x) dx, and ȳ = (1/M) Σ_m y_m. \
            Everything below is computed in double precision; the mixture makes every density, score and posterior \
            available in closed form, so each claim is checked against an exact value or against Monte Carlo with its \
            standard error.
            """)
        notebook.table(["symbol", "meaning", "flag"], [
            ["M", "number of measurements", "--classes (one M per member)"],
            ["σ", "noise level of every measurement", "σ = σ_eff √M"],
            ["σ_eff", "σ/√M, the label of a universality class", "--sigma-eff, --other-sigma-eff"],
            ["ȳ", "mean of the M measurements", ""],
            ["ν", "denoiser of ȳ (network or closed form): x̂ = ν(ȳ)", ""],
            ["δ, γ, u", "Langevin step, friction, inverse mass", "--step (δ₁), --friction (γδ₁)"],
        ])
        notebook.table(["member", "M", "σ = σ_eff √M", "σ/√M"], setup.members.map { M in
            ["(\(M), \(fmt(setup.sigma(M), digits: 4)))", "\(M)", fmt(setup.sigma(M)), fmt(setup.sigma(M) / Double(M).squareRoot())]
        })
    }

    // MARK: - T4.1

    /// Random test points: M ∈ 1…8, σ log-uniform in [0.2, 2], y = x + σ s ε with x from the prior and a
    /// random spread s ∈ [0.5, 2] (so points off the typical set are tested too).
    func randomCase(_ r: inout Xoshiro256, maxM: Int = 8) -> (density: MixtureMDensity, y: [Double], x: [Double]) {
        let M = 1 + r.int(below: maxM)
        let sigma = 0.2 * pow(10, r.uniform())
        let density = MixtureMDensity(prior: prior, measurements: M, sigma: sigma)
        let x = prior.sample(1, using: &r)[0]
        let spread = 0.5 + 1.5 * r.uniform()
        var y = [Double](repeating: 0, count: M * setup.dim)
        for m in 0..<M { for i in 0..<setup.dim { y[m * setup.dim + i] = x[i] + sigma * spread * r.gaussian() } }
        return (density, y, x)
    }

    func factorisation() throws {
        notebook.section("T4.1 — the M-density factorises through ȳ")
        notebook.prose("""
            Completing the square in x gives the identity Σ_m ‖y_m − x‖² = Σ_m ‖y_m − ȳ‖² + M‖ȳ − x‖², so the \
            likelihood of x depends on y only through ȳ, and
            """)
        notebook.equation("p(y) = C_{M,σ} · exp(−Σ_m ‖y_m − ȳ‖² / (2σ²)) · p_{σ/√M}(ȳ),    C_{M,σ} = (2πσ²)^{−Md/2} (2πσ²/M)^{d/2}",
                          "p_{σ/√M} = p_X * N(0, σ²/M · I)  (for the mixture: the same mixture with τ² → τ² + σ²/M)")
        notebook.prose("""
            The direct route needs no identity: given component k, y is Gaussian in R^{Md} with mean 1_M ⊗ μ_k and \
            covariance (τ² 11ᵀ + σ² I_M) ⊗ I_d, whose inverse (I − β 11ᵀ)/σ², β = τ²/(σ² + Mτ²), and determinant \
            σ^{2(M−1)d}(σ² + Mτ²)^d follow from Sherman–Morrison. A third, plain route builds the dense Md×Md \
            covariance and factorises it with LAPACK's Cholesky. The three are compared on random y, M ∈ 1…8, \
            σ ∈ [0.2, 2].
            """)
        var r = stream()
        let trials = 300
        var worstIdentity = 0.0, worstFactorised = 0.0, worstDense = 0.0, denseTrials = 0
        var rows = [[String]]()
        for t in 0..<trials {
            let (density, y, x) = randomCase(&r)
            let sides = measurementIdentitySides(y, x: x, measurements: density.measurements)
            worstIdentity = max(worstIdentity, Stats.relativeError(sides.right, sides.left))
            let direct = density.logDensityDirect(y)
            let factorised = density.logDensityFactorised(y)
            worstFactorised = max(worstFactorised, Stats.relativeError(factorised, direct))
            if density.dimension <= 64 {
                let dense = try density.logDensityDense(y)
                worstDense = max(worstDense, Stats.relativeError(dense, direct))
                denseTrials += 1
                if t < 4 {
                    rows.append(["\(density.measurements)", fmt(density.sigma, digits: 4), fmt(direct, digits: 12),
                                 fmt(factorised, digits: 12), fmt(dense, digits: 12)])
                }
            }
        }
        notebook.table(["M", "σ", "log p direct (Sherman–Morrison)", "log p factorised (T4.1)", "log p dense (Cholesky)"], rows)
        notebook.check("T4.1 identity Σ‖y_m − x‖² = Σ‖y_m − ȳ‖² + M‖ȳ − x‖² (max over \(trials) random cases)",
                       expected: 0, measured: worstIdentity, tolerance: .absolute(1e-12))
        notebook.check("T4.1 factorised log p(y) equals the direct Gaussian-mixture log p(y) in R^{Md} (max rel. error, \(trials) cases)",
                       expected: 0, measured: worstFactorised, tolerance: .absolute(1e-10))
        notebook.check("direct log p(y) equals the dense LAPACK-Cholesky evaluation (max rel. error, \(denseTrials) cases with Md ≤ 64)",
                       expected: 0, measured: worstDense, tolerance: .absolute(1e-10))
    }

    // MARK: - T4.2

    func scores() {
        notebook.section("T4.2 — the score")
        notebook.prose("Differentiating the factorised form:")
        notebook.equation("∇_{y_m} log p(y) = (ȳ − y_m)/σ² + (1/M) ∇log p_{σ/√M}(ȳ)")
        notebook.prose("""
            It is compared with central finite differences (step 1e-5) of the direct log p in R^{Md}, and with the \
            score obtained by differentiating the direct component Gaussians, Σ_k w_k(y) · (−1/σ²)(r_mk − β Σ_m' r_m'k), \
            r_mk = y_m − μ_k, which never uses ȳ.
            """)
        var r = stream()
        var worstFD = 0.0, worstDirect = 0.0
        let trials = 100
        for _ in 0..<trials {
            let (density, y, _) = randomCase(&r)
            let g = density.score(y)
            let scale = max(1, g.map(abs).max()!)
            // finite differences of the *direct* log-density (independent of T4.1/T4.2)
            let fd = finiteDifferenceGradient(of: density.logDensityDirect, at: y)
            worstFD = max(worstFD, Stats.maxAbsoluteError(fd, g) / scale)
            worstDirect = max(worstDirect, Stats.maxAbsoluteError(density.scoreDirect(y), g) / scale)
        }
        notebook.check("T4.2 score equals central finite differences of the direct log p (max |Δ|/max(1, ‖g‖∞), \(trials) cases; O(h²) + rounding/h)",
                       expected: 0, measured: worstFD, tolerance: .absolute(1e-6))
        notebook.check("T4.2 score equals the score of the direct component Gaussians (max |Δ|/max(1, ‖g‖∞))",
                       expected: 0, measured: worstDirect, tolerance: .absolute(1e-10))
    }

    // MARK: - T3.1 and T4.3

    func estimators() {
        notebook.section("T3.1 and T4.3 — one Bayes estimator for every measurement")
        notebook.prose("""
            The multimeasurement Tweedie formula (T3.1) gives x̂(y) = y_m + σ² ∇_{y_m} log p(y) for any index m. \
            With the score from the direct form each m gives a different-looking expression; T4.2 shows they are one \
            and the same function of ȳ:
            """)
        notebook.equation("x̂(y) = ȳ + (σ²/M) ∇log p_{σ/√M}(ȳ)   (T4.3: Tweedie for ȳ = X + (σ/√M) ε)",
                          "     = Σ_k w_k(y) (μ_k + τ²/(τ² + σ²/M) (ȳ − μ_k))   (posterior components, computed directly)")
        var r = stream()
        var spreadAcrossM = 0.0, vsT43 = 0.0, vsPosterior = 0.0, vsNu = 0.0
        let trials = 200
        for _ in 0..<trials {
            let (density, y, _) = randomCase(&r)
            let t43 = density.bayesEstimator(y)
            let perIndex = (0..<density.measurements).map { density.bayesEstimator(y, measurement: $0) }
            for e in perIndex {
                spreadAcrossM = max(spreadAcrossM, Stats.maxAbsoluteError(e, perIndex[0]))
                vsT43 = max(vsT43, Stats.maxAbsoluteError(e, t43))
            }
            vsPosterior = max(vsPosterior, Stats.maxAbsoluteError(density.posteriorMean(y), t43))
            let mean = density.measurementMean(y)
            vsNu = max(vsNu, Stats.maxAbsoluteError(prior.posteriorMean(mean, sigma: density.sigmaEff), t43))
        }
        notebook.check("T3.1 y_m + σ²∇_{y_m} log p(y) is the same for every m (max |Δ| over m and \(trials) cases)",
                       expected: 0, measured: spreadAcrossM, tolerance: .absolute(1e-10))
        notebook.check("T3.1 estimator equals T4.3 ȳ + (σ²/M)∇log p_{σ/√M}(ȳ) (max |Δ|)",
                       expected: 0, measured: vsT43, tolerance: .absolute(1e-10))
        notebook.check("T4.3 equals the posterior mean from the posterior components of the M-density (max |Δ|)",
                       expected: 0, measured: vsPosterior, tolerance: .absolute(1e-10))
        notebook.check("T4.3 equals the single-noise posterior mean E[X | X + σ_eff ε = ȳ] (GaussianMixture.posteriorMean)",
                       expected: 0, measured: vsNu, tolerance: .absolute(1e-10))
    }

    // MARK: - Posterior variance

    func posteriorVariance() {
        notebook.section("The posterior concentrates as M grows (T4.3)")
        let sigma = setup.sigmaEff * Double(setup.members.max()!).squareRoot()
        let lambda = 1.0
        let ladder = [1, 2, 4, 8, 16]
        let n = min(setup.samples, 20_000)
        notebook.prose("""
            At a fixed noise level σ = \(fmt(sigma)), adding measurements lowers the effective noise s = σ/√M. For \
            Gaussian data X ~ N(0, λ I), λ = \(fmt(lambda)), Var[X | y] = λs²/(λ + s²) per coordinate, whatever y is. \
            The library's posterior variance is compared with that formula, and the Monte Carlo mean squared error of \
            x̂ (n = \(n) independent draws per M, each with all M measurements simulated) with its expectation. For \
            the mixture prior there is no formula, but the law of total variance says E‖X − x̂(Y)‖² = E tr Var[X | Y]: \
            the library's posterior variance is checked against the squared errors draw by draw (paired, so the \
            standard error is that of the per-draw difference).
            """)
        let gaussian = GaussianMixture(means: [[Double](repeating: 0, count: setup.dim)], variance: lambda)
        var rows = [[String]]()
        var worstFormula = 0.0
        var mixtureExpected = [Double]()
        var mixtureSE = [Double]()
        for M in ladder {
            let s2 = sigma * sigma / Double(M)
            let exact = GaussianDenoising.mmse(dataVariance: lambda, noiseVariance: s2)
            var r = stream()
            let g = MixtureMDensity(prior: gaussian, measurements: M, sigma: sigma)
            let (xs, ys) = g.sample(n, using: &r)
            let gErr: [Double] = zip(xs, ys).map { x, y in
                let e = g.bayesEstimator(y)
                return zip(x, e).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(setup.dim)
            }
            worstFormula = max(worstFormula, Stats.relativeError(g.posteriorVariance(ys[0])[0], exact))
            let mc = Stats.mean(gErr), se = Stats.standardError(gErr)
            notebook.check("Gaussian prior, M = \(M): Monte Carlo MSE per coordinate equals λs²/(λ + s²) (4 s.e.)",
                           expected: exact, measured: mc, tolerance: .standardErrors(4, se: se))
            let mix = MixtureMDensity(prior: prior, measurements: M, sigma: sigma)
            let (mx, my) = mix.sample(n, using: &r)
            var err = [Double](), post = [Double](), diff = [Double]()
            for (x, y) in zip(mx, my) {
                let e = mix.bayesEstimator(y)
                let sq = zip(x, e).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                let tr = mix.posteriorVariance(y).reduce(0, +)
                err.append(sq); post.append(tr); diff.append(sq - tr)
            }
            notebook.check("mixture prior, M = \(M): E‖X − x̂‖² equals E tr Var[X | Y] from the library (paired, 4 s.e.)",
                           expected: 0, measured: Stats.mean(diff), tolerance: .standardErrors(4, se: Stats.standardError(diff)))
            mixtureExpected.append(Stats.mean(post)); mixtureSE.append(Stats.standardError(post))
            rows.append(["\(M)", fmt(sqrt(s2), digits: 4), fmt(exact, digits: 5), fmt(mc, digits: 5), fmt(se, digits: 2),
                         fmt(Stats.mean(err) / Double(setup.dim), digits: 5), fmt(Stats.mean(post) / Double(setup.dim), digits: 5)])
        }
        notebook.table(["M", "s = σ/√M", "Gaussian λs²/(λ+s²)", "Gaussian MC MSE", "s.e.",
                        "mixture MC MSE/d", "mixture E tr Var/d"], rows)
        notebook.check("library posterior variance of the Gaussian prior equals λs²/(λ + s²) (max rel. error over M)",
                       expected: 0, measured: worstFormula, tolerance: .absolute(1e-12))
        var decreasing = true
        var minZ = Double.infinity
        for i in 1..<ladder.count {
            let z = (mixtureExpected[i - 1] - mixtureExpected[i]) / Stats.differenceStandardError(mixtureSE[i - 1], mixtureSE[i])
            minZ = min(minZ, z)
            if z < 5 { decreasing = false }
        }
        notebook.check("mixture prior: E tr Var[X | Y] decreases at every doubling of M at fixed σ (each drop ≥ 5 s.e.)", decreasing,
                       detail: "E tr Var/d = " + zip(ladder, mixtureExpected).map { "\($0.0): \(fmt($0.1 / Double(setup.dim), digits: 4))" }.joined(separator: ", ")
                        + "; smallest drop \(fmt(minZ, digits: 3)) s.e.")
    }

    // MARK: - GPS

    func gpsParametrisation() {
        notebook.section("The GPS parametrisation and permutation equivariance (T4.4)")
        notebook.prose("""
            GPS replaces ∇log p_{σ/√M} in T4.2 by a model of ȳ alone: with a denoiser ν: R^d → R^d,
            """)
        notebook.equation("x̂_θ(y) = ν(ȳ),    ∇_{y_m} log p_θ(y) = (ν(ȳ) − y_m)/σ²    (one ν call per score, for any M)")
        notebook.prose("""
            Here ν is the optimal denoiser of the class, the posterior mean E[X | X + σ_eff ε = ȳ] of the mixture \
            (a trained network plugs into the same closure). With it the GPS score must equal the exact score T4.2 \
            of every member of the class. Because ν sees only the permutation-invariant ȳ, permuting the \
            measurements permutes the score (T4.4). A parametrisation that feeds one measurement y_1 to the network \
            instead of ȳ (a symmetry-breaking choice) serves as a negative control.
            """)
        final class CallCounter: @unchecked Sendable { var count = 0 }
        let counter = CallCounter()
        let base = nu
        let counted: GPSDenoiser = { counter.count += 1; return base($0) }
        var r = stream()
        var worstExact = 0.0, worstEquivariance = 0.0, worstInvariance = 0.0, controlBreak = 0.0
        var callsOK = true
        let trials = 200
        for _ in 0..<trials {
            let M = 2 + r.int(below: 15)
            let sigma = setup.sigma(M)
            let density = MixtureMDensity(prior: prior, measurements: M, sigma: sigma)
            let x = prior.sample(1, using: &r)[0]
            let y = (0..<(M * setup.dim)).map { x[$0 % setup.dim] + sigma * r.gaussian() }
            let gps = GPSScore(measurements: M, sigma: sigma, dataDimension: setup.dim, denoiser: counted)
            counter.count = 0
            let g = gps.score(y)
            if counter.count != 1 { callsOK = false }
            let exact = density.score(y)
            let scale = max(1, exact.map(abs).max()!)
            worstExact = max(worstExact, Stats.maxAbsoluteError(g, exact) / scale)
            let perm = r.permutation(M)
            let py = GPS.permuteMeasurements(y, measurements: M, by: perm)
            let gp = gps.score(py)
            worstEquivariance = max(worstEquivariance, Stats.maxAbsoluteError(gp, GPS.permuteMeasurements(g, measurements: M, by: perm)) / scale)
            worstInvariance = max(worstInvariance, Stats.maxAbsoluteError(gps.estimate(py), gps.estimate(y)))
            // negative control: ν(y_1) in place of ν(ȳ)
            func control(_ v: [Double]) -> [Double] {
                let out = base(Array(v[0..<setup.dim]))
                return (0..<v.count).map { (out[$0 % setup.dim] - v[$0]) / (sigma * sigma) }
            }
            if perm[0] != 0 {
                controlBreak = max(controlBreak, Stats.maxAbsoluteError(control(py), GPS.permuteMeasurements(control(y), measurements: M, by: perm)) / scale)
            }
        }
        let batch = 7
        let batchY = (0..<(batch * 4 * setup.dim)).map { _ in r.gaussian() }
        var batchG = [Double]()
        counter.count = 0
        GPSScore(measurements: 4, sigma: setup.sigma(4), dataDimension: setup.dim, denoiser: counted).batchScore(batchY, into: &batchG, batch: batch)
        notebook.check("the GPS score calls ν exactly once per state, for M = 2…16 and for a batch of \(batch) states", callsOK && counter.count == batch,
                       detail: "one call per score in \(trials) random cases; \(counter.count) calls for the batch of \(batch)")
        notebook.check("with the optimal ν the GPS score equals the exact M-density score T4.2 (max |Δ|/max(1, ‖g‖∞), \(trials) cases)",
                       expected: 0, measured: worstExact, tolerance: .absolute(1e-10))
        notebook.check("T4.4 GPS score of πy equals π of the score of y (random permutations, max |Δ|/max(1, ‖g‖∞))",
                       expected: 0, measured: worstEquivariance, tolerance: .absolute(1e-12))
        notebook.check("x̂_θ(πy) = x̂_θ(y): the GPS estimator is permutation invariant (max |Δ|)",
                       expected: 0, measured: worstInvariance, tolerance: .absolute(1e-12))
        notebook.check("negative control: a score built on ν(y_1) instead of ν(ȳ) is NOT equivariant (max |Δ|/max(1, ‖g‖∞) ≥ 1e-3)",
                       measured: controlBreak, atLeast: 1e-3)
    }
}
