import CLAPACKE

/// LAPACK's `info` codes as Swift errors.
public enum LAPACKError: Error, Equatable, CustomStringConvertible {
    /// info < 0: argument number `n` had an illegal value (a bug in the caller).
    case illegalArgument(routine: String, argument: Int)
    /// dpotrf info > 0: the leading minor of order `order` is not positive definite.
    case notPositiveDefinite(order: Int)
    /// dgesv info > 0: U(i, i) is exactly zero, the matrix is singular.
    case singular(pivot: Int)
    /// dsyevd info > 0: the algorithm failed to converge.
    case noConvergence(routine: String, info: Int)
    /// Not square, or shapes that do not fit.
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case let .illegalArgument(r, a): return "\(r): argument \(a) had an illegal value"
        case let .notPositiveDefinite(o): return "Cholesky: leading minor of order \(o) is not positive definite"
        case let .singular(p): return "solve: matrix is singular (zero pivot U[\(p),\(p)])"
        case let .noConvergence(r, i): return "\(r): failed to converge (info = \(i))"
        case let .shapeMismatch(s): return s
        }
    }
}

/// Eigen-decomposition of a symmetric matrix: ascending eigenvalues, and (optionally) the
/// orthonormal eigenvectors as the columns of `vectors`.
public struct SymmetricEigen: Sendable {
    public let values: [Double]
    public let vectors: Matrix<Double>?
}

/// Symmetric eigendecomposition with LAPACK's divide-and-conquer `dsyevd` (upper triangle read).
public func symmetricEigen(_ a: Matrix<Double>, computeVectors: Bool = false) throws -> SymmetricEigen {
    guard a.rows == a.columns else { throw LAPACKError.shapeMismatch("symmetricEigen: matrix is \(a.rows)×\(a.columns), not square") }
    let n = a.rows
    if n == 0 { return SymmetricEigen(values: [], vectors: computeVectors ? a : nil) }
    var work = a.storage
    var w = [Double](repeating: 0, count: n)
    let info = work.withUnsafeMutableBufferPointer { pa in
        w.withUnsafeMutableBufferPointer { pw in
            LAPACKE_dsyevd(LAPACK_ROW_MAJOR, computeVectors ? 86 /* V */ : 78 /* N */, 85 /* U */,
                           Int32(n), pa.baseAddress, Int32(n), pw.baseAddress)
        }
    }
    if info < 0 { throw LAPACKError.illegalArgument(routine: "dsyevd", argument: Int(-info)) }
    if info > 0 { throw LAPACKError.noConvergence(routine: "dsyevd", info: Int(info)) }
    return SymmetricEigen(values: w, vectors: computeVectors ? Matrix(rows: n, columns: n, storage: work) : nil)
}

/// Lower Cholesky factor L with A = L Lᵀ (`dpotrf`); the strict upper triangle of the result is zero.
public func cholesky(_ a: Matrix<Double>) throws -> Matrix<Double> {
    guard a.rows == a.columns else { throw LAPACKError.shapeMismatch("cholesky: matrix is \(a.rows)×\(a.columns), not square") }
    let n = a.rows
    var l = a
    if n == 0 { return l }
    let info = l.storage.withUnsafeMutableBufferPointer {
        LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 76 /* L */, Int32(n), $0.baseAddress, Int32(n))
    }
    if info < 0 { throw LAPACKError.illegalArgument(routine: "dpotrf", argument: Int(-info)) }
    if info > 0 { throw LAPACKError.notPositiveDefinite(order: Int(info)) }
    for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { l[i, j] = 0 } }
    return l
}

/// Solves A X = B for X with LU and partial pivoting (`dgesv`). `b` may have several columns.
public func solve(_ a: Matrix<Double>, _ b: Matrix<Double>) throws -> Matrix<Double> {
    guard a.rows == a.columns else { throw LAPACKError.shapeMismatch("solve: matrix is \(a.rows)×\(a.columns), not square") }
    guard b.rows == a.rows else { throw LAPACKError.shapeMismatch("solve: right-hand side has \(b.rows) rows, expected \(a.rows)") }
    let n = a.rows
    var lu = a, x = b
    if n == 0 || b.columns == 0 { return x }
    var pivots = [Int32](repeating: 0, count: n)
    let info = lu.storage.withUnsafeMutableBufferPointer { pa in
        x.storage.withUnsafeMutableBufferPointer { pb in
            pivots.withUnsafeMutableBufferPointer { pp in
                LAPACKE_dgesv(LAPACK_ROW_MAJOR, Int32(n), Int32(b.columns), pa.baseAddress, Int32(n),
                              pp.baseAddress, pb.baseAddress, Int32(b.columns))
            }
        }
    }
    if info < 0 { throw LAPACKError.illegalArgument(routine: "dgesv", argument: Int(-info)) }
    if info > 0 { throw LAPACKError.singular(pivot: Int(info)) }
    return x
}

/// Solves A x = b for a single right-hand side.
public func solve(_ a: Matrix<Double>, _ b: [Double]) throws -> [Double] {
    try solve(a, Matrix(rows: b.count, columns: 1, storage: b)).storage
}
