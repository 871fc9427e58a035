// x is (B, Cin, H, W), weight is (Cout, Cin, k, k) with k = 3 (pad 1) or 1 (pad 0), bias is (Cout),
// y is (B, Cout, Ho, Wo) with Ho = (H + 2·pad − k)/stride + 1 (stride 1 or 2; 28 → 14 → 7 → 4).
import NumericCore

/// Scratch memory for the im2col lowering, shared by the convolutions of one model so that a
/// model holds one column buffer rather than one per layer. Not thread-safe (one model per thread).
public final class ConvWorkspace {
    /// Upper bound on the column matrix size in Floats (2 MB by default, so im2col output is still
    /// in L2 when the GEMM packs it); batches are processed in chunks of images that fit, and
    /// each chunk still gives GEMMs with ≥ 1 image's worth (hundreds to thousands) of columns.
    public var maxColumnFloats = 1 << 19
    private(set) var col = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var product = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private var colCapacity = 1, productCapacity = 1

    public init() {}
    deinit { col.deallocate(); product.deallocate() }

    func reserve(col c: Int, product p: Int) {
        if c > colCapacity { col.deallocate(); col = .allocate(capacity: c); colCapacity = c }
        if p > productCapacity { product.deallocate(); product = .allocate(capacity: p); productCapacity = p }
    }
}

/// 2-D convolution lowered onto `sgemm` through im2col, one GEMM per chunk of images.
public final class Conv2D: Layer {
    public let inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int
    public let weight: Parameter
    public let bias: Parameter
    public let workspace: ConvWorkspace
    private var cachedInput: Tensor?

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

    /// Images per GEMM so that the column matrix fits the workspace bound.
    func chunkSize(_ g: ConvGeometry, batch: Int) -> Int {
        max(1, min(batch, workspace.maxColumnFloats / max(1, g.rows * g.outPixels)))
    }

    public func forward(_ x: Tensor) -> Tensor {
        let g = geometry(x)
        require(weight.isConsistent && bias.isConsistent, "parameter arrays no longer match their shapes")
        cachedInput = x
        let batch = x.shape[0], p = g.outPixels, co = outChannels, chunk = chunkSize(g, batch: batch)
        workspace.reserve(col: g.rows * chunk * p, product: co * chunk * p)
        let col = workspace.col, prod = workspace.product
        return Tensor(shape: [batch, co, g.outHeight, g.outWidth]) { y in
            x.data.withUnsafeBufferPointer { px in
                weight.value.withUnsafeBufferPointer { pw in
                    bias.value.withUnsafeBufferPointer { pb in
                        for b0 in Swift.stride(from: 0, to: batch, by: chunk) {
                            let nImg = min(chunk, batch - b0), n = nImg * p
                            im2col(px.baseAddress! + b0 * g.inChannels * g.height * g.width, images: nImg, g, into: col)
                            Float.gemm(transA: false, transB: false, m: co, n: n, k: g.rows, alpha: 1,
                                       a: pw.baseAddress!, lda: g.rows, b: col, ldb: n, beta: 0, c: prod, ldc: n)
                            scatterToImages(prod, channels: co, images: nImg, pixels: p, bias: pb.baseAddress!,
                                            into: y.baseAddress! + b0 * co * p)
                        }
                    }
                }
            }
        }
    }

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

    /// Per chunk: gather ∂L/∂y to (Cout, n·P); db += row sums; dW += dY·colᵀ (col = im2col(x)).
    /// ∂L/∂x: stride 1 — a convolution of ∂L/∂y with the flipped, transposed weights (im2col of
    /// ∂L/∂y and one GEMM with inner dimension Cout·k², no scatter-add); stride 2 — Wᵀ·dY then col2im.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let x = cachedInput else { fatalError("Conv2D.backward before forward") }
        let g = geometry(x)
        let batch = x.shape[0], p = g.outPixels, co = outChannels, ci = inChannels, chunk = chunkSize(g, batch: batch)
        require(gradOutput.shape == [batch, co, g.outHeight, g.outWidth], "Conv2D.backward: gradient \(gradOutput.shape)")
        let flippedGeometry = ConvGeometry(inChannels: co, height: g.outHeight, width: g.outWidth,
                                           kernel: kernelSize, stride: 1, pad: kernelSize / 2)
        workspace.reserve(col: max(g.rows, flippedGeometry.rows) * chunk * p, product: max(co, ci) * chunk * p)
        let col = workspace.col, prod = workspace.product
        let imageSize = ci * g.height * g.width
        let flipped = stride == 1 ? transposedFlippedWeights() : []
        return Tensor(shape: x.shape) { dx in
            if stride != 1 { dx.update(repeating: 0) }
            x.data.withUnsafeBufferPointer { px in
                gradOutput.data.withUnsafeBufferPointer { pg in
                    weight.value.withUnsafeBufferPointer { pw in
                        flipped.withUnsafeBufferPointer { pf in
                            weight.gradient.withUnsafeMutableBufferPointer { gw in
                                bias.gradient.withUnsafeMutableBufferPointer { gb in
                                    for b0 in Swift.stride(from: 0, to: batch, by: chunk) {
                                        let nImg = min(chunk, batch - b0), n = nImg * p
                                        let gy = pg.baseAddress! + b0 * co * p
                                        gatherFromImages(gy, channels: co, images: nImg, pixels: p, into: prod)
                                        for c in 0..<co {
                                            var s: Float = 0
                                            for i in 0..<n { s += prod[c * n + i] }
                                            gb[c] += s
                                        }
                                        im2col(px.baseAddress! + b0 * imageSize, images: nImg, g, into: col)
                                        Float.gemm(transA: false, transB: true, m: co, n: g.rows, k: n, alpha: 1,
                                                   a: prod, lda: n, b: col, ldb: n, beta: 1, c: gw.baseAddress!, ldc: g.rows)
                                        let dxChunk = dx.baseAddress! + b0 * imageSize
                                        if stride == 1 {
                                            im2col(gy, images: nImg, flippedGeometry, into: col)
                                            Float.gemm(transA: false, transB: false, m: ci, n: n, k: flippedGeometry.rows, alpha: 1,
                                                       a: pf.baseAddress!, lda: flippedGeometry.rows, b: col, ldb: n,
                                                       beta: 0, c: prod, ldc: n)
                                            scatterToImages(prod, channels: ci, images: nImg, pixels: p, bias: nil, into: dxChunk)
                                        } else {
                                            Float.gemm(transA: true, transB: false, m: g.rows, n: n, k: co, alpha: 1,
                                                       a: pw.baseAddress!, lda: g.rows, b: prod, ldb: n, beta: 0, c: col, ldc: n)
                                            col2im(col, images: nImg, g, addingInto: dxChunk)
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
