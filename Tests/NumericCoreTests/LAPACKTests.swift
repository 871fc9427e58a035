import NumericCore
import PropertyBased
import Testing

private func randomSymmetric(_ n: Int, seed: UInt64) -> Matrix<Double> {
    var rng = Xoshiro256(seed: seed)
    let b = Matrix<Double>(rows: n, columns: n) { _, _ in rng.gaussian() }
    return Matrix(rows: n, columns: n) { i, j in (b[i, j] + b[j, i]) / 2 }
}

/// A = B Bᵀ + n I: symmetric positive definite with κ(A) modest.
private func randomSPD(_ n: Int, seed: UInt64) -> Matrix<Double> {
    var rng = Xoshiro256(seed: seed)
    let b = Matrix<Double>(rows: n, columns: n) { _, _ in rng.gaussian() }
    var a = matmul(b, b, transposeB: true)
    for i in 0..<n { a[i, i] += Double(n) }
    return a
}

private func maxAbs(_ m: Matrix<Double>) -> Double { m.storage.map(abs).max() ?? 0 }

@Suite("LAPACK wrappers: dsyevd, dpotrf, dgesv and their errors")
struct LAPACKTests {
    /// Eigenvalues agree with cyclic Jacobi to 1e-10·‖A‖ (both are backward stable; seen: ~1e-15).
    @Test("symmetricEigen = Naive Jacobi eigenvalues; A V = V Λ with orthonormal V")
    func eigen() async {
        await propertyCheck(count: 60, input: Gen.int(in: 1...12), Gen.int(in: 0...1_000_000)) { n, seed in
            let a = randomSymmetric(n, seed: UInt64(seed))
            let e = try symmetricEigen(a, computeVectors: true)
            let scale = max(maxAbs(a), 1e-300)
            #expect(Stats.maxAbsoluteError(e.values, Naive.symmetricEigenvalues(a)) <= 1e-10 * scale)
            #expect(e.values == e.values.sorted())
            let v = try #require(e.vectors)
            let av = matmul(a, v), vl = Matrix(rows: n, columns: n) { i, j in v[i, j] * e.values[j] }
            #expect(Stats.maxAbsoluteError(av.storage, vl.storage) <= 1e-10 * scale)
            #expect(Stats.maxAbsoluteError(matmul(v, v, transposeA: true).storage, Matrix<Double>.identity(n).storage) <= 1e-12)
        }
    }

    @Test("cholesky: L is lower triangular and L Lᵀ = A (1e-12 relative to max |A|)")
    func choleskyFactor() async {
        await propertyCheck(count: 60, input: Gen.int(in: 1...16), Gen.int(in: 0...1_000_000)) { n, seed in
            let a = randomSPD(n, seed: UInt64(seed))
            let l = try cholesky(a)
            #expect((0..<n).allSatisfy { i in ((i + 1)..<n).allSatisfy { l[i, $0] == 0 } })
            #expect(Stats.maxAbsoluteError(matmul(l, l, transposeB: true).storage, a.storage) <= 1e-12 * maxAbs(a))
        }
    }

    @Test("solve: A x = b for well-conditioned A, one and several right-hand sides (residual ≤ 1e-12·‖A‖‖x‖)")
    func linearSolve() async {
        await propertyCheck(count: 60, input: Gen.int(in: 1...16), Gen.int(in: 1...4), Gen.int(in: 0...1_000_000)) { n, k, seed in
            let a = randomSPD(n, seed: UInt64(seed))
            var rng = Xoshiro256(seed: UInt64(seed) &+ 1)
            let b = Matrix<Double>(rows: n, columns: k) { _, _ in rng.gaussian() }
            let x = try solve(a, b)
            let residual = Stats.maxAbsoluteError(matmul(a, x).storage, b.storage)
            #expect(residual <= 1e-12 * Double(n) * maxAbs(a) * max(maxAbs(x), 1))
            let x1 = try solve(a, b.column(0))
            #expect(Stats.maxAbsoluteError(matvec(a, x1), b.column(0)) <= 1e-12 * Double(n) * maxAbs(a) * max(x1.map(abs).max()!, 1))
        }
    }

    @Test("LAPACK failures become Swift errors")
    func errors() throws {
        let indefinite = Matrix<Double>(rows: 2, columns: 2, storage: [1, 2, 2, 1])
        #expect(throws: LAPACKError.notPositiveDefinite(order: 2)) { try cholesky(indefinite) }
        let negative = Matrix<Double>(rows: 3, columns: 3, storage: [-1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(throws: LAPACKError.notPositiveDefinite(order: 1)) { try cholesky(negative) }
        let singular = Matrix<Double>(rows: 2, columns: 2, storage: [1, 2, 2, 4])
        let error = #expect(throws: LAPACKError.self) { try solve(singular, [1, 1]) }
        if case .singular = error {} else { Issue.record("expected .singular, got \(String(describing: error))") }
        let zero = Matrix<Double>(rows: 3, columns: 3)
        #expect(throws: LAPACKError.singular(pivot: 1)) { try solve(zero, [1, 2, 3]) }
        #expect(throws: LAPACKError.self) { try symmetricEigen(Matrix(rows: 2, columns: 3)) }
        #expect(throws: LAPACKError.self) { try solve(Matrix<Double>.identity(2), [1, 2, 3]) }
        #expect(try symmetricEigen(Matrix(rows: 0, columns: 0)).values.isEmpty)
    }
}
