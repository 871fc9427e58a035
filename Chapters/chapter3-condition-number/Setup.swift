import Foundation
import Notebook
import Theory

/// The chapter's validated inputs. Building one throws `InputError` (exit code 2, nothing written)
/// for any value outside its allowed range.
struct ChapterSetup {
    private(set) var d: Int
    let M: Int
    let sigma: Double
    private(set) var lambdas: [Double]
    /// How the spectrum was given (for the report), e.g. "geometric:100".
    private(set) var spectrumLabel: String
    /// Largest side Md of a dense matrix that fits in memory here (eight copies, a quarter of RAM left free).
    let largestDenseSide: Int
    /// Whether the dense Md×Md (and d × levels) problems of the full --dim fit in memory. When they do
    /// not, the dense checks run on `denseSubset()` and only the structured routes see all d coordinates.
    let denseFits: Bool
    /// Side of the dense problems checked when the full ones do not fit: a fixed budget that keeps the
    /// run in seconds (dsyevd is O(side³); at the memory limit it would take hours on this machine).
    static let denseCheckSide = 1024
    let sigmaEff: Double
    let maxM: Int
    let sigmas: [Double]
    let timingDims: [Int]

    var lambdaMax: Double { lambdas.max()! }
    var lambdaMin: Double { lambdas.min()! }
    /// M values of the κ sweep: a roughly geometric ladder up to --max-measurements.
    var sweepMs: [Int] {
        let ladder = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024]
        return Array(Set(ladder.filter { $0 <= maxM } + [maxM])).sorted()
    }

    /// Largest κ the checks accept: beyond it double precision (u ≈ 1.1e-16) cannot resolve λ_min(F)
    /// well enough to verify anything to a meaningful tolerance.
    static let largestConditionNumber = 1e8

    init(_ c: ConditionNumberChapter) throws {
        try Validate.inRange(c.dim, 1...1_000_000, flag: "dim")
        try Validate.inRange(c.measurements, 1...1024, flag: "measurements")
        try Validate.positive(c.sigma, flag: "sigma")
        try Validate.positive(c.sigmaEff, flag: "sigma-eff")
        // Usable ranges (issue 13: 1e308 overflowed σ² and failed the checks).
        try Validate.inRange(c.sigma, 1e-4...100, flag: "sigma")
        try Validate.inRange(c.sigmaEff, 1e-4...100, flag: "sigma-eff")
        try Validate.inRange(c.maxMeasurements, 1...1024, flag: "max-measurements")
        d = c.dim; M = c.measurements; sigma = c.sigma; sigmaEff = c.sigmaEff; maxM = c.maxMeasurements
        (lambdas, spectrumLabel) = try Self.parseSpectrum(c.spectrum, dimension: c.dim)
        sigmas = try Validate.numberList(c.noiseLevels, flag: "noise-levels")
        try Validate.inRange(sigmas.count, 1...64, flag: "noise-levels (number of values)")
        // The range of --sigma (issue 13: a single level 1e308 made the κ bound ∞/∞ = NaN, which passed).
        guard sigmas.allSatisfy({ (1e-4...100).contains($0) }) else {
            throw InputError("--noise-levels: every level must be in 0.0001…100 (got \"\(c.noiseLevels)\")")
        }
        timingDims = try Self.parseDimensions(c.timingSizes)

        // Memory: the dense parts hold about eight Md×Md Double matrices at once (C, F, C⁻¹, F·C, and
        // LAPACK's working copies).
        // Beyond that size the chapter no longer refuses: the structured routes (blocks, closed form,
        // secular equation) need O(dM) memory and run on all d coordinates, and the dense checks run
        // on a subset of coordinates (see `denseSubset()`).
        let copies = 8.0
        let largestSide = Int((0.75 * Double(ProcessInfo.processInfo.physicalMemory) / (copies * 8)).squareRoot())
        largestDenseSide = largestSide
        denseFits = d * max(M, sigmas.count) <= largestSide
        // The structured routes still hold all Md eigenvalues (a few sorted copies of them at once).
        try Validate.fitsInMemory(bytes: 6 * 8 * Double(d * max(M, sigmas.count)), flag: "dim",
                                  what: "the structured routes' Md = \(d * max(M, sigmas.count)) eigenvalues (six copies)")
        let largestTiming = timingDims.max()! * M
        try Validate.fitsInMemory(bytes: 3 * 8 * pow(Double(largestTiming), 2), flag: "timing-sizes",
                                  what: "a brute-force matrix of side M·d = \(largestTiming)")

        // Conditioning: refuse parameters whose κ(F) double precision cannot verify (T3.4 and, for
        // unequal levels, the bound λ_max(F) ≤ 1/σ_min², λ_min(F) ≥ 1/(Mλ_max + σ_max²)).
        let limit = Self.largestConditionNumber
        let topM = max(M, maxM)
        if GaussianMDensity.conditionNumber(lambdaMax: lambdaMax, lambdaMin: lambdaMin, measurements: topM, sigma: sigma) > limit {
            let least = (Double(topM) * lambdaMax / (limit - 1)).squareRoot()
            throw InputError("--sigma must be ≥ \(fmt(least, digits: 3)) here (got \(sigma)): κ(F) = 1 + Mλ_max/σ² at M = \(topM) would exceed 1e8, beyond what double precision can verify")
        }
        if GaussianMDensity.classConditionNumber(lambdaMax: lambdaMax, sigmaEff: sigmaEff) > limit {
            let least = (lambdaMax / (limit - 1)).squareRoot()
            throw InputError("--sigma-eff must be ≥ \(fmt(least, digits: 3)) here (got \(sigmaEff)): κ(F) = 1 + λ_max/σ_eff² would exceed 1e8")
        }
        let sMin = sigmas.min()!, sMax = sigmas.max()!
        if (Double(sigmas.count) * lambdaMax + sMax * sMax) / (sMin * sMin) > limit {
            throw InputError("--noise-levels: the smallest level \(sMin) is too small for the others: κ(F) could exceed 1e8, beyond what double precision can verify")
        }
    }

    /// The setup the dense checks run on. When the full problem fits, `self`. Otherwise d' coordinates
    /// with d'·max(M, number of levels) ≤ `denseCheckSide`, chosen at evenly spaced ranks of λ from the
    /// largest to the smallest, so λ_max and λ_min — and with them κ(F) (T3.4) — are those of the full
    /// spectrum. F couples no two coordinates (T3.2), so the subset's F is a principal block of the full F
    /// and its spectrum a sub-multiset of the full one.
    func denseSubset() -> ChapterSetup {
        if denseFits { return self }
        let target = max(2, Self.denseCheckSide / max(M, sigmas.count))
        let order = lambdas.indices.sorted { lambdas[$0] > lambdas[$1] }
        var copy = self
        copy.lambdas = (0..<target).map { k in lambdas[order[Int((Double(k) * Double(d - 1) / Double(target - 1)).rounded())]] }
        copy.d = target
        copy.spectrumLabel = "\(target) of the \(d) values of \(spectrumLabel), at evenly spaced ranks"
        return copy
    }

    /// `geometric:K`, `linear`, `constant:L`, or d comma-separated positive numbers.
    static func parseSpectrum(_ text: String, dimension d: Int) throws -> ([Double], String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let shapes = "a shape geometric:K (K ≥ 1), linear, constant:L (L > 0)"
        if t.isEmpty { throw InputError("--spectrum is empty; give \(d) positive numbers separated by commas or \(shapes)") }
        if t.hasPrefix("geometric:") {
            guard let k = Double(t.dropFirst("geometric:".count)), k.isFinite, k >= 1 else {
                throw InputError("--spectrum: geometric:K needs a number K ≥ 1 (got \"\(t)\")")
            }
            let values = (0..<d).map { d == 1 ? 1 : pow(k, -Double($0) / Double(d - 1)) }
            return (values, t)
        }
        if t == "linear" { return ((1...d).map { Double($0) / Double(d) }, t) }
        if t.hasPrefix("constant:") {
            guard let l = Double(t.dropFirst("constant:".count)), l.isFinite, l > 0 else {
                throw InputError("--spectrum: constant:L needs a number L > 0 (got \"\(t)\")")
            }
            return (Array(repeating: l, count: d), t)
        }
        if t.contains(":") || (!t.isEmpty && t.first!.isLetter && Double(t) == nil && !t.contains(",")) {
            throw InputError("--spectrum: unknown shape \"\(t)\"; give \(d) positive numbers or \(shapes)")
        }
        let values = try Validate.numberList(t, flag: "spectrum")
        guard values.count == d else {
            throw InputError("--spectrum has \(values.count) values but --dim is \(d); give \(d) positive numbers or \(shapes)")
        }
        return (values, values.count <= 6 ? t : "\(values.count) values")
    }

    /// Comma-separated positive integers (the timing table's dimensions).
    static func parseDimensions(_ text: String) throws -> [Int] {
        let values = try Validate.numberList(text, flag: "timing-sizes")
        try Validate.inRange(values.count, 1...12, flag: "timing-sizes (number of values)")
        return try values.map { v in
            guard v == v.rounded(), v >= 1, v <= 100_000 else {
                throw InputError("--timing-sizes: every value must be an integer in 1…100000 (got \(fmt(v)))")
            }
            return Int(v)
        }
    }

    var parameters: [(String, String)] {
        [("d", "\(d)"), ("M", "\(M)"), ("σ", fmt(sigma)), ("spectrum", spectrumLabel),
         ("λ_max", fmt(lambdaMax)), ("λ_min", fmt(lambdaMin)), ("σ_eff", fmt(sigmaEff)), ("max M", "\(maxM)"),
         ("noise levels", sigmas.map { fmt($0) }.joined(separator: ",")),
         ("timing d", timingDims.map(String.init).joined(separator: ","))]
    }
}
