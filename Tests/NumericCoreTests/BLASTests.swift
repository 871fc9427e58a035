import NumericCore
import PropertyBased
import Testing

/// Random matrices with entries in [−1, 1]. Each fast result must match its `Naive` twin within
/// 8·k·u·(Σ|a||b|) — the worst-case rounding bound of a length-k dot product, with u the unit round-off
/// of the scalar type (Float: 6e-8, Double: 1.1e-16).
private func randomMatrix<T: BLASScalar>(_ rows: Int, _ columns: Int, _ rng: inout Xoshiro256) -> Matrix<T> {
    Matrix(rows: rows, columns: columns) { _, _ in T(2 * rng.uniform() - 1) }
}

private func withinRoundoff<T: BLASScalar>(_ fast: [T], _ naive: [T], k: Int) -> Bool {
    let bound = 8 * Double(max(k, 1)) * Double(T.ulpOfOne) * Double(max(k, 1))  // Σ|a||b| ≤ k for entries in [−1, 1]
    return zip(fast, naive).allSatisfy { abs(Double($0) - Double($1)) <= bound }
}

private let dims = Gen.int(in: 1...24)

@Suite("BLAS wrappers against their naive twins (Float and Double)")
struct BLASTests {
    @Test("gemm with every transpose combination, random shapes")
    func gemm() async {
        await propertyCheck(count: 80, input: dims, dims, dims, Gen.int(in: 0...3)) { m, n, k, flags in
            var rng = Xoshiro256(seed: UInt64(m * 10_000 + n * 100 + k))
            let tA = flags & 1 == 1, tB = flags & 2 == 2
            let ad: Matrix<Double> = tA ? randomMatrix(k, m, &rng) : randomMatrix(m, k, &rng)
            let bd: Matrix<Double> = tB ? randomMatrix(n, k, &rng) : randomMatrix(k, n, &rng)
            let cd = matmul(ad, bd, transposeA: tA, transposeB: tB)
            #expect(cd.rows == m && cd.columns == n)
            #expect(withinRoundoff(cd.storage, Naive.matmul(ad, bd, transposeA: tA, transposeB: tB).storage, k: k))
            let af = Matrix<Float>(rows: ad.rows, columns: ad.columns, storage: ad.storage.map(Float.init))
            let bf = Matrix<Float>(rows: bd.rows, columns: bd.columns, storage: bd.storage.map(Float.init))
            #expect(withinRoundoff(matmul(af, bf, transposeA: tA, transposeB: tB).storage,
                                   Naive.matmul(af, bf, transposeA: tA, transposeB: tB).storage, k: k))
        }
    }

    @Test("gemv, axpy and dot, random lengths")
    func vectorOps() async {
        await propertyCheck(count: 80, input: dims, dims, Gen.double(in: -2...2), Gen.int(in: 0...1)) { m, n, alpha, trans in
            var rng = Xoshiro256(seed: UInt64(m * 1000 + n))
            let t = trans == 1
            let a: Matrix<Double> = randomMatrix(m, n, &rng)
            let x = (0..<(t ? m : n)).map { _ in 2 * rng.uniform() - 1 }
            #expect(withinRoundoff(matvec(a, x, transpose: t), Naive.matvec(a, x, transpose: t), k: t ? m : n))
            let af = Matrix<Float>(rows: m, columns: n, storage: a.storage.map(Float.init)), xf = x.map(Float.init)
            #expect(withinRoundoff(matvec(af, xf, transpose: t), Naive.matvec(af, xf, transpose: t), k: t ? m : n))

            let u = (0..<m).map { _ in 2 * rng.uniform() - 1 }, v = (0..<m).map { _ in 2 * rng.uniform() - 1 }
            var w = v
            axpy(alpha, u, &w)
            #expect(withinRoundoff(w, Naive.axpy(alpha, u, v), k: 3))
            var wf = v.map(Float.init)
            axpy(Float(alpha), u.map(Float.init), &wf)
            #expect(withinRoundoff(wf, Naive.axpy(Float(alpha), u.map(Float.init), v.map(Float.init)), k: 3))
            #expect(withinRoundoff([dot(u, v)], [Naive.dot(u, v)], k: m))
            #expect(withinRoundoff([dot(u.map(Float.init), v.map(Float.init))], [Naive.dot(u.map(Float.init), v.map(Float.init))], k: m))
        }
    }

    @Test("empty shapes give empty or zero results")
    func emptyShapes() {
        let a = Matrix<Double>(rows: 3, columns: 0), b = Matrix<Double>(rows: 0, columns: 2)
        #expect(matmul(a, b) == Matrix(rows: 3, columns: 2))
        #expect(matvec(a, []) == [0, 0, 0])
        #expect(dot([Double](), []) == 0)
    }
}
