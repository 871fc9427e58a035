import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// Two-sample discrepancies between point sets (rows of equal dimension): the energy distance and
/// the squared maximum mean discrepancy with a Gaussian kernel. Both vanish in expectation when the
/// two samples come from the same law; the within-sample terms use U-statistics (i ≠ j), so the
/// estimates are unbiased and can be slightly negative for equal laws.
public enum SampleDistance {

    @inline(__always)
    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { let e = a[i] - b[i]; s += e * e }
        return s.squareRoot()
    }

    /// Mean ‖a_i − b_j‖ over all pairs (i, j).
    static func meanCrossDistance(_ a: [[Double]], _ b: [[Double]], _ f: (Double) -> Double) -> Double {
        var s = 0.0
        for x in a { for y in b { s += f(distance(x, y)) } }
        return s / Double(a.count * b.count)
    }

    /// Mean f(‖a_i − a_j‖) over pairs i ≠ j.
    static func meanWithinDistance(_ a: [[Double]], _ f: (Double) -> Double) -> Double {
        let n = a.count
        guard n > 1 else { return 0 }
        var s = 0.0
        for i in 0..<n { for j in (i + 1)..<n { s += f(distance(a[i], a[j])) } }
        return 2 * s / Double(n * (n - 1))
    }

    /// Energy distance 2 E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖ (Székely & Rizzo), ≥ 0 for the laws,
    /// zero iff they are equal. O(n m d).
    public static func energy(_ a: [[Double]], _ b: [[Double]]) -> Double {
        precondition(a.count > 1 && b.count > 1, "energy distance needs at least two points per sample")
        let id: (Double) -> Double = { $0 }
        return 2 * meanCrossDistance(a, b, id) - meanWithinDistance(a, id) - meanWithinDistance(b, id)
    }

    /// Unbiased MMD² with the Gaussian kernel k(x, y) = exp(−‖x − y‖²/(2ℓ²)).
    public static func mmdSquared(_ a: [[Double]], _ b: [[Double]], bandwidth ell: Double) -> Double {
        precondition(a.count > 1 && b.count > 1 && ell > 0, "mmdSquared needs two points per sample and ℓ > 0")
        let k: (Double) -> Double = { exp(-$0 * $0 / (2 * ell * ell)) }
        return meanWithinDistance(a, k) + meanWithinDistance(b, k) - 2 * meanCrossDistance(a, b, k)
    }

    /// The median pairwise distance of a sample (the usual MMD bandwidth heuristic), from at most
    /// `limit` points.
    public static func medianDistance(_ a: [[Double]], limit: Int = 500) -> Double {
        let pts = Array(a.prefix(limit))
        var d = [Double]()
        for i in pts.indices { for j in (i + 1)..<pts.count { d.append(distance(pts[i], pts[j])) } }
        d.sort()
        return d.isEmpty ? 1 : d[d.count / 2]
    }
}
