"""Parity with BrainPy 2.8's tests of its pooling layers:
`brainpy/dnn/pooling_layers_test.py` (68 cases) and `pooling_coverage_test.py` (38).

- In scope (106): 105 pass; 1 `xfail` (eqbrain differs on purpose):
  `test_sequence_padding_not_tuples`: `MaxPool(..., padding=[1, 2])` is one int of
  padding per pooled axis in eqbrain, as for `MaxPool2d` (BrainPy's `MaxPool2d` takes
  it too, its `MaxPool` refuses it with an `AssertionError`).

BrainPy's `_adaptive_pool1d(x, target, op)` (23 cases call this private helper) is
`AdaptiveAvgPool1d(target, channel_axis=None)(x)` (or `AdaptiveMaxPool1d`) here: the
public layers pool with it, and the ports compare their outputs with BrainPy's layers'
outputs recorded by `tests/data/brainpy_dnn/generate.py`. BrainPy's `net(shared, x)`
with `shared = {'fit': False}` is `net(x)` inside `eqbrain.share.context(fit=False)`.
Where BrainPy's `MaxPool` refuses a padding with `AssertionError`
(`test_sequence_padding_bad_pair_length`), eqbrain raises a `ValueError` naming it.
The adaptive cases on large inputs (BrainPy's 128 x 64 x 32 x 16 and the like) use
inputs a few elements wide that keep what the case is about (which axes are pooled, a
spatial axis smaller than its target); the others keep BrainPy's sizes. Where BrainPy's
case only runs the layer, the port checks the output's shape and values (against NumPy,
or BrainPy's recording).
"""

from __future__ import annotations

import pathlib
import re

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dnn

DATA = np.load(pathlib.Path(__file__).parents[1] / "data" / "brainpy_dnn" / "dnn.npz")
NB = eqbrain.nonbatching_mode


def rand(*shape: int) -> np.ndarray:
    return np.random.standard_normal(shape).astype(np.float32)


