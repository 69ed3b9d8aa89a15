"""The functional (Equinox) style on eqbrain modules: filter transforms, tree_at,
partition/combine with the trainable filter, and an optax training loop."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

import eqbrain
from eqbrain import TrainVar, Variable


class MLP(eqbrain.Module):
    w1: TrainVar
    w2: TrainVar
    seen: Variable

    def __init__(self, key):
        super().__init__()
        k1, k2 = jax.random.split(key)
        self.w1 = TrainVar(jax.random.normal(k1, (2, 8)) * 0.5)
        self.w2 = TrainVar(jax.random.normal(k2, (8, 1)) * 0.5)
        self.seen = Variable(jnp.zeros((), jnp.int32))

    def __call__(self, x):
        return (jnp.tanh(x @ self.w1.value) @ self.w2.value)[..., 0]


def loss(model, x, y):
    return jnp.mean((jax.vmap(model)(x) - y) ** 2)


X = jax.random.normal(jax.random.key(1), (32, 2))
Y = X[:, 0] * X[:, 1]


def test_filter_jit_returns_new_model_and_leaves_old():
    m = MLP(jax.random.key(0))

    @eqx.filter_jit
    def count(model):
        model.seen.value = model.seen.value + 1
        return model

    new = count(m)
    assert int(new.seen.value) == 1 and int(m.seen.value) == 0
    assert new.seen is not m.seen


def test_filter_grad_and_value_and_grad():
    m = MLP(jax.random.key(0))
    params, static = eqbrain.partition_trainable(m)
    g = eqx.filter_grad(lambda p: loss(eqx.combine(p, static), X, Y))(params)
    assert isinstance(g.w1, Variable) and g.w1.shape == (2, 8)
    assert jax.tree_util.tree_leaves(g.seen) == []  # not trainable: no gradient
    v, g2 = eqx.filter_value_and_grad(lambda p: loss(eqx.combine(p, static), X, Y))(params)
    np.testing.assert_allclose(g2.w2.value, g.w2.value, rtol=1e-6)
    np.testing.assert_allclose(v, loss(m, X, Y), rtol=1e-6)


def test_filter_vmap_and_tree_at():
    m = MLP(jax.random.key(0))
    out = eqx.filter_vmap(lambda model, x: model(x), in_axes=(None, 0))(m, X)
    assert out.shape == (32,)
    new = eqx.tree_at(lambda t: t.w1.value, m, jnp.zeros((2, 8)))
    np.testing.assert_array_equal(new.w1.value, np.zeros((2, 8)))
    assert np.abs(np.asarray(m.w1.value)).sum() > 0
    assert new.w1 is not m.w1


def test_partition_combine_round_trip():
    m = MLP(jax.random.key(0))
    params, static = eqbrain.partition_trainable(m)
    assert jax.tree_util.tree_leaves(params.seen) == []
    assert jax.tree_util.tree_leaves(static.w1) == []
    back = eqx.combine(params, static)
    for a, b in zip(jax.tree_util.tree_leaves(back), jax.tree_util.tree_leaves(m)):
        np.testing.assert_array_equal(a, b)


def test_optax_training_loop_the_equinox_way():
    model = MLP(jax.random.key(0))
    opt = optax.adam(1e-2)
    opt_state = opt.init(eqx.filter(model, eqx.is_inexact_array))

    @eqx.filter_jit
    def step(model, opt_state):
        params, static = eqbrain.partition_trainable(model)
        value, grads = eqx.filter_value_and_grad(lambda p: loss(eqx.combine(p, static), X, Y))(
            params
        )
        updates, opt_state = opt.update(grads, opt_state, eqx.filter(model, eqx.is_inexact_array))
        return eqx.apply_updates(model, updates), opt_state, value

    first = float(loss(model, X, Y))
    value = jnp.inf
    for _ in range(100):
        model, opt_state, value = step(model, opt_state)
    assert float(value) < 0.5 * first


def test_eqbrain_transforms_inside_filter_jit_act_on_the_local_copy():
    m = MLP(jax.random.key(0))

    @eqx.filter_jit
    def run(model):
        def count():
            model.seen.value = model.seen.value + 1

        eqbrain.for_loop(count, length=3)
        eqbrain.jit(count)()
        return model

    new = run(m)
    assert int(new.seen.value) == 4 and int(m.seen.value) == 0
