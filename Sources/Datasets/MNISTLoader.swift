/// MNIST and Fashion-MNIST in the IDX format of LeCun et al.: an images file (`*-idx3-ubyte`,
/// magic 0x00000803, then big-endian UInt32 count, rows, columns, then count·rows·columns
/// unsigned bytes row-major) and a labels file (`*-idx1-ubyte`, magic 0x00000801, then count,
/// then count label bytes). Either file may be gzip-compressed; this is detected from its first
/// two bytes (1f 8b), not from the name.
public enum MNISTLoader {
    public static let imagesMagic: UInt32 = 0x0000_0803
    public static let labelsMagic: UInt32 = 0x0000_0801
    public static let imagesHeaderSize = 16
    public static let labelsHeaderSize = 8

    /// Loads an images file and a labels file into one grayscale `ImageSet` (channels = 1).
    ///
    /// Checks: magic numbers; positive dimensions (and `expectedSize` when given); exact file
    /// lengths (header + count·rows·cols, header + count — after decompression); equal counts;
    /// labels in `0..<classNames.count`.
    public static func load(images imagesPath: String, labels labelsPath: String,
                            classNames: [String] = ClassNames.digits,
                            expectedSize: (rows: Int, columns: Int)? = nil) throws(DatasetError) -> ImageSet {
        let (pixels, count, rows, cols) = try loadImages(imagesPath, expectedSize: expectedSize)
        let labels = try loadLabels(labelsPath, classCount: classNames.count)
        guard labels.count == count else {
            throw .countMismatch(imagesPath: imagesPath, imageCount: count, labelsPath: labelsPath, labelCount: labels.count)
        }
        return ImageSet(images: pixels, labels: labels, channels: 1, height: rows, width: cols, classNames: classNames)
    }

    /// Unpacks an IDX file's contents `raw` (plain or gzip) and checks its magic number and header
    /// length; `images` picks the images (0x803) or labels (0x801) variant; `path` names it in errors.
    /// For a gzip stream the magic number and the image size (with `expectedSize`) are checked on the
    /// inflated header, before the rest is inflated.
    static func readIDX(_ raw: [UInt8], path: String, images: Bool,
                        expectedSize: (rows: Int, columns: Int)? = nil) throws(DatasetError) -> (bytes: [UInt8], gzipped: Bool) {
        let headerSize = images ? imagesHeaderSize : labelsHeaderSize
        let (magicWanted, magicOther) = images ? (imagesMagic, labelsMagic) : (labelsMagic, imagesMagic)
        let kind = images ? "IDX images" : "IDX labels", otherKind = images ? "IDX labels" : "IDX images"
        func checkMagic(_ b: [UInt8]) throws(DatasetError) {
            guard b.count >= 4 else { return }   // short: reported below
            let magic = bigEndian32(b, 0)
            guard magic == magicWanted else {
                throw .badMagic(path: path, found: magic, expected: magicWanted, kind: magic == magicOther ? "\(kind); this is an \(otherKind) file" : kind)
            }
        }
        // A gzip stream is inflated only up to the size its IDX header declares (a gzip bomb used to be
        // inflated in full, 4.2 GB for a 2 MB file, before the length check), and not at all past a
        // header that is already wrong (an impossible size such as 0×28 used to mean "no bound").
        let (bytes, gz) = try DataFile.gunzipIfNeeded(raw, path: path, headerBytes: headerSize) { header throws(DatasetError) in
            try checkMagic(header)
            guard header.count == headerSize else { return nil }   // short: the whole stream is this short
            let count = Int(bigEndian32(header, 4))
            if !images { return (labelsHeaderSize + count, "\(count) labels") }
            let rows = Int(bigEndian32(header, 8)), cols = Int(bigEndian32(header, 12))
            try checkImageSize(rows: rows, columns: cols, expectedSize: expectedSize, path: path)
            let size = imagesHeaderSize + count * rows * cols
            guard Double(size) <= 0.75 * physicalMemoryBytes() else {
                throw .badHeader(path: path, problem: "the header declares \(count) images of \(rows)×\(cols) (\(size) bytes), more than 75% of this machine's memory")
            }
            return (size, "\(count) images of \(rows)×\(cols)")
        }
        try checkMagic(bytes)
        guard bytes.count >= headerSize else {
            throw .badHeader(path: path, problem: "file is \(bytes.count) bytes\(gz ? " after gzip decompression" : ""), shorter than the \(headerSize)-byte \(kind) header")
        }
        return (bytes, gz)
    }

