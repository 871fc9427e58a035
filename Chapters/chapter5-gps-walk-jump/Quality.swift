import Foundation
import NeuralNet
import Notebook
import NumericCore

/// A statistic measured on independent replicate sample sets: its values, mean and standard error.
struct Replicated {
    var values: [Double]
    var mean: Double { Stats.mean(values) }
    var standardError: Double { Stats.standardError(values) }
    var text: String { "\(fmt(mean, digits: 3)) ± \(fmt(standardError, digits: 2))" }
}

/// Sample quality of one sample set, each number as mean ± s.e. over replicate groups of chains.
struct QualityEstimate {
    var fd: Replicated, kid: Replicated, classTV: Replicated, confident: Replicated
    /// Class shares of all samples pooled (the classifier's labels).
    var classShares: [Double]
    var groupSize: Int
}

extension Chapter {
    /// Quality of `count` images split into `groups` replicate sets. `group(i)` names the replicate
    /// of image i: for walk-jump samples the chain (chains are independent — own start, own noise — so
    /// disjoint groups of chains are independent sample sets, as runs with other seeds would be);
    /// for anchors any fixed split. Every group is cut to the smallest group's size.
    func quality(_ images: [Float], count: Int, groups: Int, group: (Int) -> Int) -> QualityEstimate {
        guard let (f, logits) = classify(images, count: count), let clf = classifier else {
            let none = Replicated(values: [])
            return QualityEstimate(fd: none, kid: none, classTV: none, confident: none, classShares: [], groupSize: 0)
        }
        let k = clf.featureDimension, classes = logits.shape[1]
        let labels = SoftmaxCrossEntropy.predictions(logits)
        let probs = SoftmaxCrossEntropy.probabilities(logits).data
        var members = [[Int]](repeating: [], count: groups)
        for i in 0..<count { members[group(i) % groups].append(i) }
        let size = members.map(\.count).min() ?? 0
        var fds = [Double](), kids = [Double](), tvs = [Double](), sure = [Double]()
        for g in members where size >= 2 {
            let idx = g.prefix(size)
            let feats = idx.flatMap { f[($0 * k)..<(($0 + 1) * k)] }
            fds.append(fd(features: feats, count: size))
            kids.append(kid(features: feats, count: size))
            tvs.append(totalVariation(histogram(idx.map { labels[$0] }), heldOutHistogram))
            sure.append(SampleQuality.confidentShare(probabilities: idx.flatMap { probs[($0 * classes)..<(($0 + 1) * classes)] },
                                                     classes: classes, threshold: Float(Self.confidentProbability)))
        }
        return QualityEstimate(fd: Replicated(values: fds), kid: Replicated(values: kids), classTV: Replicated(values: tvs),
                               confident: Replicated(values: sure), classShares: histogram(labels), groupSize: size)
    }

    /// Quality of walk-jump jumps stored as `kept` consecutive blocks of `chains` images (one block
    /// per kept step), replicates = `groups` disjoint, contiguous groups of chains.
    func chainQuality(_ jumps: [Float], chains: Int, groups: Int) -> QualityEstimate {
        let count = jumps.count / data.pixels, per = max(1, chains / groups)
        return quality(jumps, count: count, groups: groups) { i in min(groups - 1, (i % chains) / per) }
    }
}

extension Chapter {
    /// The anchor at the samples' replicate size: an exact walk's jumps ν_θ(x + σ_eff ε), x held-out,
    /// cut into the same number of groups of the same size.
    func anchorQuality(groupSize: Int) -> QualityEstimate {
        let n = min(data.heldOut.count, replicateGroups * max(2, groupSize))
        let size = n / replicateGroups
        return quality(Array(exactWalkJumps.prefix(n * data.pixels)), count: size * replicateGroups, groups: replicateGroups) { $0 / size }
    }

