import Foundation
import NumericCore
import PropertyBased
import Samplers
import Testing
import Theory

/// T1.1, T1.2 and T1.6 against seeded runs, plus the divergence detector.
@Suite struct LangevinChainTests {
    @Test func overdampedStationaryVarianceMatchesAR1Formula() {
        // T1.1: N(0, τ²) with τ² = 2, h = 1: Var_∞ = τ²/(1 − h/(2τ²)) = 2/(3/4) = 8/3.
        let tau2 = 2.0, h = 1.0
        let exact = LangevinTheory.overdampedStationaryVariance(precision: 1 / tau2, step: h)!
        #expect(abs(exact - 8.0 / 3.0) < 1e-12)
        var rng = Xoshiro256(seed: 7)
        let run = OverdampedLangevin(step: h).run(from: [0], steps: 200_000, score: { [-$0[0] / tau2] }, rng: &rng)
        #expect(run.divergedAt == nil)
        let sq = run.coordinate(0).dropFirst(100).map { $0 * $0 }
        let bm = ChainDiagnostics.batchMeans(Array(sq), batches: 40)
        #expect(abs(bm.mean - exact) <= 4 * bm.standardError, "measured \(bm.mean) ± \(bm.standardError), exact \(exact)")
        #expect(abs(bm.mean - tau2) > 4 * bm.standardError, "the discretisation bias must be visible at h = τ²/2")
    }

    @Test func stationaryVarianceFormulaIsTheAR1FixedPoint() async {
        // Var = ρ² Var + 2h at the fixed point, for any stable (λ, h).
        await propertyCheck(count: 200, input: Gen.double(in: 0.1...10), Gen.double(in: 0.01...1.99)) { lambda, frac in
            let h = frac / lambda
            let v = LangevinTheory.overdampedStationaryVariance(precision: lambda, step: h)!
            let rho = 1 - h * lambda
            #expect(abs(v - (rho * rho * v + 2 * h)) <= 1e-9 * v)
            #expect(abs(v - 1 / (lambda * (1 - h * lambda / 2))) <= 1e-9 * v)
        }
        #expect(LangevinTheory.overdampedStationaryVariance(precision: 1, step: 2) == nil)
    }

    @Test func divergentStepIsDetectedNotPropagated() {
        var rng = Xoshiro256(seed: 1)
        let run = OverdampedLangevin(step: 2.2).run(from: [1], steps: 100_000, score: { [-$0[0]] }, rng: &rng)
        let t = try! #require(run.divergedAt)
        #expect(t < 100_000)
        #expect(run.trace.allSatisfy { $0.isFinite })
    }

    @Test func sokalIATMatchesAR1Theory() {
        // AR(1) with ρ = 0.9 generated directly: IAT = 19.
        var rng = Xoshiro256(seed: 3)
        let rho = 0.9, n = 200_000
        var x = [Double](repeating: 0, count: n)
        for t in 1..<n { x[t] = rho * x[t - 1] + rng.gaussian() }
        let iat = ChainDiagnostics.integratedAutocorrelationTime(x)
        let theory = LangevinTheory.ar1IntegratedAutocorrelationTime(rho: rho)
        #expect(iat.converged)
        #expect(abs(iat.tau - theory) <= 4 * iat.standardError, "τ̂ = \(iat.tau) ± \(iat.standardError), theory \(theory)")
        let acf = ChainDiagnostics.autocorrelation(x, maxLag: 5)
        #expect(acf[0] == 1)
        #expect(abs(acf[1] - rho) < 0.01)
        let bm = ChainDiagnostics.batchMeans(x, batches: 40)
        // The batch-means IAT has a relative sd of about √(2/(B − 1)) (a χ² with B − 1 degrees of freedom).
        #expect(abs(bm.impliedIAT - theory) < 4 * (2.0 / 39).squareRoot() * theory)
    }

    @Test func iatOfAnAntiCorrelatedChainIsBelowOne() {
        // AR(1) with ρ = −0.8: τ = (1 + ρ)/(1 − ρ) = 1/9; partial sums oscillate, the pair sums do not.
        var rng = Xoshiro256(seed: 8)
        let rho = -0.8, n = 200_000
        var x = [Double](repeating: 0, count: n)
        for t in 1..<n { x[t] = rho * x[t - 1] + rng.gaussian() }
        let iat = ChainDiagnostics.integratedAutocorrelationTime(x)
        let theory = LangevinTheory.ar1IntegratedAutocorrelationTime(rho: rho)
        #expect(iat.tau > 0 && iat.tau < 1)
        #expect(abs(iat.tau - theory) <= 4 * iat.standardError, "τ̂ = \(iat.tau) ± \(iat.standardError), theory \(theory)")
    }

    @Test func batchMeansOfIndependentDrawsAgreesWithPlainStandardError() {
        var rng = Xoshiro256(seed: 11)
        let x = rng.gaussians(100_000)
        let bm = ChainDiagnostics.batchMeans(x, batches: 50)
        let plain = Stats.standardError(x)
        #expect(abs(bm.standardError / plain - 1) < 0.35)
        #expect(abs(bm.mean - Stats.mean(x)) < 1e-12)
    }

