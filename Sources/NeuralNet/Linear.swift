// x is (N, In), weight is (Out, In), bias is (Out), y = x·Wᵀ + b is (N, Out).
import NumericCore

/// Fully connected layer, lowered onto one `sgemm` per pass.
public final class Linear: Layer {
    public let inFeatures: Int, outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter
    private(set) var cachedInput: Tensor?

    /// He-normal weights (fan-in = `inFeatures`), zero bias.
    public init(_ inFeatures: Int, _ outFeatures: Int, rng: inout Xoshiro256) {
        self.inFeatures = inFeatures; self.outFeatures = outFeatures
        weight = .heNormal(shape: [outFeatures, inFeatures], fanIn: inFeatures, rng: &rng)
        bias = .filled(shape: [outFeatures], 0)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight), ("bias", bias)]
    }

    public func forward(_ x: Tensor) -> Tensor {
        let y = infer(x)
        cachedInput = x
        return y
    }

    public func infer(_ x: Tensor) -> Tensor {
        require(x.rank == 2 && x.shape[1] == inFeatures, "Linear: input \(x.shape), expected (N, \(inFeatures))")
        require(weight.isConsistent && bias.isConsistent, "parameter arrays no longer match their shapes")
        cachedInput = nil
        let n = x.shape[0], o = outFeatures, i = inFeatures
        return Tensor(shape: [n, o]) { y in
            bias.value.withUnsafeBufferPointer { b in
                for r in 0..<n { for c in 0..<o { y[r * o + c] = b[c] } }
            }
            guard n > 0 else { return }
            x.data.withUnsafeBufferPointer { px in
                weight.value.withUnsafeBufferPointer { pw in
                    Float.gemm(transA: false, transB: true, m: n, n: o, k: i, alpha: 1,
                               a: px.baseAddress!, lda: i, b: pw.baseAddress!, ldb: i,
                               beta: 1, c: y.baseAddress!, ldc: o)
                }
            }
        }
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let x = cachedInput else { fatalError("Linear.backward before forward") }
        let n = x.shape[0], o = outFeatures, i = inFeatures
        require(gradOutput.shape == [n, o], "Linear.backward: gradient \(gradOutput.shape)")
        if n == 0 { return Tensor(shape: x.shape) }
        gradOutput.data.withUnsafeBufferPointer { g in
            x.data.withUnsafeBufferPointer { px in
                weight.gradient.withUnsafeMutableBufferPointer { gw in
                    Float.gemm(transA: true, transB: false, m: o, n: i, k: n, alpha: 1,
                               a: g.baseAddress!, lda: o, b: px.baseAddress!, ldb: i,
                               beta: 1, c: gw.baseAddress!, ldc: i)
                }
            }
            bias.gradient.withUnsafeMutableBufferPointer { gb in
                for r in 0..<n { for c in 0..<o { gb[c] += g[r * o + c] } }
            }
        }
        return Tensor(shape: [n, i]) { dx in
            gradOutput.data.withUnsafeBufferPointer { g in
                weight.value.withUnsafeBufferPointer { pw in
                    Float.gemm(transA: false, transB: false, m: n, n: i, k: o, alpha: 1,
                               a: g.baseAddress!, lda: o, b: pw.baseAddress!, ldb: i,
                               beta: 0, c: dx.baseAddress!, ldc: i)
                }
            }
        }
    }

    // MARK: Naive twins (plain loops, no caching) for tests

    public func forwardNaive(_ x: Tensor) -> Tensor {
        let n = x.shape[0]
        var y = Tensor(shape: [n, outFeatures])
        for r in 0..<n {
            for c in 0..<outFeatures {
                var s = bias.value[c]
                for k in 0..<inFeatures { s += x.data[r * inFeatures + k] * weight.value[c * inFeatures + k] }
                y.data[r * outFeatures + c] = s
            }
        }
        return y
    }

    /// Returns (∂L/∂x, ∂L/∂W, ∂L/∂b) without touching the parameters' gradients.
    public func backwardNaive(input x: Tensor, gradOutput g: Tensor) -> (input: Tensor, weight: [Float], bias: [Float]) {
        let n = x.shape[0], o = outFeatures, i = inFeatures
        var dx = Tensor(shape: x.shape)
        var dw = [Float](repeating: 0, count: o * i), db = [Float](repeating: 0, count: o)
        for r in 0..<n {
            for c in 0..<o {
                let gv = g.data[r * o + c]
                db[c] += gv
                for k in 0..<i {
                    dw[c * i + k] += gv * x.data[r * i + k]
                    dx.data[r * i + k] += gv * weight.value[c * i + k]
                }
            }
        }
        return (dx, dw, db)
    }
}