    /// Throws unless `rows`×`columns` is a possible IDX image size (1…16384 each) and, when given,
    /// `expectedSize`.
    static func checkImageSize(rows: Int, columns cols: Int, expectedSize: (rows: Int, columns: Int)?, path: String) throws(DatasetError) {
        guard rows > 0, cols > 0, rows <= 1 << 14, cols <= 1 << 14 else {
            throw .badHeader(path: path, problem: "impossible image size \(rows)×\(cols) in the IDX header")
        }
        if let e = expectedSize, e.rows != rows || e.columns != cols {
            throw .badHeader(path: path, problem: "images are \(rows)×\(cols), expected \(e.rows)×\(e.columns)")
        }
    }

    /// Reads and validates an IDX images file; pixels are scaled to [0, 1] as `Float(byte) / 255`.
    public static func loadImages(_ path: String, expectedSize: (rows: Int, columns: Int)? = nil)
        throws(DatasetError) -> (pixels: [Float], count: Int, rows: Int, columns: Int) {
        try decodeImages(DataFile.read(path), path: path, expectedSize: expectedSize)
    }

    /// `loadImages` on a file's contents already in memory (plain or gzip); `path` names it in errors.
    public static func decodeImages(_ fileBytes: [UInt8], path: String = "<memory>", expectedSize: (rows: Int, columns: Int)? = nil)
        throws(DatasetError) -> (pixels: [Float], count: Int, rows: Int, columns: Int) {
        let (bytes, gz) = try readIDX(fileBytes, path: path, images: true, expectedSize: expectedSize)
        let count = Int(bigEndian32(bytes, 4)), rows = Int(bigEndian32(bytes, 8)), cols = Int(bigEndian32(bytes, 12))
        try checkImageSize(rows: rows, columns: cols, expectedSize: expectedSize, path: path)
        let pixelCount = count * rows * cols   // count < 2³², rows·cols ≤ 2²⁸: no overflow in Int64
        let expected = imagesHeaderSize + pixelCount
        guard bytes.count == expected else {
            throw .badLength(path: path, actual: bytes.count, expected: expected,
                             what: "\(count) images of \(rows)×\(cols)", decompressed: gz)
        }
        let pixels = bytesToUnitFloats(bytes, from: imagesHeaderSize, count: pixelCount)
        return (pixels, count, rows, cols)
    }

    /// Reads and validates an IDX labels file; every label must be `< classCount`.
    public static func loadLabels(_ path: String, classCount: Int = 10) throws(DatasetError) -> [UInt8] {
        try decodeLabels(DataFile.read(path), path: path, classCount: classCount)
    }

    /// `loadLabels` on a file's contents already in memory (plain or gzip); `path` names it in errors.
    public static func decodeLabels(_ fileBytes: [UInt8], path: String = "<memory>", classCount: Int = 10) throws(DatasetError) -> [UInt8] {
        let (bytes, gz) = try readIDX(fileBytes, path: path, images: false)
        let count = Int(bigEndian32(bytes, 4))
        let expected = labelsHeaderSize + count
        guard bytes.count == expected else {
            throw .badLength(path: path, actual: bytes.count, expected: expected, what: "\(count) labels", decompressed: gz)
        }
        let labels = Array(bytes[labelsHeaderSize...])
        if let i = labels.firstIndex(where: { Int($0) >= classCount }) {
            throw .labelOutOfRange(path: path, index: i, label: Int(labels[i]), classCount: classCount)
        }
        return labels
    }

