"""`eqbrain.init`: BrainPy's initializers on `jax.nn.initializers`, their defaults and
statistics, the decay matrices, and `parameter`/`variable_`/`noise`."""

from __future__ import annotations

import math

import jax
import jax.nn.initializers as jinit
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import eqbrain
import eqbrain.init as I


def same(a, b) -> bool:
    return bool(jnp.array_equal(jnp.asarray(a), jnp.asarray(b)))


# -- built on jax.nn.initializers: the same draw for the same key ---------------------------

SEED = 3


def first_key():
    return eqbrain.random.RandomState(SEED).split_key()


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (I.KaimingUniform(seed=SEED), jinit.variance_scaling(2.0, "fan_in", "uniform")),
        (I.KaimingNormal(seed=SEED), jinit.variance_scaling(2.0, "fan_in", "truncated_normal")),
        (I.XavierUniform(seed=SEED), jinit.glorot_uniform()),
        (I.XavierNormal(seed=SEED), jinit.glorot_normal()),
        (I.LecunUniform(seed=SEED), jinit.lecun_uniform()),
        (I.LecunNormal(seed=SEED), jinit.lecun_normal()),
        (I.Orthogonal(2.0, axis=0, seed=SEED), jinit.orthogonal(2.0, column_axis=0)),
        (I.Normal(scale=0.3, seed=SEED), jinit.normal(0.3)),
        (I.Uniform(0.0, 0.5, seed=SEED), jinit.uniform(0.5)),
        (
            I.TruncatedNormal(scale=0.5, lower=-1.0, upper=1.0, seed=SEED),
            jinit.truncated_normal(0.5),
        ),
    ],
    ids=lambda x: type(x).__name__ if isinstance(x, I.Initializer) else "",
)
def test_draws_are_jax_nn_initializers_draws(ours, theirs):
    shape = (6, 5, 4)
    assert same(ours(shape), theirs(first_key(), shape, jnp.float32))


def test_shifted_normal_uniform_and_truncated_normal():
    k = first_key()
    assert same(I.Normal(2.0, 0.3, seed=SEED)(7), jinit.normal(0.3)(k, (7,)) + 2.0)
    assert same(I.Uniform(-1.0, 1.0, seed=SEED)(7), jinit.uniform(2.0)(k, (7,)) - 1.0)
    # Bounds in sample units: loc 1, scale 2, [0, 5] is [-0.5, 2] standard deviations.
    got = I.TruncatedNormal(1.0, 2.0, 0.0, 5.0, seed=SEED)(7)
    assert same(got, jinit.truncated_normal(2.0, lower=-0.5, upper=2.0)(k, (7,)) + 1.0)


def test_brainpy_default_scales():
    defaults = {
        I.KaimingUniform: (2.0, "fan_in", "uniform"),
        I.KaimingNormal: (2.0, "fan_in", "truncated_normal"),
        I.XavierUniform: (1.0, "fan_avg", "uniform"),
        I.XavierNormal: (1.0, "fan_avg", "truncated_normal"),
        I.LecunUniform: (1.0, "fan_in", "uniform"),
        I.LecunNormal: (1.0, "fan_in", "truncated_normal"),
    }
    for cls, (scale, mode, dist) in defaults.items():
        init = cls()
        assert (init.scale, init.mode, init.distribution) == (scale, mode, dist)
        assert (init.in_axis, init.out_axis) == (-2, -1)
    assert (I.Normal().mean, I.Normal().scale) == (0.0, 1.0)
    assert (I.Uniform().min_val, I.Uniform().max_val) == (0.0, 1.0)
    tn = I.TruncatedNormal()
    assert (tn.loc, tn.scale, tn.lower, tn.upper) == (0.0, 1.0, -2.0, 2.0)
    assert (I.Orthogonal().scale, I.Orthogonal().axis) == (1.0, -1)
    assert I.OneInit().value == 1.0 and I.Constant().value == 1.0 and I.Identity().value == 1.0


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["normal", "uniform", "truncated_normal"])
def test_variance_scaling_variance(mode, distribution):
    shape = (300, 200)
    fan = {"fan_in": 300, "fan_out": 200, "fan_avg": 250}[mode]
    w = I.VarianceScaling(2.0, mode, distribution, seed=0)(shape)
    assert w.var() == pytest.approx(2.0 / fan, rel=0.05)
    assert abs(float(w.mean())) < 0.01


