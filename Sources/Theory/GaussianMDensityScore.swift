import NumericCore

extension GaussianMDensity {
    /// The score −F y of the (M, σ) model through its structure (T4.2): ∇_{y_m} log p(y) =
    /// (ȳ − y_m)/σ² + (1/M) ∇log p_{σ/√M}(ȳ), with p_{σ/√M} = N(0, Λ + (σ²/M) I) the law of ȳ. Written as a
    /// GPS score (Definition 1) whose ν is the Bayes estimator of T4.3, ν(ȳ) = ȳ + (σ²/M) ∇log p_{σ/√M}(ȳ),
    /// so `batchScore` serves many chains at O(Md) per state instead of the dense O((Md)²) product F y
    /// (tested against `precision()`). Equal noise levels only.
    public func structuredScore() -> GPSScore {
        guard let sigma = commonSigma else { preconditionFailure("structuredScore: needs equal noise levels (the (M, σ) model)") }
        let M = measurements, s2 = sigma * sigma / Double(M)
        let meanLaw = DiagonalGaussian(mean: [Double](repeating: 0, count: dimension), variances: spectrum.map { $0 + s2 })
        return GPSScore(measurements: M, sigma: sigma, dataDimension: dimension) { ybar in
            let g = meanLaw.score(ybar)
            return ybar.indices.map { ybar[$0] + s2 * g[$0] }
        }
    }
}
