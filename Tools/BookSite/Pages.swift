import Foundation

/// One page of the site: a Markdown file of the repository and the HTML file it becomes.
public struct Page: Sendable, Equatable {
    public enum Part: String, Sendable {
        case front = "The book", chapter = "Chapters", run = "Committed runs", appendix = "Appendix"
    }

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

/// The pages of the book, in reading order: the README, the theory, every chapter's report
/// `figures/<chapter>/README.md` (a folder named like an executable under `Chapters/`, sorted), every
/// other committed run's report found under `figures/` at any depth (chapter 5's integrators, sweep,
/// marathon, ablation, other data sets; sorted by path), then the appendix documents that the README
/// links. Files that do not exist are left out.
public func bookPages(root: URL) -> [Page] {
    let fm = FileManager.default
    func exists(_ path: String) -> Bool { fm.fileExists(atPath: root.appendingPathComponent(path).path) }
    var pages: [Page] = [
        Page(source: "README.md", output: "readme.html", title: "Introduction (README)", part: .front),
        Page(source: "docs/THEORY.md", output: "theory.html", title: "Theory", part: .front),
    ]
    let reports = reportFolders(under: root.appendingPathComponent("figures"))
    let isChapter = { (folder: String) in !folder.contains("/") && exists("Chapters/\(folder)") }
    for folder in reports where isChapter(folder) {
        pages.append(Page(source: "figures/\(folder)/README.md", output: "\(folder).html", title: folder, part: .chapter))
    }
    for folder in reports where !isChapter(folder) {
        pages.append(Page(source: "figures/\(folder)/README.md", output: runPageName(folder), title: runTitle(folder), part: .run))
    }
    pages += [
        Page(source: "docs/seed-sweep.md", output: "seed-sweep.html", title: "Seed sweep", part: .appendix),
        Page(source: "Benchmarks/README.md", output: "benchmarks.html", title: "Benchmarks", part: .appendix),
    ]
    return pages.filter { exists($0.source) }
}

/// Folders under `figures` (relative, `/`-separated, sorted) that hold a README.md, at any depth.
func reportFolders(under figures: URL) -> [String] {
    guard let walk = FileManager.default.enumerator(atPath: figures.path) else { return [] }
    var folders = [String]()
    while let path = walk.nextObject() as? String {
        if path == "README.md" { continue }
        if path.hasSuffix("/README.md") { folders.append(String(path.dropLast("/README.md".count))) }
    }
    return folders.sorted()
}

/// A run's page name, unique and flat: `chapter5-integrators/chapter5-gps-walk-jump` → `chapter5-integrators--chapter5-gps-walk-jump.html`.
func runPageName(_ folder: String) -> String { folder.replacingOccurrences(of: "/", with: "--") + ".html" }

/// A run's title: its folder without the last component when that is the chapter's own report folder
/// (a run's `--figures-dir` holds one, e.g. `chapter5-ablation/aboba/chapter5-gps-walk-jump` → `chapter5-ablation/aboba`).
func runTitle(_ folder: String) -> String {
    var parts = folder.split(separator: "/")
    if parts.count > 1, parts.last!.hasPrefix("chapter") { parts.removeLast() }
    return parts.joined(separator: "/")
}
