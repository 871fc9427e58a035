/// CIFAR-10, binary version (https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, which
/// extracts to `cifar-10-batches-bin/`): `data_batch_1.bin` … `data_batch_5.bin` (training) and
/// `test_batch.bin`, each a sequence of 3073-byte records — 1 label byte (0…9), then 3072 pixel
/// bytes: the 32×32 red plane, the green plane, the blue plane, each row-major. The real files hold
/// 10000 records each; any positive multiple of 3073 bytes is accepted here.
///
/// The record layout is already channel-major, so images come out in (N, 3, 32, 32) order.
public enum CIFAR10Loader {
    public static let side = 32
    public static let channels = 3
    public static let imageBytes = 3 * 32 * 32
    public static let recordSize = 1 + 3 * 32 * 32   // 3073
    public static let folderName = "cifar-10-batches-bin"
    public static let downloadURL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"

    /// The batch file names of a split, in loading order.
    public static func fileNames(_ split: DatasetSplit) -> [String] {
        split == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
    }

    /// Loads a split. `directory` is the folder the archive was extracted into (it contains
    /// `cifar-10-batches-bin/`); a path that itself ends in `cifar-10-batches-bin` is used as is.
    /// If any batch file of the split is missing, throws `.notFound` listing exactly those files.
    public static func load(directory: String, split: DatasetSplit) throws(DatasetError) -> ImageSet {
        let trimmed = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let batchDir = fileName(trimmed) == folderName ? trimmed : joinPath(trimmed, folderName)
        let parent = batchDir == trimmed ? String(trimmed.dropLast(folderName.count + 1)) : directory
        let paths = fileNames(split).map { joinPath(batchDir, $0) }
        let missing = paths.filter { !DataFile.exists($0) }
        if !missing.isEmpty {
            throw .notFound(dataset: "CIFAR-10", missing: missing,
                            hint: "download the binary version from \(downloadURL) and extract it into \(parent.isEmpty ? "." : parent)")
        }
        return try load(batchFiles: paths)
    }

    /// Loads and concatenates the given batch files (in order).
    public static func load(batchFiles paths: [String]) throws(DatasetError) -> ImageSet {
        precondition(!paths.isEmpty, "CIFAR10Loader.load(batchFiles:): no files given")
        // Read everything first so the pixel array is allocated once at its final size.
        var batches = [[UInt8]]()
        for path in paths { batches.append(try validatedBatch(DataFile.read(path), path: path)) }
        return assemble(batches)
    }

    /// One batch file's contents already in memory (plain or gzip), as `load(batchFiles:)` reads
    /// it; `path` names it in errors.
    public static func decode(batch fileBytes: [UInt8], path: String = "<memory>") throws(DatasetError) -> ImageSet {
        assemble([try validatedBatch(fileBytes, path: path)])
    }

    /// The records of one batch file's contents `raw`, inflated if gzipped, after checking the length
    /// and every label.
    static func validatedBatch(_ raw: [UInt8], path: String) throws(DatasetError) -> [UInt8] {
        // A gzipped batch is inflated at most to 10,000 records (the size of every CIFAR-10 batch).
        let (bytes, _) = try DataFile.gunzipIfNeeded(raw, path: path) { _ throws(DatasetError) in
            (10_000 * recordSize, "a CIFAR-10 batch of 10000 records")
        }
        guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
            throw .badRecordLength(path: path, length: bytes.count, recordSize: recordSize)
        }
        let n = bytes.count / recordSize
        for r in 0..<n where bytes[r * recordSize] > 9 {
            throw .labelOutOfRange(path: path, index: r, label: Int(bytes[r * recordSize]), classCount: 10)
        }
        return bytes
    }

    /// Validated batches (from `validatedBatch`) concatenated into one image set.
    static func assemble(_ batches: [[UInt8]]) -> ImageSet {
        let total = batches.reduce(0) { $0 + $1.count / recordSize }
        var labels = [UInt8](); labels.reserveCapacity(total)
        let pixels = [Float](unsafeUninitializedCapacity: total * imageBytes) { dst, initialized in
            var out = 0
            for bytes in batches {
                let n = bytes.count / recordSize
                bytes.withUnsafeBufferPointer { src in
                    let s = src.baseAddress!
                    let d = dst.baseAddress!
                    for r in 0..<n {
                        let rec = s + r * recordSize
                        labels.append(rec[0])
                        let px = rec + 1
                        let o = d + (out + r) * imageBytes
                        for k in 0..<imageBytes { (o + k).initialize(to: Float(px[k]) / 255) }
                    }
                }
                out += n
            }
            initialized = total * imageBytes
        }
        return ImageSet(images: pixels, labels: labels, channels: channels, height: side, width: side,
                        classNames: ClassNames.cifar10)
    }

    /// Encodes records in the CIFAR-10 binary format (for tests and tools): `images` holds
    /// `labels.count * 3072` bytes in R, G, B plane order.
    public static func encode(labels: [UInt8], images: [UInt8]) -> [UInt8] {
        precondition(images.count == labels.count * imageBytes, "encode: \(images.count) bytes for \(labels.count) images")
        var out = [UInt8](); out.reserveCapacity(labels.count * recordSize)
        for (i, l) in labels.enumerated() {
            out.append(l)
            out.append(contentsOf: images[i * imageBytes ..< (i + 1) * imageBytes])
        }
        return out
    }
}
