/// GitHub's anchor for a heading, so that the documents' `#fragment` links keep working: lower case,
/// every character but letters, digits, spaces, `-` and `_` dropped, spaces turned into `-`.
/// `## §1 — Langevin MCMC (chapter 1)` → `1--langevin-mcmc-chapter-1`.
public func headingSlug(_ text: String) -> String {
    String(text.lowercased().compactMap { c -> Character? in
        if c == " " { return "-" }
        return c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
    })
}

/// The text of an HTML fragment: tags dropped, Ink's character escapes undone.
func plainText(ofHTML html: String) -> String {
    var text = "", inTag = false
    for c in html {
        if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { text.append(c) }
    }
    return text.replacingOccurrences(of: "&#95;", with: "_").replacingOccurrences(of: "&#42;", with: "*")
        .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
}

/// Hands out heading ids for one document, numbering repeats as GitHub does (`x`, `x-1`, `x-2`).
final class HeadingIDs {
    private var seen: [String: Int] = [:]
    private(set) var headings: [(level: Int, text: String, id: String)] = []

    /// Adds an `id` to Ink's `<hN>…</hN>`.
    func identify(_ html: String) -> String {
        guard html.hasPrefix("<h"), html.count > 4, let close = html.firstIndex(of: ">") else { return html }
        let level = Int(String(html[html.index(html.startIndex, offsetBy: 2)])) ?? 0
        let inner = String(html[html.index(after: close)...]).replacingOccurrences(of: "</h\(level)>", with: "")
        let text = plainText(ofHTML: inner)
        let base = headingSlug(text)
        let n = seen[base, default: 0]
        seen[base] = n + 1
        let id = n == 0 ? base : "\(base)-\(n)"
        headings.append((level, text, id))
        return "<h\(level) id=\"\(id)\">\(inner)</h\(level)>"
    }
}
