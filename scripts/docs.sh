#!/usr/bin/env bash
# API documentation of the library modules (NumericCore, Theory, Samplers, Figures, Storage, NeuralNet, Training,
# Datasets, Notebook) as static HTML, with swift-docc-plugin 1.5.0 and the toolchain's docc: one
# combined archive in site/api/ (git-ignored), each module's article from Sources/<Module>/<Module>.docc.
# Then re-renders the site (scripts/site.sh) so that its contents page links the API docs.
#   scripts/docs.sh              DOCS_BUILD_PATH=DIR builds in DIR instead of .build
# DocC pages load their content with JavaScript, which browsers refuse from file://: serve the
# folder, e.g. `python3 -m http.server -d site 8000`, and open http://localhost:8000/api/documentation/.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
modules=(NumericCore Theory Samplers Figures Storage NeuralNet Training Datasets Notebook)
scratch=(); [ -n "${DOCS_BUILD_PATH:-}" ] && scratch=(--scratch-path "$DOCS_BUILD_PATH")
targets=(); for m in "${modules[@]}"; do targets+=(--target "$m"); done
start=$(date +%s)
rm -rf site/api
mkdir -p site
swift package "${scratch[@]}" --allow-writing-to-directory site/api generate-documentation "${targets[@]}" \
    --enable-experimental-combined-documentation --transform-for-static-hosting --hosting-base-path api \
    --output-path site/api
echo "docs: ${#modules[@]} modules → site/api/documentation/ ($(( $(date +%s) - start )) s)"
SITE_BUILD_PATH="${SITE_BUILD_PATH:-${DOCS_BUILD_PATH:-}}" bash scripts/site.sh
