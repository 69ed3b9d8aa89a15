"""Record BrainPy 2.x's layers in each computing mode, as `brainpy/dnn/mode_test.py`
builds them, on small fixed inputs.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_layers/generate_modes.py

It writes `modes.npz` beside itself: for each case `<case>` and mode `<mode>` (`T`,
`T10`, `B`, `B10`, `N`: `TrainingMode()`, `TrainingMode(10)`, `BatchingMode()`,
`BatchingMode(10)`, `NonBatchingMode()`), `<case>/<mode>` is BrainPy's output, or for
a layer with random weights (convolutions, linear layers) only its shape, as
`<case>/<mode>/shape`. In non-batching mode the pooling layers and `AllToAll` are
called on each sample of the input, as BrainPy's cases do, and their outputs stacked.
The inputs are `inputs(shape)`: a fixed formula, so the file is the same on every run;
`tests/brainpy_parity/test_dnn_modes.py` computes the same inputs.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any

import brainpy as bp
import brainpy.math as bm
import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
B = 2  # the batch of every batched input
MODES = {
    "T": lambda: bm.TrainingMode(),
    "T10": lambda: bm.TrainingMode(10),
    "B": lambda: bm.BatchingMode(),
    "B10": lambda: bm.BatchingMode(10),
    "N": lambda: bm.NonBatchingMode(),
}


def inputs(shape: tuple[int, ...]) -> np.ndarray:
    """Fixed inputs of `shape` in about [-2, 2]: `2 sin(0.7 k + 0.3)`, k = 0, 1, ..."""
    k = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (2.0 * np.sin(0.7 * k + 0.3)).astype(np.float32).reshape(shape)


# case -> (layer from a mode, batched input shape, unbatched input shape or None: the
# batched input, per sample: True, or as it is: False, values recorded?)
Case = tuple[Callable[[Any], Any], tuple, Any, bool]
CASES: dict[str, Case] = {
    "Conv1d": (lambda m: bp.dnn.Conv1d(3, 4, 5, mode=m), (B, 8, 3), (8, 3), False),
    "Conv2d": (lambda m: bp.dnn.Conv2d(3, 4, (5, 5), mode=m), (B, 6, 6, 3), (6, 6, 3), False),
    "Conv3d": (
        lambda m: bp.dnn.Conv3d(3, 4, (5, 5, 5), mode=m),
        (B, 5, 5, 5, 3),
        (5, 5, 5, 3),
        False,
    ),
    "ConvTranspose1d": (
        lambda m: bp.dnn.ConvTranspose1d(3, 4, 5, mode=m),
        (B, 8, 3),
        (8, 3),
        False,
    ),
    "ConvTranspose2d": (
        lambda m: bp.dnn.ConvTranspose2d(3, 4, (5, 5), mode=m),
        (B, 6, 6, 3),
        (6, 6, 3),
        False,
    ),
    "ConvTranspose3d": (
        lambda m: bp.dnn.ConvTranspose3d(3, 4, (5, 5, 5), mode=m),
        (B, 4, 4, 4, 3),
        (4, 4, 4, 3),
        False,
    ),
    # BrainPy's test_MinPool builds a MaxPool: recorded as it is
    "MaxPool": (
        lambda m: bp.dnn.MaxPool((3, 3), channel_axis=-1, mode=m),
        (B, 5, 5, 4),
        True,
        True,
    ),
    "MinPool": (
        lambda m: bp.dnn.MaxPool((3, 3), channel_axis=-1, mode=m),
        (B, 5, 5, 4),
        True,
        True,
    ),
    "AvgPool": (
        lambda m: bp.dnn.AvgPool((3, 3), channel_axis=-1, mode=m),
        (B, 5, 5, 4),
        True,
        True,
    ),
    "Dropout": (lambda m: bp.dnn.Dropout(prob=0.2, mode=m), (B, 3, 2, 2, 4), False, True),
    "Flatten": (lambda m: bp.dnn.Flatten(mode=m), (B, 3, 2, 2, 4), False, True),
    "Linear": (lambda m: bp.dnn.Linear(7, 6, mode=m), (B, 3, 4, 7), False, False),
    "AllToAll": (lambda m: bp.dnn.AllToAll(10, 20, weight=0.1, mode=m), (B, 10), True, True),
    "OneToOne": (lambda m: bp.dnn.OneToOne(10, weight=0.1, mode=m), (B, 10), False, True),
    "LayerNorm": (
        lambda m: bp.dnn.LayerNorm(3, mode=m, elementwise_affine=False),
        (B, 5, 3),
        False,
        True,
    ),
    "GroupNorm": (
        lambda m: bp.dnn.GroupNorm(2, 6, affine=False, mode=m),
        (B, 4, 4, 6),
        False,
        True,
    ),
    "InstanceNorm": (
        lambda m: bp.dnn.InstanceNorm(6, affine=False, mode=m),
        (B, 4, 4, 6),
        False,
        True,
    ),
}
for _d in (1, 2, 3):
    _shape = (B,) + (5,) * _d + (4,)
    _k = 3 if _d == 1 else (3,) * _d
    for _kind, _arg in (
        ("AvgPool", _k),
        ("MaxPool", _k),
        ("AdaptiveAvgPool", _k),
        ("AdaptiveMaxPool", _k),
    ):
        _cls = getattr(bp.dnn, f"{_kind}{_d}d")
        CASES[f"{_kind}{_d}d"] = (
            lambda m, c=_cls, a=_arg: c(a, channel_axis=-1, mode=m),
            _shape,
            True,
            True,
        )
_SPARSE = ("MaskedLinear", "CSRLinear", "EventCSRLinear")
for _name in _SPARSE:
    CASES[_name] = (
        lambda m, n=_name: getattr(bp.dnn, n)(
            bp.conn.FixedProb(0.1, pre=20, post=20, seed=1), weight=0.1, mode=m
        ),
        (B, 20),
        False,
        False,
    )
_JIT = {
    "JitFPHomoLinear": dict(weight=0.01),
    "JitFPUniformLinear": dict(w_low=-0.01, w_high=0.01),
    "JitFPNormalLinear": dict(w_mu=-0.01, w_sigma=0.01),
}
for _name, _kw in _JIT.items():
    for _prefix in ("", "Event"):
        CASES[_prefix + _name] = (
            lambda m, n=_prefix + _name, kw=_kw: getattr(bp.dnn, n)(
                20, 30, prob=0.1, seed=100, mode=m, **kw
            ),
            (B, 20),
            False,
            False,
        )
BATCH_NORM = {1: (B, 5, 8), 2: (B, 3, 4, 8), 3: (B, 2, 3, 4, 8)}


def run(build: Callable[[Any], Any], shape: tuple, per_sample: Any, mode: Any) -> np.ndarray:
    layer = build(mode)
    if isinstance(mode, bm.NonBatchingMode) and isinstance(per_sample, tuple):
        return np.asarray(layer(bm.asarray(inputs(per_sample))))
    x = inputs(shape)
    if isinstance(mode, bm.NonBatchingMode) and per_sample is True:
        return np.stack([np.asarray(layer(bm.asarray(xi))) for xi in x])
    return np.asarray(layer(bm.asarray(x)))


def main() -> None:
    out: dict[str, np.ndarray] = {"brainpy_version": np.asarray(bp.__version__)}
    bp.share.save(fit=False)
    for name, (build, shape, per_sample, values) in CASES.items():
        for key, mode in MODES.items():
            y = run(build, shape, per_sample, mode())
            out[f"{name}/{key}" if values else f"{name}/{key}/shape"] = (
                y if values else np.asarray(y.shape)
            )
    for d, shape in BATCH_NORM.items():
        for fit in (True, False):
            bp.share.save(fit=fit)
            for key, mode in MODES.items():
                if key == "N":
                    continue
                layer = getattr(bp.dnn, f"BatchNorm{d}d")(8, mode=mode(), affine=False)
                out[f"BatchNorm{d}d-{fit}/{key}"] = np.asarray(layer(bm.asarray(inputs(shape))))
    np.savez_compressed(HERE / "modes.npz", **out)


if __name__ == "__main__":
    main()
