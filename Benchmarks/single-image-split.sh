#!/usr/bin/env bash
# A batch of one image (a long chain's step) with its Winograd layers split between the two workers
# against one worker, in one invocation: `engine-bench --walk-jump --walk-jump-chains 1` with and
# without --no-single-image-split, alternately for ROUNDS rounds (default 5), then steps/s for
# M = 1, 4, 16 as median over the rounds and the median ratio split/one worker, with each run's
# sgemm 1024³ check so that a disturbed round shows.
#
#   bash Benchmarks/single-image-split.sh [ROUNDS]
set -euo pipefail
rounds="${1:-5}"
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || { echo "single-image-split.sh: ROUNDS must be 1…99 (got $rounds)" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"   # as the book and CI run
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
(cd "$root" && swift build -c release --product engine-bench >/dev/null)
bin="$(cd "$root" && swift build -c release --show-bin-path)/engine-bench"
work="$(mktemp -d "${TMPDIR:-/tmp}/single-image-split.XXXXXX")"
trap 'rm -rf "$work"' EXIT
for ((r = 1; r <= rounds; r++)); do
    for side in split one; do
        flag=(); [ "$side" = one ] && flag=(--no-single-image-split)
        "$bin" --walk-jump --walk-jump-chains 1 --iterations 20 "${flag[@]}" --json "$work/$side-$r.json" > "$work/$side-$r.log"
        echo "round $r/$rounds: $side done (load $(cut -d' ' -f1 /proc/loadavg))"
    done
done
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
runs = {s: [json.load(open(f"{work}/{s}-{r}.json")) for r in range(1, rounds + 1)] for s in ("split", "one")}
print("\nsgemm 1024³ checks (GFLOP/s), split | one worker: "
      + ", ".join(f"{a['sgemm_1024_gflops']:.0f} | {b['sgemm_1024_gflops']:.0f}" for a, b in zip(runs["split"], runs["one"])))
print(f"\n| M | split steps/s (rounds) | one worker steps/s | split/one, median (range) |\n|---:|---|---|---:|")
for i, cell in enumerate(runs["split"][0]["walk_jump"]):
    a = [run["walk_jump"][i]["steps_per_s"] for run in runs["split"]]
    b = [run["walk_jump"][i]["steps_per_s"] for run in runs["one"]]
    ratios = [x / y for x, y in zip(a, b)]
    print(f"| {cell['M']} | {' '.join(f'{x:.0f}' for x in a)} | {' '.join(f'{y:.0f}' for y in b)} | "
          f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f}) |")
PY
