#!/usr/bin/env python3
"""Flag fuzz (issue 13, "hostile input never crashes"): every option of every chapter binary with
hostile values, each run bounded in time and memory, in a temporary folder.

    scripts/flag-fuzz.py [--size ci|full] [--bin DIR] [--data-dir DIR] [--jobs N] [--only CHAPTER]...
                         [--list] [--keep] [--verbose]

The options are read from the binaries themselves (ArgumentParser's `--experimental-dump-help`,
falling back to parsing `--help`). Every option is tried with each of

    -5, -1, 0, nan, inf, -inf, 1e308, -1e308, 1e-308, "" and a 10,000-element list "1,2,…,10000",

options that take a path (a name ending in "dir", or help mentioning a file or folder) also with a
path under a regular file ("afile/sub") and /proc, and every boolean flag alone. Each case runs as

    cd <empty temp dir> && chapter --figures-dir fig <flag> <value>

(chapter 5, whose MODE argument is all | train | sample, also gets --preset tiny, --checkpoint
ck.safetensors and --data-dir <the data sets>; at --size full each option is tried in every mode,
`sample` with a tiny checkpoint trained once at the start). Every case runs under RLIMIT_AS (4 GiB by
default), RLIMIT_FSIZE (256 MiB), no core files, and a wall-time limit. Outcomes:

  clean reject  exit 2, exactly one line on stderr that names the flag (--name), nothing on stdout,
                no file created or changed in the temp dir, within --reject-seconds;
  accepted      exit 0, the last stdout line "N checks, N passed", a report README.md written;
  validated     (--size ci only) the run got past validation (its first notebook section reached
                stdout) and was stopped --grace seconds later: accepted values are run to the end only
                for the first accepted case of each chapter; --size full runs every one to the end;
  failure       anything else: a signal (crash), the wall-time limit (hang), exit 1, exit 2 with a
                message of several lines or not naming the flag, files written by a rejected run, a
                reject slower than --reject-seconds. Each is printed with a command that reproduces it.

Prints a summary (inputs tried, clean rejects, accepted, crashes, hangs, other failures, time) and
exits 1 when any case failed. docs/flag-fuzz.md has the bounds, the reasons for them and measured
counts.
"""
import argparse
import json
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ["chapter1-langevin", "chapter2-tweedie-miyasawa", "chapter3-condition-number",
            "chapter4-universality", "chapter5-gps-walk-jump"]

LIST_10K = ",".join(str(i) for i in range(1, 10001))
# (label, value, how the reproducer spells it)
VALUES = [("-5", "-5", "-5"), ("-1", "-1", "-1"), ("0", "0", "0"), ("nan", "nan", "nan"), ("inf", "inf", "inf"),
          ("-inf", "-inf", "-inf"), ("1e308", "1e308", "1e308"), ("-1e308", "-1e308", "-1e308"),
          ("1e-308", "1e-308", "1e-308"), ('""', "", "''"), ("list×10000", LIST_10K, '"$(seq -s, 1 10000)"')]
PATH_VALUES = [("under-a-file", "afile/sub", "afile/sub"), ("/proc", "/proc", "/proc")]
# Options given a harmless value in every case that does not fuzz them (when the chapter has them).
CONTEXT = {"figures-dir": "fig", "preset": "tiny", "checkpoint": "ck.safetensors"}
SUMMARY = re.compile(r"^(\d+) checks, (\d+) passed\b(?!.*FAILED)")
SETUP_FILE = "afile"  # a regular file in every case folder, for the path-under-a-file values


@dataclass
class Option:
    name: str        # long name without dashes, or a positional's value name
    kind: str        # option | flag | positional
    abstract: str = ""
    default: str | None = None

    @property
    def is_path(self) -> bool:
        return self.kind == "option" and (self.name.endswith("dir") or self.name.endswith("path")
                                          or re.search(r"\b(file|folder|directory|path)\b", self.abstract, re.I) is not None)


