import Datasets
import Figures
import Foundation
import Notebook
import NumericCore
import Theory

extension Chapter {
    // MARK: - §7 Concentration at every σ, and noise makes a data set spherical (T1.5, T1.9)

    func sphericalData() {
        let nb = notebook
        nb.section("7. Concentration at every σ, and noise makes a data set spherical (T1.5, T1.9)")
        noiseScalesWithSigma()
        let images: ImageSet
        do { images = try DatasetCatalog.load(name: setup.imageData, dataDirectory: setup.dataDir) } catch {
            nb.prose("(The data part of this section needs --image-data \(setup.imageData), which is not installed here: \(error). Run scripts/install-data.sh.)")
            return
        }
        noisyDataRadii(images)
    }

    /// ‖σε‖ ≈ σ√d at every σ: the mean scales with σ and the relative spread does not depend on it.
    func noiseScalesWithSigma() {
        let nb = notebook, d = 784, n = setup.normSamples
        nb.prose("""
        §4 checked ‖ε‖ ≈ √d at σ = 1. Scaling is exact, ‖σε‖ = σ‖ε‖, so at every σ the noise lies near the \
        sphere of radius σ√d with the same relative spread; checked on fresh draws at d = \(d) (an MNIST \
        image), \(fmt(n)) per σ, 4 s.e.
        """)
        var r = master.split()
        var buf = [Double](repeating: 0, count: d)
        var rows = [[String]]()
        for sigma in setup.sphereSigmas where sigma > 0 {
            let norms = (0..<n).map { _ -> Double in
                buf.withUnsafeMutableBufferPointer { r.fillGaussian($0, std: sigma) }
                return dot(buf, buf).squareRoot()
            }
            let m = Stats.mean(norms), sd = Stats.variance(norms).squareRoot()
            let exact = sigma * LangevinTheory.chiMean(dimension: d)
            nb.check("σ = \(fmt(sigma)), d = \(d): mean ‖σε‖ = σ·(χ_d mean)", expected: exact, measured: m,
                     tolerance: .standardErrors(4, se: sd / Double(n).squareRoot()))
            let spread = sd / m
            nb.check("σ = \(fmt(sigma)), d = \(d): relative spread of ‖σε‖ = the χ_d value, whatever σ", expected: LangevinTheory.chiRelativeSpread(dimension: d),
                     measured: spread, tolerance: .standardErrors(4, se: spread / (2 * Double(n - 1)).squareRoot()))
            rows.append([fmt(sigma), fmt(m / (sigma * Double(d).squareRoot()), digits: 5), fmt(spread, digits: 4)])
        }
        nb.table(["σ", "mean ‖σε‖/(σ√d)", "sd/mean"], rows)
    }

