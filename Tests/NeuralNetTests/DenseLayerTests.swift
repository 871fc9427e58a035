// Linear, SiLU, MSE and MLP: fast vs naive, backward vs finite differences.
import NeuralNet
import NumericCore
import Testing

@Suite struct DenseLayerTests {
    @Test func linearMatchesNaiveForwardAndBackward() {
        var rng = Xoshiro256(seed: 1)
        let layer = Linear(7, 5, rng: &rng)
        layer.bias.value = rng.gaussiansFloat(5)
        let x = randomTensor([6, 7], seed: 2)
        let y = layer.forward(x)
        #expect(y.shape == [6, 5])
        #expect(maxAbsDifference(y.data, layer.forwardNaive(x).data) < 1e-5)
        let g = randomTensor([6, 5], seed: 3)
        layer.zeroGradients()
        let dx = layer.backward(g)
        let naive = layer.backwardNaive(input: x, gradOutput: g)
        #expect(maxAbsDifference(dx.data, naive.input.data) < 1e-5)
        #expect(maxAbsDifference(layer.weight.gradient, naive.weight) < 1e-5)
        #expect(maxAbsDifference(layer.bias.gradient, naive.bias) < 1e-5)
    }

    @Test func linearGradientsMatchFiniteDifferences() {
        var rng = Xoshiro256(seed: 4)
        let layer = Linear(4, 3, rng: &rng)
        let (name, err) = worstRelativeError(checkGradients(layer, input: randomTensor([5, 4], seed: 5)))
        #expect(err < 1e-2, "worst: \(name) \(err)")
    }

    @Test func siluMatchesNaiveAndFiniteDifferences() {
        let layer = SiLU()
        let x = randomTensor([3, 11], seed: 6, std: 2)
        #expect(maxAbsDifference(layer.forward(x).data, layer.forwardNaive(x).data) < 1e-6 * max(1, maxAbs(x.data)))
        let (name, err) = worstRelativeError(checkGradients(layer, input: x))
        #expect(err < 1e-2, "worst: \(name) \(err)")
    }

    @Test func mseGradientMatchesFiniteDifferences() {
        let p = randomTensor([2, 3, 2, 2], seed: 8), t = randomTensor([2, 3, 2, 2], seed: 9)
        let (loss, grad) = MSELoss.evaluate(p, t)
        var direct: Double = 0
        for i in 0..<p.count { let d = Double(p.data[i] - t.data[i]); direct += d * d }
        #expect(abs(Double(loss) - direct / Double(p.count)) < 1e-5)
        var q = p
        let h: Float = 1e-2
        for i in 0..<p.count {
            let v = q.data[i]
            q.data[i] = v + h; let lp = Double(MSELoss.value(q, t))
            q.data[i] = v - h; let lm = Double(MSELoss.value(q, t))
            q.data[i] = v
            #expect(abs((lp - lm) / (2 * Double(h)) - Double(grad.data[i])) < 1e-3)
        }
    }

    @Test func crossEntropyGradientMatchesFiniteDifferences() {
        let logits = randomTensor([4, 10], seed: 10, std: 2)
        let labels = [3, 0, 9, 5]
        let (_, grad) = SoftmaxCrossEntropy.evaluate(logits, labels: labels)
        var q = logits
        let h: Float = 1e-2
        for i in 0..<q.count {
            let v = q.data[i]
            q.data[i] = v + h; let lp = Double(SoftmaxCrossEntropy.evaluate(q, labels: labels).loss)
            q.data[i] = v - h; let lm = Double(SoftmaxCrossEntropy.evaluate(q, labels: labels).loss)
            q.data[i] = v
            #expect(abs((lp - lm) / (2 * Double(h)) - Double(grad.data[i])) < 2e-3)
        }
    }

    @Test func mlpGradientsMatchFiniteDifferences() {
        let mlp = MLP(inputDim: 2, hidden: [8, 8], outputDim: 2, seed: 11)
        let names = mlp.namedParameters.map(\.name)
        #expect(names == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                          "layers.2.weight", "layers.2.bias"])
        let (name, err) = worstRelativeError(checkGradients(mlp, input: randomTensor([6, 2], seed: 12)))
        #expect(err < 1e-2, "worst: \(name) \(err)")
    }

    @Test func allFiniteDetectsNaNAndInf() {
        var t = randomTensor([2, 3], seed: 13)
        #expect(t.allFinite)
        t.data[4] = .nan
        #expect(!t.allFinite)
        t.data[4] = -.infinity
        #expect(!t.allFinite)
    }

    @Test func exportAndLoadRoundTrip() throws {
        let a = MLP(inputDim: 2, hidden: [4], outputDim: 2, seed: 1)
        let b = MLP(inputDim: 2, hidden: [4], outputDim: 2, seed: 2)
        #expect(a.exportParameters().map(\.values) != b.exportParameters().map(\.values))
        try b.loadParameters(a.exportParameters())
        #expect(a.exportParameters().map(\.values) == b.exportParameters().map(\.values))
        var bad = a.exportParameters()
        bad[0].shape = [1, 8]
        #expect(throws: ParameterLoadError.self) { try b.loadParameters(bad) }
    }
}