@dataclass
class Chapter:
    name: str
    binary: str
    options: list[Option]
    modes: list[str] = field(default_factory=list)  # from a positional "a | b | c"; the first is the default
    mode_name: str | None = None

    def has(self, name: str) -> bool:
        return any(o.name == name and o.kind == "option" for o in self.options)


@dataclass
class Case:
    chapter: Chapter
    target: str              # the option fuzzed ("--steps", "mode", "--resume")
    label: str               # the value's label
    mode: str | None         # chapter 5's MODE word (None: the default, not written)
    argv: list[str]          # everything after the binary
    shown: list[str]         # argv as the reproducer writes it
    needs_checkpoint: bool = False
    # results
    outcome: str = ""
    detail: str = ""
    seconds: float = 0.0
    peak_mb: float = 0.0
    complete: bool = True    # False: ci run that may be stopped once validated


# MARK: - Reading the options from the binaries

def dump_help(binary: str) -> dict | None:
    try:
        out = subprocess.run([binary, "--experimental-dump-help"], capture_output=True, text=True, timeout=30)
        return json.loads(out.stdout) if out.returncode == 0 else None
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def options_from_dump(command: dict) -> list[Option]:
    opts = []
    for a in command.get("arguments", []):
        names = [n["name"] for n in a.get("names", []) if n.get("kind") == "long"]
        if a.get("kind") == "positional":
            opts.append(Option(a.get("valueName", "argument"), "positional", a.get("abstract", ""), a.get("defaultValue")))
        elif names and names[0] not in ("help", "version", "experimental-dump-help"):
            opts.append(Option(names[0], a["kind"], a.get("abstract", ""), a.get("defaultValue")))
    return opts


def options_from_help(binary: str) -> list[Option]:
    """Fallback: the ARGUMENTS and OPTIONS sections of `--help` ("  <mode>   all | train | sample
    (default: all)", "  --steps <steps>   Length …", wrapped lines indented further)."""
    text = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30).stdout
    entries: list[list[str]] = []   # [head, help text]
    section = None
    for line in text.split("\n"):
        if re.match(r"^[A-Z][A-Z ]+:", line):
            section = line.split(":")[0]
            continue
        if section not in ("ARGUMENTS", "OPTIONS") or not line.strip():
            continue
        m = re.match(r"^  ((?:-\w, )?--[\w-]+(?: <[\w-]+>)?|<[\w-]+>)(?:\s+(.*))?$", line)
        if m:
            entries.append([m.group(1), m.group(2) or ""])
        elif entries:
            entries[-1][1] += " " + line.strip()
    opts = []
    for head, help_text in entries:
        default = re.search(r"\(default: ([^)]*)\)\s*$", help_text)
        abstract = help_text[:default.start()].strip() if default else help_text.strip()
        value = default.group(1) if default else None
        if head.startswith("<"):
            opts.append(Option(head.strip("<>"), "positional", abstract, value))
            continue
        name = re.search(r"--([\w-]+)", head).group(1)
        if name not in ("help", "version"):
            opts.append(Option(name, "option" if "<" in head else "flag", abstract, value))
    return opts


def read_chapter(name: str, bin_dir: Path) -> Chapter:
    binary = str(bin_dir / name)
    dump = dump_help(binary)
    if dump is not None:
        cmd = dump["command"]
        options = options_from_dump(cmd)
        # Subcommands (ArgumentParser's own `help` aside) contribute their options too.
        for sub in cmd.get("subcommands", []):
            if sub.get("commandName") != "help":
                options += [o for o in options_from_dump(sub) if all(o.name != p.name for p in options)]
    else:
        options = options_from_help(binary)
    chapter = Chapter(name, binary, options)
    for o in options:
        m = re.fullmatch(r"\s*(\w+(?:\s*\|\s*\w+)+)\s*", o.abstract) if o.kind == "positional" else None
        if m:
            words = [w.strip() for w in m.group(1).split("|")]
            default = o.default if o.default in words else words[0]
            chapter.modes = [default] + [w for w in words if w != default]
            chapter.mode_name = o.name
    return chapter


