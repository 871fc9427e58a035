#if canImport(Glibc)
import Glibc
#endif

/// A 2-D line/scatter/bar plot with axes, ticks, labels and a legend, rendered with Cairo and saved
/// as PNG. Log axes take positive data only (non-positive points are skipped).
public struct Plot: Sendable {
    public enum Scale: Sendable { case linear, log }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: Scale
    public var yScale: Scale
    public var series: [Series] = []
    public var width = 800
    public var height = 500
    /// Fixed ranges; nil means "fit the data with a 4% margin".
    public var xRange: ClosedRange<Double>? = nil
    public var yRange: ClosedRange<Double>? = nil

    public init(title: String, xLabel: String, yLabel: String, xScale: Scale = .linear, yScale: Scale = .linear) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.xScale = xScale; self.yScale = yScale
    }

    public mutating func add(_ s: Series) { series.append(s) }

    /// Renders and writes the plot to `path` (atomically). Throws `FigureError.badInput` saying why
    /// when the plot cannot be drawn (no finite range: the data or a fixed range overflow).
    public func write(to path: String) throws {
        if let reason = PlotFrame(plot: self).undrawable { throw FigureError.badInput("plot \"\(title)\" cannot be drawn: \(reason)") }
        try render().write(to: path)
    }

    /// Why the plot cannot be drawn (nil when it can): every coordinate it maps must be finite.
    public var undrawableReason: String? { PlotFrame(plot: self).undrawable }

    public func render() -> PNGImage {
        let canvas = Canvas(width: width, height: height)
        let frame = PlotFrame(plot: self)
        frame.drawAxes(on: canvas)
        for (i, s) in series.enumerated() { frame.draw(s, color: s.color ?? Color.cycle[i % Color.cycle.count], on: canvas) }
        frame.drawLegend(series, on: canvas)
        return canvas.image()
    }
}

/// One data series and how to draw it.
public struct Series: Sendable {
    public enum Style: Sendable { case line, dashed, points, linePoints, bars, steps }
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var style: Style
    public var color: Color?

    public init(_ name: String, x: [Double], y: [Double], style: Style = .line, color: Color? = nil) {
        precondition(x.count == y.count, "Series \(name): \(x.count) x values but \(y.count) y values")
        self.name = name; self.x = x; self.y = y; self.style = style; self.color = color
    }

    /// A normalised histogram (density) of `values` in `bins` equal bins over `range`, as bars.
    public static func histogram(_ name: String, _ values: [Double], bins: Int, range: ClosedRange<Double>, color: Color? = nil) -> Series {
        let w = (range.upperBound - range.lowerBound) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for v in values where v >= range.lowerBound && v < range.upperBound { counts[min(bins - 1, Int((v - range.lowerBound) / w))] += 1 }
        let total = Double(max(values.count, 1)) * w
        let centres = (0..<bins).map { range.lowerBound + (Double($0) + 0.5) * w }
        return Series(name, x: centres, y: counts.map { $0 / total }, style: .bars, color: color)
    }
}

/// Maps data to pixels and draws axes, ticks and series for one `Plot`.
struct PlotFrame {
    let plot: Plot
    let left = 84.0, right = 24.0, top = 44.0, bottom = 62.0
    let x0, x1, y0, y1: Double  // data ranges in transformed (log10 or linear) units

    init(plot: Plot) {
        self.plot = plot
        (x0, x1) = PlotFrame.range(plot.series.flatMap { $0.x }, scale: plot.xScale, fixed: plot.xRange, bars: plot.series.contains { $0.style == .bars })
        (y0, y1) = PlotFrame.range(plot.series.flatMap { $0.y } + (plot.series.contains { $0.style == .bars } ? [0] : []),
                                   scale: plot.yScale, fixed: plot.yRange, bars: false)
    }

    static func transform(_ v: Double, _ s: Plot.Scale) -> Double { s == .log ? log10(v) : v }

    /// Why this frame cannot be drawn: a range that is not finite or not increasing (nil: drawable).
    var undrawable: String? {
        func bad(_ a: Double, _ b: Double) -> Bool { !(a.isFinite && b.isFinite && (b - a).isFinite && b > a) }
        if bad(x0, x1) { return "the x range \(x0)…\(x1)\(plot.xScale == .log ? " (log10)" : "") is not a finite interval" }
        if bad(y0, y1) { return "the y range \(y0)…\(y1)\(plot.yScale == .log ? " (log10)" : "") is not a finite interval" }
        return nil
    }

