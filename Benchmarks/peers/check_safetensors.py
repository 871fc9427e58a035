"""Manual interoperability check: open a checkpoint written by the Swift engine with the
reference implementation (safetensors.numpy) and print names, shapes, dtypes and metadata.

    .venv-peers/bin/python Benchmarks/peers/check_safetensors.py checkpoints/unet.safetensors
"""
import struct
import sys

import numpy as np
import safetensors
from safetensors import safe_open
from safetensors.numpy import load_file

for path in sys.argv[1:]:
    tensors = load_file(path)
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata() or {}
    with open(path, "rb") as f:
        header_length = struct.unpack("<Q", f.read(8))[0]
    print(f"{path}: safetensors {safetensors.__version__}, numpy {np.__version__}: {len(tensors)} tensors, "
          f"{sum(a.size for a in tensors.values())} scalars, header {header_length} bytes "
          f"({'multiple of 8' if header_length % 8 == 0 else 'NOT a multiple of 8'})")
    for key in sorted(metadata):
        print(f"  metadata {key} = {metadata[key]!r}")
    for name, a in tensors.items():
        assert a.dtype == np.float32, f"{name}: {a.dtype}"
        assert np.isfinite(a).all(), f"{name}: non-finite values"
        print(f"  {name}: {a.dtype} {list(a.shape)}  mean {a.mean() if a.size else 0:+.5f}")
