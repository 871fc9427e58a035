import Figures
import Foundation
import Notebook
import NumericCore
import Samplers
import Theory

extension Chapter {
    // MARK: - §4 Concentration of Gaussian noise (T1.5)

    func concentration() {
        let nb = notebook
        let dims = setup.dims, normSamples = setup.normSamples
        nb.section("4. Gaussian noise concentrates on a sphere (T1.5)")
        nb.prose("""
        ‖ε‖² = Σ_i ε_i² ≈ d·E[ε_i²] = d, so ‖ε‖ ≈ √d: in high dimension Gaussian noise lives near the sphere \
        of radius σ√d, and its relative spread shrinks like 1/√(2d). The exact χ_d mean and spread are \
        the references; \(fmt(normSamples)) draws per dimension.
        """)
        nb.equation("E‖ε‖ = √2 Γ((d+1)/2)/Γ(d/2) → √d (1 − 1/(4d)),   sd‖ε‖ / E‖ε‖ → 1/√(2d)")
        var rows = [[String]]()
        var means = [Double](), spreads = [Double]()
        var hp = Plot(title: "‖ε‖/√d for 300 draws of ε ~ N(0, I_d) per dimension", xLabel: "d (log scale, jittered)", yLabel: "‖ε‖/√d", xScale: .log)
        var jitter = Xoshiro256(seed: 12345)
        for (i, d) in dims.enumerated() {
            var r = master.split()
            var buf = [Double](repeating: 0, count: d)
            let norms = (0..<normSamples).map { _ -> Double in
                buf.withUnsafeMutableBufferPointer { r.fillGaussian($0) }
                return dot(buf, buf).squareRoot() / Double(d).squareRoot()
            }
            let m = Stats.mean(norms), sd = Stats.variance(norms).squareRoot()
            let exactMean = LangevinTheory.chiMean(dimension: d) / Double(d).squareRoot()
            let exactSpread = LangevinTheory.chiRelativeSpread(dimension: d)
            nb.check("d = \(fmt(d)): mean ‖ε‖/√d = χ_d mean/√d", expected: exactMean, measured: m,
                     tolerance: .standardErrors(4, se: sd / Double(normSamples).squareRoot()))
            let spread = sd / m
            // sd of a sample standard deviation ≈ sd/√(2(n−1)) (the χ law is close to normal except at tiny d).
            nb.check("d = \(fmt(d)): relative spread sd/mean = exact χ_d value", expected: exactSpread, measured: spread,
                     tolerance: .standardErrors(4, se: spread / (2 * Double(normSamples - 1)).squareRoot()))
            means.append(m); spreads.append(spread)
            rows.append([fmt(d), fmt(m, digits: 5), fmt(exactMean, digits: 5), fmt(spread, digits: 4), fmt(exactSpread, digits: 4), fmt(1 / (2 * Double(d)).squareRoot(), digits: 4)])
            let shown = Array(norms.prefix(300))
            hp.add(Series(i == 0 ? "draws" : "", x: shown.map { _ in Double(d) * pow(10, 0.12 * (jitter.uniform() - 0.5)) }, y: shown,
                          style: .points, color: Color(0.1, 0.3, 0.8)))
        }
        nb.table(["d", "mean ‖ε‖/√d", "exact", "sd/mean", "exact", "1/√(2d)"], rows)
        if let last = dims.last, last >= 1000 {
            nb.check("d = \(fmt(last)): mean ‖ε‖/√d is within 0.1% of 1", expected: 1, measured: means.last!, tolerance: .relative(1e-3))
            nb.check("d = \(fmt(last)): relative spread ≈ 1/√(2d)", expected: 1 / (2 * Double(last)).squareRoot(), measured: spreads.last!, tolerance: .relative(0.1))
        }
        let dd0 = dims.map(Double.init)
        hp.add(Series("exact E‖ε‖/√d", x: dd0, y: dims.map { LangevinTheory.chiMean(dimension: $0) / Double($0).squareRoot() }, style: .line, color: .black))
        hp.add(Series("± 2 sd (exact χ_d)", x: dd0, y: dims.map { d -> Double in
            let m = LangevinTheory.chiMean(dimension: d) / Double(d).squareRoot(); return m * (1 + 2 * LangevinTheory.chiRelativeSpread(dimension: d)) }, style: .dashed, color: Color(0.8, 0.1, 0.1)))
        hp.add(Series("", x: dd0, y: dims.map { d -> Double in
            let m = LangevinTheory.chiMean(dimension: d) / Double(d).squareRoot(); return m * (1 - 2 * LangevinTheory.chiRelativeSpread(dimension: d)) }, style: .dashed, color: Color(0.8, 0.1, 0.1)))
        hp.yRange = 0...2.6
        nb.figure("concentration.png", caption: "‖ε‖/√d concentrates at 1 as d grows (relative spread ≈ 1/√(2d))", plot: hp)
        var sp = Plot(title: "Relative spread of ‖ε‖ vs dimension", xLabel: "d", yLabel: "sd‖ε‖ / E‖ε‖", xScale: .log, yScale: .log)
        let dd = dims.map(Double.init)
        sp.add(Series("1/√(2d)", x: dd, y: dd.map { 1 / (2 * $0).squareRoot() }, style: .dashed, color: .gray))
        sp.add(Series("exact χ_d", x: dd, y: dims.map { LangevinTheory.chiRelativeSpread(dimension: $0) }, style: .line))
        sp.add(Series("measured", x: dd, y: spreads, style: .points, color: Color(0.8, 0.1, 0.1)))
        nb.figure("concentration-spread.png", caption: "The relative spread of ‖ε‖ falls like 1/√(2d)", plot: sp)
    }
}
