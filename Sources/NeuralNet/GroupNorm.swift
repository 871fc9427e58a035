// x and y are (B, C, H, W); gamma and beta are (C). Channels split into G groups of C/G
// consecutive channels; each (image, group) block of (C/G)·H·W values is normalised on its own.

/// Group normalisation (Wu & He 2018): y = γ_c·(x − μ_bg)/√(σ²_bg + ε) + β_c, ε = 1e-5.
/// Batch-independent, so training and sampling see the same function at any batch size.
public final class GroupNorm: Layer {
    public let groups: Int, channels: Int
    public let epsilon: Float = 1e-5
    public let gamma: Parameter
    public let beta: Parameter
    private var cachedNormalized: Tensor?      // x̂
    private var cachedInverseStd: [Float] = []  // 1/√(σ² + ε) per (b, g)

    public init(groups: Int, channels: Int) {
        require(groups > 0 && channels % groups == 0, "GroupNorm: \(channels) channels not divisible into \(groups) groups")
        self.groups = groups; self.channels = channels
        tuneAllocator()
        gamma = .filled(shape: [channels], 1)
        beta = .filled(shape: [channels], 0)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", gamma), ("bias", beta)] }

    public func forward(_ x: Tensor) -> Tensor {
        require(x.rank == 4 && x.shape[1] == channels, "GroupNorm: input \(x.shape), expected (B, \(channels), H, W)")
        require(gamma.isConsistent && beta.isConsistent, "GroupNorm: parameter arrays no longer match their shapes")
        let batch = x.shape[0], hw = x.shape[2] * x.shape[3], cpg = channels / groups, n = cpg * hw
        let eps = epsilon
        var invStd = [Float](repeating: 0, count: batch * groups)
        // Every entry of x̂ is written below; skip zero-filling.
        var xhat = Tensor(shape: x.shape, data: [Float](unsafeUninitializedCapacity: x.count) { _, c in c = x.count })
        let y = Tensor(shape: x.shape) { py in
            x.data.withUnsafeBufferPointer { px in
                xhat.data.withUnsafeMutableBufferPointer { ph in
                    invStd.withUnsafeMutableBufferPointer { pi in
                        gamma.value.withUnsafeBufferPointer { pgm in
                            beta.value.withUnsafeBufferPointer { pbt in
                                parallelItems(batch * groups, costPerItem: n) { item in
                                    let base = item * n, g = item % groups
                                    let mean = sumVec(px.baseAddress! + base, n) / Float(n)
                                    let variance = sumSquaredDeviations(px.baseAddress! + base, n, mean: mean) / Float(n)
                                    let inv = 1 / (variance + eps).squareRoot()
                                    pi[item] = inv
                                    let m = mean
                                    for cl in 0..<cpg {
                                        let c = g * cpg + cl, gm = pgm[c], bt = pbt[c], off = base + cl * hw
                                        for i in off..<(off + hw) {
                                            let v = (px[i] - m) * inv
                                            ph[i] = v
                                            py[i] = v * gm + bt
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        cachedNormalized = xhat
        cachedInverseStd = invStd
        return y
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let xhat = cachedNormalized else { fatalError("GroupNorm.backward before forward") }
        require(gradOutput.shape == xhat.shape, "GroupNorm.backward: gradient \(gradOutput.shape)")
        let batch = xhat.shape[0], hw = xhat.shape[2] * xhat.shape[3], cpg = channels / groups, n = cpg * hw
        // Per-(b, c) partial sums, reduced over b afterwards in a fixed order (deterministic).
        var partialGamma = [Float](repeating: 0, count: batch * channels)
        var partialBeta = [Float](repeating: 0, count: batch * channels)
        let dx = Tensor(shape: xhat.shape) { pdx in
            gradOutput.data.withUnsafeBufferPointer { pg in
                xhat.data.withUnsafeBufferPointer { ph in
                    cachedInverseStd.withUnsafeBufferPointer { pi in
                        gamma.value.withUnsafeBufferPointer { pgm in
                            partialGamma.withUnsafeMutableBufferPointer { pdg in
                                partialBeta.withUnsafeMutableBufferPointer { pdb in
                                    parallelItems(batch * groups, costPerItem: n) { item in
                                        let base = item * n, g = item % groups, b = item / groups
                                        // dx̂ = dy·γ; dx = inv·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)).
                                        var sumD: Float = 0, sumDH: Float = 0
                                        for cl in 0..<cpg {
                                            let c = g * cpg + cl, gm = pgm[c], off = base + cl * hw
                                            let sg = sumVec(pg.baseAddress! + off, hw)
                                            let sgh = dotVec(pg.baseAddress! + off, ph.baseAddress! + off, hw)
                                            pdb[b * channels + c] = sg
                                            pdg[b * channels + c] = sgh
                                            sumD += sg * gm; sumDH += sgh * gm
                                        }
                                        let meanD = sumD / Float(n), meanDH = sumDH / Float(n), inv = pi[item]
                                        for cl in 0..<cpg {
                                            let gm = pgm[g * cpg + cl], off = base + cl * hw
                                            for i in off..<(off + hw) {
                                                pdx[i] = inv * (pg[i] * gm - meanD - ph[i] * meanDH)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for b in 0..<batch {
            for c in 0..<channels {
                gamma.gradient[c] += partialGamma[b * channels + c]
                beta.gradient[c] += partialBeta[b * channels + c]
            }
        }
        return dx
    }

    /// Plain-loop forward computing statistics per (b, g) directly from the definition.
    public func forwardNaive(_ x: Tensor) -> Tensor {
        let batch = x.shape[0], hw = x.shape[2] * x.shape[3], cpg = channels / groups
        var y = x
        for b in 0..<batch {
            for g in 0..<groups {
                var vals = [Double]()
                for c in (g * cpg)..<((g + 1) * cpg) {
                    for i in 0..<hw { vals.append(Double(x.data[(b * channels + c) * hw + i])) }
                }
                let mean = vals.reduce(0, +) / Double(vals.count)
                let variance = vals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(vals.count)
                for c in (g * cpg)..<((g + 1) * cpg) {
                    for i in 0..<hw {
                        let j = (b * channels + c) * hw + i
                        let xh = (Double(x.data[j]) - mean) / (variance + Double(epsilon)).squareRoot()
                        y.data[j] = Float(xh) * gamma.value[c] + beta.value[c]
                    }
                }
            }
        }
        return y
    }
}
