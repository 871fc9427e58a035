import ArgumentParser
import Foundation

// Graded exercises (issue 18): every exercise of a chapter has an id ("3.2": chapter 3, exercise 2),
// a precise question and a solution the chapter computes from its flags with the same library code
// its check lines use. A student grades an answer with
//
//     <chapter> exercise 3.2 --answer 513 [chapter flags]
//     <chapter> exercise --answers answers.txt [chapter flags]
//
// and a lecturer lists the exercises (`exercise --list`) or prints their solutions (`exercise
// --solutions`). Grading recomputes each solution for the exercise's own command with the student's
// flags appended (later flags win), so an answer is graded for the parameters the student chose.

/// The solution of an exercise: a number, a list of numbers or a choice among named options, with a
/// tolerance, and the hint a wrong answer gets (never the answer itself).
public struct Solution: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case number(Double)
        case list([Double])
        case choice(String, options: [String])
    }
    public let value: Value
    /// A number x is right for the solution e when |x − e| ≤ absolute + relative·|e| (each entry of a list).
    public let relative: Double, absolute: Double
    public let hint: String

    public static func number(_ v: Double, relative: Double = 0, absolute: Double = 0, hint: String) -> Solution {
        Solution(value: .number(v), relative: relative, absolute: absolute, hint: hint)
    }
    public static func list(_ v: [Double], relative: Double = 0, absolute: Double = 0, hint: String) -> Solution {
        Solution(value: .list(v), relative: relative, absolute: absolute, hint: hint)
    }
    /// `answer` must be one of `options` (compared case-insensitively).
    public static func choice(_ answer: String, of options: [String], hint: String) -> Solution {
        precondition(options.contains(answer), "a choice's answer must be one of its options")
        return Solution(value: .choice(answer, options: options), relative: 0, absolute: 0, hint: hint)
    }

    /// What an answer looks like: "a number", "3 comma-separated numbers", "one of: a, b".
    public var answerForm: String { answerForm(counted: true) }

    /// The same without a list's length (the report prints it for the defaults, while an exercise's
    /// command may set the list's length).
    public func answerForm(counted: Bool) -> String {
        switch value {
        case .number: return "a number"
        case .list(let v): return counted ? "\(v.count) comma-separated numbers" : "comma-separated numbers (no blanks)"
        case .choice(_, let options): return "one of: \(options.joined(separator: ", "))"
        }
    }

    /// The tolerance in words ("" for a choice).
    public var toleranceText: String {
        if case .choice = value { return "" }
        var parts: [String] = []
        if relative > 0 { parts.append(String(format: "%g %%", relative * 100)) }
        if absolute > 0 { parts.append(String(format: "± %g", absolute)) }
        return parts.isEmpty ? "exact" : "within " + parts.joined(separator: " + ")
    }

    /// The solution as an answer would be written.
    public var answerText: String {
        switch value {
        case .number(let v): return fmt(v, digits: 6)
        case .list(let v): return v.map { fmt($0, digits: 6) }.joined(separator: ",")
        case .choice(let c, _): return c
        }
    }

    /// Whether the solution is usable (finite numbers): a flag value that makes it NaN or ∞ is refused.
    public var isFinite: Bool {
        switch value {
        case .number(let v): return v.isFinite
        case .list(let v): return !v.isEmpty && v.allSatisfy(\.isFinite)
        case .choice: return true
        }
    }

    /// Parses `text` as an answer of this solution's form; a malformed answer throws (exit 2).
    public func parse(_ text: String) throws -> Answer {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch value {
        case .number:
            guard let v = Double(t), v.isFinite else { throw InputError("--answer must be a number (got \"\(text)\")") }
            return .number(v)
        case .list:
            let parts = t.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !t.isEmpty else { throw InputError("--answer must be a comma-separated list of numbers (got \"\(text)\")") }
            return .list(try parts.map { p in
                guard let v = Double(p), v.isFinite else {
                    throw InputError("--answer must be a comma-separated list of numbers: \"\(p)\" is not a number (got \"\(text)\")")
                }
                return v
            })
        case .choice(_, let options):
            guard let o = options.first(where: { $0.lowercased() == t.lowercased() }) else {
                throw InputError("--answer must be one of \(options.joined(separator: ", ")) (got \"\(text)\")")
            }
            return .choice(o)
        }
    }

    /// Grades a parsed answer: nil when right, else what was wrong (without the solution).
    public func grade(_ answer: Answer) -> String? {
        func close(_ x: Double, _ e: Double) -> Bool { abs(x - e) <= absolute + relative * abs(e) }
        switch (value, answer) {
        case (.number(let e), .number(let x)):
            return close(x, e) ? nil : "\(fmt(x, digits: 6)) is not right (\(toleranceText))"
        case (.list(let e), .list(let x)):
            guard x.count == e.count else { return "the answer has \(x.count) values; it needs \(e.count)" }
            let wrong = x.indices.filter { !close(x[$0], e[$0]) }
            if wrong.isEmpty { return nil }
            return "value\(wrong.count > 1 ? "s" : "") \(wrong.map { String($0 + 1) }.joined(separator: ", ")) of \(e.count) \(wrong.count > 1 ? "are" : "is") not right (\(toleranceText))"
        case (.choice(let e, _), .choice(let x)):
            return e.lowercased() == x.lowercased() ? nil : "\"\(x)\" is not right"
        default:
            return "the answer is not of the form the question asks for (\(answerForm))"
        }
    }
}

