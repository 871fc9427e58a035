// Markdown adjustments for Ink 0.6.0 (Tools/BookSite/Preprocess.swift) and heading ids (Headings.swift).
@testable import BookSite
import Testing

@Suite struct PreprocessTests {
    @Test func indentedBlocksBecomeFencedOutsideFences() {
        let md = "Text\n\n    x = 1\n      y = 2\n\nMore\n```\n    kept\n```"
        #expect(prepareMarkdown(md) == "Text\n\n```text\nx = 1\n  y = 2\n```\n\nMore\n```\n    kept\n```")
    }

    @Test func continuationLinesAreNotCode() {
        let md = "1. item\n   continued\n   - Run: `x`"
        #expect(prepareMarkdown(md) == md)
    }

    @Test func aBlankLineEndsEveryCheckRun() {
        #expect(prepareMarkdown("- ✓ a: b\n- ✓ c: d\nText") == "- ✓ a: b\n- ✓ c: d\n\nText")
        #expect(prepareMarkdown("- plain\nlazy") == "- plain\nlazy")
    }

    @Test func aLineStartingWithCodeContinuesItsParagraph() {
        #expect(prepareMarkdown("writes every report under\n`figures/`; chapters") == "writes every report under `figures/`; chapters")
        #expect(prepareMarkdown("| a |\n`x`") == "| a |\n`x`")
        #expect(prepareMarkdown("Text\n\n`x` starts a paragraph") == "Text\n\n`x` starts a paragraph")
    }

    @Test func commentsGoAndOrderedItemsAfterAParagraphStartAList() {
        #expect(prepareMarkdown("<!-- INDEX:BEGIN -->\n| a |\n|---|") == "| a |\n|---|")
        #expect(prepareMarkdown("1. one\n\n   rest of one\n2. two") == "1. one\n\n   rest of one\n\n2. two")
        #expect(prepareMarkdown("1. one\n   more\n2. two") == "1. one\n   more\n2. two")
    }

    @Test func aTableWithLineBreaksStaysATable() {
        let doc = render(markdown: "| a | b |\n|---|---|\n| x<br>y | `z` |\n\nAfter.\n", document: "README.md", pages: [:])
        #expect(doc.html.contains("<table>"))
        #expect(doc.html.contains("<td>x<br>y</td>"))
        #expect(doc.html.hasSuffix("<p>After.</p>"))
    }

    @Test func imagesWithBracketsInTheirCaption() {
        #expect(bracketsEscapedInImageCaption("![noisy (clipped to [0, 1])](f.png)") == "![noisy (clipped to &#91;0, 1&#93;)](f.png)")
        #expect(bracketsEscapedInImageCaption("![plain](f.png)") == "![plain](f.png)")
        let doc = render(markdown: "![noisy (clipped to [0, 1])](f.png)\n", document: "figures/c/README.md", pages: [:])
        #expect(doc.html.contains("<img src=\"figures/c/f.png\""))
    }

    @Test func intrawordUnderscoresAndLoneStarsAreText() {
        #expect(escapeLiteralMarkers("σ_eff and F_mm") == "σ&#95;eff and F&#95;mm")
        #expect(escapeLiteralMarkers("p * N(0, σ²) at mode k* of w_{k*}") == "p &#42; N(0, σ²) at mode k&#42; of w&#95;{k&#42;}")
        #expect(escapeLiteralMarkers("*End of step* and T*n.k* and **bold**") == "*End of step* and T*n.k* and **bold**")
        #expect(escapeLiteralMarkers("`σ_eff` [a](b_c.md) x_1") == "`σ_eff` [a](b_c.md) x&#95;1")
        #expect(escapeLiteralMarkers("`a\nb`") == "`a b`")
    }

    @Test func headingSlugsFollowGitHub() {
        #expect(headingSlug("Chapter 5: presets") == "chapter-5-presets")
        #expect(headingSlug("§1 — Langevin MCMC (chapter 1)") == "1--langevin-mcmc-chapter-1")
        #expect(headingSlug("T3.4 — the condition number") == "t34--the-condition-number")
        let ids = HeadingIDs()
        #expect(ids.identify("<h2>Exercises</h2>") == "<h2 id=\"exercises\">Exercises</h2>")
        #expect(ids.identify("<h2>Exercises</h2>") == "<h2 id=\"exercises-1\">Exercises</h2>")
        #expect(ids.identify("<h3>σ&#95;eff <code>x</code></h3>") == "<h3 id=\"σ_eff-x\">σ&#95;eff <code>x</code></h3>")
    }

    @Test func reportSummaryLine() {
        let summary = reportSummary("# T\n\n**Summary: 26 checks, 26 passed** (run time ⏱1.12 s).\n")
        #expect(summary?.checks == "26 checks, 26 passed")
        #expect(summary?.runTime == "⏱1.12 s")
        #expect(reportSummary("# T\n") == nil)
    }
}
