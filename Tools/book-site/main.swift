// book-site: renders the book (README.md, docs/THEORY.md, every figures/*/README.md report and the
// appendix documents) into a folder of static HTML pages. Usage (scripts/site.sh runs it):
//
//     book-site [--root DIR] [--out DIR]      defaults: the current folder, DIR/site
//
// The contents page links the API docs when scripts/docs.sh has built them into OUT/api. Exits 1 if a
// page links or shows a local file that does not exist, 2 on bad arguments.
import BookSite
import Foundation

var root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
var output: URL?
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard ["--root", "--out"].contains(flag), let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("usage: book-site [--root DIR] [--out DIR]\n".utf8))
        exit(2)
    }
    if flag == "--root" { root = URL(fileURLWithPath: value) } else { output = URL(fileURLWithPath: value) }
}
let out = output ?? root.appendingPathComponent("site")
let apiIndex = "api/documentation/index.html"
let apiDocs = FileManager.default.fileExists(atPath: out.appendingPathComponent(apiIndex).path) ? apiIndex : nil

do {
    let started = Date()
    let result = try SiteBuilder(root: root, output: out, apiDocs: apiDocs).build()
    for problem in result.problems { print("book-site: ✗ \(problem)") }
    print("book-site: \(result.pagesWritten.count) pages, \(result.assetsCopied) files copied → \(out.path)/index.html"
          + " (\(String(format: "%.2f", Date().timeIntervalSince(started))) s)" + (apiDocs == nil ? "; no API docs yet (scripts/docs.sh)" : ""))
    exit(result.problems.isEmpty ? 0 : 1)
} catch {
    print("book-site: ✗ \(error)")
    exit(1)
}