# MARK: - The matrix

def build_cases(chapters: list[Chapter], size: str, data_dir: str) -> list[Case]:
    cases: list[Case] = []

    def context(ch: Chapter, skip: str) -> tuple[list[str], list[str]]:
        argv, shown = [], []
        for name, value in list(CONTEXT.items()) + [("data-dir", data_dir)]:
            if name != skip and ch.has(name):
                argv += [f"--{name}", value]
                shown += [f"--{name}", shlex.quote(value)]
        return argv, shown

    for ch in chapters:
        modes = (ch.modes if size == "full" else ch.modes[:1]) or [None]
        for mode_index, mode in enumerate(modes):
            mode_words = [] if mode_index == 0 else [mode]
            for opt in ch.options:
                if opt.kind == "positional":
                    if mode_index > 0:  # the MODE word itself: once
                        continue
                    for label, value, shown_value in VALUES:
                        argv, shown = context(ch, "")
                        cases.append(Case(ch, opt.name, label, None, [value] + argv, [shown_value] + shown))
                    continue
                if opt.kind == "flag":
                    for with_ckpt in (False, True):
                        argv, shown = context(ch, "")
                        cases.append(Case(ch, f"--{opt.name}", "present" + (" (a checkpoint exists)" if with_ckpt else ""),
                                          mode, mode_words + [f"--{opt.name}"] + argv, mode_words + [f"--{opt.name}"] + shown,
                                          needs_checkpoint=with_ckpt or mode == "sample"))
                    continue
                values = VALUES + (PATH_VALUES if opt.is_path else [])
                for label, value, shown_value in values:
                    argv, shown = context(ch, opt.name)
                    cases.append(Case(ch, f"--{opt.name}", label, mode,
                                      mode_words + argv + [f"--{opt.name}", value],
                                      mode_words + shown + [f"--{opt.name}", shown_value],
                                      needs_checkpoint=(mode == "sample")))
    unique, seen = [], set()
    for c in cases:  # e.g. `sample --resume` with and without a checkpoint of its own: one case
        key = (c.chapter.name, tuple(c.argv), c.needs_checkpoint)
        if key not in seen:
            seen.add(key)
            c.complete = size == "full"
            unique.append(c)
    return unique


# MARK: - Running one case

def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for n in dirnames + filenames:
            p = Path(dirpath) / n
            try:
                st = p.lstat()
            except OSError:
                continue
            out[str(p.relative_to(folder))] = (st.st_size, st.st_mtime_ns)
    return out


class Runner:
    def __init__(self, args, work: Path, base: Path | None):
        self.args = args
        self.work = work
        self.base = base            # chapter 5's tiny checkpoint and classifier cache
        self.mem = int(args.mem_gb * 2**30)
        self.env = dict(os.environ)
        self.env.setdefault("OPENBLAS_CORETYPE", "Haswell")
        self.accepted_run_to_end: set[str] = set()   # ci: chapters whose first accepted case ran to the end

    def limits(self):
        resource.setrlimit(resource.RLIMIT_AS, (self.mem, self.mem))
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 2**20, 256 * 2**20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def prepare(self, case: Case, index: int) -> Path:
        d = self.work / f"case-{index:05d}"
        d.mkdir()
        (d / SETUP_FILE).write_text("a regular file\n")
        if self.base is not None and case.chapter.name == "chapter5-gps-walk-jump":
            for f in self.base.glob("*-classifier-*.safetensors"):
                shutil.copy(f, d / f.name)
            if case.needs_checkpoint:
                shutil.copy(self.base / "ck.safetensors", d / "ck.safetensors")
        return d

    def reproducer(self, case: Case) -> str:
        setup = f"touch {SETUP_FILE}"
        if case.needs_checkpoint:
            data = self.args.data_dir
            setup += (f" && {shlex.quote(case.chapter.binary)} train --preset tiny --data-dir {shlex.quote(data)}"
                      f" --figures-dir base-fig --checkpoint ck.safetensors >/dev/null && rm -rf base-fig")
        return f"cd \"$(mktemp -d)\" && {setup} && {shlex.quote(case.chapter.binary)} " + " ".join(case.shown)


