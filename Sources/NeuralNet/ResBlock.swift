// x is (B, Cin, H, W), y is (B, Cout, H, W):
// y = conv2(SiLU(GN(conv1(SiLU(GN(x)))))) + skip(x), skip = identity (Cin = Cout) or a 1×1 conv.
import NumericCore

/// Number of GroupNorm groups for `channels`: 8 when it divides, else the largest divisor ≤ 8.
public func groupCount(_ channels: Int, preferred: Int = 8) -> Int {
    var g = min(preferred, channels)
    while channels % g != 0 { g -= 1 }
    return g
}

/// Pre-activation residual block; each GroupNorm applies its SiLU itself (`thenSiLU`). Parameter
/// names: `norm1.*`, `conv1.*`, `norm2.*`, `conv2.*`, and `skip.*` when the channel count changes.
public final class ResBlock: Layer {
    public let norm1: GroupNorm, conv1: Conv2D
    public let norm2: GroupNorm, conv2: Conv2D
    public let skip: Conv2D?

    public init(_ inChannels: Int, _ outChannels: Int, workspace: ConvWorkspace = ConvWorkspace(), rng: inout Xoshiro256) {
        norm1 = GroupNorm(groups: groupCount(inChannels), channels: inChannels, thenSiLU: true)
        conv1 = Conv2D(inChannels, outChannels, workspace: workspace, rng: &rng)
        norm2 = GroupNorm(groups: groupCount(outChannels), channels: outChannels, thenSiLU: true)
        conv2 = Conv2D(outChannels, outChannels, workspace: workspace, rng: &rng)
        skip = inChannels == outChannels ? nil
            : Conv2D(inChannels, outChannels, kernelSize: 1, workspace: workspace, rng: &rng)
    }

    public func forward(_ x: Tensor) -> Tensor { run(x) { $0.forward($1) } }
    public func infer(_ x: Tensor) -> Tensor { run(x) { $0.infer($1) } }

    /// The block with each layer applied by `apply` (its forward or its inference pass).
    private func run(_ x: Tensor, _ apply: (Layer, Tensor) -> Tensor) -> Tensor {
        var h = apply(conv1, apply(norm1, x))
        h = apply(conv2, apply(norm2, h))
        h.add(skip.map { apply($0, x) } ?? x)
        return h
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        var dx = norm1.backward(conv1.backward(norm2.backward(conv2.backward(gradOutput))))
        dx.add(skip?.backward(gradOutput) ?? gradOutput)
        return dx
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("norm1", norm1.namedParameters) + prefixed("conv1", conv1.namedParameters)
            + prefixed("norm2", norm2.namedParameters) + prefixed("conv2", conv2.namedParameters)
            + (skip.map { prefixed("skip", $0.namedParameters) } ?? [])
    }
}
