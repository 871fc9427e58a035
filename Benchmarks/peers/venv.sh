# Sourced by run.sh and alternate.sh: creates .venv-peers/ in the repository root when missing,
# installs CPU-only torch (a +cpu wheel from pip's find-links, or TORCH_SPEC), jax[cpu], numpy and
# safetensors into it, and sets $vpy to its python. (Why the CPU wheel: see run.sh.)
root="$(cd "$here/../.." && pwd)"
venv="$root/.venv-peers"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "creating $venv"
    "$python" -m venv "$venv"
fi
vpy="$venv/bin/python"

if ! "$vpy" -c "import torch, jax, numpy, safetensors" 2>/dev/null; then
    spec="${TORCH_SPEC:-}"
    if [ -z "$spec" ]; then
        tag="cp$("$vpy" -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")')"
        links="${PIP_FIND_LINKS:-} $("$vpy" -m pip config get global.find-links 2>/dev/null || true)"
        for d in $links; do
            d="${d#file://}"
            [ -d "$d" ] || continue
            w="$(ls "$d"/torch-*+cpu-"$tag"-*.whl 2>/dev/null | sort -V | tail -n 1 || true)"
            if [ -n "$w" ]; then spec="$w"; break; fi
        done
    fi
    if [ -z "$spec" ]; then
        echo "warning: no CPU-only torch wheel found (set TORCH_SPEC to one); falling back to PyPI's" \
             "default torch, the CUDA build (several GB of dependencies)" >&2
        spec="torch"
    fi
    echo "installing torch from: $spec"
    "$vpy" -m pip install --quiet "$spec" "jax[cpu]" numpy safetensors
fi

