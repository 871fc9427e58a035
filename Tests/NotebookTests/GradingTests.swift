// Issue 18: the grading layer of Notebook (Grading.swift) — answers, tolerances, the grader's command
// line and answers files, and the grader on a made-up chapter.
import Foundation
import Testing
@testable import Notebook

@Suite struct GradingTests {
    @Test func numberWithinTolerance() throws {
        let s = Solution.number(513, relative: 1e-3, hint: "h")
        #expect(s.grade(try s.parse("513")) == nil)
        #expect(s.grade(try s.parse("513.4")) == nil)
        #expect(s.grade(try s.parse("514")) != nil)
        #expect(s.grade(try s.parse(" 5.13e2 ")) == nil)
        let a = Solution.number(64, absolute: 0.5, hint: "h")
        #expect(a.grade(.number(64.4)) == nil)
        #expect(a.grade(.number(63.4)) != nil)
    }

    @Test func malformedAnswersThrow() {
        let n = Solution.number(1, relative: 0.01, hint: "h")
        for bad in ["", "abc", "1,2", "nan", "inf"] { #expect(throws: InputError.self) { try n.parse(bad) } }
        let l = Solution.list([1, 2], relative: 0.01, hint: "h")
        for bad in ["", "1,,2", "1,x", "1, "] { #expect(throws: InputError.self) { try l.parse(bad) } }
        let c = Solution.choice("yes", of: ["yes", "no"], hint: "h")
        #expect(throws: InputError.self) { try c.parse("maybe") }
    }

    @Test func listsAndChoices() throws {
        let l = Solution.list([7, 63, 511], relative: 0.005, hint: "h")
        #expect(l.grade(try l.parse("7,63,511")) == nil)
        #expect(l.grade(try l.parse("7,63,400"))?.contains("value 3 of 3") == true)
        #expect(l.grade(try l.parse("7,63"))?.contains("needs 3") == true)
        let c = Solution.choice("lambda-max", of: ["lambda-max", "d"], hint: "h")
        #expect(c.grade(try c.parse("LAMBDA-MAX")) == nil)
        #expect(c.grade(try c.parse("d")) != nil)
        // A wrong answer's message never contains the solution.
        #expect(Solution.number(20, relative: 0.005, hint: "AR(1)").grade(.number(19))?.contains("20") == false)
    }

    @Test func requestParsing() throws {
        #expect(try GradingRequest.parse(["--list"]) == GradingRequest(action: .list, chapterFlags: []))
        #expect(try GradingRequest.parse(["3.2", "--answer", "513", "--dim", "8"])
                == GradingRequest(action: .grade(id: "3.2", answer: "513"), chapterFlags: ["--dim", "8"]))
        #expect(try GradingRequest.parse(["3.2", "--answer=-1"]).action == .grade(id: "3.2", answer: "-1"))
        #expect(try GradingRequest.parse(["3.2", "--answer", "-1"]).action == .grade(id: "3.2", answer: "-1"))
        #expect(try GradingRequest.parse(["--answers", "a.txt"]).action == .gradeFile(path: "a.txt"))
        #expect(try GradingRequest.parse(["--solutions"]).action == .solutions(id: nil))
        #expect(try GradingRequest.parse(["1.1"]).action == .question(id: "1.1"))
        // ch5's mode after the id is a chapter word, not a second id
        #expect(try GradingRequest.parse(["5.1", "--answer", "1", "--members", "1,2"]).chapterFlags == ["--members", "1,2"])
        for bad in [["x.y", "--answer", "1"], ["3.2", "--answer"], ["--list", "--solutions"], [], ["3.2", "--answer", "1", "--answers", "f"],
                    ["3", "--answer", "1"], ["3.0", "--answer", "1"]] {
            #expect(throws: InputError.self) { try GradingRequest.parse(bad) }
        }
    }

    @Test func answersFileFormat() throws {
        let lines = try AnswersFile.parse("# mine\n3.1 513\n\n3.2  50.5,101   # class\n3.3 64 --dim 16\n", name: "a.txt")
        #expect(lines == [AnswerLine(line: 2, id: "3.1", answer: "513", flags: []),
                          AnswerLine(line: 4, id: "3.2", answer: "50.5,101", flags: []),
                          AnswerLine(line: 5, id: "3.3", answer: "64", flags: ["--dim", "16"])])
        for bad in ["3.1\n", "three 1\n", "3.1 1\n3.1 2\n", "# nothing\n", ""] {
            #expect(throws: InputError.self) { try AnswersFile.parse(bad, name: "a.txt") }
        }
        do { _ = try AnswersFile.parse("3.1 1\nbad line\n", name: "a.txt") } catch let e as InputError {
            #expect(e.description.hasPrefix("a.txt line 2:"))
        }
    }

    @Test func exerciseFlagsOfACommand() {
        #expect(exerciseFlags("swift run -c release chapter3-condition-number --dim 8 --measurements 2") == ["--dim", "8", "--measurements", "2"])
        #expect(exerciseFlags("swift run -c release chapter5-gps-walk-jump sample --burn-in 0") == ["sample", "--burn-in", "0"])
        #expect(exerciseFlags("swift run -c release chapter1-langevin") == [])
    }

    /// A made-up chapter 9 whose one exercise's solution is twice its --x flag (default 1; its command sets 3).
    static func chapter9(_ flags: [String]) throws -> [Exercise] {
        var x = 1.0
        var i = 0
        while i < flags.count {
            guard flags[i] == "--x", i + 1 < flags.count, let v = Double(flags[i + 1]) else { throw InputError("--x must be a number") }
            x = v; i += 2
        }
        return [Exercise("9.1", "Twice x", task: "t", command: "swift run -c release chapter9 --x 3", question: "What is 2x?",
                         solution: .number(2 * x, relative: 1e-6, hint: "double it"), observe: "o", check: "c"),
                Exercise("9.2", "Pick", task: "t", command: "swift run -c release chapter9", question: "yes?",
                         solution: .choice("yes", of: ["yes", "no"], hint: "say yes"), observe: "o", check: "c")]
    }

    func run(_ args: [String], file: String = "") throws -> (String, Bool) {
        try Grader.run(try GradingRequest.parse(args), chapterNumber: 9, chapterName: "chapter9",
                       readFile: { path in guard path == "answers.txt" else { throw InputError("no file") }; return file },
                       exercises: Self.chapter9)
    }

    @Test func graderRecomputesForTheStudentsFlags() throws {
        #expect(try run(["9.1", "--answer", "6"]).1)          // the command's own --x 3
        #expect(try run(["9.1", "--answer", "10", "--x", "5"]).1)  // the student's flag wins
        let (text, right) = try run(["9.1", "--answer", "7"])
        #expect(!right && text.hasPrefix("✗ 9.1") && text.contains("Hint: double it") && !text.contains("6"))
        #expect(try run(["--solutions"]).0.contains("Solution: 6"))
        #expect(try run(["--list"]).0.contains("9.2  Pick — one of: yes, no"))
    }

    @Test func graderFilesAndBadInput() throws {
        let (text, right) = try run(["--answers", "answers.txt"], file: "9.1 8 --x 4\n9.2 no\n1.1 20\n")
        #expect(!right)
        #expect(text.contains("✓ 9.1") && text.contains("✗ 9.2") && text.contains("1 of 2 right") && text.contains("skipped 1.1"))
        #expect(try run(["--answers", "answers.txt"], file: "9.1 6\n9.2 yes\n").1)
        // bad input throws before anything is graded
        for (args, file) in [(["9.3", "--answer", "1"], ""), (["1.1", "--answer", "1"], ""), (["9.1", "--answer", "six"], ""),
                             (["9.1", "--answer", "6", "--x", "q"], ""), (["--answers", "missing.txt"], ""),
                             (["--answers", "answers.txt"], "9.1 6\n9.7 1\n"), (["--answers", "answers.txt"], "9.1 six\n"),
                             (["--answers", "answers.txt"], "1.1 20\n"), (["9.2", "--answer", "maybe"], "")] {
            #expect(throws: InputError.self, "\(args) \(file)") { try run(args, file: file) }
        }
    }

    @Test func reportLinesKeepTheirFormat() throws {
        let md = Notebook.exerciseText(try Self.chapter9([])[0], number: 1).markdown
        #expect(md == "1. **9.1 Twice x.** t\n   - Run: `swift run -c release chapter9 --x 3`\n   - Question: What is 2x? Answer with a number, within 0.0001 %: `swift run -c release chapter9 exercise 9.1 --answer <answer>`.\n   - Observe: o\n   - Check: c\n")
        let plain = Notebook.exerciseText(Exercise("T", task: "t", command: "swift run -c release c", observe: "o", check: "c"), number: 2).markdown
        #expect(plain == "2. **T.** t\n   - Run: `swift run -c release c`\n   - Observe: o\n   - Check: c\n")
    }
}
