/// ȳ = (1/M) Σ_m y_m, the one statistic of y = (y_1, …, y_M) that a GPS denoiser sees (THEORY §4).
///
/// Layout: `batch` points one after another, each M measurements of d numbers:
/// y[(b·M + m)·d + i]. A measurement-major batch y[m·(B·d) + j] is the case batch = 1, d = B·d.
/// Every ȳ of the package (Theory's densities and GPS score, the Samplers' chains, chapter 5's
/// walks) is computed here, in one order of operations: sum the M measurements from zero, then
/// multiply by 1/M.
public enum MeasurementMean {
    /// ȳ of every point of `y` into `out` (batch·d entries); allocates nothing.
    @inlinable
    public static func compute<T: BinaryFloatingPoint>(_ y: UnsafeBufferPointer<T>, measurements M: Int, batch: Int = 1,
                                                       into out: UnsafeMutableBufferPointer<T>) {
        precondition(M >= 1 && batch >= 1 && y.count % (M * batch) == 0,
                     "MeasurementMean: \(y.count) entries do not split into \(batch) points of \(M) measurements")
        let d = y.count / (M * batch)
        precondition(out.count == batch * d, "MeasurementMean: output has \(out.count) entries, expected \(batch * d)")
        let inv = 1 / T(M)
        for b in 0..<batch {
            let o = b * d
            for i in 0..<d { out[o + i] = 0 }
            for m in 0..<M {
                let src = (b * M + m) * d
                for i in 0..<d { out[o + i] += y[src + i] }
            }
            for i in 0..<d { out[o + i] *= inv }
        }
    }

    /// ȳ of every point of `y` (batch·d entries).
    @inlinable
    public static func of<T: BinaryFloatingPoint>(_ y: [T], measurements M: Int, batch: Int = 1) -> [T] {
        precondition(M >= 1 && batch >= 1 && y.count % (M * batch) == 0,
                     "MeasurementMean: \(y.count) entries do not split into \(batch) points of \(M) measurements")
        var out = [T](repeating: 0, count: y.count / M)
        y.withUnsafeBufferPointer { py in out.withUnsafeMutableBufferPointer { compute(py, measurements: M, batch: batch, into: $0) } }
        return out
    }
}
