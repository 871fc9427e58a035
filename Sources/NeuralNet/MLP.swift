// x is (N, inputDim), y is (N, outputDim); hidden activations are (N, hidden[i]).
import NumericCore

/// Multilayer perceptron Linear→SiLU→…→Linear (no activation after the last layer).
/// Parameter names: `layers.<i>.weight` / `layers.<i>.bias`, i counting Linear layers only.
public final class MLP: Layer {
    public let linears: [Linear]
    private let activations: [SiLU]

    public init(inputDim: Int, hidden: [Int], outputDim: Int, seed: UInt64) {
        var rng = Xoshiro256(seed: seed)
        let dims = [inputDim] + hidden + [outputDim]
        var ls = [Linear]()
        for i in 0..<(dims.count - 1) { ls.append(Linear(dims[i], dims[i + 1], rng: &rng)) }
        linears = ls
        activations = hidden.map { _ in SiLU() }
    }

    public func forward(_ x: Tensor) -> Tensor { run(x) { $0.forward($1) } }
    public func infer(_ x: Tensor) -> Tensor { run(x) { $0.infer($1) } }

    private func run(_ x: Tensor, _ apply: (Layer, Tensor) -> Tensor) -> Tensor {
        var h = x
        for i in linears.indices {
            h = apply(linears[i], h)
            if i < activations.count { h = apply(activations[i], h) }
        }
        return h
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        var g = gradOutput
        for i in linears.indices.reversed() {
            if i < activations.count { g = activations[i].backward(g) }
            g = linears[i].backward(g)
        }
        return g
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        linears.enumerated().flatMap { prefixed("layers.\($0.offset)", $0.element.namedParameters) }
    }
}
