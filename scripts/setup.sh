#!/usr/bin/env bash
# Installs what the book needs and is missing on a fresh Debian/Ubuntu machine: the system libraries
# (OpenBLAS/CBLAS, LAPACKE, libpng, zlib, Cairo + a font) through apt-get, and the embedded data sets
# (scripts/install-data.sh). Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(pkg-config libopenblas-dev liblapacke-dev libpng-dev zlib1g-dev libcairo2-dev fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: system libraries present (${packages[*]})"

if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"
    else echo "setup: swift not found; install Swift 6 (https://swift.org/install) and re-run" >&2; exit 1; fi
fi

bash scripts/install-data.sh
