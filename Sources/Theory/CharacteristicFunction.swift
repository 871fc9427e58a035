import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// Characteristic functions φ(ω) = E e^{iω·X} (THEORY T2.6): closed forms for the Gaussian mixture,
/// the Gaussian noise factor that smoothing multiplies them by, and the empirical characteristic
/// function of a sample with its standard errors.
public enum CharacteristicFunction {
    /// A complex number as (re, im): the value of a characteristic function.
    public struct Value: Sendable, Equatable {
        public var re: Double
        public var im: Double
        public init(re: Double, im: Double) { self.re = re; self.im = im }
        /// |φ|.
        public var modulus: Double { (re * re + im * im).squareRoot() }
    }

    /// The empirical characteristic function φ̂(ω) = (1/n) Σ_j e^{iω·x_j} of n points, with the
    /// standard errors of its real and imaginary parts estimated from the same points (the sample
    /// standard deviations of cos(ω·x_j) and sin(ω·x_j) over √n).
    public struct Empirical: Sendable {
        public let value: Value
        public let standardErrorRe: Double
        public let standardErrorIm: Double
        public let count: Int
    }

    /// e^{−σ²‖ω‖²/2}, the characteristic function of N(0, σ² I): Y = X + σε with ε ~ N(0, I)
    /// independent of X has φ_Y(ω) = e^{−σ²‖ω‖²/2} φ_X(ω).
    public static func gaussianNoiseFactor(sigma: Double, omega: [Double]) -> Double {
        var w2 = 0.0
        for w in omega { w2 += w * w }
        return exp(-sigma * sigma * w2 / 2)
    }

    /// The frequency ‖ω‖ at which noise of level σ damps the characteristic function by `factor`
    /// (0 < factor < 1): e^{−σ²‖ω‖²/2} = factor ⇔ ‖ω‖ = √(−2 ln factor)/σ.
    public static func dampingFrequency(sigma: Double, factor: Double) -> Double {
        precondition(sigma > 0 && factor > 0 && factor < 1, "dampingFrequency: need σ > 0 and 0 < factor < 1")
        return (-2 * log(factor)).squareRoot() / sigma
    }

    /// φ̂(ω) of the rows of `points`, with its plug-in standard errors.
    public static func empirical(_ points: [[Double]], at omega: [Double]) -> Empirical {
        precondition(points.count >= 2, "empirical: need at least two points")
        var sc = 0.0, ss = 0.0, scc = 0.0, sss = 0.0
        for x in points {
            precondition(x.count == omega.count, "empirical: ω and the points differ in dimension")
            var t = 0.0
            for i in x.indices { t += omega[i] * x[i] }
            let c = cos(t), s = sin(t)
            sc += c; ss += s; scc += c * c; sss += s * s
        }
        let n = Double(points.count)
        let mc = sc / n, ms = ss / n
        // sample variances (divisor n − 1), floored at 0 against rounding
        let vc = max(0, (scc - n * mc * mc) / (n - 1)), vs = max(0, (sss - n * ms * ms) / (n - 1))
        return Empirical(value: Value(re: mc, im: ms), standardErrorRe: (vc / n).squareRoot(),
                         standardErrorIm: (vs / n).squareRoot(), count: points.count)
    }

    /// The exact standard errors of φ̂(ω)'s real and imaginary parts for n independent draws of a law
    /// with characteristic function φ, from φ(ω) and φ(2ω) (T2.6): cos² θ = (1 + cos 2θ)/2 and
    /// sin² θ = (1 − cos 2θ)/2 give
    ///   Var Re φ̂ = ((1 + Re φ(2ω))/2 − (Re φ(ω))²)/n,   Var Im φ̂ = ((1 − Re φ(2ω))/2 − (Im φ(ω))²)/n.
    public static func standardErrors(phi: Value, phiAtTwiceOmega phi2: Value, count n: Int) -> (re: Double, im: Double) {
        let vRe = max(0, (1 + phi2.re) / 2 - phi.re * phi.re)
        let vIm = max(0, (1 - phi2.re) / 2 - phi.im * phi.im)
        return ((vRe / Double(n)).squareRoot(), (vIm / Double(n)).squareRoot())
    }
}

extension GaussianMixture {
    /// The closed-form characteristic function (T2.6): each component N(μ_k, τ² I) contributes
    /// e^{iω·μ_k − τ²‖ω‖²/2}, so φ(ω) = e^{−τ²‖ω‖²/2} Σ_k π_k e^{iω·μ_k}.
    public func characteristicFunction(_ omega: [Double]) -> CharacteristicFunction.Value {
        precondition(omega.count == dimension, "characteristicFunction: ω has the wrong dimension")
        var re = 0.0, im = 0.0
        for k in means.indices {
            var t = 0.0
            for i in omega.indices { t += omega[i] * means[k][i] }
            re += weights[k] * cos(t); im += weights[k] * sin(t)
        }
        var w2 = 0.0
        for w in omega { w2 += w * w }
        let envelope = exp(-variance * w2 / 2)
        return CharacteristicFunction.Value(re: envelope * re, im: envelope * im)
    }
}
