// x and ν(x) are (B, C, H, W), e.g. (B, 1, 28, 28) or (B, 3, 32, 32); H and W divisible by
// 2^(resolutions − 1). Widths per level: w, 2w, 4w. Level i runs at H/2^i (28 → 14 → 7).
import NumericCore

/// U-Net denoiser ν_θ for the GPS parametrisation x̂ = ν_θ(ȳ).
///
/// Layout with L resolutions and base width w (w_i = w·2^i):
/// `input` 3×3 conv C→w; for each level i < L−1: `down.i` ResBlock(w_i), kept as skip i, then
/// `downsample.i` stride-2 3×3 conv w_i→w_{i+1}; `mid.0`, `mid.1` ResBlock(w_{L−1}); for each level
/// i from L−2 down to 0: nearest 2× up, `upsample.i` 3×3 conv w_{i+1}→w_i, concat [up, skip i],
/// `up.i` ResBlock(2w_i→w_i); `output.norm` GroupNorm → SiLU → `output.conv` 3×3 conv w→C.
/// With L = 2 and w = 32 this is `UNet.bench`, the fixed U-Net that Benchmarks/engine-bench times.
///
/// Output parametrisation (`residualOutput`, default true): ν_θ(x) = x + net(x), with the output
/// conv zero-initialised so that ν_θ starts as the identity. Why: for the small σ_eff used in
/// chapter 5 the Bayes estimator is close to the identity, x̂ = ȳ + σ_eff²∇log p(ȳ), so the net only
/// has to learn the (small) Tweedie correction σ_eff²·score; the initial loss is then already the
/// noise level (σ_eff² per pixel) instead of E‖x‖², and training starts well conditioned. With
/// `residualOutput = false`, ν_θ = net(x) and starts as 0.
public final class UNet: Layer {
    public struct Configuration: Sendable, Equatable {
        public var channels: Int
        public var baseWidth: Int
        public var resolutions: Int
        public var residualOutput: Bool
        public init(channels: Int, baseWidth: Int = 32, resolutions: Int = 2, residualOutput: Bool = true) {
            require(resolutions == 2 || resolutions == 3, "UNet: resolutions must be 2 or 3")
            require(baseWidth % 8 == 0 || baseWidth < 8, "UNet: base width should be a multiple of 8 for GroupNorm(8)")
            self.channels = channels; self.baseWidth = baseWidth
            self.resolutions = resolutions; self.residualOutput = residualOutput
        }
    }

    public let configuration: Configuration
    public let workspace = ConvWorkspace()
    let input: Conv2D
    let down: [ResBlock], downsample: [Conv2D]
    let mid: [ResBlock]
    let upsamplers: [Upsample2x], upsample: [Conv2D], up: [ResBlock]
    private var concats: [ChannelConcat]
    let outputNorm: GroupNorm, outputConv: Conv2D   // outputNorm applies the SiLU (thenSiLU)

    public init(_ configuration: Configuration, seed: UInt64 = 0) {
        self.configuration = configuration
        var rng = Xoshiro256(seed: seed)
        let c = configuration.channels, levels = configuration.resolutions
        let widths = (0..<levels).map { configuration.baseWidth << $0 }
        let ws = workspace
        input = Conv2D(c, widths[0], workspace: ws, rng: &rng)
        var d = [ResBlock](), ds = [Conv2D]()
        for i in 0..<(levels - 1) {
            d.append(ResBlock(widths[i], widths[i], workspace: ws, rng: &rng))
            ds.append(Conv2D(widths[i], widths[i + 1], stride: 2, workspace: ws, rng: &rng))
        }
        down = d; downsample = ds
        mid = (0..<2).map { _ in ResBlock(widths[levels - 1], widths[levels - 1], workspace: ws, rng: &rng) }
        // Up path built from the deepest level to the top, then stored by level index.
        var us = [Conv2D?](repeating: nil, count: levels - 1), ups = [ResBlock?](repeating: nil, count: levels - 1)
        for i in (0..<(levels - 1)).reversed() {
            us[i] = Conv2D(widths[i + 1], widths[i], workspace: ws, rng: &rng)
            ups[i] = ResBlock(2 * widths[i], widths[i], workspace: ws, rng: &rng)
        }
        upsample = us.map { $0! }; up = ups.map { $0! }
        upsamplers = (0..<(levels - 1)).map { _ in Upsample2x() }
        concats = Array(repeating: ChannelConcat(), count: levels - 1)
        outputNorm = GroupNorm(groups: groupCount(widths[0]), channels: widths[0], thenSiLU: true)
        outputConv = Conv2D(widths[0], c, zeroInitialized: true, workspace: ws, rng: &rng)
    }

