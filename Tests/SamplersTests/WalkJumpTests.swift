// Walk-jump sampler: finite chains, agreement with the generic A-B-O-B-A integrator, and the
// stationary statistics of ȳ and of the difference directions for a Gaussian prior (THEORY T4.7).
import NumericCore
import Samplers
import Testing

@Suite struct WalkJumpTests {
    @Test func chainStaysFiniteWithANonlinearDenoiser() {
        var rng = Xoshiro256(seed: 1)
        // A squashing "denoiser" ν(ȳ) = clamp(ȳ, 0, 1)² (bounded, like an image denoiser).
        let nu: WalkJumpSampler.Denoiser = { x, _ in x.map { let c = min(max($0, 0), 1); return c * c } }
        let s = WalkJumpSampler(configuration: WalkJumpConfiguration(measurements: 4, sigma: 0.5),
                                chains: 8, dimension: 16, rng: &rng, denoiser: nu)
        var jumps = 0, snapshots = [Double](), times = [Int]()
        s.run(steps: 400, jumpEvery: 50, rng: &rng) { t, x, m in
            jumps += 1
            #expect(x.count == 8 * 16 && m.count == 8 * 16)
            snapshots.append(s.differenceVariance); times.append(t)
        }
        #expect(jumps == 8)
        #expect(s.isFinite)
        #expect(s.stepCount == 400)
        // Whatever ν is, the difference directions y_m − ȳ see the score −(y_m − ȳ)/σ² and noise
        // independent of ȳ's (T4.7): each is the linear A-B-O-B-A chain on precision 1/σ² = 4, δ = σ/2,
        // γδ = 1, started at 0 with v = 0 (copied start). ABOBAReference gives its exact variance
        // S_t after t steps (≈ σ² = 0.25 already at t = 50: r^100 with r = e^{−1/2}). A snapshot is
        // σ²χ²_k/k with k = (M−1)·B·d = 384, relative s.d. √(2/k) ≈ 7 %; snapshots 50 steps apart are
        // independent (ρ(50)² ≈ 1e-21), so the mean of the 8 has s.e. S √(2/(8k)) ≈ 0.0064: 4 s.e. ≈ 0.026.
        let reference = ABOBAReference(precision: 4, step: 0.25, effectiveFriction: 1)
        let expected = Stats.mean(times.map { reference.covariance(afterSteps: $0).yy })
        let se = expected * (2 / Double(snapshots.count * 3 * 8 * 16)).squareRoot()
        let dv = Stats.mean(snapshots)
        #expect(abs(dv - expected) <= 4 * se, "difference variance \(dv) vs \(expected), s.e. \(se)")
    }

    @Test func copiedStartPutsEveryMeasurementAtTheSamePoint() {
        var rng = Xoshiro256(seed: 2)
        let s = WalkJumpSampler(configuration: WalkJumpConfiguration(measurements: 3, sigma: 1),
                                chains: 2, dimension: 5, rng: &rng) { x, _ in x }
        #expect(Array(s.y[0..<10]) == Array(s.y[10..<20]) && Array(s.y[0..<10]) == Array(s.y[20..<30]))
        #expect(s.v.allSatisfy { $0 == 0 })
        #expect(s.differenceVariance < 1e-12)
    }

    @Test func givenMeansStartIsAnExactDrawOfYGivenTheMean() {
        // y_m = ȳ + σ(ε_m − ε̄): the mean is ȳ to Float rounding, the (M−1)·B·d difference
        // coordinates have variance σ² (T4.7) and v ~ N(0, u). Tolerances: 4 standard errors of a
        // sample variance, σ²√(2/dof), with fixed seed 6.
        let M = 4, B = 50, d = 20, sigma = 0.7, u = 2.0
        var rng = Xoshiro256(seed: 6)
        let means = rng.gaussiansFloat(B * d)
        let s = WalkJumpSampler(configuration: WalkJumpConfiguration(measurements: M, sigma: sigma, inverseMass: u),
                                chains: B, dimension: d, start: .givenMeans(means), rng: &rng) { x, _ in x }
        let meanError = zip(s.mean, means).map { abs($0 - $1) }.max()!
        #expect(meanError < 1e-5, "max |ȳ − given| = \(meanError)")
        let dof = Double((M - 1) * B * d)
        let ratio = s.differenceVariance / (sigma * sigma)
        #expect(abs(ratio - 1) < 4 * (2 / dof).squareRoot(), "Var(y_m − ȳ)/σ² = \(ratio)")
        let vVar = s.v.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(s.v.count)
        #expect(abs(vVar / u - 1) < 4 * (2 / Double(s.v.count)).squareRoot(), "Var(v)/u = \(vVar / u)")
    }

    @Test func givenMeansStartFromTheStationaryLawStaysThere() {
        // Gaussian prior X ~ N(0, I): ȳ ~ N(0, 1 + σ²/M) at stationarity. Starting from ȳ drawn from
        // that law, the very first steps already have its variance (no burn-in), within 4 standard
        // errors (B·d = 2000 nearly independent coordinates per step, 20 steps, seed 7).
        let M = 4, sigma = 1.0, B = 200, d = 10
        let s2 = Float(sigma * sigma) / Float(M), shrink = 1 / (1 + s2)
        var rng = Xoshiro256(seed: 7)
        let means = rng.gaussiansFloat(B * d, mean: 0, std: (1 + s2).squareRoot())
        let s = WalkJumpSampler(configuration: WalkJumpConfiguration(measurements: M, sigma: sigma),
                                chains: B, dimension: d, start: .givenMeans(means), rng: &rng) { x, _ in x.map { shrink * $0 } }
        var sumSq = 0.0, count = 0.0
        for _ in 0..<20 {
            s.step(rng: &rng)
            for m in s.mean { sumSq += Double(m) * Double(m); count += 1 }
        }
        let ratio = sumSq / count / Double(1 + s2)
        // Steps are correlated: use the per-step count B·d for the standard error (conservative).
        #expect(abs(ratio - 1) < 4 * (2 / Double(B * d)).squareRoot(), "Var(ȳ)/(1 + σ²/M) = \(ratio)")
    }