/// A student's answer, parsed.
public enum Answer: Sendable, Equatable {
    case number(Double)
    case list([Double])
    case choice(String)
}

/// A chapter whose exercises can be graded: it declares its number and builds its exercises (each with
/// an id, a question and a solution) from its parsed flags. `ChapterCommand.main()` hands the command
/// line to the grader when its first word is `exercise`.
public protocol GradedChapter: ChapterCommand {
    /// The chapter's number: exercise ids are "<number>.<k>".
    static var chapterNumber: Int { get }
    /// The chapter's exercises for these flags (the same list its report prints). Throws `InputError`
    /// for flags outside their ranges; it must do no heavy work.
    func gradedExercises() throws -> [Exercise]
}

// MARK: - The grader's command line

/// What `<chapter> exercise …` asks for, parsed from its arguments (everything the grader does not
/// know is a chapter flag, passed on to the chapter's parser).
public struct GradingRequest: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        case list
        case solutions(id: String?)
        case question(id: String)
        case grade(id: String, answer: String)
        case gradeFile(path: String)
        case help
    }
    public var action: Action
    /// The chapter flags given to the grader (appended to each exercise's own flags).
    public var chapterFlags: [String]

    /// Parses the words after `exercise`.
    public static func parse(_ arguments: [String]) throws -> GradingRequest {
        var id: String?, answer: String?, file: String?, list = false, solutions = false, help = false
        var flags: [String] = []
        var i = 0
        func value(_ name: String) throws -> String {
            let a = arguments[i]
            if a.hasPrefix(name + "=") { return String(a.dropFirst(name.count + 1)) }
            guard i + 1 < arguments.count else { throw InputError("\(name) needs a value") }
            i += 1
            return arguments[i]
        }
        while i < arguments.count {
            let a = arguments[i]
            if a == "--answer" || a.hasPrefix("--answer=") {
                guard answer == nil else { throw InputError("--answer given twice") }
                answer = try value("--answer")
            } else if a == "--answers" || a.hasPrefix("--answers=") {
                guard file == nil else { throw InputError("--answers given twice") }
                file = try value("--answers")
            } else if a == "--list" {
                list = true
            } else if a == "--solutions" {
                solutions = true
            } else if a == "--help" || a == "-h" {
                help = true
            } else if !a.hasPrefix("-") && id == nil && flags.isEmpty {
                guard isExerciseID(a) else { throw InputError("\"\(a)\" is not an exercise id (ids look like 3.2; `exercise --list` lists them)") }
                id = a
            } else {
                flags.append(a)
            }
            i += 1
        }
        if help { return GradingRequest(action: .help, chapterFlags: flags) }
        let modes = [list, solutions, file != nil, answer != nil].filter { $0 }.count
        guard modes <= 1 else { throw InputError("exercise: give one of --list, --solutions, --answer or --answers") }
        if list {
            guard id == nil else { throw InputError("exercise --list takes no exercise id (got \(id!))") }
            return GradingRequest(action: .list, chapterFlags: flags)
        }
        if solutions { return GradingRequest(action: .solutions(id: id), chapterFlags: flags) }
        if let file {
            guard id == nil else { throw InputError("exercise --answers takes no exercise id (the file names them; got \(id!))") }
            return GradingRequest(action: .gradeFile(path: file), chapterFlags: flags)
        }
        guard let id else { throw InputError("exercise: give an exercise id (e.g. `exercise 3.2 --answer …`), --answers FILE, --list or --solutions") }
        if let answer { return GradingRequest(action: .grade(id: id, answer: answer), chapterFlags: flags) }
        return GradingRequest(action: .question(id: id), chapterFlags: flags)
    }

    /// "3.2": a chapter number and an exercise number, both positive integers.
    public static func isExerciseID(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) && Int($0).map { $0 > 0 } == true }
    }
}

