import Notebook
import NumericCore

/// Mode false-alarms: how often the class-share check fails a right sampler whose chains keep their
/// class between jumps (`PersistentClassChains`), at the preset's chains × jumps and at other layouts
/// of the same number of samples. No network: the null model needs only the data's class shares.
extension Chapter {
    func classFloorFalseAlarms() throws {
        let p = s.preset, jumps = p.sampleSteps / p.jumpEvery, n = p.chains * jumps, trials = 4_000
        let shares = SampleQuality.classShares(data.heldOut.labels.map(Int.init), classes: data.heldOut.classNames.count)
        let change = PersistentClassChains.independentSwitchRate(classShares: shares)
        if let bad = s.switchRates.first(where: { $0 > change }) {
            throw InputError("--switch-rates: \(bad) exceeds 1 − Σ p² = \(fmt(change, digits: 4)), the switch rate of independent draws from these held-out classes")
        }
        notebook.section("False alarms of the class-share check for chains that keep their class")
        notebook.prose("The sample mode's check asks every class to hold \(p.maxClassShare < 1 ? "\(fmt(100 * p.minClassShare)) %–\(fmt(100 * p.maxClassShare)) %" : "at least \(fmt(100 * p.minClassShare)) %") of a member's n = \(p.chains) chains × \(jumps) jumps = \(n) samples (preset \(p.name)). Its false alarms, as the sample mode measures them, are those of independent draws. A walk-jump chain keeps its class for several jumps, so the samples are fewer independent draws than n and their class shares spread more. The null model: a right sampler whose chains start in a class drawn from the data's shares p and, between two jumps, redraw it from p with probability r (else keep it). Its law is p at every jump, so whatever fails it is a false alarm. A run measures r through its switch rate s (the share of consecutive jumps whose class differs, the quality table's switches/jump): s = r (1 − Σ p²), here 1 − Σ p² = \(fmt(change, digits: 3)) with p the \(fmt(data.heldOut.count)) held-out images' labels (rarest class \(fmt(100 * shares.min()!, digits: 3)) %).")
        notebook.equation("Var(share of class c) = p_c (1 − p_c) / (B J²) · Σ_{i,j<J} (1 − r)^{|i−j|}        (B chains, J jumps each)")
        var layouts = [(chains: p.chains, jumps: jumps)]
        while layouts.last!.jumps % 2 == 0 { layouts.append((layouts.last!.chains * 2, layouts.last!.jumps / 2)) }
        let rates = s.switchRates + [change]
        func model(_ rate: Double, _ layout: (chains: Int, jumps: Int)) -> PersistentClassChains {
            PersistentClassChains(classShares: shares, chains: layout.chains, jumps: layout.jumps, switchRate: rate)!
        }
        func cell(_ r: (rate: Double, standardError: Double)) -> String {
            r.rate == 0 ? "0 of \(fmt(trials))" : "\(fmt(100 * r.rate, digits: 3)) ± \(fmt(100 * r.standardError, digits: 2)) %"
        }
        var rows = [[String]]()
        for (i, rate) in rates.enumerated() {
            var row = [i == rates.count - 1 ? "independent draws" : s.rateLabels?[i] ?? "", fmt(rate, digits: 3)]
            for (k, layout) in layouts.enumerated() {
                row.append(cell(model(rate, layout).falseAlarmRate(floor: p.minClassShare, ceiling: p.maxClassShare, trials: trials, seed: s.seed(.classFloor, i, k))))
            }
            if let observed = s.rarestShares {
                // P(rarest ≤ x) = P(rarest < x + ½/n): shares are multiples of 1/n.
                row += i < observed.count ? ["\(fmt(100 * observed[i], digits: 3)) %",
                                             cell(model(rate, layouts[0]).falseAlarmRate(floor: observed[i] + 0.5 / Double(n), trials: trials, seed: s.seed(.classFloor, i, layouts.count)))] : ["", ""]
            }
            rows.append(row)
        }
        let observedColumns = s.rarestShares == nil ? [] : ["a run's rarest class", "P(rarest ≤ it), \(p.chains) × \(jumps)"]
        notebook.table(["run", "switches/jump s"] + layouts.map { "\($0.chains) × \($0.jumps)" } + observedColumns, rows)
        notebook.prose("Each cell: the share of \(fmt(trials)) simulated sample sets of B chains × J jumps (column) that fail the check, ± its binomial standard error (none failing: \"0 of \(fmt(trials))\"). The first column is the preset's layout; the others keep n and trade jumps per chain for chains.\(s.rarestShares == nil ? "" : " The last two columns: a run's measured rarest class share at that switch rate (--rarest-shares), and how often the null model's rarest class is that rare or rarer, at the preset's layout: a small value says the shortfall is not the chains' persistence but the sampler's law.")")
        for (i, rate) in rates.enumerated() { checkVariance(model(rate, layouts[0]), rate: rate, index: i) }
    }

    /// The simulation against the closed form: the variance of the rarest class's share over 4 000
    /// draws, within 4 standard errors of the sample variance (Stats.varianceWithStandardError).
    private func checkVariance(_ model: PersistentClassChains, rate: Double, index: Int) {
        let c = model.classShares.indices.min { model.classShares[$0] < model.classShares[$1] }!
        var rng = Xoshiro256(seed: s.seed(.classFloorVariance, index))
        let draws = (0..<4_000).map { _ in model.sampleShares(using: &rng)[c] }
        let (v, se) = Stats.varianceWithStandardError(draws), exact = model.shareVariance(ofClass: c)
        notebook.check("s = \(fmt(rate, digits: 3)): the simulated variance of the rarest class's share is the closed form (within 4 s.e.)",
                       abs(v - exact) <= 4 * se, detail: "closed form \(fmt(exact, digits: 4)), simulated \(fmt(v, digits: 4)) ± \(fmt(se, digits: 2))")
    }
}
