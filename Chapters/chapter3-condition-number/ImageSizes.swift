import Datasets
import Foundation
import Figures
import Notebook
import NumericCore
import Theory

extension Chapter {
    /// M values of the image-size sweep.
    static let imageSweepMs = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]
    /// Images used for the pixel covariance (evenly spaced through the set): enough for its leading
    /// eigenvalues, which are all κ needs (T3.4: λ_max, and λ_min only at M = 1), at a fraction of the cost.
    static let covarianceImages = 2000

    /// The data spectrum of one image size: eigenvalues of a data set's pixel covariance, or a stated
    /// synthetic stand-in. Descending, every value ≥ the floor.
    struct ImageSpectrum {
        let name: String
        let d: Int
        let lambdas: [Double]
        let source: String
    }

    /// Eigenvalues of the pixel covariance of `covarianceImages` evenly spaced images of `name`, or nil
    /// (with the reason) when the set is not installed or has another size.
    func dataSpectrum(name: String, dataDirectory: String, expectedDimension d: Int) -> (lambdas: [Double]?, note: String) {
        let set: ImageSet
        do { set = try DatasetCatalog.load(name: name, dataDirectory: dataDirectory) } catch {
            return (nil, "\(name) is not installed here (\(error))")
        }
        let dim = set.channels * set.height * set.width
        guard dim == d, set.count >= 2 else { return (nil, "\(name) has d = \(dim), not \(d)") }
        // Images evenly spaced through the set: sets may be sorted by label (mnist5k is: its first 2000
        // images are the digits 0–3 only), so a prefix would not be representative.
        let n = min(set.count, Self.covarianceImages)
        let picked = (0..<n).map { $0 * set.count / n }
        var x = Matrix<Double>(rows: n, columns: d)
        var mean = [Double](repeating: 0, count: d)
        for image in picked { for j in 0..<d { mean[j] += Double(set.images[image * d + j]) / Double(n) } }
        for (r, image) in picked.enumerated() { for j in 0..<d { x[r, j] = Double(set.images[image * d + j]) - mean[j] } }
        var cov = matmul(x, x, transposeA: true)
        for k in cov.storage.indices { cov.storage[k] /= Double(n - 1) }
        guard let values = try? symmetricEigen(cov).values else { return (nil, "LAPACK failed on the \(name) covariance") }
        return (values.sorted(by: >), "pixel covariance of \(n) images evenly spaced through its \(set.count), pixels scaled to [0, 1]")
    }

    /// Raises eigenvalues below floor·λ_max (pixels that never change, and rounding) to that floor:
    /// the M-density needs Λ > 0. Returns the values and how many were raised.
    static func floored(_ values: [Double], floor: Double = 1e-6) -> ([Double], Int) {
        let least = floor * values[0]
        return (values.map { max($0, least) }, values.filter { $0 < least }.count)
    }

    /// κ(F) at image sizes: MNIST-sized (d = 784) and CIFAR-sized (d = 3072) M-densities, M = 1…64,
    /// by the block route on all d coordinates, against T3.4.
    func imageSizes(dataDirectory: String, imageData: String) throws {
        let s = full
        notebook.section("κ at image sizes (T3.4)")
        notebook.prose("""
            The structured routes never build an Md×Md matrix, so image-sized M-densities are within reach: here \
            κ(F) for d = 784 (MNIST) and d = 3 072 (CIFAR-10) with M up to 64 — Md up to 196 608, a dense F of \
            309 GB. Each κ below is from the full spectrum of F by the block route (d LAPACK calls on M×M blocks), \
            compared with T3.4. The data spectrum Λ is the eigenvalues of a pixel covariance when the data set \
            is installed.
            """)
        var spectra = [ImageSpectrum]()
        var notes = [String]()
        // d = 784: the data set's own covariance spectrum when installed.
        var mnist: [Double]? = nil
        if imageData != "none" {
            let (values, note) = dataSpectrum(name: imageData, dataDirectory: dataDirectory, expectedDimension: 784)
            if let values {
                let (v, raised) = Self.floored(values)
                mnist = v
                spectra.append(ImageSpectrum(name: imageData, d: 784, lambdas: v, source: "\(note); \(raised) eigenvalues below 10⁻⁶·λ_max raised to it"))
            } else { notes.append(note) }
        }
        // The power law λ_k = λ_1 k^(−α): fitted (least squares in log–log) to the leading 100 eigenvalues
        // of the data spectrum when there is one, else λ_1 = 5, α = 1 (a stand-in, not fitted to data).
        var lambda1 = 5.0, alpha = 1.0, fitted = false
        if let mnist {
            let k = 100
            let xs = (1...k).map { log(Double($0)) }, ys = mnist.prefix(k).map { log($0) }
            alpha = -Stats.linearFit(x: xs, y: Array(ys)).slope; lambda1 = mnist[0]; fitted = true
        }
        let powerLaw = { (d: Int) in (1...d).map { lambda1 * pow(Double($0), -alpha) } }
        let lawText = "power law λ_k = \(fmt(lambda1, digits: 4))·k^(−\(fmt(alpha, digits: 3)))"
            + (fitted ? " (λ_1 and α fitted to the leading 100 eigenvalues of the \(imageData) spectrum)" : " (a stand-in, not fitted to any data)")
        if mnist == nil {
            spectra.append(ImageSpectrum(name: "MNIST-sized", d: 784, lambdas: powerLaw(784), source: lawText))
        }
        // d = 3072: CIFAR-10 when installed, else the power law.
        let cifar = imageData == "none" ? (lambdas: nil, note: "")
            : dataSpectrum(name: "cifar10", dataDirectory: dataDirectory, expectedDimension: 3072)
        if let values = cifar.lambdas {
            let (v, raised) = Self.floored(values)
            spectra.append(ImageSpectrum(name: "cifar10", d: 3072, lambdas: v, source: "\(cifar.note); \(raised) eigenvalues raised to 10⁻⁶·λ_max"))
        } else {
            if imageData != "none" { notes.append("CIFAR-10 is not installed under \(dataDirectory)/cifar10, so d = 3072 uses the power law") }
            spectra.append(ImageSpectrum(name: "CIFAR-sized", d: 3072, lambdas: powerLaw(3072), source: lawText))
        }
        notebook.table(["d", "Λ from", "λ_max", "λ_min"], spectra.map {
            [String($0.d), "\($0.name): \($0.source)", fmt($0.lambdas.max()!), fmt($0.lambdas.min()!)]
        })
        if !notes.isEmpty { notebook.prose("(" + notes.joined(separator: "; ") + ".)") }

        var rows = [[String]](), plot = Plot(title: "κ(F) at image sizes", xLabel: "M (number of measurements)",
                                             yLabel: "κ(F) = λ_max / λ_min", xScale: .log, yScale: .log)
        var allKappa = [Double]()
        var pending = [() -> Void]()  // the check lines, printed after the table
        let watch = Stopwatch()
        // Thousands of small LAPACK calls: OpenBLAS threads only add overhead there.
        try withSingleThreadedBLAS {
        for (index, spectrum) in spectra.enumerated() {
            let lmax = spectrum.lambdas.max()!, lmin = spectrum.lambdas.min()!
            var fixed = [(m: Int, theory: Double, measured: Double)](), along = fixed
            for m in Self.imageSweepMs {
                let a = GaussianMDensity(spectrum: spectrum.lambdas, measurements: m, sigma: s.sigma)
                let b = GaussianMDensity(spectrum: spectrum.lambdas, measurements: m, sigma: s.sigmaEff * Double(m).squareRoot())
                fixed.append((m, a.closedFormConditionNumber(), GaussianMDensity.conditionNumber(of: try a.blockEigenvalues())))
                along.append((m, b.closedFormConditionNumber(), GaussianMDensity.conditionNumber(of: try b.blockEigenvalues())))
            }
            for k in fixed.indices where [1, 2, 8, 64].contains(fixed[k].m) {
                rows.append([String(spectrum.d), String(fixed[k].m), String(spectrum.d * fixed[k].m), fmt(fixed[k].theory), fmt(fixed[k].measured),
                             fmt(along[k].theory), fmt(along[k].measured)])
            }
            let topKappa = (fixed + along).map(\.theory).max()!
            let tol = tolerance(kappa: topKappa, n: spectrum.d * Self.imageSweepMs.last!)
            let worst = (fixed + along).map { Stats.relativeError($0.measured, $0.theory) }.max()!
            pending.append { [self] in self.notebook.check("T3.4 at d = \(spectrum.d), M = 1…64 (\(fixed.count) values, fixed σ and class): block-route κ = closed form (max rel. error)",
                           measured: worst, atMost: tol) }
            let slopeError = fixed.filter { $0.m >= 2 }.map { abs(($0.measured - 1) / (Double($0.m) * lmax / (s.sigma * s.sigma)) - 1) }.max()!
            pending.append { [self] in self.notebook.check("T3.4 at d = \(spectrum.d), fixed σ = \(fmt(s.sigma)): (κ − 1)/M = λ_max/σ² for every M ≥ 2 (max rel. deviation)",
                           measured: slopeError, atMost: tol) }
            let members = along.filter { $0.m >= 2 }.map(\.measured)
            let classKappa = GaussianMDensity.classConditionNumber(lambdaMax: lmax, sigmaEff: s.sigmaEff)
            pending.append { [self] in self.notebook.check("T3.4 at d = \(spectrum.d), class σ = \(fmt(s.sigmaEff))·√M: κ = 1 + λ_max/σ_eff² = \(fmt(classKappa)) for all M ≥ 2 (worst of \(members.count))",
                           expected: classKappa, measured: members.max { abs($0 - classKappa) < abs($1 - classKappa) }!, tolerance: .relative(tol)) }
            let color = Color.cycle[index == 0 ? 0 : 3]
            let grid = (1...64).map(Double.init)
            plot.add(Series("d = \(spectrum.d), σ = \(fmt(s.sigma)) (T3.4)", x: grid, y: grid.map {
                GaussianMDensity.conditionNumber(lambdaMax: lmax, lambdaMin: lmin, measurements: Int($0), sigma: s.sigma) }, style: .line, color: color))
            plot.add(Series("d = \(spectrum.d), class σ_eff√M (T3.4)", x: grid, y: grid.map {
                GaussianMDensity.conditionNumber(lambdaMax: lmax, lambdaMin: lmin, measurements: Int($0), sigma: s.sigmaEff * $0.squareRoot()) }, style: .dashed, color: color))
            plot.add(Series("d = \(spectrum.d), blocks", x: fixed.map { Double($0.m) }, y: fixed.map(\.measured), style: .points, color: color))
            plot.add(Series("d = \(spectrum.d), blocks (class)", x: along.map { Double($0.m) }, y: along.map(\.measured), style: .points, color: color))
            allKappa += (fixed + along).map(\.measured)
        }
        }
        let seconds = watch.seconds
        notebook.table(["d", "M", "Md", "κ T3.4 (σ fixed)", "κ blocks", "κ T3.4 (class)", "κ blocks (class)"], rows)
        pending.forEach { $0() }
        notebook.prose("""
            All \(2 * Self.imageSweepMs.count * spectra.count) block-route spectra took \(fmtTiming(seconds)) s together. \
            κ counts Langevin steps (first section), so at fixed σ = \(fmt(s.sigma)) sampling a 64-measurement \
            M-density of images costs about 64 times as many steps as one measurement, while along a class \
            σ = σ_eff √M it costs the same for every M ≥ 2 — and the dimension d does not enter at all: only λ_max \
            (and, at M = 1, λ_min) of the data spectrum does.
            """)
        plot.yRange = (allKappa.min()! / 1.3)...(allKappa.max()! * 40)  // headroom for the legend
        notebook.figure("kappa-image-sizes.png", caption: """
            κ(F) against M (log–log) for d = 784 and d = 3072 (spectra in the table above): lines T3.4, points the \
            block route on all d coordinates. Solid: σ = \(fmt(s.sigma)) fixed, κ = 1 + Mλ_max/σ²; dashed: the class \
            σ = \(fmt(s.sigmaEff))·√M, flat at 1 + λ_max/σ_eff² for M ≥ 2.\(spectra.count == 2 && spectra[0].lambdas[0] == spectra[1].lambdas[0] ? " The two d lie on top of each other: the d = 3072 power law shares λ_max with the d = 784 spectrum, and κ depends on λ_max (and λ_min at M = 1) only." : "")
            """, plot: plot)
    }
}
