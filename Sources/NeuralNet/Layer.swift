// Parameters are shared reference cells (value + gradient of the same shape) so that layers,
// optimisers and checkpoint code all see the same storage. A Layer maps one tensor to one tensor.
import NumericCore
import Storage

/// A trainable array: `value` and its accumulated `gradient` (same count), with a fixed `shape`.
public final class Parameter {
    public let shape: [Int]
    /// Every write bumps `version`, in-place ones included (a `didSet` that does not read the old
    /// value keeps `withUnsafeMutableBufferPointer` in place), so layers may cache what they derive.
    public var value: [Float] { didSet { version &+= 1 } }
    public var gradient: [Float]
    /// Counts writes to `value`: a layer's cache of a transform of `value` is valid while it is unchanged.
    public private(set) var version = 0

    public init(shape: [Int], value: [Float]) {
        require(shape.reduce(1, *) == value.count, "Parameter: shape \(shape) vs \(value.count) values")
        self.shape = shape
        self.value = value
        gradient = [Float](repeating: 0, count: value.count)
    }

    public var count: Int { value.count }

    /// Value and gradient still match the shape (both arrays are public and replaceable).
    public var isConsistent: Bool {
        let n = shape.reduce(1, *)
        return value.count == n && gradient.count == n
    }

    /// He/Kaiming normal init: N(0, 2/fanIn), the variance that keeps activations' second moment
    /// roughly constant through ReLU-like (here SiLU) layers.
    public static func heNormal(shape: [Int], fanIn: Int, rng: inout Xoshiro256) -> Parameter {
        let std = Float((2.0 / Double(fanIn)).squareRoot())
        return Parameter(shape: shape, value: rng.gaussiansFloat(shape.reduce(1, *), mean: 0, std: std))
    }

    public static func filled(shape: [Int], _ v: Float) -> Parameter {
        Parameter(shape: shape, value: [Float](repeating: v, count: shape.reduce(1, *)))
    }

    public func zeroGradient() {
        gradient.withUnsafeMutableBufferPointer { g in g.update(repeating: 0) }
    }
}

/// A differentiable map of one tensor. `forward` caches what `backward` needs; `backward` takes
/// ∂L/∂output, ADDS ∂L/∂parameters into each parameter's `gradient`, and returns ∂L/∂input.
/// `backward` must follow the `forward` whose cache it uses. `infer` is the inference path: the
/// same output, bit for bit, keeping nothing for backward (and dropping what an earlier `forward`
/// kept), so that sampling holds no activations between calls.
public protocol Layer: AnyObject {
    func forward(_ x: Tensor) -> Tensor
    func infer(_ x: Tensor) -> Tensor
    func backward(_ gradOutput: Tensor) -> Tensor
    /// Parameters with stable, dot-separated names (e.g. `down.0.conv1.weight`), in a fixed order.
    var namedParameters: [(name: String, parameter: Parameter)] { get }
}

/// Checkpoint entry: a parameter's name, shape and values.

public enum ParameterLoadError: Error, CustomStringConvertible {
    case missing(String)
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// An array holds a value its role rules out (a step count that is not a whole number, a negative
    /// second moment, …); `problem` says which.
    case invalidValue(name: String, problem: String)
    public var description: String {
        switch self {
        case .missing(let n): "checkpoint has no parameter named \(n)"
        case .shapeMismatch(let n, let e, let f): "parameter \(n): expected shape \(e), found \(f)"
        case .invalidValue(let n, let p): "\(n): \(p)"
        }
    }
}

extension Layer {
    /// Layers that keep nothing for backward infer by their forward pass.
    public func infer(_ x: Tensor) -> Tensor { forward(x) }

    public var parameters: [Parameter] { namedParameters.map(\.parameter) }
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.parameter.count } }

    public func zeroGradients() { for p in parameters { p.zeroGradient() } }

    /// Copies of every parameter as `(name, shape, values)` (for checkpoints).
    public func exportParameters() -> [NamedArray] {
        namedParameters.map { (name: $0.name, shape: $0.parameter.shape, values: $0.parameter.value) }
    }

    /// Loads values by name; every parameter of the layer must be present with its exact shape.
    /// Extra entries are ignored. Nothing is changed if any check fails.
    public func loadParameters(_ arrays: [NamedArray]) throws {
        var byName = [String: NamedArray]()
        for a in arrays { byName[a.name] = a }
        let named = namedParameters
        for (name, p) in named {
            guard let a = byName[name] else { throw ParameterLoadError.missing(name) }
            guard a.shape == p.shape, a.values.count == p.count else {
                throw ParameterLoadError.shapeMismatch(name: name, expected: p.shape, found: a.shape)
            }
        }
        for (name, p) in named { p.value = byName[name]!.values }
    }
}

/// Prefixes child parameter names: `prefixed("down.0", conv.namedParameters)`.
func prefixed(_ prefix: String, _ items: [(name: String, parameter: Parameter)]) -> [(name: String, parameter: Parameter)] {
    items.map { (name: prefix + "." + $0.name, parameter: $0.parameter) }
}

/// Layers applied in order; parameter names are `<index>.<child name>`.
public final class Sequential: Layer {
    public let layers: [Layer]
    public init(_ layers: [Layer]) { self.layers = layers }

    public func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1.forward($0) } }
    public func infer(_ x: Tensor) -> Tensor { layers.reduce(x) { $1.infer($0) } }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        var g = gradOutput
        for l in layers.reversed() { g = l.backward(g) }
        return g
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        layers.enumerated().flatMap { prefixed(String($0.offset), $0.element.namedParameters) }
    }
}
