#!/usr/bin/env bash
# Peer benchmarks: the bench U-Net in PyTorch and JAX (CPU, 2 threads), written to
# Benchmarks/peers/results.json, which `swift run -c release engine-bench` then compares against.
#
#   bash Benchmarks/peers/run.sh [--batch 64] [--iterations 10] [--threads 2] [--seed 0]
#
# Creates .venv-peers/ in the repository root (git-ignored) when missing and installs into it:
#   - torch, CPU-only build. PyPI's default Linux x86_64 torch wheel is the CUDA build (torch 2.15:
#     a 539 MB wheel that pulls cuda-toolkit, cudnn, nccl, … — several GB — for nothing on a
#     machine without GPU). pip has no PyTorch CPU index here (only PyPI), so the script looks for a
#     `torch-*+cpu-cp<XY>-*.whl` in pip's configured find-links directories (this machine kind ships
#     torch 2.13.0+cpu, 192 MB, in /opt/wheels) or takes TORCH_SPEC from the environment
#     (e.g. TORCH_SPEC=/path/to/torch-…+cpu….whl); only if neither exists does it fall back to
#     PyPI's `torch` (CUDA build; it runs on the CPU, it is just a big download).
#   - jax[cpu] (jax + jaxlib from PyPI; CPU-only by construction), numpy, safetensors.
# Nothing is downloaded except through pip.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/venv.sh"   # sets $vpy, installing .venv-peers when missing

"$vpy" -m pip list 2>/dev/null | grep -E -i "^(torch|jax|jaxlib|numpy|safetensors) " || true
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

threads=2
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    if [ "${args[$i]}" = "--threads" ]; then threads="${args[$((i + 1))]}"; fi
done

echo "== PyTorch =="
OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" "$vpy" "$here/bench_torch.py" "$@"
echo "== JAX =="
XLA_FLAGS="--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=$threads" JAX_PLATFORMS=cpu \
    "$vpy" "$here/bench_jax.py" "$@"
echo "results: $here/results.json — now run: swift run -c release engine-bench"
