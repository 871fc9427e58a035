// Issue 13, item 5: `chapter4-universality --separation 1e308` hung in the axis-tick loop fed
// non-finite or overflowing ranges. Ticks now terminate on any input, and a plot with no finite
// range says why it cannot be drawn instead of mapping non-finite coordinates.
import Foundation
@testable import Figures
import Testing

@Suite struct PlotRobustnessTests {
    @Test func ticksTerminateOnNonFiniteAndDegenerateRanges() {
        let hostile: [(Double, Double)] = [(0, .infinity), (-.infinity, 0), (.nan, 1), (0, .nan), (-1e308, 1e308),
                                           (1, 1), (2, 1), (1e308, 1e308), (1e300, 1e300 * (1 + 1e-15)), (0, 1e-320),
                                           // step below half an ulp: `v += step` never moved v (the old loop hung)
                                           (1e16, 1e16 + 2), (1e300, 1e300.nextUp)]
        for (lo, hi) in hostile {
            for scale in [Plot.Scale.linear, .log] {
                let ticks = Ticks.make(lo, hi, scale: scale)
                #expect(ticks.count <= 700, "\(lo)…\(hi): \(ticks.count) ticks")
                #expect(ticks.allSatisfy { $0.0.isFinite }, "\(lo)…\(hi)")
            }
        }
        // Ordinary ranges are unchanged: 1, 2, 5 × 10^k steps.
        #expect(Ticks.make(0, 1, scale: .linear).map(\.1) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(Ticks.make(0, 3, scale: .log).map(\.1) == ["1", "10", "100", "1000"])
    }

    /// Nearly constant data at 1e16 (one ulp apart): the old ±0.5 widening of a degenerate range was
    /// below the spacing of doubles there, the tick step 0.5 never moved v, and the loop never ended.
    @Test(.timeLimit(.minutes(1))) func nearlyConstantLargeDataRenders() throws {
        var plot = Plot(title: "constant", xLabel: "x", yLabel: "y")
        plot.add(Series("s", x: [0, 1, 2], y: [1e16, 1e16 + 2, 1e16]))
        _ = plot.render()
        #expect(plot.undrawableReason == nil)
    }

    @Test func aPlotWithoutAFiniteRangeSaysWhy() throws {
        var plot = Plot(title: "overflow", xLabel: "x", yLabel: "y")
        plot.add(Series("s", x: [-1e308, 1e308], y: [0, 1]))
        #expect(plot.undrawableReason?.contains("x range") == true)
        _ = plot.render()   // terminates, draws the reason
        let path = NSTemporaryDirectory() + "/plot-robustness-\(getpid()).png"
        defer { unlink(path) }
        do { try plot.write(to: path); Issue.record("an undrawable plot was written") } catch {
            #expect("\(error)".contains("cannot be drawn"), "\(error)")
        }
        var fixed = Plot(title: "fixed", xLabel: "x", yLabel: "y")
        fixed.add(Series("s", x: [0, 1], y: [0, 1]))
        fixed.yRange = 0...Double.infinity
        #expect(fixed.undrawableReason?.contains("y range") == true)
        // Non-finite points in otherwise good data are skipped, the plot is drawable.
        var some = Plot(title: "some", xLabel: "x", yLabel: "y")
        some.add(Series("s", x: [0, 1, 2], y: [0, .nan, .infinity]))
        #expect(some.undrawableReason == nil)
        _ = some.render()
    }
}
