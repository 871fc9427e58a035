// Issue 13 (fuzzing): every data-set parser has a bytes-level entry point, which the path-level
// loaders call after reading the file, so the fuzz targets under Fuzz/ feed exactly the code that
// real files go through. These tests pin that the two agree, plain and gzipped, on good and bad input.
import Datasets
import Testing

@Suite("Bytes-level parser entry points")
struct BytesEntryPointTests {
    @Test func idxBytesMatchFiles() throws {
        let dir = TempDir()
        let images = idxImages(count: 3, rows: 5, cols: 4), labels = idxLabels([3, 0, 9])
        for (raw, gz) in [(images, false), (try Gzip.compress(images), true)] {
            let path = try dir.write(gz ? "i.gz" : "i", raw)
            let fromFile = try MNISTLoader.loadImages(path)
            let fromBytes = try MNISTLoader.decodeImages(raw)
            #expect(fromBytes.pixels == fromFile.pixels && fromBytes.count == 3 && fromBytes.rows == 5 && fromBytes.columns == 4)
        }
        for raw in [labels, try Gzip.compress(labels)] {
            let path = try dir.write("l", raw)
            #expect(try MNISTLoader.decodeLabels(raw) == MNISTLoader.loadLabels(path))
        }
        // Errors are the same, naming the path given (default "<memory>").
        let short = Array(images.dropLast())
        let path = try dir.write("short", short)
        #expect(caught { try MNISTLoader.decodeImages(short, path: path) } == caught { try MNISTLoader.loadImages(path) })
        #expect(caught { try MNISTLoader.decodeImages(short) }?.description == "<memory>: file is 75 bytes, expected 76 for 3 images of 5×4")
        #expect(caught { try MNISTLoader.decodeLabels(images) }?.description.hasPrefix("<memory>: bad magic number 0x00000803") == true)
        #expect(caught { try MNISTLoader.decodeLabels(labels, classCount: 5) } == .labelOutOfRange(path: "<memory>", index: 2, label: 9, classCount: 5))
    }

    @Test func csvBytesMatchFiles() throws {
        let dir = TempDir()
        let csv = mlxtendCSV(rows: [(testPixels(784, salt: 4), 2), (testPixels(784, salt: 5), 8)])
        for raw in [csv, try Gzip.compress(csv)] {
            let path = try dir.write("m.csv", raw)
            let set = try MLXtendMNIST.decode(raw)
            #expect(set == (try MLXtendMNIST.load(csvGz: path)))
            #expect(set.labels == [2, 8])
        }
        #expect(caught { try MLXtendMNIST.decode(Array("1,2\n".utf8)) }
                == .badCSV(path: "<memory>", line: 1, problem: "expected 785 values (784 pixels, then the label), found 2"))
        #expect(caught { try MLXtendMNIST.decode([0x1F, 0x8B, 0, 0], path: "x.gz") }.map { if case .corruptGzip = $0 { true } else { false } } == true)
    }

    @Test func cifarBytesMatchFiles() throws {
        let dir = TempDir()
        let (records, _) = cifarRecords(labels: [4, 1])
        for raw in [records, try Gzip.compress(records)] {
            let path = try dir.write("data_batch_1.bin", raw)
            let set = try CIFAR10Loader.decode(batch: raw)
            #expect(set == (try CIFAR10Loader.load(batchFiles: [path])))
            #expect(set.labels == [4, 1] && set.channels == 3)
        }
        #expect(caught { try CIFAR10Loader.decode(batch: Array(records.dropLast())) }
                == .badRecordLength(path: "<memory>", length: 6145, recordSize: 3073))
        #expect(caught { try CIFAR10Loader.decode(batch: []) } == .badRecordLength(path: "<memory>", length: 0, recordSize: 3073))
    }

    @Test func gunzipIfNeededPassesPlainBytesThrough() throws {
        let plain: [UInt8] = [1, 2, 3]
        let (same, gz) = try DataFile.gunzipIfNeeded(plain, path: "p", atMost: nil)
        #expect(same == plain && !gz)
        let (inflated, gz2) = try DataFile.gunzipIfNeeded(try Gzip.compress(plain), path: "p", atMost: nil)
        #expect(inflated == plain && gz2)
        // The bound applies as for files.
        let big = try Gzip.compress([UInt8](repeating: 7, count: 1000))
        #expect(caught { try DataFile.gunzipIfNeeded(big, path: "b.gz") { _ throws(DatasetError) in (10, "ten bytes") } }
                == .badHeader(path: "b.gz", problem: "decompresses to more than 10 bytes, the most ten bytes can take; stopped inflating there"))
    }
}
