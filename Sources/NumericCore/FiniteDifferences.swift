/// Central finite differences: the naive twin of every analytic gradient in the book.
/// Error O(h²) from truncation plus O(ε·|f|/h) from rounding; h = 1e-5 balances both for
/// Double and functions of order one.
public func finiteDifferenceGradient(of f: ([Double]) -> Double, at x: [Double], step h: Double = 1e-5) -> [Double] {
    var g = [Double](repeating: 0, count: x.count)
    var xp = x
    for i in x.indices {
        xp[i] = x[i] + h; let fp = f(xp)
        xp[i] = x[i] - h; let fm = f(xp)
        xp[i] = x[i]
        g[i] = (fp - fm) / (2 * h)
    }
    return g
}
