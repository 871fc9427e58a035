// Conv2D's backward pass, split the way forward is: a plan (which lowering computes ∂W and ∂L/∂x,
// decided before any data is touched), the work of one worker on its images, and the reduction of
// the workers' partial sums. Per image, ∂L/∂y is read in place as (Cout, P): ∂b += its row sums and
// ∂W += ∂Y·colᵀ (col = im2col(x)); a Winograd layer takes ∂W from its transformed tiles instead.
import NumericCore

/// How ∂L/∂x is computed.
enum ConvInputGradient: Equatable {
    /// Not wanted (`needsInputGradient == false`): zeros.
    case none
    /// A Winograd layer: the convolution of ∂L/∂y with the flipped, transposed weights, by Winograd.
    case winograd
    /// Stride 1 with Cin ≥ Cout: the same convolution by im2col of ∂L/∂y (Cout·k² rows), one GEMM
    /// written straight into ∂x.
    case flippedConvolution
    /// Stride 2, or Cin < Cout (where the Cin·k²-row column matrix is the smaller one): Wᵀ·∂Y, then col2im.
    case col2im
}

/// What one backward pass decides before touching the data.
struct ConvBackwardPlan {
    let g: ConvGeometry, flippedGeometry: ConvGeometry
    let wg: WinogradGeometry, wgFlipped: WinogradGeometry
    /// ∂W from Winograd's transformed tiles (otherwise im2col, or sgemv when Cout = 1).
    let winogradWeightGradient: Bool
    let inputGradient: ConvInputGradient
    let workers: Int, pointwise: Bool
    /// The weights ∂L/∂x convolves with: W flipped and transposed (Winograd-transformed for `.winograd`).
    let flipped: [Float]
    /// Entries of ∂W, and of one worker's ∂U (zero for im2col layers).
    let wCount: Int, duCount: Int
    var imageSize: Int { g.inChannels * g.height * g.width }
}

/// The raw buffers of one backward pass, valid inside `Conv2D.withBackwardBuffers` only.
struct ConvBackwardBuffers {
    let x: UnsafePointer<Float>, gy: UnsafePointer<Float>, w: UnsafePointer<Float>, flipped: UnsafePointer<Float>?
    let dx: UnsafeMutablePointer<Float>, gw: UnsafeMutablePointer<Float>, gb: UnsafeMutablePointer<Float>
    let cols: [UnsafeMutablePointer<Float>]
    /// Workers 1… accumulate ∂W, ∂b in `partial` (worker 0 in place); every worker's ∂U follows at `duPartial`.
    let partial: UnsafeMutablePointer<Float>, duPartial: UnsafeMutablePointer<Float>
}

