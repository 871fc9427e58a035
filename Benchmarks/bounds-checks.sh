#!/usr/bin/env bash
# What Swift's bounds and overflow checks cost: the engine bench and chapters 1, 3 and 4 at their
# defaults, run alternately (A, B, A, B, …) from two release builds of the same commit, one built with
# the project's setting (checks on outside the hot kernels) and one with -Ounchecked everywhere.
# Usage: Benchmarks/bounds-checks.sh CHECKED_BIN UNCHECKED_BIN [pairs]
#   e.g. build one tree normally and a copy with MDENSITY_UNCHECKED=1 (see Package.swift).
# Prints each measurement and the median ratio unchecked/checked. Times are CPU seconds (user +
# system) of the whole process, which a busy shared machine disturbs less than wall time.
set -euo pipefail
a=$1; b=$2; pairs=${3:-3}
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
secs() { /usr/bin/time -f "%U %S" -o "$tmp/t" "$@" >/dev/null 2>&1; awk '{print $1 + $2}' "$tmp/t"; }
for job in "train" "forward" "chapter1-langevin" "chapter3-condition-number" "chapter4-universality"; do
    ratios=()
    for i in $(seq "$pairs"); do
        if [[ $job == chapter* ]]; then
            ta=$(secs "$a/$job" --figures-dir "$tmp/a"); tb=$(secs "$b/$job" --figures-dir "$tmp/b")
        else
            ta=$(secs "$a/engine-bench" --profile "$job" --iterations 10); tb=$(secs "$b/engine-bench" --profile "$job" --iterations 10)
        fi
        r=$(echo "scale=3; $tb / $ta" | bc); ratios+=("$r")
        echo "$job pair $i: checked $ta, unchecked $tb (ratio $r)"
    done
    echo "$job: median ratio unchecked/checked $(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(( (pairs + 1) / 2 ))p")"
done
# The checks change no rounding: both builds' reports must agree except for ⏱ timings.
python3 "$(dirname "$0")/../scripts/compare-reports.py" "$tmp/b" "$tmp/a" \
    chapter1-langevin chapter3-condition-number chapter4-universality