/// One line of an answers file.
public struct AnswerLine: Equatable, Sendable {
    public let line: Int
    public let id: String
    public let answer: String
    /// Chapter flags for this exercise alone (after the answer on the same line).
    public let flags: [String]
}

/// The answers file: one answer per line, `<id> <answer> [chapter flags…]`, words separated by blanks;
/// a list is written without blanks (`50.5,101`); `#` starts a comment; blank lines are skipped.
/// Example:
///
///     # chapter 3
///     3.1  513
///     3.2  50.5,101
///     3.3  64  --dim 32
public enum AnswersFile {
    public static func parse(_ text: String, name: String) throws -> [AnswerLine] {
        var out: [AnswerLine] = [], seen: [String: Int] = [:]
        for (k, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let n = k + 1
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if words.isEmpty { continue }
            guard GradingRequest.isExerciseID(words[0]) else {
                throw InputError("\(name) line \(n): \"\(words[0])\" is not an exercise id (a line is `<id> <answer> [flags]`, e.g. `3.2 513`)")
            }
            guard words.count >= 2 else { throw InputError("\(name) line \(n): exercise \(words[0]) has no answer") }
            if let first = seen[words[0]] { throw InputError("\(name) line \(n): exercise \(words[0]) is answered twice (first on line \(first))") }
            seen[words[0]] = n
            out.append(AnswerLine(line: n, id: words[0], answer: words[1], flags: Array(words.dropFirst(2))))
        }
        guard !out.isEmpty else { throw InputError("\(name): no answers (a line is `<id> <answer> [flags]`, e.g. `3.2 513`)") }
        return out
    }
}

/// The words of an exercise's command after `swift run -c release <chapter>` (its chapter flags).
public func exerciseFlags(_ command: String) -> [String] {
    let words = command.split(separator: " ").map(String.init)
    return words.count > 4 && Array(words.prefix(3)) == ["swift", "run", "-c"] ? Array(words.dropFirst(5)) : []
}

// MARK: - The grader

/// Grading, separated from the process (printing and exit codes) so that it can be tested.
public enum Grader {
    /// One graded answer.
    public struct Result: Equatable, Sendable {
        public let id: String
        public let right: Bool
        public let line: String
    }

