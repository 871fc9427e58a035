import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// Closed forms for Langevin chains on Gaussian targets (THEORY §1) and for the norm of Gaussian
/// noise (T1.5): the exact values the chapter-1 checks and the sampler tests compare runs with.
public enum LangevinTheory {

    // MARK: - Overdamped Langevin on a Gaussian (T1.1, T1.2)

    /// T1.2: the overdamped chain on a Gaussian with largest precision eigenvalue λ_max is stable
    /// iff 0 < h < 2/λ_max (for 1-D N(0, τ²): h < 2τ²).
    public static func overdampedStabilityBound(maxPrecision lambda: Double) -> Double { 2 / lambda }

    /// The AR(1) coefficient ρ = 1 − hλ of the chain along a direction of precision λ.
    public static func overdampedAR1Coefficient(precision lambda: Double, step h: Double) -> Double { 1 - h * lambda }

    /// T1.1: the exact stationary variance of x' = (1 − hλ) x + √(2h) ε, namely
    /// 2h / (1 − ρ²) = 1 / (λ (1 − hλ/2)) (= τ²/(1 − h/(2τ²)) for λ = 1/τ²); nil when unstable.
    public static func overdampedStationaryVariance(precision lambda: Double, step h: Double) -> Double? {
        let rho = 1 - h * lambda
        guard h > 0, abs(rho) < 1 else { return nil }
        return 2 * h / (1 - rho * rho)
    }

    /// The integrated autocorrelation time of a stationary AR(1) series with coefficient ρ:
    /// τ = 1 + 2 Σ_{t≥1} ρ^t = (1 + ρ)/(1 − ρ).
    public static func ar1IntegratedAutocorrelationTime(rho: Double) -> Double { (1 + rho) / (1 - rho) }

    // MARK: - Underdamped A-B-O-B-A on a Gaussian (T1.6)

    /// The exact stationary covariance of the A-B-O-B-A chain of THEORY §1 (as recorded after a full
    /// step) on the 1-D Gaussian with precision λ: the 2×2 discrete Lyapunov equation
    /// S = M S Mᵀ + N Nᵀ solved in closed form. The result (derived symbolically and checked against
    /// a fixed-point iteration) is
    ///
    ///     Var(y) = 1/λ (exact for every stable δ),  Cov(y, v) = 0,  Var(v) = u / (1 − δ²λu/4),
    ///
    /// independent of the friction: γ only changes how fast the chain forgets, not where it goes.
    /// Stable iff δ²λu < 4. Returns nil when unstable.
    public static func abobaStationaryCovariance(precision lambda: Double, step delta: Double, inverseMass u: Double = 1)
        -> (yy: Double, yv: Double, vv: Double)? {
        let q = delta * delta * lambda * u / 4
        guard delta > 0, q < 1 else { return nil }
        return (1 / lambda, 0, u / (1 - q))
    }

    /// The one-step linear map of A-B-O-B-A on a 1-D Gaussian with precision λ: (y, v) ← M (y, v) + N ε.
    /// Returned as (M row-major, N) so tests can iterate the Lyapunov recursion independently.
    public static func abobaLinearMap(precision lambda: Double, step delta: Double, friction gamma: Double, inverseMass u: Double = 1)
        -> (m: [Double], n: [Double]) {
        let a = exp(-gamma * delta), b = (u * (1 - a * a)).squareRoot()
        func mul(_ x: [Double], _ y: [Double]) -> [Double] {
            [x[0] * y[0] + x[1] * y[2], x[0] * y[1] + x[1] * y[3], x[2] * y[0] + x[3] * y[2], x[2] * y[1] + x[3] * y[3]]
        }
        let A = [1, delta / 2, 0, 1], B = [1, 0, -u * delta / 2 * lambda, 1], O = [1, 0, 0, a]
        let m = mul(A, mul(B, mul(O, mul(B, A))))
        let ab = mul(A, B)
        return (m, [ab[1] * b, ab[3] * b])
    }

