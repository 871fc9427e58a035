// The inference path (`Layer.infer`): the forward pass's output bit for bit, keeping nothing for
// backward. Sampling calls ν_θ thousands of times between training steps, and a forward pass would
// keep every activation of the last call alive.
@testable import NeuralNet
import NumericCore
import Testing

@Suite struct InferenceTests {
    func bits(_ t: Tensor) -> [UInt32] { t.data.map(\.bitPattern) }

    func randomImages(_ shape: [Int], seed: UInt64) -> Tensor {
        var r = Xoshiro256(seed: seed)
        return Tensor(shape: shape, data: r.gaussiansFloat(shape.reduce(1, *)))
    }

    /// Every layer of a U-Net that can hold state for backward.
    func caches(_ net: UNet) -> [Bool] {
        let blocks = net.down + net.mid + net.up
        return net.convolutions.map { $0.cachedInput != nil }
            + (blocks.flatMap { [$0.norm1, $0.norm2] } + [net.outputNorm]).map { $0.cachedInput != nil }
    }

    @Test func uNetInfersItsForwardPassBitForBitAndKeepsNothing() {
        // Chapter 5's shape (3 resolutions) at a small width; batch 1 and batch 3 take different paths.
        let net = UNet(.init(channels: 1, baseWidth: 8, resolutions: 3), seed: 4)
        perturbParameters(net, seed: 5)
        for batch in [1, 3] {
            let x = randomImages([batch, 1, 28, 28], seed: UInt64(batch))
            let y = net.forward(x)
            #expect(caches(net).allSatisfy { $0 }, "forward keeps every layer's input for backward")
            #expect(bits(net.infer(x)) == bits(y))
            #expect(caches(net).allSatisfy { !$0 }, "infer drops what forward kept")
        }
    }

    @Test func classifierAndMLPInferTheirForwardPass() {
        let clf = Classifier(channels: 3, width: 8, classes: 10, seed: 2)
        let x = randomImages([4, 3, 32, 32], seed: 9)
        #expect(bits(clf.infer(x)) == bits(clf.forward(x)))
        #expect(bits(clf.features(x)) == bits(clf.body.forward(x)))
        #expect(clf.head.cachedInput != nil)
        _ = clf.infer(x)
        #expect(clf.head.cachedInput == nil)
        let mlp = MLP(inputDim: 5, hidden: [16, 16], outputDim: 5, seed: 3)
        let z = randomImages([7, 5], seed: 4)
        #expect(bits(mlp.infer(z)) == bits(mlp.forward(z)))
    }
}
