// The safetensors file format (https://github.com/huggingface/safetensors): F32 read and written, U8 written.
//
// Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON
//   {"__metadata__": {string: string}, "<name>": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}, …}
// padded with spaces to a multiple of 8 (as the reference writer does); then the byte buffer that
// `data_offsets` index into (relative to the buffer's start, end exclusive). Tensors are row-major
// and little-endian, stored contiguously: together they tile the buffer with no gap or overlap.
//
// The JSON writer and reader below are small and hand-written so that files are byte-for-byte
// deterministic (tensors in the caller's order, metadata keys sorted) and errors can say where the
// header is broken. No Foundation: file I/O is POSIX (atomic replace via temp file + fsync + rename).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A checkpoint/safetensors problem, as one line naming the file: `"<file>: <problem>"`.
public struct CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path as given by the caller (or `<memory>` for in-memory encoding/decoding).
    public let file: String
    /// What is wrong, e.g. `truncated: header says 1234 bytes of tensor data, file has 1000`.
    public let problem: String
    public init(file: String, problem: String) { self.file = file; self.problem = problem }
    public var description: String { "\(file): \(problem)" }
}

/// Reading and writing safetensors files of Float32 tensors.
public enum Safetensors {
    /// Header length guard, as in the reference implementation (100 MB).
    public static let maximumHeaderLength = 100_000_000
    static let metadataKey = "__metadata__"

    // MARK: Encoding

    /// The complete file contents for `tensors` (in the given order) and `metadata`.
    /// Throws when a name is empty, repeated or `__metadata__`, or a shape does not match its values.
    public static func encode(_ tensors: [NamedArray], metadata: [String: String] = [:],
                              file: String = "<memory>") throws -> [UInt8] {
        try encode(tensors.map { (name: $0.name, dtype: "F32", shape: $0.shape, count: $0.values.count, bytesPerValue: 4) },
                   metadata: metadata, file: file) { bytes in for t in tensors { appendLittleEndian(t.values, to: &bytes) } }
    }

    /// The file contents of one U8 tensor (e.g. a set of images as bytes) with `metadata`. Only the
    /// writer: `decode` reads F32 files (checkpoints); other readers (Python's safetensors) read both.
    public static func encodeUInt8(name: String, shape: [Int], values: [UInt8], metadata: [String: String] = [:],
                                   file: String = "<memory>") throws -> [UInt8] {
        try encode([(name: name, dtype: "U8", shape: shape, count: values.count, bytesPerValue: 1)],
                   metadata: metadata, file: file) { $0.append(contentsOf: values) }
    }

    /// Writes one U8 tensor atomically, as `write` does.
    public static func writeUInt8(name: String, shape: [Int], values: [UInt8], metadata: [String: String] = [:],
                                  to path: String) throws {
        try writeAtomically(try encodeUInt8(name: name, shape: shape, values: values, metadata: metadata, file: path), to: path)
    }