def test_variance_scaling_fans_of_1d_and_0d_shapes_are_their_size():
    w = I.LecunNormal(seed=0)((20000,))
    assert w.shape == (20000,) and w.var() == pytest.approx(1.0 / 20000, rel=0.05)
    assert I.KaimingUniform(seed=0)(()).shape == ()


def test_seeded_initializers_repeat_and_advance():
    a, b = I.Normal(seed=10), I.Normal(seed=10)
    first = a(5)
    assert same(first, b(5))
    assert not same(first, a(5))  # the initializer's own generator moved on


def test_unseeded_initializers_follow_the_global_seed():
    eqbrain.random.seed(1)
    a = I.KaimingNormal()((4, 3))
    eqbrain.random.seed(1)
    assert same(a, I.KaimingNormal()((4, 3)))


def test_orthogonal_is_orthogonal_along_the_smaller_side():
    for shape, axis in [((8, 8), -1), ((5, 10), -1), ((10, 5), -1), ((6, 4, 3), 0)]:
        w = I.Orthogonal(scale=2.0, axis=axis, seed=0)(shape)
        m = np.moveaxis(np.asarray(w), axis, -1).reshape(-1, shape[axis])
        small = m if m.shape[0] >= m.shape[1] else m.T
        assert np.allclose(small.T @ small, 4.0 * np.eye(small.shape[1]), atol=1e-4)


def test_delta_orthogonal_is_zero_but_the_center():
    w = np.array(I.DeltaOrthogonal(seed=0)((4, 3, 5, 6)))
    center = w[1, 1]
    assert np.allclose(center @ center.T, np.eye(5), atol=1e-5)
    w[1, 1] = 0
    assert not w.any()


def test_gamma_and_exponential_statistics():
    g = I.Gamma(2.0, 3.0, seed=0)(20000)
    e = I.Exponential(2.0, seed=0)(20000)
    assert float(g.mean()) == pytest.approx(6.0, rel=0.05) and bool((g > 0).all())
    assert float(e.mean()) == pytest.approx(2.0, rel=0.05) and bool((e >= 0).all())


def test_truncated_normal_none_bounds_are_unbounded():
    w = I.TruncatedNormal(lower=None, upper=None, seed=0)(20000)
    assert float(jnp.abs(w).max()) > 2.5


@pytest.mark.parametrize("dtype", [jnp.float16, jnp.bfloat16, jnp.float32])
def test_dtype_is_kept(dtype):
    for init in [I.ZeroInit(), I.OneInit(), I.Identity(), I.Normal(), I.KaimingNormal()]:
        assert init((3, 3), dtype).dtype == dtype
    assert I.ZeroInit()((2,)).dtype == jnp.float32


def test_deterministic_values():
    assert same(I.ZeroInit()((2, 3)), jnp.zeros((2, 3)))
    assert same(I.OneInit(-1.0)(4), -jnp.ones(4))
    assert same(I.Constant(jnp.array([1.0, 2.0]))((3, 2)), jnp.tile(jnp.array([1.0, 2.0]), (3, 1)))
    assert same(I.Identity(2.0)(3), 2 * jnp.eye(3))
    assert same(I.Identity()((2, 3)), jnp.eye(2, 3))


def test_clip():
    w = I.Clip(I.Normal(seed=0), min=-0.5, max=0.5)(1000)
    assert float(w.min()) == -0.5 and float(w.max()) == 0.5


def test_shapes_accepted_like_brainpy():
    init = I.ZeroInit()
    assert init(5).shape == (5,)
    assert init([2, 3]).shape == (2, 3)
    assert init([(2, 3)]).shape == (2, 3)
    assert init(np.int64(4)).shape == (4,)


