#!/usr/bin/env python3
"""Compares freshly generated chapter reports with the committed ones.

    scripts/compare-reports.py FRESH_DIR [COMMITTED_DIR=figures] CHAPTER...

Every value a chapter measures with a clock is printed with a ⏱ mark (Notebook's `fmtTiming`); those
tokens are masked, and any other difference — a number, a check line, a table cell, prose — is a
report that no longer matches the code that writes it. Prints each differing line pair and exits 1;
exits 0 when every report matches; exits 2 on a missing report.
"""
import difflib
import re
import sys
from pathlib import Path

TIMING = re.compile(r"⏱[^\s|)]+")


def masked(path: Path) -> list[str]:
    return [TIMING.sub("⏱…", line) for line in path.read_text(encoding="utf-8").splitlines()]


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: compare-reports.py FRESH_DIR [COMMITTED_DIR] CHAPTER...", file=sys.stderr)
        return 2
    fresh = Path(argv[0])
    committed, chapters = (Path(argv[1]), argv[2:]) if Path(argv[1]).is_dir() and argv[2:] else (Path("figures"), argv[1:])
    failed = 0
    for chapter in chapters:
        a, b = committed / chapter / "README.md", fresh / chapter / "README.md"
        for p in (a, b):
            if not p.is_file():
                print(f"compare-reports: {p} is missing", file=sys.stderr)
                return 2
        diff = [l for l in difflib.unified_diff(masked(a), masked(b), str(a), str(b), n=0, lineterm="")]
        if diff:
            failed += 1
            print(f"✗ {chapter}: the committed report differs from a fresh run (timings masked):")
            print("\n".join(diff[:60]) + ("\n  …" if len(diff) > 60 else ""))
        else:
            print(f"✓ {chapter}: committed report matches a fresh run (timings masked)")
    print(f"compare-reports: {len(chapters) - failed} of {len(chapters)} reports match")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
