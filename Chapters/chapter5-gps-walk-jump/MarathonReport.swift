import Figures
import Foundation
import Notebook
import NumericCore
import Samplers

extension Chapter {
    /// The marathon chain's windows, figures and checks.
    func reportMarathon(_ state: MarathonState, finite: Bool, resumedAt first: Int) {
        let p = s.preset, m = s.longMember, d = data.pixels, n = state.jumps.count / d
        let labels = predictions(state.jumps, count: n), contrasts = contrast(state.jumps, count: n)
        // A blank jump is no class (label −1): entering or leaving blank is not mixing.
        let classes = zip(labels, contrasts).map { $1 < blankThreshold ? -1 : $0 }
        let windows = min(p.marathonWindows, n)
        var trace = QualityTrace(name: "marathon", member: m)
        var blank = [Double](), visited = [Int]()
        for w in 0..<windows {
            let lo = w * n / windows, hi = (w + 1) * n / windows
            var pool = WindowPool()
            for j in lo..<hi { collect(&pool, jump: Array(state.jumps[(j * d)..<((j + 1) * d)]), mean: Array(state.means[(j * d)..<((j + 1) * d)])) }
            closeWindow(&pool, at: hi * p.marathonJumpEvery, into: &trace)
            blank.append(Double(classes[lo..<hi].filter { $0 < 0 }.count) / Double(max(1, hi - lo)))
            visited.append(Set(classes[lo..<hi].filter { $0 >= 0 }).count)
        }
        let switches = zip(classes, classes.dropFirst()).filter { $0 != $1 && $0 >= 0 && $1 >= 0 }.count
        let allVisited = Set(classes.filter { $0 >= 0 }).count
        let stepsPerSecond = Double(state.step) / max(1e-9, state.seconds)
        marathonStrip(state.jumps, classes: classes, count: n)
        marathonClassPlot(classes)
        notebook.prose("The chain walked \(fmt(state.step)) steps\(first > 0 ? " (continued from a saved chain at step \(fmt(first)))" : "") at \(fmtTiming(stepsPerSecond, digits: 4)) steps/s of network and walk time (\(fmtTiming(state.seconds / 60, digits: 3)) min in all), and kept \(fmt(n)) jumps. It visited \(allVisited) of the \(data.train.classCount) classes and switched class \(fmt(switches)) times between consecutive kept jumps (\(fmt(1000 * Double(switches) / Double(state.step), digits: 3)) per 1 000 steps). Each window pools \(fmt(n / max(1, windows))) consecutive jumps of the one chain; they are correlated, so FD's finite-n offset is larger than for independent draws — compare the windows with each other.")
        notebook.table(["window ends at step", "FD", "KID", "confident", "TV(classes)", "contrast / exact", "blank", "classes visited", "‖ȳ − ν_θ(ȳ)‖²/d"],
                       trace.windowEnds.indices.map { w in
            [fmt(trace.windowEnds[w]), fmt(trace.fd[w], digits: 3), fmt(trace.kid[w], digits: 3), fmt(100 * trace.confident[w], digits: 3) + " %",
             fmt(trace.classTV[w], digits: 2), fmt(trace.contrastRatio[w], digits: 3), fmt(100 * blank[w], digits: 3) + " %",
             String(visited[w]), fmt(trace.residual[w], digits: 4)]
        })
        notebook.check("the marathon chain stays finite (\(fmt(state.step)) steps)", finite, detail: "all positions and velocities finite")
        guard p.name != "tiny", windows >= 2 else { return }
        let half = classes[(n / 2)...], halfBlank = Double(half.filter { $0 < 0 }.count) / Double(max(1, half.count))
        notebook.check("the marathon chain stays on the data: ≤ 5 % blank jumps in its second half", measured: halfBlank, atMost: 0.05)
        notebook.check("the marathon chain keeps its contrast: the last window's within \(p.contrastBounds) × an exact walk's jumps' (preset \(p.name))",
                       p.acceptsContrast(trace.contrastRatio.last!), detail: "measured \(fmt(trace.contrastRatio.last!, digits: 3))")
        notebook.check("the marathon chain mixes: it visits at least 3 classes (blank jumps not counted)", measured: Double(allVisited), atLeast: 3)
        notebook.check("the marathon chain is stable: FD of its last window ≤ \(fmt(p.maxDecayRatio))× its first window's (equal window sizes)",
                       measured: trace.fd.last! / trace.fd.first!, atMost: p.maxDecayRatio)
    }

    /// Jumps spread evenly over the whole chain: 4 rows of 16.
    func marathonStrip(_ jumps: [Float], classes: [Int], count n: Int) {
        let d = data.pixels, shown = min(64, n), p = s.preset
        let idx = (0..<shown).map { $0 * (n - 1) / max(1, shown - 1) }
        let g = grid(idx.flatMap { jumps[($0 * d)..<(($0 + 1) * d)] }, count: shown, columns: min(16, shown),
                     title: "one chain of \(s.longMember.label): \(shown) of its \(fmt(n)) jumps, evenly spread over \(fmt(s.preset.marathonSteps)) steps")
        let steps = idx.map { fmt(($0 + 1) * p.marathonJumpEvery) }
        notebook.figure("marathon-strip.png", caption: "The marathon chain's jumps x̂ = ν_θ(ȳ) at steps \(steps.first ?? ""), …, \(steps.last ?? "") (row by row, left to right); their classes (· = blank): \(idx.map { classes[$0] < 0 ? "·" : String(classes[$0]) }.joined()).", grid: g)
    }

    /// The class of every kept jump against the walk step (−1: blank).
    func marathonClassPlot(_ classes: [Int]) {
        let every = Double(s.preset.marathonJumpEvery)
        var plot = Plot(title: "Classes visited by the marathon chain, \(s.longMember.description)", xLabel: "walk step",
                        yLabel: "class of the jump (−1: blank)")
        plot.add(Series("classifier's label", x: classes.indices.map { Double($0 + 1) * every }, y: classes.map(Double.init), style: .points))
        plot.yRange = -1.5...Double(data.train.classCount) + 0.5
        notebook.figure("marathon-classes.png", caption: "The classifier's label of each kept jump along the chain (−1: a blank jump, contrast below a quarter of the held-out images' mean).", plot: plot)
    }
}
