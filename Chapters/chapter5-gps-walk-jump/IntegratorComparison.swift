import Figures
import Foundation
import NeuralNet
import Notebook
import NumericCore
import Samplers
import Theory

/// One integrator's walk from the shared exact start, at a fixed budget of network calls.
struct IntegratorRun {
    var name: LangevinIntegratorName
    /// Kept jumps, `kept` consecutive blocks of B images.
    var jumps: [Float]
    var steps: Int, calls: Int, seconds: Double
    /// Σ_m ‖y_m − ȳ‖²/((M − 1) d) over the chains at the last step, with its s.e. (T4.7, T1.8).
    var differenceVariance: (value: Double, se: Double)
    var finite: Bool
}

extension Chapter {
    // MARK: - The five integrators at equal network calls (mode `integrators`; T1.8 on the learned score)

    /// Every integrator of --compare-integrators walks the long-chain member from one exact draw of
    /// its M-density for --compare-calls calls of ν_θ; jumps every --jump-every calls.
    func compareIntegrators() {
        let p = s.preset, member = s.longMember, B = p.chains
        notebook.section("The integrators compared at equal network calls")
        let h = member.step * member.step / 2
        notebook.prose("""
        The five integrators of chapter 1 (T1.8; `LangevinIntegratorName` in Samplers), each given the learned \
        GPS score ψ_m = (ν_θ(ȳ) − y_m)/σ² of \(member.description), δ = \(fmt(member.step, digits: 3)) = \
        \(fmt(member.step / member.sigma, digits: 3))σ, γδ = \(fmt(member.friction)), u = 1 (overdamped: h = δ²/2 = \
        \(fmt(h, digits: 3)), the step an A-B-O-B-A walk reduces to at high friction). All start from the same exact \
        draw of the M-density (ȳ = x + σ_eff ε, x held-out; y_m = ȳ + σ(ε_m − ε̄); v ~ N(0, u)) and run \(B) chains \
        for \(fmt(s.compareCalls)) calls of ν_θ each: the randomized midpoint calls ν_θ twice per step, so it walks \
        half as many steps. A jump x̂ = ν_θ(ȳ) is kept every \(p.jumpEvery) calls (not counted in the budget). \
        Started at the law the chains should keep, any loss of quality is the stationary bias of the learned, \
        discretised walk.
        """)
        var rng = s.rng(.exactStart)
        let start = exactStart(member, chains: B, rng: &rng)
        let runs = s.compareIntegrators.map { name -> IntegratorRun in
            var r = rng.split()
            return walk(name, member: member, from: start, rng: &r)
        }
        integratorTable(runs, member: member)
        differenceChecks(runs, member: member)
        integratorFigure(runs)
    }

    /// An exact draw (y, v) of member M's stationary law in the chain-major layout y[(b·M + m)·d + j].
    func exactStart(_ member: Member, chains B: Int, rng: inout Xoshiro256) -> (y: [Float], v: [Float]) {
        let d = data.pixels, M = member.measurements, sigma = Float(member.sigma)
        let means = exactMeans(count: B, rng: &rng)
        var y = [Float](repeating: 0, count: B * M * d)
        let e = rng.gaussiansFloat(B * M * d)
        for b in 0..<B {
            for j in 0..<d {
                var eBar: Float = 0
                for m in 0..<M { eBar += e[(b * M + m) * d + j] }
                eBar /= Float(M)
                for m in 0..<M { y[(b * M + m) * d + j] = means[b * d + j] + sigma * (e[(b * M + m) * d + j] - eBar) }
            }
        }
        return (y, rng.gaussiansFloat(B * M * d))
    }

    /// ȳ_b of the chain-major state.
    func chainMeans(_ y: [Float], chains B: Int, measurements M: Int) -> [Float] {
        MeasurementMean.of(y, measurements: M, batch: B)
    }

