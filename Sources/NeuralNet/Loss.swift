// MSE: prediction and target have the same (any) shape; loss is the mean over ALL elements.
// Cross-entropy: logits are (N, K), labels are N integers in 0..<K; loss is the mean over N.
#if canImport(Glibc)
import Glibc
#endif

/// Mean squared error L = (1/n) Σ (p − t)², n = element count (PyTorch's default `mean`).
public enum MSELoss {
    /// Loss value, accumulated in Double.
    public static func value(_ prediction: Tensor, _ target: Tensor) -> Float {
        require(prediction.shape == target.shape, "MSE: shapes \(prediction.shape) vs \(target.shape)")
        return prediction.data.withUnsafeBufferPointer { p in
            target.data.withUnsafeBufferPointer { t in
                var s: Double = 0
                for i in 0..<p.count { let d = Double(p[i] - t[i]); s += d * d }
                return Float(s / Double(max(1, p.count)))
            }
        }
    }

    /// ∂L/∂prediction = 2(p − t)/n.
    public static func gradient(_ prediction: Tensor, _ target: Tensor) -> Tensor {
        require(prediction.shape == target.shape, "MSE: shapes \(prediction.shape) vs \(target.shape)")
        let scale = 2 / Float(max(1, prediction.count))
        return Tensor(shape: prediction.shape) { g in
            prediction.data.withUnsafeBufferPointer { p in
                target.data.withUnsafeBufferPointer { t in
                    for i in 0..<g.count { g[i] = scale * (p[i] - t[i]) }
                }
            }
        }
    }

    /// Loss and gradient together.
    public static func evaluate(_ prediction: Tensor, _ target: Tensor) -> (loss: Float, gradient: Tensor) {
        (value(prediction, target), gradient(prediction, target))
    }
}

/// Softmax cross-entropy L = −(1/N) Σ_n log softmax(logits_n)[label_n].
public enum SoftmaxCrossEntropy {
    /// Row-wise softmax probabilities of (N, K) logits (max-subtracted for stability).
    public static func probabilities(_ logits: Tensor) -> Tensor {
        require(logits.rank == 2, "softmax: logits must be (N, K), got \(logits.shape)")
        let n = logits.shape[0], k = logits.shape[1]
        var out = logits
        out.data.withUnsafeMutableBufferPointer { p in
            for r in 0..<n {
                var m = -Float.infinity
                for c in 0..<k { m = max(m, p[r * k + c]) }
                var s: Float = 0
                for c in 0..<k { let e = expf(p[r * k + c] - m); p[r * k + c] = e; s += e }
                for c in 0..<k { p[r * k + c] /= s }
            }
        }
        return out
    }

    /// Loss and ∂L/∂logits = (softmax − onehot)/N.
    public static func evaluate(_ logits: Tensor, labels: [Int]) -> (loss: Float, gradient: Tensor) {
        require(logits.rank == 2, "cross-entropy: logits must be (N, K), got \(logits.shape)")
        let n = logits.shape[0], k = logits.shape[1]
        require(labels.count == n, "cross-entropy: \(labels.count) labels for \(n) rows")
        var g = probabilities(logits)
        var loss: Double = 0
        for r in 0..<n {
            let y = labels[r]
            require(y >= 0 && y < k, "cross-entropy: label \(y) outside 0..<\(k)")
            loss -= log(max(Double(g.data[r * k + y]), 1e-30))
            g.data[r * k + y] -= 1
        }
        let scale = 1 / Float(max(1, n))
        for i in 0..<g.count { g.data[i] *= scale }
        return (Float(loss / Double(max(1, n))), g)
    }

    /// Index of the largest logit per row.
    public static func predictions(_ logits: Tensor) -> [Int] {
        require(logits.rank == 2 && logits.shape[1] > 0, "predictions: logits must be (N, K ≥ 1), got \(logits.shape)")
        let n = logits.shape[0], k = logits.shape[1]
        return (0..<n).map { r in
            var best = 0
            for c in 1..<k where logits.data[r * k + c] > logits.data[r * k + best] { best = c }
            return best
        }
    }
}

/// One supervised step: zero the gradients, forward, MSE against `target`, backward, optimiser
/// step. Returns the loss before the step. (The denoiser trainer checks the loss for NaN between
/// backward and step, so it spells the step out.)
@discardableResult
public func mseTrainingStep(_ model: Layer, input: Tensor, target: Tensor, optimizer: Optimizer) -> Float {
    model.zeroGradients()
    let (loss, gradient) = MSELoss.evaluate(model.forward(input), target)
    _ = model.backward(gradient)
    optimizer.step()
    return loss
}
