import Foundation

/// An assignment a lecturer can set from a chapter: what to vary (with flags), what to observe, how to check.
///
/// `command` must be a copy-pasteable shell command, `swift run -c release <chapter> <flags>`, with valid
/// flags only (scripts/run-exercises.sh runs every one). An exercise whose run ends with failed checks on
/// purpose (it pushes a claim past where it holds) says so with `expectsFailedChecks`; the report then
/// states it in so many words (`Notebook.expectedFailureSentence`), which the runner reads.
public struct Exercise: Sendable {
    public let title, task, command, observe, check: String
    /// The run is expected to end with failed checks (exit 1); `check` names them.
    public let expectsFailedChecks: Bool
    public init(_ title: String, task: String, command: String, observe: String, check: String, expectsFailedChecks: Bool = false) {
        self.title = title; self.task = task; self.command = command; self.observe = observe; self.check = check
        self.expectsFailedChecks = expectsFailedChecks
    }
}

extension Notebook {
    /// The sentence that opens the Check line of an exercise declared to end with failed checks
    /// (scripts/run-exercises.sh matches it; keep the two in step).
    public static let expectedFailureSentence = "This run is expected to end with failed checks (exit 1):"

    /// The exercises a lecturer can assign. In the report each one is a numbered item whose lines are
    /// machine-readable: `   - Run: `<command>``, `   - Observe: …`, `   - Check: …` (the Check line
    /// opening with `expectedFailureSentence` when the run is expected to fail checks).
    public func exercises(_ list: [Exercise]) {
        section("Exercises")
        for (i, e) in list.enumerated() {
            let check = e.expectsFailedChecks ? "\(Notebook.expectedFailureSentence) \(e.check)" : e.check
            let text = "\(i + 1). \(e.title). \(e.task) Try: `\(e.command)`. Observe: \(e.observe) Check: \(check)"
            print(wrap(text, width: 88, indent: "   ") + "\n")
            appendMarkdown("\(i + 1). **\(e.title).** \(e.task)\n   - Run: `\(e.command)`\n   - Observe: \(e.observe)\n   - Check: \(check)\n")
        }
    }
}