    /// The relative spread of the squared radius ‖y − ȳ‖² of a noisy image set against T1.9, per σ.
    func noisyDataRadii(_ set: ImageSet) {
        let nb = notebook, d = set.channels * set.height * set.width
        let n = min(set.count, setup.sphereImages), reps = Self.noiseReplicates
        let (x, m, v) = Self.cleanRadii(set, images: n)
        nb.prose("""
        Data are not spherical: the \(fmt(n)) \(setup.imageData) images (d = \(d), pixels in [0, 1]) have squared \
        distances ‖x − x̄‖² to their mean of \(fmt(m, digits: 4)) on average with a relative spread of \
        \(fmt(v.squareRoot() / m, digits: 3)). Adding noise y = x + σε adds σ²d to every squared radius and \
        only 2σ⟨x − x̄, ε⟩ + σ²(‖ε‖² − d) of fluctuation, so the noisy set concentrates on a sphere as σ grows \
        (T1.9), with the noise's own relative spread √(2/d) = \(fmt((2 / Double(d)).squareRoot(), digits: 3)) as the limit. \
        Measured: ȳ is the noisy set's own mean; \(reps) independent noise draws per σ, and the s.e. of their \
        mean is their spread over √\(reps); tolerance 4 s.e.
        """)
        nb.equation("E‖y − μ‖² = m + σ²d,   Var‖y − μ‖² = V + 4σ²m + 2σ⁴d,   m = E‖x − μ‖², V = Var‖x − μ‖²")
        var r = master.split()
        var rows = [[String]](), measured = [Double](), measuredSquared = [Double](), predicted = [Double]()
        for sigma in setup.sphereSigmas {
            let ratios = (0..<reps).map { _ -> (squared: Double, norm: Double) in
                var y = x
                if sigma > 0 { for k in y.indices { y[k] += sigma * r.gaussian() } }
                let q = Self.squaredRadii(y, count: n, dimension: d), radius = q.map { $0.squareRoot() }
                let sq = (Stats.variance(q) * Double(n - 1) / Double(n)).squareRoot() / Stats.mean(q)
                return (sq, Stats.variance(radius).squareRoot() / Stats.mean(radius))
            }
            let mean = Stats.mean(ratios.map(\.squared)), se = Stats.standardError(ratios.map(\.squared))
            let exact = LangevinTheory.noisyRadiusRelativeSpread(cleanMeanSquare: m, cleanVariance: v, sigma: sigma, dimension: d)
            if sigma > 0 {
                nb.check("σ = \(fmt(sigma)): relative spread of ‖y − ȳ‖² = √(V + 4σ²m + 2σ⁴d)/(m + σ²d) (T1.9)", expected: exact, measured: mean,
                         tolerance: .standardErrors(4, se: max(se, 1e-12)))
            }
            measured.append(Stats.mean(ratios.map(\.norm))); measuredSquared.append(mean); predicted.append(exact)
            rows.append([fmt(sigma), fmt(exact, digits: 4), fmt(mean, digits: 4), fmt(se, digits: 2), fmt(measured.last!, digits: 4)])
        }
        nb.table(["σ", "sd/mean of ‖y − ȳ‖², T1.9", "measured", "s.e.", "sd/mean of ‖y − ȳ‖"], rows)
        let falling = zip(measured, measured.dropFirst()).allSatisfy { $0.1 < $0.0 }
        nb.check("the noisy images get more spherical: sd/mean of ‖y − ȳ‖ falls at every step of σ", falling,
                 detail: measured.map { fmt($0, digits: 3) }.joined(separator: " > "))
        sphericalFigure(sigmas: setup.sphereSigmas, measured: measured, measuredSquared: measuredSquared, m: m, v: v, d: d)
    }

    static let noiseReplicates = 10

    /// `images` images evenly spaced through the set (mnist5k is sorted by label), row-major in Double,
    /// with the mean m and the (1/n) variance V of their squared distances to their mean.
    static func cleanRadii(_ set: ImageSet, images n: Int) -> (x: [Double], m: Double, v: Double) {
        let d = set.channels * set.height * set.width
        let x = (0..<n).flatMap { i in set.image(i * set.count / n).map(Double.init) }
        let clean = squaredRadii(x, count: n, dimension: d)
        return (x, Stats.mean(clean), Stats.variance(clean) * Double(n - 1) / Double(n))
    }

    /// ‖z_i − z̄‖² of the `count` rows of z (row-major, `dimension` columns), z̄ the row mean.
    static func squaredRadii(_ z: [Double], count n: Int, dimension d: Int) -> [Double] {
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += z[i * d + j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        return (0..<n).map { i in (0..<d).reduce(0.0) { let e = z[i * d + $1] - mean[$1]; return $0 + e * e } }
    }

    func sphericalFigure(sigmas: [Double], measured: [Double], measuredSquared: [Double], m: Double, v: Double, d: Int) {
        var plot = Plot(title: "Noise makes \(setup.imageData) spherical: relative spread of the radius", xLabel: "σ", yLabel: "sd / mean")
        let top = sigmas.max()!
        let grid = (0...100).map { top * Double($0) / 100 }
        plot.add(Series("T1.9 for ‖y − ȳ‖²", x: grid, y: grid.map { LangevinTheory.noisyRadiusRelativeSpread(cleanMeanSquare: m, cleanVariance: v, sigma: $0, dimension: d) }, style: .line))
        plot.add(Series("measured, ‖y − ȳ‖²", x: sigmas, y: measuredSquared, style: .points, color: .black))
        plot.add(Series("measured, ‖y − ȳ‖", x: sigmas, y: measured, style: .points, color: Color(0.8, 0.1, 0.1)))
        for (label, level) in [("noise alone, ‖·‖²: √(2/d)", (2 / Double(d)).squareRoot()), ("noise alone, ‖·‖: ≈ 1/√(2d)", LangevinTheory.chiRelativeSpread(dimension: d))] {
            plot.add(Series(label, x: [0, top], y: [level, level], style: .dashed, color: .gray))
        }
        notebook.figure("spherical-data.png", caption: "The relative spread of the distance to the mean falls towards the noise's own √(2/d) as σ grows", plot: plot)
    }
}
