// The GPS score of a batch of M-measurement points, and the two layouts chains are stored in.
import NumericCore

/// ψ_m = (ν(ȳ) − y_m)/σ² (THEORY §4), the score of the GPS-parametrised M-density at y given the
/// denoiser's output ν(ȳ) at the point's mean.
public enum GPSScore {
    /// For a chain-major state y[(b·M + m)·d + j] of B points, given ν(ȳ_b) as B rows of d.
    public static func chainMajor(_ y: [Float], nu: [Float], measurements M: Int, chains B: Int, sigma: Double, into out: inout [Float]) {
        let d = nu.count / B
        precondition(nu.count == B * d && y.count == B * M * d, "GPSScore: \(y.count) coordinates do not match \(B) chains of M = \(M) and ν of \(nu.count)")
        if out.count != y.count { out = [Float](repeating: 0, count: y.count) }
        let invS2 = Float(1 / (sigma * sigma))
        for b in 0..<B { for m in 0..<M { let o = (b * M + m) * d; for j in 0..<d { out[o + j] = (nu[b * d + j] - y[o + j]) * invS2 } } }
    }
}

/// B chains of M measurements of d coordinates, stored measurement-major ([m][b][i]: the walk-jump
/// sampler's, so that ν's B rows line up with each measurement) or chain-major ([b][m][i]: the
/// generic integrators', one chain's M·d coordinates contiguous).
public enum ChainLayout {
    /// [m][b][i] → [b][m][i].
    public static func chainMajor(_ x: [Float], measurements M: Int, chains B: Int, dimension d: Int) -> [Float] {
        precondition(x.count == M * B * d, "ChainLayout: \(x.count) values are not M·B·d = \(M * B * d)")
        var out = [Float](repeating: 0, count: x.count)
        for m in 0..<M { for b in 0..<B { for j in 0..<d { out[(b * M + m) * d + j] = x[(m * B + b) * d + j] } } }
        return out
    }

    /// [b][m][i] → [m][b][i].
    public static func measurementMajor(_ x: [Float], measurements M: Int, chains B: Int, dimension d: Int) -> [Float] {
        precondition(x.count == M * B * d, "ChainLayout: \(x.count) values are not M·B·d = \(M * B * d)")
        var out = [Float](repeating: 0, count: x.count)
        for m in 0..<M { for b in 0..<B { for j in 0..<d { out[(m * B + b) * d + j] = x[(b * M + m) * d + j] } } }
        return out
    }
}
