// Optimiser state for exact resume: arrays named by slot and parameter index, in parameter order
// ("m.0", "v.0", … for Adam; "sum.0", … for Adagrad), each with its parameter's shape, plus
// "step" with shape [1] holding the step count.

extension Adam {
    /// Moments and step count as named arrays (store them next to the parameters' checkpoint).
    public func exportState() -> [NamedArray] {
        var out: [NamedArray] = [(name: "step", shape: [1], values: [Float(stepCount)])]
        for (i, p) in parameters.enumerated() {
            out.append((name: "m.\(i)", shape: p.shape, values: firstMoments[i]))
            out.append((name: "v.\(i)", shape: p.shape, values: secondMoments[i]))
        }
        return out
    }

    /// Restores state written by `exportState` for the same parameter list; throws on any mismatch
    /// and leaves the optimiser unchanged then.
    public func loadState(_ arrays: [NamedArray]) throws {
        let byName = try stateLookup(arrays, slots: ["m", "v"], parameters: parameters)
        restore(step: Int(byName["step"]!.values[0]),
                first: parameters.indices.map { byName["m.\($0)"]!.values },
                second: parameters.indices.map { byName["v.\($0)"]!.values })
    }
}

extension Adagrad {
    public func exportState() -> [NamedArray] {
        var out: [NamedArray] = [(name: "step", shape: [1], values: [Float(stepCount)])]
        for (i, p) in parameters.enumerated() { out.append((name: "sum.\(i)", shape: p.shape, values: sums[i])) }
        return out
    }

    public func loadState(_ arrays: [NamedArray]) throws {
        let byName = try stateLookup(arrays, slots: ["sum"], parameters: parameters)
        restore(step: Int(byName["step"]!.values[0]), sums: parameters.indices.map { byName["sum.\($0)"]!.values })
    }
}

/// Checks that every slot array exists with its parameter's shape; returns the arrays by name.
func stateLookup(_ arrays: [NamedArray], slots: [String], parameters: [Parameter]) throws -> [String: NamedArray] {
    var byName = [String: NamedArray]()
    for a in arrays { byName[a.name] = a }
    guard let step = byName["step"], step.values.count == 1 else { throw ParameterLoadError.missing("step") }
    for (i, p) in parameters.enumerated() {
        for slot in slots {
            let name = "\(slot).\(i)"
            guard let a = byName[name] else { throw ParameterLoadError.missing(name) }
            guard a.shape == p.shape, a.values.count == p.count else {
                throw ParameterLoadError.shapeMismatch(name: name, expected: p.shape, found: a.shape)
            }
        }
    }
    return byName
}
