// Optimiser state for exact resume: arrays named by slot and parameter index, in parameter order
// ("m.0", "v.0", … for Adam; "sum.0", … for Adagrad), each with its parameter's shape, plus
// "step" with shape [1] holding the step count.

import Storage
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
        let byName = try stateLookup(arrays, slots: ["m", "v"], nonNegative: ["v"], parameters: parameters)
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
        let byName = try stateLookup(arrays, slots: ["sum"], nonNegative: ["sum"], parameters: parameters)
        restore(step: Int(byName["step"]!.values[0]), sums: parameters.indices.map { byName["sum.\($0)"]!.values })
    }
}

/// The largest step count a Float holds exactly (2²⁴); `exportState` stores the count as a Float.
let largestStoredStep: Float = 16_777_216

/// Checks that every slot array exists with its parameter's shape and finite values (`nonNegative`
/// slots — accumulated squares — also ≥ 0), and that "step" is one whole number in 0…2²⁴; returns the
/// arrays by name. (A hostile step of 5e28 used to trap in `Int(_:)`; a negative one made Adam's bias
/// correction 1 − β₁⁰ = 0 and a negative second moment made √v NaN: both corrupted every weight.)
func stateLookup(_ arrays: [NamedArray], slots: [String], nonNegative: Set<String> = [],
                 parameters: [Parameter]) throws -> [String: NamedArray] {
    var byName = [String: NamedArray]()
    for a in arrays { byName[a.name] = a }
    guard let step = byName["step"], step.values.count == 1 else { throw ParameterLoadError.missing("step") }
    let s = step.values[0]
    guard s >= 0, s <= largestStoredStep, s == s.rounded(.towardZero) else {   // NaN fails s >= 0
        throw ParameterLoadError.invalidValue(name: "step", problem: "\(s) is not a whole number in 0…\(Int(largestStoredStep))")
    }
    for (i, p) in parameters.enumerated() {
        for slot in slots {
            let name = "\(slot).\(i)"
            guard let a = byName[name] else { throw ParameterLoadError.missing(name) }
            guard a.shape == p.shape, a.values.count == p.count else {
                throw ParameterLoadError.shapeMismatch(name: name, expected: p.shape, found: a.shape)
            }
            let positive = nonNegative.contains(slot)
            if let k = a.values.firstIndex(where: { !$0.isFinite || (positive && $0 < 0) }) {
                throw ParameterLoadError.invalidValue(name: name, problem:
                    "holds \(a.values[k]) at index \(k), expected a finite number\(positive ? " ≥ 0" : "")")
            }
        }
    }
    return byName
}