def adaptive_reference(x: np.ndarray, axis: int, target: int, op) -> np.ndarray:
    """PyTorch's adaptive bins along `axis`, in NumPy: bin `i` covers
    `[floor(i n / target), ceil((i + 1) n / target))`."""
    n = x.shape[axis]
    edges = [((i * n) // target, -(-(i + 1) * n // target)) for i in range(target)]
    bins = [op(np.take(x, range(lo, hi), axis=axis), axis=axis) for lo, hi in edges]
    return np.stack(bins, axis=axis)


# -- pooling_layers_test.py: TestPool -----------------------------------------------------


@pytest.mark.parametrize("name", ["MaxPool", "MinPool"])
def test_max_and_min_pool(name):
    x = jnp.arange(9.0).reshape((1, 3, 3, 1))
    with eqbrain.training_environment():
        net = getattr(dnn, name)((2, 2), 1, channel_axis=-1)
    with eqbrain.share.context(fit=False):
        y = net(x)
    expected = [[4.0, 5.0], [7.0, 8.0]] if name == "MaxPool" else [[0.0, 1.0], [3.0, 4.0]]
    np.testing.assert_allclose(y, np.reshape(expected, (1, 2, 2, 1)))
    np.testing.assert_allclose(y, DATA[f"pool_{name}/y"])


def test_maxpool2():
    x = np.random.rand(10, 20, 20, 4).astype(np.float32)
    with eqbrain.training_environment():
        net = dnn.MaxPool((2, 2), (2, 2), channel_axis=-1)
    y = net(x)
    np.testing.assert_array_equal(y, x.reshape(10, 10, 2, 10, 2, 4).max(axis=(2, 4)))


def test_avgpool():
    with eqbrain.training_environment():
        net = dnn.AvgPool((2, 2), 1, channel_axis=-1)
    np.testing.assert_allclose(net(jnp.full((1, 3, 3, 1), 2.0)), np.full((1, 2, 2, 1), 2.0))
    np.testing.assert_allclose(net(DATA["pool_AvgPool/x"]), DATA["pool_AvgPool/y"])


POOL2D = [  # channel_axis, padding, BrainPy's shape for a (16, 32, 32, 8) input
    (-1, "VALID", (16, 16, 16, 8)),
    (None, "VALID", (16, 32, 16, 4)),
    (None, 1, (16, 32, 17, 5)),
    (None, (2, 1), (16, 32, 18, 5)),
    (-1, (1, 1), (16, 17, 17, 8)),
    (2, (1, 1), (16, 17, 32, 5)),
]


@pytest.mark.parametrize("name", ["MaxPool2d", "AvgPool2d"])
def test_pool2d_v1(name):
    arr = np.random.rand(16, 32, 32, 8).astype(np.float32)
    for channel_axis, padding, shape in POOL2D:
        out = getattr(dnn, name)(2, 2, channel_axis=channel_axis, padding=padding)(arr)
        assert out.shape == shape
    # the values of the first: the max (mean) of each 2 x 2 block
    blocks = arr.reshape(16, 16, 2, 16, 2, 8)
    want = blocks.max(axis=(2, 4)) if name == "MaxPool2d" else blocks.mean(axis=(2, 4))
    np.testing.assert_allclose(getattr(dnn, name)(2, 2)(arr), want, rtol=1e-6)


@pytest.mark.parametrize("target", [10, 9, 8, 7, 6])
def test_adaptive_pool1d(target):
    x = DATA[f"adaptive1d_Avg_100_{target}/x"]
    out = dnn.AdaptiveAvgPool1d(target, channel_axis=None)(x)
    assert out.shape == (target,)
    np.testing.assert_allclose(out, DATA[f"adaptive1d_Avg_100_{target}/y"], rtol=1e-5, atol=1e-6)


def test_adaptive_avg_pool2d_v1():
    x = rand(64, 8, 9)
    cases = [((5, 7), 0, (64, 5, 7)), ((2, 3), 0, (64, 2, 3)), ((2, 3), -1, (2, 3, 9))]
    cases += [((2, 3), 1, (2, 8, 3)), ((2, 3), None, (64, 2, 3))]
    for target, channel_axis, shape in cases:
        assert dnn.AdaptiveAvgPool2d(target, channel_axis=channel_axis)(x).shape == shape
    want = adaptive_reference(adaptive_reference(x, 0, 2, np.mean), 2, 3, np.mean)
    np.testing.assert_allclose(
        dnn.AdaptiveAvgPool2d((2, 3), channel_axis=1)(x), want, rtol=1e-5, atol=1e-6
    )


def test_adaptive_avg_pool2d_v2():  # BrainPy's input: (128, 64, 32, 16)
    x = rand(6, 4, 10, 9)
    cases = [((5, 7), 0, (6, 4, 5, 7)), ((2, 3), 0, (6, 4, 2, 3))]
    cases += [((2, 3), -1, (6, 2, 3, 9)), ((2, 3), 1, (6, 4, 2, 3))]
    for target, channel_axis, shape in cases:
        assert dnn.AdaptiveAvgPool2d(target, channel_axis=channel_axis)(x).shape == shape


def test_adaptive_avg_pool3d_v1():  # BrainPy's input: (10, 128, 64, 32)
    x = rand(3, 12, 10, 6)
    net = dnn.AdaptiveAvgPool3d(target_shape=[6, 5, 3], channel_axis=0, mode=NB)
    out = net(x)
    np.testing.assert_allclose(
        out, x.reshape(3, 6, 2, 5, 2, 3, 2).mean(axis=(2, 4, 6)), rtol=1e-5, atol=1e-6
    )


def test_adaptive_avg_pool3d_v2():  # BrainPy's input: (10, 20, 128, 64, 32)
    x = rand(2, 4, 12, 10, 3)
    net = dnn.AdaptiveAvgPool3d(target_shape=[6, 5, 3], mode=eqbrain.batching_mode)
    assert net(x).shape == (2, 6, 5, 3, 3)


def pooled_shape(shape: tuple[int, ...], axis: int, n: int, target: list[int]) -> tuple:
    """The shape after pooling the last `n` axes other than `axis` to `target`."""
    c = axis % len(shape)
    spatial = [a for a in range(len(shape)) if a != c][-n:]
    out = list(shape)
    for a, t in zip(spatial, target):
        out[a] = t
    return tuple(out)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_adaptive_max_pool1d_v1(axis):
    x = rand(32, 16)
    out = dnn.AdaptiveMaxPool1d(target_shape=4, channel_axis=axis)(x)
    assert out.shape == pooled_shape(x.shape, axis, 1, [4])
    pooled = 1 if axis % 2 == 0 else 0
    np.testing.assert_array_equal(out, adaptive_reference(x, pooled, 4, np.max))


@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_adaptive_max_pool1d_v2(axis):
    x = rand(2, 32, 16)
    out = dnn.AdaptiveMaxPool1d(target_shape=4, channel_axis=axis)(x)
    assert out.shape == pooled_shape(x.shape, axis, 1, [4])


@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_adaptive_max_pool2d_v1(axis):  # BrainPy's case builds an AdaptiveAvgPool2d
    x = rand(32, 16, 12)
    out = dnn.AdaptiveAvgPool2d(target_shape=[5, 4], channel_axis=axis)(x)
    assert out.shape == pooled_shape(x.shape, axis, 2, [5, 4])


@pytest.mark.parametrize("axis", [-1, 0, 1, 2, 3])
def test_adaptive_max_pool2d_v2(axis):  # BrainPy's case builds the layer only
    net = dnn.AdaptiveAvgPool2d(target_shape=[5, 4], channel_axis=axis)
    assert (net.target_shape, net.channel_axis) == ((5, 4), axis)
    x = rand(2, 7, 6, 5)  # BrainPy's input: (2, 32, 16, 12)
    assert net(x).shape == pooled_shape(x.shape, axis, 2, [5, 4])


@pytest.mark.parametrize("axis", [-1, 0, 1, 2, 3])
def test_adaptive_max_pool3d_v1(axis):  # BrainPy's input: (2, 128, 64, 32)
    case = f"adaptive3d_max_axis{axis}"
    out = dnn.AdaptiveMaxPool3d(target_shape=[6, 5, 4], channel_axis=axis)(DATA[f"{case}/x"])
    np.testing.assert_array_equal(out, DATA[f"{case}/y"])


@pytest.mark.parametrize("axis", [-1, 0, 1, 2, 3, 4])
def test_adaptive_max_pool3d_v2(axis):  # BrainPy's input: (2, 128, 64, 32, 16)
    x = rand(2, 9, 8, 7, 3)
    out = dnn.AdaptiveMaxPool3d(target_shape=[6, 5, 4], channel_axis=axis)(x)
    assert out.shape == pooled_shape(x.shape, axis, 3, [6, 5, 4])


# -- pooling_layers_test.py: TestPoolingChannelAxis ---------------------------------------


def test_maxpool2d_leftmost_negative_channel_axis():
    x = rand(6, 8, 8)
    out = dnn.MaxPool2d(2, channel_axis=-3)(x)
    assert out.shape == (6, 4, 4)
    np.testing.assert_array_equal(out, dnn.MaxPool2d(2, channel_axis=0)(x))


def test_adaptiveavgpool2d_leftmost_negative_channel_axis():
    x = rand(6, 8, 8)
    out = dnn.AdaptiveAvgPool2d((4, 4), channel_axis=-3)(x)
    np.testing.assert_allclose(
        out, x.reshape(6, 4, 2, 4, 2).mean(axis=(2, 4)), rtol=1e-5, atol=1e-6
    )


def test_pool_leftmost_negative_channel_axis():
    x = rand(6, 8, 8)
    out = dnn.MaxPool((2, 2), 2, channel_axis=-3)(x)
    np.testing.assert_array_equal(out, x.reshape(6, 4, 2, 4, 2).max(axis=(2, 4)))


# -- pooling_layers_test.py: TestAdaptivePool1d -------------------------------------------

SIZES = [(100, 6), (100, 7), (100, 10), (32, 4), (5, 5), (2, 6), (1, 4), (3, 8)]


@pytest.mark.parametrize("op", ["Avg", "Max"])
@pytest.mark.parametrize("size, target", SIZES)
def test_matches_pytorch_formula(size, target, op):
    case = f"adaptive1d_{op}_{size}_{target}"
    x = DATA[f"{case}/x"]
    got = getattr(dnn, f"Adaptive{op}Pool1d")(target, channel_axis=None)(x)
    assert got.shape == (target,)
    np.testing.assert_allclose(got, DATA[f"{case}/y"], atol=1e-5)
    want = adaptive_reference(x, 0, target, np.mean if op == "Avg" else np.max)
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_upsampling_repeats_elements():
    out = dnn.AdaptiveMaxPool1d(6, channel_axis=None)(jnp.asarray([10.0, 20.0]))
    np.testing.assert_array_equal(out, [10.0, 10.0, 10.0, 20.0, 20.0, 20.0])


def test_rejects_nonpositive_target():
    for target in (0, -2):
        with pytest.raises(ValueError, match=f"target_shape must be a positive int, got {target}"):
            dnn.AdaptiveAvgPool1d(target, channel_axis=None)


@pytest.mark.parametrize("axis", [-1, 0, 1, 2, 3])
def test_adaptivemaxpool3d_spatial_dim_smaller_than_target(axis):
    x = DATA[f"adaptive3d_max_axis{axis}/x"]  # (2, 7, 6, 5): BrainPy's is (2, 128, 64, 32)
    out = dnn.AdaptiveMaxPool3d(target_shape=[6, 5, 4], channel_axis=axis)(x)
    assert sorted(out.shape) == sorted([x.shape[axis], 6, 5, 4])
    assert bool(jnp.all(jnp.isfinite(out)))


# -- pooling_coverage_test.py: TestPoolInit, TestPoolInferShape ---------------------------


def test_invalid_str_padding():
    with pytest.raises(ValueError, match="MaxPool: padding must be 'SAME' or 'VALID', got 'BAD'"):
        dnn.MaxPool((2, 2), 1, padding="BAD", channel_axis=-1)


@pytest.mark.xfail(strict=True, reason="eqbrain's MaxPool takes one int of padding per axis")
def test_sequence_padding_not_tuples():
    with pytest.raises(ValueError, match="padding"):
        dnn.MaxPool((2, 2), 1, padding=[1, 2], channel_axis=-1)


def test_sequence_padding_bad_pair_length():
    with pytest.raises(ValueError, match=r"MaxPool: padding must be .*\(1, 2, 3\)"):
        dnn.MaxPool((2, 2), 1, padding=[(1, 2, 3), (1, 2, 3)], channel_axis=-1)


ONES = jnp.ones((1, 3, 3, 1))


def test_invalid_channel_axis():
    net = dnn.MaxPool((2, 2), 1, channel_axis=5, mode=NB)
    with pytest.raises(ValueError, match="channel_axis=5 is not an axis of an input with 4"):
        net(ONES)


@pytest.mark.parametrize(
    "kernel, channel_axis, mode",
    [
        ((2, 2, 2, 2, 2), -1, NB),  # test_window_bigger_than_input
        ((2, 2), None, eqbrain.batching_mode),  # ..._channel_axis_none_raises
        ((2, 2), -1, NB),  # test_size_provide_more_elements_raises
    ],
)
def test_window_does_not_fit_the_input(kernel, channel_axis, mode):
    net = dnn.MaxPool(kernel, 1, channel_axis=channel_axis, mode=mode)
    with pytest.raises(ValueError, match=re.escape(f"kernel_size={kernel!r} needs one entry")):
        net(ONES)


@pytest.mark.parametrize(
    "kernel, mode, x, shape",
    [
        ((1, 2, 2, 1), NB, ONES, (1, 2, 2, 1)),  # test_full_dimension_window
        ((2, 2), eqbrain.batching_mode, ONES, (1, 2, 2, 1)),  # ..._batching_mode_tuple_window
        (2, NB, jnp.ones((3, 3, 1)), (2, 2, 1)),  # test_int_window_nonbatching
        (2, eqbrain.batching_mode, ONES, (1, 2, 2, 1)),  # test_int_window_batching
    ],
)
def test_window_shapes(kernel, mode, x, shape):
    y = dnn.MaxPool(kernel, 1, channel_axis=-1, mode=mode)(x)
    assert y.shape == shape
    np.testing.assert_array_equal(y, 1.0)


# -- TestAvgPoolUpdate --------------------------------------------------------------------


def test_same_padding_window_counts():
    with eqbrain.training_environment():
        net = dnn.AvgPool((2, 2), 1, padding="SAME", channel_axis=-1)
    np.testing.assert_allclose(net(ONES), np.ones((1, 3, 3, 1)), rtol=1e-5, atol=1e-6)
    x = DATA["avgpool_same/x"]
    np.testing.assert_allclose(net(x), DATA["avgpool_same/y"], rtol=1e-5, atol=1e-6)


def test_valid_padding():
    with eqbrain.training_environment():
        net = dnn.AvgPool((2, 2), 1, padding="VALID", channel_axis=-1)
    np.testing.assert_allclose(net(jnp.full((1, 3, 3, 1), 2.0)), np.full((1, 2, 2, 1), 2.0))


# -- TestMaxPoolNdInit --------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(kernel_size=(2, 2, 2)), ValueError, r"kernel_size must be .* 2 ints, got \(2, 2, 2"),
        (dict(kernel_size=2.5), TypeError, "kernel_size must be an int or a sequence of 2 ints"),
        (dict(kernel_size=2, stride=(1, 1, 1)), ValueError, r"stride must be .*\(1, 1, 1\)"),
        (dict(kernel_size=2, stride=2.5), TypeError, "stride must be an int or a sequence"),
        (dict(kernel_size=2, padding="BAD"), ValueError, "padding must be 'SAME' or 'VALID'"),
        (dict(kernel_size=2, padding=[1, 2, 3]), ValueError, r"padding must .*\[1, 2, 3\]"),
        (dict(kernel_size=2, padding=[(1, 1), 2]), ValueError, r"padding must .*\[\(1, 1\), 2\]"),
        (dict(kernel_size=2, padding=[(1, 1, 1), (2, 2, 2)]), ValueError, "padding must"),
        (dict(kernel_size=2, padding=2.5), ValueError, "padding must .* got 2.5"),
    ],
)
def test_maxpool2d_refuses(kwargs, error, match):
    with pytest.raises(error, match="MaxPool2d: " + match):
        dnn.MaxPool2d(**kwargs)


