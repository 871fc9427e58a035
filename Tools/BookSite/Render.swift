import Ink

/// One document rendered to an HTML fragment by Ink, with what the site needs to know about it.
public struct RenderedDocument {
    public var html: String
    /// The first `# ` heading's text.
    public var title: String?
    /// `##` headings (text, id), for the page's table of contents.
    public var sections: [(text: String, id: String)]
    /// Repository-relative local files that the document links or shows.
    public var assets: Set<String>
    /// Links that leave the repository (`../../elsewhere`): the site cannot carry them.
    public var outsideLinks: [String]
}

/// Renders `markdown` (the file at `document`, repository-relative) for the site: links rewritten
/// (`LinkRewriter`), headings given GitHub's ids, check lines styled (`styleCheckLines`), tables and
/// code blocks wrapped so that wide ones scroll inside the page.
public func render(markdown: String, document: String, pages: [String: String]) -> RenderedDocument {
    let rewriter = LinkRewriter(document: document, pages: pages)
    let ids = HeadingIDs()
    final class Collected { var assets = Set<String>(); var outside: [String] = [] }
    let collected = Collected()

    func rewriteAttribute(_ name: String, in html: String) -> String {
        let marker = "\(name)=\""
        guard let start = html.range(of: marker), let end = html[start.upperBound...].firstIndex(of: "\"")
        else { return html }
        let reference = String(html[start.upperBound..<end])
        switch rewriter.resolve(reference) {
        case .unchanged: return html
        case let .outside(r): collected.outside.append(r); return html
        case let .page(href): return html.replacingCharacters(in: start.upperBound..<end, with: href)
        case let .asset(path, href):
            collected.assets.insert(path)
            return html.replacingCharacters(in: start.upperBound..<end, with: href)
        }
    }

    let parser = MarkdownParser(modifiers: [
        Modifier(target: .links) { rewriteAttribute("href", in: $0.html) },
        Modifier(target: .images) { rewriteAttribute("src", in: $0.html) },
        Modifier(target: .headings) { ids.identify($0.html) },
        Modifier(target: .lists) { styleCheckLines(inList: $0.html) },
        Modifier(target: .tables) { "<div class=\"table-wrap\">\($0.html)</div>" },
    ])
    let parsed = parser.parse(prepareMarkdown(markdown))
    return RenderedDocument(
        html: markTimings(parsed.html).replacingOccurrences(of: String(lineBreakMark), with: "<br>"),
        title: ids.headings.first { $0.level == 1 }?.text,
        sections: ids.headings.filter { $0.level == 2 }.map { ($0.text, $0.id) },
        assets: collected.assets, outsideLinks: collected.outside)
}

/// Wraps each ⏱ (the reports' mark of a wall-clock value) outside tags in a span that the stylesheet
/// draws as a small stopwatch, so that it shows on machines without a font for U+23F1; the character
/// stays in the text for copying.
func markTimings(_ html: String) -> String {
    var out = "", inTag = false
    for c in html {
        if c == "<" { inTag = true } else if c == ">" { inTag = false }
        out += c == "⏱" && !inTag ? "<span class=\"timing\" title=\"wall-clock measurement: differs between runs\">⏱</span>" : String(c)
    }
    return out
}

