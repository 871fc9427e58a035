import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// T2.3: the Bayes denoiser of the empirical prior p̂ = (1/n) Σ_i δ_{x_i} — the ideal denoiser of a
/// training set, which memorises it:
///
///     x̂(y) = Σ_i softmax_i(−‖y − x_i‖²/(2σ²)) x_i,     score(y) = (x̂(y) − y)/σ²
///
/// Points and queries are flat row-major vectors of any dimension d (images are flattened), in Float
/// (network work, chapter 5) or Double (theory checks). The fast path computes all squared distances
/// of a batch at once with one gemm, ‖y − x_i‖² = ‖y‖² − 2 y·x_i + ‖x_i‖², applies a max-subtracted
/// (stable) softmax per query, and forms the weighted average with a second gemm; queries are
/// processed in chunks so the distance matrix stays below `chunkEntries` entries. `naiveDenoise`
/// is the plain-loop twin (Double accumulation) the tests compare with.
public struct EmpiricalDenoiser<T: BLASScalar>: Sendable {
    /// The n training points, row-major n × d.
    public let points: [T]
    public let dimension: Int
    public let count: Int
    /// ‖x_i‖² for every point.
    public let squaredNorms: [T]
    /// Largest distance-matrix block (queries × points) held at once.
    public var chunkEntries: Int = 1 << 22

    public init(points: [T], dimension: Int) {
        precondition(dimension > 0 && !points.isEmpty && points.count % dimension == 0,
                     "EmpiricalDenoiser: \(points.count) values are not a whole number of \(dimension)-vectors")
        self.points = points; self.dimension = dimension; count = points.count / dimension
        var norms = [T](repeating: 0, count: points.count / dimension)
        points.withUnsafeBufferPointer { p in
            for i in norms.indices { norms[i] = T.dot(n: dimension, x: p.baseAddress! + i * dimension, y: p.baseAddress! + i * dimension) }
        }
        squaredNorms = norms
    }

    /// Builds the denoiser from rows (convenience for small toy sets).
    public init(rows: [[T]]) {
        precondition(!rows.isEmpty, "EmpiricalDenoiser: no points")
        self.init(points: rows.flatMap { $0 }, dimension: rows[0].count)
    }

    /// x̂(y) for a batch of queries (row-major m × d, m = y.count / d): the fast BLAS path.
    @inlinable
    public func denoise(_ y: [T], sigma: Double) -> [T] {
        denoiseWithWeights(y, sigma: sigma).estimate
    }

    /// x̂(y) and, per query, the largest posterior weight max_i softmax_i (near 1: the query is
    /// explained by a single training point — memorisation).
    @inlinable
    public func denoiseWithWeights(_ y: [T], sigma: Double) -> (estimate: [T], maxWeight: [T]) {
        precondition(sigma > 0, "EmpiricalDenoiser: σ must be positive")
        precondition(y.count % dimension == 0, "EmpiricalDenoiser: query length \(y.count) is not a multiple of d = \(dimension)")
        let d = dimension, n = count, m = y.count / d
        var out = [T](repeating: 0, count: y.count)
        var maxW = [T](repeating: 0, count: m)
        if m == 0 { return (out, maxW) }
        let chunk = max(1, min(m, chunkEntries / max(n, 1)))
        let scale = T(-1 / (2 * sigma * sigma))
        var g = [T](repeating: 0, count: chunk * n)
        y.withUnsafeBufferPointer { py in
            points.withUnsafeBufferPointer { px in
                out.withUnsafeMutableBufferPointer { po in
                    g.withUnsafeMutableBufferPointer { pg in
                        var start = 0
                        while start < m {
                            let rows = min(chunk, m - start)
                            let yBase = py.baseAddress! + start * d
                            // G = Y Xᵀ (rows × n)
                            T.gemm(transA: false, transB: true, m: rows, n: n, k: d, alpha: 1, a: yBase, lda: d,
                                   b: px.baseAddress!, ldb: d, beta: 0, c: pg.baseAddress!, ldc: n)
                            for r in 0..<rows {
                                let yy = T.dot(n: d, x: yBase + r * d, y: yBase + r * d)
                                let row = pg.baseAddress! + r * n
                                var best = -T.infinity
                                for j in 0..<n {
                                    let d2 = max(yy - 2 * row[j] + squaredNorms[j], 0)
                                    let logit = scale * d2
                                    row[j] = logit
                                    if logit > best { best = logit }
                                }
                                var total: T = 0
                                for j in 0..<n { let e = T(exp(Double(row[j] - best))); row[j] = e; total += e }
                                let inv = 1 / total
                                var mw: T = 0
                                for j in 0..<n { row[j] *= inv; if row[j] > mw { mw = row[j] } }
                                maxW[start + r] = mw
                            }
                            // X̂ = W X (rows × d)
                            T.gemm(transA: false, transB: false, m: rows, n: d, k: n, alpha: 1, a: pg.baseAddress!, lda: n,
                                   b: px.baseAddress!, ldb: d, beta: 0, c: po.baseAddress! + start * d, ldc: d)
                            start += rows
                        }
                    }
                }
            }
        }
        return (out, maxW)
    }

    /// The plain-loop twin of `denoise`: direct distances, stable softmax and weighted sum, all
    /// accumulated in Double.
    @inlinable
    public func naiveDenoise(_ y: [T], sigma: Double) -> [T] {
        precondition(sigma > 0 && y.count % dimension == 0)
        let d = dimension, n = count, m = y.count / d
        var out = [T](repeating: 0, count: y.count)
        var logits = [Double](repeating: 0, count: n)
        for q in 0..<m {
            for i in 0..<n {
                var s = 0.0
                for k in 0..<d { let e = Double(y[q * d + k]) - Double(points[i * d + k]); s += e * e }
                logits[i] = -s / (2 * sigma * sigma)
            }
            let best = logits.max()!
            let w = logits.map { exp($0 - best) }
            let total = w.reduce(0, +)
            for k in 0..<d {
                var acc = 0.0
                for i in 0..<n { acc += w[i] * Double(points[i * d + k]) }
                out[q * d + k] = T(acc / total)
            }
        }
        return out
    }

    /// The score of the smoothed empirical prior p̂ * N(0, σ²I): (x̂(y) − y)/σ² (Tweedie–Miyasawa).
    @inlinable
    public func score(_ y: [T], sigma: Double) -> [T] {
        let xhat = denoise(y, sigma: sigma)
        let inv = T(1 / (sigma * sigma))
        var s = xhat
        for i in s.indices { s[i] = (xhat[i] - y[i]) * inv }
        return s
    }
}