@pytest.mark.parametrize(
    "padding, pairs",
    [(1, ((1, 1), (1, 1))), ([1, 2], ((1, 1), (2, 2))), ([(1, 2)], ((1, 2),) * 2)],
)
def test_maxpool2d_padding(padding, pairs):
    assert dnn.MaxPool2d(2, padding=padding).padding == pairs


# -- TestMaxPoolNdUpdate, TestPoolNdVariants ----------------------------------------------


@pytest.mark.parametrize("name", ["MaxPool1d", "AvgPool1d"])
def test_too_few_dimensions(name):
    with pytest.raises(ValueError, match=f"{name}.* needs an input with at least 2 axes, got 1"):
        getattr(dnn, name)(2, channel_axis=-1)(jnp.ones((3,)))


def test_infer_shape_invalid_channel_axis():
    with pytest.raises(ValueError, match="channel_axis=5 is not an axis of an input with 2"):
        dnn.MaxPool1d(2, channel_axis=5)(jnp.ones((4, 3)))


@pytest.mark.parametrize(
    "name, x, shape",
    [
        ("MaxPool1d", (4, 3), (2, 3)),
        ("MaxPool3d", (4, 4, 4, 2), (2, 2, 2, 2)),
        ("AvgPool1d", (4, 3), (3, 3)),
        ("AvgPool3d", (4, 4, 4, 2), (3, 3, 3, 2)),
    ],
)
def test_pool_nd_variants(name, x, shape):
    y = getattr(dnn, name)(2, channel_axis=-1)(jnp.ones(x))
    assert y.shape == shape
    np.testing.assert_array_equal(y, 1.0)


