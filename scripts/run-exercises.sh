#!/usr/bin/env bash
# Runs every exercise the chapters assign, as their reports print them, and fails if one does not run.
#
#     scripts/run-exercises.sh FIGDIR
#
# FIGDIR holds chapter reports (FIGDIR/<chapter>/README.md, written by Notebook). Each exercise is a
# numbered item of the report's "Exercises" section with the lines
#     - Run: `swift run -c release <chapter> <flags>`
#     - Check: …            (opening with "This run is expected to end with failed checks (exit 1):"
#                            when the exercise declares expectsFailedChecks)
# Every command is run as the release binary `$(swift build -c release --show-bin-path)/<chapter>
# <flags> --figures-dir <temporary folder>`; chapter 5 is shrunk to `--preset tiny` unless the command
# names a preset (explicit flags still override the preset's fields whatever their order, see
# Chapters/chapter5-gps-walk-jump/Setup.swift) — with `--steps 200` when the exercise trains and sets
# no --steps —, its checkpoint goes to the temporary folder, and an exercise in a mode that reads a
# model (LOADS_MODEL, as Mode.loadsModel in that Setup.swift) first gets one from `train --preset tiny`
# with the same data, architecture, seed and σ_eff flags (trained once per such set).
#
# An exercise fails when its command is not a single `swift run -c release <chapter> …` command, when
# it exits 2 (a flag it passes does not parse or validate), crashes or times out, when it exits 1
# (failed checks) without declaring so, or exits 0 although it declares failed checks. Prints one line
# per exercise (✓/✗), then "N passed, N failed"; exits 1 if any failed (or none was found), else 0.
#
# Environment: EXERCISE_TIMEOUT (seconds per command, default 900), EXERCISE_JOBS (commands run at
# once, default 1: chapters time themselves, and parallel runs slow each other down), EXERCISE_LOGS
# (a folder to keep each run's output in, as <chapter>-<n>.log; default: not kept).
set -uo pipefail
cd "$(dirname "$0")/.."
# OpenBLAS runs its Haswell kernels, as this project is measured and its reports are written: an
# unset OPENBLAS_CORETYPE lets 0.3.21 pick a slower generic kernel on newer CPUs (1.7× per training
# step here) and may change roundings. Set it yourself to override.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: scripts/run-exercises.sh FIGDIR   (FIGDIR/<chapter>/README.md are the reports)" >&2
    exit 2
fi
figdir=$1
swift build -c release >/dev/null 2>&1 || { echo "run-exercises: swift build -c release failed" >&2; exit 1; }
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d "${TMPDIR:-/tmp}/run-exercises.XXXXXX")"
trap 'rm -rf "$work"' EXIT

python3 - "$figdir" "$bin" "$work" "${EXERCISE_TIMEOUT:-900}" "${EXERCISE_JOBS:-1}" "${EXERCISE_LOGS:-}" <<'PY'
import os, re, shlex, subprocess, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

figdir, bindir, work, timeout, jobs = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
keep_logs = Path(sys.argv[6]) if sys.argv[6] else None
EXPECTED = "This run is expected to end with failed checks (exit 1):"  # Notebook.expectedFailureSentence
PREFIX = ["swift", "run", "-c", "release"]
C5 = "chapter5-gps-walk-jump"
LOADS_MODEL = ("sample", "diagnose", "integrators", "sweep", "marathon")  # Mode.loadsModel
ITEM = re.compile(r"^(\d+)\. \*\*(.*?)\*\*")
RUN = re.compile(r"^\s+- Run: `(.*)`\s*$")
CHECK = re.compile(r"^\s+- Check: (.*)$")

def exercises(report: Path):
    """(number, title, command, expects failed checks) for each item of the Exercises section."""
    out, inside, current = [], False, None
    for line in report.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            inside = line.strip() == "## Exercises"
            continue
        if not inside:
            continue
        if m := ITEM.match(line):
            current = {"n": int(m.group(1)), "title": m.group(2).rstrip("."), "command": None, "expects": False}
            out.append(current)
        elif current is not None and (m := RUN.match(line)):
            current["command"] = m.group(1)
        elif current is not None and (m := CHECK.match(line)):
            current["expects"] = m.group(1).startswith(EXPECTED)
    return out

def flag_value(args, name):
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return None

train_lock = threading.Lock()
trained = {}  # key → (checkpoint path, error or None)

