"""Parity with BrainPy 2.8's tests of its activation and shape layers:
`brainpy/dnn/activation_test.py` (50 cases), `activations_coverage_test.py` (20),
`function_test.py` (3) and `flax_test.py` (1).

- Out of scope (1): `flax_test.py`'s `test_init` wraps a recurrent cell for Flax
  (`bp.dnn.ToFlaxRNNCell`); BrainPy skips the whole file itself ("not implemented
  yet"), Flax is not installed with eqbrain, and eqbrain's layers are Equinox modules,
  used by Equinox code as they are (`FromFlax`/`ToFlax` have no counterpart).
- In scope (73): all pass.

`activation_test.py`'s cases only build each layer (with and without `inplace`) and call
it on a random input. Each port also compares the output with BrainPy's, recorded for
fixed inputs by `tests/data/brainpy_layers/generate.py` (`RReLU` draws its slopes: checked
against its bounds instead). BrainPy's `inplace=True` writes into the input array;
eqbrain's writes into an input `Variable`, which the ports pass and read back.
`GELU`'s case is parametrized by `approximate` but builds `GELU()` both times: the port
builds `GELU(approximate=...)` and compares the exact one with BrainPy's (its default),
the tanh one within the approximation's error.

`activations_coverage_test.py` checks each layer's `extra_repr()`, PyTorch's hook that
BrainPy prints its settings with. eqbrain's layers print as Equinox modules, every
setting by name: the ports check that `repr(layer)` shows the settings BrainPy's
`extra_repr` gives (the hook itself is not there).
"""

from __future__ import annotations

import json
import pathlib
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dnn

DATA = pathlib.Path(__file__).parents[1] / "data" / "brainpy_layers"
RECORD = json.loads((DATA / "activations.json").read_text())
INPUTS = {k: np.asarray(v, np.float32) for k, v in RECORD["inputs"].items()}


def brainpy_case(name: str) -> tuple[np.ndarray, np.ndarray]:
    """`(input, BrainPy's output)` of a recorded case."""
    case = RECORD["cases"][name]
    return INPUTS[case["input"]], np.asarray(case["output"], np.float32)


# -- activation_test.py -------------------------------------------------------------------

# BrainPy's name -> eqbrain layer from `inplace`, with the arguments of BrainPy's case
INPLACE: dict[str, Callable[[bool], Any]] = {
    "Threshold": lambda inplace: dnn.Threshold(5, 20, inplace),
    "ReLU": lambda inplace: dnn.ReLU(inplace),
    "Hardtanh": lambda inplace: dnn.Hardtanh(min_val=0, max_val=1, inplace=inplace),
    "ReLU6": lambda inplace: dnn.ReLU6(inplace=inplace),
    "Hardsigmoid": lambda inplace: dnn.Hardsigmoid(inplace=inplace),
    "SiLU": lambda inplace: dnn.SiLU(inplace=inplace),
    "Mish": lambda inplace: dnn.Mish(inplace=inplace),
    "Hardswish": lambda inplace: dnn.Hardswish(inplace=inplace),
    "ELU": lambda inplace: dnn.ELU(alpha=0.5, inplace=inplace),
    "CELU": lambda inplace: dnn.CELU(alpha=0.5, inplace=inplace),
    "SELU": lambda inplace: dnn.SELU(inplace=inplace),
    "LeakyReLU": lambda inplace: dnn.LeakyReLU(inplace=inplace),
}

