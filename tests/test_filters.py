import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

import eqbrain

from .helpers import B, leaves_equal, make_b


def test_predicates():
    assert eqbrain.is_variable(eqbrain.Parameter(jnp.zeros(1)))
    assert not eqbrain.is_variable(jnp.zeros(1))
    assert eqbrain.is_trainable(eqbrain.TrainVar(jnp.zeros(1)))
    assert not eqbrain.is_trainable(eqbrain.Variable(jnp.zeros(1)))


def test_partition_trainable_and_plain_combine_rebuild_the_model():
    b = make_b()
    trainable, rest = eqbrain.partition_trainable(b)
    assert type(trainable) is B and type(rest) is B
    assert trainable.c1.w.value is b.c1.w.value and trainable.c1.v.value is None
    assert rest.c1.w.value is None and rest.x.value is b.x.value
    n_train = len(jax.tree_util.tree_leaves(trainable))
    assert n_train == 3
    rebuilt = eqx.combine(trainable, rest)
    assert leaves_equal(rebuilt, b) and eqx.tree_equal(rebuilt, b)


def test_gradients_through_partition_only_touch_trainvars():
    b = make_b()
    params, static = eqbrain.partition_trainable(b)

    def loss(params, static):
        m = eqx.combine(params, static)
        return sum((v.value**2).sum() for v in m.vars().unique().values())

    g = jax.grad(loss)(params, static)
    np.testing.assert_allclose(g.c1.w.value, 2 * np.ones(3))
    assert g.x.value is None


def test_a_dynamical_systems_initial_state_is_never_trained():
    # `initial_state` holds plain float arrays (the values reset_state restores); it is
    # bookkeeping, so an optimizer's weight decay must not reach it.
    class Leaky(eqbrain.DynamicalSystem):
        V: eqbrain.Variable
        w: eqbrain.TrainVar

        def __init__(self):
            super().__init__()
            self.V = eqbrain.Variable(jnp.full(3, -65.0))
            self.w = eqbrain.TrainVar(jnp.ones(3))

    net = Leaky()
    trainable, rest = eqbrain.partition_trainable(net)
    assert [v for v in jax.tree_util.tree_leaves(trainable)] == [net.w.value]
    np.testing.assert_array_equal(rest.initial_state["V"], -65.0)
    assert eqx.tree_equal(eqx.combine(trainable, rest), net)