def tiny_model(args):
    """A checkpoint trained by `train` with the exercise's data/architecture/σ_eff flags (once per set)."""
    keep = []
    for name in ["--preset", "--dataset", "--data-dir", "--sigma-eff", "--width", "--resolutions", "--seed"]:
        v = flag_value(args, name)
        if v is not None:
            keep += [name, v]
    if "--preset" not in keep:
        keep += ["--preset", "tiny"]
    key = tuple(keep)
    with train_lock:
        if key not in trained:
            ck = work / f"c5-model-{len(trained)}.safetensors"
            cmd = [str(bindir / C5), "train", *keep, "--checkpoint", str(ck), "--figures-dir", str(work / f"c5-train-{len(trained)}")]
            try:
                p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=timeout)
                err = None if ck.is_file() else f"training its model failed (exit {p.returncode}): {' '.join(keep)}"
            except subprocess.TimeoutExpired:
                err = f"training its model timed out after {timeout:.0f} s"
            trained[key] = (ck, err)
        return trained[key]

def run(job):
    i, chapter_dir, e = job
    name = f"{chapter_dir} #{e['n']} ({e['title']})"
    command = e["command"]
    if command is None:
        return False, f"✗ {name}: no '- Run: `…`' line"
    try:
        words = shlex.split(command)
    except ValueError as err:
        return False, f"✗ {name}: not a shell command ({err}): {command}"
    if words[:4] != PREFIX or len(words) < 5 or any(c in command for c in ";&|<>$`()"):
        return False, f"✗ {name}: not a single `swift run -c release <chapter> <flags>` command: {command}"
    chapter, args = words[4], words[5:]
    exe = bindir / chapter
    if not exe.is_file():
        return False, f"✗ {name}: no release binary {exe} (unknown chapter {chapter!r}): {command}"
    args = list(args)
    if chapter == C5:
        if flag_value(args, "--preset") is None:
            args += ["--preset", "tiny"]
            # The tiny preset trains 40 steps: enough at σ_eff = 0.25, but at σ_eff = 0.5 its ν_θ then
            # loses to the memorising denoiser (0.042 against 0.038 per pixel); 200 steps win (0.019).
            if (not args or args[0] not in LOADS_MODEL) and flag_value(args, "--steps") is None:
                args += ["--steps", "200"]
        if flag_value(args, "--checkpoint") is None:
            if args and args[0] in LOADS_MODEL:
                ck, err = tiny_model(args)
                if err:
                    return False, f"✗ {name}: {err}: {command}"
            else:
                ck = work / f"c5-exercise-{i}.safetensors"
            args += ["--checkpoint", str(ck)]
    args += ["--figures-dir", str(work / f"figures-{i}")]
    log = work / f"exercise-{i}.log"
    if keep_logs:
        keep_logs.mkdir(parents=True, exist_ok=True)
        log = keep_logs / f"{chapter_dir}-{e['n']}.log"
    start = time.time()
    try:
        with open(log, "w") as f:
            rc = subprocess.run([str(exe), *args], stdout=f, stderr=subprocess.STDOUT, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return False, f"✗ {name}: timed out after {timeout:.0f} s: {command}"
    secs = time.time() - start
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()
    # The failed claims as the summary after "N checks, …" lists them (the check lines above repeat them with details).
    ends = [k for k, l in enumerate(text) if re.match(r"^\d+ checks", l)]
    failed = [l.strip() for l in text[(ends[-1] if ends else 0):] if l.startswith("  ✗ ")]
    tail = next((l.strip() for l in reversed(text) if l.strip()), "")
    if rc == 2:
        return False, f"✗ {name}: exit 2, the flags were rejected ({tail}): {command}"
    if rc not in (0, 1):
        how = f"signal {-rc}" if rc < 0 else f"exit {rc}"
        return False, f"✗ {name}: crashed ({how}; last line: {tail}): {command}"
    if rc == 1 and not e["expects"]:
        return False, f"✗ {name}: exit 1 with undeclared failed checks ({'; '.join(failed[-3:]) or tail}): {command}"
    if rc == 0 and e["expects"]:
        return False, f"✗ {name}: exit 0, but the exercise declares failed checks (exit 1): {command}"
    note = f"exit 1 as declared: {'; '.join(failed[-3:])}" if rc == 1 else "exit 0"
    return True, f"✓ {name} ({secs:.0f} s, {note}): {command}"

reports = sorted(p for p in figdir.glob("*/README.md"))
todo = [(p.parent.name, e) for p in reports for e in exercises(p)]
if not todo:
    print(f"run-exercises: no exercises found in {figdir}/*/README.md")
    print("0 passed, 0 failed")
    sys.exit(1)
jobs_list = [(i, c, e) for i, (c, e) in enumerate(todo)]
results = []
with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
    for ok, line in pool.map(run, jobs_list):  # in report order, each as soon as it and those before it end
        results.append(ok)
        print(line, flush=True)
passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
PY
