"""Parity with BrainPy 2.8's tests of its convolutions: `brainpy/dnn/conv_layers_test.py`
(13 cases) and `conv_coverage_test.py` (40 cases).

- Out of scope (3): `TestToDimensionNumbers` (2) tests `to_dimension_numbers`, a
  private helper with a channels-first branch (eqbrain's layers are channels last
  only), and `test_base_transpose_check_input_dim_not_implemented` (1) calls BrainPy's
  private base `_GeneralConvTranspose` directly to see it raise `NotImplementedError`.
- In scope (50): all pass. `TestGeneralConvBase` (3) drives BrainPy's private
  `_GeneralConv` with one spatial axis: here it is `Conv1d`, the public class on it.

BrainPy's cases mostly check shapes; each port checks the shape and, where the kernel is
`OneInit()`, the values against BrainPy's output recorded by
`tests/data/brainpy_dnn/generate.py` (BrainPy's `ConvTranspose2d/3d` cases only print
theirs). Where BrainPy raises, the port checks the error type and that the message
names the argument. A `mask` that does not fit the kernel is refused when the layer is
built (BrainPy's case builds it and fails at the first call; the port's check covers
both). BrainPy's `bm.training_environment()` is `eqbrain.training_environment()`. The
layers run eagerly on tiny arrays, a few shapes shared across cases; where only shapes
or argument parsing are checked, the kernel is `OneInit()` rather than BrainPy's default
`XavierNormal()` (whose draw is compiled once per kernel shape).
"""

from __future__ import annotations

import pathlib
import re
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dnn

DATA = np.load(pathlib.Path(__file__).parents[1] / "data" / "brainpy_dnn" / "dnn.npz")
ONE = eqbrain.init.OneInit()
NB = eqbrain.nonbatching_mode


def brainpy(case: str) -> np.ndarray:
    return DATA[f"{case}/y"]


# -- conv_layers_test.py: TestConv --------------------------------------------------------


def test_conv2d_img():
    # BrainPy's image is 200 x 198 with squares at 30 + 60 k: here a fifth of it
    img = np.zeros((2, 40, 38, 4), np.float32)
    for k in range(4):  # the fourth square lies outside the image, as in BrainPy's
        x, y = 6 + 12 * k, 4 + 12 * k
        img[0, x : x + 2, y : y + 2, k] = 1.0
        img[1, x : x + 4, y : y + 4, k] = 3.0
    with eqbrain.training_environment():
        net = dnn.Conv2d(4, 32, kernel_size=(3, 3), strides=(2, 1), padding="VALID", groups=4)
    out = net(img)
    assert out.shape == (2, 19, 36, 32)
    # groups=4: output channels 8k..8k+7 see input channel k only (the fourth: nothing)
    assert net.w.value.shape == (3, 3, 1, 32)
    seen = np.asarray(jnp.abs(out).sum(axis=(0, 1, 2)) > 0).reshape(4, 8)
    np.testing.assert_array_equal(seen, np.array([[1], [1], [1], [0]]).repeat(8, 1))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_conv_nd_training(n):
    with eqbrain.training_environment():
        model = getattr(dnn, f"Conv{n}d")(3, 32, kernel_size=(3,) * n, w_initializer=ONE)
    assert model.mode.is_batch_mode()
    out = model(jnp.ones((2,) + (5,) * n + (3,)))
    assert out.shape == (2,) + (5,) * n + (32,)
    # 'SAME': the centre sees the whole kernel of ones, 3 ** n taps of 3 channels
    np.testing.assert_allclose(out[(slice(None),) + (2,) * n], 3.0 ** (n + 1))


