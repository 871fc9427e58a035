// Kernel distance between two feature sets: the unbiased estimate of the squared maximum mean
// discrepancy with the cubic polynomial kernel of KID (Bińkowski et al. 2018),
//
//     k(a, b) = (aᵀb / k + 1)³,    k = feature dimension
//     KID = 1/(n(n−1)) Σ_{i≠j} k(x_i, x_j) + 1/(m(m−1)) Σ_{i≠j} k(y_i, y_j) − 2/(nm) Σ_{i,j} k(x_i, y_j)
//
// Unlike the Fréchet distance it has no finite-n bias: its expectation is the population MMD², 0
// when both sets come from one law, so it can be negative and small sets can be compared. As with
// FD, the book uses its own classifier's features, not Inception's.

public enum KernelDistance {
    /// KID between `n` rows and `m` rows of `dimension` features (row-major). The three Gram
    /// matrices are BLAS `dgemm`s; `kidNaive` is the double-loop twin.
    public static func kid<S: BinaryFloatingPoint>(_ x: [S], count n: Int, _ y: [S], count m: Int, dimension k: Int) -> Double {
        precondition(n >= 2 && m >= 2 && x.count == n * k && y.count == m * k,
                     "KernelDistance.kid: need ≥ 2 rows of \(k) features in each set")
        let a = Matrix<Double>(rows: n, columns: k, storage: x.map { Double($0) })
        let b = Matrix<Double>(rows: m, columns: k, storage: y.map { Double($0) })
        func kernelSum(_ g: Matrix<Double>, skipDiagonal: Bool) -> Double {
            var sum = 0.0
            for i in 0..<g.rows {
                for j in 0..<g.columns where !(skipDiagonal && i == j) {
                    let t = g.storage[i * g.columns + j] / Double(k) + 1
                    sum += t * t * t
                }
            }
            return sum
        }
        let xx = kernelSum(matmul(a, a, transposeB: true), skipDiagonal: true)
        let yy = kernelSum(matmul(b, b, transposeB: true), skipDiagonal: true)
        let xy = kernelSum(matmul(a, b, transposeB: true), skipDiagonal: false)
        return xx / Double(n * (n - 1)) + yy / Double(m * (m - 1)) - 2 * xy / Double(n * m)
    }

    /// The naive twin of `kid`: every kernel value by its own dot product.
    public static func kidNaive<S: BinaryFloatingPoint>(_ x: [S], count n: Int, _ y: [S], count m: Int, dimension k: Int) -> Double {
        func kernel(_ p: [S], _ i: Int, _ q: [S], _ j: Int) -> Double {
            var dot = 0.0
            for c in 0..<k { dot += Double(p[i * k + c]) * Double(q[j * k + c]) }
            let t = dot / Double(k) + 1
            return t * t * t
        }
        var xx = 0.0, yy = 0.0, xy = 0.0
        for i in 0..<n { for j in 0..<n where i != j { xx += kernel(x, i, x, j) } }
        for i in 0..<m { for j in 0..<m where i != j { yy += kernel(y, i, y, j) } }
        for i in 0..<n { for j in 0..<m { xy += kernel(x, i, y, j) } }
        return xx / Double(n * (n - 1)) + yy / Double(m * (m - 1)) - 2 * xy / Double(n * m)
    }
}