# -- TestAdaptivePool ---------------------------------------------------------------------


def test_target_shape_invalid():
    with pytest.raises(ValueError, match=r"AdaptiveAvgPool2d: target_shape .* got \(2, 3, 4\)"):
        dnn.AdaptiveAvgPool2d((2, 3, 4))


def test_adaptive_invalid_channel_axis():
    with pytest.raises(ValueError, match="channel_axis=5 is not an axis of an input with 3"):
        dnn.AdaptiveAvgPool2d((2, 3), channel_axis=5)(jnp.ones((4, 5, 6)))


def test_input_dim_too_small():
    net = dnn.AdaptiveAvgPool2d((2, 3), channel_axis=None)
    with pytest.raises(ValueError, match="needs an input with at least 2 axes, got 1"):
        net(jnp.ones((4,)))


@pytest.mark.parametrize(
    "name, target, channel_axis, x, shape",
    [
        ("AdaptiveAvgPool2d", (2, 3), None, (4, 8, 9), (4, 2, 3)),
        ("AdaptiveAvgPool1d", 3, -1, (8, 2), (3, 2)),
        ("AdaptiveMaxPool2d", (2, 3), -1, (8, 9, 2), (2, 3, 2)),
    ],
)
def test_adaptive_forward(name, target, channel_axis, x, shape):
    y = getattr(dnn, name)(target, channel_axis=channel_axis)(jnp.ones(x))
    assert y.shape == shape
    np.testing.assert_allclose(y, 1.0)
