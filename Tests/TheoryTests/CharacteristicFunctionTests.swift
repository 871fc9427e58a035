import Foundation
import NumericCore
import Testing
import Theory

/// T2.6: characteristic functions of Gaussian mixtures, the Gaussian noise factor, and the empirical
/// characteristic function with its standard errors.
@Suite struct CharacteristicFunctionTests {
    /// An asymmetric mixture (unequal weights, means not symmetric about 0), so Im φ ≠ 0.
    static let mixture2D = GaussianMixture(means: [[1, 0.5], [-2, 1], [0.3, -1.5]], weights: [0.5, 0.3, 0.2], variance: 0.09)

    @Test("the closed form against ∫ p(x) e^{iωx} dx by the trapezoid rule (1-D, three components)")
    func closedFormAgainstQuadrature() {
        let m = GaussianMixture(means: [[-1.5], [0.4], [2]], weights: [0.2, 0.5, 0.3], variance: 0.3)
        // p is smooth and below 1e-40 outside [−12, 12]: the trapezoid rule with h = 0.001 is exact to
        // far below 1e-10 for |ω| ≤ 8 (spectrally accurate for smooth integrands decaying at the ends).
        let h = 0.001, xs = stride(from: -12.0, through: 12.0, by: h).map { $0 }
        let p = xs.map { exp(m.logDensity([$0])) }
        for omega in [0.0, 0.3, 1, 2.5, 5, 8] {
            var re = 0.0, im = 0.0
            for (x, px) in zip(xs, p) { re += px * cos(omega * x); im += px * sin(omega * x) }
            re *= h; im *= h
            let phi = m.characteristicFunction([omega])
            #expect(abs(phi.re - re) < 1e-10 && abs(phi.im - im) < 1e-10, "ω = \(omega): \(phi) vs (\(re), \(im))")
        }
    }

    @Test("φ(0) = 1, φ(−ω) = conj φ(ω), |φ| ≤ 1, and smoothing multiplies φ by e^{−σ²‖ω‖²/2} (T1.4)")
    func properties() {
        let m = Self.mixture2D
        let zero = m.characteristicFunction([0, 0])
        #expect(abs(zero.re - 1) < 1e-15 && abs(zero.im) < 1e-15)
        for omega in [[0.7, -0.2], [3, 1], [-4, 2.5]] {
            let a = m.characteristicFunction(omega), b = m.characteristicFunction(omega.map { -$0 })
            #expect(abs(a.re - b.re) < 1e-15 && abs(a.im + b.im) < 1e-15)
            #expect(a.modulus <= 1)
            for sigma in [0.1, 0.5, 1.3] {
                let y = m.smoothed(noiseVariance: sigma * sigma).characteristicFunction(omega)
                let f = CharacteristicFunction.gaussianNoiseFactor(sigma: sigma, omega: omega)
                #expect(abs(y.re - f * a.re) < 1e-15 && abs(y.im - f * a.im) < 1e-15)
            }
        }
    }

    @Test("dampingFrequency inverts the noise factor: e^{−σ²ω²/2} at ω = √(2 ln 10)/σ is 1/10")
    func dampingFrequency() {
        for sigma in [0.15, 0.5, 2.0] {
            let w = CharacteristicFunction.dampingFrequency(sigma: sigma, factor: 0.1)
            #expect(abs(w - (2 * log(10.0)).squareRoot() / sigma) < 1e-14 * w)
            #expect(abs(CharacteristicFunction.gaussianNoiseFactor(sigma: sigma, omega: [w * 0.6, w * 0.8]) - 0.1) < 1e-14)
        }
    }

    @Test("the ECF of 50 000 draws (and of Y = X + σε) matches the closed form within 4 s.e. at 12 frequencies")
    func empiricalMatchesClosedForm() {
        var rng = Xoshiro256(seed: 11)
        let m = Self.mixture2D
        let n = 50_000
        let xs = m.sample(n, using: &rng)
        let sigma = 0.4
        let ys = xs.map { x in x.map { $0 + sigma * rng.gaussian() } }
        let pY = m.smoothed(noiseVariance: sigma * sigma)
        for t in stride(from: 0.25, through: 3.0, by: 0.25) {
            let omega = [t * 0.8, t * 0.6]
            for (points, law) in [(xs, m), (ys, pY)] {
                let e = CharacteristicFunction.empirical(points, at: omega)
                let phi = law.characteristicFunction(omega), phi2 = law.characteristicFunction(omega.map { 2 * $0 })
                let se = CharacteristicFunction.standardErrors(phi: phi, phiAtTwiceOmega: phi2, count: n)
                #expect(abs(e.value.re - phi.re) <= 4 * se.re, "t = \(t): Re \(e.value.re) vs \(phi.re) ± \(se.re)")
                #expect(abs(e.value.im - phi.im) <= 4 * se.im, "t = \(t): Im \(e.value.im) vs \(phi.im) ± \(se.im)")
                // the plug-in standard errors estimate the exact ones: relative error ~ 1/√(2n) ≈ 0.3%
                #expect(abs(e.standardErrorRe / se.re - 1) < 0.03 && abs(e.standardErrorIm / se.im - 1) < 0.03)
            }
        }
    }

    @Test("the standard-error formula: over 400 replicates of n = 200 the variance of Re φ̂ and Im φ̂ matches it")
    func standardErrorFormulaAgainstReplicates() {
        var rng = Xoshiro256(seed: 23)
        let m = Self.mixture2D, n = 200, reps = 400
        for omega in [[0.5, 0.5], [1.5, -0.5], [0.2, 2.0]] {
            let phi = m.characteristicFunction(omega), phi2 = m.characteristicFunction(omega.map { 2 * $0 })
            let se = CharacteristicFunction.standardErrors(phi: phi, phiAtTwiceOmega: phi2, count: n)
            var re = [Double](), im = [Double]()
            for _ in 0..<reps {
                let e = CharacteristicFunction.empirical(m.sample(n, using: &rng), at: omega)
                re.append(e.value.re); im.append(e.value.im)
            }
            // φ̂ is a mean of n bounded terms, nearly Gaussian: a sample variance of R values has relative
            // s.d. ≈ √(2/(R − 1)) = 0.071; allow 4 of them.
            let tol = 4 * (2.0 / Double(reps - 1)).squareRoot()
            #expect(abs(Stats.variance(re) / (se.re * se.re) - 1) < tol, "ω = \(omega): Re variance ratio \(Stats.variance(re) / (se.re * se.re))")
            #expect(abs(Stats.variance(im) / (se.im * se.im) - 1) < tol, "ω = \(omega): Im variance ratio \(Stats.variance(im) / (se.im * se.im))")
        }
    }
}
