#!/usr/bin/env bash
# The main job: set up, build in release mode, and run every chapter at its default size. Each
# chapter writes its figures and Markdown report under figures/<chapter>/ and exits non-zero when a
# check fails; this script runs them all and exits non-zero if any chapter failed.
# Extra arguments are passed to every chapter (e.g. `scripts/book.sh --seed 7`).
set -uo pipefail
cd "$(dirname "$0")/.."
# OpenBLAS runs its Haswell kernels, as this project is measured and its reports are written: an
# unset OPENBLAS_CORETYPE lets 0.3.21 pick a slower generic kernel on newer CPUs (1.7× per training
# step here) and may change roundings. Set it yourself to override.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
bash scripts/setup.sh || exit 1
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

chapters=(chapter1-langevin chapter2-tweedie-miyasawa chapter3-condition-number chapter4-universality chapter5-gps-walk-jump)
swift build -c release || exit 1
failed=()
for c in "${chapters[@]}"; do
    echo; echo "▶ $c"
    start=$(date +%s)
    "$(swift build -c release --show-bin-path)/$c" "$@" || failed+=("$c")
    echo "◀ $c finished in $(( $(date +%s) - start )) s"
done
echo
if [ ${#failed[@]} -gt 0 ]; then echo "book: FAILED chapters: ${failed[*]}"; exit 1; fi
echo "book: all ${#chapters[@]} chapters passed every check; figures and reports are under figures/"
