import Foundation

// Range helpers for issue 13 (hostile input): values such as 1e308 or 1e-308 must be refused up front
// with a usable range, so that no later arithmetic overflows (an Int(4·∞) lag grew past 8 GB) and no
// run is hopeless from the start.

extension Validate {
    /// `x` rounded down and clamped to `0…limit`; NaN gives 0 and +∞ gives `limit` (a plain `Int(x)`
    /// traps on non-finite or huge values, and `-Ounchecked` turns that trap into undefined behaviour).
    public static func clampedInt(_ x: Double, max limit: Int) -> Int {
        guard x == x else { return 0 }
        if x >= Double(limit) { return limit }
        return x <= 0 ? 0 : Int(x)
    }

    /// Refuses a list longer than `maximum` (each value costs a whole run of work).
    public static func listLength<T>(_ list: [T], max maximum: Int, flag: String) throws {
        guard list.count <= maximum else {
            throw InputError("--\(flag) takes at most \(maximum) values (got \(list.count))")
        }
    }

    /// Refuses a chain whose integrated autocorrelation time `iat` (predicted from the flags) leaves
    /// fewer than `minimum` effective samples in `steps`: its checks could not be decided. `cause`
    /// names the flags that set `iat`.
    public static func effectiveSamples(iat: Double, steps: Int, minimum: Double = 100, flag: String, cause: String) throws {
        guard iat.isFinite, iat > 0, Double(steps) / iat >= minimum else {
            let need = iat.isFinite ? " (needs --\(flag) ≥ \(fmt(minimum * iat, digits: 3)))" : ""
            throw InputError("\(cause): the predicted autocorrelation time \(fmt(iat, digits: 3)) leaves fewer than \(fmt(minimum)) effective samples in --\(flag) \(steps)\(need)")
        }
    }
}

/// `--steps -5` becomes `--steps=-5`: ArgumentParser reads a word starting with "-" as a flag, so a
/// negative value was reported as "Missing value for '--steps <steps>'" instead of by the flag's own
/// range check (issue 13). Only a `--name` word followed by a negative number (or -inf/-nan) is joined.
public func negativeValuesJoined(_ arguments: [String]) -> [String] {
    func isNegativeNumber(_ s: String) -> Bool {
        guard s.hasPrefix("-"), s.count > 1 else { return false }
        let rest = s.dropFirst()
        if let c = rest.first, c.isNumber || c == "." { return Double(s) != nil || Int(s) != nil || s.contains(",") }
        return ["inf", "infinity", "nan"].contains(rest.lowercased())
    }
    var out = [String](), i = 0
    while i < arguments.count {
        let a = arguments[i]
        if a == "--" { out += arguments[i...]; break }
        if a.hasPrefix("--"), a.count > 2, !a.contains("="), i + 1 < arguments.count, isNegativeNumber(arguments[i + 1]) {
            out.append(a + "=" + arguments[i + 1]); i += 2; continue
        }
        out.append(a); i += 1
    }
    return out
}
