// The site's link rewriting (Tools/BookSite/Links.swift): documents link each other by repository
// path; on the site every page is a top-level HTML file and other files sit at their repository path.
@testable import BookSite
import Testing

@Suite struct LinkRewriterTests {
    let pages = ["README.md": "readme.html", "docs/THEORY.md": "theory.html",
                 "figures/chapter3-condition-number/README.md": "chapter3-condition-number.html"]

    @Test func readmeLinksBecomePages() {
        let r = LinkRewriter(document: "README.md", pages: pages)
        #expect(r.rewrite("docs/THEORY.md") == "theory.html")
        #expect(r.rewrite("docs/THEORY.md#where-each-claim-is-verified") == "theory.html#where-each-claim-is-verified")
        #expect(r.rewrite("figures/chapter3-condition-number/README.md") == "chapter3-condition-number.html")
        #expect(r.rewrite("./figures/chapter3-condition-number/") == "chapter3-condition-number.html")
        #expect(r.rewrite("figures/chapter3-condition-number") == "chapter3-condition-number.html")
    }

    @Test func relativeLinksResolveFromTheDocumentsFolder() {
        let r = LinkRewriter(document: "figures/chapter3-condition-number/README.md", pages: pages)
        #expect(r.resolve("spectrum.png") == .asset(path: "figures/chapter3-condition-number/spectrum.png",
                                                    href: "figures/chapter3-condition-number/spectrum.png"))
        #expect(r.rewrite("../../docs/THEORY.md#t34--the-condition-number") == "theory.html#t34--the-condition-number")
        #expect(r.rewrite("../../README.md") == "readme.html")
        #expect(r.resolve("../../scripts/book.sh") == .asset(path: "scripts/book.sh", href: "scripts/book.sh"))
        #expect(r.resolve("../../../elsewhere.md") == .outside("../../../elsewhere.md"))
    }

    @Test func externalAndSamePageLinksStay() {
        let r = LinkRewriter(document: "docs/THEORY.md", pages: pages)
        for url in ["https://example.org/a.md", "mailto:someone@example.org", "#chapter-5-presets", "",
                    "//example.org/x"] {
            #expect(r.resolve(url) == .unchanged)
            #expect(r.rewrite(url) == url)
        }
    }

    @Test func normalisation() {
        #expect(normalise("a/b/../c/./d/") == "a/c/d")
        #expect(normalise("a/../../b") == nil)
        #expect(normalise("") == "")
    }
}
