import Foundation
import Notebook
import Samplers
import Theory

/// The chapter's validated inputs. Building one throws `InputError` (exit code 2, nothing written) for
/// any value outside its allowed range; list flags are parsed here once.
struct ChapterSetup {
    let tau, tau2, step: Double, steps: Int, unstableFactor: Double
    /// The overdamped stability bound 2τ² of the 1-D chain (T1.1).
    let overdampedBound: Double
    let kappas: [Double], stepFraction: Double, iatSteps: Int
    let separation, sigma, mixtureStep: Double, trapSteps: Int, separations: [Double], scanSteps: Int
    let dims: [Int], normSamples: Int
    let deltas: [Double], effectiveFriction: Double, frictions: [Double], underdampedSteps: Int
    /// §5's target N(μ, diag(1, 1/2)): its precisions, and A-B-O-B-A's stability bound 2/√(λ_max u).
    let precisions: [Double], underdampedBound: Double
    let integrators: [String]
    let sphereSigmas: [Double], sphereImages: Int, imageData: String, dataDir: String
    /// The flags as given, for the report's parameter table.
    let parameters: [(String, String)]

    init(_ c: Chapter1Langevin) throws {
        let (tau, step, steps, unstableFactor, kappas, stepFraction, iatSteps) = (c.tau, c.step, c.steps, c.unstableFactor, c.kappas, c.stepFraction, c.iatSteps)
        let (separation, sigma, mixtureStep, trapSteps, separations, scanSteps) = (c.separation, c.sigma, c.mixtureStep, c.trapSteps, c.separations, c.scanSteps)
        let (dims, normSamples, deltas, effectiveFriction, frictions, underdampedSteps, integrator) = (c.dims, c.normSamples, c.deltas, c.effectiveFriction, c.frictions, c.underdampedSteps, c.integrator)
        try Validate.positive(tau, flag: "tau")
        try Validate.inRange(tau, 0.01...100, flag: "tau")
        let tau2 = tau * tau
        let bound1 = LangevinTheory.overdampedStabilityBound(maxPrecision: 1 / tau2)
        guard step.isFinite, step > 0 else { throw InputError("--step must be a positive number (got \(step))") }
        guard step < bound1 else {
            throw InputError("--step must be below the stability bound 2τ² = \(fmt(bound1)) (got \(fmt(step))): the chain would diverge")
        }
        guard step >= 1e-3 * bound1 else {
            throw InputError("--step must be at least 0.001·2τ² = \(fmt(1e-3 * bound1)) (got \(fmt(step))): the chain would not mix in any usable number of steps")
        }
        try Validate.inRange(steps, 10_000...100_000_000, flag: "steps")
        guard unstableFactor.isFinite, unstableFactor > 1, unstableFactor <= 10 else {
            throw InputError("--unstable-factor must be in (1, 10] (got \(unstableFactor))")
        }
        let kappaList = try Validate.numberList(kappas, flag: "kappas")
        guard kappaList.allSatisfy({ $0 >= 1 }), kappaList.count >= 2 else { throw InputError("--kappas must list at least two values ≥ 1 (got \"\(kappas)\")") }
        guard stepFraction.isFinite, stepFraction > 0, stepFraction < 2 else {
            throw InputError("--step-fraction must be in (0, 2): h λ_max < 2 is the stability bound (got \(stepFraction))")
        }
        try Validate.inRange(iatSteps, 10_000...100_000_000, flag: "iat-steps")
        // The weak direction's IAT is (1+ρ)/(1−ρ) ≈ 2κ/h: κ ≤ 10⁴ and h λ_max ≥ 10⁻³ keep it finite, and the
        // chains must hold enough effective samples for the IAT checks (1e308 used to overflow Int(4·IAT)).
        guard kappaList.allSatisfy({ $0 <= 10_000 }), kappaList.count <= 8 else {
            throw InputError("--kappas must list 2…8 values in 1…10000 (got \"\(kappas)\")")
        }
        try Validate.inRange(stepFraction, 0.001...1.999, flag: "step-fraction")
        try Validate.effectiveSamples(iat: 2 * kappaList.max()! / stepFraction, steps: iatSteps, flag: "iat-steps",
                                      cause: "--kappas \(kappas) with --step-fraction \(stepFraction)")
        try Validate.positive(separation, flag: "separation")
        try Validate.positive(sigma, flag: "sigma")
        try Validate.positive(mixtureStep, flag: "mixture-step")
        try Validate.inRange(separation, 2.5...30, flag: "separation")
        try Validate.inRange(sigma, 0.05...30, flag: "sigma")
        try Validate.inRange(mixtureStep, 1e-4...0.999, flag: "mixture-step")
        guard mixtureStep < 1 else { throw InputError("--mixture-step must be below the stability bound 2τ² = 2 with a margin: use a value < 1 (got \(mixtureStep))") }
        try Validate.inRange(trapSteps, 1_000...100_000_000, flag: "trap-steps")
        let sepList = try Validate.numberList(separations, flag: "separations")
        guard sepList.count >= 2, sepList.allSatisfy({ $0 > 2 }) else { throw InputError("--separations must list at least two values > 2 (two modes need Δ > 2τ)") }
        try Validate.inRange(scanSteps, 10_000...100_000_000, flag: "scan-steps")
        let dimList = try Validate.numberList(dims, flag: "dims").map { v -> Int in
            guard v == v.rounded(), v >= 1, v <= 1_000_000 else { throw InputError("--dims: every value must be an integer in 1…1000000 (got \(v))") }
            return Int(v)
        }
        try Validate.inRange(normSamples, 100...1_000_000, flag: "norm-samples")
        try Validate.fitsInMemory(bytes: Double(dimList.max()!) * 8 * 4, flag: "dims", what: "one draw")
        // Traces are kept in memory (plus a few same-sized working copies).
        try Validate.fitsInMemory(bytes: Double(steps) * 8 * 4, flag: "steps", what: "the 1-D chain's trace")
        try Validate.fitsInMemory(bytes: Double(iatSteps) * 16 * 4, flag: "iat-steps", what: "a 2-D chain's trace")
        try Validate.fitsInMemory(bytes: Double(max(scanSteps, trapSteps)) * 8 * 4, flag: "scan-steps", what: "a mixture chain's trace")
        try Validate.fitsInMemory(bytes: Double(underdampedSteps) * 32 * 3, flag: "underdamped-steps", what: "an underdamped chain's traces")
        try Validate.fitsInMemory(bytes: Double(underdampedSteps / 100) * 1000 * 8 * 2, flag: "underdamped-steps", what: "the 1000-chain mixture run")
        let deltaList = try Validate.numberList(deltas, flag: "deltas")
        let udPrecision = [1.0, 2.0]  // target N(μ, diag(1, 1/2))
        let udBound = 2 / (udPrecision.max()!).squareRoot()
        guard deltaList.count >= 2, deltaList.allSatisfy({ $0 < udBound }) else {
            throw InputError("--deltas must list at least two steps below the A-B-O-B-A stability bound 2/√(λ_max u) = \(fmt(udBound, digits: 4)) (got \"\(deltas)\")")
        }
        try Validate.positive(effectiveFriction, flag: "effective-friction")
        let frictionList = try Validate.numberList(frictions, flag: "frictions")
        // Each listed value is a whole chain: at most 8 of each; δ ≥ 10⁻³ and γδ in 10⁻³…20 keep chains usable.
        for (list, flag) in [(sepList, "separations"), (dimList.map(Double.init), "dims"), (deltaList, "deltas"), (frictionList, "frictions")] {
            try Validate.listLength(list, max: 8, flag: flag)
        }
        guard sepList.allSatisfy({ $0 <= 30 }) else { throw InputError("--separations: every Δ must be in (2, 30] (got \"\(separations)\")") }
        guard deltaList.allSatisfy({ $0 >= 1e-3 }) else { throw InputError("--deltas: every δ must be at least 0.001 (got \"\(deltas)\")") }
        try Validate.inRange(effectiveFriction, 0.001...20, flag: "effective-friction")
        guard frictionList.allSatisfy({ $0 >= 1e-3 && $0 <= 20 }) else { throw InputError("--frictions: every γδ must be in 0.001…20 (got \"\(frictions)\")") }
        try Validate.inRange(underdampedSteps, 10_000...100_000_000, flag: "underdamped-steps")
        let integratorList = try Validate.nameList(integrator, choices: LangevinIntegratorName.allCases.map(\.rawValue), flag: "integrator")

        sphereSigmas = try Validate.numberList(c.sphereSigmas, flag: "sphere-sigmas", positive: false)
        guard (2...8).contains(sphereSigmas.count), sphereSigmas.allSatisfy({ (0...100).contains($0) }),
              zip(sphereSigmas, sphereSigmas.dropFirst()).allSatisfy({ $0.0 < $0.1 }) else {
            throw InputError("--sphere-sigmas must list 2…8 increasing values in 0…100 (got \"\(c.sphereSigmas)\")")
        }
        try Validate.inRange(c.sphereImages, 100...60_000, flag: "sphere-images")
        guard ["mnist5k", "mnist", "fashion-mnist", "cifar10"].contains(c.imageData) else {
            throw InputError("--image-data must be mnist5k, mnist, fashion-mnist or cifar10 (got \"\(c.imageData)\")")
        }
        sphereImages = c.sphereImages; imageData = c.imageData; dataDir = c.dataDir
        self.tau = tau; self.tau2 = tau2; self.step = step; self.steps = steps; self.unstableFactor = unstableFactor
        overdampedBound = bound1
        self.kappas = kappaList; self.stepFraction = stepFraction; self.iatSteps = iatSteps
        self.separation = separation; self.sigma = sigma; self.mixtureStep = mixtureStep; self.trapSteps = trapSteps
        self.separations = sepList; self.scanSteps = scanSteps
        self.dims = dimList; self.normSamples = normSamples
        self.deltas = deltaList; self.effectiveFriction = effectiveFriction; self.frictions = frictionList; self.underdampedSteps = underdampedSteps
        precisions = udPrecision; underdampedBound = udBound
        integrators = integratorList
        parameters = [("seed", "\(c.common.seed)"), ("τ", fmt(tau)), ("h", fmt(step)), ("steps", fmt(steps)),
                      ("κ", kappas), ("hλ_max", fmt(stepFraction)), ("iat-steps", fmt(iatSteps)),
                      ("Δ", fmt(separation)), ("σ", fmt(sigma)), ("mixture h", fmt(mixtureStep)),
                      ("trap-steps", fmt(trapSteps)), ("separations", separations), ("scan-steps", fmt(scanSteps)),
                      ("dims", dims), ("norm-samples", fmt(normSamples)), ("δ", deltas), ("γδ", fmt(effectiveFriction)),
                      ("γδ scan", frictions), ("underdamped-steps", fmt(underdampedSteps)), ("integrators", integrator),
                      ("sphere σ", c.sphereSigmas), ("sphere images", fmt(c.sphereImages)), ("image data", c.imageData)]
    }
}
