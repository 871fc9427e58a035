// Parameter counts of an MLP, and hidden widths that give two MLPs of different input/output sizes
// the same number of parameters (chapter 4, MDAE against GPS at equal size).

extension MLP {
    /// The number of parameters of `MLP(inputDim:hidden:outputDim:)`: Σ_i (n_i + 1)·n_{i+1} over the
    /// layer sizes n = (input, hidden…, output) — each Linear has an (n_{i+1}, n_i) weight and a bias.
    public static func parameterCount(inputDim: Int, hidden: [Int], outputDim: Int) -> Int {
        let dims = [inputDim] + hidden + [outputDim]
        return zip(dims, dims.dropFirst()).reduce(0) { $0 + ($1.0 + 1) * $1.1 }
    }

    /// Two hidden widths (a, b) for an MLP inputDim → a → b → outputDim whose parameter count matches
    /// `target`: among the pairs whose count is within `slack` of the target (default 0: equal counts), the
    /// most balanced (smallest |a − b|, then the closest count, then the smaller a); when no pair is
    /// that close, the closest count. With inputs i and outputs o the count is (i + 1)a + (a + 1)b +
    /// (b + 1)o, linear in b for fixed a, so each a ≥ 1 has one best b, found by rounding (its
    /// neighbours are tried too); a runs up to the width at which the first layer alone reaches the target.
    public static func twoHiddenWidths(inputDim: Int, outputDim: Int, matching target: Int, slack: Int? = nil) -> (a: Int, b: Int, count: Int) {
        precondition(inputDim >= 1 && outputDim >= 1 && target >= 1, "twoHiddenWidths: sizes must be positive")
        let slack = slack ?? 0
        precondition(slack >= 0, "twoHiddenWidths: slack must be ≥ 0")
        var best: (a: Int, b: Int, count: Int)? = nil
        func better(_ c: (a: Int, b: Int, count: Int), than o: (a: Int, b: Int, count: Int)) -> Bool {
            let dc = abs(c.count - target), doo = abs(o.count - target)
            let cIn = dc <= slack, oIn = doo <= slack
            if cIn != oIn { return cIn }
            if !cIn && dc != doo { return dc < doo }
            if abs(c.a - c.b) != abs(o.a - o.b) { return abs(c.a - c.b) < abs(o.a - o.b) }
            if dc != doo { return dc < doo }
            return c.a < o.a
        }
        let maxA = max(1, target / (inputDim + 1) + 1)
        for a in 1...maxA {
            // count(a, b) = (i + 1)a + (a + 1)b + (b + 1)o = (i + 1)a + o + b(a + 1 + o)
            let fixed = (inputDim + 1) * a + outputDim, slope = a + 1 + outputDim
            let b0 = Int((Double(target - fixed) / Double(slope)).rounded())
            for b in [b0 - 1, b0, b0 + 1] where b >= 1 {
                let c = (a: a, b: b, count: parameterCount(inputDim: inputDim, hidden: [a, b], outputDim: outputDim))
                if best == nil || better(c, than: best!) { best = c }
            }
        }
        return best!
    }
}
