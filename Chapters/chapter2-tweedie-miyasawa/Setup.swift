import Foundation
import Notebook
import Theory

/// The chapter's validated inputs and the toy prior they define. Building one throws `InputError`
/// (exit code 2, a one-line message naming the flag, nothing written) for any value outside its range.
struct ChapterSetup {
    let seed: UInt64
    /// σ of the Tweedie, Monte Carlo, empirical-denoiser and Gaussian-MMSE parts.
    let sigma: Double
    /// The σ's of the learned denoisers and of walk-jump sampling, and the flag as given (for the report).
    let sigmas: [Double]
    let sigmasText: String
    let modes: Int
    let radius: Double
    let tau: Double
    let mcSamples: Int
    let trainPoints: Int
    let hidden: Int
    let trainSteps: Int
    let batch: Int
    let learningRate: Double
    let evalSamples: Int
    /// λ of the Gaussian data N(0, λI) of the T2.4 closed-form check.
    let gaussianVariance: Double
    let chains: Int
    let walkSteps: Int
    let effectiveFriction: Double
    let referenceSamples: Int
    /// n of the empirical characteristic functions (T2.6).
    let ecfSamples: Int
    /// The toy prior: `modes` components N(μ_k, τ²I) with means evenly on a ring of radius `radius` in R².
    let prior: GaussianMixture

    init(_ c: Chapter2TweedieMiyasawa) throws {
        try Validate.positive(c.sigma, flag: "sigma")
        let sigmaList = try Validate.numberList(c.sigmas, flag: "sigmas")
        guard sigmaList.count >= 2 else { throw InputError("--sigmas must list at least two noise levels (got \"\(c.sigmas)\")") }
        // Usable ranges (issue 13: 1e308/1e-308 passed and then failed checks; 100 σ's took 75 s and 2 GB).
        try Validate.inRange(c.sigma, 0.01...10, flag: "sigma")
        try Validate.listLength(sigmaList, max: 8, flag: "sigmas")
        guard sigmaList.allSatisfy({ $0 >= 0.01 && $0 <= 10 }) else { throw InputError("--sigmas: every σ must be in 0.01…10 (got \"\(c.sigmas)\")") }
        try Validate.inRange(c.modes, 2...64, flag: "modes")
        try Validate.positive(c.radius, flag: "radius")
        try Validate.positive(c.tau, flag: "tau")
        try Validate.inRange(c.radius, 0.1...20, flag: "radius")
        try Validate.inRange(c.tau, 0.01...5, flag: "tau")
        try Validate.inRange(c.mcSamples, 1_000...50_000_000, flag: "mc-samples")
        try Validate.inRange(c.trainPoints, 2...100_000, flag: "train-points")
        try Validate.inRange(c.hidden, 4...4096, flag: "hidden")
        try Validate.inRange(c.trainSteps, 10...10_000_000, flag: "train-steps")
        try Validate.inRange(c.batch, 8...100_000, flag: "batch")
        guard c.learningRate.isFinite, c.learningRate >= 1e-6, c.learningRate < 1 else { throw InputError("--learning-rate must be in [1e-6, 1) (got \(c.learningRate))") }
        try Validate.inRange(c.evalSamples, 1_000...10_000_000, flag: "eval-samples")
        try Validate.positive(c.gaussianVariance, flag: "gaussian-variance")
        try Validate.inRange(c.gaussianVariance, 0.01...100, flag: "gaussian-variance")
        try Validate.inRange(c.chains, 2...100_000, flag: "chains")
        try Validate.inRange(c.walkSteps, 50...10_000_000, flag: "walk-steps")
        guard c.effectiveFriction.isFinite, c.effectiveFriction >= 0.001, c.effectiveFriction <= 20 else { throw InputError("--effective-friction must be in 0.001…20 (got \(c.effectiveFriction))") }
        try Validate.inRange(c.referenceSamples, 50...20_000, flag: "reference-samples")
        try Validate.inRange(c.ecfSamples, 1_000...2_000_000, flag: "ecf-samples")
        try Validate.fitsInMemory(bytes: Double(c.mcSamples) * 96, flag: "mc-samples", what: "the prior draws and their weights")
        try Validate.fitsInMemory(bytes: Double(c.evalSamples) * 200, flag: "eval-samples", what: "the held-out pairs")
        try Validate.fitsInMemory(bytes: Double(c.chains) * Double(c.walkSteps) * 40, flag: "walk-steps", what: "the walk-jump labels and kept jumps")
        // X and one Y per σ, each point a 2-element array (≈ 64 bytes with its header)
        try Validate.fitsInMemory(bytes: Double(c.ecfSamples) * 64 * Double(1 + sigmaList.count), flag: "ecf-samples", what: "the draws of X and Y")

        seed = c.common.seed
        sigma = c.sigma; sigmas = sigmaList; sigmasText = c.sigmas
        modes = c.modes; radius = c.radius; tau = c.tau
        mcSamples = c.mcSamples; trainPoints = c.trainPoints; hidden = c.hidden; trainSteps = c.trainSteps
        batch = c.batch; learningRate = c.learningRate; evalSamples = c.evalSamples
        gaussianVariance = c.gaussianVariance; chains = c.chains; walkSteps = c.walkSteps
        effectiveFriction = c.effectiveFriction; referenceSamples = c.referenceSamples
        ecfSamples = c.ecfSamples
        prior = Self.ringPrior(modes: c.modes, radius: c.radius, tau: c.tau)
    }

    /// K = `modes` components N(μ_k, τ²I), μ_k = r(cos 2πk/K, sin 2πk/K).
    static func ringPrior(modes: Int, radius: Double, tau: Double) -> GaussianMixture {
        GaussianMixture(
            means: (0..<modes).map { k in let a = 2 * Double.pi * Double(k) / Double(modes); return [radius * cos(a), radius * sin(a)] },
            variance: tau * tau)
    }

    /// The distance between neighbouring means of the ring, 2r·sin(π/K).
    var meanGap: Double { hypot(prior.means[1][0] - prior.means[0][0], prior.means[1][1] - prior.means[0][1]) }

    var parameters: [(String, String)] {
        [("seed", "\(seed)"), ("σ", fmt(sigma)), ("σ list", sigmasText), ("modes", "\(modes)"), ("radius", fmt(radius)),
         ("τ", fmt(tau)), ("mc-samples", fmt(mcSamples)), ("train-points", fmt(trainPoints)), ("hidden", "\(hidden)"),
         ("train-steps", fmt(trainSteps)), ("batch", "\(batch)"), ("learning-rate", fmt(learningRate)),
         ("eval-samples", fmt(evalSamples)), ("λ", fmt(gaussianVariance)), ("chains", fmt(chains)),
         ("walk-steps", fmt(walkSteps)), ("γδ", fmt(effectiveFriction)), ("reference-samples", fmt(referenceSamples)),
         ("ecf-samples", fmt(ecfSamples))]
    }
}