    /// The header for `entries` (in order) and `metadata`, then the data that `appendData` writes.
    static func encode(_ entries: [(name: String, dtype: String, shape: [Int], count: Int, bytesPerValue: Int)],
                       metadata: [String: String], file: String, appendData: (inout [UInt8]) -> Void) throws -> [UInt8] {
        var seen = Set<String>()
        var json = JSONWriter()
        json.out.append(UInt8(ascii: "{"))
        var first = true
        if !metadata.isEmpty {
            json.string(metadataKey); json.out.append(UInt8(ascii: ":")); json.out.append(UInt8(ascii: "{"))
            for (i, key) in metadata.keys.sorted().enumerated() {
                if i > 0 { json.out.append(UInt8(ascii: ",")) }
                json.string(key); json.out.append(UInt8(ascii: ":")); json.string(metadata[key]!)
            }
            json.out.append(UInt8(ascii: "}"))
            first = false
        }
        var offset = 0
        for t in entries {
            guard !t.name.isEmpty else { throw CheckpointError(file: file, problem: "cannot write a tensor with an empty name") }
            guard t.name != metadataKey else {
                throw CheckpointError(file: file, problem: "cannot write a tensor named \(metadataKey)")
            }
            guard seen.insert(t.name).inserted else {
                throw CheckpointError(file: file, problem: "cannot write tensor '\(t.name)' twice")
            }
            guard t.shape.allSatisfy({ $0 >= 0 }), t.shape.reduce(1, *) == t.count else {
                throw CheckpointError(file: file, problem:
                    "tensor '\(t.name)': shape \(t.shape) needs \(t.shape.reduce(1, *)) values, got \(t.count)")
            }
            let end = offset + t.bytesPerValue * t.count
            if !first { json.out.append(UInt8(ascii: ",")) }
            first = false
            json.string(t.name)
            json.raw(":{\"dtype\":\"\(t.dtype)\",\"shape\":[")
            json.raw(t.shape.map(String.init).joined(separator: ","))
            json.raw("],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        json.out.append(UInt8(ascii: "}"))
        while json.out.count % 8 != 0 { json.out.append(UInt8(ascii: " ")) }

        let headerLength = json.out.count
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + headerLength + offset)
        var n = UInt64(headerLength)
        for _ in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: n)); n >>= 8 }
        bytes.append(contentsOf: json.out)
        appendData(&bytes)
        return bytes
    }

    /// Writes `tensors` and `metadata` to `path` atomically: a temporary file in the same directory
    /// is written and `fsync`ed, renamed over `path`, and the directory is `fsync`ed. On failure the
    /// temporary file is removed and `path` is untouched.
    public static func write(_ tensors: [NamedArray], metadata: [String: String] = [:], to path: String) throws {
        let bytes = try encode(tensors, metadata: metadata, file: path)
        try writeAtomically(bytes, to: path)
    }

    // MARK: Decoding

    /// Tensors in file order (by data offset) and the metadata, after validating everything:
    /// length field, header JSON, entry fields, dtype F32, offsets within the buffer, tiling the
    /// buffer without gap or overlap, and each size equal to 4 × the product of its shape.
    public static func decode(_ bytes: [UInt8], file: String = "<memory>") throws
        -> (tensors: [NamedArray], metadata: [String: String]) {
        func fail(_ problem: String) -> CheckpointError { CheckpointError(file: file, problem: problem) }
        guard bytes.count >= 8 else {
            throw fail("too short for a safetensors file: \(bytes.count) bytes, need at least 8 (header length)")
        }
        var n: UInt64 = 0
        for i in (0..<8).reversed() { n = n << 8 | UInt64(bytes[i]) }
        let available = bytes.count - 8
        guard n <= UInt64(available) else {
            throw fail("not a safetensors file or truncated: header length field says \(n) bytes, "
                       + "file has \(available) bytes after it")
        }
        guard n <= UInt64(maximumHeaderLength) else {
            throw fail("header length \(n) exceeds the \(maximumHeaderLength)-byte limit")
        }
        let headerLength = Int(n)
        guard headerLength > 0, bytes[8] == UInt8(ascii: "{") else {
            throw fail("not a safetensors file: header does not start with '{'")
        }
        var parser = JSONParser(bytes: bytes, start: 8, end: 8 + headerLength)
        let root: JSONValue
        do { root = try parser.parseDocument() } catch let e as JSONParser.Failure {
            throw fail("header is not valid JSON: \(e.message) at header byte \(e.offset - 8)")
        }
        guard case .object(let members) = root else { throw fail("header JSON is not an object") }

        struct Entry { var name: String; var shape: [Int]; var begin: Int; var end: Int }
        var entries = [Entry]()
        var metadata = [String: String]()
        var names = Set<String>()
        for (key, value) in members {
            guard names.insert(key).inserted else { throw fail("header names '\(key)' twice") }
            if key == metadataKey {
                guard case .object(let pairs) = value else { throw fail("\(metadataKey) is not an object") }
                for (k, v) in pairs {
                    guard case .string(let s) = v else { throw fail("\(metadataKey) value for '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard case .object(let fields) = value else { throw fail("tensor '\(key)': entry is not an object") }
            var dtype: String?, shape: [Int]?, offsets: [Int]?
            for (f, v) in fields {
                switch f {
                case "dtype":
                    guard case .string(let s) = v else { throw fail("tensor '\(key)': dtype is not a string") }
                    dtype = s
                case "shape":
                    guard let a = v.integerArray, a.allSatisfy({ $0 >= 0 }) else {
                        throw fail("tensor '\(key)': shape is not a list of non-negative integers")
                    }
                    shape = a
                case "data_offsets":
                    guard let a = v.integerArray, a.count == 2, a[0] >= 0, a[1] >= a[0] else {
                        throw fail("tensor '\(key)': data_offsets is not [begin, end] with 0 ≤ begin ≤ end")
                    }
                    offsets = a
                default:
                    throw fail("tensor '\(key)': unknown field '\(f)'")
                }
            }
            guard let dtype else { throw fail("tensor '\(key)': no dtype") }
            guard let shape else { throw fail("tensor '\(key)': no shape") }
            guard let offsets else { throw fail("tensor '\(key)': no data_offsets") }
            guard dtype == "F32" else {
                throw fail("tensor '\(key)': dtype \(dtype) is not supported (only F32)")
            }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d); return (p, acc.1 || o)
            }
            guard !overflow, count <= Int.max / 4, offsets[1] - offsets[0] == 4 * count else {
                throw fail("tensor '\(key)': data_offsets [\(offsets[0]), \(offsets[1])] span \(offsets[1] - offsets[0]) "
                           + "bytes but shape \(shape) × F32 needs \(overflow ? "too many" : String(4 * count))")
            }
            entries.append(Entry(name: key, shape: shape, begin: offsets[0], end: offsets[1]))
        }

        let dataStart = 8 + headerLength, dataLength = bytes.count - dataStart
        let claimed = entries.map(\.end).max() ?? 0
        guard claimed <= dataLength else {
            throw fail("truncated: header says \(claimed) bytes of tensor data, file has \(dataLength)")
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var position = 0
        for (i, e) in entries.enumerated() {
            if e.begin < position {
                let p = entries[i - 1]
                throw fail("tensor '\(e.name)' at bytes [\(e.begin), \(e.end)) overlaps tensor '\(p.name)' at [\(p.begin), \(p.end))")
            }
            if e.begin > position {
                throw fail("tensor '\(e.name)' begins at byte \(e.begin) but the previous tensor ends at \(position) (gap)")
            }
            position = e.end
        }
        guard claimed == dataLength else {
            throw fail("\(dataLength - claimed) unexpected bytes after the tensor data (header covers \(claimed) of \(dataLength))")
        }

        let tensors: [NamedArray] = bytes.withUnsafeBytes { raw in
            entries.map { e in
                let count = (e.end - e.begin) / 4
                let values = [Float](unsafeUninitializedCapacity: count) { buf, initialised in
                    let src = UnsafeRawBufferPointer(rebasing: raw[(dataStart + e.begin)..<(dataStart + e.end)])
                    UnsafeMutableRawBufferPointer(buf).copyMemory(from: src)
                    #if _endian(big)
                    for i in 0..<count { buf[i] = Float(bitPattern: UInt32(littleEndian: buf[i].bitPattern)) }
                    #endif
                    initialised = count
                }
                return (name: e.name, shape: e.shape, values: values)
            }
        }
        return (tensors, metadata)
    }

    /// Reads and validates a safetensors file (see `decode`).
    public static func read(_ path: String) throws -> (tensors: [NamedArray], metadata: [String: String]) {
        try decode(readFile(path), file: path)
    }

    // MARK: Helpers

    static func appendLittleEndian(_ values: [Float], to bytes: inout [UInt8]) {
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for v in values {
            var b = v.bitPattern
            for _ in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: b)); b >>= 8 }
        }
        #endif
    }

    static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// Whole file contents via POSIX read.
    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CheckpointError(file: path, problem: "cannot open: \(errnoText())") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CheckpointError(file: path, problem: "cannot stat: \(errnoText())") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw CheckpointError(file: path, problem: "not a regular file") }
        let size = Int(st.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        try bytes.withUnsafeMutableBytes { buf in
            while done < size {
                let r = posixRead(fd, buf.baseAddress! + done, size - done)
                if r < 0 {
                    if errno == EINTR { continue }
                    throw CheckpointError(file: path, problem: "read failed: \(errnoText())")
                }
                if r == 0 { break }
                done += r
            }
        }
        if done < size { bytes.removeLast(size - done) }
        return bytes
    }

    /// Temporary file next to `path` → write → fsync → rename → fsync(directory).
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        func fail(_ what: String, _ code: Int32 = errno) -> CheckpointError {
            CheckpointError(file: path, problem: "\(what): \(errnoText(code))")
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !base.isEmpty else { throw CheckpointError(file: path, problem: "path names a directory, not a file") }
        var rng = SystemRandomNumberGenerator()
        let suffix = String(rng.next() as UInt64, radix: 16)
        let temporary = (directory == "/" ? "" : directory) + "/." + base + ".tmp-\(getpid())-" + suffix

        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("cannot create temporary file \(temporary)") }
        var closed = false
        var renamed = false
        defer {
            if !closed { close(fd) }
            if !renamed { unlink(temporary) }
        }
        var done = 0
        try bytes.withUnsafeBytes { buf in
            while done < buf.count {
                let w = posixWrite(fd, buf.baseAddress! + done, buf.count - done)
                if w < 0 {
                    if errno == EINTR { continue }
                    throw fail("write failed")
                }
                done += w
            }
        }
        guard fsync(fd) == 0 else { throw fail("fsync failed") }
        closed = true
        guard close(fd) == 0 else { throw fail("close failed") }
        guard rename(temporary, path) == 0 else { throw fail("cannot rename temporary file over it") }
        renamed = true
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            // Makes the rename durable; failure here leaves a complete file, so it is not an error
            // on file systems that refuse fsync on directories.
            _ = fsync(dfd)
            close(dfd)
        }
    }
}