    /// One integrator for --compare-calls network calls (its score counts them).
    func walk(_ name: LangevinIntegratorName, member: Member, from start: (y: [Float], v: [Float]), rng: inout Xoshiro256) -> IntegratorRun {
        let d = data.pixels, M = member.measurements, B = s.preset.chains, jumpEvery = s.preset.jumpEvery
        let configuration = member.walkConfiguration(name), integrator = configuration.langevinIntegrator(dimension: M * d)
        var calls = 0
        let score: ([Float], inout [Float]) -> Void = { y, out in
            let nu = self.denoise(self.chainMeans(y, chains: B, measurements: M), count: B)
            calls += 1
            GPSScore.chainMajor(y, nu: nu, measurements: M, chains: B, sigma: member.sigma, into: &out)
        }
        var y = start.y, v = start.v, force = [Float](), jumps = [Float](), steps = 0, nextJump = jumpEvery
        let clock = Stopwatch(), bar = ProgressBar(total: s.compareCalls, label: name.rawValue)
        while calls + name.scoreCallsPerStep <= s.compareCalls {
            integrator.step(y: &y, v: &v, force: &force, score: score, rng: &rng)
            steps += 1
            if calls >= nextJump {
                jumps += denoise(chainMeans(y, chains: B, measurements: M), count: B)
                nextJump += jumpEvery
            }
            bar.update(done: calls, fields: [], rate: Double(calls) / max(1e-9, clock.seconds), unit: "calls/s",
                       eta: Double(s.compareCalls - calls) / max(1e-9, Double(calls) / max(1e-9, clock.seconds)))
        }
        bar.finish()
        return IntegratorRun(name: name, jumps: jumps, steps: steps, calls: calls, seconds: clock.seconds,
                             differenceVariance: differenceVariance(y, chains: B, measurements: M),
                             finite: y.allSatisfy(\.isFinite) && v.allSatisfy(\.isFinite))
    }

    /// Σ_m ‖y_m − ȳ‖²/((M − 1)d) per chain (Σ_m (y_m − ȳ)² has M − 1 degrees of freedom per pixel),
    /// averaged over the B independent chains, with the s.e. of that mean from their spread.
    func differenceVariance(_ y: [Float], chains B: Int, measurements M: Int) -> (value: Double, se: Double) {
        guard M > 1 else { return (.nan, .nan) }
        let ybar = chainMeans(y, chains: B, measurements: M), d = data.pixels
        let perChain = (0..<B).map { b -> Double in
            var s2 = 0.0
            for m in 0..<M { let o = (b * M + m) * d; for j in 0..<d { let e = Double(y[o + j] - ybar[b * d + j]); s2 += e * e } }
            return s2 / Double((M - 1) * d)
        }
        return (Stats.mean(perChain), Stats.standardError(perChain))
    }

