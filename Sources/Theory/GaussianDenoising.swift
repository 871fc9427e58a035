/// Denoising Gaussian data X ~ N(0, λI) observed as Y = X + N(0, s²I) (THEORY T2.4): the posterior is
/// Gaussian, so the Bayes denoiser and its error are in closed form, per coordinate.
public enum GaussianDenoising {
    /// E[X | y] = λ/(λ + s²) · y: the factor λ/(λ + s²) the Bayes denoiser shrinks y by.
    public static func shrinkage(dataVariance lambda: Double, noiseVariance s2: Double) -> Double {
        lambda / (lambda + s2)
    }

    /// The MMSE per coordinate, E(X − E[X|Y])² = Var[X | y] = λs²/(λ + s²) (the same for every y):
    /// the harmonic combination 1/(1/λ + 1/s²) of the prior and noise variances.
    public static func mmse(dataVariance lambda: Double, noiseVariance s2: Double) -> Double {
        lambda * s2 / (lambda + s2)
    }
}
