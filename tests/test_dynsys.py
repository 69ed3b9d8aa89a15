"""DynamicalSystem and Network: update, __call__, reset_state."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain


class Decay(eqbrain.DynamicalSystem):
    x: eqbrain.Variable
    w: eqbrain.TrainVar
    tau: float = eqx.field(static=True)

    def __init__(self, n=3, tau=10.0, batch_size=None, name=None):
        super().__init__(name=name)
        shape = (n,) if batch_size is None else (batch_size, n)
        self.x = eqbrain.Variable(
            jnp.arange(1.0, n + 1) * jnp.ones(shape), batch_axis=None if batch_size is None else 0
        )
        self.w = eqbrain.TrainVar(jnp.ones(n))
        self.tau = tau

    def update(self, inp=0.0):
        dt = eqbrain.share.load("dt")
        self.x.value = self.x.value * jnp.exp(-dt / self.tau) + inp
        return self.x.value


class Pair(eqbrain.Network):
    a: Decay
    b: Decay

    def __init__(self, batch_size=None):
        super().__init__()
        self.a = Decay(batch_size=batch_size)
        self.b = Decay(tau=5.0, batch_size=batch_size)


def test_call_is_update():
    d = Decay()
    out = d(1.0)
    np.testing.assert_allclose(out, np.arange(1.0, 4) * np.exp(-0.01) + 1.0, rtol=1e-6)
    np.testing.assert_array_equal(d.x.value, out)


def test_update_not_defined_says_how_to_define_it():
    class Empty(eqbrain.DynamicalSystem):
        pass

    with pytest.raises(NotImplementedError, match=r"Empty does not define `update`"):
        Empty()()


def test_reset_state_restores_states_but_not_trainable_weights():
    d = Decay()
    cell = d.x
    d.update(5.0)
    d.w.value = jnp.full(3, 7.0)
    d.reset_state()
    assert d.x is cell
    np.testing.assert_array_equal(d.x.value, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(d.w.value, [7.0, 7.0, 7.0])


def test_reset_state_walks_the_subtree():
    net = Pair()
    net.update(2.0)
    assert not np.allclose(net.a.x.value, [1, 2, 3])
    net.reset_state()
    for child in (net.a, net.b):
        np.testing.assert_array_equal(child.x.value, [1.0, 2.0, 3.0])


def test_network_default_update_steps_every_child_in_order():
    net = Pair()
    net.update(1.0)
    np.testing.assert_allclose(net.a.x.value, np.arange(1.0, 4) * np.exp(-0.01) + 1, rtol=1e-6)
    np.testing.assert_allclose(net.b.x.value, np.arange(1.0, 4) * np.exp(-0.02) + 1, rtol=1e-6)


def test_reset_state_of_a_functional_copy():
    d = Decay()
    new = eqx.filter_jit(lambda m: (m.update(1.0), m)[1])(d)
    assert new.name != d.name and new.x is not d.x  # a copy is a new object: new name
    np.testing.assert_array_equal(d.x.value, [1.0, 2.0, 3.0])  # the original is untouched
    new.reset_state()
    np.testing.assert_array_equal(new.x.value, [1.0, 2.0, 3.0])


def test_reset_state_resizes_the_batch_axis():
    net = Pair(batch_size=2)
    net.update(1.0)
    net.reset_state(batch_size=5)
    assert net.a.x.shape == (5, 3) and net.a.w.shape == (3,)
    np.testing.assert_array_equal(net.a.x.value, np.tile([1.0, 2.0, 3.0], (5, 1)))
    net.reset_state(batch_size=2)
    assert net.b.x.shape == (2, 3)


def test_reset_state_batch_size_without_a_batch_axis_is_refused():
    d = Decay()
    d.update(3.0)
    before = np.array(d.x.value)
    with pytest.raises(ValueError, match=r"no state Variable of Decay\d+ has a batch axis"):
        d.reset_state(batch_size=4)
    np.testing.assert_array_equal(d.x.value, before)  # refused before any write


def test_reset_state_inside_eqbrain_jit():
    d = Decay()
    d.update(4.0)

    @eqbrain.jit
    def reset_then_step():
        d.reset_state()
        return d.update(0.0)

    out = reset_then_step()
    np.testing.assert_allclose(out, np.arange(1.0, 4) * np.exp(-0.01), rtol=1e-6)
    np.testing.assert_allclose(d.x.value, out)


def test_dynamical_systems_are_equinox_modules():
    d = Decay()
    leaves = jax.tree_util.tree_leaves(d)
    # x and w, and x's initial value (the initial state is carried by the pytree).
    assert len(leaves) == 3 and leaves[0] is d.initial_state["x"]
    grads = eqx.filter_grad(lambda m: jnp.sum(m.update(0.0) * m.w.value))(d)
    assert isinstance(grads, Decay)
    np.testing.assert_allclose(grads.w.value, np.arange(1.0, 4) * np.exp(-0.01), rtol=1e-6)


def test_dynsysgroup_is_network():
    assert eqbrain.DynSysGroup is eqbrain.Network


def test_step_run_sets_t_and_i_for_a_hand_written_loop():
    class Clock(eqbrain.DynamicalSystem):
        t: eqbrain.Variable

        def __init__(self):
            super().__init__()
            self.t = eqbrain.Variable(jnp.float32(0))

        def update(self):
            self.t.value = jnp.float32(eqbrain.share.load("t")) + eqbrain.share.load("i")

    clock = Clock()
    ts = eqbrain.for_loop(lambda i: (clock.step_run(i), clock.t.value)[1], jnp.arange(5))
    np.testing.assert_allclose(ts, np.arange(5) * 0.1 + np.arange(5), rtol=1e-6)
    assert "t" not in eqbrain.share.keys()
