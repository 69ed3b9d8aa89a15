"""Training with eqbrain.dnn: weights are TrainVars that eqbrain.optim trains in place and
eqx.filter_grad sees; Dropout and BatchNorm follow the training flag `fit`; layers and
neurons chain in a Sequential that runs under DSRunner, eqbrain.jit and for_loop."""

from __future__ import annotations

import tempfile
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dnn, optim

from .helpers import assert_unchanged, snapshot


def _data(shape, seed=0):
    return jnp.asarray(np.random.default_rng(seed).standard_normal(shape), jnp.float32)


def test_in_place_training_with_eqbrain_optim_reduces_the_loss():
    net = dnn.Dense(3, 8) >> dnn.ReLU() >> dnn.Dense(8, 1)
    x = _data((16, 3))
    y = jnp.sin(x.sum(-1, keepdims=True))
    opt = optim.Adam(lr=0.02, train_vars=net.train_vars())

    def loss():
        return jnp.mean((net(x) - y) ** 2)

    grad = eqbrain.value_and_grad(loss, grad_vars=net.train_vars())

    @eqbrain.jit
    def step():
        value, grads = grad()
        opt.update(grads)
        return value

    first = last = float(step())
    for _ in range(60):
        last = float(step())
    assert last < 0.3 * first, (first, last)
    assert set(net.train_vars(method="relative")) == {
        "children.0.W",
        "children.0.b",
        "children.2.W",
        "children.2.b",
    }


def test_filter_grad_sees_the_trainvars_and_nothing_else():
    conn = eqbrain.dyn.FixedProb(6, 3, prob=0.5, seed=0)
    net = eqbrain.Sequential(
        dnn.Dense(4, 6),
        dnn.BatchNorm1d(6),
        dnn.PReLU(6),
        dnn.CSRLinear(conn, weight=eqbrain.init.Normal()),
        dnn.Dropout(0.9),
    )
    x = _data((5, 4))

    def loss(params, rest):
        with eqbrain.share.context(fit=True):
            return jnp.sum(eqx.combine(params, rest)(x) ** 2)

    params, rest = eqbrain.partition_trainable(net)
    grads = eqx.filter_grad(loss)(params, rest)
    trained = [
        jax.tree_util.keystr(path)
        for path, leaf in jax.tree_util.tree_leaves_with_path(grads)
        if leaf is not None
    ]
    assert len(trained) == len(net.train_vars()) == 6, trained
    assert not any(w in p for p in trained for w in ("running", "indices", "rng"))
    leaves = [np.asarray(g) for g in jax.tree_util.tree_leaves(grads)]
    assert all(np.all(np.isfinite(g)) and np.any(g != 0) for g in leaves)
    conv = dnn.Conv1d(2, 2, 3, mask=np.ones((3, 2, 2)))
    spec = eqbrain.trainable_filter(conv)
    assert spec.w is True and spec.b is True and spec.mask is False


def test_surrogate_spikes_of_a_training_mode_neuron_carry_gradients_to_the_layer():
    with eqbrain.environment(mode=eqbrain.TrainingMode(2)):
        net = dnn.Dense(3, 4, W_initializer=np.full((3, 4), 4.0)) >> eqbrain.dyn.Lif(4, V_th=1.0)
    xs = jnp.ones((10, 2, 3))

    def loss():
        return jnp.sum(eqbrain.for_loop(lambda x: net.step_run(0, x), xs))

    value, grads = eqbrain.value_and_grad(loss, grad_vars=net.train_vars())()
    assert float(value) > 0  # the neurons fired
    (key,) = [k for k, v in net.train_vars().items() if v is net[0].W]
    g = np.asarray(grads[key])
    assert np.all(np.isfinite(g)) and np.any(g != 0)


def test_dropout_draws_a_new_mask_each_training_step_and_none_in_eval():
    drop = dnn.Dropout(0.5, seed=0)
    x = jnp.ones(64)
    with eqbrain.share.context(fit=True):
        a, b = drop(x), drop(x)
    assert not np.array_equal(a, b)
    assert set(np.unique(np.asarray(a))) <= {0.0, 2.0}  # kept ones scaled by 1 / prob
    key = np.asarray(drop.rng.key.value)
    np.testing.assert_array_equal(drop(x), x)  # eval: fit unset
    with eqbrain.share.context(fit=False):
        np.testing.assert_array_equal(drop(x), x)
    np.testing.assert_array_equal(drop.rng.key.value, key)  # eval draws nothing


