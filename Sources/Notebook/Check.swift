import Foundation

/// How close a measured value must be to its expected value.
public enum Tolerance: Sendable, CustomStringConvertible {
    /// |measured − expected| ≤ r · |expected|
    case relative(Double)
    /// |measured − expected| ≤ a
    case absolute(Double)
    /// |measured − expected| ≤ k · se: a statistical check with standard error `se` (k ≈ 3–4).
    case standardErrors(Double, se: Double)

    public func allows(expected: Double, measured: Double) -> Bool {
        guard expected.isFinite, measured.isFinite else { return false }
        return error(expected: expected, measured: measured) <= bound
    }

    /// The error this tolerance measures: relative, absolute, or in units of |Δ|.
    public func error(expected: Double, measured: Double) -> Double {
        switch self {
        case .relative: return abs(measured - expected) / max(abs(expected), .leastNormalMagnitude)
        case .absolute, .standardErrors: return abs(measured - expected)
        }
    }

    var bound: Double {
        switch self {
        case let .relative(r): return r
        case let .absolute(a): return a
        case let .standardErrors(k, se): return k * se
        }
    }

    public var description: String {
        switch self {
        case let .relative(r): return "rel. ≤ \(fmt(r))"
        case let .absolute(a): return "abs. ≤ \(fmt(a))"
        case let .standardErrors(k, se):
            return "≤ \(fmt(k)) s.e. = \(fmt(k * se)); false alarm \(fmt(falseAlarmRate(k), digits: 2)) if the s.e. is right"
        }
    }
}

/// The probability that an error of a normally distributed estimate exceeds k standard errors in
/// either direction, 2(1 − Φ(k)) = erfc(k/√2): the rate at which a correct `.standardErrors(k, …)`
/// check fails (k = 3: 2.7e-3, k = 4: 6.3e-5).
public func falseAlarmRate(_ k: Double) -> Double { erfc(k / 2.0.squareRoot()) }

/// One "theory vs numerics" claim and its outcome.
public struct CheckResult: Sendable {
    public let claim: String
    public let passed: Bool
    /// "expected …, measured …, error … ≤ tolerance", or a free-form detail for qualitative checks.
    public let detail: String

    public var line: String { "\(passed ? "✓" : "✗") \(claim): \(detail)" }
}

/// Compact number formatting shared by check lines, tables and reports.
public func fmt(_ x: Double, digits: Int = 6) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "∞" : "−∞" }
    if x == 0 { return "0" }
    let a = abs(x)
    if a >= 1e6 || a < 1e-4 { return String(format: "%.\(max(1, digits - 3))e", x) }
    var s = String(format: "%.\(digits)g", x)
    if s.contains("e") { s = String(format: "%.\(max(1, digits - 3))e", x) }
    return s
}

/// A wall-clock measurement (or a ratio of two), marked with ⏱ so that a script comparing two
/// reports can tell it from data: timings are the only values allowed to differ between runs of the
/// same command (`scripts/compare-reports.py` masks every `⏱` token up to the next space, `|` or `)`).
public func fmtTiming(_ x: Double, digits: Int = 3, unit: String = "") -> String {
    "⏱" + fmt(x, digits: digits) + unit
}

/// Integer formatting with thin grouping for readability (12 345).
public func fmt(_ n: Int) -> String {
    let s = String(abs(n))
    var out = ""
    for (i, ch) in s.enumerated() { if i > 0 && (s.count - i) % 3 == 0 { out += " " }; out.append(ch) }
    return (n < 0 ? "−" : "") + out
}