#if canImport(Glibc)
private let posixRead = Glibc.read
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
private let posixRead = Darwin.read
private let posixWrite = Darwin.write
#endif

// MARK: - Minimal JSON

/// A parsed JSON value; object members keep their order.
enum JSONValue {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(Double, isInteger: Bool, integer: Int?)
    case bool(Bool)
    case null

    /// The elements when this is an array of exact integers.
    var integerArray: [Int]? {
        guard case .array(let items) = self else { return nil }
        var out = [Int]()
        out.reserveCapacity(items.count)
        for v in items {
            guard case .number(_, true, let i?) = v else { return nil }
            out.append(i)
        }
        return out
    }
}

/// Recursive-descent parser for RFC 8259 JSON over a byte range (whitespace, objects, arrays,
/// strings with all escapes incl. surrogate pairs, numbers, literals). Depth is limited.
struct JSONParser {
    struct Failure: Error { let message: String; let offset: Int }
    let bytes: [UInt8]
    var i: Int
    let end: Int
    var depth = 0

    init(bytes: [UInt8], start: Int, end: Int) { self.bytes = bytes; i = start; self.end = end }

    mutating func parseDocument() throws -> JSONValue {
        let v = try value()
        skipWhitespace()
        guard i == end else { throw Failure(message: "unexpected data after the JSON value", offset: i) }
        return v
    }