    /// The table of every member's quality with error bars, and the checks of the papers' claim:
    /// samples whose law is the data's (classes, FD against the exact walk's, no decay from the exact law).
    func qualityWithErrorBars() {
        let p = s.preset
        let main = results.filter { !$0.isStepVariant && $0.estimate != nil }
        guard let size = main.first?.estimate?.groupSize, size >= 2 else { return }
        let anchor = anchorQuality(groupSize: size)
        notebook.prose("The same numbers with error bars. Each member's n samples come from \(p.chains) independent chains (own start, own noise); they are cut into \(replicateGroups) disjoint groups of chains, \(size) samples each — independent replicate sample sets, as \(replicateGroups) sampling seeds would give — and each statistic is the mean ± standard error over the groups. KID is the unbiased kernel distance (mean 0 for samples of the held-out law; it may be negative); FD at n = \(size) carries a finite-n offset, which is why the exact walk's jumps are scored at the same size. Min/max class = the rarest and commonest class share of all the member's samples (held-out images: about 10 % each).")
        var rows = [[String]]()
        func row(_ name: String, _ q: QualityEstimate) {
            rows.append([name, q.fd.text, q.kid.text, q.classTV.text, "\(fmt(100 * q.confident.mean, digits: 3)) ± \(fmt(100 * q.confident.standardError, digits: 2)) %",
                         "\(fmt(100 * (q.classShares.min() ?? .nan), digits: 2)) % / \(fmt(100 * (q.classShares.max() ?? .nan), digits: 2)) %"])
        }
        for r in main { row(r.name, r.estimate!) }
        row("anchor: exact walk's jumps ν_θ(x + σ_eff ε)", anchor)
        notebook.table(["run", "FD", "KID", "TV(classes)", "confident", "min / max class"], rows)
        if !sampleSets.isEmpty {
            notebook.prose("Every sample set scored here is written next to this report, all its jumps as uint8 images in safetensors (tensor \"jumps\", shape (n, C, H, W); member, step, friction, integrator, start and seed in the metadata), so that other metrics can score the same samples: \(sampleSets.map { "`\($0)`" }.joined(separator: ", ")).")
        }
        qualityChecks(main, anchor: anchor)
    }

    /// The pooled anchor of the FD check: an exact walk's jumps at the members' n (as in the quality table).
    var exactAnchorFD: Double { anchors.first { $0.name.hasPrefix("jumps of an exact walk") }?.fd ?? .nan }
    var exactAnchorCount: Int { min(results.first?.sampleCount ?? 0, data.heldOut.count) }

    func qualityChecks(_ main: [MemberResult], anchor: QualityEstimate) {
        let p = s.preset
        guard p.name != "tiny" else { return }
        for r in main {
            let q = r.estimate!
            let lo = q.classShares.min() ?? 0, hi = q.classShares.max() ?? 1
            notebook.check("\(r.member.description): every class has \(fmt(100 * p.minClassShare)) %–\(fmt(100 * p.maxClassShare)) % of the samples (the data: about 10 %; preset \(p.name))",
                           lo >= p.minClassShare && hi <= p.maxClassShare, detail: "rarest \(fmt(100 * lo, digits: 3)) %, commonest \(fmt(100 * hi, digits: 3)) %")
            notebook.check("\(r.member.description): FD within \(fmt(p.maxAnchorFDRatio))× an exact walk's jumps' (all n = \(r.sampleCount) samples pooled against \(exactAnchorCount) exact-walk jumps; preset \(p.name))",
                           measured: r.fd / exactAnchorFD, atMost: p.maxAnchorFDRatio)
        }
        if let exact = diagnosisTraces.first, let first = exact.fd.first, let last = exact.fd.last {
            notebook.check("chains started at the exact law keep its quality: FD of the last window ≤ \(fmt(p.maxDecayRatio))× the first's (\(exact.name))",
                           measured: last / first, atMost: p.maxDecayRatio)
        }
        if let r = main.first, let q = r.estimate { falseAlarms(sampleCount: r.sampleCount, groupSize: q.groupSize, anchor: anchor) }
    }

    /// How often the checks above would fail for a sampler that is right: sample sets of exact
    /// walk jumps ν_θ(x + σ_eff ε) (independent draws, other noise seeds), scored like the members'.
    func falseAlarms(sampleCount n: Int, groupSize: Int, anchor: QualityEstimate) {
        let p = s.preset, trials = 10, size = min(n, data.heldOut.count)
        var classFails = 0, fdFails = 0, decayFails = 0
        for t in 0..<trials {
            let x = exactWalkJumps(count: size, seed: s.seed(.falseAlarms, t))
            let q = quality(x, count: size, groups: replicateGroups) { $0 % self.replicateGroups }
            let lo = q.classShares.min() ?? 0, hi = q.classShares.max() ?? 1
            if lo < p.minClassShare || hi > p.maxClassShare { classFails += 1 }
            if judge(x, count: size).fd / exactAnchorFD > p.maxAnchorFDRatio { fdFails += 1 }
            let half = size / 2 * data.pixels
            let a = judge(Array(x[..<half]), count: size / 2), b = judge(Array(x[half...]), count: size - size / 2)
            if b.fd / a.fd > p.maxDecayRatio { decayFails += 1 }
        }
        notebook.prose("False alarms: the same three checks applied to \(trials) sample sets of an exact walk's jumps ν_θ(x + σ_eff ε) (n = \(size) held-out images, other noise seeds; the decay check on their two halves) fail \(classFails), \(fdFails) and \(decayFails) times out of \(trials). These draws are independent; chains' jumps are correlated, which widens the spread of every statistic, so the rate for a right sampler of chains is higher than this and is not measured here.")
    }
}
