// Whole-model checks: U-Net and classifier shapes, names, gradients, training and determinism.
import NeuralNet
import NumericCore
import Testing
import Foundation

/// Adds N(0, std²) noise to every parameter (so zero-initialised layers carry gradient too).
func perturbParameters(_ model: Layer, seed: UInt64, std: Double = 0.1) {
    var rng = Xoshiro256(seed: seed)
    for p in model.parameters { for i in 0..<p.count { p.value[i] += Float(std * rng.gaussian()) } }
}

@Suite struct UNetTests {
    @Test func benchUNetHasTheBenchmarkLayout() {
        let net = UNet.bench(channels: 1)
        let names = net.namedParameters.map(\.name)
        #expect(names.first == "input.weight")
        #expect(names.contains("down.0.conv1.weight") && names.contains("mid.1.conv2.bias"))
        #expect(names.contains("up.0.skip.weight") && names.last == "output.conv.bias")
        #expect(Set(names).count == names.count)
        let shape = { (n: String) in net.namedParameters.first { $0.name == n }!.parameter.shape }
        #expect(shape("input.weight") == [32, 1, 3, 3])
        #expect(shape("downsample.0.weight") == [64, 32, 3, 3])
        #expect(shape("upsample.0.weight") == [32, 64, 3, 3])
        #expect(shape("up.0.conv1.weight") == [32, 64, 3, 3])
        #expect(shape("output.conv.weight") == [1, 32, 3, 3])
        #expect(net.parameterCount == 234_465)
        #expect(UNet.bench(channels: 3).parameterCount == 234_465 + 2 * 32 * 9 + 2 * (32 * 9 + 1))
        // Zero-initialised output conv with the residual output: ν starts as the identity.
        let x = randomTensor([2, 1, 28, 28], seed: 1)
        #expect(net.forward(x) == x)
    }

    @Test(arguments: [(1, 28, 2), (1, 28, 3), (3, 32, 3)])
    func shapesRoundTrip(channels: Int, size: Int, resolutions: Int) {
        let net = UNet(.init(channels: channels, baseWidth: 8, resolutions: resolutions, residualOutput: false), seed: 2)
        perturbParameters(net, seed: 3)
        let x = randomTensor([2, channels, size, size], seed: 4)
        let y = net.forward(x)
        #expect(y.shape == x.shape && y.allFinite)
        let dx = net.backward(y)
        #expect(dx.shape == x.shape && dx.allFinite)
    }

    /// 2 resolutions: 8×8 → 4×4; 3 resolutions: 8×8 → 4×4 → 2×2 (checks the skip/level wiring).
    @Test(arguments: [2, 3])
    func tinyUNetGradientsMatchFiniteDifferences(resolutions: Int) {
        let net = UNet(.init(channels: 1, baseWidth: 8, resolutions: resolutions), seed: 5)
        perturbParameters(net, seed: 6)
        let result = checkGradients(net, input: randomTensor([1, 1, 8, 8], seed: 7), probesPerTensor: resolutions == 2 ? 4 : 3)
        let (name, err) = worstRelativeError(result)
        #expect(result.parameters.count == net.namedParameters.count)
        #expect(err < 2e-2, "worst: \(name) \(err)")
    }

    @Test func classifierGradientsAndFeatures() {
        let clf = Classifier(channels: 1, width: 8, classes: 10, seed: 8)
        let x = randomTensor([2, 1, 8, 8], seed: 9)
        #expect(clf.features(x).shape == [2, 32])
        #expect(clf.forward(x).shape == [2, 10])
        let (name, err) = worstRelativeError(checkGradients(clf, input: x, probesPerTensor: 6))
        #expect(err < 2e-2, "worst: \(name) \(err)")
    }

    /// 32 smooth 8×8 images; the tiny U-Net learns to denoise them (σ = 0.5).
    func denoisingRun(seed: UInt64, steps: Int) -> (first: Float, last: Float, net: UNet) {
        var rng = Xoshiro256(seed: 100)
        var clean = [Float]()
        for _ in 0..<32 {
            let (fx, fy, ph) = (rng.uniform() * 2, rng.uniform() * 2, rng.uniform() * 6)
            for i in 0..<8 { for j in 0..<8 { clean.append(Float(sin(fx * Double(i) + fy * Double(j) + ph))) } }
        }
        let x = Tensor(shape: [32, 1, 8, 8], data: clean)
        let noisy = Tensor(shape: x.shape, data: zip(clean, rng.gaussiansFloat(clean.count, std: 0.5)).map { $0 + $1 })
        let net = UNet(.init(channels: 1, baseWidth: 8, resolutions: 2), seed: seed)
        let opt = Adam(parameters: net.parameters, learningRate: 3e-3, warmupSteps: 5, clipNorm: 10)
        var first: Float = 0, last: Float = 0
        for s in 0..<steps {
            let loss = mseTrainingStep(net, input: noisy, target: x, optimizer: opt)
            if s == 0 { first = loss }
            last = loss
        }
        return (first, last, net)
    }

    @Test func tinyUNetDenoisingLossFallsFourfold() {
        let r = denoisingRun(seed: 11, steps: 60)
        #expect(r.last < r.first / 4, "loss \(r.first) → \(r.last)")
    }

    @Test func singleImageForwardDoesNotDependOnTheBLASThreadCount() {
        // Chapter 5's network (width 32, 3 resolutions) on one image, as a long chain calls it, with
        // ν_θ's GEMMs big enough for OpenBLAS to thread them (e.g. 128→64 at 14×14): a single image
        // runs them at one thread whatever the configured count, so ν_θ is the same bit for bit
        // inside a single-threaded region and outside it (where OpenBLAS has the configured threads,
        // unless a concurrent test holds a region: then the check passes without testing anything).
        let net = UNet(.init(channels: 1, baseWidth: 32, resolutions: 3), seed: 13)
        perturbParameters(net, seed: 14, std: 0.02)
        let x = randomTensor([1, 1, 28, 28], seed: 15)
        let configured = net.forward(x), oneThread = withSingleThreadedBLAS { net.forward(x) }
        #expect(configured == oneThread)
        #expect(configured != x, "the perturbed output layer makes ν_θ differ from the identity")
    }

    @Test func sameSeedGivesBitIdenticalUNet() {
        let a = denoisingRun(seed: 12, steps: 3).net.exportParameters()
        let b = denoisingRun(seed: 12, steps: 3).net.exportParameters()
        #expect(a.map(\.name) == b.map(\.name))
        #expect(a.map(\.values) == b.map(\.values))
    }
}
