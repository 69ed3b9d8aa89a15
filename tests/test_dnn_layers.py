"""eqbrain.dnn layers compute what Equinox's layers (and Flax's, when installed) compute on
the same weights, channels last where BrainPy is; the activation functions are jax.nn's
or BrainPy's formulas."""

from __future__ import annotations

from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dnn

KEY = jax.random.key(0)
TOL: dict[str, Any] = dict(rtol=1e-5, atol=1e-5)


def _normal(shape, seed=0):
    """Test data from NumPy: drawing with jax.random compiles once per shape."""
    return jnp.asarray(np.random.default_rng(seed).standard_normal(shape), jnp.float32)


def _eqx(cls, *args, **kwargs):
    """An Equinox layer's structure without drawing its weights (they are replaced)."""
    return eqx.filter_eval_shape(cls, *args, key=KEY, **kwargs)


def _channels_first(x):
    return jnp.moveaxis(x, -1, 0)


def _channels_last(x):
    return jnp.moveaxis(x, 0, -1)


def test_dense_equals_eqx_linear_on_the_same_weights():
    layer = dnn.Dense(3, 4, W_initializer=_normal((3, 4), 1), b_initializer=_normal((4,), 2))
    ref = _eqx(eqx.nn.Linear, 3, 4)
    assert layer.b is not None
    ref = eqx.tree_at(lambda m: (m.weight, m.bias), ref, (layer.W.value.T, layer.b.value))
    x = _normal((5, 3))
    np.testing.assert_allclose(layer(x), jax.vmap(ref)(x), **TOL)
    np.testing.assert_allclose(layer(x[0]), ref(x[0]), **TOL)
    assert isinstance(layer.W, eqbrain.TrainVar) and isinstance(layer.b, eqbrain.TrainVar)
    assert dnn.Linear is dnn.Dense


def test_dense_without_bias_and_with_given_weights():
    W = np.arange(6.0).reshape(2, 3)
    layer = dnn.Dense(2, 3, W_initializer=W, b_initializer=None)
    assert layer.b is None
    np.testing.assert_allclose(layer(jnp.ones(2)), W.sum(0))


def test_dense_initializes_with_brainpys_defaults_from_eqbrain_random():
    eqbrain.random.seed(7)
    a = dnn.Dense(20, 30)
    eqbrain.random.seed(7)
    b = dnn.Dense(20, 30)
    np.testing.assert_array_equal(a.W.value, b.W.value)  # drawn from eqbrain.random
    assert a.b is not None
    np.testing.assert_array_equal(a.b.value, np.zeros(30))
    std = float(np.std(np.asarray(a.W.value)))
    assert 0.5 * np.sqrt(2 / 50) < std < 1.5 * np.sqrt(2 / 50)  # XavierNormal's scale