    @Test func fusedStepMatchesTheGenericIntegrator() {
        // The same step through UnderdampedLangevin.step with the GPS score closure.
        let M = 4, B = 3, d = 7, sigma = 0.8
        let config = WalkJumpConfiguration(measurements: M, sigma: sigma, effectiveFriction: 0.5)
        let nu: WalkJumpSampler.Denoiser = { x, _ in x.map { 0.5 * $0 + 0.1 } }
        var rngA = Xoshiro256(seed: 3)
        let s = WalkJumpSampler(configuration: config, chains: B, dimension: d,
                                start: .uniformPlusNoiseIndependent, rng: &rngA, denoiser: nu)
        var y = s.y, v = s.v, noise = [Float]()
        var rngB = rngA
        let invS2 = Float(1 / (sigma * sigma)), bd = B * d
        let score: ([Float], inout [Float]) -> Void = { y, out in
            var mean = [Float](repeating: 0, count: bd)
            for m in 0..<M { for j in 0..<bd { mean[j] += y[m * bd + j] } }
            for j in 0..<bd { mean[j] *= 1 / Float(M) }
            let n = nu(mean, B)
            for m in 0..<M { for j in 0..<bd { out[m * bd + j] = (n[j] - y[m * bd + j]) * invS2 } }
        }
        for _ in 0..<20 {
            s.step(rng: &rngA)
            config.underdamped.step(y: &y, v: &v, noise: &noise, score: score, rng: &rngB)
        }
        let dy = zip(s.y, y).map { abs($0 - $1) }.max()!, dv = zip(s.v, v).map { abs($0 - $1) }.max()!
        #expect(dy < 1e-5 && dv < 1e-5, "max |Δy| = \(dy), |Δv| = \(dv)")
    }

    @Test func gaussianPriorGivesTheExactMeanAndDifferenceStatistics() {
        // X ~ N(0, λ I_d): ν(ȳ) = E[X | ȳ] = λ/(λ + s²) ȳ, s = σ/√M, exactly. Then ȳ ~ N(0, λ + s²)
        // and every difference direction y_m − ȳ has variance σ²(M−1)/M per coordinate, i.e. the
        // (M−1)d-dimensional difference subspace has variance σ² (THEORY T4.7).
        let M = 4, sigma = 1.0, lambda: Float = 1, d = 4, B = 400
        let s2 = Float(sigma * sigma) / Float(M)
        let shrink = lambda / (lambda + s2)
        let config = WalkJumpConfiguration(measurements: M, sigma: sigma, step: 0.1, effectiveFriction: 0.2)
        var rng = Xoshiro256(seed: 5)
        let s = WalkJumpSampler(configuration: config, chains: B, dimension: d, rng: &rng) { x, _ in x.map { shrink * $0 } }
        var sum = 0.0, sumSq = 0.0, count = 0.0, diffVar = [Double]()
        for t in 1...1500 {
            s.step(rng: &rng)
            if t > 500 && t % 10 == 0 {
                for m in s.mean { sum += Double(m); sumSq += Double(m) * Double(m); count += 1 }
                diffVar.append(s.differenceVariance)
            }
        }
        let mean = sum / count, variance = sumSq / count - mean * mean
        let expected = Double(lambda + s2)  // 1.25
        #expect(abs(mean) < 0.05, "mean of ȳ \(mean)")
        #expect(abs(variance - expected) < 0.05 * expected, "Var ȳ \(variance) vs \(expected)")
        // The difference directions are the linear A-B-O-B-A chain on precision 1/σ² = 1 (δ = 0.1,
        // γδ = 0.2) from 0 (copied start), whatever ν: E[snapshot at t] = S_t of ABOBAReference (the
        // transient after 500 steps is ~r^1000, r = e^{−0.1}). One snapshot is S χ²_k/k with
        // k = (M−1)·B·d = 4800; the 100 snapshots 10 steps apart are correlated, Corr = ρ(10|i−j|)²
        // (Isserlis), so Var(mean) = (2S²/k)·Σ_ij ρ(10|i−j|)²/100² ⇒ s.e. ≈ 0.0032; bound 4 s.e. ≈ 0.013.
        let reference = ABOBAReference(precision: 1 / (sigma * sigma), step: 0.1, effectiveFriction: 0.2)
        let snapshotTimes = Array(stride(from: 510, through: 1500, by: 10))
        let expectedDiff = Stats.mean(snapshotTimes.map { reference.covariance(afterSteps: $0).yy })
        let rho = reference.positionAutocorrelation(lags: 10 * snapshotTimes.count)
        var pairSum = 0.0
        for i in snapshotTimes.indices { for j in snapshotTimes.indices {
            pairSum += i == j ? 1 : rho[10 * abs(i - j) - 1] * rho[10 * abs(i - j) - 1]
        } }
        let k = Double((M - 1) * B * d), K = Double(snapshotTimes.count)
        let seDiff = expectedDiff * (2 / k * pairSum).squareRoot() / K
        let dv = Stats.mean(diffVar)
        #expect(diffVar.count == snapshotTimes.count)
        #expect(abs(dv - expectedDiff) <= 4 * seDiff, "difference variance \(dv) vs \(expectedDiff), s.e. \(seDiff)")
        #expect(s.walkSeconds > 0 && s.networkSeconds > 0)
    }
}