def classify(case: Case, runner: Runner, code: int | None, sig: int | None, timed_out: bool, stopped: bool,
             stdout: str, stderr: str, before: dict, after: dict):
    lines = [l for l in stderr.rstrip("\n").split("\n")] if stderr.strip() else []
    if timed_out:
        return "hang", f"still running after {runner.args.timeout:g} s (killed)"
    if sig is not None:
        why = next((l.strip() for l in lines if re.search(r"Fatal error|crashed|error:", l)), lines[-1] if lines else "")
        return "crash", f"killed by signal {signal.Signals(sig).name}" + (f"; stderr: {why[:200]}" if why else "")
    if stopped:
        return "validated", "passed validation (stopped)"
    created = sorted(set(after) - set(before))
    changed = sorted(k for k in before if k in after and after[k] != before[k])
    if code == 2:
        problems = []
        if len(lines) != 1:
            problems.append(f"{len(lines)} lines on stderr")
        name = case.target
        if name.startswith("--"):
            named = bool(lines) and re.search(re.escape(name) + r"(?![\w-])", lines[0]) is not None
        else:  # a positional: its name ("mode") or the word given
            named = bool(lines) and (name in lines[0] or (case.argv[0] != "" and case.argv[0] in lines[0]))
        if lines and not named:
            problems.append(f"the message does not name {name}")
        if stdout.strip():
            problems.append("printed to stdout before rejecting")
        if created or changed:
            problems.append("wrote " + ", ".join((created + changed)[:5]))
        if case.seconds > runner.args.reject_seconds:
            problems.append(f"took {case.seconds:.1f} s (> {runner.args.reject_seconds:g} s)")
        msg = lines[0][:240] if lines else "(no message)"
        return ("clean-reject", msg) if not problems else ("bad-reject", "; ".join(problems) + f": {msg}")
    if code == 0:
        last = [l for l in stdout.split("\n") if l.strip()]
        last = last[-1] if last else ""
        m = SUMMARY.match(last)
        if m and m.group(1) == m.group(2) and any(k.endswith("README.md") for k in created + changed):
            return "accepted", last[:160]
        return "bad-accept", f"exit 0 but the last line is {last[:160]!r}" + ("" if m else " (no check summary)")
    out_lines = [l for l in stdout.split("\n") if l.strip()]
    tail = lines[-1] if lines else (out_lines[-1] if out_lines else "")
    return f"exit-{code}", tail[:240]


