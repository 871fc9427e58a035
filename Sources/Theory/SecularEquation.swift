/// Eigenvalues of a symmetric diagonal-plus-rank-one matrix diag(d) + ρ z zᵀ as the roots of its
/// secular equation (Golub 1973; the problem LAPACK's dlaed4 solves inside divide and conquer):
///
///     f(μ) = 1 + ρ Σ_k z_k² / (d_k − μ) = 0.
///
/// For ρ > 0, f increases from −∞ to +∞ between consecutive poles, so exactly one root lies in each
/// (d_k, d_{k+1}) and one in (d_max, d_max + ρ‖z‖²): the eigenvalues interlace with the poles.
/// (ρ < 0 is the mirror image, handled by negation.) Deflation: a zero z_k makes d_k an eigenvalue,
/// and a pole repeated r times is an eigenvalue of multiplicity r − 1 (rotate z inside the group
/// onto one vector), leaving one pole with weight Σ z_k² over the group.
///
/// Each root is found by Newton's method safeguarded by bisection on a bracket between poles, in
/// the variable τ = μ − (nearer pole): then d_k − μ = (d_k − pole) − τ is computed without the
/// cancellation that would ruin roots close to a pole. O(K²) per matrix for K distinct poles.
public enum SecularEquation {
    /// Ascending eigenvalues of diag(diagonal) + rho · z zᵀ.
    public static func eigenvalues(diagonal: [Double], rho: Double, z: [Double]) -> [Double] {
        precondition(diagonal.count == z.count, "diagonal and z must have the same length")
        if rho < 0 {  // diag(d) − |ρ| z zᵀ = −(diag(−d) + |ρ| z zᵀ)
            return eigenvalues(diagonal: diagonal.map { -$0 }, rho: -rho, z: z).map { -$0 }.reversed()
        }
        var deflated = [Double](), poles = [Double](), weights = [Double]()
        for k in diagonal.indices.sorted(by: { diagonal[$0] < diagonal[$1] }) {
            let w = z[k] * z[k]
            if rho == 0 || w == 0 { deflated.append(diagonal[k]); continue }
            if let last = poles.last, diagonal[k] - last <= mergeTolerance * max(abs(last), abs(diagonal[k])) {
                weights[weights.count - 1] += w
                deflated.append(last)
            } else {
                poles.append(diagonal[k]); weights.append(w)
            }
        }
        let totalWeight = weights.reduce(0, +)
        let roots = poles.indices.map { j in
            root(after: j, poles: poles, weights: weights, rho: rho,
                 upper: j + 1 < poles.count ? poles[j + 1] : poles[j] + rho * totalWeight)
        }
        return (deflated + roots).sorted()
    }

    /// Poles closer than this (relative) are treated as one repeated pole: the root between them is
    /// pinned to within a few ulps of both anyway.
    static let mergeTolerance = 8 * Double.ulpOfOne

    /// The root in (poles[j], upper), upper = next pole or the bound d_max + ρ‖z‖².
    static func root(after j: Int, poles: [Double], weights: [Double], rho: Double, upper: Double) -> Double {
        let lower = poles[j], upperIsPole = j + 1 < poles.count
        let width = upper - lower
        // Pick the origin at the pole nearer to the root: f < 0 at the midpoint puts the root in the upper half.
        let rootInUpperHalf = evaluate(tau: width / 2, origin: lower, poles: poles, weights: weights, rho: rho).f < 0
        let origin = rootInUpperHalf && upperIsPole ? upper : lower
        var lo = rootInUpperHalf ? width / 2 : 0, hi = rootInUpperHalf ? width : width / 2
        if origin == upper { lo -= width; hi -= width }
        var tau = (lo + hi) / 2, previousF = Double.infinity
        for _ in 0..<300 {
            let (f, slope) = evaluate(tau: tau, origin: origin, poles: poles, weights: weights, rho: rho)
            if f == 0 { break }
            if f < 0 { lo = tau } else { hi = tau }  // f increases in τ
            var next = tau - f / slope
            // Bisect when Newton leaves the bracket or stalls (|f| not at least halved).
            if !slope.isFinite || !(next > lo && next < hi) || abs(f) > 0.5 * previousF { next = (lo + hi) / 2 }
            previousF = abs(f)
            let done = abs(next - tau) <= 2 * Double.ulpOfOne * abs(next) || hi - lo <= 2 * Double.ulpOfOne * max(abs(lo), abs(hi))
            tau = next
            if done { break }
        }
        return origin + tau
    }

    /// f and f' at μ = origin + τ, with the pole offsets d_k − origin formed first (exact for the origin pole).
    static func evaluate(tau: Double, origin: Double, poles: [Double], weights: [Double], rho: Double) -> (f: Double, slope: Double) {
        var sum = 0.0, sumSquares = 0.0
        for k in poles.indices {
            let r = 1 / ((poles[k] - origin) - tau)
            sum += weights[k] * r
            sumSquares += weights[k] * r * r
        }
        return (1 + rho * sum, rho * sumSquares)
    }

    /// Whether ascending `eigenvalues` interlace with the poles `diagonal` as a rank-one change of sign
    /// `rho` requires (ρ < 0: μ_1 ≤ d_1 ≤ μ_2 ≤ … ≤ μ_K ≤ d_K; ρ > 0: d_1 ≤ μ_1 ≤ d_2 ≤ … ≤ d_K ≤ μ_K),
    /// allowing a slack of `tolerance` × the largest magnitude involved (eigensolvers are accurate
    /// relative to the matrix norm, not to each eigenvalue).
    public static func interlace(eigenvalues: [Double], diagonal: [Double], rho: Double, tolerance: Double) -> Bool {
        guard eigenvalues.count == diagonal.count else { return false }
        let mu = eigenvalues.sorted(), d = diagonal.sorted()
        let slack = tolerance * (mu + d).reduce(0) { max($0, abs($1)) }
        func leq(_ a: Double, _ b: Double) -> Bool { a <= b + slack }
        for k in d.indices {
            if rho < 0 {
                if !leq(mu[k], d[k]) || (k + 1 < d.count && !leq(d[k], mu[k + 1])) { return false }
            } else {
                if !leq(d[k], mu[k]) || (k + 1 < d.count && !leq(mu[k], d[k + 1])) { return false }
            }
        }
        return true
    }
}
