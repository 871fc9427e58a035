// x is (B, C, H, W); features(x) is (B, 4w); logits = forward(x) are (B, classes).
import NumericCore

/// Small convolutional classifier for computing Fréchet distances on its penultimate features:
/// conv3×3 C→w, GN, SiLU, conv3×3/2 w→2w, GN, SiLU, conv3×3/2 2w→4w, GN, SiLU, global average
/// pool (the 4w features), Linear 4w→classes. Train with `SoftmaxCrossEntropy`.
/// Parameter names: `body.<i>.*` (index into the layer list above) and `head.*`.
public final class Classifier: Layer {
    public let body: Sequential
    public let head: Linear
    public let featureDimension: Int

    public init(channels: Int, width: Int = 32, classes: Int = 10, seed: UInt64 = 0) {
        var rng = Xoshiro256(seed: seed)
        let ws = ConvWorkspace()
        let w = [width, 2 * width, 4 * width]
        body = Sequential([
            Conv2D(channels, w[0], workspace: ws, rng: &rng), GroupNorm(groups: groupCount(w[0]), channels: w[0]), SiLU(),
            Conv2D(w[0], w[1], stride: 2, workspace: ws, rng: &rng), GroupNorm(groups: groupCount(w[1]), channels: w[1]), SiLU(),
            Conv2D(w[1], w[2], stride: 2, workspace: ws, rng: &rng), GroupNorm(groups: groupCount(w[2]), channels: w[2]), SiLU(),
            GlobalAveragePool(),
        ])
        head = Linear(w[2], classes, rng: &rng)
        featureDimension = w[2]
    }

    /// Whether `backward` returns ∂L/∂x (default true); false skips the first convolution's
    /// input-gradient GEMM and returns zeros.
    public var computesInputGradient: Bool {
        get { (body.layers[0] as! Conv2D).needsInputGradient }
        set { (body.layers[0] as! Conv2D).needsInputGradient = newValue }
    }

    /// Penultimate features (B, 4w): the pooled activations that feed the linear head.
    public func features(_ x: Tensor) -> Tensor { body.infer(x) }

    public func forward(_ x: Tensor) -> Tensor { head.forward(body.forward(x)) }
    public func infer(_ x: Tensor) -> Tensor { head.infer(body.infer(x)) }

    public func backward(_ gradOutput: Tensor) -> Tensor { body.backward(head.backward(gradOutput)) }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("body", body.namedParameters) + prefixed("head", head.namedParameters)
    }
}
