// Item 3 of `prepareMarkdown`: the `_` and `*` that GitHub shows as text, Ink would not.

/// `escapeLiteralMarkers` over each run of non-blank lines outside fenced blocks.
func escapingParagraphs(_ lines: [String]) -> [String] {
    var out: [String] = [], paragraph: [String] = [], fenced = false
    func flush() {
        if !paragraph.isEmpty {
            out += escapeLiteralMarkers(paragraph.joined(separator: "\n")).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        paragraph = []
    }
    for line in lines {
        if line.trimmingSpaces.hasPrefix("```") { flush(); fenced.toggle(); out.append(line) }
        else if fenced { out.append(line) }
        else if line.allSatisfy({ $0 == " " }) { flush(); out.append(line) }
        else { paragraph.append(line) }
    }
    flush()
    return out
}

/// Escapes the `_` and single `*` of a paragraph that cannot open or close emphasis under
/// CommonMark's flanking rules, or that find no partner: `σ_eff`, `p * N`, `k*`, `∇_y … ∇_y` stay
/// text, `*End of step*` and `T*n.k*` stay emphasis. `**` runs, code spans and link targets are
/// left alone. A line break inside a code span becomes a space (Ink ends code spans at line ends).
func escapeLiteralMarkers(_ paragraph: String) -> String {
    let c = Array(paragraph)
    func isSpace(_ i: Int) -> Bool { i < 0 || i >= c.count || c[i].isWhitespace }
    func isPunct(_ i: Int) -> Bool { i >= 0 && i < c.count && (c[i].isPunctuation || (c[i].isASCII && c[i].isSymbol)) }
    var inCode = false, inTarget = false
    var openers: [Int] = [], literal = Set<Int>()
    var i = 0
    while i < c.count {
        let ch = c[i]
        if ch == "`" { inCode.toggle() }
        else if inCode { }
        else if ch == "(" && i > 0 && c[i - 1] == "]" { inTarget = true }
        else if ch == ")" && inTarget { inTarget = false }
        else if !inTarget && (ch == "*" || ch == "_") {
            if i + 1 < c.count && c[i + 1] == ch { i += 2; continue }  // ** and __: Ink's bold, untouched
            let left = !isSpace(i + 1) && (!isPunct(i + 1) || isSpace(i - 1) || isPunct(i - 1))
            let right = !isSpace(i - 1) && (!isPunct(i - 1) || isSpace(i + 1) || isPunct(i + 1))
            let canOpen = ch == "*" ? left : left && (!right || isPunct(i - 1))
            let canClose = ch == "*" ? right : right && (!left || isPunct(i + 1))
            if canClose, let o = openers.lastIndex(where: { c[$0] == ch }) {
                openers.removeSubrange(o...)  // markers between the pair stay as they are
            } else if canOpen {
                openers.append(i)
            } else {
                literal.insert(i)
            }
        }
        i += 1
    }
    literal.formUnion(openers)
    var out = ""
    inCode = false
    for (j, ch) in c.enumerated() {
        if ch == "`" { inCode.toggle() }
        out += literal.contains(j) ? (ch == "_" ? "&#95;" : "&#42;") : (inCode && ch == "\n" ? " " : String(ch))
    }
    return out
}
