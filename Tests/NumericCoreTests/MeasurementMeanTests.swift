import NumericCore
import Testing

@Suite("MeasurementMean: ȳ of batches in both layouts, Float and Double")
struct MeasurementMeanTests {
    /// y_m = x + δ_m with Σ_m δ_m = 0 (integers, so exact in Float) has ȳ = x for every point.
    @Test("ȳ of x + zero-sum offsets is x exactly, point by point (batch 3, M = 4, d = 5)")
    func zeroSumOffsetsCancel() {
        let batch = 3, M = 4, d = 5
        let offsets: [[Float]] = [[3, -1, 0, 2, -4], [-2, 5, 1, 0, 1], [0, -3, -2, -1, 2], [-1, -1, 1, -1, 1]]  // columns sum to 0
        var y = [Float](), x = [Float]()
        for b in 0..<batch {
            let point = (0..<d).map { Float(10 * b + $0) }
            x += point
            for m in 0..<M { y += zip(point, offsets[m]).map(+) }
        }
        #expect(MeasurementMean.of(y, measurements: M, batch: batch) == x)
    }

    /// The chains' measurement-major layout y[m·B·d + j] is one point of dimension B·d: its ȳ must equal
    /// the point-major ȳ of the same numbers reordered, and a plain (1/M)Σ in Double.
    @Test("measurement-major and point-major layouts give the same ȳ; Double agrees with a plain sum to 1e-15")
    func layoutsAgree() {
        var rng = Xoshiro256(seed: 21)
        let B = 4, M = 3, d = 6
        let pointMajor = rng.gaussians(B * M * d)
        var measurementMajor = [Double](repeating: 0, count: B * M * d)
        for b in 0..<B { for m in 0..<M { for i in 0..<d { measurementMajor[m * B * d + b * d + i] = pointMajor[(b * M + m) * d + i] } } }
        let a = MeasurementMean.of(pointMajor, measurements: M, batch: B)
        let c = MeasurementMean.of(measurementMajor, measurements: M)
        #expect(a == c)
        for b in 0..<B { for i in 0..<d {
            let plain = (0..<M).reduce(0.0) { $0 + pointMajor[(b * M + $1) * d + i] } / Double(M)
            #expect(abs(a[b * d + i] - plain) <= 1e-15 * max(1, abs(plain)))
        } }
        #expect(MeasurementMean.of(pointMajor, measurements: 1, batch: B * M) == pointMajor)
    }
}
