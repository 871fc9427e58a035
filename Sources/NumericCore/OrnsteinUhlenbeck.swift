#if canImport(Glibc)
import Glibc
#endif

/// The exact Ornstein–Uhlenbeck part over a time t with the force g held fixed (Cheng et al. 2018):
/// dy = v dt, dv = (u g − γ v) dt + √(2γu) dW gives y(t) = y + φ v + u ψ g + N_y, v(t) = e v + u φ g + N_v
/// with e = e^{−γt}, φ = (1 − e)/γ, ψ = (t − φ)/γ and (N_y, N_v) Gaussian with
/// Var N_y = (2u/γ²) f(γt), f(x) = x − 2(1 − e^{−x}) + (1 − e^{−2x})/2,  Cov = (u/γ)(1 − e)²,
/// Var N_v = u(1 − e²). The noise covariance is returned as (yy, yv, vv).
public struct OUCoefficients: Sendable, Equatable {
    public let decay: Double, phi: Double, psi: Double
    public let yy: Double, yv: Double, vv: Double
    public init(time t: Double, friction gamma: Double, inverseMass u: Double) {
        let x = gamma * t
        let oneMinusE = -expm1(-x)
        decay = 1 - oneMinusE
        phi = oneMinusE / gamma
        // ψ = (t − φ)/γ = t² g(x), g(x) = (x − (1 − e^{−x}))/x²; series below 1e-3 (cancellation).
        let f: Double = x < 1e-3 ? x * x * x * (1.0 / 3 - x / 4 + 7 * x * x / 60)
                                 : x - 2 * oneMinusE - expm1(-2 * x) / 2
        psi = x < 1e-3 ? t * t * (0.5 - x / 6 + x * x / 24) : (t - phi) / gamma
        yy = 2 * u * f / (gamma * gamma)
        yv = u / gamma * oneMinusE * oneMinusE
        vv = -u * expm1(-2 * x)
    }
    /// Lower Cholesky factor [l11 (v), l21 (y from z1), l22 (y from z2)] of the noise covariance.
    public var cholesky: (vv: Double, yv: Double, yy: Double) {
        let lv = vv.squareRoot()
        let ly = lv > 0 ? yv / lv : 0
        return (lv, ly, max(yy - ly * ly, 0).squareRoot())
    }
}
