import Figures
import Foundation
import Notebook
import Testing

/// A fresh empty directory under the system's temporary folder.
private func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "notebook-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

private func isPNG(_ path: String) -> Bool {
    guard let data = FileManager.default.contents(atPath: path) else { return false }
    return data.count > 8 && Array(data.prefix(8)) == pngSignature
}

@Suite("Notebook: check counting, report and exit code")
struct NotebookReportTests {
    @Test("all checks pass: writeReport() returns 0 and writes README.md with the summary")
    func allPass() throws {
        let dir = try temporaryDirectory()
        let nb = Notebook(title: "Test chapter", slug: "test-pass", figuresDirectory: dir, parameters: [("a", "1")])
        nb.section("Section"); nb.prose("Some prose."); nb.equation("x = 1")
        nb.table(["k", "v"], [["1", "2"]])
        #expect(nb.check("relative", expected: 1, measured: 1 + 1e-12, tolerance: .relative(1e-10)))
        #expect(nb.check("at most", measured: 0.5, atMost: 1))
        #expect(nb.check("at least", measured: 2, atLeast: 1))
        #expect(nb.check("qualitative", true, detail: "evidence"))
        #expect(nb.checks.count == 4 && nb.passedCount == 4)
        #expect(nb.summary == "4 checks, 4 passed")
        #expect(nb.writeReport() == 0)
        let report = try String(contentsOfFile: dir + "/test-pass/README.md", encoding: .utf8)
        #expect(report.contains("# Test chapter"))
        #expect(report.contains("**Summary: 4 checks, 4 passed**"))
        #expect(report.contains("- ✓ relative"))
        #expect(report.contains("| k | v |"))
        #expect(!report.contains("<!-- SUMMARY -->"))
    }

    @Test("one failing check: writeReport() returns 1, the summary and report name it")
    func oneFails() throws {
        let dir = try temporaryDirectory()
        let nb = Notebook(title: "Failing chapter", slug: "test-fail", figuresDirectory: dir + "/", parameters: [])
        nb.check("good", expected: 2, measured: 2, tolerance: .absolute(0))
        #expect(!nb.check("bad", expected: 1, measured: 1.1, tolerance: .relative(0.01)))
        #expect(!nb.check("not finite", measured: .nan, atMost: 1))
        #expect(nb.summary == "3 checks, 1 passed, 2 FAILED")
        #expect(nb.writeReport() == 1)
        let report = try String(contentsOfFile: dir + "/test-fail/README.md", encoding: .utf8)
        #expect(report.contains("✗ **FAILED** bad"))
        #expect(report.contains("Failed: bad; not finite"))
    }

    @Test("a figure is written into the chapter folder and linked; a failing writer becomes a failed check")
    func figures() throws {
        let dir = try temporaryDirectory()
        let nb = Notebook(title: "Figures", slug: "test-fig", figuresDirectory: dir, parameters: [])
        var plot = Plot(title: "t", xLabel: "x", yLabel: "y")
        plot.add(Series("s", x: [0, 1], y: [0, 1]))
        nb.figure("p.png", caption: "a plot", plot: plot)
        #expect(isPNG(dir + "/test-fig/p.png"))
        nb.figure("broken.png", caption: "never written") { _ in throw FigureError.badInput("no") }
        #expect(nb.checks.count == 1 && nb.passedCount == 0)
        #expect(nb.writeReport() == 1)
        #expect(try String(contentsOfFile: dir + "/test-fig/README.md", encoding: .utf8).contains("![a plot](p.png)"))
    }

    @Test("nothing is written before the first figure or the report")
    func nothingWrittenEarly() throws {
        let dir = try temporaryDirectory()
        let nb = Notebook(title: "Lazy", slug: "test-lazy", figuresDirectory: dir, parameters: [])
        nb.check("x", true, detail: "")
        #expect(!FileManager.default.fileExists(atPath: dir + "/test-lazy"))
    }
}

@Suite("Tolerance semantics")
struct ToleranceTests {
    @Test func relative() {
        #expect(Tolerance.relative(0.1).allows(expected: 10, measured: 11))
        #expect(!Tolerance.relative(0.1).allows(expected: 10, measured: 11.01))
        #expect(Tolerance.relative(0.1).allows(expected: -10, measured: -9))
        #expect(Tolerance.relative(0.1).error(expected: 4, measured: 5) == 0.25)
        #expect(!Tolerance.relative(0.1).allows(expected: 0, measured: 1e-300))  // relative to 0: only 0 passes
        #expect(Tolerance.relative(0.1).allows(expected: 0, measured: 0))
    }

    @Test func absolute() {
        #expect(Tolerance.absolute(0.5).allows(expected: 1, measured: 1.5))
        #expect(!Tolerance.absolute(0.5).allows(expected: 1, measured: 1.5000001))
        #expect(Tolerance.absolute(0).allows(expected: 3, measured: 3))
    }

