// The safetensors header's JSON: a small hand-written parser and a deterministic writer.

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
