// A tensor is a shape plus contiguous row-major Float storage. Images are NCHW: (B, C, H, W);
// feature rows for Linear/MLP are (N, D). The last index varies fastest.
import NumericCore

/// A dense Float tensor: `shape` and contiguous row-major `data` (NCHW for images).
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        require(shape.reduce(1, *) == data.count,
                     "Tensor: shape \(shape) needs \(shape.reduce(1, *)) values, got \(data.count)")
        self.shape = shape; self.data = data
    }

    /// A tensor filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.shape = shape
        data = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A tensor whose storage is written by `fill` (every element must be written; skips zeroing).
    @inlinable
    public init(shape: [Int], uninitialized fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let n = shape.reduce(1, *)
        self.shape = shape
        // Empty tensors skip `fill`, so fill closures may assume non-nil base addresses.
        data = n == 0 ? [] : [Float](unsafeUninitializedCapacity: n) { buffer, count in
            fill(buffer); count = n
        }
    }

    /// Standard normal entries scaled by `std`, drawn from `rng`.
    public static func gaussian(shape: [Int], std: Float = 1, rng: inout Xoshiro256) -> Tensor {
        Tensor(shape: shape, data: rng.gaussiansFloat(shape.reduce(1, *), mean: 0, std: std))
    }

    public var count: Int { data.count }
    public var rank: Int { shape.count }

    /// The same storage viewed with another shape of equal size.
    public func reshaped(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, data: data) }

    /// NaN/Inf guard: true when every entry is finite.
    public var allFinite: Bool {
        data.withUnsafeBufferPointer { p in
            // A sum of x·0 is NaN exactly when some x is NaN or ±Inf; this vectorises well.
            var acc: Float = 0
            for v in p { acc += v * 0 }
            return acc == 0
        }
    }

    /// Σ x², accumulated in Double.
    public var squaredNorm: Double {
        data.withUnsafeBufferPointer { p in
            var s: Double = 0
            for v in p { s += Double(v) * Double(v) }
            return s
        }
    }

    // MARK: Elementwise helpers (residual adds, gradient sums)

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        require(a.shape == b.shape, "Tensor +: shapes \(a.shape) and \(b.shape) differ")
        return Tensor(shape: a.shape) { out in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    for i in 0..<out.count { out[i] = pa[i] + pb[i] }
                }
            }
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        require(a.shape == b.shape, "Tensor -: shapes \(a.shape) and \(b.shape) differ")
        return Tensor(shape: a.shape) { out in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    for i in 0..<out.count { out[i] = pa[i] - pb[i] }
                }
            }
        }
    }

    public static func * (s: Float, a: Tensor) -> Tensor {
        Tensor(shape: a.shape) { out in
            a.data.withUnsafeBufferPointer { pa in
                for i in 0..<out.count { out[i] = s * pa[i] }
            }
        }
    }

    /// self += other, in place.
    public mutating func add(_ other: Tensor) {
        require(shape == other.shape, "Tensor add: shapes \(shape) and \(other.shape) differ")
        data.withUnsafeMutableBufferPointer { p in
            other.data.withUnsafeBufferPointer { q in
                for i in 0..<p.count { p[i] += q[i] }
            }
        }
    }
}
