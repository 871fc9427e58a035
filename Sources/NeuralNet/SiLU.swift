// x and y have any shape (same shape); y = x·σ(x), σ the logistic function.
#if canImport(Glibc)
import Glibc
#endif

/// SiLU (swish) activation: y = x / (1 + e^(−x)); dy/dx = σ(x)·(1 + x·(1 − σ(x))).
/// The fast path uses the vectorisable `fastExp`; `forwardNaive` uses libm's `expf`.
public final class SiLU: Layer {
    private(set) var cachedInput: Tensor?
    public init() { tuneAllocator() }
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ x: Tensor) -> Tensor {
        let y = infer(x)
        cachedInput = x
        return y
    }

    public func infer(_ x: Tensor) -> Tensor {
        cachedInput = nil
        return Tensor(shape: x.shape) { y in
            x.data.withUnsafeBufferPointer { px in
                let src = px.baseAddress!, dst = y.baseAddress!
                parallelChunks(y.count) { range in
                    for i in range { let v = src[i]; dst[i] = v / (1 + fastExp(-v)) }
                }
            }
        }
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let x = cachedInput else { fatalError("SiLU.backward before forward") }
        require(gradOutput.shape == x.shape, "SiLU.backward: gradient \(gradOutput.shape) vs \(x.shape)")
        return Tensor(shape: x.shape) { dx in
            x.data.withUnsafeBufferPointer { px in
                gradOutput.data.withUnsafeBufferPointer { g in
                    let src = px.baseAddress!, gp = g.baseAddress!, dst = dx.baseAddress!
                    parallelChunks(dx.count) { range in
                        for i in range {
                            let v = src[i], s = 1 / (1 + fastExp(-v))
                            dst[i] = gp[i] * s * (1 + v * (1 - s))
                        }
                    }
                }
            }
        }
    }

    public func forwardNaive(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, data: x.data.map { $0 / (1 + expf(-$0)) })
    }
}