def run_all(cases: list[Case], runner: Runner, verbose: bool) -> None:
    args = runner.args
    pending = list(enumerate(cases))
    running: dict[int, tuple] = {}
    done = 0
    started_all = time.monotonic()
    while pending or running:
        while pending and len(running) < args.jobs:
            i, case = pending.pop(0)
            d = runner.prepare(case, i)
            before = snapshot(d)
            out, err = open(d.parent / f"out-{i}", "w+b"), open(d.parent / f"err-{i}", "w+b")
            p = subprocess.Popen([case.chapter.binary] + case.argv, cwd=d, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=err, env=runner.env, preexec_fn=runner.limits, start_new_session=True)
            running[p.pid] = (i, case, d, before, out, err, p, time.monotonic(), None)
        time.sleep(0.005 if any(time.monotonic() - r[7] < 1 for r in running.values()) else 0.05)
        for pid in list(running):
            i, case, d, before, out, err, p, t0, first_output = running[pid]
            reaped, status, usage = os.wait4(pid, os.WNOHANG)
            elapsed = time.monotonic() - t0
            timed_out = stopped = False
            if not reaped:
                if elapsed > args.timeout:
                    timed_out = True
                elif not case.complete and first_output is None and os.fstat(out.fileno()).st_size > 0:
                    # ci: the first accepted case of each chapter runs to the end, the others stop
                    if case.chapter.name not in runner.accepted_run_to_end:
                        runner.accepted_run_to_end.add(case.chapter.name)
                        case.complete = True
                    else:
                        running[pid] = running[pid][:8] + (time.monotonic(),)
                    continue
                elif first_output is not None and time.monotonic() - first_output > args.grace:
                    stopped = True
                else:
                    continue
                try:
                    os.killpg(pid, signal.SIGKILL)  # the case's own session (start_new_session)
                except ProcessLookupError:
                    pass
                reaped, status, usage = os.wait4(pid, 0)
            p.returncode = 0  # reaped here: keep Popen from waiting again
            del running[pid]
            case.seconds = elapsed
            case.peak_mb = usage.ru_maxrss / 1024
            code = sig = None
            if os.WIFSIGNALED(status) and not (timed_out or stopped):
                sig = os.WTERMSIG(status)
            elif os.WIFEXITED(status):
                code = os.WEXITSTATUS(status)
            out.seek(0), err.seek(0)
            stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
            out.close(), err.close()
            case.outcome, case.detail = classify(case, runner, code, sig, timed_out, stopped, stdout, stderr, before, snapshot(d))
            if case.peak_mb * 2**20 > runner.mem and case.outcome in ("accepted", "clean-reject"):
                case.outcome, case.detail = "memory", f"peak RSS {case.peak_mb:.0f} MB over the bound"
            if not args.keep:
                shutil.rmtree(d, ignore_errors=True)
                os.unlink(d.parent / f"out-{i}"), os.unlink(d.parent / f"err-{i}")
            done += 1
            failed = case.outcome not in ("clean-reject", "accepted", "validated")
            if failed or verbose:
                mark = "✗" if failed else "·"
                print(f"{mark} {case.chapter.name} {case.mode or ''} {case.target} {case.label}: {case.outcome} "
                      f"({case.seconds:.2f} s, {case.peak_mb:.0f} MB) {case.detail}", flush=True)
                if failed:
                    print(f"    reproduce: {runner.reproducer(case)}", flush=True)
            elif done % 200 == 0:
                print(f"flag-fuzz: {done}/{len(cases)} cases, {time.monotonic() - started_all:.0f} s", flush=True)


# MARK: - Chapter 5's base checkpoint (for `sample` and `--resume`)

