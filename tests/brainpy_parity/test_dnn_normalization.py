"""Parity with BrainPy 2.8's tests of its normalization layers:
`brainpy/dnn/normalization_test.py` (17 cases). In scope: 17; all pass.

BrainPy's cases mostly only run the layer; each port compares the output (and, for the
batch normalizations, the running statistics after the call) with BrainPy's, recorded by
`tests/data/brainpy_dnn/generate.py` on deterministic inputs of BrainPy's shapes (the
group normalizations on a `(3, 4, 4, 6)` input where BrainPy's is `(20, 10, 10, 6)`).
BrainPy's `bp.share.save(fit=fit)` is `eqbrain.share.context(fit=fit)`. The layers run
compiled, `step(layer, x)` (one small program per case, cheaper to compile than each
operation of an eager call on its own; a compiled step follows the context's `fit`),
but for `test_batch_norm_running_var_is_unbiased`, eager.
"""

from __future__ import annotations

import pathlib
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dnn

DATA = np.load(pathlib.Path(__file__).parents[1] / "data" / "brainpy_dnn" / "dnn.npz")
TRAINING = eqbrain.training_mode


@eqbrain.jit
def step(layer: Any, x: Any) -> Any:
    """`layer(x)`, compiled."""
    return layer(x)


def close(actual, case: str, what: str = "y") -> None:
    np.testing.assert_allclose(actual, DATA[f"{case}/{what}"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("fit", [True, False])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_batch_norm(n, fit):
    case = f"bn{n}d_fit{int(fit)}"
    net = getattr(dnn, f"BatchNorm{n}d")(num_features=10, mode=TRAINING)
    with eqbrain.share.context(fit=fit):
        close(step(net, DATA[f"{case}/x"]), case)
    close(net.running_mean.value, case, "running_mean")
    close(net.running_var.value, case, "running_var")


@pytest.mark.parametrize("normalized_shape", [10, [5, 10]])
def test_layer_norm(normalized_shape):
    case = "layernorm_1" if normalized_shape == 10 else "layernorm_2"
    close(step(dnn.LayerNorm(normalized_shape, mode=TRAINING), DATA[f"{case}/x"]), case)


@pytest.mark.parametrize("num_groups", [1, 2, 3, 6])
def test_group_norm(num_groups):
    case = f"groupnorm_{num_groups}"
    net = dnn.GroupNorm(num_groups=num_groups, num_channels=6, mode=TRAINING)
    close(step(net, DATA[f"{case}/x"]), case)


def test_instance_norm():
    net = dnn.InstanceNorm(num_channels=6, mode=TRAINING)
    close(step(net, DATA["instancenorm/x"]), "instancenorm")


def test_layer_norm_shape_mismatch_raises_value_error():
    net = dnn.LayerNorm(10, mode=TRAINING)
    with pytest.raises(ValueError, match=r"\(normalized_shape=\(10,\)\), got shape \(2, 5, 8\)"):
        net(jnp.ones((2, 5, 8)))


def test_batch_norm_running_var_is_unbiased():
    x = DATA["bn_unbiased/x"]  # (4, 5, 3): 20 elements per channel
    net = dnn.BatchNorm1d(num_features=3, affine=False, mode=TRAINING)
    with eqbrain.share.context(fit=True):
        net(x)
    close(net.running_var.value, "bn_unbiased", "running_var")
    biased = np.var(x.astype(np.float64), axis=(0, 1))
    np.testing.assert_allclose(net.running_var.value, 0.99 + 0.01 * biased * 20 / 19, 1e-5)
    assert not np.allclose(net.running_var.value, 0.99 + 0.01 * biased, atol=1e-5)


def test_batch_norm_batch_is_biased_normalized():
    x = np.random.standard_normal((8, 6, 3)).astype(np.float32) * 2.0 - 1.0
    net = dnn.BatchNorm1d(num_features=3, affine=False, mode=TRAINING)
    with eqbrain.share.context(fit=True):
        out = np.asarray(step(net, x))
    np.testing.assert_allclose(out.mean(axis=(0, 1)), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(0, 1)), 1.0, atol=1e-4)


def test_layer_norm_normalizes_over_trailing_axes():
    x = np.random.standard_normal((4, 3, 5, 10)).astype(np.float32) * 3.0 + 2.0
    out = step(dnn.LayerNorm((5, 10), elementwise_affine=False, mode=TRAINING), x)
    axes = (-2, -1)
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-5), atol=1e-4)
    np.testing.assert_allclose(jnp.mean(out, axis=axes), 0.0, atol=1e-4)
    np.testing.assert_allclose(jnp.var(out, axis=axes), 1.0, atol=1e-3)