    /// The exact integrated autocorrelation time of the position y of the stationary A-B-O-B-A chain
    /// on the 1-D Gaussian with precision λ: ρ(t) = (Mᵗ S)_yy / S_yy with M the one-step map and S the
    /// stationary covariance, so τ = 1 + 2 [(I − M)⁻¹ M S]_yy / S_yy. Depends on γ only through γδ.
    public static func abobaPositionIAT(precision lambda: Double, step delta: Double, effectiveFriction gammaDelta: Double,
                                        inverseMass u: Double = 1) -> Double? {
        guard let cov = abobaStationaryCovariance(precision: lambda, step: delta, inverseMass: u) else { return nil }
        let m = abobaLinearMap(precision: lambda, step: delta, friction: gammaDelta / delta, inverseMass: u).m
        // (I − M)⁻¹ for a 2×2 matrix.
        let a = 1 - m[0], b = -m[1], c = -m[2], d = 1 - m[3]
        let det = a * d - b * c
        guard det != 0 else { return nil }
        let inv = [d / det, -b / det, -c / det, a / det]
        // M S with S = diag(yy, vv) (Cov(y, v) = 0).
        let ms = [m[0] * cov.yy, m[1] * cov.vv, m[2] * cov.yy, m[3] * cov.vv]
        let t00 = inv[0] * ms[0] + inv[1] * ms[2]
        return 1 + 2 * t00 / cov.yy
    }

    // MARK: - Mixtures (T1.3)

    /// T1.3: the barrier growth factor exp(Δ²/(8τ²)) of the mean time between mode switches for a
    /// symmetric two-component mixture with separation Δ.
    public static func switchTimeGrowth(separation delta: Double, variance tau2: Double) -> Double {
        exp(delta * delta / (8 * tau2))
    }

    /// Kramers' estimate of the mean time (in continuous time) between switches of the Langevin
    /// diffusion dx = ∇log p dt + √2 dW on the symmetric 1-D mixture ½N(−Δ/2, τ²) + ½N(Δ/2, τ²):
    /// 2π / √(U''(mode) |U''(0)|) · e^{ΔU} with U = −log p, ΔU = U(0) − U(mode). Only meaningful for
    /// Δ well above 2τ (two modes); returns nil otherwise.
    public static func kramersSwitchTime(separation delta: Double, variance tau2: Double) -> Double? {
        let mix = GaussianMixture(means: [[-delta / 2], [delta / 2]], variance: tau2)
        // U''(x) by central differences of the score; the modes by a few Newton steps from ±Δ/2.
        func s(_ x: Double) -> Double { mix.score([x])[0] }
        func ds(_ x: Double) -> Double { let h = 1e-4; return (s(x + h) - s(x - h)) / (2 * h) }
        let curvatureAtZero = -ds(0)  // U''(0) < 0 at a saddle
        guard curvatureAtZero < 0 else { return nil }
        var m = delta / 2
        for _ in 0..<50 { let d = ds(m); if d == 0 { break }; m -= s(m) / d }
        let barrier = mix.logDensity([m]) - mix.logDensity([0])
        let curvatureAtMode = -ds(m)
        guard curvatureAtMode > 0, barrier > 0 else { return nil }
        return 2 * Double.pi / (curvatureAtMode * abs(curvatureAtZero)).squareRoot() * exp(barrier)
    }

    // MARK: - Norm of Gaussian noise (T1.5)

    /// E‖ε‖ for ε ~ N(0, I_d): the χ_d mean √2 Γ((d+1)/2)/Γ(d/2) (→ √d (1 − 1/(4d))).
    public static func chiMean(dimension d: Int) -> Double {
        let x = Double(d)
        return 2.0.squareRoot() * exp(lgamma((x + 1) / 2) - lgamma(x / 2))
    }

    /// T1.9: sd/mean of the squared radius ‖y − μ‖² of y = x + σε, ε ~ N(0, I_d) independent of x, from
    /// the clean data's m = E‖x − μ‖² and V = Var ‖x − μ‖². The cross term 2σ⟨x − μ, ε⟩ is uncorrelated
    /// with both squares, so Var = V + 4σ²m + 2σ⁴d and E = m + σ²d: the ratio tends to √(2/d), the
    /// noise's own, as σ grows.
    public static func noisyRadiusRelativeSpread(cleanMeanSquare m: Double, cleanVariance v: Double, sigma: Double, dimension d: Int) -> Double {
        let s2 = sigma * sigma, dd = Double(d)
        return (v + 4 * s2 * m + 2 * s2 * s2 * dd).squareRoot() / (m + s2 * dd)
    }

    /// sd(‖ε‖)/E‖ε‖ for ε ~ N(0, I_d): √(d − E‖ε‖²)/E‖ε‖ (→ 1/√(2d)).
    public static func chiRelativeSpread(dimension d: Int) -> Double {
        let m = chiMean(dimension: d)
        return (max(Double(d) - m * m, 0)).squareRoot() / m
    }
}
