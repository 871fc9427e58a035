import Foundation
import NumericCore
import Testing
import Theory

// The structured routes beyond the dense limit (issue 17 item 7): Md = 200 000 here, a dense F of
// 320 GB, so nothing is compared with a dense matrix; the block route (d LAPACK calls on M×M blocks)
// and the secular equation (T3.5) are checked against the closed forms T3.3/T3.4 and against each
// other on every one of the Md eigenvalues. κ ≤ 1 + 4·2/0.25 = 33, so LAPACK's relative errors are
// ~u·κ ≈ 1e-14; 1e-10 leaves room and still catches any wrong block, sign or multiplicity.
private let tolerance = 1e-10

/// A deterministic spread of data variances in [0.01, 2] (no RNG: the test is the same every run).
private func spectrum(_ d: Int) -> [Double] {
    (0..<d).map { i in 0.01 + 1.99 * Double((i * 7919) % d) / Double(d - 1) }
}

@Suite("Gaussian M-density beyond the dense limit: structured routes against the closed forms")
struct GaussianMDensityLargeTests {
    @Test("d = 50 000, M = 4: block-route spectrum = T3.3 (all 200 000 eigenvalues), κ = T3.4")
    func blockRouteMatchesClosedForm() throws {
        let lambdas = spectrum(50_000)
        let model = GaussianMDensity(spectrum: lambdas, measurements: 4, sigma: 0.5)
        #expect(model.size == 200_000)
        let blocks = try model.blockEigenvalues()
        let closed = model.closedFormSortedSpectrum()
        #expect(blocks.count == closed.count)
        #expect(Stats.maxRelativeError(blocks, closed) <= tolerance)
        let kappa = GaussianMDensity.conditionNumber(of: blocks)
        #expect(Stats.relativeError(kappa, 1 + 4 * lambdas.max()! / 0.25) <= tolerance)
        #expect(Stats.relativeError(kappa, model.closedFormConditionNumber()) <= tolerance)
        // The noise eigenvalue 1/σ² = 4 has multiplicity (M − 1)d = 150 000 exactly.
        #expect(blocks.filter { Stats.relativeError($0, 4) <= tolerance }.count == 150_000)
    }

    @Test("d = 20 000, unequal levels (0.3, 0.5, 0.5, 1): secular roots = block LAPACK, all 80 000")
    func secularMatchesBlocksUnequal() throws {
        let model = GaussianMDensity(spectrum: spectrum(20_000), sigmas: [0.3, 0.5, 0.5, 1])
        let secular = model.secularEigenvalues()
        let blocks = try model.blockEigenvalues()
        #expect(secular.count == 80_000)
        #expect(Stats.maxRelativeError(secular, blocks) <= tolerance)
        // Deflation: 1/0.5² = 4 is an exact eigenvalue once per coordinate.
        #expect(blocks.filter { Stats.relativeError($0, 4) <= tolerance }.count == 20_000)
    }

    @Test("κ along a class σ = σ_eff √M at d = 3072, M = 2…64: block route = 1 + λ_max/σ_eff²")
    func classConditionNumberAtImageSize() throws {
        let lambdas = (1...3072).map { 5 * pow(Double($0), -1.3) }
        for m in [2, 8, 64] {
            let model = GaussianMDensity(spectrum: lambdas, measurements: m, sigma: 0.25 * Double(m).squareRoot())
            let kappa = GaussianMDensity.conditionNumber(of: try model.blockEigenvalues())
            #expect(Stats.relativeError(kappa, GaussianMDensity.classConditionNumber(lambdaMax: 5, sigmaEff: 0.25)) <= tolerance)
        }
    }

    @Test("T3.6: a coordinate subset holding λ_max and λ_min keeps κ, equal and unequal levels; block traces")
    func subsetKeepsConditionNumber() throws {
        let lambdas = spectrum(20_000)
        let order = lambdas.indices.sorted { lambdas[$0] > lambdas[$1] }
        let subset = (0..<64).map { lambdas[order[$0 * (lambdas.count - 1) / 63]] }
        #expect(subset.contains(lambdas.max()!) && subset.contains(lambdas.min()!))
        for levels in [[0.5, 0.5, 0.5], [0.3, 0.5, 0.5, 1]] {
            let all = GaussianMDensity(spectrum: lambdas, sigmas: levels)
            let part = GaussianMDensity(spectrum: subset, sigmas: levels)
            let kappaAll = GaussianMDensity.conditionNumber(of: try all.blockEigenvalues())
            let kappaPart = GaussianMDensity.conditionNumber(of: try part.denseEigenvalues())
            #expect(Stats.relativeError(kappaPart, kappaAll) <= tolerance)
            for i in [0, 7, 19_999] {
                let (delta, rho) = all.rankOneForm(coordinate: i)
                let trace = delta.reduce(0, +) - rho * delta.reduce(0) { $0 + $1 * $1 }
                #expect(Stats.relativeError(all.secularEigenvalues(coordinate: i).reduce(0, +), trace) <= tolerance)
            }
        }
    }
}
