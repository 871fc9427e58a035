import Foundation
import NumericCore
import PropertyBased
import Testing
import Theory

// Random Gaussian M-densities: λ ∈ [0.05, 5], σ ∈ [0.2, 2], M ≤ 6, so κ(F) ≤ 1 + 6·5/0.04 ≈ 750 and
// LAPACK's eigenvalues carry relative errors ≲ u·κ·√(Md) ≈ 1e-12. Every comparison below allows 1e-10.
private let tolerance = 1e-10
private let spectra = Gen.double(in: 0.05...5).array(of: 1...6)
private let sigmas = Gen.double(in: 0.2...2)
private let measurementCounts = Gen.int(in: 1...6)
private let noiseLevelLists = Gen.double(in: 0.2...2).array(of: 1...6)

/// Largest |a − b| relative to the largest |b| (entry-wise errors of a matrix with zeros in it).
private func scaledError(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
    Stats.maxAbsoluteError(a.storage, b.storage) / max(b.storage.map(abs).max() ?? 0, .leastNormalMagnitude)
}

@Suite("Gaussian M-density: closed forms T3.2–T3.4 against LAPACK")
struct GaussianMDensityClosedFormTests {
    @Test("T3.2: the LAPACK inverse of C has blocks A_i on the diagonal, B_i off it, zero across coordinates")
    func blocksMatchLAPACKInverse() async {
        await propertyCheck(count: 60, input: spectra, measurementCounts, sigmas) { lambdas, M, sigma in
            let model = GaussianMDensity(spectrum: lambdas, measurements: M, sigma: sigma)
            let inverse = try model.precisionByInversion()
            let d = lambdas.count
            var expected = Matrix<Double>(rows: model.size, columns: model.size)
            for i in 0..<d {
                let (a, b) = GaussianMDensity.blockEntries(lambda: lambdas[i], measurements: M, sigma: sigma)
                for m in 0..<M { for m2 in 0..<M { expected[m * d + i, m2 * d + i] = m == m2 ? a : b } }
            }
            #expect(scaledError(inverse, expected) <= tolerance)
            #expect(scaledError(model.precision(), expected) <= tolerance)
        }
    }

    @Test("F·C = I for F assembled from the Woodbury blocks, equal and unequal noise levels")
    func precisionTimesCovarianceIsIdentity() async {
        await propertyCheck(count: 60, input: spectra, noiseLevelLists) { lambdas, levels in
            let model = GaussianMDensity(spectrum: lambdas, sigmas: levels)
            let product = matmul(model.precision(), model.covariance())
            #expect(Stats.maxAbsoluteError(product.storage, Matrix<Double>.identity(model.size).storage) <= tolerance)
        }
    }

    @Test("T3.3: sorted LAPACK eigenvalues of F = closed form with multiplicities")
    func spectrumMatchesLAPACK() async {
        await propertyCheck(count: 60, input: spectra, measurementCounts, sigmas) { lambdas, M, sigma in
            let model = GaussianMDensity(spectrum: lambdas, measurements: M, sigma: sigma)
            let dense = try model.denseEigenvalues()
            #expect(dense.count == M * lambdas.count)
            #expect(Stats.maxRelativeError(dense, model.closedFormSortedSpectrum()) <= tolerance)
            #expect(Stats.maxRelativeError(try model.blockEigenvalues(), dense) <= tolerance)
        }
    }

    @Test("T3.4: κ from LAPACK = closed form for M = 1 and M ≥ 2")
    func conditionNumberMatchesLAPACK() async {
        await propertyCheck(count: 60, input: spectra, measurementCounts, sigmas) { lambdas, M, sigma in
            let model = GaussianMDensity(spectrum: lambdas, measurements: M, sigma: sigma)
            let measured = GaussianMDensity.conditionNumber(of: try model.denseEigenvalues())
            let theory = GaussianMDensity.conditionNumber(lambdaMax: lambdas.max()!, lambdaMin: lambdas.min()!, measurements: M, sigma: sigma)
            #expect(Stats.relativeError(measured, theory) <= tolerance)
            // Independent of the library's F and of LAPACK: κ(F) = κ(C), with C written out here from
            // its definition (entry λ_i + [m = m']σ² between y_m and y_m' in coordinate i) and its
            // eigenvalues found by the naive Jacobi sweeps (absolute error ≲ u‖C‖ ≤ 1e-16·31, smallest
            // eigenvalue ≥ σ² ≥ 0.04, so relative error ≲ 1e-13 on κ).
            let jacobi = Naive.symmetricEigenvalues(Self.covarianceFromDefinition(lambdas, sigmas: Array(repeating: sigma, count: M)))
            #expect(Stats.relativeError(model.closedFormConditionNumber(), jacobi.max()! / jacobi.min()!) <= tolerance)
        }
    }

