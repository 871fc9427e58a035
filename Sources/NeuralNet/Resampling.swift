// Upsample2x: x (B, C, H, W) → y (B, C, 2H, 2W), nearest neighbour.
// ChannelConcat: a (B, Ca, H, W), b (B, Cb, H, W) → y (B, Ca + Cb, H, W).
// GlobalAveragePool: x (B, C, H, W) → y (B, C), the mean over H·W.

/// Nearest-neighbour 2× up-sampling; backward sums each 2×2 block of the gradient.
public final class Upsample2x: Layer {
    private var inputShape: [Int] = []
    public init() {}
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ x: Tensor) -> Tensor {
        require(x.rank == 4, "Upsample2x: input \(x.shape) must be (B, C, H, W)")
        inputShape = x.shape
        let planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
        return Tensor(shape: [x.shape[0], x.shape[1], 2 * h, 2 * w]) { y in
            x.data.withUnsafeBufferPointer { px in
                parallelItems(planes, costPerItem: 4 * h * w) { pl in
                    let src = px.baseAddress! + pl * h * w, dst = y.baseAddress! + pl * 4 * h * w
                    for i in 0..<h {
                        let row0 = dst + (2 * i) * 2 * w
                        for j in 0..<w { let v = src[i * w + j]; row0[2 * j] = v; row0[2 * j + 1] = v }
                        (row0 + 2 * w).update(from: row0, count: 2 * w)
                    }
                }
            }
        }
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        require(inputShape.count == 4, "Upsample2x.backward before forward")
        let planes = inputShape[0] * inputShape[1], h = inputShape[2], w = inputShape[3]
        require(gradOutput.shape == [inputShape[0], inputShape[1], 2 * h, 2 * w], "Upsample2x.backward: \(gradOutput.shape)")
        return Tensor(shape: inputShape) { dx in
            gradOutput.data.withUnsafeBufferPointer { pg in
                parallelItems(planes, costPerItem: 4 * h * w) { pl in
                    let src = pg.baseAddress! + pl * 4 * h * w, dst = dx.baseAddress! + pl * h * w
                    for i in 0..<h {
                        let r0 = src + 2 * i * 2 * w, r1 = r0 + 2 * w
                        for j in 0..<w { dst[i * w + j] = (r0[2 * j] + r0[2 * j + 1]) + (r1[2 * j] + r1[2 * j + 1]) }
                    }
                }
            }
        }
    }

    public func forwardNaive(_ x: Tensor) -> Tensor {
        let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var y = Tensor(shape: [b, c, 2 * h, 2 * w])
        for n in 0..<(b * c) {
            for i in 0..<(2 * h) { for j in 0..<(2 * w) { y.data[(n * 2 * h + i) * 2 * w + j] = x.data[(n * h + i / 2) * w + j / 2] } }
        }
        return y
    }
}

/// Concatenation along channels (U-Net skips); backward splits the gradient.
public struct ChannelConcat {
    private var firstChannels = 0, secondChannels = 0
    public init() {}

    public mutating func forward(_ a: Tensor, _ b: Tensor) -> Tensor {
        require(a.rank == 4 && b.rank == 4 && a.shape[0] == b.shape[0] && a.shape[2...] == b.shape[2...],
                     "ChannelConcat: shapes \(a.shape) and \(b.shape) differ outside channels")
        firstChannels = a.shape[1]; secondChannels = b.shape[1]
        let batch = a.shape[0], hw = a.shape[2] * a.shape[3]
        let sa = firstChannels * hw, sb = secondChannels * hw
        return Tensor(shape: [batch, firstChannels + secondChannels, a.shape[2], a.shape[3]]) { y in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    for n in 0..<batch {
                        (y.baseAddress! + n * (sa + sb)).update(from: pa.baseAddress! + n * sa, count: sa)
                        (y.baseAddress! + n * (sa + sb) + sa).update(from: pb.baseAddress! + n * sb, count: sb)
                    }
                }
            }
        }
    }

    public func backward(_ gradOutput: Tensor) -> (Tensor, Tensor) {
        require(gradOutput.rank == 4 && firstChannels + secondChannels > 0 && gradOutput.shape[1] == firstChannels + secondChannels,
                "ChannelConcat.backward: gradient \(gradOutput.shape) (backward before forward?)")
        let batch = gradOutput.shape[0], h = gradOutput.shape[2], w = gradOutput.shape[3], hw = h * w
        let sa = firstChannels * hw, sb = secondChannels * hw
        return gradOutput.data.withUnsafeBufferPointer { pg in
            let ga = Tensor(shape: [batch, firstChannels, h, w]) { d in
                for n in 0..<batch { (d.baseAddress! + n * sa).update(from: pg.baseAddress! + n * (sa + sb), count: sa) }
            }
            let gb = Tensor(shape: [batch, secondChannels, h, w]) { d in
                for n in 0..<batch { (d.baseAddress! + n * sb).update(from: pg.baseAddress! + n * (sa + sb) + sa, count: sb) }
            }
            return (ga, gb)
        }
    }
}

/// Mean over spatial positions: (B, C, H, W) → (B, C).
public final class GlobalAveragePool: Layer {
    private var inputShape: [Int] = []
    public init() {}
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ x: Tensor) -> Tensor {
        require(x.rank == 4, "GlobalAveragePool: input \(x.shape) must be (B, C, H, W)")
        inputShape = x.shape
        let planes = x.shape[0] * x.shape[1], hw = x.shape[2] * x.shape[3]
        return Tensor(shape: [x.shape[0], x.shape[1]]) { y in
            x.data.withUnsafeBufferPointer { px in
                for p in 0..<planes {
                    var s: Float = 0
                    for i in 0..<hw { s += px[p * hw + i] }
                    y[p] = s / Float(hw)
                }
            }
        }
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        require(inputShape.count == 4, "GlobalAveragePool.backward before forward")
        let planes = inputShape[0] * inputShape[1], hw = inputShape[2] * inputShape[3]
        require(gradOutput.shape == [inputShape[0], inputShape[1]], "GlobalAveragePool.backward: \(gradOutput.shape)")
        return Tensor(shape: inputShape) { dx in
            for p in 0..<planes {
                let v = gradOutput.data[p] / Float(hw)
                for i in 0..<hw { dx[p * hw + i] = v }
            }
        }
    }
}
