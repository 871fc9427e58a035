// x is (B, Cin, H, W), weight is (Cout, Cin, k, k) with k = 3 (pad 1) or 1 (pad 0), bias is (Cout),
// y is (B, Cout, Ho, Wo) with Ho = (H + 2·pad − k)/stride + 1 (stride 1 or 2; 28 → 14 → 7 → 4).
import Dispatch
import NumericCore

/// Scratch memory for the im2col and Winograd lowerings, shared by the convolutions of one model so that a
/// model holds one column buffer per worker rather than one per layer, plus worker 1's partial
/// ∂W and ∂b. Not thread-safe (one model per thread).
public final class ConvWorkspace {
    private(set) var cols: [UnsafeMutablePointer<Float>] = []
    private var colCapacity = 0
    private(set) var partial = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private var partialCapacity = 1

    public init() { tuneAllocator() }
    deinit { for c in cols { c.deallocate() }; partial.deallocate() }

    /// At least `c` Floats of column buffer for each of `workers` workers (zeroed when allocated, so
    /// that the spare SIMD lanes of Winograd's tile transforms never read uninitialised memory).
    func reserve(col c: Int, workers: Int) {
        if c > colCapacity { for x in cols { x.deallocate() }; cols = []; colCapacity = c }
        while cols.count < workers {
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: colCapacity)
            buffer.initialize(repeating: 0, count: colCapacity)
            cols.append(buffer)
        }
    }

    /// At least `n` Floats of partial-gradient buffer (zeroed by the caller).
    func reserve(partial n: Int) {
        if n > partialCapacity { partial.deallocate(); partial = .allocate(capacity: n); partialCapacity = n }
    }
}

/// Convolutions split the batch into `workers` contiguous image ranges run concurrently, each
/// issuing single-threaded GEMMs on its own column buffer (OpenBLAS's threads would otherwise
/// split every small per-image GEMM and spin between them while im2col runs serially).
func convolutionWorkers(batch: Int, workPerImage: Int) -> Int {
    batch >= 2 && batch * workPerImage >= parallelThreshold ? min(parallelWorkers, batch) : 1
}

/// Runs `body(worker, images)` for `workers` contiguous ranges of `0..<batch`, concurrently with
/// OpenBLAS held at one thread when `workers > 1`.
func forEachImageRange(_ batch: Int, workers: Int, _ body: (Int, Range<Int>) -> Void) {
    guard workers > 1 else { body(0, 0..<batch); return }
    let chunk = (batch + workers - 1) / workers
    withSingleThreadedBLAS {
        withoutActuallyEscaping(body) { work in
            let box = UncheckedSendable(work)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = w * chunk, hi = min(batch, lo + chunk)
                if lo < hi { box.value(w, lo..<hi) }
            }
        }
    }
}

/// 2-D convolution lowered onto `sgemm` through im2col, one GEMM per image writing straight into
/// the NCHW output (ldc = P); a Cout = 1 convolution uses `sgemv` instead. 3×3 stride-1 layers at
/// least `winogradMinimumChannels` wide compute y, ∂L/∂x and ∂W by Winograd F(m×m, 3×3) instead.
public final class Conv2D: Layer {
    public let inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int
    public let weight: Parameter
    public let bias: Parameter
    public let workspace: ConvWorkspace
    /// When false, `backward` only accumulates ∂W and ∂b and returns zeros for ∂L/∂x (for a
    /// network's first layer, whose input gradient nobody reads). Default true.
    public var needsInputGradient = true
    /// When false, 3×3 stride-1 convolutions use im2col instead of Winograd (for comparisons).
    public var allowsWinograd = true
    var cachedInput: Tensor?
    /// Winograd's U = G g Gᵀ of the weights at `version`: sampling calls the same weights thousands
    /// of times, and at batch 1 transforming them cost more than the convolution (engine-bench).
    private var transformedWeights: (version: Int, tile: Int, u: [Float])?

