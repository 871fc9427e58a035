/// A report's check line, as Ink renders the Markdown item the Notebook writes
/// (`- ✓ claim: detail` or `- ✗ **FAILED** claim: detail`), split into its parts.
public struct CheckLine: Equatable, Sendable {
    public enum Detail: Equatable, Sendable {
        /// `expected E, measured M, error X (tolerance)`
        case compared(expected: String, measured: String, error: String, tolerance: String)
        /// `measured M ≤ B` or `measured M ≥ B`
        case bound(measured: String, relation: String, bound: String)
        /// Free-form evidence.
        case text(String)
    }

    public let passed: Bool
    public let claim: String
    public let detail: Detail

    /// Parses the inner HTML of an `<li>`; nil when it is not a check line.
    public init?(itemHTML: String) {
        let failedPrefix = "✗ <strong>FAILED</strong> "
        let body: Substring
        if itemHTML.hasPrefix("✓ ") {
            passed = true; body = itemHTML.dropFirst(2)
        } else if itemHTML.hasPrefix(failedPrefix) {
            passed = false; body = itemHTML.dropFirst(failedPrefix.count)
        } else if itemHTML.hasPrefix("✗ ") {
            passed = false; body = itemHTML.dropFirst(2)
        } else {
            return nil
        }
        let structured = [": expected ", ": measured "].compactMap { body.range(of: $0, options: .backwards) }
            .max { $0.lowerBound < $1.lowerBound }
        if let cut = structured, let detail = CheckLine.structured(body[body.index(cut.lowerBound, offsetBy: 2)...]) {
            claim = String(body[..<cut.lowerBound]); self.detail = detail
        } else if let cut = CheckLine.firstTopLevelColon(in: body) {
            claim = String(body[..<cut]); detail = .text(String(body[body.index(cut, offsetBy: 2)...]))
        } else {
            claim = String(body); detail = .text("")
        }
    }

    static func structured(_ s: Substring) -> Detail? {
        if s.hasPrefix("expected "), let m = s.range(of: ", measured "), let e = s.range(of: ", error "),
           m.upperBound <= e.lowerBound, let open = s[e.upperBound...].firstIndex(of: "("), s.hasSuffix(")") {
            return .compared(expected: String(s[s.index(s.startIndex, offsetBy: 9)..<m.lowerBound]),
                             measured: String(s[m.upperBound..<e.lowerBound]),
                             error: String(s[e.upperBound..<open]).trimmingSpaces,
                             tolerance: String(s[s.index(after: open)..<s.index(before: s.endIndex)]))
        }
        if s.hasPrefix("measured ") {
            for relation in [" ≤ ", " ≥ "] {
                if let r = s.range(of: relation, options: .backwards) {
                    return .bound(measured: String(s[s.index(s.startIndex, offsetBy: 9)..<r.lowerBound]),
                                  relation: relation.trimmingSpaces, bound: String(s[r.upperBound...]))
                }
            }
        }
        return nil
    }

    /// The first `": "` outside parentheses, brackets and HTML tags.
    static func firstTopLevelColon(in s: Substring) -> String.Index? {
        var depth = 0, inTag = false
        var i = s.startIndex
        while i < s.endIndex {
            switch s[i] {
            case "<": inTag = true
            case ">": inTag = false
            case "(", "[": if !inTag { depth += 1 }
            case ")", "]": if !inTag { depth = max(0, depth - 1) }
            case ":" where !inTag && depth == 0:
                let next = s.index(after: i)
                if next < s.endIndex, s[next] == " " { return i }
            default: break
            }
            i = s.index(after: i)
        }
        return nil
    }

    /// The `<li>` for the site: a ✓/✗ mark, the claim, and the values as labelled fields.
    public var html: String {
        func field(_ key: String, _ value: String, _ cls: String = "") -> String {
            "<span class=\"field\(cls.isEmpty ? "" : " " + cls)\"><span class=\"key\">\(key)</span> "
                + "<span class=\"value\">\(value)</span></span>"
        }
        let fields: String
        switch detail {
        case let .compared(expected, measured, error, tolerance):
            fields = field("expected", expected) + field("measured", measured) + field("error", error)
                + field("tolerance", tolerance, "tolerance")
        case let .bound(measured, relation, bound):
            fields = field("measured", measured) + field("bound", relation + " " + bound, "tolerance")
        case let .text(text):
            fields = text.isEmpty ? "" : "<span class=\"evidence\">\(text)</span>"
        }
        let mark = "<span class=\"mark\" title=\"\(passed ? "passed" : "FAILED")\">\(passed ? "✓" : "✗")</span>"
        let failed = passed ? "" : "<strong class=\"failed\">FAILED</strong> "
        return "<li class=\"check \(passed ? "pass" : "fail")\">\(mark)<span class=\"claim\">\(failed)\(claim)</span>"
            + "<span class=\"detail\">\(fields)</span></li>"
    }
}

/// Restyles every check-line item of a rendered list; a list of check lines only gets class `checks`.
public func styleCheckLines(inList html: String) -> String {
    var out = "", rest = Substring(html), items = 0, checks = 0
    while let open = rest.range(of: "<li>") {
        out += rest[..<open.lowerBound]
        items += 1
        let afterOpen = rest[open.upperBound...]
        if let close = afterOpen.range(of: "</li>"), !afterOpen[..<close.lowerBound].contains("<li>"),
           let check = CheckLine(itemHTML: String(afterOpen[..<close.lowerBound])) {
            out += check.html; checks += 1
            rest = afterOpen[close.upperBound...]
        } else {
            out += "<li>"; rest = afterOpen
        }
    }
    out += rest
    if checks > 0, checks == items, out.hasPrefix("<ul>") { out = "<ul class=\"checks\">" + out.dropFirst(4) }
    return out
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