def test_dropout_under_eqbrain_jit_and_its_state_in_checkpoints():
    drop = dnn.Dropout(0.5, seed=1)

    @eqbrain.jit
    def train(x):
        with eqbrain.share.context(fit=True):  # set inside the function that is jitted
            return drop(x)

    x = jnp.ones(32)
    a, b = train(x), train(x)
    assert not np.array_equal(a, b)  # the key is carried and written back
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "drop.safetensors"
        eqbrain.save(path, drop)
        after_save = train(x)
        other = dnn.Dropout(0.5, seed=2)
        eqbrain.load(path, other)
        with eqbrain.share.context(fit=True):
            np.testing.assert_array_equal(other(x), after_save)


def test_batch_norm_updates_its_running_statistics_in_training_only():
    bn = dnn.BatchNorm2d(2)
    x = _data((4, 3, 3, 2)) * 2.0 + 1.0
    before = snapshot(bn)
    y = bn(x)  # eval: the running statistics (0 and 1) normalize
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-5), rtol=1e-5)
    assert_unchanged(bn, before)

    @eqbrain.jit
    def train(x):
        with eqbrain.share.context(fit=True):
            return bn(x)

    train(x)
    mean = np.asarray(x).mean((0, 1, 2))
    np.testing.assert_allclose(bn.running_mean.value, 0.01 * mean, rtol=1e-4)
    assert not isinstance(bn.running_mean, eqbrain.TrainVar)
    assert isinstance(bn.scale, eqbrain.TrainVar)
    bn.reset_state()  # running statistics are state: back to 0 and 1
    np.testing.assert_array_equal(bn.running_mean.value, 0.0)


def test_the_training_flag_must_be_known_when_the_layer_runs():
    drop = dnn.Dropout(0.5)
    with pytest.raises(
        TypeError, match=r"Dropout\d+: the training flag `fit` must be a Python bool"
    ):
        jax.jit(lambda f: drop(jnp.ones(3), fit=f))(True)


def test_sequential_runs_under_dsrunner_jit_and_for_loop_as_its_steps_do():
    l1, l2 = dnn.Dense(3, 4), dnn.Dense(4, 2)
    net = eqbrain.Sequential(l1, jax.nn.relu, l2)
    x = _data((6, 3))
    want = l2(jax.nn.relu(l1(x)))
    np.testing.assert_allclose(net(x), want, rtol=1e-6)
    np.testing.assert_allclose(eqbrain.jit(net)(x), want, rtol=1e-6)
    xs = jnp.stack([x, 2 * x])
    looped = eqbrain.for_loop(net, xs)
    np.testing.assert_allclose(looped[1], l2(jax.nn.relu(l1(2 * x))), rtol=1e-6)
    ran = eqbrain.DSRunner(net, progress_bar=False).run(inputs=xs)
    np.testing.assert_allclose(ran, looped, rtol=1e-6)


def test_sequential_of_layers_and_neurons_under_dsrunner_monitors_the_neurons():
    with eqbrain.environment(mode=eqbrain.BatchingMode(2)):
        net = dnn.Dense(3, 4, W_initializer=np.full((3, 4), 5.0)) >> eqbrain.dyn.Lif(4, V_th=1.0)
    runner = eqbrain.DSRunner(
        net, monitors=["children.1.spike"], progress_bar=False, data_first_axis="T"
    )
    out = runner.run(inputs=jnp.ones((20, 2, 3)))
    spikes = runner.mon["children.1.spike"].dense()
    assert spikes.shape == (20, 2, 4) and spikes.dtype == np.bool_
    np.testing.assert_array_equal(out, spikes)
    assert spikes.any()
    net.reset_state()
    np.testing.assert_array_equal(net.children["1"].V.value, 0.0)


