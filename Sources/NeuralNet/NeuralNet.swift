/// # NeuralNet — a small CPU neural-network engine (Float, NCHW, OpenBLAS `sgemm`)
///
/// ```swift
/// import NeuralNet
/// import NumericCore
///
/// // Models. Every model is a `Layer` (a class): forward caches, backward accumulates.
/// let unet = UNet.bench(channels: 1)                       // the U-Net engine-bench times (L = 2, w = 32)
/// let unet2 = UNet(UNet.Configuration(channels: 3, baseWidth: 32, resolutions: 3), seed: 1)
/// // ν_θ(x) = x + net(x) with a zero-initialised output conv (starts as the identity); pass
/// // `residualOutput: false` for ν_θ = net(x) (starts as 0). See `UNet` for the reasons.
/// let mlp = MLP(inputDim: 2, hidden: [128, 128], outputDim: 2, seed: 0)
/// let clf = Classifier(channels: 1, width: 32, classes: 10, seed: 0)
///
/// // One training step (x, target: Tensor of shape (B, C, H, W); mean-over-elements MSE).
/// let opt = Adam(parameters: unet.parameters, learningRate: 2e-4, warmupSteps: 500, clipNorm: 1)
/// unet.zeroGradients()
/// let (loss, grad) = MSELoss.evaluate(unet.forward(x), target)
/// _ = unet.backward(grad)          // returns ∂L/∂x; parameter gradients are accumulated (+=)
/// opt.step()                       // returns / records `opt.gradientNorm` (before clipping)
///
/// // Classifier: logits = clf.forward(x) is (B, 10); SoftmaxCrossEntropy.evaluate(logits, labels:)
/// // gives (loss, ∂L/∂logits); clf.features(x) is (B, F), the penultimate (pooled) features.
///
/// // Exact resume: optimiser moments and step count as named arrays ("step", "m.0", "v.0", …).
/// let state = opt.exportState(); try opt.loadState(state)
///
/// // Parameters by stable name, e.g. "down.0.conv1.weight", for checkpoints:
/// let arrays: [NamedArray] = unet.exportParameters()    // [(name: String, shape: [Int], values: [Float])]
/// try unet.loadParameters(arrays)                        // throws ParameterLoadError on missing/shape
/// for (name, p) in unet.namedParameters { print(name, p.shape, p.count) }  // p: Parameter (shared)
/// ```
///
/// - `Tensor`: `shape: [Int]` + contiguous row-major `data: [Float]`; images are (B, C, H, W),
///   rows for Linear/MLP are (N, D). `allFinite` is the NaN/Inf guard.
/// - Layers: `Linear`, `Conv2D` (3×3 pad 1 stride 1/2 and 1×1, via im2col + sgemm, one GEMM per
///   image writing straight into NCHW (ldc = P; ∂L/∂y read in place for ∂W), `sgemv` instead when
///   Cout = 1, and Winograd F(2×2, 3×3) or F(4×4, 3×3) for y, ∂L/∂x and ∂W of 3×3 stride-1 layers
///   with Cin, Cout ≥ 8; the batch split between two workers calling single-threaded BLAS, each with
///   a one-image column buffer in a `ConvWorkspace` shared by the model's convolutions),
///   `GroupNorm` (optionally fused with SiLU), `SiLU`, `Upsample2x`, `ChannelConcat`,
///   `GlobalAveragePool`, `ResBlock`, `Sequential`; losses `MSELoss` (mean over all elements),
///   `SoftmaxCrossEntropy` (mean over rows).
/// - Tests: `Linear` and `Conv2D` have plain-loop naive twins of forward and backward
///   (`forwardNaive`, `backwardNaive`), `GroupNorm`, `SiLU` and `Upsample2x` of forward; the
///   tests hold GlobalAveragePool's twin and check ChannelConcat's split exactly. The backward of
///   every layer above except ChannelConcat, of the composites (`MLP`, `UNet`, `Classifier`, the
///   last a `Sequential`) and both losses' gradients are checked against central finite
///   differences (Tests/NeuralNetTests/GradientCheck.swift).
/// - Inference: every layer's `infer` is its forward pass keeping nothing for backward, bit for bit
///   (Tests/NeuralNetTests/InferenceTests.swift); sampling and evaluation call it.
/// - Optimisers: `Adam`, `Adagrad` (both `Optimizer`): linear learning-rate warm-up over
///   `warmupSteps`, an optional half-cosine decay after it (`OptimizerSchedule`), optional
///   global-norm clipping `clipNorm`, `gradientNorm` of the last step.
/// - Init: He-normal N(0, 2/fan_in) weights (zeros for a `zeroInitialized` Conv2D, such as
///   UNet's output conv), zero biases, GroupNorm γ = 1, β = 0, drawn from one
///   `Xoshiro256(seed:)` in construction order, so a seed fixes every parameter bit for bit.
/// - Determinism: Swift-side parallel loops split work into disjoint ranges (no shared
///   reductions); the one exception, Conv2D's ∂W and ∂b, adds the two workers' partial sums in a
///   fixed order. With a fixed OpenBLAS thread count (`setBLASThreads`) results are bit-identical.
/// - Threading: none of these objects is thread-safe; use one model per thread.
public enum NeuralNet {
    /// Version of the parameter naming scheme (bump if names or layouts change).
    public static let parameterLayoutVersion = 1
}
