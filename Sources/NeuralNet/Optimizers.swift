// Optimisers update every Parameter in place from its `gradient` (shapes unchanged).
#if canImport(Glibc)
import Glibc
#endif

/// Shared schedule and clipping for Adam and Adagrad.
/// - Warm-up: the learning rate rises linearly, lr·t/warmupSteps for steps t = 1…warmupSteps.
/// - Decay (when `decaySteps` > `warmupSteps`): after the warm-up a half cosine takes the rate from
///   lr down to lr·`finalFraction` at step `decaySteps`, and holds it there. The last iterates then
///   average out Adam's step noise, which a sampler that calls ν_θ thousands of times notices.
/// - Clipping: when `clipNorm` is set and the global gradient norm exceeds it, all gradients are
///   scaled by clipNorm/norm before the update.
public struct OptimizerSchedule: Sendable {
    public var learningRate: Float
    public var warmupSteps: Int
    public var clipNorm: Float?
    /// Step at which the cosine decay ends (0 or ≤ warmupSteps: no decay).
    public var decaySteps: Int
    /// Rate at the end of the decay as a fraction of `learningRate`.
    public var finalFraction: Float
    public init(learningRate: Float, warmupSteps: Int = 0, clipNorm: Float? = nil, decaySteps: Int = 0,
                finalFraction: Float = 0.1) {
        self.learningRate = learningRate; self.warmupSteps = warmupSteps; self.clipNorm = clipNorm
        self.decaySteps = decaySteps; self.finalFraction = finalFraction
    }
    /// Learning rate used at step t (1-based).
    public func rate(atStep t: Int) -> Float {
        if warmupSteps > 0 && t < warmupSteps { return learningRate * Float(t) / Float(warmupSteps) }
        guard decaySteps > warmupSteps else { return learningRate }
        let progress = Double(min(t, decaySteps) - warmupSteps) / Double(decaySteps - warmupSteps)
        let cosine = Float(0.5 * (1 + cos(Double.pi * max(0, progress))))
        return learningRate * (finalFraction + (1 - finalFraction) * cosine)
    }
}

/// Common interface: `step()` applies one update from the parameters' gradients and returns the
/// global gradient norm measured before clipping.
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
    var schedule: OptimizerSchedule { get set }
    var stepCount: Int { get }
    var gradientNorm: Float { get }
    @discardableResult func step() -> Float
}

/// Global L2 norm of all gradients, accumulated in Double in parameter order (deterministic).
public func gradientNorm(_ parameters: [Parameter]) -> Float {
    var s: Double = 0
    for p in parameters {
        p.gradient.withUnsafeBufferPointer { g in for v in g { s += Double(v) * Double(v) } }
    }
    return Float(s.squareRoot())
}

/// Gradient norm before clipping, and the factor (≤ 1) the gradients were multiplied by.
func clipGradients(_ parameters: [Parameter], clipNorm: Float?) -> (norm: Float, scale: Float) {
    for p in parameters where !p.isConsistent { fatalError("optimiser: a parameter's value or gradient no longer matches its shape \(p.shape)") }
    let norm = gradientNorm(parameters)
    guard let c = clipNorm, norm > c, norm.isFinite else { return (norm, 1) }
    return (norm, c / norm)
}

/// Adam (Kingma & Ba 2015) with bias correction; β₁ = 0.9, β₂ = 0.999, ε = 1e-8 by default.
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var schedule: OptimizerSchedule
    public let beta1: Float, beta2: Float, epsilon: Float
    public private(set) var stepCount = 0
    /// Global gradient norm (before clipping) seen by the last `step()`.
    public private(set) var gradientNorm: Float = 0
    private var m: [[Float]], v: [[Float]]
    var firstMoments: [[Float]] { m }
    var secondMoments: [[Float]] { v }
    func restore(step: Int, first: [[Float]], second: [[Float]]) { stepCount = step; m = first; v = second }

    public init(parameters: [Parameter], learningRate: Float, warmupSteps: Int = 0, clipNorm: Float? = nil,
                beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.parameters = parameters
        schedule = OptimizerSchedule(learningRate: learningRate, warmupSteps: warmupSteps, clipNorm: clipNorm)
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        m = parameters.map { [Float](repeating: 0, count: $0.count) }
        v = m
    }

    /// One update from the current gradients (which are left unchanged; call `zeroGradients`).
    /// Returns the gradient norm before clipping.
    @discardableResult
    public func step() -> Float {
        stepCount += 1
        let (norm, scale) = clipGradients(parameters, clipNorm: schedule.clipNorm)
        gradientNorm = norm
        let lr = schedule.rate(atStep: stepCount)
        let b1 = beta1, b2 = beta2, eps = epsilon
        let c1 = 1 - Float(pow(Double(b1), Double(stepCount))), c2 = 1 - Float(pow(Double(b2), Double(stepCount)))
        let stepSize = lr / c1, c2root = c2.squareRoot()
        for (j, p) in parameters.enumerated() {
            p.gradient.withUnsafeBufferPointer { g in
                p.value.withUnsafeMutableBufferPointer { w in
                    m[j].withUnsafeMutableBufferPointer { mj in
                        v[j].withUnsafeMutableBufferPointer { vj in
                            for i in 0..<w.count {
                                let gi = g[i] * scale
                                mj[i] = b1 * mj[i] + (1 - b1) * gi
                                vj[i] = b2 * vj[i] + (1 - b2) * gi * gi
                                w[i] -= stepSize * mj[i] / (vj[i].squareRoot() / c2root + eps)
                            }
                        }
                    }
                }
            }
        }
        return norm
    }
}

/// Adagrad (Duchi et al. 2011): G += g², w −= lr·g/(√G + ε); the GPS paper trains with it.
public final class Adagrad: Optimizer {
    public let parameters: [Parameter]
    public var schedule: OptimizerSchedule
    public let epsilon: Float
    public private(set) var stepCount = 0
    public private(set) var gradientNorm: Float = 0
    private var accumulators: [[Float]]
    var sums: [[Float]] { accumulators }
    func restore(step: Int, sums: [[Float]]) { stepCount = step; accumulators = sums }

    public init(parameters: [Parameter], learningRate: Float, warmupSteps: Int = 0, clipNorm: Float? = nil,
                initialAccumulator: Float = 0, epsilon: Float = 1e-10) {
        self.parameters = parameters
        schedule = OptimizerSchedule(learningRate: learningRate, warmupSteps: warmupSteps, clipNorm: clipNorm)
        self.epsilon = epsilon
        accumulators = parameters.map { [Float](repeating: initialAccumulator, count: $0.count) }
    }

    @discardableResult
    public func step() -> Float {
        stepCount += 1
        let (norm, scale) = clipGradients(parameters, clipNorm: schedule.clipNorm)
        gradientNorm = norm
        let lr = schedule.rate(atStep: stepCount), eps = epsilon
        for (j, p) in parameters.enumerated() {
            p.gradient.withUnsafeBufferPointer { g in
                p.value.withUnsafeMutableBufferPointer { w in
                    accumulators[j].withUnsafeMutableBufferPointer { acc in
                        for i in 0..<w.count {
                            let gi = g[i] * scale
                            acc[i] += gi * gi
                            w[i] -= lr * gi / (acc[i].squareRoot() + eps)
                        }
                    }
                }
            }
        }
        return norm
    }
}
