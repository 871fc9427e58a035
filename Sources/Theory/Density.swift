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
        var g = [Double](repeating: 0, count: x.count)
        var xp = x
        for i in x.indices {
            xp[i] = x[i] + h; let fp = logDensity(xp)
            xp[i] = x[i] - h; let fm = logDensity(xp)
            xp[i] = x[i]
            g[i] = (fp - fm) / (2 * h)
        }
        return g
    }
}
