import Foundation
import Notebook
import Theory

/// The chapter's validated inputs. Building one throws `InputError` (one line naming the flag, exit
/// code 2, nothing written) for any value outside its allowed range.
struct ChapterSetup {
    let seed: UInt64
    /// σ_eff of the class under study and of the contrasting class.
    let sigmaEff, otherSigmaEff: Double
    /// The M values of the class members, ascending; σ_M = σ_eff √M.
    let members: [Int]
    let dim, components: Int
    let separation, tau: Double
    /// Monte Carlo draws per member for the losses; points per sample in the energy test; permutations.
    let samples, testSize, permutations: Int
    /// Independent chains per walk, recorded steps per chain (a further 10% is burn-in).
    let chains, steps: Int
    /// δ₁: the step of the single-measurement member (1, σ_eff); γδ₁: its effective friction.
    let step, effectiveFriction: Double
    /// σ_1, …, σ_M of the unequal-noise section (T4.8).
    let sigmas: [Double]
    /// a, b: shape and rate of the Gamma prior of the Poisson section (T4.9).
    let poissonShape, poissonRate: Double
    /// M of the MDAE-against-GPS section (T4.10), and the training steps of each network there.
    let mdaeMeasurements, mdaeSteps: Int
    /// Hidden width of both layers of the MDAE network (the GPS network's widths are matched to its size).
    let mdaeWidth = 55
    /// Batch size of both networks' training (T4.10).
    let mdaeBatch = 256

    var burnIn: Int { steps / 10 }
    /// γ₁ = (γδ₁)/δ₁.
    var friction: Double { effectiveFriction / step }
    var prior: GaussianMixture {
        GaussianMixture.cubeVertices(dimension: dim, components: components, separation: separation, tau: tau)
    }
    func sigma(_ M: Int) -> Double { sigmaEff * Double(M).squareRoot() }

