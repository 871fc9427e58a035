#!/usr/bin/env bash
# The tests: set up, then run the whole Swift Testing suite (property tests of the theory, the
# numeric core against naive twins, the notebook layer, the engine's gradients, data-file parsing).
# Extra arguments go to `swift test` (e.g. `scripts/test.sh --filter TheoryTests`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
swift test "$@"