    @Test("T3.4 along a class σ = σ_eff √M: κ = 1 + λ_max/σ_eff² for every M ≥ 2")
    func conditionNumberConstantAlongClass() async {
        await propertyCheck(count: 40, input: spectra, Gen.int(in: 2...12), Gen.double(in: 0.2...1)) { lambdas, M, sigmaEff in
            let model = GaussianMDensity(spectrum: lambdas, measurements: M, sigma: sigmaEff * Double(M).squareRoot())
            let measured = GaussianMDensity.conditionNumber(of: try model.blockEigenvalues())
            #expect(Stats.relativeError(measured, GaussianMDensity.classConditionNumber(lambdaMax: lambdas.max()!, sigmaEff: sigmaEff)) <= tolerance)
        }
    }

    @Test("T3.3 multiplicities: 1/σ² occurs (M−1)d times, and M = 1 gives F = (Λ + σ²)⁻¹")
    func multiplicities() throws {
        let lambdas = [2.0, 1, 0.5], sigma = 0.5
        let distinct = GaussianMDensity.closedFormEigenvalues(spectrum: lambdas, measurements: 5, sigma: sigma)
        #expect(distinct.last == GaussianMDensity.Eigenvalue(value: 4, multiplicity: 12))
        #expect(distinct.map(\.multiplicity).reduce(0, +) == 15)
        let single = GaussianMDensity(spectrum: lambdas, measurements: 1, sigma: sigma)
        #expect(Stats.maxRelativeError(try single.denseEigenvalues(), lambdas.map { 1 / ($0 + 0.25) }.sorted()) <= tolerance)
        // By hand: M = 1 gives F = diag(1/(λ_i + σ²)), so κ = (2 + 1/4)/(1/2 + 1/4) = 3. For M = 5,
        // C_i = λ_i 1 1ᵀ + σ² I has eigenvalues σ² (on 1^⊥, 4 times) and σ² + 5λ_i (on 1), so
        // κ(F) = κ(C) = (1/4 + 5·2)/(1/4) = 41. Both are exact in binary; allow a few ulps.
        #expect(abs(single.closedFormConditionNumber() - 3) <= 4 * Double.ulpOfOne * 3)
        let five = GaussianMDensity(spectrum: lambdas, measurements: 5, sigma: sigma)
        #expect(abs(five.closedFormConditionNumber() - 41) <= 4 * Double.ulpOfOne * 41)
        let jacobi = Naive.symmetricEigenvalues(Self.covarianceFromDefinition(lambdas, sigmas: Array(repeating: sigma, count: 5)))
        #expect(Stats.relativeError(jacobi.max()! / jacobi.min()!, 41) <= tolerance)
    }

    /// C = Cov(y) written from its definition, y_m = x + σ_m ε_m with x ~ N(0, diag λ), entry m·d + i
    /// for coordinate i of y_m: Cov(y_mi, y_m'i') = [i = i'](λ_i + [m = m'] σ_m²). (Not the library's C.)
    static func covarianceFromDefinition(_ lambdas: [Double], sigmas: [Double]) -> Matrix<Double> {
        let d = lambdas.count, n = d * sigmas.count
        return Matrix<Double>(rows: n, columns: n) { a, b in
            let (m, i) = a.quotientAndRemainder(dividingBy: d), (m2, i2) = b.quotientAndRemainder(dividingBy: d)
            guard i == i2 else { return 0 }
            return lambdas[i] + (m == m2 ? sigmas[m] * sigmas[m] : 0)
        }
    }
}

@Suite("Gaussian M-density: unequal noise levels and the secular equation (T3.5)")
struct GaussianMDensitySecularTests {
    @Test("T3.5: secular-equation roots = LAPACK eigenvalues of the dense F, random unequal noise levels")
    func secularRootsMatchLAPACK() async {
        await propertyCheck(count: 80, input: spectra, noiseLevelLists) { lambdas, levels in
            let model = GaussianMDensity(spectrum: lambdas, sigmas: levels)
            let dense = try symmetricEigen(model.precision()).values
            #expect(Stats.maxRelativeError(model.secularEigenvalues(), dense) <= tolerance)
            #expect(Stats.maxRelativeError(try model.blockEigenvalues(), dense) <= tolerance)
        }
    }

