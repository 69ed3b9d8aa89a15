"""`eqbrain.surrogate`: forward is the Heaviside step, the gradient is the surrogate's
formula (checked against NumPy), under `grad`, `vmap`, `jit`, `jacfwd` and `jacrev`."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import eqbrain
import eqbrain.surrogate as S


def sig(x):
    return 1 / (1 + np.exp(-x))


def gauss(x, mu, sd):
    return np.exp(-((x - mu) ** 2) / (2 * sd**2)) / (math.sqrt(2 * math.pi) * sd)


# Each surrogate with non-default parameters, and its gradient in NumPy.
CASES = {
    "Sigmoid": (S.Sigmoid(3.0), lambda x: 3 * sig(3 * x) * (1 - sig(3 * x))),
    "SoftSign": (S.SoftSign(2.0), lambda x: 2 / (2 * (1 + 2 * np.abs(x)) ** 2)),
    "Arctan": (S.Arctan(2.0), lambda x: 1 / (1 + (math.pi * x) ** 2)),
    "ERF": (S.ERF(2.0), lambda x: 2 / math.sqrt(math.pi) * np.exp(-4 * x * x)),
    "NonzeroSignLog": (S.NonzeroSignLog(2.0), lambda x: 1 / (0.5 + np.abs(x))),
    "SquarewaveFourierSeries": (
        S.SquarewaveFourierSeries(3, 6.0),
        lambda x: 4 / 6 * sum(np.cos((2 * i - 1) * 2 * math.pi / 6 * x) for i in (1, 2, 3)),
    ),
    "S2NN": (
        S.S2NN(2.0, 0.5),
        lambda x: np.where(x < 0, 2 * sig(2 * x) * (1 - sig(2 * x)), 0.5 / (np.maximum(x, 0) + 1)),
    ),
    "QPseudoSpike": (S.QPseudoSpike(3.0), lambda x: (1 + 2 * np.abs(x) / 4) ** -3.0),
    "PiecewiseQuadratic": (
        S.PiecewiseQuadratic(2.0),
        lambda x: np.where(np.abs(x) > 0.5, 0.0, 2 - 4 * np.abs(x)),
    ),
    "PiecewiseExp": (S.PiecewiseExp(2.0), lambda x: np.exp(-2 * np.abs(x))),
    "PiecewiseLeakyRelu": (
        S.PiecewiseLeakyRelu(0.1, 0.5),
        lambda x: np.where(np.abs(x) > 0.5, 0.1, 1.0),
    ),
    "LeakyRelu": (S.LeakyRelu(0.2, 0.7), lambda x: np.where(x < 0, 0.2, 0.7)),
    "LogTailedRelu": (
        S.LogTailedRelu(0.1),
        lambda x: np.where(x > 1, 1 / np.maximum(x, 1), np.where(x > 0, 1.0, 0.1)),
    ),
    "ReluGrad": (S.ReluGrad(0.5, 2.0), lambda x: np.maximum(0.5 * (2 - np.abs(x)), 0)),
    "GaussianGrad": (S.GaussianGrad(0.8, 0.3), lambda x: 0.3 * gauss(x, 0, 0.8)),
    "MultiGaussianGrad": (
        S.MultiGaussianGrad(0.2, 4.0, 0.6, 0.7),
        lambda x: (
            0.7 * (1.2 * gauss(x, 0, 0.6) - 0.2 * gauss(x, 0.6, 2.4) - 0.2 * gauss(x, -0.6, 2.4))
        ),
    ),
    "InvSquareGrad": (S.InvSquareGrad(10.0), lambda x: 1 / (10 * np.abs(x) + 1) ** 2),
    "SlayerGrad": (S.SlayerGrad(3.0), lambda x: np.exp(-3 * np.abs(x))),
}

# BrainPy's defaults, in the order of each class's arguments.
DEFAULTS = {
    "Sigmoid": (4.0,),
    "SoftSign": (1.0,),
    "Arctan": (1.0,),
    "ERF": (1.0,),
    "NonzeroSignLog": (1.0,),
    "SquarewaveFourierSeries": (2, 8.0),
    "S2NN": (4.0, 1.0, 1e-8),
    "QPseudoSpike": (2.0,),
    "PiecewiseQuadratic": (1.0,),
    "PiecewiseExp": (1.0,),
    "PiecewiseLeakyRelu": (0.01, 1.0),
    "LeakyRelu": (0.1, 1.0),
    "LogTailedRelu": (0.0,),
    "ReluGrad": (0.3, 1.0),
    "GaussianGrad": (0.5, 0.5),
    "MultiGaussianGrad": (0.15, 6.0, 0.5, 0.5),
    "InvSquareGrad": (100.0,),
    "SlayerGrad": (1.0,),
}

GRAD_ONLY = {"ReluGrad", "GaussianGrad", "MultiGaussianGrad", "InvSquareGrad", "SlayerGrad"}

FUNCTIONAL = {
    "Sigmoid": S.sigmoid,
    "SoftSign": S.soft_sign,
    "Arctan": S.arctan,
    "ERF": S.erf,
    "NonzeroSignLog": S.nonzero_sign_log,
    "SquarewaveFourierSeries": S.squarewave_fourier_series,
    "S2NN": S.s2nn,
    "QPseudoSpike": S.q_pseudo_spike,
    "PiecewiseQuadratic": S.piecewise_quadratic,
    "PiecewiseExp": S.piecewise_exp,
    "PiecewiseLeakyRelu": S.piecewise_leaky_relu,
    "LeakyRelu": S.leaky_relu,
    "LogTailedRelu": S.log_tailed_relu,
    "ReluGrad": S.relu_grad,
    "GaussianGrad": S.gaussian_grad,
    "MultiGaussianGrad": S.multi_gaussian_grad,
    "InvSquareGrad": S.inv_square_grad,
    "SlayerGrad": S.slayer_grad,
}

X = jnp.array([-3.0, -1.2, -0.7, -0.3, -0.05, 0.0, 0.05, 0.3, 0.7, 1.2, 3.0])
STEP = (np.asarray(X) >= 0).astype(np.float32)


def test_every_surrogate_is_covered():
    classes = {n for n in S.__all__ if n[0].isupper() and n != "Surrogate"}
    exported = {n for n in dir(S) if n[0].isupper() and n != "Surrogate"}
    assert classes == exported
    assert exported == set(CASES) == set(DEFAULTS) == set(FUNCTIONAL)


@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_is_heaviside(name):
    spike = CASES[name][0]
    out = spike(X)
    assert out.dtype == X.dtype
    assert np.array_equal(np.asarray(out), STEP)  # 1 at x == 0 too


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_is_the_formula(name):
    spike, formula = CASES[name]
    expected = formula(np.asarray(X, np.float64))
    grads = jax.vmap(jax.grad(spike))(X)
    assert np.allclose(np.asarray(grads), expected, rtol=1e-5, atol=1e-6)
    assert np.allclose(np.asarray(spike.surrogate_grad(X)), expected, rtol=1e-5, atol=1e-6)
    # Reverse mode through a sum, forward mode, and under jit agree.
    rev = jax.grad(lambda x: spike(x).sum())(X)
    fwd = jnp.diag(jax.jacfwd(spike)(X))
    jit = jax.jit(jax.grad(lambda x: (spike(x) * 2.0).sum()))(X) / 2.0
    for g in (rev, fwd, jit):
        assert np.allclose(np.asarray(g), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(set(CASES) - GRAD_ONLY))
def test_surrogate_function_derivative_is_the_gradient(name):
    spike = CASES[name][0]
    xs = jnp.array([-1.3, -0.8, -0.4, -0.1, 0.1, 0.4, 0.8, 1.3])  # away from kinks
    auto = jax.vmap(jax.grad(spike.surrogate_fun))(xs)
    assert np.allclose(np.asarray(auto), np.asarray(spike.surrogate_grad(xs)), atol=1e-5)
    if name != "SquarewaveFourierSeries":  # a truncated Fourier series ripples
        fun = np.asarray(spike.surrogate_fun(xs))
        assert np.all(np.diff(fun) >= -1e-6), "a surrogate function rises with x"


@pytest.mark.parametrize("name", sorted(GRAD_ONLY))
def test_gradient_only_surrogates_say_so(name):
    with pytest.raises(NotImplementedError, match="defines only a surrogate gradient"):
        CASES[name][0].surrogate_fun(X)


@pytest.mark.parametrize("name", sorted(CASES))
def test_brainpy_defaults_and_functional_form(name):
    cls = type(CASES[name][0])
    default = cls()
    fields = tuple(getattr(default, f) for f in default.__dataclass_fields__)
    assert fields == DEFAULTS[name]
    assert repr(default).startswith(f"{name}(") and "=" in repr(default)
    got = jax.grad(lambda x: FUNCTIONAL[name](x).sum())(X)
    want = jax.grad(lambda x: default(x).sum())(X)
    assert np.array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("dtype", [jnp.float16, jnp.bfloat16, jnp.float32])
def test_dtype_is_kept_in_value_and_gradient(dtype):
    x = X.astype(dtype)
    for spike, _ in CASES.values():
        assert spike(x).dtype == dtype
        assert jax.grad(lambda v: spike(v).sum())(x).dtype == dtype


def test_integer_and_boolean_inputs_become_float():
    assert S.Sigmoid()(jnp.array([-1, 0, 2])).tolist() == [0.0, 1.0, 1.0]
    assert S.Sigmoid()(jnp.array([True, False])).dtype == jnp.float32


def test_surrogates_are_hashable_static_modules():
    assert S.Sigmoid(4.0) == S.Sigmoid(4) and hash(S.Sigmoid(4.0)) == hash(S.Sigmoid(4))
    assert S.Sigmoid(4.0) != S.Sigmoid(3.0)
    assert jax.tree.leaves(S.MultiGaussianGrad()) == []
    f = jax.jit(lambda s, x: s(x))
    assert np.array_equal(np.asarray(f(S.Arctan(2.0), X)), STEP)


def test_trains_through_a_spiking_layer():
    class Layer(eqbrain.Module):
        w: eqbrain.TrainVar
        spike: S.Surrogate

        def __init__(self):
            super().__init__()
            self.w = eqbrain.TrainVar(jnp.full((3,), 0.5))
            self.spike = S.PiecewiseQuadratic(1.0)

        def __call__(self, x):
            return self.spike(self.w.value * x - 1.0)

    layer = Layer()
    loss = lambda x: ((layer(x) - 1.0) ** 2).sum()  # noqa: E731
    grads = eqbrain.grad(loss, grad_vars=layer.train_vars())(jnp.array([1.0, 1.5, 3.0]))
    # d/dw = 2 (s - 1) * surrogate'(w x - 1) * x; with w x - 1 = -0.5, -0.25, 0.5.
    v = np.array([-0.5, -0.25, 0.5])
    s = (v >= 0).astype(float)
    expected = 2 * (s - 1) * np.where(np.abs(v) > 1, 0, 1 - np.abs(v)) * np.array([1, 1.5, 3])
    assert np.allclose(np.asarray(list(grads.values())[0]), expected, atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(
    x=hnp.arrays(
        np.float32,
        hnp.array_shapes(max_dims=2, max_side=5),
        # XLA on CPU flushes subnormals to zero, so -6e-44 >= 0 there: normal floats only
        elements=st.floats(-4, 4, width=32, allow_subnormal=False),
    ),
    name=st.sampled_from(sorted(CASES)),
)
def test_gradient_matches_formula_for_any_input(x, name):
    spike, formula = CASES[name]
    g = jax.grad(lambda v: spike(v).sum())(jnp.asarray(x))
    assert np.allclose(np.asarray(g), formula(x.astype(np.float64)), rtol=1e-4, atol=1e-5)
    assert np.array_equal(np.asarray(spike(x)), (x >= 0).astype(np.float32))


def test_custom_surrogate_needs_a_gradient():
    class NoGrad(S.Surrogate):
        pass

    with pytest.raises(TypeError, match="abstract class NoGrad .*surrogate_grad"):
        NoGrad()  # pyright: ignore[reportAbstractUsage]


def test_custom_surrogate_with_a_gradient_is_built_and_trains():
    class Box(S.Surrogate):
        width: float = 0.5

        def surrogate_grad(self, x):
            return (jnp.abs(x) < self.width) / (2 * self.width)

    x = jnp.array([-1.0, -0.2, 0.3, 2.0])
    np.testing.assert_array_equal(Box()(x), [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_allclose(jax.grad(lambda v: Box()(v).sum())(x), [0.0, 1.0, 1.0, 0.0])