PLAIN: dict[str, Callable[[], Any]] = {
    "Sigmoid": lambda: dnn.Sigmoid(),
    "Tanh": lambda: dnn.Tanh(),
    "GLU": lambda: dnn.GLU(),
    "Hardshrink": lambda: dnn.Hardshrink(lambd=1),
    "LogSigmoid": lambda: dnn.LogSigmoid(),
    "Softshrink": lambda: dnn.Softshrink(lambd=1),
    "PReLU": lambda: dnn.PReLU(num_parameters=2, init=0.5),
    "Softsign": lambda: dnn.Softsign(),
    "Tanhshrink": lambda: dnn.Tanhshrink(),
    "Softmin": lambda: dnn.Softmin(dim=2),
    "Softmax": lambda: dnn.Softmax(dim=2),
    "Softmax2d": lambda: dnn.Softmax2d(),
    "LogSoftmax": lambda: dnn.LogSoftmax(dim=2),
}


@pytest.mark.parametrize("inplace", [True, False])
@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_activation(name: str, inplace: bool) -> None:
    """13 x 2 cases (with `RReLU` below): BrainPy's output, into the input `Variable`
    with `inplace`, which is left alone without."""
    x, expected = brainpy_case(name)
    layer = INPLACE[name](inplace)
    v = eqbrain.Variable(jnp.asarray(x))
    out = layer(v)
    if inplace:
        assert out is v
        np.testing.assert_allclose(v.value, expected, rtol=1e-6, atol=1e-6)
    else:
        np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-6)
        np.testing.assert_array_equal(v.value, x)


@pytest.mark.parametrize("inplace", [True, False])
def test_rrelu(inplace: bool) -> None:
    """`RReLU(lower=0, upper=1)`: `x` above 0, `a * x` with `a` in [0, 1] below."""
    x = jnp.asarray(INPUTS["line"])
    v = eqbrain.Variable(x)
    out = dnn.RReLU(lower=0, upper=1, inplace=inplace)(v)
    y = np.asarray(v.value if inplace else out)
    neg = np.asarray(x) < 0
    np.testing.assert_array_equal(y[~neg], np.asarray(x)[~neg])
    assert np.all((y[neg] <= 0) & (y[neg] >= np.asarray(x)[neg]))


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_activation(name: str) -> None:
    """13 cases: BrainPy's output."""
    x, expected = brainpy_case(name)
    y = PLAIN[name]()(jnp.asarray(x))
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("approximate", ["tanh", "none"])
def test_gelu(approximate: str) -> None:
    x, exact = brainpy_case("GELU")  # BrainPy's GELU() is the exact one
    y = dnn.GELU(approximate=approximate == "tanh")(jnp.asarray(x))
    tol = 2e-3 if approximate == "tanh" else 1e-6
    np.testing.assert_allclose(y, exact, rtol=tol, atol=tol)


@pytest.mark.parametrize("beta", [1, 2, 3])
@pytest.mark.parametrize("threshold", [20, 21, 22])
def test_softplus(beta: int, threshold: int) -> None:
    """9 cases, `beta * x` on both sides of `threshold` (linear above it)."""
    x, expected = brainpy_case(f"Softplus-{beta}-{threshold}")
    y = dnn.Softplus(beta=beta, threshold=threshold)(jnp.asarray(x))
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-6)


def test_softmax2d_refuses_2d_input() -> None:
    """Not a BrainPy case: the error names the layer and the shape."""
    with pytest.raises(ValueError, match=r"Softmax2d.*3-D or 4-D.*\(3, 4\)"):
        dnn.Softmax2d(name="Softmax2d")(jnp.ones((3, 4)))


# -- activations_coverage_test.py ---------------------------------------------------------