    /// The conventional file names of one split: `train-images-idx3-ubyte` / `t10k-images-idx3-ubyte`
    /// and the matching labels file (without `.gz`).
    public static func fileNames(_ split: DatasetSplit) -> (images: String, labels: String) {
        let stem = split == .train ? "train" : "t10k"
        return ("\(stem)-images-idx3-ubyte", "\(stem)-labels-idx1-ubyte")
    }

    /// Loads one split from `directory`, accepting each file plain or with `.gz` appended (the plain
    /// name wins when both exist). Missing files are reported together as `.notFound`.
    public static func load(directory: String, split: DatasetSplit, datasetName: String = "MNIST",
                            classNames: [String] = ClassNames.digits,
                            expectedSize: (rows: Int, columns: Int)? = (28, 28),
                            hint: String = "place the IDX files (plain or .gz) there") throws(DatasetError) -> ImageSet {
        switch locate(directory: directory, split: split) {
        case let .found(images, labels):
            return try load(images: images, labels: labels, classNames: classNames, expectedSize: expectedSize)
        case let .missing(missing):
            throw .notFound(dataset: datasetName, missing: missing, hint: hint)
        }
    }

    enum Location { case found(images: String, labels: String), missing([String]) }

    /// Where a split's two files are in `directory`, or which are missing (named `file[.gz]`).
    static func locate(directory: String, split: DatasetSplit) -> Location {
        let names = fileNames(split)
        func find(_ name: String) -> String? {
            let plain = joinPath(directory, name)
            if DataFile.exists(plain) { return plain }
            if DataFile.exists(plain + ".gz") { return plain + ".gz" }
            return nil
        }
        let img = find(names.images), lab = find(names.labels)
        if let img, let lab { return .found(images: img, labels: lab) }
        var missing = [String]()
        if img == nil { missing.append(joinPath(directory, names.images) + "[.gz]") }
        if lab == nil { missing.append(joinPath(directory, names.labels) + "[.gz]") }
        return .missing(missing)
    }

    /// Encodes an IDX images file (for tests and for tools that export images): `pixels` holds
    /// `count * rows * columns` bytes.
    public static func encodeImages(_ pixels: [UInt8], count: Int, rows: Int, columns: Int) -> [UInt8] {
        precondition(pixels.count == count * rows * columns, "encodeImages: \(pixels.count) bytes for \(count)×\(rows)×\(columns)")
        return bigEndianBytes(imagesMagic) + bigEndianBytes(UInt32(count)) + bigEndianBytes(UInt32(rows))
            + bigEndianBytes(UInt32(columns)) + pixels
    }

    /// Encodes an IDX labels file.
    public static func encodeLabels(_ labels: [UInt8]) -> [UInt8] {
        bigEndianBytes(labelsMagic) + bigEndianBytes(UInt32(labels.count)) + labels
    }
}

@inline(__always)
func bigEndian32(_ b: [UInt8], _ o: Int) -> UInt32 {
    UInt32(b[o]) << 24 | UInt32(b[o + 1]) << 16 | UInt32(b[o + 2]) << 8 | UInt32(b[o + 3])
}

func bigEndianBytes(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
}

/// `Float(byte) / 255` for `count` bytes starting at `offset` (vectorised in release builds).
func bytesToUnitFloats(_ bytes: [UInt8], from offset: Int, count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { dst, initialized in
        guard count > 0 else { initialized = 0; return }
        bytes.withUnsafeBufferPointer { src in
            let s = src.baseAddress! + offset
            let d = dst.baseAddress!
            for i in 0..<count { (d + i).initialize(to: Float(s[i]) / 255) }
        }
        initialized = count
    }
}
