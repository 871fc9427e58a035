import Datasets
import Testing

@Suite("CIFAR-10 binary")
struct CIFARTests {
    @Test func roundTripNCHW() throws {
        let dir = TempDir()
        let labels: [UInt8] = [6, 9, 0]
        let (bytes, px) = cifarRecords(labels: labels)
        let p = try dir.write("data_batch_1.bin", bytes)
        let set = try CIFAR10Loader.load(batchFiles: [p])
        #expect(set.count == 3 && set.channels == 3 && set.height == 32 && set.width == 32)
        #expect(set.labels == labels)
        #expect(set.classNames == ClassNames.cifar10)
        #expect(set.images == px.map { Float($0) / 255 })
        // Explicit index arithmetic: image i, channel c, row y, column x.
        for (i, c, y, x) in [(0, 0, 0, 0), (1, 1, 5, 31), (2, 2, 31, 7), (2, 0, 17, 3)] {
            let record = i * 3073
            let byte = bytes[record + 1 + c * 1024 + y * 32 + x]
            #expect(set.images[((i * 3 + c) * 32 + y) * 32 + x] == Float(byte) / 255)
        }
        #expect(CIFAR10Loader.encode(labels: labels, images: px) == bytes)
    }

    /// Writes the six batch files (2, 1, 3, 1, 2 training records and 3 test records).
    func writeAll(_ dir: TempDir, only: Set<String>? = nil) throws -> [String: [UInt8]] {
        dir.makeDir("cifar-10-batches-bin")
        let sizes = ["data_batch_1.bin": 2, "data_batch_2.bin": 1, "data_batch_3.bin": 3,
                     "data_batch_4.bin": 1, "data_batch_5.bin": 2, "test_batch.bin": 3]
        var written = [String: [UInt8]]()
        for (k, (name, n)) in sizes.sorted(by: { $0.key < $1.key }).enumerated() where only?.contains(name) ?? true {
            let labels = (0..<n).map { UInt8(($0 + k * 3) % 10) }
            let bytes = cifarRecords(labels: labels, salt: k).bytes
            try dir.write("cifar-10-batches-bin/" + name, bytes)
            written[name] = bytes
        }
        return written
    }

    @Test func directoryTrainAndTest() throws {
        let dir = TempDir()
        let files = try writeAll(dir)
        let train = try CIFAR10Loader.load(directory: dir.path, split: .train)
        #expect(train.count == 9)
        // Batches are concatenated in order 1…5.
        let expectedLabels = (1...5).flatMap { b in
            let bytes = files["data_batch_\(b).bin"]!
            return stride(from: 0, to: bytes.count, by: 3073).map { bytes[$0] }
        }
        #expect(train.labels == expectedLabels)
        let firstOfBatch3 = files["data_batch_3.bin"]!
        #expect(Array(train.image(3)) == firstOfBatch3[1..<3073].map { Float($0) / 255 })
        let test = try CIFAR10Loader.load(directory: dir.path, split: .test)
        #expect(test.count == 3)
        #expect(test.labels == stride(from: 0, to: 3 * 3073, by: 3073).map { files["test_batch.bin"]![$0] })
        // The batches folder itself (with or without a trailing slash) is accepted too.
        #expect(try CIFAR10Loader.load(directory: dir.url("cifar-10-batches-bin/"), split: .test) == test)
        #expect(try DatasetCatalog.load(name: "cifar10", dataDirectory: dir.path, split: .test) == test)
    }

    @Test func wrongRecordLength() throws {
        let dir = TempDir()
        let p = try dir.write("data_batch_3.bin", [UInt8](repeating: 1, count: 30001))
        let e = caught { try CIFAR10Loader.load(batchFiles: [p]) }
        #expect(e == .badRecordLength(path: p, length: 30001, recordSize: 3073))
        #expect(e?.description == "\(p): length 30001 is not a multiple of the 3073-byte CIFAR-10 record")
        let oneShort = try dir.write("one_short.bin", Array(cifarRecords(labels: [1, 2]).bytes.dropLast()))
        #expect(caught { try CIFAR10Loader.load(batchFiles: [oneShort]) } == .badRecordLength(path: oneShort, length: 6145, recordSize: 3073))
        let empty = try dir.write("empty.bin", [])
        #expect(caught { try CIFAR10Loader.load(batchFiles: [empty]) }?.description
                == "\(empty): file is empty, expected a multiple of the 3073-byte CIFAR-10 record")
    }

    @Test func labelOutOfRange() throws {
        let dir = TempDir()
        let good = try dir.write("good.bin", cifarRecords(labels: [1, 2]).bytes)
        let bad = try dir.write("bad.bin", cifarRecords(labels: [0, 9, 10]).bytes)
        let e = caught { try CIFAR10Loader.load(batchFiles: [good, bad]) }
        #expect(e == .labelOutOfRange(path: bad, index: 2, label: 10, classCount: 10))
        #expect(e?.description == "\(bad): label 10 at item 2 is out of range 0…9")
    }

    @Test func missingFilesAreListedExactly() throws {
        let dir = TempDir()
        _ = try writeAll(dir, only: ["data_batch_1.bin", "data_batch_4.bin"])
        let e = caught { try CIFAR10Loader.load(directory: dir.path, split: .train) }
        let b = dir.path + "/cifar-10-batches-bin/"
        #expect(e == .notFound(dataset: "CIFAR-10", missing: [b + "data_batch_2.bin", b + "data_batch_3.bin", b + "data_batch_5.bin"],
                               hint: "download the binary version from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz and extract it into \(dir.path)"))
        #expect(e?.description == "CIFAR-10 not found: missing \(b)data_batch_2.bin, \(b)data_batch_3.bin, \(b)data_batch_5.bin; "
                + "download the binary version from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz and extract it into \(dir.path)")
        #expect(caught { try CIFAR10Loader.load(directory: dir.path, split: .test) }?.description.contains("missing \(b)test_batch.bin;") == true)

        let empty = TempDir()
        let all = caught { try DatasetCatalog.load(name: "cifar10", dataDirectory: empty.path) }
        guard case let .notFound(_, missing, _)? = all else { Issue.record("expected notFound, got \(String(describing: all))"); return }
        #expect(missing == (1...5).map { empty.path + "/cifar-10-batches-bin/data_batch_\($0).bin" })
    }
}
