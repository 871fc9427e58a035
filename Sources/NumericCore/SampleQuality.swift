// Scores of a set of generated images, for any sampler: the statistics chapter 5 reports for its
// walk-jump samples, beside the feature distances (FrechetDistance, KernelDistance) they go with.
// Images are flat Float arrays, image i at [i·d, (i+1)·d) with d pixels; class labels and
// probabilities come from whatever classifier the caller trusts. Accumulation is in Double.

public enum SampleQuality {
    /// Contrast of each image: the standard deviation of its pixels (divides by d). A digit on a
    /// blank background has ≈ 0.3 on [0, 1] pixels, a blank image 0.
    public static func contrast(_ images: [Float], count: Int, pixels d: Int) -> [Double] {
        precondition(d >= 1 && count >= 0 && images.count >= count * d,
                     "SampleQuality.contrast: \(images.count) values hold fewer than \(count) images of \(d) pixels")
        return (0..<count).map { i in
            var sum = 0.0, sq = 0.0
            for k in (i * d)..<((i + 1) * d) { let v = Double(images[k]); sum += v; sq += v * v }
            let mean = sum / Double(d)
            return max(0, sq / Double(d) - mean * mean).squareRoot()
        }
    }

    /// The mean contrast of `count` images (0 for none).
    public static func meanContrast(_ images: [Float], count: Int, pixels d: Int) -> Double {
        contrast(images, count: count, pixels: d).reduce(0, +) / Double(max(1, count))
    }

    /// Share of images whose contrast is below `threshold`: near-blank images, which a classifier
    /// still gives some label.
    public static func blankShare(_ images: [Float], count: Int, pixels d: Int, threshold: Double) -> Double {
        Double(contrast(images, count: count, pixels: d).filter { $0 < threshold }.count) / Double(max(1, count))
    }

    /// The share of each class 0..<classes among `labels` (all 0 for no labels).
    public static func classShares(_ labels: [Int], classes: Int) -> [Double] {
        var h = [Double](repeating: 0, count: classes)
        for l in labels {
            precondition(l >= 0 && l < classes, "SampleQuality.classShares: label \(l) outside 0..<\(classes)")
            h[l] += 1
        }
        return h.map { $0 / Double(max(1, labels.count)) }
    }

