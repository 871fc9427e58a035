import NumericCore

/// A density on R^d known in closed form: its log-density (up to nothing: normalised) and score.
/// Closed-form members let chapters and tests check numeric and learned versions against them.
public protocol Density: Sendable {
    var dimension: Int { get }
    /// log p(x), normalised.
    func logDensity(_ x: [Double]) -> Double
    /// ∇ log p(x).
    func score(_ x: [Double]) -> [Double]
}

extension Density {
    /// Central finite differences of `logDensity` (the naive twin of `score`): step h, error O(h²).
    public func finiteDifferenceScore(_ x: [Double], step h: Double = 1e-5) -> [Double] {
        finiteDifferenceGradient(of: logDensity, at: x, step: h)
    }
}
