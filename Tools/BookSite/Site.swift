import Foundation

/// Renders the book into a folder of HTML pages that work from the file system: every page at the
/// top of `output`, the files they show or link (figures, scripts) copied at their repository paths,
/// one stylesheet. Existing files in `output` that it does not write (the API docs) are kept.
public struct SiteBuilder {
    public let root: URL
    public let output: URL
    /// Relative link from the site's top to the API documentation, when built.
    public let apiDocs: String?

    public init(root: URL, output: URL, apiDocs: String?) {
        self.root = root; self.output = output; self.apiDocs = apiDocs
    }

    public struct Result {
        public var pagesWritten: [String] = []
        public var assetsCopied = 0
        /// Broken local links and missing files: the build fails when there are any.
        public var problems: [String] = []
    }

    public func build() throws -> Result {
        var result = Result()
        var pages = bookPages(root: root)
        let sources = try pages.map { try String(contentsOf: root.appendingPathComponent($0.source), encoding: .utf8) }
        // A chapter is listed under its report's title.
        for i in pages.indices where pages[i].part == .chapter {
            if let heading = sources[i].split(separator: "\n").first(where: { $0.hasPrefix("# ") }) {
                pages[i].title = String(heading.dropFirst(2))
            }
        }
        var outputs = Dictionary(uniqueKeysWithValues: pages.map { ($0.source, $0.output) })
        if let apiDocs { outputs[apiDocs] = apiDocs }  // the contents page links it as it is
        let layout = Layout(pages: pages, apiDocs: apiDocs)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)

        var assets = Set<String>()
        func write(_ doc: RenderedDocument, page: String, title: String) throws {
            let html = layout.page(title: title, output: page, content: doc.html, sections: doc.sections)
            try html.write(to: output.appendingPathComponent(page), atomically: true, encoding: .utf8)
            result.pagesWritten.append(page)
            assets.formUnion(doc.assets)
            result.problems += doc.outsideLinks.map { "\(page): link leaves the repository: \($0)" }
        }
        for (page, markdown) in zip(pages, sources) {
            let doc = render(markdown: markdown, document: page.source, pages: outputs)
            try write(doc, page: page.output, title: doc.title ?? page.title)
        }
        let contents = render(markdown: indexMarkdown(pages: pages, sources: sources), document: "index.md", pages: outputs)
        try write(contents, page: "index.html", title: Layout.bookTitle)
        try Data(stylesheet.utf8).write(to: output.appendingPathComponent("style.css"))

        let fm = FileManager.default
        for asset in assets.sorted() {
            var isDirectory: ObjCBool = false
            let from = root.appendingPathComponent(asset)
            guard fm.fileExists(atPath: from.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                result.problems.append(isDirectory.boolValue ? "a link names the folder \(asset), which is not a page"
                                                             : "a link or image names \(asset), which does not exist")
                continue
            }
            let to = output.appendingPathComponent(asset)
            try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            if fm.fileExists(atPath: to.path) { try fm.removeItem(at: to) }
            try fm.copyItem(at: from, to: to)
            result.assetsCopied += 1
        }
        return result
    }

    /// A contents-table row: the report's title linked, its check summary marked ✓ or ✗, its run time.
    func summaryRow(_ page: Page, _ source: String) -> String {
        let summary = reportSummary(source)
        let mark = summary.map { $0.checks.contains("FAILED") ? "✗ " + $0.checks : "✓ " + $0.checks } ?? "—"
        return "| [\(page.title)](\(page.source)) | \(mark) | \(summary?.runTime ?? "") |"
    }

    /// The contents page: every chapter with its check summary, then the other documents.
    func indexMarkdown(pages: [Page], sources: [String]) -> String {
        var md = ["# \(Layout.bookTitle)", "",
                  "Five chapters that state the theory of score-based generative modelling with multimeasurement "
                  + "(M-)densities and check every claim against numerics: expected value, measured value, "
                  + "tolerance, ✓ or ✗. Each page below is a chapter's committed report, with its figures.", "",
                  "## Chapters", "", "| chapter | checks | run time |", "|---|---|---:|"]
        for (page, source) in zip(pages, sources) where page.part == .chapter {
            md.append(summaryRow(page, source))
        }
        let runs = zip(pages, sources).filter { $0.0.part == .run }
        if !runs.isEmpty {
            md += ["", "## Committed runs", "",
                   "Chapter 5's other committed runs (its modes, its ablation, other data sets), each with the command that made it.", "",
                   "| run | checks | run time |", "|---|---|---:|"]
            for (page, source) in runs {
                md.append(summaryRow(page, source))
            }
        }
        md += ["", "## Also in the book", ""]
        for page in pages where page.part == .front || page.part == .appendix {
            md.append("- [\(page.title)](\(page.source))")
        }
        md.append(apiDocs.map { "- [API documentation](\($0)) of the library modules (DocC). Its pages load with "
            + "JavaScript, which browsers refuse from `file://`: serve the folder, `python3 -m http.server -d site 8000`, "
            + "and open `http://localhost:8000/api/documentation/`." }
                  ?? "- API documentation: not built here; `scripts/docs.sh` builds it into `site/api/`.")
        return md.joined(separator: "\n") + "\n"
    }
}

/// ("26 checks, 26 passed", "⏱1.12 s") from a report's
/// `**Summary: 26 checks, 26 passed** (run time ⏱1.12 s).` line.
public func reportSummary(_ report: String) -> (checks: String, runTime: String)? {
    let prefix = "**Summary: "
    guard let line = report.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
          let end = line.dropFirst(prefix.count).range(of: "**") else { return nil }
    let rest = line[end.upperBound...]
    let runTime = rest.range(of: "(run time ").flatMap { open in
        rest[open.upperBound...].firstIndex(of: ")").map { String(rest[open.upperBound..<$0]) }
    }
    return (String(line.dropFirst(prefix.count)[..<end.lowerBound]), runTime ?? "")
}