# -- conv_layers_test.py: TestConvTranspose1d/2d/3d ---------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3])
def test_conv_transpose_valid(n):
    x = jnp.ones((1,) + (8,) * n + (3,))
    for bias in (True, False):
        net = getattr(dnn, f"ConvTranspose{n}d")(
            3,
            4,
            (3,) * n,
            padding="VALID",
            w_initializer=ONE,
            b_initializer=ONE if bias else None,
            mode=eqbrain.training_mode,
        )
        assert net.w.value.shape == (3,) * n + (3, 4)
        y = net(x)
        assert y.shape == (1,) + (10,) * n + (4,)
        np.testing.assert_allclose(y, brainpy(f"ct{n}d_VALID_bias{int(bias)}"))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_conv_transpose_masked(n):
    mask = jnp.tril(jnp.ones((3,) * n + (3, 4)))
    kwargs: dict[str, Any] = dict(mode=eqbrain.training_mode)  # BrainPy's 2-D and 3-D cases
    if n == 1:
        kwargs = dict(b_initializer=ONE, mode=eqbrain.batching_mode)
    net = getattr(dnn, f"ConvTranspose{n}d")(
        3, 4, (3,) * n, padding="VALID", mask=mask, w_initializer=ONE, **kwargs
    )
    y = net(jnp.ones((1,) + (8,) * n + (3,)))
    # BrainPy's 2-D and 3-D cases keep the default zero bias; the recording has a bias of 1
    np.testing.assert_allclose(y + (n > 1), brainpy(f"ct{n}d_masked"))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_conv_transpose_padding_same(n):
    if n == 1:  # BrainPy's 1-D case: one channel, three steps
        for bias in (True, False):
            net = dnn.ConvTranspose1d(
                1, 1, 3, stride=1, padding="SAME", w_initializer=ONE,
                b_initializer=ONE if bias else None, mode=eqbrain.batching_mode,
            )  # fmt: skip
            out = net(jnp.ones((1, 3, 1)))
            assert out.shape == (1, 3, 1)
            np.testing.assert_allclose(out[0, :, 0], np.array([2.0, 3.0, 2.0]) + bias)
            np.testing.assert_allclose(out, brainpy(f"ct1d_same_1ch_bias{int(bias)}"))
        return
    x = jnp.ones((1,) + (8,) * n + (3,))
    for bias in (True, False):
        net = getattr(dnn, f"ConvTranspose{n}d")(
            3, 4, (3,) * n, stride=1, padding="SAME", w_initializer=ONE,
            b_initializer=ONE if bias else None, mode=eqbrain.training_mode,
        )  # fmt: skip
        y = net(x)
        assert y.shape == x.shape[:-1] + (4,)
        np.testing.assert_allclose(y, brainpy(f"ct{n}d_SAME_bias{int(bias)}"))


# -- conv_coverage_test.py: TestGeneralConvBase (on Conv1d) -------------------------------


@pytest.fixture(scope="module")
def conv1d() -> dnn.Conv1d:
    return dnn.Conv1d(2, 3, kernel_size=3, w_initializer=ONE, mode=NB)


def test_base_forward_nonbatching(conv1d):
    assert conv1d(jnp.ones((5, 2))).shape == (5, 3)
    assert "in_channels=2" in repr(conv1d)


def test_base_check_input_dim_bad_ndim(conv1d):
    with pytest.raises(ValueError, match=r"in_channels=2\), got shape \(2, 3, 4, 5\)"):
        conv1d(jnp.ones((2, 3, 4, 5)))


def test_base_check_input_dim_bad_channels(conv1d):
    with pytest.raises(ValueError, match=r"in_channels=2\), got shape \(5, 9\)"):
        conv1d(jnp.ones((5, 9)))


# -- TestConvPaddingParsing, TestConvTransposePaddingParsing ------------------------------

PADDINGS = [
    (2, ((2, 2), (2, 2))),
    ((1, 2), ((1, 2), (1, 2))),
    ([(1, 1)], ((1, 1), (1, 1))),
    ([(1, 1), (2, 2)], ((1, 1), (2, 2))),
]


@pytest.mark.parametrize("cls", ["Conv2d", "ConvTranspose2d"])
@pytest.mark.parametrize("padding, pairs", PADDINGS)
def test_padding_parsing(cls, padding, pairs):
    net = getattr(dnn, cls)(2, 3, kernel_size=3, padding=padding, w_initializer=ONE, mode=NB)
    assert net.padding == pairs


@pytest.mark.parametrize("cls", ["Conv2d", "ConvTranspose2d"])
@pytest.mark.parametrize("padding", [[(1, 1), (2, 2), (3, 3)], 3.5])
def test_padding_refused(cls, padding):
    with pytest.raises(
        ValueError, match=rf"{cls}: padding must be .* got {re.escape(repr(padding))}"
    ):
        getattr(dnn, cls)(2, 3, kernel_size=3, padding=padding, mode=NB)


