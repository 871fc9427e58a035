#!/usr/bin/env bash
# The book in a browser: renders README.md, docs/THEORY.md, every chapter report
# (figures/*/README.md, with its figures) and the appendix documents (docs/seed-sweep.md,
# Benchmarks/README.md) into static HTML pages that open from the file system: site/index.html.
# Builds the generator (Tools/book-site, Ink + Plot) in release mode first; a no-op after
# scripts/book.sh or CI, which build everything.
#   scripts/site.sh [--out DIR]     default site/ (git-ignored); API docs in DIR/api are kept and linked
# SITE_BUILD_PATH=DIR builds in DIR instead of .build. Exits non-zero if a page links a missing file.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
build=(-c release --product book-site)
[ -n "${SITE_BUILD_PATH:-}" ] && build+=(--build-path "$SITE_BUILD_PATH")
swift build --quiet "${build[@]}"
"$(swift build "${build[@]}" --show-bin-path)/book-site" --root . "$@"