    /// The text printed for the action and whether every graded answer was right. `exercises` builds a
    /// chapter's exercises from its flags (it parses and validates them: bad flags throw). Every bad
    /// input (unknown id, malformed answer, bad flags) throws before any answer is graded.
    public static func run(_ request: GradingRequest, chapterNumber: Int, chapterName: String,
                           readFile: (String) throws -> String = { try String(contentsOfFile: $0, encoding: .utf8) },
                           exercises: ([String]) throws -> [Exercise]) throws -> (text: String, allRight: Bool) {
        let base = try exercises(request.chapterFlags)
        let ids = base.compactMap(\.id)
        let range = ids.isEmpty ? "none" : ids.count == 1 ? ids[0] : "\(ids.first!)–\(ids.last!)"
        func lookup(_ id: String, where place: String = "") throws -> Exercise {
            if let e = base.first(where: { $0.id == id }) { return e }
            let chapter = id.split(separator: ".").first.map(String.init) ?? ""
            if chapter != String(chapterNumber) {
                throw InputError("\(place)exercise \(id) is not in chapter \(chapterNumber) (\(chapterName)); its exercises are \(range)")
            }
            throw InputError("\(place)no exercise \(id) in chapter \(chapterNumber) (\(chapterName)): its exercises are \(range)")
        }
        /// The exercise `id` with its solution for its own flags, then `extra`, then the line's flags.
        func solved(_ id: String, extra: [String]) throws -> (Exercise, Solution) {
            let e0 = try lookup(id)
            let list = try exercises(exerciseFlags(e0.command) + request.chapterFlags + extra)
            guard let e = list.first(where: { $0.id == id }), let s = e.solution else {
                throw InputError("exercise \(id) has no solution for these flags")
            }
            guard s.isFinite else { throw InputError("exercise \(id): these flags give no finite answer; use values in the flags' ranges") }
            return (e, s)
        }
        func gradeLine(_ e: Exercise, _ s: Solution, _ answer: Answer, flags: [String]) -> Result {
            let id = e.id ?? "?"
            let given = flags.isEmpty ? "" : " (with \(flags.joined(separator: " ")))"
            if let problem = s.grade(answer) {
                return Result(id: id, right: false, line: "✗ \(id) \(e.title)\(given): \(problem). Hint: \(s.hint)")
            }
            return Result(id: id, right: true, line: "✓ \(id) \(e.title)\(given): right")
        }

        switch request.action {
        case .help:
            return (usage(chapterName), true)
        case .list:
            var lines = ["Exercises of chapter \(chapterNumber) (\(chapterName)):"]
            for e0 in base {
                guard let id = e0.id else { lines.append("   \(e0.title) — not graded"); continue }
                let form = (try? solved(id, extra: []))?.1.answerForm ?? e0.solution?.answerForm ?? "not graded"
                lines.append("\(id)  \(e0.title) — \(form)")
            }
            return (lines.joined(separator: "\n"), true)
        case .question(let id):
            let (e, s) = try solved(id, extra: [])
            return (describe(e, s, chapterName: chapterName), true)
        case .solutions(let id):
            let chosen = try id.map { [try lookup($0)] } ?? base
            var blocks: [String] = []
            for e0 in chosen {
                guard let id = e0.id else { continue }
                let (e, s) = try solved(id, extra: [])
                blocks.append(describe(e, s, chapterName: chapterName) + "\n   Solution: \(s.answerText)\(s.toleranceText.isEmpty ? "" : " (\(s.toleranceText))")")
            }
            return (blocks.joined(separator: "\n\n"), true)
        case .grade(let id, let text):
            let (e, s) = try solved(id, extra: [])
            let r = gradeLine(e, s, try s.parse(text), flags: request.chapterFlags)
            return (r.line, r.right)
        case .gradeFile(let path):
            let text: String
            do { text = try readFile(path) } catch { throw InputError("--answers \(path): cannot be read") }
            let lines = try AnswersFile.parse(text, name: path)
            var skipped: [String] = []
            var todo: [(AnswerLine, Exercise, Solution, Answer)] = []
            for l in lines {
                if l.id.split(separator: ".").first.map(String.init) != String(chapterNumber) { skipped.append(l.id); continue }
                _ = try lookup(l.id, where: "\(path) line \(l.line): ")
                let (e, s): (Exercise, Solution)
                do { (e, s) = try solved(l.id, extra: l.flags) } catch let err as InputError {
                    throw InputError("\(path) line \(l.line): \(err.description)")
                }
                let a: Answer
                do { a = try s.parse(l.answer) } catch let err as InputError {
                    throw InputError("\(path) line \(l.line): exercise \(l.id): " + err.description.replacingOccurrences(of: "--answer", with: "the answer"))
                }
                todo.append((l, e, s, a))
            }
            guard !todo.isEmpty else {
                throw InputError("--answers \(path): no answers for chapter \(chapterNumber) (its exercises are \(range))")
            }
            let results = todo.map { gradeLine($0.1, $0.2, $0.3, flags: request.chapterFlags + $0.0.flags) }
            var out = results.map(\.line)
            if !skipped.isEmpty { out.append("(skipped \(skipped.joined(separator: ", ")): other chapters grade them)") }
            let right = results.filter(\.right).count
            out.append("\(right) of \(results.count) right")
            return (out.joined(separator: "\n"), right == results.count)
        }
    }