# -- TestConvStrideDeprecation ------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3])
def test_strides_keyword(n):
    net = getattr(dnn, f"Conv{n}d")(2, 3, kernel_size=3, strides=2, w_initializer=ONE, mode=NB)
    assert net.stride == (2,) * n


@pytest.mark.parametrize("n", [1, 2, 3])
def test_stride_and_strides_both_raises(n):
    with pytest.raises(ValueError, match=f"Conv{n}d: give stride or strides"):
        getattr(dnn, f"Conv{n}d")(2, 3, kernel_size=3, stride=2, strides=2, mode=NB)


# -- TestConvForwardPaths, TestConvTransposeForwardPaths ----------------------------------


@pytest.mark.parametrize("cls", ["Conv1d", "ConvTranspose1d"])
@pytest.mark.parametrize("bias", [True, False])
def test_forward_nonbatching(cls, bias):
    kwargs: dict[str, Any] = {} if bias else {"b_initializer": None}
    if cls == "ConvTranspose1d" and bias:
        kwargs["padding"] = 1  # BrainPy's case: one step of padding on each side
    net = getattr(dnn, cls)(2, 3, kernel_size=3, w_initializer=ONE, mode=NB, **kwargs)
    assert (net.b is None) is not bias
    y = net(jnp.ones((5, 2)))
    assert y.shape == (5, 3)
    # a 3-tap kernel of ones over 2 channels of ones, the ends padded ('SAME' or 1 a side)
    np.testing.assert_allclose(y, np.array([[4.0], [6.0], [6.0], [6.0], [4.0]]).repeat(3, 1))


def test_conv2d_batched_no_bias():
    net = dnn.Conv2d(2, 3, 3, w_initializer=ONE, b_initializer=None, mode=eqbrain.batching_mode)
    assert net.b is None
    assert net(jnp.ones((1, 5, 5, 2))).shape == (1, 5, 5, 3)


@pytest.mark.parametrize("cls", ["Conv1d", "ConvTranspose1d"])
def test_with_mask(cls):
    mask = np.ones((3, 2, 3), np.float32)
    mask[:, :, 0] = 0.0  # output channel 0 sees nothing: shows the mask is applied
    net = getattr(dnn, cls)(2, 3, kernel_size=3, mask=mask, w_initializer=ONE, mode=NB)
    y = net(jnp.ones((5, 2)))
    assert y.shape == (5, 3)
    np.testing.assert_allclose(y[:, 0], 0.0)
    assert float(jnp.min(y[:, 1:])) > 0


@pytest.mark.parametrize("cls", ["Conv1d", "ConvTranspose1d"])
def test_mask_shape_mismatch_raises(cls):
    with pytest.raises(ValueError, match=rf"{cls}: mask of shape \(9, 9, 9, 9\)"):
        net = getattr(dnn, cls)(2, 3, 3, mask=jnp.ones((9, 9, 9, 9)), w_initializer=ONE, mode=NB)
        net(jnp.ones((5, 2)))


def test_base_transpose_repr():
    net = dnn.ConvTranspose1d(2, 3, kernel_size=3, w_initializer=ONE, mode=NB)
    assert "in_channels=2" in repr(net)


# -- TestConvCheckInputDim, TestConvTransposeCheckInputDim --------------------------------


@pytest.mark.parametrize("kind", ["Conv", "ConvTranspose"])
@pytest.mark.parametrize(
    "n, bad, chans", [(1, (2, 3, 4, 5), (5, 9)), (2, (2, 3), (5, 5, 9)), (3, (2, 3), (5, 5, 5, 9))]
)
def test_bad_ndim_and_channels(kind, n, bad, chans):
    net = getattr(dnn, f"{kind}{n}d")(2, 3, kernel_size=3, w_initializer=ONE, mode=NB)
    for shape in (bad, chans):
        with pytest.raises(
            ValueError, match=rf"in_channels=2\), got shape {re.escape(str(shape))}"
        ):
            net(jnp.ones(shape))
