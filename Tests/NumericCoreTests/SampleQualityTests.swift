// Sample-quality scores against values computed by hand, their defining properties, and the
// nearest-neighbour sgemm path against its plain-loop twin.
import NumericCore
import Testing

@Suite struct SampleQualityTests {
    @Test func contrastOfHandMadeImages() {
        // Blank: 0. Half 0, half 1: mean ½, standard deviation ½. Constant 0.7: 0.
        // One pixel a of d, rest 0: √(a²/d − a²/d²).
        let d = 8
        let images: [Float] = [Float](repeating: 0, count: d) + [0, 1, 0, 1, 0, 1, 0, 1]
            + [Float](repeating: 0.7, count: d) + [0.9] + [Float](repeating: 0, count: d - 1)
        let c = SampleQuality.contrast(images, count: 4, pixels: d)
        let a = 0.9, dd = Double(d), onePixel = (a * a / dd - a * a / (dd * dd)).squareRoot()
        #expect(abs(c[0]) == 0 && abs(c[1] - 0.5) < 1e-12 && abs(c[2]) < 1e-6, "contrasts \(c)")
        #expect(abs(c[3] - onePixel) < 1e-7, "one-pixel contrast \(c[3]) vs \(onePixel)")
        #expect(abs(SampleQuality.meanContrast(images, count: 4, pixels: d) - (0.5 + onePixel) / 4) < 1e-6)
        // Threshold 0.1: the blank and the constant image are blank, the other two are not.
        #expect(SampleQuality.blankShare(images, count: 4, pixels: d, threshold: 0.1) == 0.5)
    }

    @Test func classSharesAndTotalVariation() {
        let shares = SampleQuality.classShares([0, 2, 2, 1, 2], classes: 4)
        #expect(shares == [0.2, 0.2, 0.6, 0])
        #expect(SampleQuality.classShares([], classes: 3) == [0, 0, 0])
        // TV is 0 on equal laws, 1 on disjoint ones, symmetric, and ½ Σ|p − q| by hand.
        let p = [0.5, 0.5, 0], q = [0, 0, 1.0], r = [0.25, 0.25, 0.5]
        #expect(SampleQuality.totalVariation(p, p) == 0 && SampleQuality.totalVariation(p, q) == 1)
        #expect(SampleQuality.totalVariation(p, r) == SampleQuality.totalVariation(r, p))
        #expect(abs(SampleQuality.totalVariation(p, r) - 0.5) < 1e-15)
    }

    @Test func confidentShareCountsRowsAtTheThreshold() {
        // Rows with max 0.95, 0.9 (at the threshold: counts), 0.5, 0.89: two of four.
        let probs: [Float] = [0.95, 0.05, 0.9, 0.1, 0.5, 0.5, 0.11, 0.89]
        #expect(SampleQuality.confidentShare(probabilities: probs, classes: 2, threshold: 0.9) == 0.5)
    }

    @Test func nearestNeighbourMatchesTwinAndFindsCopies() {
        var rng = Xoshiro256(seed: 21)
        let (n, nRef, d) = (37, 53, 19)
        let reference = rng.gaussians(nRef * d).map(Float.init)
        let images = rng.gaussians(n * d).map(Float.init)
        // Chunks of 5 images exercise the chunked loop.
        let fast = SampleQuality.nearestNeighbourRMS(images, count: n, reference: reference, referenceCount: nRef, pixels: d,
                                                     chunkEntries: 5 * nRef)
        let naive = SampleQuality.nearestNeighbourRMSNaive(images, count: n, reference: reference, referenceCount: nRef, pixels: d)
        // Both sum the nearest distance in Double; they differ only if Float rounding of the sgemm
        // expansion (≈ 19·2⁻²⁴ per distance) swaps two near-equal neighbours, which random points do not.
        #expect(abs(fast - naive) <= 1e-12 * naive, "fast \(fast) vs naive \(naive)")
        // Copies of references are at distance exactly 0 (the direct sum does not cancel), and a shift
        // by c in every pixel of a copy puts it at RMS |c| (Float rounding of x + c ≈ 1e-7).
        let copies = Array(reference.prefix(10 * d))
        #expect(SampleQuality.nearestNeighbourRMS(copies, count: 10, reference: reference, referenceCount: nRef, pixels: d) == 0)
        let shifted = copies.map { $0 + 0.01 }
        for rms in [SampleQuality.nearestNeighbourRMS(shifted, count: 10, reference: reference, referenceCount: nRef, pixels: d),
                    SampleQuality.nearestNeighbourRMSNaive(shifted, count: 10, reference: reference, referenceCount: nRef, pixels: d)] {
            #expect(abs(rms - 0.01) <= 1e-6, "shifted copies at RMS \(rms)")
        }
    }

    @Test func featureReferenceAgreesWithTheDistances() {
        var rng = Xoshiro256(seed: 22)
        let (n, m, k) = (60, 45, 4)
        let ref = rng.gaussians(n * k).map(Float.init), x = rng.gaussians(m * k, mean: 0.4, std: 1).map(Float.init)
        let r = FeatureReference(features: ref, count: n, dimension: k)
        let fd = try? FrechetDistance.distance(features1: x, count1: m, features2: ref, count2: n, dimension: k)
        #expect(fd != nil && abs(r.frechetDistance(x, count: m) - fd!) <= 1e-12 * max(1, fd!))
        #expect(r.kernelDistance(x, count: m) == KernelDistance.kid(x, count: m, ref, count: n, dimension: k))
        #expect(r.frechetDistance(x, count: 1).isNaN && r.kernelDistance(x, count: 1).isNaN, "one row has no covariance")
    }
}
