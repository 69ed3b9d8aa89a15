"""Record BrainPy 2.x outputs of its convolution, pooling and normalization layers, for
`tests/brainpy_parity/test_dnn_*.py`.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_dnn/generate.py

It writes `dnn.npz` beside itself: `<case>/x` (the input, float32), `<case>/y` (BrainPy's
output) and, for the batch normalizations, `<case>/running_mean` and
`<case>/running_var` after the call. The kernels are `OneInit()` (or the seeded
defaults where only the shape matters, where just `<case>/shape` is kept); the inputs
are deterministic (sines of a ramp), so the tests rebuild none of them.
"""

from __future__ import annotations

import pathlib

import brainpy as bp
import brainpy.math as bm
import numpy as np

OUT = pathlib.Path(__file__).with_name("dnn.npz")
data: dict[str, np.ndarray] = {}


def ramp(*shape: int, scale: float = 1.0, shift: float = 0.0) -> np.ndarray:
    """A deterministic input: `scale * sin(0.7 k + 0.3) + shift` over `k = 0, 1, ...`."""
    k = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (scale * np.sin(0.7 * k + 0.3) + shift).reshape(shape).astype(np.float32)


def keep(case: str, x: np.ndarray, y, **extra) -> None:
    data[f"{case}/x"] = np.asarray(x)
    data[f"{case}/y"] = np.asarray(bm.as_jax(y))
    for k, v in extra.items():
        data[f"{case}/{k}"] = np.asarray(bm.as_jax(v))


def conv_transposes() -> None:
    one = bp.init.OneInit()
    for n in (1, 2, 3):
        cls = getattr(bp.layers, f"ConvTranspose{n}d")
        x = np.ones((1,) + (8,) * n + (3,), np.float32)
        k = (3,) * n
        for bias in (True, False):
            b = one if bias else None
            for pad in ("VALID", "SAME"):
                net = cls(
                    3, 4, k, padding=pad, w_initializer=one, b_initializer=b, mode=bm.training_mode
                )
                keep(f"ct{n}d_{pad}_bias{int(bias)}", x, net(x))
        mask = np.tril(np.ones(k + (3, 4), np.float32))
        net = cls(
            3,
            4,
            k,
            padding="VALID",
            mask=mask,
            w_initializer=one,
            b_initializer=one,
            mode=bm.batching_mode,
        )
        keep(f"ct{n}d_masked", x, net(x), mask=mask)
    x = np.ones((1, 3, 1), np.float32)
    for bias in (True, False):
        net = bp.layers.ConvTranspose1d(
            1,
            1,
            3,
            stride=1,
            padding="SAME",
            w_initializer=one,
            b_initializer=one if bias else None,
            mode=bm.batching_mode,
        )
        keep(f"ct1d_same_1ch_bias{int(bias)}", x, net(x))


def pools() -> None:
    x = np.arange(9, dtype=np.float32).reshape((1, 3, 3, 1))
    with bm.training_environment():
        for name in ("MaxPool", "MinPool", "AvgPool"):
            keep(f"pool_{name}", x, getattr(bp.dnn, name)((2, 2), 1, channel_axis=-1)(x))
    x = np.ones((1, 3, 3, 1), np.float32)
    with bm.training_environment():
        keep("avgpool_same", x, bp.dnn.AvgPool((2, 2), 1, padding="SAME", channel_axis=-1)(x))
    for size, target in (
        (100, 6),
        (100, 7),
        (100, 10),
        (32, 4),
        (5, 5),
        (2, 6),
        (1, 4),
        (3, 8),
        (100, 9),
        (100, 8),
    ):
        x = ramp(size)
        for op in ("Avg", "Max"):
            net = getattr(bp.dnn, f"Adaptive{op}Pool1d")(target, channel_axis=None)
            keep(f"adaptive1d_{op}_{size}_{target}", x, net(x))
    x = ramp(2, 7, 6, 5)
    for axis in (-1, 0, 1, 2, 3):
        net = bp.dnn.AdaptiveMaxPool3d(target_shape=[6, 5, 4], channel_axis=axis)
        keep(f"adaptive3d_max_axis{axis}", x, net(x))


def norms() -> None:
    for n, shape in ((1, (1, 3, 10)), (2, (1, 3, 4, 10)), (3, (1, 3, 4, 5, 10))):
        for fit in (True, False):
            x = ramp(*shape)
            net = getattr(bp.dnn, f"BatchNorm{n}d")(10, mode=bm.training_mode)
            bp.share.save(fit=fit)
            keep(
                f"bn{n}d_fit{int(fit)}",
                x,
                net(x),
                running_mean=net.running_mean.value,
                running_var=net.running_var.value,
            )
    x = ramp(4, 5, 3, scale=3.0, shift=7.0)
    net = bp.dnn.BatchNorm1d(3, affine=False, mode=bm.training_mode)
    bp.share.save(fit=True)
    keep(
        "bn_unbiased",
        x,
        net(x),
        running_mean=net.running_mean.value,
        running_var=net.running_var.value,
    )
    for shape in ((10,), (5, 10)):
        x = ramp(4, 5, 10, scale=2.0, shift=1.0)
        net = bp.dnn.LayerNorm(shape, mode=bm.training_mode)
        keep(f"layernorm_{len(shape)}", x, net(x))
    x = ramp(3, 4, 4, 6, scale=2.0, shift=-1.0)
    for g in (1, 2, 3, 6):
        net = bp.dnn.GroupNorm(num_groups=g, num_channels=6, mode=bm.training_mode)
        keep(f"groupnorm_{g}", x, net(x))
    keep("instancenorm", x, bp.dnn.InstanceNorm(num_channels=6, mode=bm.training_mode)(x))


if __name__ == "__main__":
    conv_transposes()
    pools()
    norms()
    np.savez_compressed(OUT, **{k: v.astype(np.float32) for k, v in data.items()})
    print(f"wrote {len(data)} arrays to {OUT}")