def test_a_sequential_holds_functions_as_structure_and_equinox_modules_as_children():
    linear = eqx.filter_eval_shape(eqx.nn.Linear, 3, 2, key=jax.random.key(0))
    linear = eqx.tree_at(lambda m: (m.weight, m.bias), linear, (jnp.ones((2, 3)), jnp.zeros(2)))
    net = eqbrain.Sequential(dnn.Dense(3, 3), jax.nn.relu, linear)
    assert net[1] is jax.nn.relu and net[2] is linear
    leaves = jax.tree_util.tree_leaves(net)
    assert all(isinstance(leaf, jax.Array) for leaf in leaves)  # plain jax.jit takes it
    np.testing.assert_allclose(jax.jit(lambda m, x: m(x))(net, jnp.ones(3)), net(jnp.ones(3)))
    trainable, _ = eqbrain.partition_trainable(net)
    assert len(jax.tree_util.tree_leaves(trainable)) == 4  # Dense's W, b; Linear's too


def test_rshift_chains_systems_layers_and_functions():
    a, b, c = dnn.Dense(3, 4), dnn.ReLU(), dnn.Dense(4, 2)
    net = a >> b >> c
    assert type(net) is eqbrain.Sequential and list(net.children) == ["0", "1", "2"]
    assert net[0] is a and net[-1] is c
    np.testing.assert_allclose(net(jnp.ones(3)), c(b(a(jnp.ones(3)))))
    assert (jnp.tanh >> a)[0] is jnp.tanh  # a function first
    assert (a >> jnp.tanh)[1] is jnp.tanh
    x = jnp.array([-1.0, 2.0])
    np.testing.assert_array_equal(x >> b, [0.0, 2.0])  # BrainPy's `x >> layer`
    np.testing.assert_array_equal(np.array([-1.0, 2.0]) >> b, [0.0, 2.0])
    named = eqbrain.Sequential(first=a, second=c)
    nested = named >> b
    assert list(nested.children) == ["0", "1"] and nested[0] is named  # names kept


def test_sequential_indexing_and_names():
    a, c = dnn.Dense(3, 4), dnn.Dense(4, 2)
    net = eqbrain.Sequential(a, l2=eqbrain.relu, l3=c)
    assert net["l3"] is c and net.l3 is c and net.l2 is eqbrain.relu and len(net) == 3
    part = net[1:]
    assert list(part.children) == ["l2", "l3"] and part.l3 is c  # the same objects
    picked = net[[0, "l3"]]
    assert picked["0"] is a and picked["l3"] is c
    with pytest.raises(KeyError, match="no step 'l4'.*'l3'"):
        net["l4"]
    with pytest.raises(AttributeError, match="no attribute 'l4'"):
        net.l4  # noqa: B018
    listed = eqbrain.Sequential([a, eqbrain.relu], {"out": c})
    assert list(listed.children) == ["0", "1", "out"]


