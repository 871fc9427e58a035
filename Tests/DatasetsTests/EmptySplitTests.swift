import Testing
import Datasets

/// Issue 13, items 1–2 and 14: an empty split (or a one-line mnist5k CSV) is refused with a message
/// naming the file, before any training (it used to die with SIGFPE / SIGILL); a partial local
/// Fashion-MNIST folder is reported, not completed from the system copy.
@Suite struct EmptySplitTests {
    func writeSplit(_ dir: TempDir, _ sub: String, stem: String, count: Int) throws {
        try dir.write(sub + "/\(stem)-images-idx3-ubyte", idxImages(count: count, rows: 28, cols: 28))
        try dir.write(sub + "/\(stem)-labels-idx1-ubyte", idxLabels([UInt8](repeating: 3, count: count)))
    }

    @Test func emptyTrainingSplitNamesTheFile() throws {
        let dir = TempDir()
        dir.makeDir("fashion-mnist")
        try writeSplit(dir, "fashion-mnist", stem: "train", count: 0)
        try writeSplit(dir, "fashion-mnist", stem: "t10k", count: 30)
        let train = try DatasetCatalog.load(name: "fashion-mnist", dataDirectory: dir.path, split: .train)
        #expect(train.count == 0)
        #expect(throws: DatasetError.self) {
            try DatasetCatalog.requireImages(train, atLeast: 20, what: "the training split", name: "fashion-mnist", dataDirectory: dir.path)
        }
        do {
            try DatasetCatalog.requireImages(train, atLeast: 20, what: "the training split", name: "fashion-mnist", dataDirectory: dir.path)
        } catch {
            let text = "\(error)"
            #expect(text.contains(dir.path + "/fashion-mnist/train-images-idx3-ubyte"), "\(text)")
            #expect(text.contains("holds 0 images, at least 20 needed") && !text.contains("\n"), "\(text)")
        }
        let test = try DatasetCatalog.load(name: "fashion-mnist", dataDirectory: dir.path, split: .test)
        try DatasetCatalog.requireImages(test, atLeast: 20, what: "the test split", name: "fashion-mnist", dataDirectory: dir.path, split: .test)
    }

    @Test func oneLineMNIST5kIsTooSmall() throws {
        let dir = TempDir()
        dir.makeDir("mnist5k")
        let line = (0..<784).map { _ in "0" }.joined(separator: ",") + ",7\n"
        try dir.writeGzip("mnist5k/mnist_5k.csv.gz", Array(line.utf8))
        let all = try DatasetCatalog.load(name: "mnist5k", dataDirectory: dir.path)
        #expect(all.count == 1)
        do {
            try DatasetCatalog.requireImages(all, atLeast: 40, what: "the set", name: "mnist5k", dataDirectory: dir.path)
            Issue.record("a one-image set passed")
        } catch {
            #expect("\(error)" == "\(dir.path)/mnist5k/mnist_5k.csv.gz: the set holds 1 image, at least 40 needed")
        }
    }

    @Test func partialLocalFashionMNISTIsReported() throws {
        let dir = TempDir()
        dir.makeDir("fashion-mnist")
        try writeSplit(dir, "fashion-mnist", stem: "train", count: 2)   // no t10k files
        do {
            _ = try DatasetCatalog.load(name: "fashion-mnist", dataDirectory: dir.path, split: .test)
            Issue.record("the test split was taken from elsewhere")
        } catch {
            let text = "\(error)"
            #expect(text.contains(dir.path + "/fashion-mnist/t10k-images-idx3-ubyte[.gz]"), "\(text)")
            #expect(!text.contains(DatasetCatalog.systemFashionMNISTDirectory), "\(text)")
        }
    }
}
