"""Parity with BrainPy 2.8's tests of its layers in each computing mode:
`brainpy/dnn/mode_test.py` (214 cases).

In scope: all 214; all pass.

Each BrainPy case builds one layer in one mode (`TrainingMode()`, `TrainingMode(10)`,
`BatchingMode()`, `BatchingMode(10)`, and `NonBatchingMode()` for most) and calls it
once: convolutions (30 cases), pooling (75), `Dropout` (5), `Flatten` (5), linear and
connection layers (60), normalization (39). The ports do the same and compare with
BrainPy's output, recorded for the same inputs by
`tests/data/brainpy_layers/generate_modes.py`: the values where the layer is
deterministic, the shape where it draws random weights (convolutions and linear
layers). The inputs are small (a batch of 2, a few positions, 20 neurons for the
connection layers) where BrainPy's are up to 10 x 50 x 50 x 50 x 3: the sizes only
change the time taken. BrainPy's `test_MinPool` builds a `MaxPool`, and so does its
port. `bp.conn.FixedProb(0.1, pre=20, post=20)` is `eqbrain.dyn.FixedProb(20, 20, 0.1)`,
and `bp.share.save(fit=...)` is `eqbrain.share.context(fit=...)`.

`AllToAll` with one weight (`weight=0.1`) gives each of its `num_post` outputs the
weighted sum where BrainPy gives the sum once, to broadcast (a listed difference,
counted in `test_dnn_linear.py`): its ports compare with BrainPy's values broadcast.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dnn

RECORD = np.load(pathlib.Path(__file__).parents[1] / "data" / "brainpy_layers" / "modes.npz")
B = 2  # the batch of every batched input
MODES: dict[str, Callable[[], eqbrain.Mode]] = {
    "T": lambda: eqbrain.TrainingMode(),
    "T10": lambda: eqbrain.TrainingMode(10),
    "B": lambda: eqbrain.BatchingMode(),
    "B10": lambda: eqbrain.BatchingMode(10),
    "N": lambda: eqbrain.NonBatchingMode(),
}


def inputs(shape: tuple[int, ...]) -> jnp.ndarray:
    """The recording's inputs: `2 sin(0.7 k + 0.3)`, k = 0, 1, ..."""
    k = np.arange(int(np.prod(shape)), dtype=np.float64)
    return jnp.asarray((2.0 * np.sin(0.7 * k + 0.3)).astype(np.float32).reshape(shape))


# case -> (layer from a mode, batched input shape, unbatched input: a shape, True (each
# sample of the batched input) or False (the batched input), values compared?)
Case = tuple[Callable[[Any], Any], tuple, Any, bool]
CASES: dict[str, Case] = {
    "Conv1d": (lambda m: dnn.Conv1d(3, 4, 5, mode=m), (B, 8, 3), (8, 3), False),
    "Conv2d": (lambda m: dnn.Conv2d(3, 4, (5, 5), mode=m), (B, 6, 6, 3), (6, 6, 3), False),
    "Conv3d": (
        lambda m: dnn.Conv3d(3, 4, (5, 5, 5), mode=m),
        (B, 5, 5, 5, 3),
        (5, 5, 5, 3),
        False,
    ),
    "ConvTranspose1d": (lambda m: dnn.ConvTranspose1d(3, 4, 5, mode=m), (B, 8, 3), (8, 3), False),
    "ConvTranspose2d": (
        lambda m: dnn.ConvTranspose2d(3, 4, (5, 5), mode=m),
        (B, 6, 6, 3),
        (6, 6, 3),
        False,
    ),
    "ConvTranspose3d": (
        lambda m: dnn.ConvTranspose3d(3, 4, (5, 5, 5), mode=m),
        (B, 4, 4, 4, 3),
        (4, 4, 4, 3),
        False,
    ),
    "MaxPool": (lambda m: dnn.MaxPool((3, 3), channel_axis=-1, mode=m), (B, 5, 5, 4), True, True),
    "MinPool": (lambda m: dnn.MaxPool((3, 3), channel_axis=-1, mode=m), (B, 5, 5, 4), True, True),
    "AvgPool": (lambda m: dnn.AvgPool((3, 3), channel_axis=-1, mode=m), (B, 5, 5, 4), True, True),
    "Dropout": (lambda m: dnn.Dropout(prob=0.2, mode=m), (B, 3, 2, 2, 4), False, True),
    "Flatten": (lambda m: dnn.Flatten(mode=m), (B, 3, 2, 2, 4), False, True),
    "Linear": (lambda m: dnn.Linear(7, 6, mode=m), (B, 3, 4, 7), False, False),
    "AllToAll": (lambda m: dnn.AllToAll(10, 20, weight=0.1, mode=m), (B, 10), True, True),
    "OneToOne": (lambda m: dnn.OneToOne(10, weight=0.1, mode=m), (B, 10), False, True),
    "LayerNorm": (
        lambda m: dnn.LayerNorm(3, mode=m, elementwise_affine=False),
        (B, 5, 3),
        False,
        True,
    ),
    "GroupNorm": (lambda m: dnn.GroupNorm(2, 6, affine=False, mode=m), (B, 4, 4, 6), False, True),
    "InstanceNorm": (
        lambda m: dnn.InstanceNorm(6, affine=False, mode=m),
        (B, 4, 4, 6),
        False,
        True,
    ),
}
for _d in (1, 2, 3):
    _arg = 3 if _d == 1 else (3,) * _d
    for _kind in ("AvgPool", "MaxPool", "AdaptiveAvgPool", "AdaptiveMaxPool"):
        CASES[f"{_kind}{_d}d"] = (
            lambda m, c=getattr(dnn, f"{_kind}{_d}d"), a=_arg: c(a, channel_axis=-1, mode=m),
            (B,) + (5,) * _d + (4,),
            True,
            True,
        )