def test_calculate_gain():
    assert I.calculate_gain("conv2d") == 1.0 and I.calculate_gain("sigmoid") == 1.0
    assert I.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert I.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert I.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert I.calculate_gain("selu") == 0.75


# -- decay matrices -----------------------------------------------------------------------


def positions(shape):
    return np.stack(np.meshgrid(*[np.arange(n) for n in shape], indexing="ij"), -1).reshape(
        -1, len(shape)
    )


def test_gaussian_decay_formula_and_ordering():
    shape, sigma = (3, 4), 1.5
    p = positions(shape)
    d2 = ((p[:, None] - p[None]) ** 2).sum(-1)
    expected = 2.0 * np.exp(-d2 / (2 * sigma**2))
    expected[expected < 0.1] = 0
    w = I.GaussianDecay(sigma, max_w=2.0, min_w=0.1)(shape)
    assert np.allclose(np.asarray(w), expected, atol=1e-6)
    # Row-major numbering: neuron 5 of a (3, 4) grid is at (1, 1).
    assert np.allclose(np.asarray(w).reshape(12, 3, 4)[5, 1, 1], 2.0)


def test_gaussian_decay_periodic_and_no_self():
    w = np.asarray(I.GaussianDecay(1.0, 1.0, periodic_boundary=True, include_self=False)(8))
    assert np.allclose(np.diag(w), 0)
    assert w[0, 7] == pytest.approx(w[0, 1])  # 0 and 7 are neighbours on the ring
    enc = np.asarray(I.GaussianDecay(1.0, 1.0, encoding_values=(0.0, 16.0))(8))
    assert enc[0, 1] == pytest.approx(math.exp(-4 / 2))  # spacing 2 in value space


def test_dog_decay_formula_symmetry_and_normalization():
    shape = (3, 5)
    p = positions(shape)
    d2 = ((p[:, None] - p[None]) ** 2).sum(-1)
    raw = 1.0 * np.exp(-d2 / 2) - 0.7 * np.exp(-d2 / (2 * 2.5**2))
    w = np.asarray(I.DOGDecay((1.0, 2.5), (1.0, 0.7), min_w=0.0, normalize=False)(shape))
    assert np.allclose(w, raw, atol=1e-6) and np.allclose(w, w.T)
    n = np.asarray(I.DOGDecay((1.0, 2.5), (1.0, 0.7), min_w=0.0)(shape))
    assert np.allclose(n, raw / np.abs(raw).max(), atol=1e-6)


# -- parameter, variable_, noise ----------------------------------------------------------


def test_parameter():
    assert I.parameter(None, 3) is None
    assert I.parameter(2.5, 3) == 2.5
    assert I.parameter(I.OneInit(), (2, 3)).shape == (2, 3)
    assert I.parameter(np.ones(4), 4).shape == (4,)
    assert I.parameter(np.array(3.0), 4).shape == ()
    v = eqbrain.Variable(jnp.ones(3))
    assert I.parameter(v, 3) is v


def test_variable_with_batches_and_names():
    v = I.variable_(I.ZeroInit(), 4)
    assert isinstance(v, eqbrain.Variable) and v.shape == (4,) and v.batch_axis is None
    b = I.variable(I.OneInit(), 3, sizes=4, axis_names=["x"], batch_axis_name="batch")
    assert b.shape == (3, 4) and b.batch_axis == 0 and b.axis_names == ("batch", "x")
    r = I.variable(jnp.arange(4.0), 2, batch_axis=1)
    assert r.shape == (4, 2) and r.batch_axis == 1 and same(r.value[:, 1], jnp.arange(4.0))
    assert I.variable(jnp.zeros(2), True).shape == (1, 2)

    class BatchingMode:
        batch_size = 5

    class NonBatchingMode:
        batch_size = ()

    assert I.variable(I.ZeroInit(), BatchingMode(), sizes=2).shape == (5, 2)
    assert I.variable(I.ZeroInit(), NonBatchingMode(), sizes=2).shape == (2,)


