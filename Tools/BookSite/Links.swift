/// Rewrites the links and image sources of one Markdown document for the site, where every page is a
/// top-level HTML file and every other local file it links sits at its repository-relative path.
///
/// - a link to another page's Markdown source (or to the folder holding it) becomes that page's
///   HTML file, keeping the `#fragment`: `docs/THEORY.md#t3-4` → `theory.html#t3-4`;
/// - a link to any other local file (a figure, a script) becomes its repository-relative path, and the
///   file is recorded in `assets` so that the site copies it;
/// - URLs with a scheme (`https:`, `mailto:`) and same-page `#fragment`s stay as they are.
public struct LinkRewriter: Sendable {
    /// Repository-relative path of the document being rendered.
    public let document: String
    /// Page output file by repository-relative source path.
    public let pages: [String: String]

    public init(document: String, pages: [String: String]) {
        self.document = document; self.pages = pages
    }

    public enum Target: Equatable, Sendable {
        /// Leave the reference unchanged (external, same-page fragment or empty).
        case unchanged
        /// Another page of the site.
        case page(href: String)
        /// A local file the site must copy to `path` (repository-relative); `href` points at the copy.
        case asset(path: String, href: String)
        /// A path that climbs out of the repository.
        case outside(String)
    }

    public func resolve(_ reference: String) -> Target {
        if reference.isEmpty || reference.hasPrefix("#") || hasScheme(reference) || reference.hasPrefix("//") {
            return .unchanged
        }
        let (pathPart, fragment) = split(reference)
        guard let path = normalise(directory(of: document) + pathPart) else { return .outside(reference) }
        if let page = pages[path] ?? pages[path.isEmpty ? "README.md" : path + "/README.md"] {
            return .page(href: page + fragment)
        }
        return .asset(path: path, href: path + fragment)
    }

    /// The rewritten reference (the original for anything that is not a local path).
    public func rewrite(_ reference: String) -> String {
        switch resolve(reference) {
        case .unchanged, .outside: return reference
        case let .page(href), let .asset(_, href): return href
        }
    }

    private func hasScheme(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":") else { return false }
        let scheme = s[..<colon]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
            && !scheme.contains("/")
    }

    /// `path#fragment` or `path?query` → (path, "#fragment" / "?query…").
    private func split(_ reference: String) -> (String, String) {
        guard let cut = reference.firstIndex(where: { $0 == "#" || $0 == "?" }) else { return (reference, "") }
        return (String(reference[..<cut]), String(reference[cut...]))
    }

    private func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }
}

/// `a/b/../c/./d/` → `a/c/d`; nil when `..` climbs above the top.
func normalise(_ path: String) -> String? {
    var parts: [Substring] = []
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
        switch component {
        case ".": continue
        case "..": if parts.popLast() == nil { return nil }
        default: parts.append(component)
        }
    }
    return parts.joined(separator: "/")
}