    static func range(_ values: [Double], scale: Plot.Scale, fixed: ClosedRange<Double>?, bars: Bool) -> (Double, Double) {
        if let f = fixed {
            let (a, b) = (transform(f.lowerBound, scale), transform(f.upperBound, scale))
            // A degenerate fixed range gets the same unit widening as degenerate data.
            let w = max(0.5, abs(b) * 1e-6)
            return a.isFinite && b.isFinite && b - a < 1e-12 * max(1, abs(b)) ? (a - w, b + w) : (a, b)
        }
        let t = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }.map { transform($0, scale) }
        guard var lo = t.min(), var hi = t.max() else { return (0, 1) }
        if hi - lo < 1e-12 * max(1, abs(hi)) { let w = max(0.5, abs(hi) * 1e-6); lo -= w; hi += w }
        let pad = (hi - lo) * (bars ? 0.06 : 0.04)
        return (lo - pad, hi + pad)
    }

    var plotWidth: Double { Double(plot.width) - left - right }
    var plotHeight: Double { Double(plot.height) - top - bottom }
    func px(_ x: Double) -> Double { left + (PlotFrame.transform(x, plot.xScale) - x0) / (x1 - x0) * plotWidth }
    func py(_ y: Double) -> Double { top + (1 - (PlotFrame.transform(y, plot.yScale) - y0) / (y1 - y0)) * plotHeight }

    func drawAxes(on c: Canvas) {
        guard undrawable == nil else {   // say so on the canvas rather than map non-finite coordinates
            c.color(.black)
            c.text(plot.title, Double(plot.width) / 2, 12, size: 16, ax: 0.5, ay: 0, bold: true)
            c.text("cannot be drawn: \(undrawable!)", Double(plot.width) / 2, Double(plot.height) / 2, size: 13, ax: 0.5, ay: 0.5)
            return
        }
        c.color(.black)  // the canvas starts with the white background colour selected
        c.text(plot.title, Double(plot.width) / 2, 12, size: 16, ax: 0.5, ay: 0, bold: true)
        c.text(plot.xLabel, left + plotWidth / 2, Double(plot.height) - 8, size: 13, ax: 0.5, ay: 1)
        c.text(plot.yLabel, 16, top + plotHeight / 2, size: 13, ax: 0.5, ay: 0.5, rotate: true)
        for (v, label) in Ticks.make(x0, x1, scale: plot.xScale) {
            let x = left + (v - x0) / (x1 - x0) * plotWidth
            c.color(Color(0.9, 0.9, 0.9)); c.lineWidth(1); c.line(x, top, x, top + plotHeight)
            c.color(.black); c.line(x, top + plotHeight, x, top + plotHeight + 5)
            c.text(label, x, top + plotHeight + 8, size: 11, ax: 0.5, ay: 0)
        }
        for (v, label) in Ticks.make(y0, y1, scale: plot.yScale) {
            let y = top + (1 - (v - y0) / (y1 - y0)) * plotHeight
            c.color(Color(0.9, 0.9, 0.9)); c.lineWidth(1); c.line(left, y, left + plotWidth, y)
            c.color(.black); c.line(left - 5, y, left, y)
            c.text(label, left - 8, y, size: 11, ax: 1, ay: 0.5)
        }
        c.color(.black); c.lineWidth(1.2); c.rect(left, top, plotWidth, plotHeight, fill: false)
    }

    func draw(_ s: Series, color: Color, on c: Canvas) {
        guard undrawable == nil else { return }
        c.clip(left, top, plotWidth, plotHeight)
        defer { c.resetClip(); c.dash(false) }
        let ok = { (x: Double, y: Double) in x.isFinite && y.isFinite && (plot.xScale == .linear || x > 0) && (plot.yScale == .linear || y > 0) }
        let points = zip(s.x, s.y).filter { ok($0.0, $0.1) }.map { (px($0.0), py($0.1)) }
        c.color(color); c.lineWidth(2)
        switch s.style {
        case .line, .dashed, .linePoints:
            c.dash(s.style == .dashed); c.polyline(points)
            if s.style == .linePoints { for p in points { c.circle(p.0, p.1, 3.5) } }
        case .points:
            for p in points { c.circle(p.0, p.1, 2.5) }
        case .steps:
            var stepped = [(Double, Double)]()
            for (i, p) in points.enumerated() { if i > 0 { stepped.append((p.0, points[i - 1].1)) }; stepped.append(p) }
            c.polyline(stepped)
        case .bars:
            let w = s.x.count > 1 ? abs(px(s.x[1]) - px(s.x[0])) * 0.9 : 10
            let base = py(plot.yScale == .log ? pow(10, y0) : 0)
            c.color(color, alpha: 0.55)
            for p in points { c.rect(p.0 - w / 2, min(p.1, base), w, abs(base - p.1), fill: true) }
        }
    }

    func drawLegend(_ series: [Series], on c: Canvas) {
        let named = series.enumerated().filter { !$0.element.name.isEmpty }
        guard !named.isEmpty else { return }
        let size = 12.0, rowH = 18.0
        let w = (named.map { c.textWidth($0.element.name, size: size) }.max() ?? 0) + 44
        let h = rowH * Double(named.count) + 8
        let x = left + plotWidth - w - 8, y = top + 8
        c.color(Color(1, 1, 1), alpha: 0.85); c.rect(x, y, w, h, fill: true)
        c.color(Color(0.6, 0.6, 0.6)); c.lineWidth(1); c.rect(x, y, w, h, fill: false)
        for (row, (i, s)) in named.enumerated() {
            let color = s.color ?? Color.cycle[i % Color.cycle.count]
            let cy = y + 4 + rowH * (Double(row) + 0.5)
            c.color(color); c.lineWidth(2)
            switch s.style {
            case .points: c.circle(x + 17, cy, 3)
            case .bars: c.color(color, alpha: 0.55); c.rect(x + 8, cy - 5, 18, 10, fill: true)
            default: c.dash(s.style == .dashed); c.line(x + 6, cy, x + 28, cy); c.dash(false)
            }
            c.color(.black); c.text(s.name, x + 34, cy, size: size, ax: 0, ay: 0.5)
        }
    }
}

