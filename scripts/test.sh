#!/usr/bin/env bash
# The tests: set up, then
#   1. the book at CI size (scripts/book-ci.sh): chapters 1–4 at their defaults and chapter 5 at
#      --preset tiny on every installed data set and on generated CIFAR-10-format files, the
#      committed reports compared with fresh runs, the theory index and every exercise command;
#   2. the whole Swift Testing suite (property tests of the theory, the numeric core against naive
#      twins, the notebook layer, the engine's gradients, data-file parsing).
# Both always run; the exit code is non-zero if either failed. With arguments, only `swift test`
# runs, with them (e.g. `scripts/test.sh --filter TheoryTests`).
set -uo pipefail
cd "$(dirname "$0")/.."
# OpenBLAS runs its Haswell kernels, as this project is measured and its reports are written: an
# unset OPENBLAS_CORETYPE lets 0.3.21 pick a slower generic kernel on newer CPUs (1.7× per training
# step here) and may change roundings. Set it yourself to override.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
bash scripts/setup.sh || exit 1
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
if [ $# -gt 0 ]; then exec swift test "$@"; fi

status=0
bash scripts/book-ci.sh || status=1
swift test || status=1
exit $status
