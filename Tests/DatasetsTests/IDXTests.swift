import Datasets
import Testing

@Suite("IDX (MNIST format)")
struct IDXTests {
    let labels: [UInt8] = [3, 0, 9]
    let rows = 4, cols = 5   // non-square, so rows and columns cannot be swapped unnoticed

    func expectRoundTrip(_ set: ImageSet, pixels: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(set.count == 3, sourceLocation: sourceLocation)
        #expect(set.channels == 1 && set.height == rows && set.width == cols, sourceLocation: sourceLocation)
        #expect(set.labels == labels, sourceLocation: sourceLocation)
        #expect(set.images.count == pixels.count, sourceLocation: sourceLocation)
        #expect(set.images == pixels.map { Float($0) / 255 }, sourceLocation: sourceLocation)
        #expect(set.images.min() == 0 && set.images.max() == 1, sourceLocation: sourceLocation)
        #expect(set.classNames == ClassNames.digits, sourceLocation: sourceLocation)
    }

    @Test func plainRoundTrip() throws {
        let dir = TempDir()
        let px = testPixels(3 * rows * cols)
        let img = try dir.write("train-images-idx3-ubyte", idxImages(count: 3, rows: rows, cols: cols, pixels: px))
        let lab = try dir.write("train-labels-idx1-ubyte", idxLabels(labels))
        expectRoundTrip(try MNISTLoader.load(images: img, labels: lab), pixels: px)
        // Pixel (image 1, row 2, column 3) sits at 1·20 + 2·5 + 3.
        let set = try MNISTLoader.load(images: img, labels: lab)
        #expect(set.image(1)[set.image(1).startIndex + 2 * cols + 3] == Float(px[20 + 13]) / 255)
    }

    @Test func gzippedRoundTrip() throws {
        let dir = TempDir()
        let px = testPixels(3 * rows * cols, salt: 5)
        let img = try dir.writeGzip("train-images-idx3-ubyte.gz", idxImages(count: 3, rows: rows, cols: cols, pixels: px))
        let lab = try dir.writeGzip("train-labels-idx1-ubyte.gz", idxLabels(labels))
        expectRoundTrip(try MNISTLoader.load(images: img, labels: lab), pixels: px)
        // Detection is by magic bytes, not by name: a gzipped file without .gz and a plain file with it.
        let img2 = try dir.writeGzip("images-no-suffix", idxImages(count: 3, rows: rows, cols: cols, pixels: px))
        let lab2 = try dir.write("labels-plain.gz", idxLabels(labels))
        expectRoundTrip(try MNISTLoader.load(images: img2, labels: lab2), pixels: px)
    }

    @Test func externalGzipIncludingMultiMember() throws {
        // A gzip stream written by an encoder other than the library's: Python's gzip module (python3
        // is on every machine this runs on; its absence fails the test instead of skipping it), two
        // members at different levels concatenated, which the loader must join as gunzip does.
        let dir = TempDir()
        let px = testPixels(3 * rows * cols, salt: 2)
        let bytes = idxImages(count: 3, rows: rows, cols: cols, pixels: px)
        try dir.write("a", Array(bytes[..<30])); try dir.write("b", Array(bytes[30...]))
        let lab = try dir.write("labels", idxLabels(labels))
        for f in ["a.gz", "b.gz", "ab.gz"] { dir.track(f) }
        let script = "import gzip; r = lambda n: open(n, 'rb').read(); "
            + "a = gzip.compress(r('a'), 1, mtime=0); b = gzip.compress(r('b'), 9, mtime=0); "
            + "open('a.gz', 'wb').write(a); open('b.gz', 'wb').write(b); open('ab.gz', 'wb').write(a + b)"
        try #require(shell("cd '\(dir.path)' && python3 -c \"\(script)\""), "python3 could not write the gzip fixtures")
        let twoMembers = try DataFile.read(dir.url("ab.gz"))
        #expect(twoMembers.count == (try DataFile.read(dir.url("a.gz"))).count + (try DataFile.read(dir.url("b.gz"))).count)
        expectRoundTrip(try MNISTLoader.load(images: dir.url("ab.gz"), labels: lab), pixels: px)
        // The same two members from the library's own zlib writer, without any external program.
        let own = try dir.write("own.gz", try Gzip.compress(Array(bytes[..<30]), level: 1) + Gzip.compress(Array(bytes[30...]), level: 9))
        expectRoundTrip(try MNISTLoader.load(images: own, labels: lab), pixels: px)
    }

