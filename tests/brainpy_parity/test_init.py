"""BrainPy parity: `eqbrain.init` against what BrainPy 2.8's initializer tests check:
`brainpy/initialize/random_inits_test.py` (21 cases), `regular_inits_test.py` (15),
`decay_inits_test.py` (7), `random_inits_coverage_test.py` (41) and
`generic_coverage_test.py` (46): 130 cases.

Out of scope (19): the cases that call private helpers (`_compute_fans`,
`_format_shape`, `_is_scalar`, `_check_var`, `_check_none`: 11) and the `delay` helper
(8; delays belong to the dynamics layer). Where BrainPy raises `AssertionError` for a
bad argument, eqbrain raises `ValueError` with a message; BrainPy's comparisons with
`braintools.init` are made against the formulas it computes. BrainPy's modes are
stood in for by objects with its `batch_size` attribute (eqbrain reads only that).
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
import eqbrain.init as I


@pytest.fixture(autouse=True)
def _seeded():
    eqbrain.random.seed()


def is_array(x) -> bool:
    return isinstance(x, jax.Array)


class BatchingMode:
    def __init__(self, batch_size: int = 1):
        self.batch_size = batch_size


class NonBatchingMode:
    batch_size = ()


# -- random_inits_test.py ----------------------------------------------------------------


def test_normal_init1():
    for size in [(100,), (10, 20), (10, 20, 30)]:
        assert I.Normal()(size).shape == size


def test_normal_init2():
    for size in [(100,), (10, 20)]:
        assert I.Normal(scale=0.5)(size).shape == size


def test_normal_init3():
    a, b = I.Normal(scale=0.5, seed=10)((10,)), I.Normal(scale=0.5, seed=10)((10,))
    assert a.shape == (10,) and bool((a == b).all())


def test_uniform_init1():
    for size in [(100,), (10, 20), (10, 20, 30)]:
        assert I.Normal()(size).shape == size  # (BrainPy's case builds a Normal too)


def test_uniform_init2():
    for size in [(100,), (10, 20)]:
        assert I.Uniform(min_val=10, max_val=20)(size).shape == size


@pytest.mark.parametrize(
    "init",
    [
        I.VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal"),
        I.VarianceScaling(scale=2, mode="fan_out", distribution="normal"),
        I.VarianceScaling(2 / 4, "fan_avg", "uniform", in_axis=0, out_axis=1),
    ],
    ids=["test_var_scaling1", "test_var_scaling2", "test_var_scaling3"],
)
def test_var_scaling(init):
    for size in [(10, 20), (10, 20, 30)]:
        assert init(size).shape == size


NAMED = ["KaimingUniform", "KaimingNormal", "XavierUniform", "XavierNormal"]
NAMED += ["LecunUniform", "LecunNormal"]


@pytest.mark.parametrize(
    "name",
    NAMED,
    ids=[
        "test_kaiming_uniform_init",
        "test_kaiming_normal_init",
        "test_xavier_uniform_init",
        "test_xavier_normal_init",
        "test_lecun_uniform_init",
        "test_lecun_normal_init",
    ],
)
def test_named_variance_scaling(name):
    for size in [(10, 20), (10, 20, 30)]:
        assert getattr(I, name)()(size).shape == size


def test_orthogonal_init1():
    for size in [(20, 20), (10, 20, 30)]:
        assert I.Orthogonal()(size).shape == size


def test_orthogonal_init2():
    for size in [(10, 20), (10, 20, 30)]:
        assert I.Orthogonal(scale=2.0, axis=0)(size).shape == size


def test_delta_orthogonal_init1():
    for size in [(20, 20, 20), (10, 20, 30, 40), (50, 40, 30, 20, 20)]:
        assert I.DeltaOrthogonal()(size).shape == size


def test_default_bounds_do_not_crash():
    for size in [(100,), (10, 20)]:
        w = np.asarray(I.TruncatedNormal()(size))
        assert w.shape == size and np.abs(w).max() <= 2.0 + 1e-4


def test_explicit_none_bounds_are_unbounded():
    w = np.asarray(I.TruncatedNormal(lower=None, upper=None, scale=1.0)((10000,)))
    assert np.isfinite(w).all() and np.abs(w).max() > 2.0


def test_variance_scaling_inits_on_1d_shapes():
    for name in NAMED:
        assert getattr(I, name)()((6,)).shape == (6,)


# -- regular_inits_test.py ---------------------------------------------------------------


def test_zero_init():
    for size in [(100,), (10, 20), (10, 20, 30)]:
        w = I.ZeroInit()(size)
        assert w.shape == size and is_array(w)


def test_one_init():
    for size in [(100,), (10, 20), (10, 20, 30)]:
        for value in [0.0, 1.0, -1.0]:
            w = I.OneInit(value=value)(size)
            assert w.shape == size and bool((w == value).all())


def test_identity_init():
    for size in [(100,), (10, 20)]:
        for value in [0.0, 1.0, -1.0]:
            w = I.Identity(value=value)(size)
            assert w.shape == ((size[0], size[0]) if len(size) == 1 else size)
            assert is_array(w)


def test_scalar_value():
    w = I.Constant(value=3.0)((2, 4))
    assert w.shape == (2, 4) and bool((w == 3.0).all()) and is_array(w)


def test_array_value_broadcasts():
    w = I.Constant(value=np.array([1.0, 2.0, 3.0]))((4, 3))
    assert np.allclose(w, np.broadcast_to([1.0, 2.0, 3.0], (4, 3)))


def test_dtype_propagates():
    assert I.Constant(value=1.0)((2, 2), dtype=jnp.float16).dtype == np.float16


def test_values_and_dtype():
    w = I.ZeroInit()((3, 3), dtype=jnp.float16)
    assert bool((w == 0).all()) and w.dtype == np.float16 and is_array(w)


def test_default_is_ones():
    assert bool((I.OneInit()((2, 3)) == 1.0).all())


def test_values_1d_is_square_scaled():
    assert np.allclose(I.Identity(value=2.0)((3,)), np.eye(3) * 2.0)


def test_values_2d_rectangular():
    assert np.allclose(I.Identity(value=1.0)((2, 3)), np.eye(2, 3))


def test_more_than_2d_raises():
    with pytest.raises(ValueError, match="Identity builds 2-D weights"):
        I.Identity()((2, 3, 4))


def test_invalid_shape_type_raises():
    with pytest.raises(ValueError, match="int or a tuple"):
        I.Identity()(1.5)  # pyright: ignore[reportArgumentType]


# BrainPy's TestEquivalenceToBraintools, against the formulas braintools computes.


def test_equivalence_zero_init():
    for size in [(5,), (3, 4)]:
        assert np.allclose(I.ZeroInit()(size), np.zeros(size))


def test_equivalence_constant():
    for size in [(5,), (3, 4)]:
        assert np.allclose(I.Constant(2.5)(size), np.full(size, 2.5))


def test_equivalence_identity():
    for size in [(2, 3), (3, 3)]:
        assert np.allclose(I.Identity(1.5)(size), 1.5 * np.eye(*size))
    assert np.allclose(I.Identity(1.5)((4,)), 1.5 * np.eye(4))


# -- decay_inits_test.py -----------------------------------------------------------------


def n_of(size):
    return size if isinstance(size, int) else math.prod(size)


def test_gaussian_decay_init1():
    init = I.GaussianDecay(sigma=4, max_w=1.0)
    for size in [10, (10, 20), (10, 20, 30)]:
        w = init(size)
        assert w.shape == (n_of(size), n_of(size)) and is_array(w)


ENC = ((-math.pi, math.pi), (10, 20), (0, 2 * math.pi))


def test_gaussian_decay_init2():
    init = I.GaussianDecay(
        sigma=4,
        max_w=1.0,
        min_w=0.1,
        periodic_boundary=True,
        encoding_values=ENC,
        include_self=False,
        normalize=True,
    )
    w = init((10, 20, 30))
    assert w.shape == (6000, 6000) and is_array(w)


def test_dog_decay_init1():
    init = I.DOGDecay(sigmas=(1.0, 2.5), max_ws=(1.0, 0.7))
    for size in [10, (10, 20), (10, 20, 30)]:
        assert init(size).shape == (n_of(size), n_of(size))


def test_dog_decay_init2():
    init = I.DOGDecay(
        sigmas=(1.0, 2.5),
        max_ws=(1.0, 0.7),
        min_w=0.1,
        periodic_boundary=True,
        encoding_values=ENC,
        include_self=False,
        normalize=True,
    )
    assert init((10, 20, 30)).shape == (6000, 6000)


def test_dog_decay3():
    w = I.DOGDecay(sigmas=(1.0, 3.0), max_ws=(10.0, 5.0), min_w=0.1, include_self=True)((10, 12))
    assert w.shape == (120, 120)
    assert w[:, 3 * 12 + 4].reshape((10, 12)).shape == (10, 12)  # BrainPy plots this column


def test_symmetric_on_rectangular_grids():
    init = I.DOGDecay((1.0, 2.5), (1.0, 0.7), min_w=0.0, normalize=False, include_self=True)
    for size in [(3, 5), (2, 6), (4, 3)]:
        w = np.asarray(init(size))
        assert np.abs(w - w.T).max() < 1e-5


def test_normalize_flag_scales_peak_to_unity():
    common: dict[str, Any] = dict(
        sigmas=(1.0, 2.5), max_ws=(1.0, 0.7), min_w=0.0, include_self=True
    )
    raw = np.asarray(I.DOGDecay(normalize=False, **common)((5, 5)))
    norm = np.asarray(I.DOGDecay(normalize=True, **common)((5, 5)))
    peak = np.abs(raw).max()
    assert peak > 0 and abs(peak - 1.0) > 1e-3
    assert np.abs(norm).max() == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(norm, raw / peak, atol=1e-5)


# -- random_inits_coverage_test.py ---------------------------------------------------------


@pytest.mark.parametrize(
    "name, param, gain",
    [
        ("linear_family", None, 1.0),
        ("tanh", None, 5.0 / 3),
        ("relu", None, math.sqrt(2.0)),
        ("leaky_relu_default", None, math.sqrt(2.0 / (1 + 0.01**2))),
        ("leaky_relu_with_param", 0.2, math.sqrt(2.0 / (1 + 0.2**2))),
        ("leaky_relu_int_param", 0, math.sqrt(2.0)),
        ("selu", None, 3.0 / 4),
    ],
)
def test_calculate_gain(name, param, gain):
    if name == "linear_family":
        names = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d"]
        names += ["conv_transpose2d", "conv_transpose3d", "sigmoid"]
        assert all(I.calculate_gain(n) == 1 for n in names)
        return
    nonlinearity = name.split("_default")[0].split("_with")[0].split("_int")[0]
    assert I.calculate_gain(nonlinearity, param) == pytest.approx(gain)


@pytest.mark.parametrize(
    "args",
    [("leaky_relu", "bad"), ("leaky_relu", True), ("does-not-exist", None)],
    ids=["leaky_relu_bad_param_raises", "leaky_relu_bool_param_raises", "unsupported_raises"],
)
def test_calculate_gain_raises(args):
    with pytest.raises(ValueError):
        I.calculate_gain(*args)


def test_gamma_shape():
    out = I.Gamma(shape=2.0, scale=1.0, seed=1)((3, 4))
    assert out.shape == (3, 4) and bool((out > 0).all())


def test_exponential_shape():
    out = I.Exponential(scale=2.0, seed=1)((3, 4))
    assert out.shape == (3, 4) and bool((out >= 0).all())


def test_truncated_normal_shape_and_bounds():
    out = I.TruncatedNormal(loc=0.0, scale=1.0, lower=-2.0, upper=2.0, seed=1)((200,))
    assert out.shape == (200,) and bool(((out >= -2) & (out <= 2)).all())


def test_scale_must_be_positive():
    with pytest.raises(ValueError, match="scale > 0"):
        I.TruncatedNormal(scale=-1.0)


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        (I.Gamma, {"shape": 2.0}),
        (I.Exponential, {}),
        (I.TruncatedNormal, {}),
        (I.VarianceScaling, {"scale": 1.0, "mode": "fan_in", "distribution": "normal"}),
        (I.Normal, {}),
        (I.Uniform, {}),
        (I.Orthogonal, {}),
        (I.DeltaOrthogonal, {}),
    ],
    ids=[
        "gamma_repr",
        "exponential_repr",
        "truncated_normal_repr",
        "variance_scaling_repr",
        "normal_repr",
        "uniform_repr",
        "orthogonal_repr",
        "delta_orthogonal_repr",
    ],
)
def test_repr(cls, kwargs):
    assert cls.__name__ in repr(cls(**kwargs))


def test_bad_mode_assert():
    with pytest.raises(ValueError, match="mode must be"):
        I.VarianceScaling(1.0, "bad-mode", "normal")


def test_bad_distribution_assert():
    with pytest.raises(ValueError, match="distribution must be"):
        I.VarianceScaling(1.0, "fan_in", "bad-dist")


def test_all_modes_run():
    for mode in ["fan_in", "fan_out", "fan_avg"]:
        assert I.VarianceScaling(2.0, mode, "normal")((6, 8)).shape == (6, 8)


def test_all_distributions_run():
    for dist in ["truncated_normal", "normal", "uniform"]:
        assert I.VarianceScaling(2.0, "fan_in", dist)((6, 8)).shape == (6, 8)


def test_uniform_bounds():
    out = I.Uniform(min_val=10.0, max_val=20.0)((500,))
    assert bool(((out >= 10) & (out <= 20)).all())


def test_subclasses_run():
    for name in NAMED:
        assert getattr(I, name)()((6, 8)).shape == (6, 8)


def test_orthogonal_square():
    out = I.Orthogonal()((8, 8))
    assert out.shape == (8, 8) and bool(jnp.allclose(out.T @ out, jnp.eye(8), atol=1e-4))


@pytest.mark.parametrize(
    "shape, kwargs",
    [((5, 10), {"axis": -1}), ((10, 5), {"axis": -1}), ((6, 6), {"scale": 2.0, "axis": 0})],
    ids=["tall_matrix_nrows_gt_ncols", "wide_matrix_nrows_lt_ncols", "scaled"],
)
def test_orthogonal_shapes(shape, kwargs):
    assert I.Orthogonal(**kwargs)(shape).shape == shape


def test_delta_orthogonal_3d_4d_5d():
    for shape in [(3, 4, 8), (3, 3, 4, 8), (3, 3, 3, 4, 8)]:
        assert I.DeltaOrthogonal()(shape).shape == shape


def test_delta_orthogonal_bad_ndim_raises():
    with pytest.raises(ValueError, match="3-D, 4-D or 5-D"):
        I.DeltaOrthogonal()((5, 5))


def test_delta_orthogonal_fan_in_gt_fan_out_raises():
    with pytest.raises(ValueError, match="fan_in <= fan_out"):
        I.DeltaOrthogonal()((3, 5, 4))


# -- generic_coverage_test.py --------------------------------------------------------------


def test_parameter_none_allowed():
    assert I.parameter(None, (3,), allow_none=True) is None


def test_parameter_none_not_allowed_raises():
    with pytest.raises(ValueError, match="got None"):
        I.parameter(None, (3,), allow_none=False)


def test_parameter_scalar_returned_directly():
    assert I.parameter(2.5, (3,)) == 2.5
    assert I.parameter(7, (3,)) == 7
    assert I.parameter(True, (3,)) is True


def test_parameter_scalar_disallowed_falls_through_to_error():
    with pytest.raises(ValueError):
        I.parameter(2.5, (3,), allow_scalar=False)


def test_parameter_callable_initializer():
    assert I.parameter(I.Normal(), (4,)).shape == (4,)


def test_parameter_numpy_array_matching_shape():
    assert I.parameter(np.ones((2, 3)), (2, 3)).shape == (2, 3)


def test_parameter_jnp_array_matching_shape():
    assert I.parameter(jnp.ones((5,)), (5,)).shape == (5,)


def test_parameter_scalar_shaped_array_returned():
    assert I.parameter(np.array(3.0), (4,)).shape == ()
    assert I.parameter(np.array([3.0]), (4,)).shape == (1,)


def test_parameter_bm_array_passthrough():
    assert I.parameter(jnp.ones((2, 3)), (2, 3)).shape == (2, 3)


def test_parameter_variable_passthrough():
    v = eqbrain.Variable(jnp.ones((2, 3)))
    assert I.parameter(v, (2, 3)) is v


def test_parameter_unknown_type_raises():
    with pytest.raises(ValueError, match="Unknown parameter type"):
        I.parameter("not-a-param", (3,), allow_scalar=False)


def test_parameter_shape_mismatch_raises():
    with pytest.raises(ValueError, match="should be"):
        I.parameter(np.ones((4,)), (3,), allow_scalar=False)


@pytest.mark.parametrize(
    "batch, shape",
    [
        (None, (4,)),
        (False, (4,)),
        (3, (3, 4)),
        (NonBatchingMode(), (4,)),
        (BatchingMode(5), (5, 4)),
    ],
    ids=[
        "callable_none_batch",
        "callable_false_batch",
        "callable_int_batch",
        "callable_nonbatching_mode",
        "callable_batching_mode",
    ],
)
def test_variable_callable(batch, shape):
    v = I.variable(jnp.zeros, batch, sizes=(4,))
    assert isinstance(v, eqbrain.Variable) and v.shape == shape


def test_variable_callable_unknown_mode_raises():
    with pytest.raises(ValueError, match="batch_or_mode must be"):
        I.variable(jnp.zeros, object(), sizes=(4,))


def test_variable_callable_none_sizes_raises():
    with pytest.raises(ValueError, match="`sizes` is needed"):
        I.variable(jnp.zeros, None, sizes=None)


def test_variable_axis_names_no_batch():
    assert I.variable(jnp.zeros, None, sizes=(4,), axis_names=["x"]).shape == (4,)


def test_variable_axis_names_with_batch_inserts_name():
    v = I.variable(jnp.zeros, 2, sizes=(4,), axis_names=["x"], batch_axis_name="b")
    assert v.shape == (2, 4) and v.axis_names == ("b", "x")


@pytest.mark.parametrize(
    "batch, shape",
    [
        (None, (4,)),
        (False, (4,)),
        (3, (3, 4)),
        (NonBatchingMode(), (4,)),
        (BatchingMode(3), (3, 4)),
    ],
    ids=[
        "data_none_batch",
        "data_false_batch",
        "data_int_batch_repeats",
        "data_nonbatching_mode",
        "data_batching_mode_repeats",
    ],
)
def test_variable_data(batch, shape):
    assert I.variable(jnp.ones((4,)), batch, batch_axis=0).shape == shape


def test_variable_data_unknown_mode_raises():
    with pytest.raises(ValueError, match="batch_or_mode must be"):
        I.variable(jnp.ones((4,)), object())


def test_variable_data_shape_mismatch_raises():
    with pytest.raises(ValueError, match="does not match"):
        I.variable(jnp.ones((4,)), None, sizes=(5,))


def test_variable_data_shape_match_ok():
    assert I.variable(jnp.ones((4,)), None, sizes=(4,)).shape == (4,)


def test_variable_underscore_delegates():
    v = I.variable_(jnp.zeros, sizes=(4,))
    assert isinstance(v, eqbrain.Variable) and v.shape == (4,)


def test_noise_none():
    assert I.noise(None, (3,)) is None


def test_noise_callable_returned_directly():
    def f(*a, **k):
        return 1.0

    assert I.noise(f, (3,)) is f


def test_noise_scalar_returns_callable():
    nf = I.noise(0.5, (3,))
    assert callable(nf) and nf() == 0.5


def test_noise_array_multi_vars():
    res = I.noise(jnp.ones((3,)), (3,), num_vars=2, noise_idx=1)()
    assert isinstance(res, tuple) and len(res) == 2 and res[0] is None and res[1].shape == (3,)
