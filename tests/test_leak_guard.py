"""The trace-leak guard: writing a tracer into a Variable created outside the current
trace raises TraceLeakError (naming the Variable, saying how to fix the call) under every
JAX transform, changes nothing, and is not raised for eqbrain's own transforms."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax
from jax.core import Tracer

import eqbrain
from eqbrain import TraceLeakError, Variable


class Net(eqbrain.Module):
    V: Variable

    def __init__(self):
        super().__init__()
        self.V = Variable(jnp.zeros(3))

    def step(self, x):
        self.V.value = self.V.value + x
        return self.V.value

    def loss(self, x):
        return jnp.sum(self.step(x) ** 2)

    def step_and_return(self, x):
        self.step(x)
        return self

    def read(self, x):
        return self.V.value + x


def _check(run, advice=("eqx.filter_jit(step)(model)", "eqbrain.jit")):
    net = Net()
    with pytest.raises(TraceLeakError) as info:
        run(net)
    msg = str(info.value)
    assert net.V.label is not None and net.V.label in msg and "Variable" in msg
    assert all(a in msg for a in advice), msg
    np.testing.assert_array_equal(net.V.value, np.zeros(3))
    assert not isinstance(net.V.value, Tracer)


def test_jax_jit():
    _check(lambda net: jax.jit(net.step)(jnp.ones(3)))


def test_eqx_filter_jit_closure():
    _check(lambda net: eqx.filter_jit(lambda x: net.step(x))(jnp.ones(3)))


def test_jax_grad():
    _check(lambda net: jax.grad(lambda x: net.step(x).sum())(jnp.ones(3)))


def test_jax_vmap():
    _check(lambda net: jax.vmap(net.step)(jnp.ones((2, 3))))


def test_lax_scan():
    _check(lambda net: lax.scan(lambda c, x: (c, net.step(x)), None, jnp.ones((2, 3))))


def test_lax_cond_inside_eqbrain_jit():
    # A nested plain JAX transform inside an eqbrain transform is not managed either.
    def run(net):
        eqbrain.jit(lambda p: lax.cond(p, lambda: net.step(1.0), lambda: net.V.value))(True)

    # The advice fits: eqbrain.jit is in use already; the nested part needs eqbrain's
    # in-place control flow.
    _check(run, advice=("plain JAX transform nested inside", "eqbrain.cond"))


def test_functional_style_is_not_a_leak():
    net = Net()

    @eqx.filter_jit
    def step(model, x):
        model.step(x)
        return model

    new = step(net, jnp.ones(3))
    np.testing.assert_array_equal(new.V.value, np.ones(3))
    np.testing.assert_array_equal(net.V.value, np.zeros(3))  # the old model is untouched
    out = jax.vmap(lambda m, x: m.step(x), in_axes=(None, 0))(net, jnp.ones((2, 3)))
    assert out.shape == (2, 3)
    jax.grad(lambda m: m.step(1.0).sum())(net)


def test_eqbrain_transforms_manage_the_write():
    net = Net()
    eqbrain.jit(net.step)(jnp.ones(3))
    eqbrain.for_loop(net.step, jnp.ones((2, 3)))
    eqbrain.grad(lambda x: net.step(x).sum())(jnp.ones(3))
    np.testing.assert_array_equal(net.V.value, np.full(3, 4.0))


def test_variable_created_inside_a_trace_may_hold_tracers():
    @jax.jit
    def f(x):
        v = Variable(jnp.zeros(3))
        v.value = x
        return v.value

    np.testing.assert_array_equal(f(jnp.ones(3)), np.ones(3))


X = jnp.ones(3)
# The class's function given to a transform with the model as an argument: the transform
# runs it on its copy of the model and returns only what it returns.
UNBOUND = {
    "eqx.filter_jit": lambda n: eqx.filter_jit(Net.step)(n, X),
    "jax.jit": lambda n: jax.jit(Net.step)(n, X),
    "eqx.filter_grad": lambda n: eqx.filter_grad(Net.loss)(n, X),
    "eqx.filter_value_and_grad": lambda n: eqx.filter_value_and_grad(Net.loss)(n, X),
    "jax.grad": lambda n: jax.grad(Net.loss)(n, X),
    "eqx.filter_vmap": lambda n: eqx.filter_vmap(Net.step, in_axes=(None, 0))(n, X[:, None]),
    "jax.vmap": lambda n: jax.vmap(Net.step, in_axes=(None, 0))(n, X[:, None]),
    "eqx.filter_checkpoint": lambda n: eqx.filter_checkpoint(Net.step)(n, X),
    "jax.checkpoint": lambda n: jax.checkpoint(Net.step)(n, X),
    "jax.eval_shape": lambda n: jax.eval_shape(Net.step, n, X),
    "lax.cond": lambda n: eqx.filter_jit(
        lambda m: (lax.cond(True, Net.step, Net.step, m, X), m)[1]
    )(n),
}


@pytest.mark.parametrize("how", list(UNBOUND))
def test_a_class_method_given_to_a_transform_refuses_to_drop_its_writes(how):
    net = Net()
    with pytest.raises(TraceLeakError) as info:
        UNBOUND[how](net)
    msg = str(info.value)
    assert f"given `Net.{'loss' if 'grad' in how else 'step'}`" in msg, msg
    assert str(net.V.label) in msg and "eqbrain.jit(net." in msg and "return `self`" in msg, msg
    np.testing.assert_array_equal(net.V.value, np.zeros(3))


def test_a_class_method_that_reads_or_returns_self_keeps_working():
    net = Net()
    np.testing.assert_array_equal(eqx.filter_jit(Net.read)(net, X), np.ones(3))
    new = eqx.filter_jit(Net.step_and_return)(net, X)
    np.testing.assert_array_equal(new.V.value, np.ones(3))
    np.testing.assert_array_equal(net.V.value, np.zeros(3))
    # called by a function of the user's that returns the model: the functional style
    new = eqx.filter_jit(lambda m: (Net.step(m, X), m)[1])(net)
    np.testing.assert_array_equal(new.V.value, np.ones(3))
    Net.step(net, X)  # eagerly, a plain call that writes
    np.testing.assert_array_equal(net.V.value, np.ones(3))


def test_a_function_that_drops_the_model_drops_its_writes_a_documented_limitation():
    # docs/equinox.md: the method runs on the transform's copy and cannot know whether
    # the function given to the transform returns it. When it does not, the write is
    # dropped silently (Equinox's functional rule), under every transform.
    net = Net()
    eqx.filter_jit(lambda m, x: m.step(x))(net, X)
    jax.jit(lambda m, x: m.step(x))(net, X)
    eqx.filter_grad(lambda m, x: m.loss(x))(net, X)
    jax.grad(lambda m, x: m.loss(x))(net, X)
    np.testing.assert_array_equal(net.V.value, np.zeros(3))  # nothing reached net
    # The working forms: return the model (as aux data under a gradient) ...
    y, net = eqx.filter_jit(lambda m, x: (m.step(x), m))(net, X)
    np.testing.assert_array_equal(net.V.value, np.ones(3))
    _, net = eqx.filter_grad(lambda m, x: (m.loss(x), m), has_aux=True)(net, X)
    np.testing.assert_array_equal(net.V.value, np.full(3, 2.0))
    # ... or eqbrain's in-place transforms, which write back into the caller's cells.
    eqbrain.jit(net.step)(X)
    eqbrain.grad(net.loss, grad_vars=[net.V])(X)
    np.testing.assert_array_equal(net.V.value, np.full(3, 4.0))