    /// 3×3 stride-1 convolutions with at least this many input and output channels use Winograd
    /// (Winograd.swift) for y, ∂L/∂x and ∂W; thinner ones (a network's first and last
    /// layers) keep im2col, whose GEMMs would otherwise have K or M below a vector's width.
    static let winogradMinimumChannels = 8
    public var usesWinograd: Bool {
        allowsWinograd && kernelSize == 3 && stride == 1 && min(inChannels, outChannels) >= Self.winogradMinimumChannels
    }
    /// The Winograd output tile's side, 2 or 4; nil (default) picks F(4×4, 3×3) when a row holds
    /// at least six 4-pixel tiles (W ≥ 21: 28×28 and 32×32 planes) and F(2×2, 3×3) otherwise,
    /// where most of the eight SIMD lanes of F(4×4)'s tile transforms would idle.
    public var winogradTile: Int? {
        didSet { require(winogradTile.map { $0 == 2 || $0 == 4 } ?? true, "Conv2D.winogradTile must be 2, 4 or nil") }
    }
    public static func automaticWinogradTile(width: Int) -> Int { (width + 3) / 4 >= 6 ? 4 : 2 }
    func winogradGeometry(inChannels ci: Int, outChannels co: Int, height: Int, width: Int) -> WinogradGeometry {
        WinogradGeometry(inChannels: ci, outChannels: co, height: height, width: width,
                         tile: winogradTile ?? Self.automaticWinogradTile(width: width))
    }

