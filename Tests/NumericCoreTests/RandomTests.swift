import NumericCore
import Testing

@Suite("Xoshiro256: reproducibility and distribution")
struct RandomTests {
    @Test("the same seed gives the same stream; different seeds give different streams")
    func sameSeedSameStream() {
        for seed: UInt64 in [0, 1, 42, .max] {
            var a = Xoshiro256(seed: seed), b = Xoshiro256(seed: seed), c = Xoshiro256(seed: seed &+ 1)
            let sa = (0..<1000).map { _ in a.next() }, sb = (0..<1000).map { _ in b.next() }, sc = (0..<1000).map { _ in c.next() }
            #expect(sa == sb)
            #expect(sa != sc)
            #expect(Set(sa).count == 1000)  // no repeats in a short stretch
        }
        var g1 = Xoshiro256(seed: 7), g2 = Xoshiro256(seed: 7)
        #expect(g1.gaussians(257) == g2.gaussians(257))
        #expect(g1.gaussiansFloat(33) == g2.gaussiansFloat(33))
        #expect(g1.permutation(50) == g2.permutation(50))
    }

    /// Keyed streams (chapter 5's sweep): a grid shaped like the sweep's largest flags (8 members × 12
    /// frictions × 50 seeds, two families, 10 seeds) has 96 000 streams. All their first words are distinct
    /// (a 64-bit coincidence among them has probability ≈ n²/2⁶⁵ = 2.5e-10; the `seed + offset` scheme
    /// these replace had whole blocks coinciding), and their first uniforms look independent: mean 1/2 and
    /// lag-one correlation 0 within 4 s.e. (s.e. √(1/12n) and 1/√n; false alarm 6.3e-5 each).
    @Test("keyed streams: reproducible, distinct for every key path and seed, first draws uniform and uncorrelated")
    func keyedStreams() {
        var a = Xoshiro256(seed: 5, stream: [1, 2, 3]), b = Xoshiro256(seed: 5, stream: [1, 2, 3])
        #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
        var firsts = Set<UInt64>(), u = [Double]()
        for seed: UInt64 in 0..<10 {
            for family: UInt64 in 1...2 { for i: UInt64 in 0..<8 { for k: UInt64 in 0..<12 { for j: UInt64 in 0..<50 {
                var r = Xoshiro256(seed: seed, stream: [family, i, k, j])
                var copy = r
                firsts.insert(copy.next())
                u.append(r.uniform())
            } } } }
        }
        #expect(firsts.count == u.count, "\(u.count - firsts.count) coinciding streams")
        let n = Double(u.count), mean = u.reduce(0, +) / n
        #expect(abs(mean - 0.5) <= 4 * (1 / (12 * n)).squareRoot(), "mean \(mean)")
        var c = 0.0
        for i in 1..<u.count { c += (u[i - 1] - 0.5) * (u[i] - 0.5) }
        let correlation = c / Double(u.count - 1) * 12
        #expect(abs(correlation) <= 4 / n.squareRoot(), "lag-one correlation \(correlation)")
        // What `seed + offset` got wrong: seed 1's stream 2 was seed 2's stream 1; the order of keys counts.
        var s12 = Xoshiro256(seed: 1, stream: [2]), s21 = Xoshiro256(seed: 2, stream: [1])
        #expect(s12.next() != s21.next())
        var ab = Xoshiro256(seed: 1, stream: [3, 4]), ba = Xoshiro256(seed: 1, stream: [4, 3])
        #expect(ab.next() != ba.next())
        // An empty key path is the seed's own stream.
        var plain = Xoshiro256(seed: 9), keyless = Xoshiro256(seed: 9, stream: [])
        #expect(plain.next() == keyless.next())
    }

    @Test("a saved state continues the stream exactly; malformed states are refused")
    func stateRoundTrip() {
        var a = Xoshiro256(seed: 99)
        _ = a.gaussians(1001)               // an odd count: no Box–Muller spare may be lost
        guard var b = Xoshiro256(state: a.state) else { Issue.record("a live state was refused"); return }
        #expect((0..<1000).map { _ in a.next() } == (0..<1000).map { _ in b.next() })
        #expect(a.gaussians(7) == b.gaussians(7))
        #expect(Xoshiro256(state: [0, 0, 0, 0]) == nil)
        #expect(Xoshiro256(state: [1, 2, 3]) == nil)
        #expect(Xoshiro256(state: [1, 2, 3, 4, 5]) == nil)
    }

    @Test("split streams differ from the parent and from each other, and are reproducible")
    func splitStreams() {
        var parent = Xoshiro256(seed: 3), again = Xoshiro256(seed: 3)
        var c1 = parent.split(), c2 = parent.split()
        var d1 = again.split(), d2 = again.split()
        let s1 = (0..<256).map { _ in c1.next() }, s2 = (0..<256).map { _ in c2.next() }, sp = (0..<256).map { _ in parent.next() }
        #expect(s1 != s2 && s1 != sp && s2 != sp)
        #expect(Set(s1).isDisjoint(with: s2) && Set(s1).isDisjoint(with: sp))
        #expect(s1 == (0..<256).map { _ in d1.next() })
        #expect(s2 == (0..<256).map { _ in d2.next() })
    }

    /// 10⁵ standard normal draws: mean within 4 standard errors (s.e. = 1/√n ≈ 0.0032), variance within
    /// 4 s.e. of the sample variance (√(2/n) ≈ 0.0045), skewness and excess kurtosis within 4·√(6/n) and
    /// 4·√(24/n). A correct generator fails one of these with probability < 1e-3 — and the seed is fixed.
    @Test("Gaussian moments of 10⁵ draws are within 4 standard errors", arguments: [UInt64(1), 2, 12345])
    func gaussianMoments(seed: UInt64) {
        let n = 100_000
        var rng = Xoshiro256(seed: seed)
        for draws in [rng.gaussians(n), (0..<n).map { _ in rng.gaussian() }] {
            let mean = Stats.mean(draws), variance = Stats.variance(draws)
            let sd = variance.squareRoot()
            let skew = draws.reduce(0) { $0 + pow3(($1 - mean) / sd) } / Double(n)
            let kurt = draws.reduce(0) { $0 + pow4(($1 - mean) / sd) } / Double(n) - 3
            #expect(abs(mean) <= 4 / Double(n).squareRoot())
            #expect(abs(variance - 1) <= 4 * (2 / Double(n)).squareRoot())
            #expect(abs(skew) <= 4 * (6 / Double(n)).squareRoot())
            #expect(abs(kurt) <= 4 * (24 / Double(n)).squareRoot())
        }
        let shifted = rng.gaussians(n, mean: 2, std: 3)
        #expect(abs(Stats.mean(shifted) - 2) <= 4 * 3 / Double(n).squareRoot())
        #expect(abs(Stats.variance(shifted) / 9 - 1) <= 4 * (2 / Double(n)).squareRoot())
        let uniforms = (0..<n).map { _ in rng.uniform() }
        #expect(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(Stats.mean(uniforms) - 0.5) <= 4 * (1.0 / 12 / Double(n)).squareRoot())
    }

    @Test("int(below:) stays in range and permutation is a permutation")
    func integers() {
        var rng = Xoshiro256(seed: 9)
        #expect((0..<10_000).allSatisfy { _ in (0..<7).contains(rng.int(below: 7)) })
        #expect(rng.permutation(100).sorted() == Array(0..<100))
    }
}

private func pow3(_ x: Double) -> Double { x * x * x }
private func pow4(_ x: Double) -> Double { x * x * x * x }