for _name in ("MaskedLinear", "CSRLinear", "EventCSRLinear"):
    CASES[_name] = (
        lambda m, n=_name: getattr(dnn, n)(
            eqbrain.dyn.FixedProb(20, 20, 0.1, seed=1), 0.1, mode=m
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
            lambda m, n=_prefix + _name, kw=_kw: getattr(dnn, n)(
                20, 30, 0.1, seed=100, mode=m, **kw
            ),
            (B, 20),
            False,
            False,
        )


def run(case: Case, mode: eqbrain.Mode) -> np.ndarray:
    """The layer of `case` built in `mode`, called as BrainPy's case calls it."""
    build, shape, per_sample, _ = case
    layer = build(mode)
    if mode.is_nonbatch_mode() and isinstance(per_sample, tuple):
        return np.asarray(layer(inputs(per_sample)))
    x = inputs(shape)
    if mode.is_nonbatch_mode() and per_sample is True:
        return np.stack([np.asarray(layer(xi)) for xi in x])
    return np.asarray(layer(x))


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("name", list(CASES))
def test_layer_in_mode(name: str, mode: str) -> None:
    """190 cases: 38 layers in 5 modes; BrainPy's output, or its shape."""
    case = CASES[name]
    with eqbrain.share.context(fit=False):
        y = run(case, MODES[mode]())
    if not case[3]:
        assert y.shape == tuple(RECORD[f"{name}/{mode}/shape"])
        assert np.all(np.isfinite(y))
        return
    expected = RECORD[f"{name}/{mode}"]
    if name == "AllToAll":  # BrainPy's sum, broadcast to the num_post outputs
        expected = np.broadcast_to(expected.reshape(expected.shape[0], 1), y.shape)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


BATCH_NORM = {1: (B, 5, 8), 2: (B, 3, 4, 8), 3: (B, 2, 3, 4, 8)}


@pytest.mark.parametrize("fit", [True, False])
@pytest.mark.parametrize("mode", ["T", "T10", "B", "B10"])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_batch_norm_in_mode(d: int, mode: str, fit: bool) -> None:
    """24 cases: `BatchNorm1d/2d/3d` without affine, training (the batch's statistics)
    and not (the running ones)."""
    layer = getattr(dnn, f"BatchNorm{d}d")(8, mode=MODES[mode](), affine=False)
    with eqbrain.share.context(fit=fit):
        y = layer(inputs(BATCH_NORM[d]))
    np.testing.assert_allclose(y, RECORD[f"BatchNorm{d}d-{fit}/{mode}"], rtol=1e-5, atol=1e-5)
