"""JAX (CPU, XLA) version of engine-bench's bench U-Net; forward and training-step images/s.

Same architecture as bench_torch.py / UNet.bench (see there). Pure jax (no flax/optax): convs are
lax.conv_general_dilated in NHWC/HWIO (XLA:CPU's native layout; the network is identical),
GroupNorm(8) with eps 1e-5 over (H, W, C/8), SiLU, nearest up-sampling by repeat, Adam written
out (beta 0.9/0.999, eps 1e-8, lr 1e-4). Forward and the whole training step are jax.jit-compiled;
compilation happens in the warm-up iterations and is not timed. Threads: run.sh sets XLA_FLAGS.
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

args = common.parse_args("JAX")
os.environ.setdefault("XLA_FLAGS", f"--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={args.threads}")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402


def conv_params(key, cin, cout, k, zero=False):
    std = (2.0 / (cin * k * k)) ** 0.5
    w = jnp.zeros((k, k, cin, cout)) if zero else std * jax.random.normal(key, (k, k, cin, cout))
    return {"w": w, "b": jnp.zeros((cout,))}


def gn_params(c):
    return {"g": jnp.ones((c,)), "b": jnp.zeros((c,))}


def resblock_params(key, cin, cout):
    k1, k2, k3 = jax.random.split(key, 3)
    p = {"norm1": gn_params(cin), "conv1": conv_params(k1, cin, cout, 3),
         "norm2": gn_params(cout), "conv2": conv_params(k2, cout, cout, 3)}
    if cin != cout:
        p["skip"] = conv_params(k3, cin, cout, 1)
    return p


def unet_params(key, c, w=32):
    ks = jax.random.split(key, 8)
    return {"input": conv_params(ks[0], c, w, 3), "down0": resblock_params(ks[1], w, w),
            "downsample0": conv_params(ks[2], w, 2 * w, 3), "mid0": resblock_params(ks[3], 2 * w, 2 * w),
            "mid1": resblock_params(ks[4], 2 * w, 2 * w), "upsample0": conv_params(ks[5], 2 * w, w, 3),
            "up0": resblock_params(ks[6], 2 * w, w), "out_norm": gn_params(w),
            "out_conv": conv_params(ks[7], w, c, 3, zero=True)}


def conv(p, x, stride=1):
    k = p["w"].shape[0]
    y = lax.conv_general_dilated(x, p["w"], (stride, stride), [(k // 2, k // 2)] * 2,
                                 dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return y + p["b"]


def group_norm(p, x, groups=8, eps=1e-5):
    n, h, w, c = x.shape
    xg = x.reshape(n, h, w, groups, c // groups)
    mean = xg.mean(axis=(1, 2, 4), keepdims=True)
    var = ((xg - mean) ** 2).mean(axis=(1, 2, 4), keepdims=True)
    xg = (xg - mean) * lax.rsqrt(var + eps)
    return xg.reshape(n, h, w, c) * p["g"] + p["b"]


def resblock(p, x):
    h = conv(p["conv1"], jax.nn.silu(group_norm(p["norm1"], x)))
    h = conv(p["conv2"], jax.nn.silu(group_norm(p["norm2"], h)))
    return h + (conv(p["skip"], x) if "skip" in p else x)


def unet(p, x):
    h = conv(p["input"], x)
    skip = resblock(p["down0"], h)
    h = conv(p["downsample0"], skip, stride=2)
    h = resblock(p["mid1"], resblock(p["mid0"], h))
    h = jnp.repeat(jnp.repeat(h, 2, axis=1), 2, axis=2)
    h = conv(p["upsample0"], h)
    h = resblock(p["up0"], jnp.concatenate([h, skip], axis=-1))
    h = conv(p["out_conv"], jax.nn.silu(group_norm(p["out_norm"], h)))
    return x + h


def loss_fn(p, x, t):
    return jnp.mean((unet(p, x) - t) ** 2)


LR, B1, B2, EPS = 1e-4, 0.9, 0.999, 1e-8


@jax.jit
def train_step(p, m, v, step, x, t):
    loss, g = jax.value_and_grad(loss_fn)(p, x, t)
    step = step + 1
    m = jax.tree_util.tree_map(lambda a, b: B1 * a + (1 - B1) * b, m, g)
    v = jax.tree_util.tree_map(lambda a, b: B2 * a + (1 - B2) * b * b, v, g)
    c1, c2 = 1 - B1 ** step, 1 - B2 ** step
    p = jax.tree_util.tree_map(lambda w, a, b: w - LR * (a / c1) / (jnp.sqrt(b / c2) + EPS), p, m, v)
    return p, m, v, step, loss


forward = jax.jit(unet)


def main():
    import jaxlib
    print(f"JAX {jax.__version__} (jaxlib {jaxlib.__version__}); devices {jax.devices()}; "
          f"XLA_FLAGS={os.environ.get('XLA_FLAGS')!r}; load average {common.load_average()}")
    results = {}
    for c, h, w in common.SHAPES:
        key = common.label(c, h, w)
        kp, kx, kt = jax.random.split(jax.random.PRNGKey(args.seed), 3)
        params = unet_params(kp, c)
        count = sum(int(a.size) for a in jax.tree_util.tree_leaves(params))
        x = jax.random.normal(kx, (args.batch, h, w, c))
        t = jax.random.normal(kt, (args.batch, h, w, c))
        state = {"p": params, "m": jax.tree_util.tree_map(jnp.zeros_like, params),
                 "v": jax.tree_util.tree_map(jnp.zeros_like, params), "step": jnp.zeros((), jnp.float32)}

        def fwd():
            forward(state["p"], x).block_until_ready()

        def train():
            p, m, v, s, loss = train_step(state["p"], state["m"], state["v"], state["step"], x, t)
            loss.block_until_ready()
            state.update(p=p, m=m, v=v, step=s)

        print(f"  {key}: parameters {count}")
        results[key] = common.shape_result(count, args.batch, common.median_seconds(fwd, args.iterations),
                                           common.median_seconds(train, args.iterations))
    common.write_results(args.out, "jax", {
        "version": jax.__version__, "threads": args.threads, "batch": args.batch,
        "iterations": args.iterations, "date": common.now(), "results": results,
        "xla_flags": os.environ.get("XLA_FLAGS", ""),
        "notes": "jit forward and jit training step (value_and_grad + Adam); NHWC; MSE mean",
    })


main()
