// Conv2D fast (im2col + sgemm) vs naive loops, and backward vs finite differences, for the
// image layers. Fast-vs-naive tolerances are Float rounding of sums of ≲ 300 O(1) products (1e-4).
import NeuralNet
import NumericCore
import Testing

func randomizedConv(_ cin: Int, _ cout: Int, kernel: Int, stride: Int, seed: UInt64) -> Conv2D {
    var rng = Xoshiro256(seed: seed)
    let conv = Conv2D(cin, cout, kernelSize: kernel, stride: stride, rng: &rng)
    conv.bias.value = rng.gaussiansFloat(cout)
    return conv
}

@Suite struct ConvLayerTests {
    @Test(arguments: [(3, 1), (3, 2), (1, 1)])
    func convFastMatchesNaive(kernel: Int, stride: Int) {
        for (h, w) in [(8, 8), (7, 5), (1, 1), (2, 3)] {
            let conv = randomizedConv(3, 4, kernel: kernel, stride: stride, seed: UInt64(h * 10 + w))
            expectMatchesNaive(conv, randomTensor([2, 3, h, w], seed: 1), parameterTolerance: 1e-4,
                               "k=\(kernel) s=\(stride) \(h)×\(w)")
        }
    }

    /// y, ∂x (`valueTolerance`) and ∂W, ∂b (`parameterTolerance`) of the fast paths against the naive twin.
    func expectMatchesNaive(_ conv: Conv2D, _ x: Tensor, valueTolerance: Float = 1e-4, parameterTolerance: Float, _ label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let y = conv.forward(x), yn = conv.forwardNaive(x)
        #expect(y.shape == yn.shape, sourceLocation: sourceLocation)
        #expect(maxAbsDifference(y.data, yn.data) < valueTolerance, "y \(label) \(maxAbsDifference(y.data, yn.data))", sourceLocation: sourceLocation)
        let gy = randomTensor(y.shape, seed: 2)
        conv.zeroGradients()
        let dx = conv.backward(gy)
        let naive = conv.backwardNaive(input: x, gradOutput: gy)
        #expect(maxAbsDifference(dx.data, naive.input.data) < valueTolerance, "dx \(label) \(maxAbsDifference(dx.data, naive.input.data))",
                sourceLocation: sourceLocation)
        #expect(maxAbsDifference(conv.weight.gradient, naive.weight) < parameterTolerance,
                "dW \(label) \(maxAbsDifference(conv.weight.gradient, naive.weight))", sourceLocation: sourceLocation)
        #expect(maxAbsDifference(conv.bias.gradient, naive.bias) < parameterTolerance, "db \(label)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [(3, 1), (3, 2), (1, 1)])
    func imageParallelConvMatchesNaive(kernel: Int, stride: Int) {
        // 3 images of 16×32×32: enough work for two workers in every case (batch·Cin·k²·P ≥ 2¹⁵;
        // an uneven 2 + 1 split), each running single-threaded GEMMs; ∂W and ∂b accumulate across
        // calls and across the workers' halves. dW sums ≤ 3·1024 products of O(1) terms (size ≈ 55):
        // tolerance 5e-3 absolute for the doubled sums.
        let conv = randomizedConv(16, 6, kernel: kernel, stride: stride, seed: 8)
        let x = randomTensor([3, 16, 32, 32], seed: 9)
        let threadsBefore = blasThreads
        let y = conv.forward(x)
        #expect(maxAbsDifference(y.data, conv.forwardNaive(x).data) < 1e-4)
        let gy = randomTensor(y.shape, seed: 10)
        conv.zeroGradients()
        _ = conv.backward(gy)
        let dx = conv.backward(gy)   // second call: gradients accumulate
        let naive = conv.backwardNaive(input: x, gradOutput: gy)
        #expect(maxAbsDifference(dx.data, naive.input.data) < 1e-4)
        #expect(maxAbsDifference(conv.weight.gradient, naive.weight.map { 2 * $0 }) < 5e-3)
        #expect(maxAbsDifference(conv.bias.gradient, naive.bias.map { 2 * $0 }) < 5e-3)
        // Other tests may be inside their own single-threaded regions right now: read atomically.
        let after = blasThreadSnapshot()
        #expect(after.configured == threadsBefore)
        #expect(after.regions > 0 || after.active == threadsBefore, "OpenBLAS thread count restored")
    }

    @Test(arguments: [(8, 8, 2), (16, 12, 2), (12, 16, 2), (8, 8, 4), (16, 12, 4), (12, 16, 4)])
    func winogradConvMatchesNaive(inChannels: Int, outChannels: Int, tile: Int) {
        // 3×3 stride-1 layers this wide take Winograd F(m×m, 3×3) for y, ∂x and ∂W; odd sizes cut
        // the last tile, 1×1 and 1×2 planes are all padding, 18×17 has a partial SIMD group of
        // tiles, and 3 images of 28×28 go through two workers and several tile chunks. The
        // transforms add a few roundings per value (measured worst cases: y and ∂x 4e-6 for F(2×2),
        // 2.5e-5 for F(4×4), whose coefficients reach 8 and ⅙; ∂W, summing up to 3·784 products,
        // 3.4e-4 and 6.5e-4). Tolerances: 1e-4 and 2e-4 absolute on y and ∂x, 1e-3 and 3e-3 on ∂W, ∂b.
        let valueTolerance: Float = tile == 4 ? 2e-4 : 1e-4, parameterTolerance: Float = tile == 4 ? 3e-3 : 1e-3
        for (batch, h, w) in [(2, 8, 8), (2, 7, 5), (2, 1, 1), (2, 1, 2), (2, 18, 17), (3, 28, 28)] {
            let conv = randomizedConv(inChannels, outChannels, kernel: 3, stride: 1, seed: UInt64(h * 31 + w))
            conv.winogradTile = tile
            #expect(conv.usesWinograd)
            expectMatchesNaive(conv, randomTensor([batch, inChannels, h, w], seed: 11), valueTolerance: valueTolerance,
                               parameterTolerance: parameterTolerance, "\(inChannels)→\(outChannels) F(\(tile)) \(h)×\(w)")
        }
    }

    @Test func winogradWeightCacheFollowsEveryWeightChange() {
        // Forward keeps U = G g Gᵀ while the weights are unchanged; every kind of write (in place as
        // the optimisers do, one element as finite differences do, whole arrays as checkpoints and
        // the moving average do) and a change of tile must recompute it. A stale U would differ from
        // the naive twin by O(1); the tolerance is the Winograd one above (2e-4).
        let conv = randomizedConv(8, 8, kernel: 3, stride: 1, seed: 21)
        let x = randomTensor([1, 8, 9, 9], seed: 22)
        func expectCurrent(_ label: String) {
            let d = maxAbsDifference(conv.forward(x).data, conv.forwardNaive(x).data)
            #expect(d < 2e-4, "\(label): \(d)")
        }
        expectCurrent("first call")
        expectCurrent("cached")
        conv.weight.value.withUnsafeMutableBufferPointer { w in for i in w.indices { w[i] *= -1.5 } }
        expectCurrent("in-place write")
        conv.weight.value[40] += 3
        expectCurrent("one element")
        var rng = Xoshiro256(seed: 23)
        conv.weight.value = rng.gaussiansFloat(conv.weight.count)
        expectCurrent("whole array")
        conv.winogradTile = 2
        expectCurrent("tile 2")
        conv.winogradTile = 4
        expectCurrent("tile 4")
    }

    @Test(arguments: [(3, 1), (3, 2), (1, 1)])
    func convGradientsMatchFiniteDifferences(kernel: Int, stride: Int) {
        let conv = randomizedConv(2, 3, kernel: kernel, stride: stride, seed: 6)
        let (name, err) = worstRelativeError(checkGradients(conv, input: randomTensor([2, 2, 5, 5], seed: 7)))
        #expect(err < 1e-2, "worst: \(name) \(err)")
    }

    @Test(arguments: [false, true])
    func groupNormMatchesNaiveAndFiniteDifferences(thenSiLU: Bool) {
        // Fused SiLU: fastExp (≲ 2·10⁻⁷ relative) against expf, still within 1e-5 for O(1) outputs.
        let gn = GroupNorm(groups: 2, channels: 4, thenSiLU: thenSiLU)
        var rng = Xoshiro256(seed: 8)
        gn.gamma.value = rng.gaussiansFloat(4, mean: 1, std: 0.5)
        gn.beta.value = rng.gaussiansFloat(4)
        let x = randomTensor([2, 4, 3, 3], seed: 9, std: 2)
        #expect(maxAbsDifference(gn.forward(x).data, gn.forwardNaive(x).data) < 1e-5)
        let (name, err) = worstRelativeError(checkGradients(gn, input: x))
        #expect(err < 1e-2, "worst: \(name) \(err)")
    }

    @Test func upsampleMatchesNaiveAndFiniteDifferences() {
        let up = Upsample2x()
        let x = randomTensor([2, 3, 3, 4], seed: 10)
        #expect(up.forward(x).data == up.forwardNaive(x).data)
        let (name, err) = worstRelativeError(checkGradients(up, input: x))
        #expect(err < 1e-2, "worst: \(name) \(err)")
    }

    @Test func globalAveragePoolGradient() {
        let (name, err) = worstRelativeError(checkGradients(GlobalAveragePool(), input: randomTensor([2, 3, 4, 4], seed: 11)))
        #expect(err < 1e-2, "worst: \(name) \(err)")
    }

    @Test func concatSplitsGradientsExactly() {
        var cat = ChannelConcat()
        let a = randomTensor([2, 3, 2, 2], seed: 12), b = randomTensor([2, 1, 2, 2], seed: 13)
        let y = cat.forward(a, b)
        #expect(y.shape == [2, 4, 2, 2])
        for n in 0..<2 {
            #expect(Array(y.data[(n * 16)..<(n * 16 + 12)]) == Array(a.data[(n * 12)..<(n * 12 + 12)]))
            #expect(Array(y.data[(n * 16 + 12)..<(n * 16 + 16)]) == Array(b.data[(n * 4)..<(n * 4 + 4)]))
        }
        let (ga, gb) = cat.backward(y)   // the gradient of ½‖y‖² is y itself
        #expect(ga == a && gb == b)
    }

    @Test(arguments: [4, 8])
    func resBlockGradientsMatchFiniteDifferences(outChannels: Int) {
        var rng = Xoshiro256(seed: 14)
        let block = ResBlock(4, outChannels, rng: &rng)
        for p in block.parameters { for i in 0..<p.count { p.value[i] += Float(0.1 * rng.gaussian()) } }
        let (name, err) = worstRelativeError(checkGradients(block, input: randomTensor([2, 4, 4, 4], seed: 15), probesPerTensor: 10))
        #expect(err < 1e-2, "worst: \(name) \(err)")
    }
}
