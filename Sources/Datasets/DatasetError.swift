/// Everything that can go wrong while locating, reading or validating a data set.
///
/// Every case renders as one line that names the file (the path as the caller gave it) and the
/// problem, e.g. `train-images-idx3-ubyte: bad magic number 0x00000804, expected 0x00000803 (IDX images)`.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read (`reason` is the C library's `strerror` text).
    case unreadable(path: String, reason: String)
    /// The file could not be written (helpers used by tests and tools).
    case unwritable(path: String, reason: String)
    /// A gzip stream (detected by the magic bytes 1f 8b) is corrupt or truncated.
    case corruptGzip(path: String, reason: String)
    /// The first four bytes are not the expected IDX magic number.
    case badMagic(path: String, found: UInt32, expected: UInt32, kind: String)
    /// A header field is impossible (zero or absurd dimensions, unexpected image size, …).
    case badHeader(path: String, problem: String)
    /// The byte count disagrees with the header: `what` says what the expected size is for,
    /// e.g. "60000 images of 28×28".
    case badLength(path: String, actual: Int, expected: Int, what: String, decompressed: Bool)
    /// A CIFAR-10 batch whose length is not a positive multiple of the 3073-byte record.
    case badRecordLength(path: String, length: Int, recordSize: Int)
    /// A label outside `0..<classCount`; `index` is the 0-based record (or CSV row) number.
    case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
    /// The images file and the labels file disagree on the number of items.
    case countMismatch(imagesPath: String, imageCount: Int, labelsPath: String, labelCount: Int)
    /// A malformed CSV line (1-based `line`).
    case badCSV(path: String, line: Int, problem: String)
    /// Required files are absent; `missing` lists exactly the files that were looked for and not found.
    case notFound(dataset: String, missing: [String], hint: String)
    /// `DatasetCatalog.load` was given a name it does not know.
    case unknownDataset(name: String, known: [String])
    /// The data set exists but has no such split (e.g. the 5k MNIST sample has no test set).
    case noSuchSplit(dataset: String, split: String, hint: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read file (\(reason))"
        case let .unwritable(path, reason):
            return "\(path): cannot write file (\(reason))"
        case let .corruptGzip(path, reason):
            return "\(path): corrupt gzip data (\(reason))"
        case let .badMagic(path, found, expected, kind):
            return "\(path): bad magic number \(hex32(found)), expected \(hex32(expected)) (\(kind))"
        case let .badHeader(path, problem):
            return "\(path): \(problem)"
        case let .badLength(path, actual, expected, what, decompressed):
            let after = decompressed ? " after gzip decompression" : ""
            return "\(path): file is \(actual) bytes\(after), expected \(expected) for \(what)"
        case let .badRecordLength(path, length, recordSize):
            if length == 0 { return "\(path): file is empty, expected a multiple of the \(recordSize)-byte CIFAR-10 record" }
            return "\(path): length \(length) is not a multiple of the \(recordSize)-byte CIFAR-10 record"
        case let .labelOutOfRange(path, index, label, classCount):
            return "\(path): label \(label) at item \(index) is out of range 0…\(classCount - 1)"
        case let .countMismatch(imagesPath, imageCount, labelsPath, labelCount):
            return "\(labelsPath): has \(labelCount) labels but \(imagesPath) has \(imageCount) images"
        case let .badCSV(path, line, problem):
            return "\(path): line \(line): \(problem)"
        case let .notFound(dataset, missing, hint):
            return "\(dataset) not found: missing \(missing.joined(separator: ", ")); \(hint)"
        case let .unknownDataset(name, known):
            return "unknown data set \"\(name)\"; known: \(known.joined(separator: ", "))"
        case let .noSuchSplit(dataset, split, hint):
            return "\(dataset) has no \(split) split; \(hint)"
        }
    }
}

/// `0x00000803`-style rendering (8 hex digits, zero-padded).
func hex32(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
}
