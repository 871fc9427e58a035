import Plot

/// The frame around every page, built with Plot: a top bar with the book's parts, a sidebar with
/// every page and the current page's sections, the content, and previous/next links.
public struct Layout {
    public let pages: [Page]
    /// Relative link to the API documentation, or nil when it has not been built.
    public let apiDocs: String?
    public static let bookTitle = "The M-density book"

    public init(pages: [Page], apiDocs: String?) { self.pages = pages; self.apiDocs = apiDocs }

    /// "Chapter 3" from "Chapter 3 — The shape of …"; other titles unchanged.
    public static func shortTitle(_ title: String) -> String {
        title.range(of: " — ").map { String(title[..<$0.lowerBound]) } ?? title
    }

    public func page(title: String, output: String, content: String, sections: [(text: String, id: String)]) -> String {
        let index = pages.firstIndex { $0.output == output }
        let previous = index.flatMap { $0 > 0 ? pages[$0 - 1] : nil }
        let next = index.map { $0 + 1 < pages.count ? pages[$0 + 1] : nil } ?? pages.first  // the contents page: the first
        let html = HTML(
            .lang(.english),
            .head(
                .encoding(.utf8),
                .viewport(.accordingToDevice),
                .title(output == "index.html" ? Layout.bookTitle : "\(title) — \(Layout.bookTitle)"),
                .stylesheet("style.css")
            ),
            .body(
                .header(.class("topbar"),
                    .a(.class("brand"), .href("index.html"), .text(Layout.bookTitle)),
                    .nav(.class("parts"),
                        .forEach(pages.filter { $0.part == .front || $0.part == .chapter }) { p in
                            .a(.href(p.output), .class(p.output == output ? "current" : ""),
                               .text(p.part == .chapter ? Layout.shortTitle(p.title) : p.title.replacingOccurrences(of: " (README)", with: "")))
                        },
                        .unwrap(apiDocs) { .a(.href($0), .text("API")) }
                    )
                ),
                .div(.class("layout"),
                    .aside(.class("sidebar"), sidebar(current: output, sections: sections)),
                    .main(.class("content"),
                        .raw(content),
                        .nav(.class("pager"),
                            .unwrap(previous) { .a(.class("prev"), .href($0.output), .text("← " + Layout.shortTitle($0.title))) },
                            .unwrap(next) { .a(.class("next"), .href($0.output), .text(Layout.shortTitle($0.title) + " →")) }
                        )
                    )
                )
            )
        )
        return html.render()
    }

    private func sidebar(current: String, sections: [(text: String, id: String)]) -> Node<HTML.BodyContext> {
        .group(
            .a(.class(current == "index.html" ? "current" : ""), .href("index.html"), .text("Contents")),
            .forEach([Page.Part.front, .chapter, .run, .appendix].filter { part in pages.contains { $0.part == part } }) { part in
                .group(
                    .h2(.text(part.rawValue)),
                    .ul(.forEach(pages.filter { $0.part == part }) { p in
                        .li(
                            .a(.href(p.output), .class(p.output == current ? "current" : ""), .text(p.title)),
                            .if(p.output == current && !sections.isEmpty,
                                .ul(.class("sections"), .forEach(sections) { s in .li(.a(.href("#" + s.id), .text(s.text))) }))
                        )
                    })
                )
            },
            .unwrap(apiDocs) { link in .group(.h2("API"), .ul(.li(.a(.href(link), .text("API documentation (DocC)"))))) }
        )
    }
}