    static func describe(_ e: Exercise, _ s: Solution, chapterName: String) -> String {
        let id = e.id ?? "?"
        return """
        \(id) \(e.title)
           Run: \(e.command)
           Question: \(e.question ?? "")
           Answer: \(s.answerForm)\(s.toleranceText.isEmpty ? "" : " (\(s.toleranceText))"): swift run -c release \(chapterName) exercise \(id) --answer <answer>
        """
    }

    public static func usage(_ chapterName: String) -> String {
        """
        USAGE: \(chapterName) exercise --list
               \(chapterName) exercise <id> [flags]                  (prints the question)
               \(chapterName) exercise <id> --answer <answer> [flags]
               \(chapterName) exercise --answers <file> [flags]
               \(chapterName) exercise --solutions [<id>] [flags]

        An answer is a number, a comma-separated list of numbers without blanks, or one of the named choices.
        Each exercise is graded for its own command's flags followed by the flags given here (later flags win).
        An answers file has one line per exercise, `<id> <answer> [flags]`; `#` starts a comment, and ids of
        other chapters are skipped. Exit code 0 when every answer is right, 1 when one is wrong, 2 for bad input.
        """
    }
}

extension GradedChapter {
    /// `<chapter> exercise …`: grades, lists or solves, prints the result and exits (0 all right, 1 a
    /// wrong answer, 2 bad input, with one line naming it).
    static func gradeMain(_ arguments: [String]) -> Never {
        do {
            let request = try GradingRequest.parse(arguments)
            let name = configuration.commandName ?? "chapter"
            let (text, allRight) = try Grader.run(request, chapterNumber: chapterNumber, chapterName: name) { flags in
                let parsed: ParsableCommand
                do { parsed = try parseAsRoot(negativeValuesJoined(flags)) } catch {
                    throw InputError(message(for: error))
                }
                guard let c = parsed as? Self else { throw InputError("exercise: \(flags.joined(separator: " ")) are not flags of \(name)") }
                return try c.gradedExercises()
            }
            print(text)
            Foundation.exit(allRight ? 0 : 1)
        } catch let e as InputError {
            failInput(e.description)
        } catch let e as ValidationError {
            failInput(e.message)
        } catch {
            failInput("\(error)")
        }
    }
}

/// Opens the existential metatype for `gradeMain` (called by `ChapterCommand.main()`).
func runGrader<C: GradedChapter>(_ type: C.Type, _ arguments: [String]) -> Never {
    type.gradeMain(arguments)
}