    /// He-normal weights with fan-in Cin·k·k (or zeros when `zeroInitialized`), zero bias.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int = 3, stride: Int = 1,
                zeroInitialized: Bool = false, workspace: ConvWorkspace = ConvWorkspace(), rng: inout Xoshiro256) {
        require(kernelSize == 1 || kernelSize == 3, "Conv2D: kernel size must be 1 or 3")
        require(stride == 1 || stride == 2, "Conv2D: stride must be 1 or 2")
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernelSize = kernelSize; self.stride = stride
        let shape = [outChannels, inChannels, kernelSize, kernelSize]
        weight = zeroInitialized ? .filled(shape: shape, 0)
            : .heNormal(shape: shape, fanIn: inChannels * kernelSize * kernelSize, rng: &rng)
        bias = .filled(shape: [outChannels], 0)
        self.workspace = workspace
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }

    func geometry(_ x: Tensor) -> ConvGeometry {
        require(x.rank == 4 && x.shape[1] == inChannels, "Conv2D: input \(x.shape), expected (B, \(inChannels), H, W)")
        return ConvGeometry(inChannels: inChannels, height: x.shape[2], width: x.shape[3],
                            kernel: kernelSize, stride: stride, pad: kernelSize / 2)
    }

    public func forward(_ x: Tensor) -> Tensor {
        let y = infer(x)
        cachedInput = x
        return y
    }

    public func infer(_ x: Tensor) -> Tensor {
        let g = geometry(x)
        require(weight.isConsistent && bias.isConsistent, "parameter arrays no longer match their shapes")
        cachedInput = nil
        // A single image (a long chain's step), which the image split leaves on one worker, runs its
        // GEMMs at one OpenBLAS thread whatever the configured count: threaded GEMMs round
        // differently, so a chain would otherwise depend on the machine's core count.
        guard x.shape[0] == 1 else { return forwardImages(x, g) }
        return withSingleThreadedBLAS { forwardImages(x, g) }
    }

    private func forwardImages(_ x: Tensor, _ g: ConvGeometry) -> Tensor {
        if usesWinograd { return forwardWinograd(x, g) }
        let batch = x.shape[0], p = g.outPixels, co = outChannels, rows = g.rows
        let imageSize = g.inChannels * g.height * g.width
        let direct = isPointwise
        let workers = convolutionWorkers(batch: batch, workPerImage: rows * p)
        workspace.reserve(col: direct ? 1 : rows * p, workers: workers)
        let cols = workspace.cols
        return Tensor(shape: [batch, co, g.outHeight, g.outWidth]) { y in
            x.data.withUnsafeBufferPointer { px in
                weight.value.withUnsafeBufferPointer { pw in
                    bias.value.withUnsafeBufferPointer { pb in
                        let (xs, ys, ws, bs) = (px.baseAddress!, y.baseAddress!, pw.baseAddress!, pb.baseAddress!)
                        // One GEMM per image, written straight into the image's (Cout, P) block of y.
                        forEachImageRange(batch, workers: workers) { w, images in
                            let col = cols[w]
                            for b in images {
                                let xb = xs + b * imageSize, yb = ys + b * co * p
                                let cb = columnMatrix(xb, g, pointwise: direct, into: col)
                                if co == 1 {
                                    Float.gemv(trans: true, m: rows, n: p, alpha: 1, a: cb, lda: p, x: ws, beta: 0, y: yb)
                                } else {
                                    Float.gemm(transA: false, transB: false, m: co, n: p, k: rows, alpha: 1,
                                               a: ws, lda: rows, b: cb, ldb: p, beta: 0, c: yb, ldc: p)
                                }
                                addBias(bs, channels: co, pixels: p, to: yb)
                            }
                        }
                    }
                }
            }
        }
    }

    private func forwardWinograd(_ x: Tensor, _ g: ConvGeometry) -> Tensor {
        let batch = x.shape[0]
        let wg = winogradGeometry(inChannels: inChannels, outChannels: outChannels, height: g.height, width: g.width)
        let u = winogradTransformedWeights(tile: wg.tile)
        let workers = convolutionWorkers(batch: batch, workPerImage: g.rows * g.outPixels)
        workspace.reserve(col: wg.scratchCount, workers: workers)
        let cols = workspace.cols
        return Tensor(shape: [batch, outChannels, g.height, g.width]) { y in
            x.data.withUnsafeBufferPointer { px in
                u.withUnsafeBufferPointer { pu in
                    bias.value.withUnsafeBufferPointer { pb in
                        let (xs, us, bs, ys) = (px.baseAddress!, pu.baseAddress!, pb.baseAddress!, y.baseAddress!)
                        forEachImageRange(batch, workers: workers) { w, images in
                            winogradConvolve(xs, images: images, wg, weights: us, bias: bs, into: ys, scratch: cols[w])
                        }
                    }
                }
            }
        }
    }

    /// `winogradWeights` of the current weights, recomputed only after they change.
    func winogradTransformedWeights(tile: Int) -> [Float] {
        if let c = transformedWeights, c.version == weight.version, c.tile == tile { return c.u }
        let u = winogradWeights(weight.value, outChannels: outChannels, inChannels: inChannels, tile: tile)
        transformedWeights = (weight.version, tile, u)
        return u
    }

    /// 1×1 stride-1 convolution: the column matrix of an image is the image itself (Cin, P).
    var isPointwise: Bool { kernelSize == 1 && stride == 1 }

    /// Weights for the input gradient of a stride-1 convolution, which is itself a convolution of
    /// ∂L/∂y: W'[ci, co, u, v] = W[co, ci, k−1−u, k−1−v], shape (Cin, Cout, k, k).
    func transposedFlippedWeights() -> [Float] {
        let (ci, co, k) = (inChannels, outChannels, kernelSize)
        var out = [Float](repeating: 0, count: weight.count)
        for o in 0..<co {
            for i in 0..<ci {
                for u in 0..<k { for v in 0..<k {
                    out[((i * co + o) * k + u) * k + v] = weight.value[((o * ci + i) * k + (k - 1 - u)) * k + (k - 1 - v)]
                } }
            }
        }
        return out
    }
}

/// The column matrix of one image: the image itself, (Cin, P), for a pointwise convolution;
/// otherwise its im2col written into `col`.
@inline(__always)
func columnMatrix(_ image: UnsafePointer<Float>, _ g: ConvGeometry, pointwise: Bool,
                  into col: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
    if pointwise { return image }
    im2col(image, images: 1, g, into: col)
    return UnsafePointer(col)
}

/// y[c, i] += bias[c] over one image's (C, P) block.
@inline(__always)
func addBias(_ bias: UnsafePointer<Float>, channels: Int, pixels p: Int, to y: UnsafeMutablePointer<Float>) {
    for c in 0..<channels {
        let bv = bias[c], row = y + c * p
        for i in 0..<p { row[i] += bv }
    }
}
