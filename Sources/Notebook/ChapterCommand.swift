import ArgumentParser
import Foundation

/// Options every chapter takes.
public struct CommonOptions: ParsableArguments {
    @Option(help: "Seed of the pseudo-random generator (every run is reproducible from it).")
    public var seed: UInt64 = 1

    @Option(name: .customLong("figures-dir"), help: "Folder for figures and the Markdown report (a sub-folder per chapter).")
    public var figuresDir: String = "figures"

    public init() {}

    /// Called by ArgumentParser after parsing, before any chapter runs: the figures folder must be
    /// usable (issue 13: "" wrote at the root; a file or /proc failed only at the end).
    public func validate() throws {
        do { try OutputPaths.checkWritableDirectory(figuresDir, flag: "figures-dir") } catch let e as InputError {
            throw ValidationError(e.description)
        }
    }
}

/// Bad input detected after parsing (a flag's value outside its allowed range, a file that does not
/// parse): printed as one line naming the flag, exit code 2.
public struct InputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

/// A chapter's command: `main()` parses the flags, and turns any parsing or validation error
/// (including `InputError` and ArgumentParser's `ValidationError`) into a one-line message on
/// standard error and exit code 2, with no stack trace and nothing written.
public protocol ChapterCommand: ParsableCommand {}

extension ChapterCommand {
    public static func main() {
        // `<chapter> exercise …` grades exercises (Grading.swift) instead of running the chapter.
        let words = Array(CommandLine.arguments.dropFirst())
        if words.first == "exercise" {
            guard let graded = Self.self as? any GradedChapter.Type else { failInput("this chapter has no graded exercises") }
            runGrader(graded, Array(words.dropFirst()))
        }
        let command: ParsableCommand
        do {
            command = try parseAsRoot(negativeValuesJoined(Array(CommandLine.arguments.dropFirst())))
        } catch {
            let code = exitCode(for: error)
            if code == .success { print(fullMessage(for: error)); Foundation.exit(0) }
            failInput(message(for: error))
        }
        do {
            var c = command
            try c.run()
        } catch let e as InputError {
            failInput(e.description)
        } catch let e as ValidationError {
            failInput(e.message)
        } catch let e as CleanExit {
            _ = e; Foundation.exit(0)
        } catch {
            // `--help` parses to ArgumentParser's HelpCommand, whose run() throws a help request.
            if exitCode(for: error) == .success { print(fullMessage(for: error)); Foundation.exit(0) }
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(1)
        }
    }

    static func failInput(_ message: String) -> Never {
        let first = message.split(separator: "\n").first.map(String.init) ?? message
        let text = first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
        FileHandle.standardError.write(Data("error: \(text)\n".utf8))
        Foundation.exit(2)
    }
}

// MARK: - Validation helpers (messages name the flag and the allowed range)

public enum Validate {
    public static func positive(_ value: Double, flag: String) throws {
        guard value.isFinite && value > 0 else { throw InputError("--\(flag) must be a positive number (got \(value))") }
    }
    public static func inRange<T: Comparable>(_ value: T, _ range: ClosedRange<T>, flag: String) throws {
        guard range.contains(value) else { throw InputError("--\(flag) must be in \(range.lowerBound)…\(range.upperBound) (got \(value))") }
    }
    /// Parses "all" or a comma-separated list of distinct names from `choices` (e.g. --integrator).
    public static func nameList(_ text: String, choices: [String], flag: String) throws -> [String] {
        let names = text == "all" ? choices : text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy(choices.contains), Set(names).count == names.count else {
            throw InputError("--\(flag) must be all or a comma-separated list of distinct names from \(choices.joined(separator: "|")) (got \"\(text)\")")
        }
        return names
    }
    /// Parses a comma-separated list of numbers such as "1,0.5,0.1" (for --spectrum, --classes, …).
    public static func numberList(_ text: String, flag: String, positive: Bool = true) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty, !parts.contains(where: \.isEmpty) else {
            throw InputError("--\(flag) must be a non-empty comma-separated list of numbers (got \"\(text)\")")
        }
        return try parts.map { p in
            guard let v = Double(p), v.isFinite else { throw InputError("--\(flag): \"\(p)\" is not a number") }
            if positive && v <= 0 { throw InputError("--\(flag): every value must be > 0 (got \(p))") }
            return v
        }
    }
    /// Refuses allocations that would not fit in memory (leaving a quarter of physical RAM free).
    public static func fitsInMemory(bytes: Double, flag: String, what: String) throws {
        let physical = Double(ProcessInfo.processInfo.physicalMemory)
        guard bytes <= 0.75 * physical else {
            throw InputError("--\(flag): \(what) needs \(fmt(bytes / 1e9, digits: 3)) GB, more than 75% of this machine's \(fmt(physical / 1e9, digits: 3)) GB")
        }
    }
}
