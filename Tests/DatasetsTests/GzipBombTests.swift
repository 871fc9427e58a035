// Issue 13, item 7: gzip bombs were inflated in full before any check (a 2 MB .gz IDX file peaked at
// 4.2 GB). Inflating now stops one byte past what the format's header allows.
import Testing
import Datasets

@Suite struct GzipBombTests {
    @Test func decompressStopsAtTheLimit() throws {
        let big = try Gzip.compress([UInt8](repeating: 0, count: 8 << 20))
        #expect(try Gzip.decompress(big, limit: 1000).count == 1000)
        #expect(try Gzip.decompress(big, limit: 16) == [UInt8](repeating: 0, count: 16))
        #expect(try Gzip.decompress(big).count == 8 << 20)
        let small = try Gzip.compress(Array("hello".utf8))
        #expect(try Gzip.decompress(small, limit: 1000) == Array("hello".utf8))
    }

    @Test func idxBombStopsAtTheHeaderSize() throws {
        let dir = TempDir()
        // A valid header for 2 images of 28×28, then 64 MiB of zeros: ~64 KB compressed.
        let bomb = idxImages(count: 2, rows: 28, cols: 28, pixels: [UInt8](repeating: 0, count: 64 << 20))
        let path = try dir.write("train-images-idx3-ubyte.gz", try Gzip.compress(bomb))
        do {
            _ = try MNISTLoader.loadImages(path)
            Issue.record("the bomb loaded")
        } catch {
            #expect("\(error)" == "\(path): decompresses to more than \(16 + 2 * 784) bytes, the most 2 images of 28×28 can take; stopped inflating there")
        }
        let labels = try dir.write("train-labels-idx1-ubyte.gz", try Gzip.compress(idxLabels([1, 2]) + [UInt8](repeating: 0, count: 16 << 20)))
        #expect(throws: DatasetError.self) { _ = try MNISTLoader.loadLabels(labels) }
        // A header that declares more than memory holds is refused before inflating.
        let huge = try dir.write("huge-images-idx3-ubyte.gz", try Gzip.compress(idxImages(count: 0xFFFF_FFFF, rows: 16384, cols: 16384, pixels: [])))
        do { _ = try MNISTLoader.loadImages(huge); Issue.record("accepted") } catch {
            #expect("\(error)".contains("more than 75% of this machine's memory"), "\(error)")
        }
        // Exact sizes still load, and a short stream still gets the length message.
        let ok = try dir.write("ok-images-idx3-ubyte.gz", try Gzip.compress(idxImages(count: 2, rows: 28, cols: 28)))
        #expect(try MNISTLoader.loadImages(ok).count == 2)
    }

    @Test func csvBombStopsAtTheLargestPossibleFile() throws {
        let dir = TempDir()
        dir.makeDir("mnist5k")
        let path = try dir.write("mnist5k/mnist_5k.csv.gz", try Gzip.compress([UInt8](repeating: UInt8(ascii: "\n"), count: MLXtendMNIST.maxTextBytes + 4096)))
        do { _ = try MLXtendMNIST.load(csvGz: path); Issue.record("accepted") } catch {
            #expect("\(error)".contains("decompresses to more than \(MLXtendMNIST.maxTextBytes) bytes"), "\(error)")
        }
    }
}