    init(_ c: UniversalityChapter) throws {
        seed = c.common.seed
        try Validate.positive(c.sigmaEff, flag: "sigma-eff")
        // Before the default --other-sigma-eff = 2σ_eff is formed (issue 13: 1e308 doubled to ∞, and the
        // message blamed --other-sigma-eff).
        try Validate.inRange(c.sigmaEff, 0.05...5, flag: "sigma-eff")
        sigmaEff = c.sigmaEff
        let other = c.otherSigmaEff ?? 2 * c.sigmaEff
        try Validate.positive(other, flag: "other-sigma-eff")
        guard abs(other / c.sigmaEff - 1) >= 0.05 else {
            throw InputError("--other-sigma-eff must differ from --sigma-eff by at least 5% (got \(other) vs \(c.sigmaEff))")
        }
        otherSigmaEff = other
        members = try Self.parseClass(c.classes)
        try Validate.inRange(c.dim, 1...64, flag: "dim")
        try Validate.inRange(c.components, 2...64, flag: "components")
        guard c.dim >= 6 || c.components <= 1 << c.dim else {
            throw InputError("--components must be at most 2^dim = \(1 << c.dim) (the means sit on cube vertices; got \(c.components))")
        }
        dim = c.dim; components = c.components
        try Validate.positive(c.separation, flag: "separation")
        try Validate.positive(c.tau, flag: "tau")
        // Usable ranges (1e308 overflowed the densities and hung the axis ticks; issue 13).
        try Validate.inRange(c.separation, 0.1...30, flag: "separation")
        try Validate.inRange(c.tau, 0.05...5, flag: "tau")
        try Validate.inRange(c.sigmaEff, 0.05...5, flag: "sigma-eff")
        try Validate.inRange(other, 0.05...10, flag: "other-sigma-eff")
        separation = c.separation; tau = c.tau
        try Validate.inRange(c.samples, 200...10_000_000, flag: "samples")
        try Validate.inRange(c.testSize, 10...2000, flag: "test-size")
        guard c.testSize <= c.samples else { throw InputError("--test-size must be at most --samples (\(c.samples)); got \(c.testSize)") }
        try Validate.inRange(c.permutations, 19...100_000, flag: "permutations")
        samples = c.samples; testSize = c.testSize; permutations = c.permutations
        try Validate.inRange(c.chains, 2...4096, flag: "chains")
        try Validate.inRange(c.steps, 200...10_000_000, flag: "steps")
        chains = c.chains; steps = c.steps
        let delta = c.step ?? c.sigmaEff / 2
        guard delta.isFinite, delta >= 1e-3 * c.sigmaEff, delta < 2 * c.sigmaEff else {
            throw InputError("--step must be in [0.001·σ_eff, 2·σ_eff) = [\(fmt(1e-3 * c.sigmaEff)), \(fmt(2 * c.sigmaEff))) for a stable walk that moves (got \(delta))")
        }
        step = delta
        try Validate.inRange(c.friction, 0.001...20, flag: "friction")
        effectiveFriction = c.friction
        let levels = try Validate.numberList(c.noiseLevels, flag: "noise-levels")
        guard levels.count <= 8 else { throw InputError("--noise-levels takes 1 to 8 levels (got \(levels.count))") }
        for v in levels { try Validate.inRange(v, 0.05...10, flag: "noise-levels") }
        sigmas = levels
        try Validate.positive(c.poissonShape, flag: "poisson-shape")
        try Validate.inRange(c.poissonShape, 0.2...100, flag: "poisson-shape")
        try Validate.positive(c.poissonRate, flag: "poisson-rate")
        try Validate.inRange(c.poissonRate, 0.05...50, flag: "poisson-rate")
        // The counts stay small enough for the empirical-Bayes cells and the log-gamma rounding bound.
        guard c.poissonShape / c.poissonRate <= 50 else {
            throw InputError("--poisson-shape/--poisson-rate: the prior mean a/b must be at most 50 (got \(c.poissonShape)/\(c.poissonRate) = \(c.poissonShape / c.poissonRate))")
        }
        poissonShape = c.poissonShape; poissonRate = c.poissonRate
        try Validate.inRange(c.mdaeMeasurements, 2...16, flag: "mdae-measurements")
        try Validate.inRange(c.mdaeSteps, 100...200_000, flag: "mdae-steps")
        mdaeMeasurements = c.mdaeMeasurements; mdaeSteps = c.mdaeSteps
        // Memory: ȳ traces of every chain and step for up to 7 walks, plus Monte Carlo estimates.
        let traceBytes = 7.0 * Double(chains) * Double(steps) * Double(dim) * 8
        try Validate.fitsInMemory(bytes: traceBytes, flag: "steps", what: "the ȳ traces of \(chains) chains × \(steps) steps")
        try Validate.fitsInMemory(bytes: 12.0 * Double(samples) * Double(dim + 1) * 48, flag: "samples", what: "the Monte Carlo estimates")
    }

    /// Parses a class specification "1,4,16": the M values of the members (integers 1…256, at least two
    /// distinct ones).
    static func parseClass(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty, !parts.contains(where: \.isEmpty) else {
            throw InputError("--classes must be a comma-separated list of measurement counts M such as \"1,4,16\" (got \"\(text)\")")
        }
        let values: [Int] = try parts.map { p in
            guard let m = Int(p) else { throw InputError("--classes: \"\(p)\" is not an integer number of measurements") }
            guard (1...256).contains(m) else { throw InputError("--classes: every M must be in 1…256 (got \(m))") }
            return m
        }
        let unique = Array(Set(values)).sorted()
        guard unique.count == values.count else { throw InputError("--classes: each M may appear once (got \"\(text)\")") }
        guard unique.count >= 2 else { throw InputError("--classes needs at least two members to compare (got \"\(text)\")") }
        guard unique.count <= 8 else { throw InputError("--classes takes at most 8 members (got \(unique.count))") }
        return unique
    }
}
