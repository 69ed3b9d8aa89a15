"""Equinox-native: every array is state, no write is lost silently, a Variable is an
array to JAX, inputs are lossless, messages name the Variable by its path.

Where a workflow has a plain-Equinox twin, the numbers are compared to it.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import eqbrain
from eqbrain import MathError, TraceLeakError
from tests.helpers import assert_unchanged, snapshot


class Head(eqbrain.Module):
    lin: eqx.nn.Linear
    scale: eqbrain.TrainVar
    count: eqbrain.Variable

    def __init__(self, key, name=None):
        super().__init__(name=name)
        self.lin = eqx.nn.Linear(3, 2, key=key)
        self.scale = eqbrain.TrainVar(jnp.ones(2))
        self.count = eqbrain.Variable(jnp.zeros((), jnp.int32))

    def __call__(self, x):
        return self.lin(x) * self.scale.value


class PlainHead(eqx.Module):
    lin: eqx.nn.Linear
    scale: jax.Array

    def __call__(self, x):
        return self.lin(x) * self.scale


def _loss(model, x, y):
    return jnp.mean((jax.vmap(model)(x) - y) ** 2)


# -- every array is state -------------------------------------------------------------


def test_train_vars_stay_brainpys_list():
    m = Head(jax.random.key(0))
    assert list(m.train_vars(method="relative")) == ["scale"]


def test_trainable_partition_trains_equinox_layers_as_equinox_does():
    key = jax.random.key(0)
    m = Head(key)
    plain = PlainHead(eqx.nn.Linear(3, 2, key=key), jnp.ones(2))
    x, y = jnp.ones((5, 3)), jnp.zeros((5, 2))
    params, static = eqbrain.partition_trainable(m)
    grads = eqx.filter_grad(lambda p: _loss(eqx.combine(p, static), x, y))(params)
    plain_grads = eqx.filter_grad(_loss)(plain, x, y)
    np.testing.assert_array_equal(grads.lin.weight, plain_grads.lin.weight)
    np.testing.assert_array_equal(grads.lin.bias, plain_grads.lin.bias)
    np.testing.assert_array_equal(grads.scale.value, plain_grads.scale)
    assert grads.count.value is None  # a plain Variable (state) is not trained


def test_a_training_loop_matches_plain_equinox_step_for_step():
    key = jax.random.key(1)
    m = Head(key)
    plain = PlainHead(eqx.nn.Linear(3, 2, key=key), jnp.ones(2))
    x, y = jax.random.normal(key, (8, 3)), jnp.ones((8, 2))
    opt = optax.adam(1e-2)
    params, static = eqx.partition(m, eqbrain.trainable_filter(m))
    state, plain_state = opt.init(params), opt.init(eqx.filter(plain, eqx.is_inexact_array))
    for _ in range(5):
        g = eqx.filter_grad(lambda p: _loss(eqx.combine(p, static), x, y))(params)
        updates, state = opt.update(g, state)
        params = eqx.apply_updates(params, updates)
        pg = eqx.filter_grad(_loss)(plain, x, y)
        pu, plain_state = opt.update(pg, plain_state)
        plain = eqx.apply_updates(plain, pu)
    trained = eqx.combine(params, static)
    np.testing.assert_array_equal(trained.lin.weight, plain.lin.weight)
    np.testing.assert_array_equal(trained.scale.value, plain.scale)


def test_state_dict_round_trip_restores_equinox_layer_weights():
    a, b = Head(jax.random.key(0), name="head_a"), Head(jax.random.key(1), name="head_b")
    sd = {
        "head_b": {k.replace("head_a", "head_b"): v for k, v in a.state_dict()["head_a"].items()}
    }
    assert "head_a.lin.weight" in a.state_dict()["head_a"]
    result = b.load_state_dict(sd, strict=True)
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(b.lin.weight, a.lin.weight)
    np.testing.assert_array_equal(b.lin.bias, a.lin.bias)


def test_strict_load_reports_a_missing_layer_weight_and_changes_nothing():
    m = Head(jax.random.key(0))
    sd = m.state_dict()
    del sd[m.name][f"{m.name}.lin.bias"]
    before = snapshot(m)
    with pytest.raises(ValueError, match="lin.bias"):
        m.load_state_dict(sd, strict=True)
    assert_unchanged(m, before)


def test_arrays_in_a_tuple_are_saved_but_reported_as_not_restorable():
    class T(eqbrain.Module):
        pair: tuple

    m = T(pair=(jnp.ones(2), jnp.zeros(2)))
    sd = m.state_dict()
    assert set(sd[m.name]) == {f"{m.name}.pair-0", f"{m.name}.pair-1"}
    with pytest.raises(ValueError, match="Cannot restore"):
        m.load_state_dict(sd, strict=True)


def test_device_moves_and_summary_cover_plain_arrays():
    m = Head(jax.random.key(0))
    cpu = jax.devices("cpu")[-1]
    m.to(cpu)
    assert m.lin.weight.devices() == {cpu} and m.scale.value.devices() == {cpu}
    text = str(eqbrain.summary(m))
    assert "lin.weight" in text and "lin.bias" in text


# -- no write is lost silently --------------------------------------------------------


class Counter(eqbrain.Module):
    n: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.n = eqbrain.Variable(jnp.zeros(()))

    def step(self, x):
        self.n.value = self.n.value + x
        return self.n.value

    def step_and_return(self, x):
        self.n.value = self.n.value + x
        return self

    def read(self, x):
        return self.n.value + x

    @eqx.filter_jit
    def jitted_step(self, x):
        self.n.value = self.n.value + x
        return self.n.value


def test_filter_jit_of_a_writing_bound_method_raises_and_changes_nothing():
    c = Counter()
    with pytest.raises(TraceLeakError, match="eqbrain.jit") as info:
        eqx.filter_jit(c.step)(1.0)
    assert "Counter0.n" in str(info.value) or str(c.n.label) in str(info.value)
    assert float(c.n.value) == 0.0


def test_filter_jit_decorated_method_that_writes_raises():
    c = Counter()
    with pytest.raises(TraceLeakError, match="filter_jit"):
        c.jitted_step(1.0)
    assert float(c.n.value) == 0.0


class CallCounter(Counter):
    def __init__(self):  # Counter's; spelled out so that pyright does not build one from fields
        super().__init__()

    def __call__(self, x):
        self.n.value = self.n.value + x
        return self.n.value


class Layered(eqbrain.Module):
    inner: CallCounter
    seq: eqx.nn.Sequential

    def __init__(self):
        super().__init__()
        self.inner = CallCounter()
        self.seq = eqx.nn.Sequential([eqx.nn.Lambda(jnp.tanh)])

    def __call__(self, x):
        return self.seq(self.inner(x))  # a write inside, returned with the model below


def test_filter_jit_of_a_writing_module_raises_with_advice_and_changes_nothing():
    c = CallCounter()
    with pytest.raises(TraceLeakError, match=r"eqx.filter_jit\(model\)") as info:
        eqx.filter_jit(c)(1.0)
    msg = str(info.value)
    assert "ran `__call__`" in msg and "`eqbrain.jit(callcounter)(...)`" in msg
    assert "(m(*a), m)[1]" in msg
    assert float(c.n.value) == 0.0
    # the two ways out it names both work
    assert float(eqbrain.jit(c)(1.0)) == 1.0 and float(c.n.value) == 1.0
    new = eqx.filter_jit(lambda m, x: (m(x), m)[1])(c, 2.0)
    assert float(new.n.value) == 3.0 and float(c.n.value) == 1.0


def test_modules_called_inside_a_traced_function_are_not_watched():
    # A module called by user code (not by the transform itself) may write its copy:
    # the caller returns the model, the functional style.
    m = Layered()
    y, new = eqx.filter_jit(lambda m, x: (m(x), m))(m, 0.5)
    assert float(new.inner.n.value) == 0.5 and float(m.inner.n.value) == 0.0
    np.testing.assert_allclose(y, np.tanh(0.5), rtol=1e-6)
    assert float(eqx.filter_jit(CallCounter().read)(1.0)) == 1.0  # reading only


def test_filter_vmap_of_a_writing_bound_method_raises():
    c = Counter()
    with pytest.raises(TraceLeakError):
        eqx.filter_vmap(c.step)(jnp.ones(3))
    assert float(c.n.value) == 0.0


def test_bound_methods_that_read_or_return_self_keep_working():
    c = Counter()
    assert float(eqx.filter_jit(c.read)(2.0)) == 2.0
    new = eqx.filter_jit(c.step_and_return)(3.0)
    assert float(new.n.value) == 3.0 and float(c.n.value) == 0.0
    eqbrain.jit(c.step)(1.0)
    assert float(c.n.value) == 1.0
    functional = eqx.filter_jit(lambda m, x: (m.step(x), m)[1])(c, 1.0)
    assert float(functional.n.value) == 2.0


# -- a Variable is an array to JAX ----------------------------------------------------


def test_jnp_and_jax_nn_accept_variables_eagerly_and_under_transforms():
    v = eqbrain.Variable(jnp.array([1.0, -2.0, 3.0]))
    x = v.value
    for f in (jnp.exp, jnp.sum, jax.nn.relu, lambda a: jnp.where(a > 0, a, 0), jnp.asarray):
        np.testing.assert_array_equal(f(v), f(x))  # pyright: ignore[reportArgumentType]
        np.testing.assert_array_equal(eqbrain.jit(lambda f=f: f(v))(), f(x))
    grads = eqbrain.grad(lambda: jnp.sum(jnp.exp(v)), grad_vars=[v])()  # pyright: ignore[reportArgumentType]
    np.testing.assert_allclose(grads[0], np.exp(x))
    out = jax.vmap(lambda m: jnp.sum(m.n), in_axes=0)(
        jax.tree.map(lambda a: jnp.stack([a, a + 1]), Counter())
    )
    np.testing.assert_array_equal(out, [0.0, 1.0])


def test_array_methods_brainpy_code_calls():
    v = eqbrain.Variable(jnp.array([[1.0, -2.0], [3.0, 0.5]]))
    x = v.value
    assert float(v.max()) == 3.0 and float(v.min()) == -2.0 and int(v.argmax()) == 2
    np.testing.assert_array_equal(v.flatten(), x.flatten())
    np.testing.assert_array_equal(v.ravel(), x.ravel())
    np.testing.assert_array_equal(v.clip(0, 1), np.clip(x, 0, 1))
    np.testing.assert_array_equal(v.dot(x), x @ x)
    np.testing.assert_array_equal(v.at[0, 0].set(9.0)[0, 0], 9.0)
    assert float(v.value[0, 0]) == 1.0  # `at` is functional, as in JAX
    assert eqbrain.Variable(jnp.zeros((4, 3)), batch_axis=0).size_without_batch == (3,)
    with pytest.raises(AttributeError, match="no attribute 'maxx'"):
        v.maxx  # noqa: B018


# -- lossless inputs ------------------------------------------------------------------


def test_variables_accept_what_jnp_asarray_accepts():
    np.testing.assert_array_equal(eqbrain.Variable([1.0, 2.0, 3.0]).value, [1, 2, 3])
    assert eqbrain.Variable([[1, 2], [3, 4]]).dtype == jnp.int32
    assert eqbrain.Variable((1.5, 2.5)).dtype == jnp.float32
    with pytest.raises(MathError, match="no axis to batch"):
        eqbrain.Variable(1.0, batch_axis=0)


def test_integers_that_do_not_fit_are_refused_on_every_path():
    too_big = np.array([2**40 + 5], np.int64)
    with pytest.raises(MathError, match="do not fit int32"):
        eqbrain.Variable(np.int64(2**40))
    v = eqbrain.Variable(jnp.zeros(1, jnp.int32))

    class Holder(eqbrain.Module):
        v: eqbrain.Variable

    h = Holder(v=v)
    writes = [
        lambda: setattr(v, "value", too_big),
        lambda: v.update(too_big),
        lambda: v.__setitem__(0, too_big[0]),
        lambda: h.load_state_dict({h.name: {f"{h.name}.v": too_big}}),
        lambda: h.vars().assign({f"{h.name}.v": too_big}),
    ]
    for write in writes:
        with pytest.raises(MathError, match="do not fit int32"):
            write()
        assert int(v.value[0]) == 0


def test_float_overflow_is_refused_and_safe_widening_accepted():
    v = eqbrain.Variable(jnp.zeros(2))
    with pytest.raises(MathError, match="overflow float32"):
        v.value = np.array([1e300, 1.0])
    v.value = np.array([1.0, 2.0], np.float16)  # NumPy casts f16 -> f32 safely
    v.value = np.array([0.5, 1.5])  # f64 values that stay finite: the usual NumPy input
    np.testing.assert_array_equal(v.value, [0.5, 1.5])
    with pytest.raises(MathError, match="kind"):
        v.value = np.array([1 + 2j, 0])


# -- messages -------------------------------------------------------------------------


class Inner(eqbrain.Module):
    V: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.V = eqbrain.Variable(jnp.zeros(3))


class Outer(eqbrain.Module):
    E: Inner

    def __init__(self, name=None):
        super().__init__(name=name)
        self.E = Inner()


def test_math_error_names_the_variable_by_its_path():
    net = Outer(name="netmsg")
    with pytest.raises(MathError, match=r"'netmsg\.E\.V'"):
        net.E.V.value = jnp.zeros(4)


def test_trace_leak_error_names_copies_made_by_equinox_transforms():
    net = Outer(name="netcopy")

    def f(m):
        jax.lax.fori_loop(0, 2, lambda i, c: (setattr(m.E.V, "value", m.E.V.value + 1), c)[1], 0)
        return m

    with pytest.raises(TraceLeakError, match=r"'netcopy\.E\.V'.*copy of the model") as info:
        eqx.filter_vmap(f)(jax.tree.map(lambda a: jnp.stack([a, a]), net))
    assert "carry" in str(info.value)  # advice for a model that was passed in


# -- filters ---------------------------------------------------------------------------


def test_is_trainable_cannot_be_misused_silently_as_a_partition_filter():
    m = Head(jax.random.key(0))
    with pytest.raises(TypeError, match="trainable_filter"):
        eqx.partition(m, eqbrain.is_trainable)
    params, _ = eqx.partition(m, eqbrain.trainable_filter(m))
    assert params.scale.value is not None and params.count.value is None
