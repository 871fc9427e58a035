/// The site's one stylesheet: a readable column, a sidebar on wide screens, wide tables and code
/// scrolling inside their box, figures scaled to the column, check lines as ✓/✗ rows with labelled values.
let stylesheet = """
:root { --fg: #1d232b; --muted: #5b6573; --line: #d9dee5; --bg: #ffffff; --side: #f6f7f9;
        --accent: #24578f; --pass: #1f7a3a; --pass-bg: #edf7f0; --fail: #b42318; --fail-bg: #fdf0ef;
        --code-bg: #f4f5f7; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--fg); background: var(--bg);
       font-family: "DejaVu Sans", system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.55; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; font-size: 0.86em; }

.topbar { position: sticky; top: 0; z-index: 2; display: flex; align-items: center; gap: 1.5rem;
          padding: 0.55rem 1.25rem; background: #1f2a37; color: #fff; }
.topbar a { color: #dfe7f1; }
.topbar .brand { font-weight: bold; color: #fff; white-space: nowrap; }
.topbar .parts { display: flex; flex-wrap: wrap; gap: 0.2rem 1rem; font-size: 0.92rem; }
.topbar .parts a.current { color: #fff; border-bottom: 2px solid #8fb8e8; }

.layout { display: grid; grid-template-columns: 17rem minmax(0, 1fr); }
.sidebar { background: var(--side); border-right: 1px solid var(--line); padding: 1rem 1rem 2rem;
           font-size: 0.88rem; position: sticky; top: 2.6rem; align-self: start;
           max-height: calc(100vh - 2.6rem); overflow-y: auto; }
.sidebar h2 { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted);
              margin: 1.2rem 0 0.3rem; }
.sidebar ul { list-style: none; margin: 0; padding: 0; }
.sidebar li { margin: 0.25rem 0; }
.sidebar a.current { font-weight: bold; color: var(--fg); }
.sidebar ul.sections { margin: 0.3rem 0 0.5rem 0.6rem; padding-left: 0.6rem; border-left: 2px solid var(--line); }
.sidebar ul.sections a { color: var(--muted); }

.content { max-width: 60rem; padding: 1.5rem 2.5rem 3rem; min-width: 0; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0.4rem 0 1rem; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 0.8rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.12rem; margin: 1.8rem 0 0.6rem; }
h1, h2, h3 { scroll-margin-top: 3.2rem; }
p, li { overflow-wrap: anywhere; }
:not(pre) > code { background: var(--code-bg); padding: 0.08em 0.3em; border-radius: 3px; }
pre { background: var(--code-bg); border: 1px solid var(--line); border-radius: 4px; padding: 0.7rem 0.9rem;
      overflow-x: auto; line-height: 1.4; }
img { max-width: 100%; height: auto; display: block; margin: 1rem auto 0.3rem; border: 1px solid var(--line); }
p > em:only-child { display: block; color: var(--muted); font-size: 0.9rem; text-align: center; }

.table-wrap { overflow-x: auto; margin: 1rem 0; border: 1px solid var(--line); border-radius: 4px; }
table { border-collapse: collapse; font-size: 0.86rem; font-variant-numeric: tabular-nums; min-width: 100%; }
th, td { padding: 0.3rem 0.65rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--side); }
th:not([align]) { text-align: left; }
td code { white-space: nowrap; }
td:not([align]) { min-width: 10rem; }
tbody tr:nth-child(even) { background: #fafbfc; }

ul.checks { list-style: none; padding: 0; margin: 1rem 0; }
li.check { display: grid; grid-template-columns: 1.6rem minmax(0, 1fr); column-gap: 0.5rem; margin: 0.35rem 0;
           padding: 0.4rem 0.6rem; border-left: 4px solid var(--pass); background: var(--pass-bg); border-radius: 3px; }
li.check.fail { border-left-color: var(--fail); background: var(--fail-bg); }
li.check .mark { grid-row: span 2; font-weight: bold; font-size: 1.15rem; color: var(--pass); line-height: 1.3; }
li.check.fail .mark, li.check .failed { color: var(--fail); }
li.check .claim { font-size: 0.95rem; }
li.check .detail { display: flex; flex-wrap: wrap; gap: 0.2rem 1.1rem; font-size: 0.84rem; color: var(--muted); }
li.check .field .key { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.04em; }
li.check .field .value { font-family: "DejaVu Sans Mono", ui-monospace, monospace; color: var(--fg); }
li.check .evidence { color: var(--fg); }

.timing { font-size: 0; }
.timing::before { content: ""; display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.1rem;
  vertical-align: -0.08rem; background: no-repeat center / contain url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16' fill='none' stroke='%235b6573' stroke-width='1.6' stroke-linecap='round'%3E%3Ccircle cx='8' cy='9.5' r='5.5'/%3E%3Cpath d='M6 1.5h4M8 1.5v2.5M8 9.5V6.5M13 4l1 -1'/%3E%3C/svg%3E"); }

.pager { display: flex; justify-content: space-between; gap: 1rem; margin-top: 3rem; padding-top: 1rem;
         border-top: 1px solid var(--line); }
.pager .next { margin-left: auto; }

@media (max-width: 900px) {
  .layout { display: block; }
  .sidebar { display: none; }  /* the top bar and the previous/next links navigate */
  .topbar { position: static; flex-wrap: wrap; gap: 0.3rem 1rem; }
  .content { padding: 1rem; }
}
"""
