#!/usr/bin/env bash
# The engine and its peers measured in one invocation, alternately (engine, PyTorch, JAX, engine, …)
# for --rounds rounds, so that every ratio compares runs minutes apart on the same machine state;
# then each ratio as median and range over the rounds, with each engine run's sgemm 1024³ check and
# the load average beside it (a disturbed round shows as a low sgemm or a high load).
#
#   bash Benchmarks/peers/alternate.sh [--rounds 3] [--peers pytorch,jax] [--json OUT] \
#        [--batch 64] [--iterations 10] [--threads 2] [--seed 0] [--walk-jump]
#
# --walk-jump times chapter 5's walk-jump step instead (`engine-bench --walk-jump` against
# bench_walkjump_torch.py, PyTorch only): steps/s for M = 1, 4, 16 and B = 64, 96, 1.
#
# --batch/--iterations/--threads/--seed go to engine-bench and to both peer scripts. The venv is
# set up as by run.sh (venv.sh). The committed results.json is not touched.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rounds=3 peers="pytorch,jax" out="" args=() threads=2 walk=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --peers) peers="$2"; shift 2 ;;
        --json) out="$2"; shift 2 ;;
        --batch|--iterations|--seed) args+=("$1" "$2"); shift 2 ;;
        --threads) threads="$2"; args+=("$1" "$2"); shift 2 ;;
        --walk-jump) walk=1; peers="pytorch"; shift ;;
        *) echo "alternate.sh: unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || { echo "alternate.sh: --rounds must be 1…99 (got $rounds)" >&2; exit 2; }
for p in ${peers//,/ }; do
    [[ "$p" == pytorch || "$p" == jax ]] || { echo "alternate.sh: --peers lists pytorch and/or jax (got $p)" >&2; exit 2; }
done
source "$here/venv.sh"
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"   # as the book and CI run
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
(cd "$root" && swift build -c release --product engine-bench >/dev/null)
bin="$(cd "$root" && swift build -c release --show-bin-path)/engine-bench"
work="$(mktemp -d "${TMPDIR:-/tmp}/alternate.XXXXXX")"
trap 'rm -rf "$work"' EXIT

for ((r = 1; r <= rounds; r++)); do
    echo "round $r/$rounds: engine (load $(cut -d' ' -f1 /proc/loadavg))"
    cut -d' ' -f1 /proc/loadavg > "$work/load-engine-$r"
    mode=(); [ "$walk" = 1 ] && mode=(--walk-jump)
    (cd "$root" && "$bin" "${args[@]}" "${mode[@]}" --json "$work/engine-$r.json" > "$work/engine-$r.log" 2>&1)
    for p in ${peers//,/ }; do
        echo "round $r/$rounds: $p (load $(cut -d' ' -f1 /proc/loadavg))"
        cut -d' ' -f1 /proc/loadavg > "$work/load-$p-$r"
        if [ "$walk" = 1 ]; then
            OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" "$vpy" "$here/bench_walkjump_torch.py" "${args[@]}" \
                --out "$work/peers-$r.json" > "$work/$p-$r.log" 2>&1
        elif [ "$p" = pytorch ]; then
            OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" "$vpy" "$here/bench_torch.py" "${args[@]}" \
                --out "$work/peers-$r.json" > "$work/$p-$r.log" 2>&1
        else
            XLA_FLAGS="--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=$threads" JAX_PLATFORMS=cpu \
                "$vpy" "$here/bench_jax.py" "${args[@]}" --out "$work/peers-$r.json" > "$work/$p-$r.log" 2>&1
        fi
    done
done
python3 "$here/rounds.py" "$work" "$rounds" "$peers" ${out:+--json "$out"}