def make_base(chapter: Chapter, work: Path, data_dir: str, env: dict) -> Path:
    base = work / "base"
    base.mkdir()
    argv = [chapter.binary, "--preset", "tiny", "--data-dir", data_dir, "--figures-dir", str(base / "fig"),
            "--checkpoint", str(base / "ck.safetensors")]
    r = subprocess.run(argv, cwd=base, capture_output=True, text=True, env=env, timeout=900)
    if r.returncode != 0:
        sys.exit(f"flag-fuzz: the baseline run failed (exit {r.returncode}): {shlex.join(argv)}\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    return base


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", choices=["ci", "full"], default="ci")
    ap.add_argument("--bin", default=None, help="folder with the chapter binaries (default: swift build -c release --show-bin-path)")
    ap.add_argument("--data-dir", default=str(ROOT / "data"), help="chapter 5's data sets (default: the repository's data/)")
    ap.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    ap.add_argument("--timeout", type=float, default=300, help="wall-time limit of one case in seconds (default 300)")
    ap.add_argument("--reject-seconds", type=float, default=10, help="a clean reject comes within this time (default 10 s)")
    ap.add_argument("--grace", type=float, default=2, help="ci: seconds a validated run goes on before it is stopped (default 2)")
    ap.add_argument("--mem-gb", type=float, default=4, help="RLIMIT_AS of one case in GiB (default 4)")
    ap.add_argument("--only", action="append", help="fuzz only this chapter (repeatable)")
    ap.add_argument("--list", action="store_true", help="print the matrix and exit")
    ap.add_argument("--keep", action="store_true", help="keep the temp folders")
    ap.add_argument("--verbose", action="store_true", help="print every case")
    args = ap.parse_args()

    if args.bin is None:
        args.bin = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                                  capture_output=True, text=True).stdout.strip()
    bin_dir = Path(args.bin).resolve()
    names = [c for c in CHAPTERS if not args.only or c in args.only]
    missing = [c for c in names if not (bin_dir / c).is_file()]
    if missing:
        sys.exit(f"flag-fuzz: no binary {', '.join(missing)} in {bin_dir} (swift build -c release)")
    chapters = [read_chapter(c, bin_dir) for c in names]
    cases = build_cases(chapters, args.size, args.data_dir)
    if args.list:
        for c in cases:
            print(c.chapter.name, " ".join(a if len(a) < 60 else a[:20] + "…" for a in c.shown))
        print(f"{len(cases)} cases")
        return 0

    started = time.monotonic()
    root_before = set(os.listdir("/"))
    work = Path(tempfile.mkdtemp(prefix="flag-fuzz."))
    try:
        env = dict(os.environ)
        env.setdefault("OPENBLAS_CORETYPE", "Haswell")
        ch5 = next((c for c in chapters if c.modes), None)
        base = make_base(ch5, work, args.data_dir, env) if ch5 is not None else None
        runner = Runner(args, work, base)
        n_opts = sum(len(c.options) for c in chapters)
        print(f"flag-fuzz ({args.size}): {len(cases)} cases over {n_opts} options of {len(chapters)} chapters, "
              f"{args.jobs} at a time, each under {args.timeout:g} s and {args.mem_gb:g} GiB of address space", flush=True)
        run_all(cases, runner, args.verbose)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"flag-fuzz: kept {work}")
    new_at_root = set(os.listdir("/")) - root_before

    # MARK: summary
    count = lambda *o: sum(c.outcome in o for c in cases)
    ok = ("clean-reject", "accepted", "validated")
    failures = [c for c in cases if c.outcome not in ok]
    print(f"\nflag-fuzz summary ({args.size}, {time.monotonic() - started:.0f} s):")
    print(f"{'chapter':28} {'tried':>6} {'reject':>7} {'accept':>7} {'valid.':>7} {'crash':>6} {'hang':>5} {'other':>6}")
    for ch in chapters + [None]:
        sel = [c for c in cases if ch is None or c.chapter is ch]
        k = lambda *o: sum(c.outcome in o for c in sel)
        print(f"{ch.name if ch else 'total':28} {len(sel):6} {k('clean-reject'):7} {k('accepted'):7} {k('validated'):7} "
              f"{k('crash'):6} {k('hang'):5} {len(sel) - k(*ok) - k('crash') - k('hang'):6}")
    rejects = [c for c in cases if c.outcome == "clean-reject"]
    if rejects:
        print(f"slowest clean reject {max(c.seconds for c in rejects):.2f} s; largest peak RSS of any case "
              f"{max(c.peak_mb for c in cases):.0f} MB; slowest accepted run "
              f"{max((c.seconds for c in cases if c.outcome == 'accepted'), default=0):.1f} s")
    print(f"inputs tried {len(cases)}, clean rejects {count('clean-reject')}, accepted {count('accepted')}"
          + (f", validated and stopped {count('validated')}" if args.size == "ci" else "")
          + f", crashes {count('crash')}, hangs {count('hang')}, other failures {len(failures) - count('crash', 'hang')}")
    if new_at_root:
        print(f"flag-fuzz: new entries at the filesystem root during the run: {sorted(new_at_root)}")
    return 1 if failures or new_at_root else 0


if __name__ == "__main__":
    sys.exit(main())
