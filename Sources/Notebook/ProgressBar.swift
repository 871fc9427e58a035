// A one-line progress bar for long loops (training, sampling, the marathon chain). The training
// loops of the Training module report a `TrainingStatus` per step and know nothing of terminals; the
// chapters draw it with this bar.
import Foundation
import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar: `[#####.....] 120/1000  loss 0.0123  85.1 img/s  ETA 1m23s`.
/// On a terminal it rewrites one line with carriage returns (at most ~5 times a second); when
/// standard output is not a terminal it prints a plain line every `plainEvery` updates instead.
public final class ProgressBar {
    public let total: Int
    public let label: String
    public let isTerminal: Bool
    public var plainEvery: Int
    private var lastDraw = Stopwatch()
    private var drewOnce = false
    private var lastLength = 0

    public init(total: Int, label: String = "", isTerminal: Bool = isatty(1) != 0, plainEvery: Int? = nil) {
        self.total = max(1, total); self.label = label; self.isTerminal = isTerminal
        self.plainEvery = plainEvery ?? max(1, total / 10)
    }

    /// Formats seconds as `1h02m`, `3m07s` or `12s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" }
        if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }

    /// The text of the bar for `done` of `total` with free-form `fields` (e.g. "loss 0.012").
    public func line(done: Int, fields: [String], rate: Double?, unit: String, eta: Double?) -> String {
        let width = 24, filled = min(width, done * width / total)
        var parts = ["[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]",
                     "\(done)/\(total)"]
        parts += fields
        if let r = rate { parts.append(String(format: "%.1f %@", r, unit)) }
        if let e = eta { parts.append("ETA " + ProgressBar.duration(e)) }
        return (label.isEmpty ? "" : label + " ") + parts.joined(separator: "  ")
    }

    public func update(done: Int, fields: [String], rate: Double?, unit: String = "img/s", eta: Double?, force: Bool = false) {
        let text = line(done: done, fields: fields, rate: rate, unit: unit, eta: eta)
        if isTerminal {
            guard force || !drewOnce || lastDraw.seconds > 0.2 || done >= total else { return }
            let pad = max(0, lastLength - text.count)
            print("\r" + text + String(repeating: " ", count: pad), terminator: "")
            fflush(nil)
            lastLength = text.count
            lastDraw.restart(); drewOnce = true
        } else if force || done % plainEvery == 0 || done >= total {
            print(text)
            fflush(nil)  // a pipe or file is block-buffered: show progress as it happens
        }
    }

    /// Ends the bar's line (on a terminal) so that the next print starts on a fresh line.
    public func finish() {
        if isTerminal && drewOnce { print(""); fflush(nil) }
        drewOnce = false; lastLength = 0
    }

    /// Prints a message above the bar (ending the bar's line first on a terminal).
    public func message(_ text: String) {
        if isTerminal && drewOnce { print("\r" + String(repeating: " ", count: lastLength) + "\r", terminator: "") }
        print(text)
        fflush(nil)
        lastLength = 0; drewOnce = false
    }
}

