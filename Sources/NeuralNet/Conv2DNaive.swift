// Naive twins of Conv2D: x is (B, Cin, H, W), weight (Cout, Cin, k, k), y (B, Cout, Ho, Wo).
// Direct loops over the definition y[b,o,i,j] = bias[o] + Σ_{c,u,v} w[o,c,u,v]·x[b,c,i·s+u−p,j·s+v−p].

extension Conv2D {
    public func forwardNaive(_ x: Tensor) -> Tensor {
        let g = geometry(x)
        let (batch, co, k, s, pad) = (x.shape[0], outChannels, kernelSize, stride, kernelSize / 2)
        let (h, w, ho, wo) = (g.height, g.width, g.outHeight, g.outWidth)
        var y = Tensor(shape: [batch, co, ho, wo])
        for b in 0..<batch {
            for o in 0..<co {
                for i in 0..<ho {
                    for j in 0..<wo {
                        var sum = bias.value[o]
                        for c in 0..<inChannels {
                            for u in 0..<k {
                                for v in 0..<k {
                                    let iy = i * s + u - pad, ix = j * s + v - pad
                                    if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                                    sum += weight.value[((o * inChannels + c) * k + u) * k + v]
                                        * x.data[((b * inChannels + c) * h + iy) * w + ix]
                                }
                            }
                        }
                        y.data[((b * co + o) * ho + i) * wo + j] = sum
                    }
                }
            }
        }
        return y
    }

    /// Returns (∂L/∂x, ∂L/∂W, ∂L/∂b) without touching the parameters' gradients.
    public func backwardNaive(input x: Tensor, gradOutput gy: Tensor) -> (input: Tensor, weight: [Float], bias: [Float]) {
        let g = geometry(x)
        let (batch, co, k, s, pad) = (x.shape[0], outChannels, kernelSize, stride, kernelSize / 2)
        let (h, w, ho, wo) = (g.height, g.width, g.outHeight, g.outWidth)
        var dx = Tensor(shape: x.shape)
        var dw = [Float](repeating: 0, count: weight.count), db = [Float](repeating: 0, count: co)
        for b in 0..<batch {
            for o in 0..<co {
                for i in 0..<ho {
                    for j in 0..<wo {
                        let gv = gy.data[((b * co + o) * ho + i) * wo + j]
                        db[o] += gv
                        for c in 0..<inChannels {
                            for u in 0..<k {
                                for v in 0..<k {
                                    let iy = i * s + u - pad, ix = j * s + v - pad
                                    if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                                    let wi = ((o * inChannels + c) * k + u) * k + v
                                    let xi = ((b * inChannels + c) * h + iy) * w + ix
                                    dw[wi] += gv * x.data[xi]
                                    dx.data[xi] += gv * weight.value[wi]
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dx, dw, db)
    }
}
