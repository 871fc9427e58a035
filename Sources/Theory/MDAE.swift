import NumericCore

/// A multimeasurement denoiser F: R^{Md} → R^{Md}: from all M measurements y = (y_1, …, y_M) it returns
/// M estimates x̂^(1)(y), …, x̂^(M)(y) of X, stored measurement-major like y (THEORY T4.10). An MDAE
/// (multimeasurement denoising autoencoder) is such an F, trained with the loss
/// (1/M) Σ_m ‖x − x̂^(m)(y)‖².
public typealias MultimeasurementDenoiser = @Sendable ([Double]) -> [Double]

/// The MDAE parametrisation against GPS (THEORY T4.10): the exact-Bayes MDAE, GPS written as an MDAE,
/// and the two measurements of symmetry the chapter makes on trained networks — the permutation-
/// equivariance error and the spread of the M estimates across the index m — plus the per-draw loss.
public enum MDAE {
    /// The exact-Bayes MDAE: block m is y_m + σ²∇_{y_m} log p(y) (T3.1), computed index by index with
    /// `MixtureMDensity.bayesEstimator(_:measurement:)`. By T3.1/T4.3 all M blocks are one function of
    /// ȳ, so this F is permutation equivariant and its index spread is zero (up to rounding).
    public static func bayes(_ density: MixtureMDensity) -> MultimeasurementDenoiser {
        { y in (0..<density.measurements).flatMap { density.bayesEstimator(y, measurement: $0) } }
    }

    /// GPS as an MDAE: every block is ν(ȳ), one ν call (T4.4).
    public static func fromGPS(measurements M: Int, denoiser: @escaping GPSDenoiser) -> MultimeasurementDenoiser {
        { y in
            let estimate = denoiser(MixtureMDensity.measurementMean(y, measurements: M))
            return (0..<M).flatMap { _ in estimate }
        }
    }

    /// Block m of a flat, measurement-major vector of M blocks.
    public static func block(_ v: [Double], _ m: Int, measurements M: Int) -> ArraySlice<Double> {
        precondition(M >= 1 && v.count % M == 0 && (0..<M).contains(m), "MDAE.block: need 0 ≤ m < M and M | count")
        let d = v.count / M
        return v[(m * d)..<((m + 1) * d)]
    }

    /// The equivariance error of F at y for the permutation π, (πy)_m = y_{π(m)}:
    ///
    ///     e_π(y) = √( (1/M) Σ_m ‖F(πy)_m − F(y)_{π(m)}‖² ),
    ///
    /// the root-mean-square over blocks of F(πy) − πF(y). It is 0 for every y and π exactly when F is
    /// permutation equivariant, F(πy) = πF(y) (T4.4 for the score; for the estimates, T4.10).
    public static func equivarianceError(_ f: MultimeasurementDenoiser, at y: [Double], measurements M: Int,
                                         permutation: [Int]) -> Double {
        equivarianceError(outputAtPermuted: f(GPS.permuteMeasurements(y, measurements: M, by: permutation)),
                          output: f(y), measurements: M, permutation: permutation)
    }

    /// The same from the two outputs F(πy) and F(y) (e.g. from one batched network call each).
    public static func equivarianceError(outputAtPermuted fp: [Double], output f: [Double], measurements M: Int,
                                         permutation: [Int]) -> Double {
        precondition(fp.count == f.count && permutation.count == M, "MDAE.equivarianceError: sizes")
        let d = f.count / M
        var s = 0.0
        for m in 0..<M {
            for i in 0..<d {
                let e = fp[m * d + i] - f[permutation[m] * d + i]
                s += e * e
            }
        }
        return (s / Double(M)).squareRoot()
    }

    /// The mean of the M estimates, (1/M) Σ_m x̂^(m).
    public static func averagedEstimate(_ estimates: [Double], measurements M: Int) -> [Double] {
        precondition(M >= 1 && estimates.count % M == 0, "MDAE.averagedEstimate: M must divide the length")
        return MeasurementMean.of(estimates, measurements: M)
    }

    /// The spread of the M estimates across the index m,
    ///
    ///     s(y) = √( (1/M) Σ_m ‖x̂^(m)(y) − x̄̂(y)‖² ),   x̄̂ = (1/M) Σ_m x̂^(m);
    ///
    /// zero for the Bayes estimator (T3.1: every index gives the same value) and for GPS.
    public static func indexSpread(_ estimates: [Double], measurements M: Int) -> Double {
        let mean = averagedEstimate(estimates, measurements: M)
        let d = mean.count
        var s = 0.0
        for m in 0..<M { for i in 0..<d { let e = estimates[m * d + i] - mean[i]; s += e * e } }
        return (s / Double(M)).squareRoot()
    }

    /// The MDAE loss of one draw, (1/M) Σ_m ‖x − x̂^(m)(y)‖². By the bias–variance split over m it equals
    /// ‖x − x̄̂(y)‖² + s(y)² exactly: averaging the M outputs lowers the loss by the squared spread.
    public static func loss(x: [Double], estimates: [Double], measurements M: Int) -> Double {
        precondition(M >= 1 && estimates.count == M * x.count, "MDAE.loss: estimates must hold M blocks of x's size")
        let d = x.count
        var s = 0.0
        for m in 0..<M { for i in 0..<d { let e = x[i] - estimates[m * d + i]; s += e * e } }
        return s / Double(M)
    }
}