    @Test("T3.5 with repeated noise levels: 1/σ² deflates with multiplicity (r − 1)d")
    func repeatedLevelsDeflate() async {
        await propertyCheck(count: 60, input: spectra, noiseLevelLists, Gen.int(in: 1...3)) { lambdas, base, repeats in
            let levels = base + Array(repeating: base[0], count: repeats)  // base[0] now occurs ≥ repeats + 1 times
            let model = GaussianMDensity(spectrum: lambdas, sigmas: levels)
            let dense = try symmetricEigen(model.precision()).values
            let secular = model.secularEigenvalues()
            #expect(Stats.maxRelativeError(secular, dense) <= tolerance)
            let pole = 1 / (base[0] * base[0]), r = levels.filter { $0 == base[0] }.count
            #expect(secular.filter { $0 == pole }.count >= (r - 1) * lambdas.count)
        }
    }

    @Test("secular solver on general diag(d) + ρ z zᵀ (both signs of ρ, repeated poles, zero weights) vs LAPACK")
    func generalDiagonalPlusRankOne() async {
        let entries = Gen.double(in: -3...3).array(of: 1...7)
        await propertyCheck(count: 150, input: entries, entries, Gen.double(in: -4...4), Gen.int(in: 0...2)) { d0, z0, rho, variant in
            let n = min(d0.count, z0.count)
            var d = Array(d0.prefix(n)), z = Array(z0.prefix(n))
            if variant == 1 && n > 1 { d[n - 1] = d[0] }             // a repeated pole
            if variant == 2 { z[0] = 0 }                               // a zero weight
            let a = Matrix<Double>(rows: n, columns: n) { i, j in (i == j ? d[i] : 0) + rho * z[i] * z[j] }
            let lapack = try symmetricEigen(a).values
            let roots = SecularEquation.eigenvalues(diagonal: d, rho: rho, z: z)
            let scale = d.map(abs).max()! + abs(rho) * z.reduce(0) { $0 + $1 * $1 } + 1e-300
            #expect(Stats.maxAbsoluteError(roots, lapack) / scale <= 1e-12)
            #expect(SecularEquation.interlace(eigenvalues: lapack, diagonal: d, rho: rho, tolerance: 1e-12))
        }
    }

    @Test("secular solver on up to 40 poles spread over 12 decades, clustered or not (error ≤ 1e-12·‖A‖)")
    func widelySpreadPoles() async {
        let exponents = Gen.double(in: -6...6).array(of: 2...40)
        await propertyCheck(count: 60, input: exponents, Gen.double(in: -6...6), Gen.int(in: 0...1)) { e, logRho, cluster in
            var rng = Xoshiro256(seed: UInt64(e.count) &* 7919 &+ UInt64(cluster))
            // Clustered: every pole within a relative 1e-9 of one of three centres.
            let d = e.enumerated().map { k, x in cluster == 1 ? pow(10, Double(k % 3)) * (1 + 1e-9 * x) : pow(10, x) }
            let z = d.indices.map { _ in rng.gaussian() }
            for rho in [pow(10, logRho), -pow(10, logRho)] {
                let n = d.count
                let a = Matrix<Double>(rows: n, columns: n) { i, j in (i == j ? d[i] : 0) + rho * z[i] * z[j] }
                let lapack = try symmetricEigen(a).values
                let roots = SecularEquation.eigenvalues(diagonal: d, rho: rho, z: z)
                let norm = lapack.map(abs).max()!
                #expect(Stats.maxAbsoluteError(roots, lapack) <= 1e-12 * norm, "ρ = \(rho), n = \(n), cluster = \(cluster)")
            }
        }
    }

    @Test("secular solver: nearly equal poles, a tiny weight, and ρ = 0")
    func hardCases() throws {
        let cases: [([Double], Double, [Double])] = [
            ([1, 1 + 1e-15, 1 + 1e-10, 2], -0.7, [1, 1, 1, 1]),
            ([0.5, 1, 4], 2, [1e-9, 1, 1]),
            ([3, 1, 2], 0, [1, 1, 1]),
            ([1, 1, 1], -0.1, [1, 2, 3]),
        ]
        for (d, rho, z) in cases {
            let a = Matrix<Double>(rows: d.count, columns: d.count) { i, j in (i == j ? d[i] : 0) + rho * z[i] * z[j] }
            let lapack = try symmetricEigen(a).values
            let roots = SecularEquation.eigenvalues(diagonal: d, rho: rho, z: z)
            #expect(Stats.maxAbsoluteError(roots, lapack) <= 1e-13 * (4 + abs(rho) * 14), "d = \(d), ρ = \(rho), z = \(z)")
        }
    }

    @Test("equal noise levels through T3.5 reproduce T3.3")
    func equalLevelsReduceToClosedForm() {
        let model = GaussianMDensity(spectrum: [3, 1, 0.2], sigmas: [0.7, 0.7, 0.7, 0.7])
        #expect(model.commonSigma == 0.7)
        #expect(Stats.maxRelativeError(model.secularEigenvalues(), model.closedFormSortedSpectrum()) <= tolerance)
    }
}
