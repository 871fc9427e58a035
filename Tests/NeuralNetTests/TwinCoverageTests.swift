// Twins for the paths the other NeuralNet tests left out (issue 15): Conv2D's Cout = 1 branch
// (sgemv instead of sgemm, forward and ∂W), `fastExp` against Foundation's exp in Double, and
// GlobalAveragePool against a plain-loop twin written here.
import Foundation
@testable import NeuralNet
import NumericCore
import Testing

/// Plain-loop twin of GlobalAveragePool: y[b, c] = (1/HW) Σ_{i,j} x[b, c, i, j], and the adjoint
/// ∂L/∂x[b, c, i, j] = ∂L/∂y[b, c] / HW, both summed in Double.
func globalAveragePoolNaive(_ x: Tensor) -> Tensor {
    let (batch, channels, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    var y = Tensor(shape: [batch, channels])
    for b in 0..<batch {
        for c in 0..<channels {
            var s = 0.0
            for i in 0..<h { for j in 0..<w { s += Double(x.data[((b * channels + c) * h + i) * w + j]) } }
            y.data[b * channels + c] = Float(s / Double(h * w))
        }
    }
    return y
}

func globalAveragePoolBackwardNaive(inputShape: [Int], gradOutput gy: Tensor) -> Tensor {
    let (batch, channels, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
    var dx = Tensor(shape: inputShape)
    for b in 0..<batch {
        for c in 0..<channels {
            for i in 0..<h { for j in 0..<w {
                dx.data[((b * channels + c) * h + i) * w + j] = Float(Double(gy.data[b * channels + c]) / Double(h * w))
            } }
        }
    }
    return dx
}

@Suite struct TwinCoverageTests {
    // MARK: Conv2D, Cout = 1

    /// Cout = 1 never takes Winograd (it needs Cin, Cout ≥ 8), so forward is one `sgemv` per image
    /// and ∂W one `sgemv` per image; ∂L/∂x goes through the flipped-weight GEMM (stride 1, Cin ≥ 1)
    /// or Wᵀ·dY + col2im (stride 2). Cin = 3 and 12 (Cin·k² = 27 and 108 rows); sizes as in
    /// ConvLayerTests, including 1×1 and odd planes. Tolerance 1e-4 absolute, as there: Float
    /// rounding of sums of ≤ 108 O(1) products for y and ∂x, ≤ 2·64 for ∂W.
    @Test(arguments: [(3, 1), (3, 2), (1, 1)])
    func singleOutputChannelConvMatchesNaive(kernel: Int, stride: Int) {
        for cin in [3, 12] {
            for (h, w) in [(8, 8), (7, 5), (1, 1), (2, 3)] {
                let conv = randomizedConv(cin, 1, kernel: kernel, stride: stride, seed: UInt64(cin * 100 + h * 10 + w))
                #expect(!conv.usesWinograd)
                ConvLayerTests().expectMatchesNaive(conv, randomTensor([2, cin, h, w], seed: 21), parameterTolerance: 1e-4,
                                                    "Cout=1 Cin=\(cin) k=\(kernel) s=\(stride) \(h)×\(w)")
            }
        }
    }

    /// Enough work for two workers (batch·Cin·k²·P ≥ 3·16·256 > 2¹⁵ in all three cases, an uneven
    /// 2 + 1 split): worker 1's `sgemv` accumulates ∂W into the partial buffer that is added to
    /// worker 0's at the end, and a second backward accumulates on top. ∂W sums ≤ 2·3·1024 products of O(1) terms: 5e-3 absolute,
    /// as in ConvLayerTests.imageParallelConvMatchesNaive.
    @Test(arguments: [(3, 1), (3, 2), (1, 1)])
    func singleOutputChannelConvTwoWorkersMatchesNaive(kernel: Int, stride: Int) {
        let conv = randomizedConv(16, 1, kernel: kernel, stride: stride, seed: 22)
        let x = randomTensor([3, 16, 32, 32], seed: 23)
        let y = conv.forward(x)
        #expect(maxAbsDifference(y.data, conv.forwardNaive(x).data) < 1e-4)
        let gy = randomTensor(y.shape, seed: 24)
        conv.zeroGradients()
        _ = conv.backward(gy)
        let dx = conv.backward(gy)
        let naive = conv.backwardNaive(input: x, gradOutput: gy)
        #expect(maxAbsDifference(dx.data, naive.input.data) < 1e-4)
        #expect(maxAbsDifference(conv.weight.gradient, naive.weight.map { 2 * $0 }) < 5e-3)
        #expect(maxAbsDifference(conv.bias.gradient, naive.bias.map { 2 * $0 }) < 5e-3)
    }

    /// The same branch against central finite differences (GradientCheck.swift's tolerance, 1e-2).
    @Test(arguments: [(3, 1), (3, 2), (1, 1)])
    func singleOutputChannelConvMatchesFiniteDifferences(kernel: Int, stride: Int) {
        let conv = randomizedConv(3, 1, kernel: kernel, stride: stride, seed: 25)
        let (name, err) = worstRelativeError(checkGradients(conv, input: randomTensor([2, 3, 5, 5], seed: 26)))
        #expect(err < 1e-2, "worst: \(name) \(err)")
    }

    // MARK: fastExp

    /// VectorMath.swift states relative error ≲ 2·10⁻⁷ on the clamp range [−87, 88] (SiLU and the
    /// fused GroupNorm + SiLU call it on −activation, any Float). Checked against exp in Double on a
    /// grid of 350 001 points spanning [−87, 88] (spacing 5·10⁻⁴: every exponent k in range, with
    /// about 1 400 reduced arguments r across [−ln2/2, ln2/2] for each), on the 20 000 consecutive
    /// Floats either side of −1, 0 and 1, and at the clamp ends. Bound: the stated 2·10⁻⁷ (measured
    /// worst 7.6·10⁻⁸, at x ≈ 70.36, in a debug build; the arithmetic is the same in release).
    @Test func fastExpMeetsItsStatedRelativeError() {
        var worst = 0.0, worstAt: Float = 0
        func probe(_ x: Float) {
            let exact = Foundation.exp(Double(x))
            let relative = abs(Double(fastExp(x)) - exact) / exact
            if relative > worst { worst = relative; worstAt = x }
        }
        let n = 350_000
        for i in 0...n { probe(Float(-87 + 175 * Double(i) / Double(n))) }
        for start: Float in [-1, 0, 1] {
            var x = start, down = start
            for _ in 0..<20_000 { probe(x); probe(down); x = x.nextUp; down = down.nextDown }
        }
        for x: Float in [-87, 88, -0.0, .leastNonzeroMagnitude, Float(M_LN2), -Float(M_LN2) / 2, Float(M_LN2) / 2] { probe(x) }
        print("fastExp: worst relative error \(worst) at x = \(worstAt)")
        #expect(worst < 2e-7, "worst relative error \(worst) at x = \(worstAt)")
    }

    /// Outside [−87, 88] the input is clamped: the result is e^−87 or e^88, finite and normal.
    @Test func fastExpClampsToNormalFloats() {
        for x: Float in [-1e4, -88, -87.5, 88.5, 1e4, -.infinity, .infinity] {
            let y = fastExp(x)
            #expect(y.isFinite && y.isNormal, "fastExp(\(x)) = \(y)")
            #expect(y == fastExp(x < 0 ? -87 : 88))
        }
    }

    // MARK: GlobalAveragePool

    /// Forward and backward against the plain-loop twin above, on planes of 1×1, odd and 28×28 size
    /// (a sum of 784 O(1) Floats: rounding ≲ 784·6·10⁻⁸ ≈ 5·10⁻⁵ of the sum, ≲ 10⁻⁵ of the mean).
    /// Tolerance 1e-5 absolute on y. ∂x is one correctly rounded division per element, and the twin's
    /// Double quotient rounds to the same Float, so the two must agree exactly.
    @Test func globalAveragePoolMatchesNaive() {
        for shape in [[2, 3, 1, 1], [2, 3, 5, 7], [3, 4, 28, 28]] {
            let pool = GlobalAveragePool()
            let x = randomTensor(shape, seed: UInt64(shape.reduce(0, +)))
            let y = pool.forward(x), yn = globalAveragePoolNaive(x)
            #expect(y.shape == [shape[0], shape[1]] && y.shape == yn.shape)
            #expect(maxAbsDifference(y.data, yn.data) < 1e-5, "y \(shape) \(maxAbsDifference(y.data, yn.data))")
            let gy = randomTensor(y.shape, seed: 31)
            let dx = pool.backward(gy), dxn = globalAveragePoolBackwardNaive(inputShape: shape, gradOutput: gy)
            #expect(dx.shape == shape)
            #expect(dx.data == dxn.data, "dx \(shape) \(maxAbsDifference(dx.data, dxn.data))")
        }
    }

    /// The backward against finite differences on a non-square plane (ConvLayerTests checks 4×4).
    @Test func globalAveragePoolMatchesFiniteDifferences() {
        let (name, err) = worstRelativeError(checkGradients(GlobalAveragePool(), input: randomTensor([2, 3, 3, 5], seed: 32)))
        #expect(err < 1e-2, "worst: \(name) \(err)")
    }
}
