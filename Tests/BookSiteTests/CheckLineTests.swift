// Check-line styling (Tools/BookSite/CheckLines.swift) on the HTML Ink makes of the Notebook's
// `- ✓ claim: detail` items, and the whole path through Ink (Render.swift).
@testable import BookSite
import Testing

@Suite struct CheckLineTests {
    @Test func comparedCheck() throws {
        let line = try #require(CheckLine(itemHTML: "T3.4 for M = 4: κ from LAPACK's spectrum: expected 17, measured 17, error 3.6e-15 (rel. ≤ 1.000e-10)".withMark("✓")))
        #expect(line.passed)
        #expect(line.claim == "T3.4 for M = 4: κ from LAPACK's spectrum")
        #expect(line.detail == .compared(expected: "17", measured: "17", error: "3.6e-15", tolerance: "rel. ≤ 1.000e-10"))
    }

    @Test func boundCheckWithAColonInTheClaim() throws {
        let line = try #require(CheckLine(itemHTML: "✓ T3.3: sorted LAPACK eigenvalues (max rel. error): measured 5.308e-15 ≤ 1.000e-10"))
        #expect(line.claim == "T3.3: sorted LAPACK eigenvalues (max rel. error)")
        #expect(line.detail == .bound(measured: "5.308e-15", relation: "≤", bound: "1.000e-10"))
        let timing = try #require(CheckLine(itemHTML: "✓ faster at Md = 1600: measured ⏱243.931 ≥ 1"))
        #expect(timing.detail == .bound(measured: "⏱243.931", relation: "≥", bound: "1"))
    }

    @Test func statisticalToleranceKeepsItsParentheses() throws {
        let line = try #require(CheckLine(itemHTML: "✓ mean: expected 0, measured 0.01, error 0.01 (≤ 4 s.e. = 0.04; false alarm 6.3e-05 if the s.e. is right)"))
        #expect(line.detail == .compared(expected: "0", measured: "0.01", error: "0.01",
                                         tolerance: "≤ 4 s.e. = 0.04; false alarm 6.3e-05 if the s.e. is right"))
    }

    @Test func freeFormEvidenceSplitsAtTheFirstColonOutsideBrackets() throws {
        let line = try #require(CheckLine(itemHTML: "✓ (M=1, σ=0.25): chains finite: 64 chains × 200 steps"))
        #expect(line.claim == "(M=1, σ=0.25)")
        #expect(line.detail == .text("chains finite: 64 chains × 200 steps"))
    }

    @Test func failedCheck() throws {
        let line = try #require(CheckLine(itemHTML: "✗ <strong>FAILED</strong> κ: expected 17, measured 18, error 0.059 (rel. ≤ 1.000e-10)"))
        #expect(!line.passed)
        #expect(line.claim == "κ")
        #expect(line.html.hasPrefix("<li class=\"check fail\">"))
        #expect(line.html.contains("FAILED"))
    }

    @Test func otherItemsAreNotChecks() {
        #expect(CheckLine(itemHTML: "Run: <code>swift run</code>") == nil)
        #expect(CheckLine(itemHTML: "✓") == nil)
    }

    @Test func listsOfChecksOnlyGetTheirClass() {
        let checks = styleCheckLines(inList: "<ul><li>✓ a: measured 1 ≤ 2</li><li>✓ b: measured 1 ≥ 0</li></ul>")
        #expect(checks.hasPrefix("<ul class=\"checks\"><li class=\"check pass\">"))
        #expect(checks.components(separatedBy: "class=\"check pass\"").count == 3)
        let mixed = styleCheckLines(inList: "<ul><li>✓ a: measured 1 ≤ 2</li><li>plain</li></ul>")
        #expect(mixed.hasPrefix("<ul><li class=\"check pass\">"))
        #expect(mixed.hasSuffix("<li>plain</li></ul>"))
    }

    @Test func throughInkAParagraphAfterTheLastCheckIsNotPartOfIt() {
        let md = "- ✓ a: measured 1 ≤ 2\n- ✗ **FAILED** b: expected 1, measured 2, error 1 (abs. ≤ 0)\nNext paragraph.\n\n![A figure](f.png)\n"
        let doc = render(markdown: md, document: "figures/c/README.md", pages: [:])
        #expect(doc.html.contains("<ul class=\"checks\">"))
        #expect(doc.html.contains("<li class=\"check fail\">"))
        #expect(doc.html.contains("</ul><p>Next paragraph.</p>"))
        #expect(doc.html.contains("<img src=\"figures/c/f.png\" alt=\"A figure\"/>"))
        #expect(doc.assets == ["figures/c/f.png"])
    }
}

private extension String {
    func withMark(_ mark: String) -> String { mark + " " + self }
}