    func failure(_ m: String) -> Failure { Failure(message: m, offset: i) }

    mutating func skipWhitespace() {
        while i < end, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func expect(_ c: Character) throws {
        skipWhitespace()
        guard i < end, bytes[i] == c.asciiValue! else { throw failure("expected '\(c)'") }
        i += 1
    }

    mutating func value() throws -> JSONValue {
        skipWhitespace()
        guard i < end else { throw failure("unexpected end of header") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            depth += 1
            guard depth <= 64 else { throw failure("nesting too deep") }
            defer { depth -= 1 }
            i += 1
            var members = [(String, JSONValue)]()
            skipWhitespace()
            if i < end, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard i < end, bytes[i] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
                let k = try string()
                try expect(":")
                members.append((k, try value()))
                skipWhitespace()
                guard i < end else { throw failure("unexpected end of header inside an object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                throw failure("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            depth += 1
            guard depth <= 64 else { throw failure("nesting too deep") }
            defer { depth -= 1 }
            i += 1
            var items = [JSONValue]()
            skipWhitespace()
            if i < end, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try value())
                skipWhitespace()
                guard i < end else { throw failure("unexpected end of header inside an array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw failure("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        default:
            throw failure("unexpected byte 0x\(String(bytes[i], radix: 16))")
        }
    }

    mutating func literal(_ word: String) throws {
        for c in word.utf8 {
            guard i < end, bytes[i] == c else { throw failure("invalid literal") }
            i += 1
        }
    }

    mutating func number() throws -> JSONValue {
        let start = i
        var isInteger = true
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits(_ p: inout JSONParser) -> Int {
            let s = p.i
            while p.i < p.end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.i]) { p.i += 1 }
            return p.i - s
        }
        let intStart = i
        let n = digits(&self)
        guard n > 0 else { throw failure("invalid number") }
        guard !(n > 1 && bytes[intStart] == UInt8(ascii: "0")) else { throw failure("invalid number (leading zero)") }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            isInteger = false; i += 1
            guard digits(&self) > 0 else { throw failure("invalid number") }
        }
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false; i += 1
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits(&self) > 0 else { throw failure("invalid number") }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let d = Double(text) else { throw Failure(message: "invalid number", offset: start) }
        return .number(d, isInteger: isInteger, integer: isInteger ? Int(text) : nil)
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= end else { throw failure("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape")
            }
            v = v << 4 | UInt32(d); i += 1
        }
        return v
    }

    mutating func string() throws -> String {
        i += 1  // opening quote
        var out = [UInt8]()
        while true {
            guard i < end else { throw failure("unterminated string") }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c < 0x20 { throw failure("control character in string") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < end else { throw failure("unterminated escape") }
            let e = bytes[i]; i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 2 <= end, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw failure("unpaired surrogate")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw failure("unpaired surrogate")
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(scalar)!).utf8))
            default: throw failure("invalid escape")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw failure("string is not valid UTF-8") }
        return s
    }
}

/// Compact JSON output (strings escaped per RFC 8259; non-ASCII kept as UTF-8).
struct JSONWriter {
    var out = [UInt8]()

    mutating func raw(_ s: String) { out.append(contentsOf: s.utf8) }

    mutating func string(_ s: String) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                let h = String(b, radix: 16)
                raw("\\u00" + (h.count == 1 ? "0" + h : h))
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
