// x and y are (B, C, H, W); gamma and beta are (C). Channels split into G groups of C/G
// consecutive channels; each (image, group) block of (C/G)·H·W values is normalised on its own.
#if canImport(Glibc)
import Glibc
#endif

/// Group normalisation (Wu & He 2018): y = γ_c·(x − μ_bg)/√(σ²_bg + ε) + β_c, ε = 1e-5.
/// Batch-independent, so training and sampling see the same function at any batch size.
/// With `thenSiLU` the layer returns SiLU(y) instead, in the same passes over memory: the
/// pre-activation of a residual block, which would otherwise write y and read it back.
public final class GroupNorm: Layer {
    public let groups: Int, channels: Int
    public let epsilon: Float = 1e-5
    public let thenSiLU: Bool
    public let gamma: Parameter
    public let beta: Parameter
    // The backward pass recomputes x̂ = (x − μ)·r from the input instead of storing it.
    private(set) var cachedInput: Tensor?
    private var cachedMean: [Float] = [], cachedInverseStd: [Float] = []   // μ, r = 1/√(σ² + ε) per (b, g)

    public init(groups: Int, channels: Int, thenSiLU: Bool = false) {
        require(groups > 0 && channels % groups == 0, "GroupNorm: \(channels) channels not divisible into \(groups) groups")
        self.groups = groups; self.channels = channels; self.thenSiLU = thenSiLU
        tuneAllocator()
        gamma = .filled(shape: [channels], 1)
        beta = .filled(shape: [channels], 0)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", gamma), ("bias", beta)] }

    public func forward(_ x: Tensor) -> Tensor {
        let (y, mean, invStd) = normalise(x)
        cachedInput = x; cachedMean = mean; cachedInverseStd = invStd
        return y
    }

    public func infer(_ x: Tensor) -> Tensor {
        cachedInput = nil; cachedMean = []; cachedInverseStd = []
        return normalise(x).y
    }

    /// y (or SiLU(y)) with the per-(image, group) mean μ and r = 1/√(σ² + ε).
    private func normalise(_ x: Tensor) -> (y: Tensor, mean: [Float], invStd: [Float]) {
        require(x.rank == 4 && x.shape[1] == channels, "GroupNorm: input \(x.shape), expected (B, \(channels), H, W)")
        require(gamma.isConsistent && beta.isConsistent, "GroupNorm: parameter arrays no longer match their shapes")
        let batch = x.shape[0], hw = x.shape[2] * x.shape[3], cpg = channels / groups, n = cpg * hw
        let eps = epsilon, silu = thenSiLU
        var mean = [Float](repeating: 0, count: batch * groups), invStd = mean
        let y = Tensor(shape: x.shape) { py in
            x.data.withUnsafeBufferPointer { px in
                mean.withUnsafeMutableBufferPointer { pm in
                    invStd.withUnsafeMutableBufferPointer { pi in
                        gamma.value.withUnsafeBufferPointer { pgm in
                            beta.value.withUnsafeBufferPointer { pbt in
                                parallelItems(batch * groups, costPerItem: n) { item in
                                    // One (image, group) block: a few KB, so its repeated reads hit the cache.
                                    let block = px.baseAddress! + item * n, out = py.baseAddress! + item * n, g = item % groups
                                    let m = sumVec(block, n) / Float(n)
                                    let r = 1 / (sumSquaredDeviations(block, n, mean: m) / Float(n) + eps).squareRoot()
                                    pm[item] = m; pi[item] = r
                                    for cl in 0..<cpg {
                                        let c = g * cpg + cl, gm = pgm[c], bt = pbt[c], src = block + cl * hw, dst = out + cl * hw
                                        if silu {
                                            for i in 0..<hw { let a = (src[i] - m) * r * gm + bt; dst[i] = a / (1 + fastExp(-a)) }
                                        } else {
                                            for i in 0..<hw { dst[i] = (src[i] - m) * r * gm + bt }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (y, mean, invStd)
    }

    /// Per (image, group) block, with a = γx̂ + β and ∂a = ∂z·SiLU′(a) (or ∂a = ∂y without SiLU):
    /// ∂β_c += Σ ∂a, ∂γ_c += Σ ∂a·x̂, ∂x = r·(∂x̂ − mean(∂x̂) − x̂·mean(∂x̂·x̂)) with ∂x̂ = γ∂a.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let x = cachedInput else { fatalError("GroupNorm.backward before forward") }
        require(gradOutput.shape == x.shape, "GroupNorm.backward: gradient \(gradOutput.shape)")
        let batch = x.shape[0], hw = x.shape[2] * x.shape[3], cpg = channels / groups, n = cpg * hw
        let silu = thenSiLU
        // Per-(b, c) partial sums, reduced over b afterwards in a fixed order (deterministic).
        var partialGamma = [Float](repeating: 0, count: batch * channels)
        var partialBeta = [Float](repeating: 0, count: batch * channels)
        let dx = Tensor(shape: x.shape) { pdx in
            gradOutput.data.withUnsafeBufferPointer { pg in
                x.data.withUnsafeBufferPointer { px in
                    cachedMean.withUnsafeBufferPointer { pm in
                        cachedInverseStd.withUnsafeBufferPointer { pi in
                            gamma.value.withUnsafeBufferPointer { pgm in
                                beta.value.withUnsafeBufferPointer { pbt in
                                    partialGamma.withUnsafeMutableBufferPointer { pdg in
                                        partialBeta.withUnsafeMutableBufferPointer { pdb in
                                            parallelItems(batch * groups, costPerItem: n) { item in
                                                withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { xhat in
                                                    let base = item * n, g = item % groups, b = item / groups
                                                    let m = pm[item], r = pi[item]
                                                    let src = px.baseAddress! + base, dz = pg.baseAddress! + base
                                                    let da = pdx.baseAddress! + base, xh = xhat.baseAddress!
                                                    // Pass 1: x̂ and ∂a (held in ∂x's block), then their per-channel sums.
                                                    var sumD: Float = 0, sumDH: Float = 0
                                                    for cl in 0..<cpg {
                                                        let c = g * cpg + cl, gm = pgm[c], bt = pbt[c], off = cl * hw
                                                        for i in off..<(off + hw) { xh[i] = (src[i] - m) * r }
                                                        if silu {
                                                            for i in off..<(off + hw) {
                                                                let a = xh[i] * gm + bt, s = 1 / (1 + fastExp(-a))
                                                                da[i] = dz[i] * s * (1 + a * (1 - s))
                                                            }
                                                        } else {
                                                            for i in off..<(off + hw) { da[i] = dz[i] }
                                                        }
                                                        let sg = sumVec(da + off, hw), sgh = dotVec(da + off, xh + off, hw)
                                                        pdb[b * channels + c] = sg
                                                        pdg[b * channels + c] = sgh
                                                        sumD += sg * gm; sumDH += sgh * gm
                                                    }
                                                    // Pass 2: ∂x over the same cached block.
                                                    let meanD = sumD / Float(n), meanDH = sumDH / Float(n)
                                                    for cl in 0..<cpg {
                                                        let gm = pgm[g * cpg + cl], off = cl * hw
                                                        for i in off..<(off + hw) { da[i] = r * (da[i] * gm - meanD - xh[i] * meanDH) }
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

    /// Plain-loop forward computing statistics per (b, g) directly from the definition (in Double),
    /// then SiLU through libm's `expf` when `thenSiLU`.
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
                        let a = Float(xh) * gamma.value[c] + beta.value[c]
                        y.data[j] = thenSiLU ? a / (1 + expf(-a)) : a
                    }
                }
            }
        }
        return y
    }
}
