/// Plain-loop twins of the BLAS wrappers: the reference the tests compare the fast paths with.
public enum Naive {
    public static func matmul<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>, transposeA: Bool = false, transposeB: Bool = false) -> Matrix<T> {
        let A = transposeA ? a.transposed : a, B = transposeB ? b.transposed : b
        precondition(A.columns == B.rows)
        return Matrix(rows: A.rows, columns: B.columns) { i, j in
            var s: T = 0
            for k in 0..<A.columns { s += A[i, k] * B[k, j] }
            return s
        }
    }

    public static func matvec<T: BLASScalar>(_ a: Matrix<T>, _ x: [T], transpose: Bool = false) -> [T] {
        let A = transpose ? a.transposed : a
        return (0..<A.rows).map { i in (0..<A.columns).reduce(T(0)) { $0 + A[i, $1] * x[$1] } }
    }

    public static func dot<T: BLASScalar>(_ x: [T], _ y: [T]) -> T { zip(x, y).reduce(T(0)) { $0 + $1.0 * $1.1 } }

    public static func axpy<T: BLASScalar>(_ alpha: T, _ x: [T], _ y: [T]) -> [T] { zip(x, y).map { alpha * $0 + $1 } }

    /// Cyclic Jacobi eigenvalues of a symmetric matrix (ascending): slow, simple, and independent of
    /// LAPACK, so the tests can check `symmetricEigen` against it on small matrices.
    public static func symmetricEigenvalues(_ a: Matrix<Double>, sweeps: Int = 100) -> [Double] {
        symmetricEigen(a, sweeps: sweeps).values.sorted()
    }

    /// Cyclic Jacobi rotations: A = V diag(values) Vᵀ, eigenvectors in the columns of V (unsorted).
    public static func symmetricEigen(_ a: Matrix<Double>, sweeps: Int = 100) -> (values: [Double], vectors: Matrix<Double>) {
        precondition(a.rows == a.columns)
        let n = a.rows
        var m = a, v = Matrix<Double>.identity(n)
        for _ in 0..<sweeps {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where i != j { off += m[i, j] * m[i, j] } }
            if off < 1e-30 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where abs(m[p, q]) > 1e-300 {
                    let theta = (m[q, q] - m[p, p]) / (2 * m[p, q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {  // rotate columns p, q (and accumulate V)
                        let mkp = m[k, p], mkq = m[k, q]
                        m[k, p] = c * mkp - s * mkq; m[k, q] = s * mkp + c * mkq
                        let vkp = v[k, p], vkq = v[k, q]
                        v[k, p] = c * vkp - s * vkq; v[k, q] = s * vkp + c * vkq
                    }
                    for k in 0..<n {  // rotate rows p, q
                        let mpk = m[p, k], mqk = m[q, k]
                        m[p, k] = c * mpk - s * mqk; m[q, k] = s * mpk + c * mqk
                    }
                }
            }
        }
        return ((0..<n).map { m[$0, $0] }, v)
    }
}
