import Foundation

/// An assignment a lecturer can set from a chapter: what to vary (with flags), what to observe, how to check.
///
/// `command` must be a copy-pasteable shell command, `swift run -c release <chapter> <flags>`, with valid
/// flags only (scripts/run-exercises.sh runs every one). An exercise whose run ends with failed checks on
/// purpose (it pushes a claim past where it holds) says so with `expectsFailedChecks`; the report then
/// states it in so many words (`Notebook.expectedFailureSentence`), which the runner reads.
///
/// A graded exercise (issue 18) also has an `id` ("3.2": chapter 3, exercise 2), a precise `question`
/// about its command's run and the `solution` the chapter computes for its flags (Grading.swift).
public struct Exercise: Sendable {
    public let title, task, command, observe, check: String
    /// The run is expected to end with failed checks (exit 1); `check` names them.
    public let expectsFailedChecks: Bool
    public let id: String?
    public let question: String?
    public let solution: Solution?
    public init(_ title: String, task: String, command: String, observe: String, check: String, expectsFailedChecks: Bool = false) {
        self.title = title; self.task = task; self.command = command; self.observe = observe; self.check = check
        self.expectsFailedChecks = expectsFailedChecks
        id = nil; question = nil; solution = nil
    }
    /// A graded exercise: `question` is answered by `solution` (computed by the chapter for its flags).
    public init(_ id: String, _ title: String, task: String, command: String, question: String, solution: Solution,
                observe: String, check: String, expectsFailedChecks: Bool = false) {
        self.title = title; self.task = task; self.command = command; self.observe = observe; self.check = check
        self.expectsFailedChecks = expectsFailedChecks
        self.id = id; self.question = question; self.solution = solution
    }

    /// The command that grades an answer to this exercise (`<answer>` stands for the answer).
    public var gradeCommand: String? {
        guard let id else { return nil }
        let words = command.split(separator: " ")
        guard words.count >= 5 else { return nil }
        return "\(words.prefix(5).joined(separator: " ")) exercise \(id) --answer <answer>"
    }
}

extension Notebook {
    /// The sentence that opens the Check line of an exercise declared to end with failed checks
    /// (scripts/run-exercises.sh matches it; keep the two in step).
    public static let expectedFailureSentence = "This run is expected to end with failed checks (exit 1):"

    /// The exercises a lecturer can assign. In the report each one is a numbered item whose lines are
    /// machine-readable: `   - Run: `<command>``, `   - Observe: …`, `   - Check: …` (the Check line
    /// opening with `expectedFailureSentence` when the run is expected to fail checks). A graded
    /// exercise's title opens with its id, and a `   - Question: …` line after Run says what to answer
    /// and the command that grades it.
    public func exercises(_ list: [Exercise]) {
        section("Exercises")
        for (i, e) in list.enumerated() {
            let (text, md) = Notebook.exerciseText(e, number: i + 1)
            print(wrap(text, width: 88, indent: "   ") + "\n")
            appendMarkdown(md)
        }
    }

    /// The console text and the Markdown item of exercise `number`.
    static func exerciseText(_ e: Exercise, number n: Int) -> (console: String, markdown: String) {
        let check = e.expectsFailedChecks ? "\(Notebook.expectedFailureSentence) \(e.check)" : e.check
        let title = e.id.map { "\($0) \(e.title)" } ?? e.title
        var question = ""
        if let q = e.question, let s = e.solution, let grade = e.gradeCommand {
            let tol = s.toleranceText.isEmpty ? "" : ", \(s.toleranceText)"
            question = "\(q) Answer with \(s.answerForm(counted: false))\(tol): `\(grade)`."
        }
        let text = "\(n). \(title). \(e.task) Try: `\(e.command)`.\(question.isEmpty ? "" : " Question: \(question)") Observe: \(e.observe) Check: \(check)"
        let md = "\(n). **\(title).** \(e.task)\n   - Run: `\(e.command)`\n"
            + (question.isEmpty ? "" : "   - Question: \(question)\n")
            + "   - Observe: \(e.observe)\n   - Check: \(check)\n"
        return (text, md)
    }
}