    /// Total-variation distance ½ Σ_c |p_c − q_c| between two distributions over the same classes.
    public static func totalVariation(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count, "SampleQuality.totalVariation: \(p.count) against \(q.count) classes")
        return 0.5 * zip(p, q).reduce(0) { $0 + abs($1.0 - $1.1) }
    }

    /// Share of rows of `probabilities` (row-major, `classes` per row) whose largest entry is at
    /// least `threshold`: the images the classifier is confident about.
    public static func confidentShare(probabilities: [Float], classes: Int, threshold: Float) -> Double {
        precondition(classes >= 1 && probabilities.count % classes == 0,
                     "SampleQuality.confidentShare: \(probabilities.count) values are not rows of \(classes)")
        let count = probabilities.count / classes
        let sure = (0..<count).filter { i in probabilities[(i * classes)..<((i + 1) * classes)].max()! >= threshold }.count
        return Double(sure) / Double(max(1, count))
    }

    /// RMS per pixel of the distance from each image to its nearest reference image,
    /// √( (1/n) Σ_r min_i ‖x_r − t_i‖² / d ): 0 means the images are copies of references (memorisation).
    /// Fast path: the nearest reference by ‖x − t‖² = ‖x‖² − 2 x·t + ‖t‖², the cross terms one sgemm
    /// per chunk of images; then its distance summed directly, because that expansion cancels to
    /// noise of order √(ε‖x‖²) exactly where it matters, for near-copies. `nearestNeighbourRMSNaive`
    /// is the twin.
    public static func nearestNeighbourRMS(_ images: [Float], count: Int, reference: [Float], referenceCount nRef: Int,
                                           pixels d: Int, chunkEntries: Int = 1 << 22) -> Double {
        checkNearest(images, count, reference, nRef, d)
        guard count > 0 else { return .nan }
        let norms = (0..<nRef).map { i in reference.withUnsafeBufferPointer { Float.dot(n: d, x: $0.baseAddress! + i * d, y: $0.baseAddress! + i * d) } }
        let chunk = max(1, min(count, chunkEntries / max(1, nRef)))
        var g = [Float](repeating: 0, count: chunk * nRef)
        var total = 0.0
        images.withUnsafeBufferPointer { px in
            reference.withUnsafeBufferPointer { pt in
                g.withUnsafeMutableBufferPointer { pg in
                    var start = 0
                    while start < count {
                        let rows = min(chunk, count - start), base = px.baseAddress! + start * d
                        Float.gemm(transA: false, transB: true, m: rows, n: nRef, k: d, alpha: 1, a: base, lda: d,
                                   b: pt.baseAddress!, ldb: d, beta: 0, c: pg.baseAddress!, ldc: nRef)
                        for r in 0..<rows {
                            let q = Float.dot(n: d, x: base + r * d, y: base + r * d)
                            var best = Float.infinity, nearest = 0
                            for i in 0..<nRef {
                                let d2 = q - 2 * pg[r * nRef + i] + norms[i]
                                if d2 < best { best = d2; nearest = i }
                            }
                            total += squaredDistance(base + r * d, pt.baseAddress! + nearest * d, d) / Double(d)
                        }
                        start += rows
                    }
                }
            }
        }
        return (total / Double(count)).squareRoot()
    }

    /// The plain-loop twin of `nearestNeighbourRMS`: every ‖x_r − t_i‖² summed directly in Double.
    public static func nearestNeighbourRMSNaive(_ images: [Float], count: Int, reference: [Float], referenceCount nRef: Int,
                                                pixels d: Int) -> Double {
        checkNearest(images, count, reference, nRef, d)
        guard count > 0 else { return .nan }
        var total = 0.0
        for r in 0..<count {
            var best = Double.infinity
            for i in 0..<nRef {
                var s = 0.0
                for k in 0..<d { let e = Double(images[r * d + k]) - Double(reference[i * d + k]); s += e * e }
                best = min(best, s)
            }
            total += best / Double(d)
        }
        return (total / Double(count)).squareRoot()
    }

    private static func squaredDistance(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ d: Int) -> Double {
        var s = 0.0
        for k in 0..<d { let e = Double(x[k]) - Double(t[k]); s += e * e }
        return s
    }

    private static func checkNearest(_ images: [Float], _ count: Int, _ reference: [Float], _ nRef: Int, _ d: Int) {
        precondition(d >= 1 && nRef >= 1 && images.count >= count * d && reference.count >= nRef * d,
                     "SampleQuality.nearestNeighbourRMS: need \(count) images and \(nRef) references of \(d) pixels")
    }
}

/// One fixed reference feature set (e.g. a classifier's features of held-out images), its Gaussian
/// fitted once, against which sample sets are scored by FD and KID. Scores are NaN when a set has
/// fewer than 2 rows or the FD's eigendecomposition fails.
public struct FeatureReference: Sendable {
    public let features: [Float]
    public let count: Int
    public let dimension: Int
    public let statistics: GaussianStatistics

    public init(features: [Float], count: Int, dimension: Int) {
        self.features = features; self.count = count; self.dimension = dimension
        statistics = GaussianStatistics(features: features, count: count, dimension: dimension)
    }

    /// FD of `count` rows of features against the reference (carries a finite-n offset).
    public func frechetDistance(_ f: [Float], count n: Int) -> Double {
        guard n >= 2 else { return .nan }
        return (try? FrechetDistance.distance(GaussianStatistics(features: f, count: n, dimension: dimension), statistics)) ?? .nan
    }

    /// KID of `count` rows of features against the reference (unbiased: mean 0 under one law).
    public func kernelDistance(_ f: [Float], count n: Int) -> Double {
        guard n >= 2 else { return .nan }
        return KernelDistance.kid(f, count: n, features, count: count, dimension: dimension)
    }
}
