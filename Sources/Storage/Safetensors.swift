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
// header is broken (JSON.swift). No Foundation: file I/O is POSIX (AtomicFile.swift).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A named Float32 tensor: its shape and its values, row-major.
public typealias NamedArray = (name: String, shape: [Int], values: [Float])

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
        try AtomicFile.write(try encodeUInt8(name: name, shape: shape, values: values, metadata: metadata, file: path), to: path)
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
        try AtomicFile.write(bytes, to: path)
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
        try decode(AtomicFile.read(path), file: path)
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

}