/// "Nice" tick positions (1, 2, 5 × 10^k) for linear axes and powers of ten for log axes.
enum Ticks {
    static func make(_ lo: Double, _ hi: Double, scale: Plot.Scale) -> [(Double, String)] {
        // Non-finite or empty ranges have no ticks (they used to loop forever).
        guard lo.isFinite, hi.isFinite, (hi - lo).isFinite, hi > lo else { return [] }
        if scale == .log {
            guard abs(lo) <= 400, abs(hi) <= 400 else { return [] }   // log10 of any Double is in −324…309
            let a = Int(ceil(lo - 1e-9)), b = Int(floor(hi + 1e-9))
            if b - a >= 2 { return (a...b).map { (Double($0), format(pow(10, Double($0)))) } }
            // Less than two decades: label 1, 2, 5 × 10^k too, so the axis has more than one tick.
            var fine = [Double]()
            for k in (Int(floor(lo)) - 1)...Int(ceil(hi)) {
                for m: Double in [1, 2, 5] {
                    let v = log10(m) + Double(k)
                    if v >= lo - 1e-9 && v <= hi + 1e-9 { fine.append(v) }
                }
            }
            if fine.count >= 2 { return fine.map { ($0, format(pow(10, $0))) } }
            return linear(lo, hi).map { ($0.0, format(pow(10, $0.0))) }
        }
        return linear(lo, hi)
    }

    static func linear(_ lo: Double, _ hi: Double) -> [(Double, String)] {
        guard lo.isFinite, hi.isFinite, (hi - lo).isFinite, hi > lo else { return [] }
        let raw = (hi - lo) / 6
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        guard step.isFinite, step > 0 else { return [] }
        // Ticks by index (k·step), so rounding cannot stall the loop when |lo| ≫ step; at most ~7.
        let first = ceil(lo / step)
        guard first.isFinite else { return [] }
        var out = [(Double, String)]()
        for k in 0..<64 {
            let v = (first + Double(k)) * step
            guard v.isFinite, v <= hi + 1e-9 * step else { break }
            out.append((v, format(abs(v) < 1e-12 * step ? 0 : v)))
        }
        return out
    }

    static func format(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 {
            let e = Int(floor(log10(a))), m = v / pow(10, Double(e))
            return abs(m - 1) < 1e-9 ? "1e\(e)" : "\(trim(m))e\(e)"
        }
        return trim(v)
    }

    static func trim(_ v: Double) -> String {
        var s = String(format: "%.4f", v)
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s
    }
}

import Foundation
