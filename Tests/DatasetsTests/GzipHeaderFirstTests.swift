// Issue 13 (found while writing Fuzz/fuzz-idx, by reading MNISTLoader.readIDX): a gzipped IDX
// images file whose inflated header was already wrong — an impossible size such as 0×28, another
// size than `expectedSize`, or the wrong magic number — got no inflation bound ("reported below"),
// so a small .gz was inflated in full before the header error: the gzip-bomb guard did not apply.
// Now the header is judged first. The streams below are truncated near their end, so the old code,
// which inflated them to the end, reported corrupt gzip data instead of the header's problem.
import Datasets
import Testing

@Suite struct GzipHeaderFirstTests {
    /// `header` + 16 MiB of zeros, gzipped, with the last 12 bytes (trailer and end of block) cut off.
    func truncatedBomb(_ header: [UInt8]) throws -> [UInt8] {
        Array(try Gzip.compress(header + [UInt8](repeating: 0, count: 16 << 20)).dropLast(12))
    }

    @Test func impossibleSizeIsReportedWithoutInflating() throws {
        let gz = try truncatedBomb(idxImages(count: 2, rows: 0, cols: 28, pixels: []))
        #expect(caught { try MNISTLoader.decodeImages(gz, path: "i.gz") }
                == .badHeader(path: "i.gz", problem: "impossible image size 0×28 in the IDX header"))
        let dir = TempDir()
        let path = try dir.write("train-images-idx3-ubyte.gz", gz)
        #expect(caught { try MNISTLoader.loadImages(path) }
                == .badHeader(path: path, problem: "impossible image size 0×28 in the IDX header"))
    }

    @Test func unexpectedSizeIsReportedWithoutInflating() throws {
        let gz = try truncatedBomb(idxImages(count: 1000, rows: 1000, cols: 1000, pixels: []))
        #expect(caught { try MNISTLoader.decodeImages(gz, path: "i.gz", expectedSize: (28, 28)) }
                == .badHeader(path: "i.gz", problem: "images are 1000×1000, expected 28×28"))
    }

    @Test func wrongMagicIsReportedWithoutInflating() throws {
        // A labels file given as the images file: its "rows" are label bytes (0), so no bound applied.
        let gz = try truncatedBomb(idxLabels([UInt8](repeating: 0, count: 64)))
        #expect(caught { try MNISTLoader.decodeImages(gz, path: "l.gz") }
                == .badMagic(path: "l.gz", found: 0x801, expected: 0x803, kind: "IDX images; this is an IDX labels file"))
        let images = try truncatedBomb(idxImages(count: 2, rows: 0, cols: 28, pixels: []))
        #expect(caught { try MNISTLoader.decodeLabels(images, path: "i.gz") }
                == .badMagic(path: "i.gz", found: 0x803, expected: 0x801, kind: "IDX labels; this is an IDX images file"))
    }

    @Test func validGzipStillLoadsAndTruncationIsStillReported() throws {
        let good = idxImages(count: 3, rows: 28, cols: 28)
        #expect(try MNISTLoader.decodeImages(try Gzip.compress(good), expectedSize: (28, 28)).count == 3)
        let cut = Array(try Gzip.compress(good).dropLast(12))
        #expect(caught { try MNISTLoader.decodeImages(cut) }.map { if case .corruptGzip = $0 { true } else { false } } == true)
    }
}