def test_noise():
    assert I.noise(None, 3) is None
    fn = lambda *a: 1.0  # noqa: E731
    assert I.noise(fn, 3) is fn
    assert I.noise(0.5, 3)() == 0.5
    many = I.noise(jnp.ones(3), 3, num_vars=2, noise_idx=1)()
    assert many[0] is None and many[1].shape == (3,)


@settings(max_examples=10, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), batch=st.integers(1, 3)
)
def test_variable_batch_axis_round_trip(shape, batch):
    v = I.variable(I.Uniform(seed=0), batch, sizes=shape)
    assert v.shape == (batch, *shape) and v.batch_axis == 0
    again = I.variable(v.value[0], batch)
    assert same(again.value, jnp.repeat(v.value[:1], batch, axis=0))


# -- bad inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: I.VarianceScaling(1.0, "fan_x", "normal"), ValueError, "mode must be one of"),
        (lambda: I.VarianceScaling(1.0, "fan_in", "cauchy"), ValueError, "distribution must be"),
        (lambda: I.TruncatedNormal(scale=0.0), ValueError, "needs scale > 0"),
        (lambda: I.Identity()((2, 3, 4)), ValueError, "Identity builds 2-D weights"),
        (lambda: I.Identity()(1.5), ValueError, "int or a tuple of one or two ints"),  # pyright: ignore[reportArgumentType]
        (lambda: I.Orthogonal()((5,)), ValueError, "at least 2 axes"),
        (lambda: I.DeltaOrthogonal()((5, 5)), ValueError, "3-D, 4-D or 5-D"),
        (lambda: I.DeltaOrthogonal()((3, 5, 4)), ValueError, "fan_in <= fan_out"),
        (lambda: I.ZeroInit()((2, -1)), ValueError, "non-negative ints"),
        (lambda: I.ZeroInit()("3"), ValueError, "non-negative ints"),  # pyright: ignore[reportArgumentType]
        (lambda: I.calculate_gain("leaky_relu", True), ValueError, "negative_slope"),
        (lambda: I.calculate_gain("swish"), ValueError, "Unsupported nonlinearity"),
        (lambda: I.GaussianDecay(1.0, 1.0, encoding_values=(1.0,))(4), ValueError, "pair"),
        (
            lambda: I.GaussianDecay(1.0, 1.0, encoding_values=[(0, 1)] * 3)((2, 2)),
            ValueError,
            "pair",
        ),
        (lambda: I.parameter(None, 3, allow_none=False), ValueError, "but got None"),
        (lambda: I.parameter("x", 3), ValueError, "Unknown parameter type str"),
        (lambda: I.parameter(np.ones(4), 3), ValueError, r"should be \(3,\), but got \(4,\)"),
        (lambda: I.variable(I.ZeroInit(), None), ValueError, "`sizes` is needed"),
        (lambda: I.variable(jnp.ones(4), None, sizes=5), ValueError, "does not match sizes"),
        (lambda: I.variable(jnp.ones(4), object()), ValueError, "batch_or_mode must be"),
        (
            lambda: I.variable(jnp.ones(4), None, sizes=4, axis_names=["a", "b"]),
            ValueError,
            "one name",
        ),
    ],
)
def test_bad_inputs(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_failing_seeded_call_does_not_move_its_generator():
    init = I.Orthogonal(seed=0)
    before = init.rng.value
    with pytest.raises(ValueError):
        init((5,))
    assert same(init.rng.value, before)


def test_jit_and_grad_friendly():
    # Deterministic initializers work on traced shapes' values; random ones under
    # eqbrain.jit draw from the carried default key.
    eqbrain.random.seed(0)
    eager = I.Normal()((3,))
    eqbrain.random.seed(0)
    assert same(eqbrain.jit(lambda: I.Normal()((3,)))(), eager)
    assert jax.jit(lambda: I.Identity(2.0)(3))().shape == (3, 3)
