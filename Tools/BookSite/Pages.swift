import Foundation

/// One page of the site: a Markdown file of the repository and the HTML file it becomes.
public struct Page: Sendable, Equatable {
    public enum Part: String, Sendable { case front = "The book", chapter = "Chapters", appendix = "Appendix" }

    /// Repository-relative path of the Markdown source, e.g. `figures/chapter3-condition-number/README.md`.
    public let source: String
    /// File name in the site folder, e.g. `chapter3-condition-number.html` (every page sits at the top).
    public let output: String
    /// Title in the navigation (a chapter's is replaced by its report's first heading).
    public var title: String
    public let part: Part

    public init(source: String, output: String, title: String, part: Part) {
        self.source = source; self.output = output; self.title = title; self.part = part
    }
}

/// The pages of the book, in reading order: the README, the theory, every chapter report found under
/// `figures/*/README.md` (sorted by folder name), then the appendix documents that the README links.
/// Files that do not exist are left out.
public func bookPages(root: URL) -> [Page] {
    let fm = FileManager.default
    func exists(_ path: String) -> Bool { fm.fileExists(atPath: root.appendingPathComponent(path).path) }
    var pages: [Page] = [
        Page(source: "README.md", output: "readme.html", title: "Introduction (README)", part: .front),
        Page(source: "docs/THEORY.md", output: "theory.html", title: "Theory", part: .front),
    ]
    let chapters = (try? fm.contentsOfDirectory(atPath: root.appendingPathComponent("figures").path)) ?? []
    for folder in chapters.sorted() where exists("figures/\(folder)/README.md") {
        pages.append(Page(source: "figures/\(folder)/README.md", output: "\(folder).html", title: folder, part: .chapter))
    }
    pages += [
        Page(source: "docs/seed-sweep.md", output: "seed-sweep.html", title: "Seed sweep", part: .appendix),
        Page(source: "Benchmarks/README.md", output: "benchmarks.html", title: "Benchmarks", part: .appendix),
    ]
    return pages.filter { exists($0.source) }
}
