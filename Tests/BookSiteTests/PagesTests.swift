// Which files become pages of the browser book (Tools/BookSite/Pages.swift), and that a run's report
// one or two folders below figures/ renders with its figures (it was not a page before).
@testable import BookSite
import Foundation
import Testing

@Suite struct PagesTests {
    /// A repository with two chapters and three committed runs at depths 1, 2 and 3 under figures/.
    func makeRepository() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("book-site-pages-\(UUID().uuidString)")
        let files = [
            "README.md": "# Book\n\n[theory](docs/THEORY.md)\n",
            "docs/THEORY.md": "# Theory\n",
            "Chapters/chapter1-langevin/main.swift": "",
            "Chapters/chapter5-gps-walk-jump/main.swift": "",
            "figures/chapter1-langevin/README.md": "# Chapter 1 — Langevin\n\n**Summary: 3 checks, 3 passed** (run time ⏱1 s).\n",
            "figures/chapter5-gps-walk-jump/README.md": "# Chapter 5 — GPS\n",
            "figures/chapter5-ablation/README.md": "# Ablation\n\n[`a`](a/chapter5-gps-walk-jump/README.md)\n",
            "figures/chapter5-ablation/a/chapter5-gps-walk-jump/README.md":
                "# Chapter 5 — GPS\n\n**Summary: 2 checks, 1 passed, 1 FAILED** (run time ⏱9 s).\n\n![grid](grid.png)\n",
            "figures/chapter5-ablation/a/chapter5-gps-walk-jump/grid.png": "png",
            "figures/chapter5-sweep/chapter5-gps-walk-jump/README.md": "# Chapter 5 — GPS\n",
        ]
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    @Test func chaptersAreExecutablesFoldersAndEveryOtherReportIsARun() throws {
        let root = try makeRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        let pages = bookPages(root: root)
        #expect(pages.map(\.output) == ["readme.html", "theory.html", "chapter1-langevin.html", "chapter5-gps-walk-jump.html",
                                         "chapter5-ablation.html", "chapter5-ablation--a--chapter5-gps-walk-jump.html",
                                         "chapter5-sweep--chapter5-gps-walk-jump.html"])
        #expect(pages.map(\.part) == [.front, .front, .chapter, .chapter, .run, .run, .run])
        #expect(pages.filter { $0.part == .run }.map(\.title) == ["chapter5-ablation", "chapter5-ablation/a", "chapter5-sweep"])
    }

    @Test func aRunsReportIsAPageWithItsFiguresAndIsListedWithItsChecks() throws {
        let root = try makeRepository()
        let out = root.appendingPathComponent("site")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try SiteBuilder(root: root, output: out, apiDocs: nil).build()
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.pagesWritten.contains("chapter5-ablation--a--chapter5-gps-walk-jump.html"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("figures/chapter5-ablation/a/chapter5-gps-walk-jump/grid.png").path))
        let ablation = try String(contentsOf: out.appendingPathComponent("chapter5-ablation.html"), encoding: .utf8)
        #expect(ablation.contains("href=\"chapter5-ablation--a--chapter5-gps-walk-jump.html\""))
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("Committed runs"))
        #expect(index.contains("✗ 2 checks, 1 passed, 1 FAILED"))
        // The top bar holds the book and its chapters only, not the runs.
        let topbar = try #require(index.range(of: "<nav class=\"parts\">").map { index[$0.upperBound...] })
        let bar = topbar[..<(topbar.range(of: "</nav>")?.lowerBound ?? topbar.endIndex)]
        #expect(!bar.contains("chapter5-sweep"))
        #expect(bar.contains("chapter1-langevin.html"))
    }
}