# layer -> (the layer, settings its printed form shows) for the forms BrainPy's case prints
Built = Callable[[], Any]
REPRS: dict[str, list[tuple[Built, tuple[str, ...]]]] = {
    "threshold": [
        (
            lambda: dnn.Threshold(5, 20, inplace=True),
            ("threshold=5.0", "value=20.0", "inplace=True"),
        ),
        (lambda: dnn.Threshold(5, 20, inplace=False), ("threshold=5.0", "inplace=False")),
    ],
    "relu": [(lambda: dnn.ReLU(inplace=True), ("inplace=True",))],
    "rrelu": [(lambda: dnn.RReLU(inplace=True), ("lower=0.125", "upper=0.333", "inplace=True"))],
    "hardtanh": [
        (lambda: dnn.Hardtanh(inplace=True), ("min_val=-1.0", "max_val=1.0", "inplace=True"))
    ],
    "relu6": [(lambda: dnn.ReLU6(inplace=True), ("inplace=True",))],
    "silu": [(lambda: dnn.SiLU(inplace=True), ("inplace=True",))],
    "mish": [(lambda: dnn.Mish(inplace=True), ("inplace=True",))],
    "elu": [(lambda: dnn.ELU(inplace=True), ("alpha=1.0", "inplace=True"))],
    "celu": [(lambda: dnn.CELU(inplace=True), ("alpha=1.0", "inplace=True"))],
    "selu": [(lambda: dnn.SELU(inplace=True), ("inplace=True",))],
    "glu": [(lambda: dnn.GLU(dim=-1), ("dim=-1",))],
    "gelu": [(lambda: dnn.GELU(), ("approximate=False",))],
    "hardshrink": [(lambda: dnn.Hardshrink(lambd=0.5), ("lambd=0.5",))],
    "leaky_relu": [(lambda: dnn.LeakyReLU(inplace=True), ("negative_slope=0.01", "inplace=True"))],
    "softplus": [(lambda: dnn.Softplus(), ("beta=1.0", "threshold=20.0"))],
    "softshrink": [(lambda: dnn.Softshrink(lambd=0.5), ("lambd=0.5",))],
    "prelu": [(lambda: dnn.PReLU(), ("weight=TrainVar(f32[1])",))],
    "softmin": [(lambda: dnn.Softmin(dim=1), ("dim=1",))],
    "softmax": [(lambda: dnn.Softmax(dim=1), ("dim=1",))],
    "logsoftmax": [(lambda: dnn.LogSoftmax(dim=1), ("dim=1",))],
}
# BrainPy's cases print both forms of each layer with `inplace`: eqbrain shows False too
for _name, _forms in REPRS.items():
    _build, _shown = _forms[0]
    if "inplace=True" in _shown and len(_forms) == 1:
        _kind = type(_build()).__name__
        _forms.append((lambda k=_kind: getattr(dnn, k)(inplace=False), ("inplace=False",)))


@pytest.mark.parametrize("name", sorted(REPRS))
def test_repr_shows_settings(name: str) -> None:
    """20 cases: the printed layer names its settings (`PReLU`'s `num_parameters` as
    the shape of its slope `weight`)."""
    for build, shown in REPRS[name]:
        text = repr(build())
        for setting in shown:
            assert setting in text, (setting, text)


# -- function_test.py ---------------------------------------------------------------------


def test_flatten_batching_mode() -> None:
    x = jnp.asarray(np.random.standard_normal((20, 10, 10, 6)), jnp.float32)
    y = dnn.Flatten(mode=eqbrain.BatchingMode()).update(x)
    assert y.shape == (20, 600)
    np.testing.assert_array_equal(y[3], x[3].ravel())


def test_flatten_non_batching_mode() -> None:
    x = jnp.asarray(np.random.standard_normal((10, 10, 6)), jnp.float32)
    y = dnn.Flatten(mode=eqbrain.NonBatchingMode()).update(x)
    assert y.shape == (600,)
    np.testing.assert_array_equal(y, x.ravel())


def test_unflatten() -> None:
    x = jnp.asarray(np.random.standard_normal((5, 60)), jnp.float32)
    layer = dnn.Unflatten(1, (10, 6), mode=eqbrain.NonBatchingMode())
    y = layer.update(x)
    assert y.shape == (5, 10, 6)
    np.testing.assert_array_equal(y.reshape(5, 60), x)
    with pytest.raises(ValueError, match=r"sizes=\(10, 6\).*size 50"):
        layer.update(jnp.ones((5, 50)))