    @Test func standardErrors() {
        let t = Tolerance.standardErrors(3, se: 0.1)
        #expect(t.allows(expected: 0, measured: 0.3))
        #expect(!t.allows(expected: 0, measured: 0.31))
        // The error of a k-s.e. tolerance is |measured − expected| in the data's units (not divided by
        // the s.e.). Values chosen so the exact answers are representable: |0.75 − 1| = 1/4,
        // |0.5 − (−2)| = 5/2, |0.3 − 0| = 0.3 (same double). For 0.8 vs 1, Sterbenz's lemma
        // (1/2 ≤ 1/0.8 ≤ 2) makes fl(1 − 0.8) exact, so the double 1 − 0.8 is the true |Δ| of the inputs.
        #expect(t.error(expected: 1, measured: 0.75) == 0.25)
        #expect(t.error(expected: -2, measured: 0.5) == 2.5)
        #expect(t.error(expected: 0, measured: 0.3) == 0.3)
        #expect(t.error(expected: 1, measured: 0.8) == 1 - 0.8)
        #expect(t.description.contains("s.e."))
    }

    @Test("NaN and infinities never pass")
    func nonFinite() {
        for t in [Tolerance.relative(1e9), .absolute(1e9), .standardErrors(1e9, se: 1)] {
            #expect(!t.allows(expected: 1, measured: .nan))
            #expect(!t.allows(expected: .nan, measured: 1))
            #expect(!t.allows(expected: 1, measured: .infinity))
        }
    }

    @Test("number formatting used in check lines")
    func formatting() {
        #expect(fmt(0) == "0")
        #expect(fmt(1.5) == "1.5")
        #expect(fmt(1e-7) == "1.000e-07")
        #expect(fmt(Double.infinity) == "∞")
        #expect(fmt(1234567) == "1 234 567")
    }
}

@Suite("Input validation helpers")
struct ValidateTests {
    @Test func numberLists() throws {
        #expect(try Validate.numberList("1, 0.5,2", flag: "x") == [1, 0.5, 2])
        #expect(throws: InputError.self) { try Validate.numberList("", flag: "x") }
        #expect(throws: InputError.self) { try Validate.numberList("1,,2", flag: "x") }
        #expect(throws: InputError.self) { try Validate.numberList("1,a", flag: "x") }
        #expect(throws: InputError.self) { try Validate.numberList("1,-2", flag: "x") }
        #expect(try Validate.numberList("1,-2", flag: "x", positive: false) == [1, -2])
        #expect(throws: InputError.self) { try Validate.positive(0, flag: "x") }
        #expect(throws: InputError.self) { try Validate.inRange(0, 1...3, flag: "x") }
        #expect(throws: InputError.self) { try Validate.fitsInMemory(bytes: 1e18, flag: "x", what: "y") }
        try Validate.fitsInMemory(bytes: 1e6, flag: "x", what: "y")
    }
}

@Suite("Figures: PNG output")
struct FigureOutputTests {
    @Test("a Plot with every series style renders to a PNG file (linear and log axes)")
    func plotPNG() throws {
        let dir = try temporaryDirectory()
        for (k, scale) in [Plot.Scale.linear, .log].enumerated() {
            var plot = Plot(title: "All styles", xLabel: "x", yLabel: "y", xScale: scale, yScale: scale)
            let x = (1...20).map(Double.init)
            plot.add(Series("line", x: x, y: x))
            plot.add(Series("dashed", x: x, y: x.map { $0 * 2 }, style: .dashed))
            plot.add(Series("points", x: x, y: x.map { $0 + 1 }, style: .points))
            plot.add(Series("linePoints", x: x, y: x.map { $0 + 2 }, style: .linePoints))
            plot.add(Series("steps", x: x, y: x.map { $0 + 3 }, style: .steps))
            plot.add(Series.histogram("hist", x, bins: 5, range: 1...21))
            let path = dir + "/sub/plot\(k).png"
            try plot.write(to: path)
            #expect(isPNG(path))
            #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        }
        let image = Plot(title: "", xLabel: "", yLabel: "").render()
        #expect(image.width == 800 && image.height == 500 && image.rgba.count == 800 * 500 * 4)
    }

    @Test("an ImageGrid (grey and RGB) renders to a PNG file of the expected size")
    func gridPNG() throws {
        let dir = try temporaryDirectory()
        var grey = ImageGrid(pixels: (0..<(6 * 8 * 8)).map { Float($0 % 64) / 63 }, count: 6, channels: 1, height: 8, width: 8, columns: 3)
        grey.title = "grey"; grey.rowLabels = ["a", "b"]
        try grey.write(to: dir + "/grey.png")
        #expect(isPNG(dir + "/grey.png"))
        let rgb = ImageGrid(pixels: [Float](repeating: 0.5, count: 4 * 3 * 5 * 5), count: 4, channels: 3, height: 5, width: 5, columns: 4)
        let image = rgb.render()
        #expect(image.width == 4 * (5 * 2 + 2) + 2 && image.height == 5 * 2 + 2 + 2)
        try rgb.write(to: dir + "/rgb.png")
        #expect(isPNG(dir + "/rgb.png"))
    }

    @Test("writing into a path that cannot exist throws")
    func unwritable() {
        #expect(throws: FigureError.self) { try PNGImage(width: 2, height: 2).write(to: "/proc/forbidden/x.png") }
    }
}
