#!/usr/bin/env python3
"""Chapter 5's class-floor false alarms at the committed runs' own switch rates.

For each (data set, preset) of the committed sample-mode runs, reads from each run's report every main
member's class switches per jump (its quality table) and rarest class share (its class-share check),
and runs `chapter5-gps-walk-jump false-alarms` with them, so that no rate is typed by hand. Reports go
to OUT/false-alarms[-<data set>][-<preset>]/ (OUT: figures/chapter5-ablation; CI writes them elsewhere
and compares). Usage: chapter5-false-alarms.py [BIN] [--out OUT]."""
import argparse, pathlib, re, subprocess, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser()
parser.add_argument("bin", nargs="?", default=str(ROOT / ".build/release/chapter5-gps-walk-jump"))
parser.add_argument("--out", default=str(ROOT / "figures/chapter5-ablation"))
options = parser.parse_args()
BIN, OUT = options.bin, pathlib.Path(options.out).resolve()
MEMBER_ROW = re.compile(r"^\| ν_θ M=(\d+) σ=([\d.]+) δ=([\d.]+) \|[^|]*\|[^|]*\| ([\d.]+) \|")
FLOOR = re.compile(r"\(M=(\d+), σ=[^)]*\): every class has .*: rarest ([\d.]+) %")
HEADER = re.compile(r"`mode = (\w+)`, `preset = (\w+)`, `dataset = ([\w-]+)`")

groups = {}
book = ROOT / "figures/chapter5-gps-walk-jump/README.md"
for report in [book] + sorted((ROOT / "figures").glob("*/chapter5-gps-walk-jump/README.md")):
    text = report.read_text(encoding="utf-8")
    header = HEADER.search(text)
    if not header or header.group(1) not in ("all", "sample"):
        continue
    run = "book" if report == book else report.parent.parent.name.removeprefix("chapter5-")
    rates = {m: float(s) for m, sigma, delta, s in (r.groups() for r in map(MEMBER_ROW.match, text.splitlines()) if r)
             if abs(float(delta) - float(sigma) / 2) <= 0.01 * float(sigma)}
    rarest = {m: float(v) / 100 for m, v in FLOOR.findall(text)}
    group = groups.setdefault((header.group(3), header.group(2)), [])
    group += [(f"{run} M={m}", rates[m], rarest[m]) for m in rates if m in rarest]

for (dataset, preset), rows in sorted(groups.items()):
    name = "false-alarms" + ("" if dataset == "mnist5k" else f"-{dataset}") + ("" if preset == "default" else f"-{preset}")
    args = [BIN, "false-alarms", "--preset", preset, "--dataset", dataset,
            "--switch-rates", ",".join(f"{r:g}" for _, r, _ in rows),
            "--rarest-shares", ",".join(f"{x:g}" for _, _, x in rows),
            "--labels", ",".join(label for label, _, _ in rows),
            "--figures-dir", str(OUT / name)]
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    summary = next((l for l in result.stdout.splitlines() if re.match(r"^\d+ checks", l)), result.stderr.strip())
    print(f"chapter5-false-alarms: {name} ({len(rows)} members): {summary}")
    if result.returncode != 0:
        sys.exit(result.returncode)
