// Central finite differences for Float layers, with the scalar objective accumulated in Double.
//
// Objective: L(x, θ) = Σ_i r_i · f(x, θ)_i with a fixed random projection r, so ∂L/∂y = r.
// Difference quotient (L(+h) − L(−h)) / 2h with h = 1e-2 on O(1) inputs: the truncation error is
// O(h²·f''') ≈ 1e-4 and Float rounding in f contributes ≈ 1e-7·|L| / h ≈ 1e-4, so agreement to
// `tolerance` = 1e-2 (relative to the largest gradient entry) is comfortable for a correct
// backward while any indexing or scaling bug gives O(1) errors.
import NeuralNet
import NumericCore

struct GradientCheckResult {
    var maxError: Double = 0     // max |analytic − numeric|
    var scale: Double = 0        // max |numeric|
    var checked = 0
    var relativeError: Double { maxError / max(scale, 1e-6) }
}

func projection(_ y: Tensor, _ r: [Float]) -> Double {
    var s: Double = 0
    for i in 0..<y.count { s += Double(y.data[i]) * Double(r[i]) }
    return s
}

/// Indices to probe: all when few, otherwise an evenly spread sample (deterministic).
func probeIndices(_ n: Int, limit: Int) -> [Int] {
    if n <= limit { return Array(0..<n) }
    return (0..<limit).map { ($0 * n) / limit + ($0 * 7919) % max(1, n / limit) }
}

/// Checks ∂L/∂input and ∂L/∂θ for every parameter of `layer` at `input`.
func checkGradients(_ layer: Layer, input: Tensor, seed: UInt64 = 7, h: Float = 1e-2,
                    probesPerTensor: Int = 24) -> (input: GradientCheckResult, parameters: [String: GradientCheckResult]) {
    var rng = Xoshiro256(seed: seed)
    let y0 = layer.forward(input)
    let r = rng.gaussiansFloat(y0.count)
    layer.zeroGradients()
    _ = layer.forward(input)
    let dx = layer.backward(Tensor(shape: y0.shape, data: r))
    let analytic = layer.namedParameters.map { ($0.name, $0.parameter.gradient) }

    var inputResult = GradientCheckResult()
    var x = input
    for i in probeIndices(input.count, limit: probesPerTensor) {
        let v = x.data[i]
        x.data[i] = v + h; let lp = projection(layer.forward(x), r)
        x.data[i] = v - h; let lm = projection(layer.forward(x), r)
        x.data[i] = v
        let numeric = (lp - lm) / (2 * Double(h))
        inputResult.maxError = max(inputResult.maxError, abs(numeric - Double(dx.data[i])))
        inputResult.scale = max(inputResult.scale, abs(numeric))
        inputResult.checked += 1
    }

    var results = [String: GradientCheckResult]()
    for ((name, p), (_, grad)) in zip(layer.namedParameters, analytic) {
        var res = GradientCheckResult()
        for i in probeIndices(p.count, limit: probesPerTensor) {
            let v = p.value[i]
            p.value[i] = v + h; let lp = projection(layer.forward(input), r)
            p.value[i] = v - h; let lm = projection(layer.forward(input), r)
            p.value[i] = v
            let numeric = (lp - lm) / (2 * Double(h))
            res.maxError = max(res.maxError, abs(numeric - Double(grad[i])))
            res.scale = max(res.scale, abs(numeric))
            res.checked += 1
        }
        results[name] = res
    }
    return (inputResult, results)
}

/// Largest relative error over input and all parameters, with the name of the worst tensor.
/// Each tensor's error is divided by max(its own scale, 1% of the largest scale of any tensor):
/// some gradients are exactly zero (a conv bias feeding a GroupNorm whose groups are single
/// channels), where the numeric quotient is pure rounding noise and a pure ratio is meaningless.
func worstRelativeError(_ r: (input: GradientCheckResult, parameters: [String: GradientCheckResult])) -> (String, Double) {
    let all = [("input", r.input)] + r.parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    let floor = 0.01 * all.map(\.1.scale).max()!
    var worst = ("", 0.0)
    for (name, res) in all where res.checked > 0 {
        let e = res.maxError / max(res.scale, floor, 1e-12)
        if e > worst.1 || worst.0.isEmpty { worst = (name, e) }
    }
    return worst
}

func randomTensor(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
    var rng = Xoshiro256(seed: seed)
    return Tensor(shape: shape, data: rng.gaussiansFloat(shape.reduce(1, *), mean: 0, std: std))
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    var m: Float = 0
    for i in a.indices { m = max(m, abs(a[i] - b[i])) }
    return m
}

func maxAbs(_ a: [Float]) -> Float { a.reduce(0) { max($0, abs($1)) } }