    @Test func modeSwitchesUseHysteresis() {
        let labels: [Int?] = [0, nil, 0, nil, 1, 1, nil, 1, nil, 0, nil, nil, 0]
        let sw = ChainDiagnostics.modeSwitches(labels)
        #expect(sw.count == 2)
        #expect(sw.times == [4, 9])
        #expect(sw.modesVisited == 2)
        let none = ChainDiagnostics.modeSwitches([nil, 1, nil, 1, 1])
        #expect(none.count == 0 && none.meanInterval == .infinity)
        let labelsFromTrace = ChainDiagnostics.coreLabels(trace: [-2, 0, 2.1, 0.5, -1.9], dimension: 1, centres: [[-2], [2]], radius: 0.5)
        #expect(labelsFromTrace == [0, nil, 1, nil, 0])
    }

    @Test func energyDistanceSeparatesLaws() {
        var rng = Xoshiro256(seed: 5)
        let a = (0..<300).map { _ in [rng.gaussian(), rng.gaussian()] }
        let b = (0..<300).map { _ in [rng.gaussian(), rng.gaussian()] }
        let c = (0..<300).map { _ in [rng.gaussian() + 1, rng.gaussian()] }
        let same = SampleDistance.energy(a, b), shifted = SampleDistance.energy(a, c)
        #expect(abs(same) < 0.05)
        #expect(shifted > 0.3)
        #expect(abs(SampleDistance.energy(a, c) - SampleDistance.energy(c, a)) < 1e-12)
        let ell = SampleDistance.medianDistance(a)
        #expect(SampleDistance.mmdSquared(a, c, bandwidth: ell) > 10 * abs(SampleDistance.mmdSquared(a, b, bandwidth: ell)))
    }

    /// The two implementations of the two-sample statistics (issue 15): `SampleDistance` streams the
    /// pair sums in O(1) memory, `TwoSampleTest` keeps the pooled distance matrix for its permutations.
    /// Their observed statistics must agree to rounding on unequal sample sizes and dimensions.
    @Test(arguments: [(40, 55, 1), (120, 90, 3), (64, 64, 7)])
    func sampleDistanceAgreesWithTwoSampleTest(na: Int, nb: Int, d: Int) {
        var rng = Xoshiro256(seed: UInt64(na * nb + d))
        let a = (0..<na).map { _ in (0..<d).map { _ in rng.gaussian() } }
        let b = (0..<nb).map { _ in (0..<d).map { _ in 0.5 + 1.3 * rng.gaussian() } }
        let energy = TwoSampleTest(a, b, statistic: .energyDistance, permutations: 1, using: &rng)
        #expect(abs(energy.statistic - SampleDistance.energy(a, b)) < 1e-12 * max(1, abs(energy.statistic)))
        let ell = SampleDistance.medianDistance(a + b)
        let mmd = TwoSampleTest(a, b, statistic: .gaussianMMD(bandwidth: ell), permutations: 1, using: &rng)
        #expect(abs(mmd.statistic - SampleDistance.mmdSquared(a, b, bandwidth: ell)) < 1e-12)
    }
}

/// T1.6: A-B-O-B-A on Gaussians.
@Suite struct UnderdampedTests {
    @Test func closedFormStationaryCovarianceSolvesTheLyapunovEquation() async {
        await propertyCheck(count: 100, input: Gen.double(in: 0.2...5), Gen.double(in: 0.05...1.9), Gen.double(in: 0.05...3)) { lambda, frac, gammaDelta in
            let delta = frac / lambda.squareRoot()  // δ²λ < 4
            let (m, nvec) = LangevinTheory.abobaLinearMap(precision: lambda, step: delta, friction: gammaDelta / delta)
            var s = [0.0, 0.0, 0.0]  // yy, yv, vv
            for _ in 0..<20_000 {
                let a = m[0], b = m[1], c = m[2], d = m[3]
                let yy = a * a * s[0] + 2 * a * b * s[1] + b * b * s[2] + nvec[0] * nvec[0]
                let yv = a * c * s[0] + (a * d + b * c) * s[1] + b * d * s[2] + nvec[0] * nvec[1]
                let vv = c * c * s[0] + 2 * c * d * s[1] + d * d * s[2] + nvec[1] * nvec[1]
                s = [yy, yv, vv]
            }
            let exact = LangevinTheory.abobaStationaryCovariance(precision: lambda, step: delta)!
            #expect(abs(s[0] - exact.yy) <= 1e-6 * exact.yy)
            #expect(abs(s[1]) <= 1e-6 * exact.yy.squareRoot() * exact.vv.squareRoot())
            #expect(abs(s[2] - exact.vv) <= 1e-6 * exact.vv)
        }
    }

