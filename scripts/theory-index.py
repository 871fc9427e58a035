#!/usr/bin/env python3
"""Generate (or check) the claim index of docs/THEORY.md.

    python3 scripts/theory-index.py          rewrite the table between the INDEX markers
    python3 scripts/theory-index.py --check  exit 1, one line per problem, if
        - the table in docs/THEORY.md differs from the one this script would write (stale),
        - a citation in Chapters/, Tests/, Sources/ (*.swift), figures/*/README.md or README.md names
          a claim id (T1.1, ranges T3.2–T3.5 / T1.3-T1.4, lists T4.1/T4.2), a section (THEORY §4,
          THEORY.md §3–4, THEORY §1, §4, §5), a definition (THEORY §4, Definition 2) or the
          computational note that docs/THEORY.md does not define,
        - a claim defined in docs/THEORY.md has no chapter check and no test.

What counts (the table is built from these, so it only changes when a citation changes):
    - "report checks": the ✓/✗ lines of a committed report figures/<chapter>/README.md that cite the
      claim, or that sit under a heading that cites it;
    - "chapter sources", "library": the number of lines citing the claim, per file;
    - "tests": the test functions (or suites) whose declaration, attribute, doc comment or body cites it.
Definitions in docs/THEORY.md are its headings: "## §n — …", "### Tn.k — …", "### Definition k — …",
"### Computational note — …". Standard library only.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "THEORY.md")
BEGIN, END = "<!-- INDEX:BEGIN -->", "<!-- INDEX:END -->"

DASH = "[–—-]"
# A claim id, optionally the start of a range: T3.2–T3.5, T1.3-T1.4, T3.2–3.4 (same chapter), T3.2–4.
CLAIM_RE = re.compile(r"(?<![A-Za-z0-9_.])T(\d+)\.(\d+)(?:" + DASH + r"T?(\d+)(?:\.(\d+))?)?(?![0-9])")
# "THEORY §1", "THEORY.md §3", "THEORY §3–4", "THEORY §1, §4, §5", "THEORY §4, Definition 2".
SECTION_RE = re.compile(r"THEORY(?:\.md)?\s+((?:§\s?\d+(?:" + DASH + r"§?\s?\d+)?(?:\s*,\s*(?=§))?)+)"
                        r"(?:\s*,\s*Definition\s+(\d+))?")
SECTION_ITEM_RE = re.compile(r"§\s?(\d+)(?:" + DASH + r"§?\s?(\d+))?")
NOTE_RE = re.compile(r"THEORY(?:\.md)?\s+computational note", re.IGNORECASE)


def rel(path):
    return os.path.relpath(path, ROOT).replace(os.sep, "/")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------- definitions in docs/THEORY.md

def parse_definitions(text):
    """Returns (claims in order, sections, definitions as (section, k)), ignoring the index block."""
    body = text.split(BEGIN)[0] + (text.split(END, 1)[1] if END in text else "")
    claims, sections, definitions, has_note = [], set(), set(), False
    titles = {}
    section = None
    for line in body.splitlines():
        m = re.match(r"^## §(\d+)\b\s*(?:—\s*)?(.*)", line)
        if m:
            section = int(m.group(1))
            sections.add(section)
            continue
        m = re.match(r"^### (T(\d+)\.(\d+))\b\s*(?:—\s*)?(.*)", line)
        if m:
            claims.append(m.group(1))
            titles[m.group(1)] = m.group(4).strip()
            continue
        m = re.match(r"^### Definition (\d+)\b", line)
        if m and section is not None:
            definitions.add((section, int(m.group(1))))
            continue
        if re.match(r"^### Computational note\b", line):
            has_note = True
    return claims, titles, sections, definitions, has_note


def claim_key(cid):
    a, b = cid[1:].split(".")
    return (int(a), int(b))


def expand(m, defined):
    """The claim ids a CLAIM_RE match stands for (a range expands over the defined ids)."""
    a, b = int(m.group(1)), int(m.group(2))
    if m.group(3) is None:
        return ["T%d.%d" % (a, b)]
    if m.group(4) is None:   # T3.2–4: same chapter
        c, d = a, int(m.group(3))
    else:
        c, d = int(m.group(3)), int(m.group(4))
    lo, hi = (a, b), (c, d)
    inside = [cid for cid in defined if lo <= claim_key(cid) <= hi]
    ends = ["T%d.%d" % lo, "T%d.%d" % hi]
    return sorted(set(inside + ends), key=claim_key)


# ---------------------------------------------------------------- scanning

def source_files():
    out = []
    for top in ("Chapters", "Tests", "Sources"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(".swift"):
                    out.append(os.path.join(dirpath, name))
    return out


def report_files():
    figures = os.path.join(ROOT, "figures")
    if not os.path.isdir(figures):
        return []
    out = []
    for name in sorted(os.listdir(figures)):
        p = os.path.join(figures, name, "README.md")
        if os.path.isfile(p):
            out.append(p)
    return out


def citations(line, defined):
    """(claim ids, section numbers, definitions, note?) cited on one line."""
    claims = []
    for m in CLAIM_RE.finditer(line):
        claims.extend(expand(m, defined))
    sections, definitions = [], []
    for m in SECTION_RE.finditer(line):
        for s in SECTION_ITEM_RE.finditer(m.group(1)):
            lo = int(s.group(1))
            hi = int(s.group(2)) if s.group(2) else lo
            sections.extend(range(lo, hi + 1))
        if m.group(2):
            last = int(SECTION_ITEM_RE.findall(m.group(1))[-1][0])
            definitions.append((last, int(m.group(2))))
    return claims, sections, definitions, bool(NOTE_RE.search(line))


DECL_RE = re.compile(r"^(\s*)(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|static|final|"
                     r"mutating|nonisolated|override)\s+)*(func|struct|class|enum|extension|actor)\s+([A-Za-z_]\w*)")
ATTR_OR_COMMENT_RE = re.compile(r"^\s*(//|@|$)")


def test_owner(lines, i):
    """The test function or suite a citation on line i belongs to (None: the file header)."""
    def name_at(j):
        m = DECL_RE.match(lines[j])
        return (len(m.group(1)), m.group(2), m.group(3)) if m else None

    def describe(decl):
        _, kind, name = decl
        return name if kind == "func" else name + " (suite)"

    # A citation in a doc comment or attribute is owned by the declaration those lines precede.
    if ATTR_OR_COMMENT_RE.match(lines[i]) or name_at(i):
        j = i
        while j < len(lines):
            d = name_at(j)
            if d:
                return describe(d)
            if not ATTR_OR_COMMENT_RE.match(lines[j]) and not lines[j].strip().startswith("@"):
                break
            j += 1
    # Otherwise by the innermost enclosing declaration (by indentation).
    indent = len(lines[i]) - len(lines[i].lstrip())
    for j in range(i - 1, -1, -1):
        d = name_at(j)
        if d and d[0] < indent:
            return describe(d)
    return None


def scan():
    text = read(DOC) if os.path.isfile(DOC) else ""
    claims, titles, sections, definitions, has_note = parse_definitions(text)
    defined = set(claims)
    problems = []
    # usage[id] = {"report": {chapter: n}, "chapter": {file: n}, "library": {file: n}, "tests": {file: [names]},
    #              "checkcalls": n}
    usage = {}

    def use(key):
        return usage.setdefault(key, {"report": {}, "chapter": {}, "library": {}, "tests": {}, "checkcalls": 0})

    def resolve(path, lineno, line):
        cl, secs, defs, note = citations(line, claims)
        where = "%s:%d" % (rel(path), lineno)
        for c in cl:
            if c not in defined:
                problems.append("undefined claim: %s cites %s, which docs/THEORY.md does not define" % (where, c))
        for s in secs:
            if s not in sections:
                problems.append("undefined section: %s cites THEORY §%d, which docs/THEORY.md does not define" % (where, s))
        for s, k in defs:
            if (s, k) not in definitions:
                problems.append("undefined definition: %s cites THEORY §%d, Definition %d, which docs/THEORY.md does not define"
                                % (where, s, k))
        if note and not has_note:
            problems.append("undefined note: %s cites the THEORY computational note, which docs/THEORY.md does not define" % where)
        return cl, ["§%d" % s for s in secs]

    for path in source_files():
        r = rel(path)
        lines = read(path).splitlines()
        top = r.split("/")[0]
        for i, line in enumerate(lines):
            cl, secs = resolve(path, i + 1, line)
            ids = list(dict.fromkeys(cl + secs))
            if not ids:
                continue
            if top == "Tests":
                owner = test_owner(lines, i) or "(file header)"
                for c in ids:
                    names = use(c)["tests"].setdefault(r[len("Tests/"):], [])
                    if owner not in names:
                        names.append(owner)
            else:
                bucket = "chapter" if top == "Chapters" else "library"
                short = r[len(top) + 1:]
                for c in ids:
                    u = use(c)
                    u[bucket][short] = u[bucket].get(short, 0) + 1
                    if bucket == "chapter" and re.search(r"\bcheck\w*\(", line):
                        u["checkcalls"] += 1

    for path in report_files():
        chapter = rel(path).split("/")[1]
        heading = {}   # level → ids cited by the current heading at that level
        for i, line in enumerate(read(path).splitlines()):
            cl, secs = resolve(path, i + 1, line)
            m = re.match(r"^(#{1,6})\s", line)
            if m:
                level = len(m.group(1))
                heading = {k: v for k, v in heading.items() if k < level}
                heading[level] = cl
                continue
            if re.match(r"^\s*[-*]\s+[✓✗]", line):
                ids = set(cl)
                for v in heading.values():
                    ids.update(v)
                for c in ids:
                    rep = use(c)["report"]
                    rep[chapter] = rep.get(chapter, 0) + 1

    readme = os.path.join(ROOT, "README.md")
    if os.path.isfile(readme):
        for i, line in enumerate(read(readme).splitlines()):
            resolve(readme, i + 1, line)

    return text, claims, titles, sections, definitions, has_note, usage, problems


# ---------------------------------------------------------------- rendering

def fmt_counts(d):
    return "<br>".join("`%s` (%d)" % (k, v) for k, v in sorted(d.items())) or "—"


def fmt_tests(d):
    return "<br>".join("`%s`: %s" % (k, ", ".join("`%s`" % n for n in sorted(v))) for k, v in sorted(d.items())) or "—"


def render(claims, titles, sections, usage):
    out = ["| claim | report checks | chapter sources (citing lines) | tests | library (citing lines) |",
           "|---|---|---|---|---|"]
    empty = {"report": {}, "chapter": {}, "library": {}, "tests": {}, "checkcalls": 0}
    for c in sorted(claims, key=claim_key):
        u = usage.get(c, empty)
        title = titles.get(c, "")
        rep = "<br>".join("%s: %d" % (k, v) for k, v in sorted(u["report"].items())) or "—"
        out.append("| **%s** %s | %s | %s | %s | %s |" % (c, title, rep, fmt_counts(u["chapter"]), fmt_tests(u["tests"]),
                                                       fmt_counts(u["library"])))
    out.append("")
    out.append("Section citations (\"THEORY §n\"):")
    out.append("")
    out.append("| section | chapter sources | tests | library |")
    out.append("|---|---|---|---|")
    for s in sorted(sections):
        u = usage.get("§%d" % s, empty)
        out.append("| §%d | %s | %s | %s |" % (s, fmt_counts(u["chapter"]), fmt_tests(u["tests"]), fmt_counts(u["library"])))
    return "\n".join(out)


def splice(text, table):
    if BEGIN not in text or END not in text:
        return None
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + BEGIN + "\n" + table + "\n" + END + tail


def main(argv):
    check = "--check" in argv[1:]
    unknown = [a for a in argv[1:] if a != "--check"]
    if unknown:
        print("usage: python3 scripts/theory-index.py [--check]", file=sys.stderr)
        return 2
    if not os.path.isfile(DOC):
        print("theory-index: docs/THEORY.md is missing")
        return 1
    text, claims, titles, sections, definitions, has_note, usage, problems = scan()
    for c in sorted(claims, key=claim_key):
        u = usage.get(c)
        if not u or (not u["report"] and not u["tests"] and not u["checkcalls"]):
            problems.append("unverified claim: %s is defined in docs/THEORY.md but no chapter check "
                            "(committed report or check call) and no test cites it" % c)
    new = splice(text, render(claims, titles, sections, usage))
    if new is None:
        problems.append("docs/THEORY.md lacks the markers %s and %s" % (BEGIN, END))
    if check:
        if new is not None and new != text:
            problems.append("stale index: the table in docs/THEORY.md differs from the generated one; "
                            "run python3 scripts/theory-index.py")
        for p in problems:
            print("theory-index: " + p)
        if problems:
            return 1
        print("theory-index: %d claims, %d sections, every citation resolves and every claim is verified; index current"
              % (len(claims), len(sections)))
        return 0
    if new is not None and new != text:
        with open(DOC, "w", encoding="utf-8") as f:
            f.write(new)
        print("theory-index: rewrote the index in docs/THEORY.md")
    else:
        print("theory-index: the index in docs/THEORY.md is current")
    for p in problems:
        print("theory-index: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