extension Conv2D {
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let x = cachedInput else { fatalError("Conv2D.backward before forward") }
        let g = geometry(x), batch = x.shape[0]
        require(gradOutput.shape == [batch, outChannels, g.outHeight, g.outWidth], "Conv2D.backward: gradient \(gradOutput.shape)")
        require(weight.isConsistent && bias.isConsistent, "parameter arrays no longer match their shapes")
        let plan = backwardPlan(g, batch: batch)
        reserveBackwardWorkspace(plan)
        return Tensor(shape: x.shape) { dx in
            // The two convolution strategies overwrite ∂x; col2im adds into it.
            if plan.inputGradient == .none || plan.inputGradient == .col2im { dx.update(repeating: 0) }
            withBackwardBuffers(x, gradOutput, plan, dx: dx) { buffers in
                forEachImageRange(batch, workers: plan.workers) { w, images in
                    self.backwardWorker(w, images: images, plan, buffers)
                }
                self.reduceWorkerGradients(plan, buffers)
            }
        }
    }

    func backwardPlan(_ g: ConvGeometry, batch: Int) -> ConvBackwardPlan {
        let (ci, co) = (inChannels, outChannels), winograd = usesWinograd
        let inputGradient: ConvInputGradient = !needsInputGradient ? .none
            : winograd ? .winograd : stride == 1 && ci >= co ? .flippedConvolution : .col2im
        let wg = winogradGeometry(inChannels: ci, outChannels: co, height: g.height, width: g.width)
        let flipped = inputGradient == .flippedConvolution ? transposedFlippedWeights()
            : inputGradient == .winograd ? winogradWeights(transposedFlippedWeights(), outChannels: ci, inChannels: co, tile: wg.tile) : []
        return ConvBackwardPlan(
            g: g, flippedGeometry: ConvGeometry(inChannels: co, height: g.outHeight, width: g.outWidth,
                                                kernel: kernelSize, stride: 1, pad: kernelSize / 2),
            wg: wg, wgFlipped: winogradGeometry(inChannels: co, outChannels: ci, height: g.outHeight, width: g.outWidth),
            winogradWeightGradient: winograd, inputGradient: inputGradient,
            workers: convolutionWorkers(batch: batch, workPerImage: g.rows * g.outPixels), pointwise: isPointwise,
            flipped: flipped, wCount: weight.count, duCount: winograd ? wg.entries * co * ci : 0)
    }

    /// A column buffer per worker, and the zeroed partial sums: workers 1… accumulate ∂W, ∂b there
    /// (worker 0 in place, so the sum's order, and its rounding, depends on the worker count, fixed at
    /// 2); a Winograd layer's workers each sum ∂U ((m+2)²·Cout·Cin) in zeroed buffers after those.
    func reserveBackwardWorkspace(_ plan: ConvBackwardPlan) {
        let p = plan.g.outPixels
        workspace.reserve(col: plan.winogradWeightGradient ? plan.wg.scratchCount : max(plan.g.rows, plan.flippedGeometry.rows) * p,
                          workers: plan.workers)
        let partialCount = (plan.workers - 1) * (plan.wCount + outChannels) + plan.workers * plan.duCount
        if partialCount > 0 {
            workspace.reserve(partial: partialCount)
            workspace.partial.update(repeating: 0, count: partialCount)
        }
    }

    func withBackwardBuffers(_ x: Tensor, _ gradOutput: Tensor, _ plan: ConvBackwardPlan, dx: UnsafeMutableBufferPointer<Float>,
                             _ body: (ConvBackwardBuffers) -> Void) {
        let partial = workspace.partial, cols = workspace.cols
        x.data.withUnsafeBufferPointer { px in
        gradOutput.data.withUnsafeBufferPointer { pg in
        weight.value.withUnsafeBufferPointer { pw in
        plan.flipped.withUnsafeBufferPointer { pf in
        weight.gradient.withUnsafeMutableBufferPointer { gw in
        bias.gradient.withUnsafeMutableBufferPointer { gb in
            body(ConvBackwardBuffers(x: px.baseAddress!, gy: pg.baseAddress!, w: pw.baseAddress!, flipped: pf.baseAddress,
                                     dx: dx.baseAddress!, gw: gw.baseAddress!, gb: gb.baseAddress!, cols: cols,
                                     partial: partial, duPartial: partial + (plan.workers - 1) * (plan.wCount + outChannels)))
        } } } } } }
    }

    /// Worker `w`'s images: ∂b, ∂W and ∂x per image (im2col layers), or ∂x and ∂U over the range (Winograd).
    func backwardWorker(_ w: Int, images: Range<Int>, _ plan: ConvBackwardPlan, _ buf: ConvBackwardBuffers) {
        let col = buf.cols[w], co = outChannels, p = plan.g.outPixels
        let gwW = w == 0 ? buf.gw : buf.partial + (w - 1) * (plan.wCount + co)
        let gbW = w == 0 ? buf.gb : gwW + plan.wCount
        for b in images {
            let gy = buf.gy + b * co * p
            for c in 0..<co { gbW[c] += sumVec(gy + c * p, p) }
            if plan.winogradWeightGradient { continue }
            accumulateWeightGradient(image: buf.x + b * plan.imageSize, gy, plan, col: col, into: gwW)
            inputGradient(ofImage: gy, plan, buf, col: col, into: buf.dx + b * plan.imageSize)
        }
        if plan.inputGradient == .winograd {
            winogradConvolve(buf.gy, images: images, plan.wgFlipped, weights: buf.flipped!, bias: nil, into: buf.dx, scratch: col)
        }
        if plan.winogradWeightGradient {
            winogradAccumulateTransformedGradient(buf.x, buf.gy, images: images, plan.wg,
                                                  into: buf.duPartial + w * plan.duCount, scratch: col)
        }
    }

    /// ∂W += ∂Y·colᵀ for one image (sgemv when Cout = 1).
    func accumulateWeightGradient(image xb: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, _ plan: ConvBackwardPlan,
                                  col: UnsafeMutablePointer<Float>, into gw: UnsafeMutablePointer<Float>) {
        let rows = plan.g.rows, p = plan.g.outPixels
        let cb = columnMatrix(xb, plan.g, pointwise: plan.pointwise, into: col)
        if outChannels == 1 {
            Float.gemv(trans: false, m: rows, n: p, alpha: 1, a: cb, lda: p, x: gy, beta: 1, y: gw)
        } else {
            Float.gemm(transA: false, transB: true, m: outChannels, n: rows, k: p, alpha: 1,
                       a: gy, lda: p, b: cb, ldb: p, beta: 1, c: gw, ldc: rows)
        }
    }

    /// ∂L/∂x of one image of an im2col layer.
    func inputGradient(ofImage gy: UnsafePointer<Float>, _ plan: ConvBackwardPlan, _ buf: ConvBackwardBuffers,
                       col: UnsafeMutablePointer<Float>, into dxb: UnsafeMutablePointer<Float>) {
        let p = plan.g.outPixels, fg = plan.flippedGeometry
        switch plan.inputGradient {
        case .none, .winograd:
            return
        case .flippedConvolution:
            let fb = columnMatrix(gy, fg, pointwise: plan.pointwise, into: col)
            Float.gemm(transA: false, transB: false, m: inChannels, n: p, k: fg.rows, alpha: 1,
                       a: buf.flipped!, lda: fg.rows, b: fb, ldb: p, beta: 0, c: dxb, ldc: p)
        case .col2im:
            Float.gemm(transA: true, transB: false, m: plan.g.rows, n: p, k: outChannels, alpha: 1,
                       a: buf.w, lda: plan.g.rows, b: gy, ldb: p, beta: 0, c: col, ldc: p)
            col2im(col, images: 1, plan.g, addingInto: dxb)
        }
    }

    /// Adds workers 1…'s ∂W and ∂b into worker 0's, in worker order; a Winograd layer first sums
    /// its workers' ∂U and transforms it back into ∂W.
    func reduceWorkerGradients(_ plan: ConvBackwardPlan, _ buf: ConvBackwardBuffers) {
        let co = outChannels
        if plan.winogradWeightGradient {
            for w in 1..<plan.workers { for i in 0..<plan.duCount { buf.duPartial[i] += buf.duPartial[w * plan.duCount + i] } }
            accumulateWinogradWeightGradient(buf.duPartial, outChannels: co, inChannels: inChannels, tile: plan.wg.tile, into: buf.gw)
        }
        for w in 1..<max(1, plan.workers) {
            let src = buf.partial + (w - 1) * (plan.wCount + co)
            for i in 0..<plan.wCount { buf.gw[i] += src[i] }
            for c in 0..<co { buf.gb[c] += src[plan.wCount + c] }
        }
    }
}
