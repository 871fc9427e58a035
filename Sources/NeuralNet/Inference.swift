// Inference on a data set too large for one forward pass: the images in batches, outputs concatenated.

/// Applies `model` to `count` images of shape `imageShape` (C, H, W) stored contiguously in
/// `images`, `batch` at a time; returns the outputs (each output row has `outputSize` Floats,
/// inferred from the first batch).
public func forwardBatched(_ apply: (Tensor) -> Tensor, images: [Float], count: Int, imageShape: [Int], batch: Int) -> [Float] {
    let p = imageShape.reduce(1, *)
    precondition(images.count == count * p, "forwardBatched: \(images.count) values for \(count) images of \(imageShape)")
    var out = [Float]()
    var start = 0
    while start < count {
        let n = min(batch, count - start)
        let x = Tensor(shape: [n] + imageShape, data: Array(images[(start * p)..<((start + n) * p)]))
        let y = apply(x)
        if out.isEmpty { out.reserveCapacity(count * (y.count / n)) }
        out += y.data
        start += n
    }
    return out
}