    @Test func velocityBiasShrinksWithDeltaAndChainStaysFinite() {
        let lambda = 2.0
        var measured = [Double]()
        for (i, delta) in [1.0, 0.5].enumerated() {
            var rng = Xoshiro256(seed: 20 + UInt64(i))
            let sampler = UnderdampedLangevin(step: delta, effectiveFriction: 1)
            let (ys, vs) = sampler.run(y: [0], steps: 100_000, recordVelocity: true,
                                       score: { y, g in g[0] = -lambda * y[0] }, rng: &rng)
            #expect(ys.divergedAt == nil)
            #expect(ys.trace.allSatisfy { $0.isFinite })
            let v2 = ChainDiagnostics.batchMeans(vs!.trace.map { $0 * $0 }, batches: 40)
            let y2 = ChainDiagnostics.batchMeans(ys.trace.map { $0 * $0 }, batches: 40)
            let exact = LangevinTheory.abobaStationaryCovariance(precision: lambda, step: delta)!
            #expect(abs(v2.mean - exact.vv) <= 4 * v2.standardError, "δ = \(delta): Var(v) \(v2.mean) ± \(v2.standardError) vs \(exact.vv)")
            #expect(abs(y2.mean - 1 / lambda) <= 4 * y2.standardError, "δ = \(delta): Var(y) \(y2.mean) ± \(y2.standardError)")
            measured.append(v2.mean - 1)
        }
        #expect(measured[1] < measured[0] / 2, "velocity bias must shrink with δ: \(measured)")
    }

    @Test func iatOfAnOscillatingChainMatchesTheExactValue() {
        // δ = 1, λ = 2, γδ = 0.5: ρ(t) changes sign (0.20, −0.61, −0.12, 0.37, …); exact τ ≈ 0.49.
        let lambda = 2.0, delta = 1.0
        var rng = Xoshiro256(seed: 31)
        let (ys, _) = UnderdampedLangevin(step: delta, effectiveFriction: 0.5)
            .run(y: [0.7], steps: 200_000, score: { y, g in g[0] = -lambda * y[0] }, rng: &rng)
        let iat = ChainDiagnostics.integratedAutocorrelationTime(Array(ys.trace.dropFirst(1000)))
        let exact = LangevinTheory.abobaPositionIAT(precision: lambda, step: delta, effectiveFriction: 0.5)!
        // Independent route: the step map built from the update rules (ABOBAReference), its
        // stationary covariance by Lyapunov iteration, and τ = 1 + 2 Σ ρ(t) summed term by term until
        // ‖Mᵗ‖ < 1e-17 (spectral radius e^{−γδ/2} ≈ 0.78, so ~160 terms). Both are exact up to
        // rounding, so they must agree to ~1e-12; the ρ(t) quoted above are checked to their 3 digits.
        let reference = ABOBAReference(precision: lambda, step: delta, effectiveFriction: 0.5)
        #expect(abs(exact - reference.positionIAT) < 1e-12, "closed form \(exact), series \(reference.positionIAT)")
        let rho = reference.positionAutocorrelation(lags: 4)
        #expect(zip(rho, [0.197, -0.607, -0.119, 0.368]).allSatisfy { abs($0 - $1) <= 5e-4 }, "ρ(1…4) = \(rho)")
        #expect(abs(iat.tau - exact) <= 4 * iat.standardError, "τ̂ = \(iat.tau) ± \(iat.standardError), exact \(exact)")
    }

    @Test func floatChainOnAGaussianStaysFinite() {
        // 64 independent Float chains on N(0, 1), δ = 0.5, γδ = 0.5, started at y = 3, v = 0.
        // Burn-in: the mean decays like r^t with r = e^{−γδ/2} ≈ 0.78, so after 200 steps the transient
        // in E[y²] is ~9·r^400 ≈ 1e-43. Expected E[y²] = S_yy of the reference Lyapunov iteration (= 1).
        // s.e. of the mean of y² over n = 4800 steps × 64 chains: Var(y²) = 2 S_yy² (Gaussian), and
        // successive y² are correlated with IAT τ_{y²} = 1 + 2 Σ ρ(t)² ≈ 4.0 (reference map), so
        // s.e. = S_yy √(2 τ_{y²} / (64 n)) ≈ 0.0051; bound 4 s.e. ≈ 0.020 (false alarm 6e-5), seed 4.
        var rng = Xoshiro256(seed: 4)
        let reference = ABOBAReference(precision: 1, step: 0.5, effectiveFriction: 0.5)
        let sampler = UnderdampedLangevin(step: 0.5, effectiveFriction: 0.5)
        var y = [Float](repeating: 3, count: 64), v = [Float](repeating: 0, count: 64), noise = [Float]()
        let burnIn = 200, n = 4_800
        var sum: Double = 0
        for t in 0..<(burnIn + n) {
            sampler.step(y: &y, v: &v, noise: &noise, score: { y, g in for i in y.indices { g[i] = -y[i] } }, rng: &rng)
            if t >= burnIn { sum += y.reduce(0.0) { $0 + Double($1) * Double($1) } }
        }
        #expect(y.allSatisfy { $0.isFinite })
        let syy = reference.covariance().yy
        let se = syy * (2 * reference.squaredPositionIAT / Double(64 * n)).squareRoot()
        let measured = sum / Double(n * 64)
        #expect(abs(measured - syy) <= 4 * se, "E[y²] = \(measured) vs \(syy), s.e. \(se)")
    }
}
