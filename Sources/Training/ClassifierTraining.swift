// The classifier behind chapter 5's Fréchet distance and KID: softmax cross-entropy with Adam.
import NeuralNet
import NumericCore

/// Result of `trainClassifier`.
public struct ClassifierTrainingResult: Sendable {
    public var losses: [Float]
    public var seconds: Double
    public var imagesPerSecond: Double
}

/// Trains a classifier with softmax cross-entropy and Adam on (images, labels), `steps` batches of
/// `batchSize`, epoch permutations from `seed`; `progress` receives every step.
public func trainClassifier(_ model: Layer, images: [Float], labels: [Int], imageShape: [Int], steps: Int, batchSize: Int,
                            learningRate: Float, seed: UInt64, progress: ((TrainingStatus) -> Void)? = nil) -> ClassifierTrainingResult {
    let n = labels.count, p = imageShape.reduce(1, *)
    precondition(images.count == n * p && n > 0, "trainClassifier: \(images.count) values for \(n) images of \(imageShape)")
    let opt = Adam(parameters: model.parameters, learningRate: learningRate, warmupSteps: min(50, steps / 10), clipNorm: 5)
    var losses = [Float](), clock = Stopwatch()
    var epoch = -1, perm = [Int]()
    var x = [Float](repeating: 0, count: batchSize * p), y = [Int](repeating: 0, count: batchSize)
    for t in 1...max(1, steps) {
        for k in 0..<batchSize {
            let position = (t - 1) * batchSize + k
            if position / n != epoch {
                epoch = position / n
                var r = Xoshiro256(seed: mixSeed(seed ^ 0xC1A5, UInt64(epoch)))
                perm = r.permutation(n)
            }
            let i = perm[position % n]
            for j in 0..<p { x[k * p + j] = images[i * p + j] }
            y[k] = labels[i]
        }
        model.zeroGradients()
        let logits = model.forward(Tensor(shape: [batchSize] + imageShape, data: x))
        let (loss, g) = SoftmaxCrossEntropy.evaluate(logits, labels: y)
        _ = model.backward(g)
        opt.step()
        losses.append(loss)
        let rate = Double(t * batchSize) / max(1e-9, clock.seconds)
        progress?(TrainingStatus(step: t, steps: steps, loss: loss, imagesPerSecond: rate,
                                 secondsLeft: Double(steps - t) * Double(batchSize) / max(rate, 1e-9)))
    }
    let s = clock.seconds
    return ClassifierTrainingResult(losses: losses, seconds: s, imagesPerSecond: Double(steps * batchSize) / max(s, 1e-9))
}

/// Fraction of `labels` the classifier predicts correctly (batched inference).
public func classifierAccuracy(_ model: Layer, images: [Float], labels: [Int], imageShape: [Int], batch: Int = 200) -> Double {
    let logits = forwardBatched({ model.infer($0) }, images: images, count: labels.count, imageShape: imageShape, batch: batch)
    let k = logits.count / max(1, labels.count)
    let predicted = SoftmaxCrossEntropy.predictions(Tensor(shape: [labels.count, k], data: logits))
    return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(max(1, labels.count))
}