    /// Whether `backward` returns ∂L/∂x (default true). Training loops that discard it can set
    /// false: the input convolution then skips its input-gradient GEMM and `backward` returns
    /// zeros (plus ∂L/∂ν for the residual output, which does not depend on the network).
    public var computesInputGradient: Bool {
        get { input.needsInputGradient }
        set { input.needsInputGradient = newValue }
    }

    /// Every convolution of the network, in forward order (for per-layer switches such as
    /// `Conv2D.allowsWinograd`).
    public var convolutions: [Conv2D] {
        let blocks = { (b: [ResBlock]) in b.flatMap { [$0.conv1, $0.conv2] + ($0.skip.map { [$0] } ?? []) } }
        var all = [input]
        for i in down.indices { all += blocks([down[i]]) + [downsample[i]] }
        all += blocks(mid)
        for i in up.indices.reversed() { all += [upsample[i]] + blocks([up[i]]) }
        return all + [outputConv]
    }

    /// The fixed U-Net of Benchmarks/engine-bench: 2 resolutions, base width 32, ≈0.23 M parameters for C = 1.
    public static func bench(channels: Int, seed: UInt64 = 0) -> UNet {
        UNet(Configuration(channels: channels, baseWidth: 32, resolutions: 2), seed: seed)
    }

    public func forward(_ x: Tensor) -> Tensor { run(x) { $0.forward($1) } }
    /// ν_θ(x) keeping nothing for backward: what sampling calls.
    public func infer(_ x: Tensor) -> Tensor { run(x) { $0.infer($1) } }

    /// The network with each layer applied by `apply` (its forward or its inference pass).
    private func run(_ x: Tensor, _ apply: (Layer, Tensor) -> Tensor) -> Tensor {
        let levels = configuration.resolutions, factor = 1 << (levels - 1)
        require(x.rank == 4 && x.shape[1] == configuration.channels && x.shape[2] % factor == 0 && x.shape[3] % factor == 0,
                     "UNet: input \(x.shape), expected (B, \(configuration.channels), H, W) with H, W divisible by \(factor)")
        var h = apply(input, x)
        var skips = [Tensor]()
        for i in 0..<(levels - 1) {
            h = apply(down[i], h)
            skips.append(h)
            h = apply(downsample[i], h)
        }
        for block in mid { h = apply(block, h) }
        for i in (0..<(levels - 1)).reversed() {
            h = apply(upsample[i], apply(upsamplers[i], h))
            h = apply(up[i], concats[i].forward(h, skips[i]))
        }
        h = apply(outputConv, apply(outputNorm, h))
        if configuration.residualOutput { h.add(x) }
        return h
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        let levels = configuration.resolutions
        var g = outputNorm.backward(outputConv.backward(gradOutput))
        var skipGradients = [Tensor?](repeating: nil, count: levels - 1)
        for i in 0..<(levels - 1) {
            let (gUp, gSkip) = concats[i].backward(up[i].backward(g))
            skipGradients[i] = gSkip
            g = upsamplers[i].backward(upsample[i].backward(gUp))
        }
        for block in mid.reversed() { g = block.backward(g) }
        for i in (0..<(levels - 1)).reversed() {
            g = downsample[i].backward(g)
            g.add(skipGradients[i]!)
            g = down[i].backward(g)
        }
        g = input.backward(g)
        if configuration.residualOutput { g.add(gradOutput) }
        return g
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        var out = prefixed("input", input.namedParameters)
        for i in down.indices {
            out += prefixed("down.\(i)", down[i].namedParameters)
            out += prefixed("downsample.\(i)", downsample[i].namedParameters)
        }
        for (i, block) in mid.enumerated() { out += prefixed("mid.\(i)", block.namedParameters) }
        for i in up.indices.reversed() {
            out += prefixed("upsample.\(i)", upsample[i].namedParameters)
            out += prefixed("up.\(i)", up[i].namedParameters)
        }
        out += prefixed("output.norm", outputNorm.namedParameters)
        out += prefixed("output.conv", outputConv.namedParameters)
        return out
    }
}