    func integratorTable(_ runs: [IntegratorRun], member: Member) {
        let p = s.preset, B = p.chains
        var rows = [[String]](), groupSize = 0
        for run in runs {
            let count = run.jumps.count / data.pixels, kept = count / B
            guard count >= 2 * replicateGroups else { continue }
            let q = chainQuality(run.jumps, chains: B, groups: replicateGroups)
            groupSize = q.groupSize
            let labels = predictions(run.jumps, count: count)
            var switches = 0
            for b in 0..<B { for k in 1..<max(1, kept) where labels[k * B + b] != labels[(k - 1) * B + b] { switches += 1 } }
            let stepsPerJump = Double(p.jumpEvery) / Double(run.name.scoreCallsPerStep)
            let perThousand = kept > 1 ? 1000 * Double(switches) / (Double(B * (kept - 1)) * stepsPerJump) : .nan
            rows.append([run.name.rawValue, "\(run.name.scoreCallsPerStep)", fmt(run.steps), q.fd.text, q.kid.text,
                         "\(fmt(100 * q.confident.mean, digits: 3)) ± \(fmt(100 * q.confident.standardError, digits: 2)) %",
                         fmt(perThousand, digits: 3), "\(fmt(100 * blankFraction(run.jumps, count: count), digits: 3)) %",
                         fmtTiming(1000 * run.seconds / Double(max(1, run.calls)), digits: 3)])
        }
        if groupSize >= 2 {
            let anchor = anchorQuality(groupSize: groupSize)
            rows.append(["anchor: exact walk's jumps ν_θ(x + σ_eff ε)", "—", "—", anchor.fd.text, anchor.kid.text,
                         "\(fmt(100 * anchor.confident.mean, digits: 3)) ± \(fmt(100 * anchor.confident.standardError, digits: 2)) %", "—", "—", "—"])
        }
        notebook.prose("FD, KID and the confident share are mean ± s.e. over \(replicateGroups) disjoint groups of chains (independent replicate sample sets), all kept jumps pooled per group; class switches count changes of a chain's predicted class between consecutive kept jumps, per 1 000 walk steps; blank share: jumps with less than a quarter of the held-out images' mean contrast.")
        notebook.table(["integrator", "ν calls/step", "steps", "FD", "KID", "confident", "class switches /1000 steps", "blank", "ms per call"], rows)
    }

    /// T4.7 + T1.8: along the difference directions y_m − ȳ the GPS force is exactly −(y_m − ȳ)/σ²
    /// (ν_θ depends on ȳ only), so every integrator's law there is its exact discretised Gaussian one
    /// at precision 1/σ², whatever the network.
    func differenceChecks(_ runs: [IntegratorRun], member: Member) {
        guard member.measurements > 1 else { return }
        let lambda = 1 / (member.sigma * member.sigma)
        notebook.prose("Along the (M − 1)d difference directions y_m − ȳ the GPS force is exactly −(y_m − ȳ)/σ² whatever ν_θ is (T4.7), so there each integrator samples its exact discretised Gaussian law of T1.8 at precision λ = 1/σ²: checked at the last step: Σ_m ‖y_m − ȳ‖²/((M − 1)d) per chain, mean ± s.e. over the B independent chains, 4 s.e.")
        for run in runs {
            notebook.check("\(run.name.rawValue): the walk stays finite", run.finite, detail: "\(fmt(run.steps)) steps, \(fmt(run.calls)) calls")
            guard let ratio = member.differenceVarianceRatio(run.name), run.differenceVariance.se.isFinite else { continue }
            notebook.check("T1.8 \(run.name.rawValue) on the difference directions: Var(y_m − ȳ) = the exact discretised value at λ = 1/σ² (λ·Var = \(fmt(ratio, digits: 4)))",
                           expected: ratio / lambda, measured: run.differenceVariance.value,
                           tolerance: .standardErrors(4, se: run.differenceVariance.se))
        }
    }

    /// FD of each integrator's jumps per window of network calls.
    func integratorFigure(_ runs: [IntegratorRun]) {
        let B = s.preset.chains, d = data.pixels, windows = s.preset.diagnosticWindows
        var plot = Plot(title: "Quality against network calls, from an exact start", xLabel: "network calls", yLabel: "FD of the window's jumps")
        for (i, run) in runs.enumerated() {
            let kept = run.jumps.count / (B * d), per = kept / windows
            guard per >= 1 else { continue }
            var xs = [Double](), ys = [Double]()
            for w in 0..<windows {
                let slice = Array(run.jumps[(w * per * B * d)..<((w + 1) * per * B * d)])
                xs.append(Double((w + 1) * per * s.preset.jumpEvery)); ys.append(judge(slice, count: per * B).fd)
            }
            plot.add(Series(run.name.rawValue, x: xs, y: ys, style: .linePoints, color: Color.cycle[i % Color.cycle.count]))
        }
        notebook.figure("integrators-fd.png", caption: "FD of each integrator's jumps per window of ν_θ calls, all from the same exact draw of the M-density", plot: plot)
    }
}
