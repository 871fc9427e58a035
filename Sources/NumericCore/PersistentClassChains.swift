// The false-alarm rate of a class-share check on chains' samples. A walk-jump chain keeps its class
// for several jumps, so B chains × J jumps are fewer than B·J independent draws and the pooled class
// shares spread more than a multinomial's. The null model here is a *right* sampler whose chains
// are persistent: each chain's first class is drawn from the data's shares p, and at every later
// jump, with probability r, its class is redrawn from p (else kept). Its marginal law is p at every
// jump, so a check that fails it fails a sampler that is right; its rate of failure is the check's
// false-alarm rate at that persistence. r comes from the switch rate s that a run measures,
// the share of consecutive jumps whose class differs: s = r (1 − Σ_c p_c²).

public struct PersistentClassChains: Sendable {
    public let classShares: [Double]
    public let chains: Int
    public let jumps: Int
    /// The probability of a redraw between two jumps.
    public let redrawProbability: Double

    /// The switch rate of independent draws from p, 1 − Σ_c p_c²: the largest s a persistence can have.
    public static func independentSwitchRate(classShares p: [Double]) -> Double { 1 - p.reduce(0) { $0 + $1 * $1 } }

    /// Nil unless `classShares` is a distribution (non-negative, sum 1 within 1e-9, ≥ 2 classes),
    /// `chains`, `jumps` ≥ 1 and 0 ≤ `switchRate` ≤ 1 − Σ p² (a redraw probability in [0, 1]).
    public init?(classShares p: [Double], chains: Int, jumps: Int, switchRate s: Double) {
        let total = p.reduce(0, +), change = Self.independentSwitchRate(classShares: p)
        guard p.count >= 2, p.allSatisfy({ $0 >= 0 }), abs(total - 1) < 1e-9, chains >= 1, jumps >= 1,
              s.isFinite, s >= 0, change > 0, s <= change * (1 + 1e-12) else { return nil }
        (classShares, self.chains, self.jumps, redrawProbability) = (p, chains, jumps, min(1, s / change))
    }

    /// Var of class c's pooled share, closed form. The indicator of class c along one chain has
    /// autocorrelation (1 − r)^t at lag t (the kernel is (1 − r) I + r 1pᵀ), so its mean over J jumps
    /// has variance p_c(1 − p_c)/J² · Σ_{i,j} (1 − r)^{|i−j|}; B independent chains divide it by B.
    public func shareVariance(ofClass c: Int) -> Double {
        let rho = 1 - redrawProbability, p = classShares[c], J = jumps
        var lagSum = Double(J), power = 1.0
        for t in 1..<max(1, J) { power *= rho; lagSum += 2 * Double(J - t) * power }
        return p * (1 - p) * lagSum / (Double(J) * Double(J) * Double(chains))
    }

    /// One draw of the pooled class shares of all B·J samples.
    public func sampleShares(using rng: inout Xoshiro256) -> [Double] {
        var counts = [Int](repeating: 0, count: classShares.count)
        for _ in 0..<chains {
            var c = draw(using: &rng)
            counts[c] += 1
            for _ in 1..<max(1, jumps) {
                if rng.uniform() < redrawProbability { c = draw(using: &rng) }
                counts[c] += 1
            }
        }
        let n = Double(chains * jumps)
        return counts.map { Double($0) / n }
    }

    /// The share of `trials` draws whose rarest class is below `floor` or commonest above `ceiling`,
    /// with its binomial standard error √(q(1 − q)/trials).
    public func falseAlarmRate(floor: Double, ceiling: Double = 1, trials: Int, seed: UInt64) -> (rate: Double, standardError: Double) {
        precondition(trials >= 1, "PersistentClassChains.falseAlarmRate: \(trials) trials")
        var rng = Xoshiro256(seed: seed), fails = 0
        for _ in 0..<trials {
            let q = sampleShares(using: &rng)
            if q.min()! < floor || q.max()! > ceiling { fails += 1 }
        }
        let rate = Double(fails) / Double(trials)
        return (rate, (rate * (1 - rate) / Double(trials)).squareRoot())
    }

    /// A class drawn from p by inversion.
    private func draw(using rng: inout Xoshiro256) -> Int {
        var u = rng.uniform()
        for (c, p) in classShares.enumerated() {
            u -= p
            if u < 0 { return c }
        }
        return classShares.lastIndex { $0 > 0 }!
    }
}
