/// Line-level adjustments so that Ink 0.6.0 renders the book's Markdown as GitHub does:
///
/// 1. The Notebook writes a paragraph or an image right after the last check line of a run, with no
///    blank line between. GitHub ends the list there only for some lines; Ink folds every such line
///    into the last list item. A blank line is inserted after each check-line run.
/// 2. Ink has no indented code blocks (docs/THEORY.md's displayed equations). A run of lines indented
///    by four or more spaces after a blank line, outside fenced blocks, becomes a fenced `text` block
///    with the common indentation removed.
/// 3. Ink opens emphasis at any `_` or `*`; GitHub not inside words (`σ_eff`, `F_mm`) nor at a `*`
///    between spaces (`p * N(0, σ²)`). Those become the character references `&#95;` and `&#42;`
///    (outside code spans and link targets), which Ink passes through as text.
/// 4. Ink ends a paragraph at a line that starts with a code span; GitHub goes on. Such a line is
///    joined to the paragraph line before it.
/// 5. A one-line HTML comment (`<!-- INDEX:BEGIN -->`) makes Ink swallow the table after it as raw
///    text; such lines are dropped.
/// 6. An item `2. …` right after a paragraph (the rest of a list item, which Ink cannot continue)
///    starts a new list: a blank line goes before it.
/// 7. Ink turns a table with a `<br>` in a cell (docs/THEORY.md's index) and everything after it
///    into one paragraph. Each `<br>` becomes `lineBreakMark`, which `render` turns back.
/// 8. Ink gives up on an image whose caption has brackets (`![… [0, 1] …](f.png)`); inside the
///    caption of a one-line image they become `&#91;` and `&#93;`.
public func prepareMarkdown(_ markdown: String) -> String {
    let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var out: [String] = []
    var fenced = false, i = 0
    func isBlank(_ s: String) -> Bool { s.allSatisfy { $0 == " " || $0 == "\t" } }
    func indentation(_ s: String) -> Int { s.prefix { $0 == " " }.count }
    while i < lines.count {
        let line = lines[i]
        if line.trimmingSpaces.hasPrefix("```") { fenced.toggle(); out.append(line); i += 1; continue }
        if fenced { out.append(line); i += 1; continue }

        if indentation(line) >= 4, !isBlank(line), out.last.map(isBlank) ?? true {
            var block: [String] = []
            while i < lines.count, indentation(lines[i]) >= 4 || (isBlank(lines[i]) && i + 1 < lines.count
                    && indentation(lines[i + 1]) >= 4 && !isBlank(lines[i + 1])) {
                block.append(lines[i]); i += 1
            }
            let common = block.filter { !isBlank($0) }.map(indentation).min() ?? 0
            out.append("```text")
            out += block.map { isBlank($0) ? "" : String($0.dropFirst(common)) }
            out.append("```")
            continue
        }

        let text = line.replacingOccurrences(of: "<br>", with: String(lineBreakMark))
        let trimmed = text.trimmingSpaces
        if trimmed.hasPrefix("<!--") && trimmed.hasSuffix("-->") { i += 1; continue }
        if isOrderedItem(text), let last = out.last, !isBlank(last), !paragraphIsList(out) { out.append("") }
        if text.hasPrefix("`"), let last = out.last, !isBlank(last), !last.hasPrefix("|"), !last.hasPrefix("#"),
           !last.hasPrefix("```") {
            out[out.count - 1] += " " + text; i += 1; continue
        }
        out.append(bracketsEscapedInImageCaption(text))
        if isCheckLine(text), i + 1 < lines.count, !isBlank(lines[i + 1]), !lines[i + 1].hasPrefix("- ") {
            out.append("")
        }
        i += 1
    }
    return escapingParagraphs(out).joined(separator: "\n")
}

/// `![a [0, 1] b](f.png)` → `![a &#91;0, 1&#93; b](f.png)`; other lines unchanged.
func bracketsEscapedInImageCaption(_ line: String) -> String {
    guard line.hasPrefix("!["), line.hasSuffix(")"), let cut = line.range(of: "](", options: .backwards) else { return line }
    let caption = line[line.index(line.startIndex, offsetBy: 2)..<cut.lowerBound]
    guard caption.contains("[") || caption.contains("]") else { return line }
    return "![" + caption.replacingOccurrences(of: "[", with: "&#91;").replacingOccurrences(of: "]", with: "&#93;")
        + line[cut.lowerBound...]
}

/// Stands for `<br>` while Ink parses (a private-use character).
let lineBreakMark: Character = "\u{E000}"

/// `12. text` at the start of a line.
func isOrderedItem(_ line: String) -> Bool {
    let digits = line.prefix { $0.isASCII && $0.isNumber }
    return !digits.isEmpty && line.dropFirst(digits.count).hasPrefix(". ")
}

/// Whether the lines since the last blank one began with a list item.
func paragraphIsList(_ lines: [String]) -> Bool {
    guard let start = lines.lastIndex(where: { $0.allSatisfy { $0 == " " } }).map({ $0 + 1 }) ?? (lines.isEmpty ? nil : 0),
          start < lines.count else { return false }
    let first = lines[start]
    return isOrderedItem(first) || first.hasPrefix("- ") || first.hasPrefix("* ") || first.hasPrefix("+ ")
}

/// A Notebook check line in Markdown: `- ✓ …` or `- ✗ …`.
func isCheckLine(_ line: String) -> Bool { line.hasPrefix("- ✓ ") || line.hasPrefix("- ✗ ") }
