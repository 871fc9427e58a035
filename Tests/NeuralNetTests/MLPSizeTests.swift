import NeuralNet
import Testing

/// `MLP.parameterCount` against the parameters of a built MLP, and `MLP.twoHiddenWidths` against an
/// exhaustive search (chapter 4's MDAE and GPS networks at equal size, THEORY T4.10).
struct MLPSizeTests {
    @Test("parameterCount equals the parameter count of the built MLP")
    func countMatchesBuiltNetwork() {
        for (i, h, o) in [(2, [59, 62], 2), (8, [55, 55], 8), (1, [3], 1), (5, [], 3), (16, [7, 9, 11], 4)] {
            #expect(MLP.parameterCount(inputDim: i, hidden: h, outputDim: o) == MLP(inputDim: i, hidden: h, outputDim: o, seed: 1).parameterCount)
        }
        // by hand: 8 → 55 → 55 → 8 has 9·55 + 56·55 + 56·8 = 4023; 2 → 59 → 62 → 2 has 3·59 + 60·62 + 63·2 = 4023
        #expect(MLP.parameterCount(inputDim: 8, hidden: [55, 55], outputDim: 8) == 4023)
        #expect(MLP.parameterCount(inputDim: 2, hidden: [59, 62], outputDim: 2) == 4023)
    }

    @Test("twoHiddenWidths: the most balanced pair within the slack, else the closest count (exhaustive search)")
    func widthsMatchExhaustiveSearch() {
        for (i, o, target, slack) in [(2, 2, 4023, 4), (2, 2, 5256, 5), (3, 1, 777, 0), (2, 2, 100, 0), (4, 4, 2000, 2), (2, 2, 4911, 4), (2, 2, 4911, 0)] {
            let found = MLP.twoHiddenWidths(inputDim: i, outputDim: o, matching: target, slack: slack)
            // the smallest |a − b| among pairs within the slack (every target here has such pairs)
            var bestBalanceInSlack = Int.max
            var bestDiff = Int.max, bestBalance = Int.max
            // every (a, b) whose count can come within the target: a ≤ target/(i + 1), b ≤ target/(a + 1 + o)
            for a in 1...(target / (i + 1) + 1) { for b in 1...(target / (a + 1 + o) + 2) {
                let c = (i + 1) * a + (a + 1) * b + (b + 1) * o  // weights and biases layer by layer
                let diff = abs(c - target)
                if diff <= slack { bestBalanceInSlack = min(bestBalanceInSlack, abs(a - b)) }
                if diff < bestDiff || (diff == bestDiff && abs(a - b) < bestBalance) { bestDiff = diff; bestBalance = abs(a - b) }
            } }
            #expect(found.count == MLP.parameterCount(inputDim: i, hidden: [found.a, found.b], outputDim: o))
            if bestDiff <= slack {
                #expect(abs(found.count - target) <= slack)
                #expect(abs(found.a - found.b) == bestBalanceInSlack)
            } else {
                #expect(abs(found.count - target) == bestDiff)
                #expect(abs(found.a - found.b) == bestBalance)
            }
        }
        // default slack 0: an exact count when one exists (4023), else the closest (4911: no pair gives it)
        let m8 = MLP.twoHiddenWidths(inputDim: 2, outputDim: 2, matching: 4911)
        #expect(abs(m8.count - 4911) == 1)
        let gps = MLP.twoHiddenWidths(inputDim: 2, outputDim: 2, matching: 4023)
        #expect(gps.a == 59 && gps.b == 62 && gps.count == 4023)  // (a + 3)(b + 3) = 4030 = 62·65
    }
}