def test_sequential_refuses_what_is_not_a_step():
    with pytest.raises(TypeError, match="Sequential: the step at position 1 must be"):
        eqbrain.Sequential(dnn.ReLU(), 3.0)
    with pytest.raises(ValueError, match="two steps are named '0'"):
        eqbrain.Sequential(dnn.ReLU(), {"0": dnn.ReLU()})
    with pytest.raises(TypeError, match="Sequential: mode must be an eqbrain mode"):
        eqbrain.Sequential(dnn.ReLU(), mode="train")  # pyright: ignore[reportArgumentType]


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: dnn.Dense(0, 3), "Dense: num_in must be a positive int, got 0"),
        (lambda: dnn.Dense(3, 2.5), "Dense: num_out must be a positive int, got 2.5"),  # pyright: ignore[reportArgumentType]
        (
            lambda: dnn.Dense(3, 2, W_initializer=np.ones((2, 3))),
            r"Dense: W_initializer: .*\(3, 2\)",
        ),
        (lambda: dnn.Conv2d(3, 4, kernel_size=-1), "Conv2d: kernel_size must be a positive int"),
        (lambda: dnn.Conv2d(3, 4, 3, groups=2), r"Conv2d: in_channels \(3\).*groups \(2\)"),
        (lambda: dnn.Conv1d(3, 4, 3, padding="FULL"), "Conv1d: padding must be 'SAME' or 'VALID'"),
        (lambda: dnn.Conv1d(3, 4, 3, stride=1, strides=1), "Conv1d: give stride or strides"),
        (
            lambda: dnn.MaxPool2d((2, 2, 2)),
            "MaxPool2d: kernel_size must be an int or a sequence of 2",
        ),
        (lambda: dnn.Dropout(1.5), r"Dropout: prob \(the probability to keep\) must be"),
        (lambda: dnn.Dropout(0.0), "Dropout: prob is the probability to keep"),
        (lambda: dnn.GroupNorm(3, 4), r"GroupNorm: num_groups \(3\) must divide num_channels"),
        (lambda: dnn.BatchNorm1d(4, momentum=2.0), "BatchNorm1d: momentum must be in"),
        (lambda: dnn.LayerNorm(4, epsilon=0.0), "LayerNorm: epsilon must be a positive"),
        (lambda: dnn.Hardtanh(1.0, -1.0), r"Hardtanh: max_val \(-1.0\) must be > min_val"),
        (lambda: dnn.Unflatten(1, 6), "Unflatten: sizes must be a tuple or list"),  # pyright: ignore[reportArgumentType]
        (
            lambda: dnn.MaskedLinear("all", 1.0),
            "MaskedLinear: conn must be an eqbrain connectivity",
        ),
        (lambda: dnn.Dense(3, 2, mode="training"), "Dense: mode must be an eqbrain mode"),  # pyright: ignore[reportArgumentType]
    ],
)
def test_bad_arguments_name_the_argument_and_the_layer(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


@pytest.mark.parametrize(
    "make, x, match",
    [
        (
            lambda: dnn.Dense(3, 2),
            jnp.ones((4, 5)),
            r"Dense\d+ expects input of shape \(\.\.\., 3\) \(num_in=3\), got shape \(4, 5\)",
        ),
        (
            lambda: dnn.Conv2d(3, 4, 3),
            jnp.ones((2, 8, 8, 2)),
            r"Conv2d\d+ expects .*in_channels=3\), got shape \(2, 8, 8, 2\)",
        ),
        (
            lambda: dnn.Conv2d(3, 4, 3),
            jnp.ones((8, 3)),
            r"Conv2d\d+ expects input of shape \(batch, 2 spatial axes",
        ),
        (
            lambda: dnn.BatchNorm2d(3),
            jnp.ones((2, 4, 3)),
            r"BatchNorm2d\d+ expects 4-D input with 3 channels",
        ),
        (
            lambda: dnn.LayerNorm(4),
            jnp.ones((2, 5)),
            r"LayerNorm\d+ expects input of shape \(\.\.\., 4\)",
        ),
        (lambda: dnn.GroupNorm(2, 4), jnp.ones((2, 6)), r"GroupNorm\d+ expects .*num_channels=4"),
        (
            lambda: dnn.MaxPool2d(2),
            jnp.ones((4, 3)),
            r"MaxPool2d\d+ pools 2 spatial axes .* at least 3 axes, got 2",
        ),
        (
            lambda: dnn.MaxPool(2, channel_axis=4),
            jnp.ones((4, 3)),
            r"MaxPool\d+: channel_axis=4 is not an axis",
        ),
        (lambda: dnn.Flatten(3), jnp.ones((4, 3)), r"Flatten\d+: start_dim=3 is not an axis"),
        (
            lambda: dnn.CSRLinear(eqbrain.dyn.FixedProb(5, 3, 0.5), 1.0),
            jnp.ones(4),
            r"CSRLinear\d+ expects input of shape \(\.\.\., 5\)",
        ),
        (lambda: dnn.OneToOne(3, 1.0), jnp.ones(4), r"OneToOne\d+ expects .*\(num=3\)"),
    ],
)
def test_bad_inputs_name_the_layer_and_what_it_expects(make, x, match):
    layer = make()
    before = snapshot(layer)
    with pytest.raises(ValueError, match=match):
        layer(x)
    assert_unchanged(layer, before)


def test_a_failed_training_step_leaves_batch_norm_unchanged():
    bn = dnn.BatchNorm1d(3)
    before = snapshot(bn)
    with pytest.raises(ValueError, match="BatchNorm1d"):
        bn(jnp.ones((4, 2)), fit=True)
    assert_unchanged(bn, before)