    @Test func badMagic() throws {
        let dir = TempDir()
        let img = try dir.write("train-images-idx3-ubyte", idxImages(count: 3, rows: rows, cols: cols, magic: 0x0000_0804))
        let lab = try dir.write("train-labels-idx1-ubyte", idxLabels(labels))
        let e = caught { try MNISTLoader.load(images: img, labels: lab) }
        #expect(e == .badMagic(path: img, found: 0x804, expected: 0x803, kind: "IDX images"))
        #expect(e?.description == "\(img): bad magic number 0x00000804, expected 0x00000803 (IDX images)")

        // Files passed the wrong way round.
        let swapped = caught { try MNISTLoader.load(images: lab, labels: img) }
        #expect(swapped?.description == "\(lab): bad magic number 0x00000801, expected 0x00000803 (IDX images; this is an IDX labels file)")
        let badLabels = try dir.write("l2", idxLabels(labels, magic: 0x0000_0901))
        let e2 = caught { try MNISTLoader.loadLabels(badLabels) }
        #expect(e2?.description == "\(badLabels): bad magic number 0x00000901, expected 0x00000801 (IDX labels)")
    }

    @Test func truncatedAndOverlongImages() throws {
        let dir = TempDir()
        let full = idxImages(count: 3, rows: rows, cols: cols)   // 16 + 60 bytes
        let lab = try dir.write("labels", idxLabels(labels))
        let short = try dir.write("short", Array(full.dropLast()))
        let e = caught { try MNISTLoader.load(images: short, labels: lab) }
        #expect(e?.description == "\(short): file is 75 bytes, expected 76 for 3 images of 4×5")
        let long = try dir.write("long", full + [7])
        #expect(caught { try MNISTLoader.load(images: long, labels: lab) }?.description
                == "\(long): file is 77 bytes, expected 76 for 3 images of 4×5")
        let gz = try dir.writeGzip("short.gz", Array(full.dropLast(10)))
        #expect(caught { try MNISTLoader.load(images: gz, labels: lab) }?.description
                == "\(gz): file is 66 bytes after gzip decompression, expected 76 for 3 images of 4×5")
        let header = try dir.write("header", Array(full.prefix(10)))
        #expect(caught { try MNISTLoader.loadImages(header) }?.description
                == "\(header): file is 10 bytes, shorter than the 16-byte IDX images header")
        let empty = try dir.write("empty", [])
        #expect(caught { try MNISTLoader.loadImages(empty) } == .badHeader(path: empty, problem: "file is 0 bytes, shorter than the 16-byte IDX images header"))
    }

    @Test func realMNISTSizeMessage() throws {
        // The message quoted in the design: a 1234-byte file claiming 60000 images of 28×28.
        let dir = TempDir()
        let bytes = be32(0x803) + be32(60000) + be32(28) + be32(28) + [UInt8](repeating: 0, count: 1234 - 16)
        let p = try dir.write("train-images-idx3-ubyte", bytes)
        #expect(caught { try MNISTLoader.loadImages(p) }?.description
                == "\(p): file is 1234 bytes, expected 47040016 for 60000 images of 28×28")
    }

    @Test func truncatedGzipStream() throws {
        let dir = TempDir()
        let gzBytes = try Gzip.compress(idxImages(count: 3, rows: rows, cols: cols))
        let p = try dir.write("cut.gz", Array(gzBytes.dropLast(12)))
        let e = caught { try MNISTLoader.loadImages(p) }
        guard case let .corruptGzip(path, reason)? = e else { Issue.record("expected corruptGzip, got \(String(describing: e))"); return }
        #expect(path == p)
        #expect(reason.contains("truncated"))
        let garbage = try dir.write("garbage.gz", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6])
        guard case .corruptGzip? = caught({ try MNISTLoader.loadImages(garbage) }) else { Issue.record("garbage accepted"); return }
    }

    @Test func impossibleAndUnexpectedDimensions() throws {
        let dir = TempDir()
        let zero = try dir.write("zero", be32(0x803) + be32(2) + be32(0) + be32(5))
        #expect(caught { try MNISTLoader.loadImages(zero) }?.description == "\(zero): impossible image size 0×5 in the IDX header")
        let ok = try dir.write("ok", idxImages(count: 3, rows: rows, cols: cols))
        #expect(caught { try MNISTLoader.loadImages(ok, expectedSize: (28, 28)) }?.description
                == "\(ok): images are 4×5, expected 28×28")
        // Zero images is a valid (empty) file.
        let none = try MNISTLoader.loadImages(try dir.write("none", idxImages(count: 0, rows: 28, cols: 28)))
        #expect(none.count == 0 && none.pixels.isEmpty)
    }

    @Test func labelFileLengthAndRange() throws {
        let dir = TempDir()
        let short = try dir.write("short", idxLabels([1, 2], declaredCount: 3))
        #expect(caught { try MNISTLoader.loadLabels(short) }?.description == "\(short): file is 10 bytes, expected 11 for 3 labels")
        let bad = try dir.write("bad", idxLabels([1, 2, 10, 4]))
        let e = caught { try MNISTLoader.loadLabels(bad) }
        #expect(e == .labelOutOfRange(path: bad, index: 2, label: 10, classCount: 10))
        #expect(e?.description == "\(bad): label 10 at item 2 is out of range 0…9")
        #expect(try MNISTLoader.loadLabels(bad, classCount: 11) == [1, 2, 10, 4])
    }

    @Test func countMismatch() throws {
        let dir = TempDir()
        let img = try dir.write("img", idxImages(count: 3, rows: rows, cols: cols))
        let lab = try dir.write("lab", idxLabels([1, 2, 3, 4]))
        let e = caught { try MNISTLoader.load(images: img, labels: lab) }
        #expect(e == .countMismatch(imagesPath: img, imageCount: 3, labelsPath: lab, labelCount: 4))
        #expect(e?.description == "\(lab): has 4 labels but \(img) has 3 images")
    }

    @Test func missingFile() {
        let e = caught { try MNISTLoader.load(images: "/nonexistent/x-idx3-ubyte", labels: "/nonexistent/y") }
        #expect(e == .unreadable(path: "/nonexistent/x-idx3-ubyte", reason: "No such file or directory"))
        #expect(e?.description == "/nonexistent/x-idx3-ubyte: cannot read file (No such file or directory)")
    }

    @Test func encodersMatchHandBuiltFiles() {
        let px = testPixels(3 * rows * cols)
        #expect(MNISTLoader.encodeImages(px, count: 3, rows: rows, columns: cols) == idxImages(count: 3, rows: rows, cols: cols, pixels: px))
        #expect(MNISTLoader.encodeLabels(labels) == idxLabels(labels))
    }
}

@Suite("gzip helper")
struct GzipTests {
    @Test(arguments: [0, 1, 100, 65_536, 300_001])
    func roundTrip(size: Int) throws {
        let data = testPixels(size, salt: size)
        let gz = try Gzip.compress(data)
        #expect(Gzip.isGzip(gz))
        #expect(try Gzip.decompress(gz) == data)
        #expect(try Gzip.decompress(try Gzip.compress(data, level: 0)) == data)
    }

    @Test func writeFileIsReadable() throws {
        let dir = TempDir()
        let data = testPixels(10_000)
        let p = try dir.writeGzip("x.gz", data)
        let (bytes, compressed) = try DataFile.readMaybeGzipped(p)
        #expect(compressed && bytes == data)
        #expect(try DataFile.read(p) != data)
    }

    @Test func rejectsNonGzip() {
        #expect(throws: GzipError.self) { try Gzip.decompress([]) }
        #expect(throws: GzipError.self) { try Gzip.decompress([0x78, 0x9C, 1, 2, 3]) }
    }
}