@pytest.mark.parametrize(
    "n, kwargs",
    [
        (1, dict(kernel_size=3, padding="SAME")),
        (1, dict(kernel_size=3, stride=2, padding="VALID", rhs_dilation=2)),
        (2, dict(kernel_size=(3, 2), stride=(2, 1), padding=1)),
        (2, dict(kernel_size=3, padding="VALID", groups=2)),
        (3, dict(kernel_size=2, padding="VALID")),
    ],
)
def test_conv_equals_eqx_conv_on_the_same_weights(n, kwargs):
    cls = {1: dnn.Conv1d, 2: dnn.Conv2d, 3: dnn.Conv3d}[n]
    k = kwargs["kernel_size"]
    k = (k,) * n if isinstance(k, int) else k
    g = kwargs.get("groups", 1)
    w0, b0 = _normal((*k, 4 // g, 6), 1), _normal((1,) * n + (6,), 2)
    layer = cls(4, 6, w_initializer=w0, b_initializer=b0, **kwargs)
    w = layer.w.value  # (*kernel, in // groups, out)
    eqx_padding = kwargs.get("padding", "SAME")
    eqx_padding = eqx_padding if isinstance(eqx_padding, str) else kwargs["padding"]
    ref = _eqx(
        eqx.nn.Conv,
        n,
        4,
        6,
        kwargs["kernel_size"],
        stride=kwargs.get("stride", 1),
        padding=eqx_padding,
        dilation=kwargs.get("rhs_dilation", 1),
        groups=kwargs.get("groups", 1),
    )
    weight = jnp.moveaxis(w, (n + 1, n), (0, 1))  # (out, in // groups, *kernel)
    bias = layer.b.value.reshape(6, *(1,) * n)
    ref = eqx.tree_at(lambda m: (m.weight, m.bias), ref, (weight, bias))
    x = _normal((2, *(7,) * n, 4))
    want = jax.vmap(lambda s: _channels_last(ref(_channels_first(s))))(x)
    np.testing.assert_allclose(layer(x), want, **TOL)
    np.testing.assert_allclose(layer(x[0]), want[0], **TOL)  # unbatched input


def test_conv_mask_and_lhs_dilation_reach_lax():
    mask = np.zeros((3, 3, 2, 2), bool)
    mask[1, 1] = True
    w0 = _normal((3, 3, 2, 2), 1)
    layer = dnn.Conv2d(2, 2, 3, mask=mask, lhs_dilation=2, padding="VALID", w_initializer=w0)
    x = _normal((1, 5, 5, 2))
    want = jax.lax.conv_general_dilated(
        x,
        layer.w.value * mask,
        (1, 1),
        ((0, 0), (0, 0)),
        lhs_dilation=(2, 2),
        dimension_numbers=("NHWC", "HWIO", "NHWC"),
    )
    np.testing.assert_allclose(layer(x), want + layer.b.value, **TOL)  # type: ignore[union-attr]
    assert isinstance(layer.mask, eqbrain.Parameter)
    assert "mask" not in " ".join(layer.train_vars().keys())


@pytest.mark.parametrize("n", [1, 2, 3])
def test_conv_transpose_equals_eqx_conv_transpose_on_the_same_weights(n):
    cls = {1: dnn.ConvTranspose1d, 2: dnn.ConvTranspose2d, 3: dnn.ConvTranspose3d}[n]
    w0 = _normal((*(3,) * n, 3, 2), 1)
    layer = cls(3, 2, 3, stride=2, padding="VALID", w_initializer=w0, b_initializer=None)
    ref = _eqx(eqx.nn.ConvTranspose, n, 3, 2, 3, stride=2, padding=0, use_bias=False)
    # (*kernel, in, out) -> (out, in, *kernel); neither flips the kernel.
    weight = jnp.moveaxis(layer.w.value, (n + 1, n), (0, 1))
    ref = eqx.tree_at(lambda m: m.weight, ref, weight)
    x = _normal((2, *(4,) * n, 3))
    want = jax.vmap(lambda s: _channels_last(ref(_channels_first(s))))(x)
    np.testing.assert_allclose(layer(x), want, **TOL)


def test_pooling_nd_equals_eqx_pooling():
    x = _normal((2, 8, 6, 3))
    for ours, theirs in [
        (dnn.MaxPool2d(2), eqx.nn.MaxPool2d(2, stride=2)),
        (dnn.AvgPool2d(2, 2), eqx.nn.AvgPool2d(2, stride=2)),
        (dnn.AvgPool2d(3), eqx.nn.AvgPool2d(3, stride=1)),  # BrainPy's default stride 1
    ]:
        want = jax.vmap(lambda s, f=theirs: _channels_last(f(_channels_first(s))))(x)
        np.testing.assert_allclose(ours(x), want, **TOL)
    x1 = _normal((2, 9, 3))
    want = jax.vmap(lambda s: _channels_last(eqx.nn.MaxPool1d(3, 3)(_channels_first(s))))(x1)
    np.testing.assert_allclose(dnn.MaxPool1d(3)(x1), want, **TOL)
    x3 = _normal((1, 4, 4, 4, 2))
    want = jax.vmap(lambda s: _channels_last(eqx.nn.AvgPool3d(2, 2)(_channels_first(s))))(x3)
    np.testing.assert_allclose(dnn.AvgPool3d(2, 2)(x3), want, **TOL)


def test_avg_pool_with_padding_averages_the_real_elements_only():
    x = jnp.ones((1, 4, 4, 1))
    np.testing.assert_allclose(dnn.AvgPool2d(3, 1, padding=1)(x), 1.0)  # edges included
    np.testing.assert_allclose(dnn.MaxPool2d(3, 1, padding="SAME")(-x), -1.0)


def test_generic_pools_skip_the_batch_and_channel_axes():
    x = _normal((2, 4, 6, 3))
    batched = dnn.MaxPool(2, 2, channel_axis=-1, mode=eqbrain.batching_mode)
    np.testing.assert_allclose(batched(x), dnn.MaxPool2d(2)(x), **TOL)
    single = dnn.MinPool((2, 3), (2, 3), channel_axis=-1)  # one sample, no batch axis
    np.testing.assert_allclose(single(x[0]), -dnn.MaxPool2d((2, 3))(-x[0]), **TOL)
    avg = dnn.AvgPool((1, 2, 2, 1), (1, 2, 2, 1))  # one entry per axis
    np.testing.assert_allclose(avg(x), dnn.AvgPool2d(2, 2)(x), **TOL)


def _torch_adaptive(x, target, how):
    """PyTorch's adaptive bins along axis 0 (the reference, written with NumPy)."""
    n = x.shape[0]
    return np.stack(
        [how(x[(i * n) // target : -(-((i + 1) * n) // target)], axis=0) for i in range(target)]
    )


def test_adaptive_pools_use_pytorchs_bins_and_equal_eqx_when_the_bins_are_even():
    x = _normal((2, 8, 6, 3))
    want = jax.vmap(
        lambda s: _channels_last(eqx.nn.AdaptiveAvgPool2d((4, 3))(_channels_first(s)))
    )(x)
    np.testing.assert_allclose(dnn.AdaptiveAvgPool2d((4, 3))(x), want, **TOL)
    want = jax.vmap(lambda s: _channels_last(eqx.nn.AdaptiveMaxPool2d(2)(_channels_first(s))))(x)
    np.testing.assert_allclose(dnn.AdaptiveMaxPool2d(2)(x), want, **TOL)
    # Uneven bins: 7 -> 3 gives [0, 3), [2, 5), [4, 7), overlapping as in PyTorch.
    y = np.asarray(_normal((7, 2)))
    np.testing.assert_allclose(dnn.AdaptiveAvgPool1d(3)(y), _torch_adaptive(y, 3, np.mean), **TOL)
    np.testing.assert_allclose(dnn.AdaptiveMaxPool1d(5)(y), _torch_adaptive(y, 5, np.max))
    z = _normal((1, 5, 5, 5, 1))
    assert dnn.AdaptiveAvgPool3d(2)(z).shape == (1, 2, 2, 2, 1)


def test_layer_norm_and_group_norm_equal_eqx():
    x = _normal((3, 5, 4))
    ln = dnn.LayerNorm((5, 4), scale_initializer=_normal((5, 4), 1))
    ref = eqx.nn.LayerNorm((5, 4))
    ref = eqx.tree_at(lambda m: (m.weight, m.bias), ref, (ln.scale.value, ln.bias.value))  # type: ignore[union-attr]
    np.testing.assert_allclose(ln(x), jax.vmap(ref)(x), **TOL)
    gn = dnn.GroupNorm(2, 4, bias_initializer=_normal((4,), 1))
    ref = eqx.nn.GroupNorm(2, 4)
    ref = eqx.tree_at(lambda m: (m.weight, m.bias), ref, (gn.scale.value, gn.bias.value))  # type: ignore[union-attr]
    want = jax.vmap(lambda s: _channels_last(ref(_channels_first(s))))(x)
    np.testing.assert_allclose(gn(x), want, **TOL)
    inst = dnn.InstanceNorm(4)
    ref = eqx.nn.GroupNorm(4, 4)
    want = jax.vmap(lambda s: _channels_last(ref(_channels_first(s))))(x)
    np.testing.assert_allclose(inst(x), want, **TOL)


def test_batch_norm_training_output_equals_eqx_batch_mode():
    x = _normal((6, 5, 3))
    bn = dnn.BatchNorm1d(3, scale_initializer=_normal((3,), 1))
    ref = eqx.nn.BatchNorm(3, "batch", mode="batch")
    ref = eqx.tree_at(lambda m: (m.weight, m.bias), ref, (bn.scale.value, bn.bias.value))  # type: ignore[union-attr]
    state = eqx.nn.State(ref)
    flat = x.reshape(-1, 3)  # eqx reduces over its vmapped axis only
    want, _ = jax.vmap(ref, axis_name="batch", in_axes=(0, None), out_axes=(0, None))(flat, state)
    np.testing.assert_allclose(bn(x, fit=True), want.reshape(x.shape), **TOL)
    mean = np.asarray(x).reshape(-1, 3).mean(0)
    var = np.asarray(x).reshape(-1, 3).var(0, ddof=1)  # the running variance is unbiased
    np.testing.assert_allclose(bn.running_mean.value, 0.01 * mean, **TOL)
    np.testing.assert_allclose(bn.running_var.value, 0.99 + 0.01 * var, **TOL)


def test_batch_norm_2d_and_3d_reduce_over_batch_and_space():
    x = _normal((4, 3, 3, 2))
    y = dnn.BatchNorm2d(2, affine=False)(x, fit=True)
    np.testing.assert_allclose(np.asarray(y).mean((0, 1, 2)), 0.0, atol=1e-5)
    np.testing.assert_allclose(np.asarray(y).var((0, 1, 2)), 1.0, atol=1e-3)
    z = dnn.BatchNorm3d(1)(_normal((2, 2, 2, 2, 1)), fit=True)
    assert z.shape == (2, 2, 2, 2, 1)
    y2 = dnn.BatchNorm1d(2, affine=False)(x[:, 0, 0], fit=True)  # (batch, channels)
    np.testing.assert_allclose(np.asarray(y2).mean(0), 0.0, atol=1e-5)


def test_dropout_equals_eqx_dropout_with_the_same_key():
    x = _normal((4, 5))
    key = jax.random.key(3)
    ours = dnn.Dropout(0.7)(x, fit=True, key=key)  # keep 70% (BrainPy's `prob`)
    theirs = eqx.nn.Dropout(p=0.3)(x, key=key)  # drop 30% (Equinox's `p`)
    np.testing.assert_allclose(ours, theirs, **TOL)


def test_connection_layers_compute_their_dense_matrices():
    x = _normal((2, 5))
    a2a = dnn.AllToAll(5, 3, weight=0.5, include_self=False)
    dense = 0.5 * (np.ones((5, 3)) - np.eye(5, 3))
    np.testing.assert_allclose(a2a(x), np.asarray(x) @ dense, **TOL)
    W = np.asarray(_normal((5, 5), 1))
    a2a_m = dnn.AllToAll(5, 5, weight=W, include_self=False)
    np.testing.assert_allclose(a2a_m(x), np.asarray(x) @ (W * (1 - np.eye(5))), **TOL)
    one = dnn.OneToOne(5, weight=np.arange(5.0))
    np.testing.assert_allclose(one(x), np.asarray(x) * np.arange(5.0), **TOL)


@pytest.mark.parametrize(
    "make",
    [
        lambda: eqbrain.dyn.FixedProb(6, 4, prob=0.5, seed=2),
        lambda: eqbrain.dyn.IJConn([0, 0, 2, 5], [1, 3, 0, 3], n_pre=6, n_post=4),
        lambda: np.random.default_rng(0).random((6, 4)) < 0.5,
    ],
    ids=["FixedProb", "IJConn", "matrix"],
)
def test_sparse_layers_take_the_synapses_of_any_connectivity(make):
    conn = make()
    mask = conn.to_dense() != 0 if hasattr(conn, "to_dense") else conn
    w = np.asarray(_normal((int(mask.sum()),), 4))
    dense = np.zeros(mask.shape)
    dense[np.nonzero(mask)] = w  # row (CSR) order
    x = np.asarray(_normal((3, 6), 5))
    np.testing.assert_allclose(dnn.MaskedLinear(conn, weight=dense)(x), x @ dense, **TOL)
    np.testing.assert_allclose(dnn.CSRLinear(conn, weight=w)(x), x @ dense, **TOL)


def test_csr_layers_propagate_spikes_event_driven_and_graded_input_densely():
    conn = eqbrain.dyn.FixedProb(6, 4, prob=0.5, seed=2)
    mask = conn.to_dense() != 0
    w = np.asarray(_normal((int(mask.sum()),), 4))
    dense = np.zeros(mask.shape)
    dense[np.nonzero(mask)] = w
    x = np.asarray(_normal((3, 6), 5))
    spikes = x > 0
    layer = dnn.EventCSRLinear(conn, weight=w)
    np.testing.assert_allclose(layer(spikes), spikes @ dense, **TOL)  # event-driven
    np.testing.assert_allclose(layer(spikes.astype(np.float32)), spikes @ dense, **TOL)
    homo = dnn.CSRLinear(conn, weight=0.5)
    np.testing.assert_allclose(homo(spikes), spikes @ (0.5 * mask), **TOL)
    back = dnn.CSRLinear(conn, weight=w, transpose=False)
    y = np.asarray(_normal((3, 4), 6))
    np.testing.assert_allclose(back(y), y @ dense.T, **TOL)


def test_activation_layers_apply_their_functions():
    x = jnp.linspace(-3.0, 3.0, 24).reshape(2, 3, 4)
    cases = [
        (dnn.ReLU(), jax.nn.relu),
        (dnn.ReLU6(), jax.nn.relu6),
        (dnn.Sigmoid(), jax.nn.sigmoid),
        (dnn.Tanh(), jnp.tanh),
        (dnn.SiLU(), jax.nn.silu),
        (dnn.Mish(), lambda x: x * jnp.tanh(jax.nn.softplus(x))),
        (dnn.Hardswish(), jax.nn.hard_swish),
        (dnn.Hardsigmoid(), jax.nn.hard_sigmoid),
        (dnn.ELU(0.5), lambda x: jax.nn.elu(x, 0.5)),
        (dnn.CELU(0.5), lambda x: jax.nn.celu(x, 0.5)),
        (dnn.SELU(), jax.nn.selu),
        (dnn.GELU(), lambda x: jax.nn.gelu(x, approximate=False)),
        (dnn.GLU(), lambda x: jax.nn.glu(x, -1)),
        (dnn.LeakyReLU(0.2), lambda x: jax.nn.leaky_relu(x, 0.2)),
        (dnn.LogSigmoid(), jax.nn.log_sigmoid),
        (dnn.Softplus(2.0, 4.0), lambda x: jnp.where(x > 2.0, x, jnp.log1p(jnp.exp(2 * x)) / 2)),
        (dnn.Softsign(), lambda x: x / (1 + jnp.abs(x))),
        (dnn.Tanhshrink(), lambda x: x - jnp.tanh(x)),
        (dnn.Hardtanh(-2.0, 1.0), lambda x: jnp.clip(x, -2.0, 1.0)),
        (dnn.Hardshrink(1.0), lambda x: jnp.where(jnp.abs(x) > 1.0, x, 0.0)),
        (dnn.Softshrink(1.0), lambda x: jnp.sign(x) * jnp.maximum(jnp.abs(x) - 1.0, 0.0)),
        (dnn.Threshold(0.5, -1.0), lambda x: jnp.where(x > 0.5, x, -1.0)),
        (dnn.Softmax(-1), lambda x: jax.nn.softmax(x, -1)),
        (dnn.Softmin(0), lambda x: jax.nn.softmax(-x, 0)),
        (dnn.LogSoftmax(1), lambda x: jax.nn.log_softmax(x, 1)),
        (dnn.Softmax(), lambda x: jax.nn.softmax(x, axis=None)),
        (dnn.PReLU(4, init=0.1), lambda x: jnp.where(x >= 0, x, 0.1 * x)),
        (
            dnn.Activation(eqbrain.leaky_relu, negative_slope=0.3),
            lambda x: jax.nn.leaky_relu(x, 0.3),
        ),
        (dnn.FunAsLayer(jnp.cumsum, axis=-1), lambda x: jnp.cumsum(x, -1)),
        (dnn.Identity(), lambda x: x),
        (dnn.Softmax2d(), lambda x: jax.nn.softmax(x, -3)),
    ]
    # One compilation for all of them (each eager operation would compile on its own).
    got, want = jax.jit(lambda x: ([l(x) for l, _ in cases], [f(x) for _, f in cases]))(x)
    for (layer, _), g, w in zip(cases, got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=layer.name)


def test_rrelu_draws_slopes_between_lower_and_upper():
    x = -jnp.ones(1000)
    y = np.asarray(dnn.RReLU(0.1, 0.3)(x))
    assert np.all((-0.3 <= y) & (y <= -0.1)) and len(np.unique(y)) > 100
    np.testing.assert_array_equal(dnn.RReLU()(jnp.ones(3)), 1.0)


def test_inplace_writes_the_result_into_an_input_variable():
    v = eqbrain.Variable(jnp.array([-1.0, 2.0]))
    out = dnn.ReLU(inplace=True)(v)
    assert out is v
    np.testing.assert_array_equal(v.value, [0.0, 2.0])
    w = eqbrain.Variable(jnp.array([-1.0, 2.0]))
    dnn.ReLU()(w)
    np.testing.assert_array_equal(w.value, [-1.0, 2.0])


def test_activation_functions_follow_brainpys_formulas_and_names():
    x = jnp.linspace(-30.0, 30.0, 13)
    np.testing.assert_allclose(eqbrain.softplus(x), jnp.where(x > 20, x, jax.nn.softplus(x)))
    np.testing.assert_allclose(eqbrain.gelu(x), jax.nn.gelu(x, approximate=True))
    np.testing.assert_allclose(eqbrain.prelu(x, 0.5), jnp.where(x >= 0, x, 0.5 * x))
    np.testing.assert_allclose(eqbrain.hard_tanh(x, -2, 3), jnp.clip(x, -2, 3))
    np.testing.assert_allclose(eqbrain.normalize(x), jax.nn.standardize(x), rtol=1e-5)
    np.testing.assert_array_equal(eqbrain.one_hot(jnp.array([0, 2]), 3), [[1, 0, 0], [0, 0, 1]])
    assert eqbrain.one_hot(jnp.array([1]), 2).dtype == jnp.result_type(float)
    assert eqbrain.swish is eqbrain.silu and eqbrain.hard_swish is eqbrain.hard_silu
    assert eqbrain.relu is dnn.relu and eqbrain.identity(x) is x
    a = eqbrain.rrelu(-jnp.ones(4), key=1)
    np.testing.assert_array_equal(a, eqbrain.rrelu(-jnp.ones(4), key=1))  # a key is a seed


def test_flatten_and_unflatten_count_axes_after_the_batch_axis_in_batching_mode():
    x = jnp.ones((2, 3, 4, 5))
    assert dnn.Flatten()(x).shape == (120,)
    assert dnn.Flatten(mode=eqbrain.batching_mode)(x).shape == (2, 60)
    assert dnn.Flatten(1, 2)(x).shape == (2, 12, 5)
    assert dnn.Flatten(0, 1, mode=eqbrain.batching_mode)(x).shape == (2, 12, 5)
    assert dnn.Flatten(-2)(x).shape == (2, 3, 20)
    assert dnn.Unflatten(2, (2, 2))(x).shape == (2, 3, 2, 2, 5)
    assert dnn.Unflatten(1, (2, 2), mode=eqbrain.batching_mode)(x).shape == (2, 3, 2, 2, 5)


def test_flax_layers_agree_when_flax_is_installed():
    nnx = pytest.importorskip("flax.nnx")
    x = _normal((2, 6, 6, 3))
    conv = dnn.Conv2d(3, 4, 3, padding="SAME", b_initializer=_normal((1, 1, 4), 1))
    ref = nnx.Conv(3, 4, (3, 3), padding="SAME", rngs=nnx.Rngs(0))
    ref.kernel.set_value(conv.w.value)
    ref.bias.set_value(conv.b.value.reshape(-1))  # type: ignore[union-attr]
    np.testing.assert_allclose(conv(x), ref(x), **TOL)
    convt = dnn.ConvTranspose2d(3, 2, 3, stride=2, b_initializer=_normal((1, 1, 2), 2))
    reft = nnx.ConvTranspose(3, 2, (3, 3), strides=(2, 2), padding="SAME", rngs=nnx.Rngs(0))
    reft.kernel.set_value(convt.w.value)
    reft.bias.set_value(convt.b.value.reshape(-1))  # type: ignore[union-attr]
    np.testing.assert_allclose(convt(x), reft(x), **TOL)
    dense = dnn.Dense(3, 5)
    refd = nnx.Linear(3, 5, rngs=nnx.Rngs(0))
    refd.kernel.set_value(dense.W.value)
    refd.bias.set_value(dense.b.value)  # type: ignore[union-attr]
    np.testing.assert_allclose(dense(x), refd(x), **TOL)
    pooled = nnx.avg_pool(x, (2, 2), strides=(2, 2))
    np.testing.assert_allclose(dnn.AvgPool2d(2, 2)(x), pooled, **TOL)
    bn = dnn.BatchNorm2d(3)
    refb = nnx.BatchNorm(3, momentum=0.99, epsilon=1e-5, rngs=nnx.Rngs(0))
    np.testing.assert_allclose(bn(x, fit=True), refb(x), **TOL)  # batch statistics
    np.testing.assert_allclose(bn.running_mean.value, refb.mean[...], **TOL)
