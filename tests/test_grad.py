"""eqbrain.grad / value_and_grad: BrainPy's return conventions, write-back, errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.core import Tracer

import eqbrain
from eqbrain import TrainVar, Variable


class Lin(eqbrain.Module):
    w: TrainVar
    b: TrainVar
    calls: Variable

    def __init__(self):
        super().__init__()
        self.w = TrainVar(jnp.array([1.0, 2.0]))
        self.b = TrainVar(jnp.zeros(()))
        self.calls = Variable(jnp.zeros((), jnp.int32))

    def loss(self, x, y):
        self.calls.value = self.calls.value + 1  # a state changed in the forward pass
        pred = x @ self.w.value + self.b.value
        return jnp.mean((pred - y) ** 2)


X = jnp.array([[1.0, 0.0], [0.0, 1.0]])
Y = jnp.array([0.0, 0.0])


def _expected(m):
    return jax.grad(lambda w, b: jnp.mean((X @ w + b - Y) ** 2), argnums=(0, 1))(
        m.w.value, m.b.value
    )


def test_grad_vars_structure_and_values():
    m = Lin()
    gw, gb = _expected(m)
    grads = eqbrain.grad(m.loss, grad_vars=m.train_vars())(X, Y)
    assert isinstance(grads, eqbrain.ArrayCollector) and set(grads) == {"Lin0.w", "Lin0.b"}
    np.testing.assert_allclose(grads["Lin0.w"], gw)
    np.testing.assert_allclose(grads["Lin0.b"], gb)
    g_list = eqbrain.grad(m.loss, grad_vars=[m.w, m.b])(X, Y)
    np.testing.assert_allclose(g_list[0], gw)
    g_one = eqbrain.grad(m.loss, grad_vars=m.w)(X, Y)
    np.testing.assert_allclose(g_one, gw)


def test_state_written_in_forward_pass_is_written_back():
    m = Lin()
    eqbrain.grad(m.loss, grad_vars=[m.w])(X, Y)
    assert int(m.calls.value) == 1
    assert not isinstance(m.calls.value, Tracer)
    eqbrain.jit(eqbrain.grad(m.loss, grad_vars=[m.w]))(X, Y)
    assert int(m.calls.value) == 2


def test_return_conventions():
    m = Lin()
    gw, _ = _expected(m)

    def loss_aux(x, y):
        return m.loss(x, y), {"aux": 1.0}

    g, v = eqbrain.grad(m.loss, grad_vars=[m.w], return_value=True)(X, Y)
    np.testing.assert_allclose(v, 2.5)
    g, aux = eqbrain.grad(loss_aux, grad_vars=[m.w], has_aux=True)(X, Y)
    assert aux == {"aux": 1.0}
    g, v, aux = eqbrain.grad(loss_aux, grad_vars=[m.w], has_aux=True, return_value=True)(X, Y)
    np.testing.assert_allclose(g[0], gw)
    (vg, ag), v = eqbrain.grad(m.loss, grad_vars=[m.w], argnums=0, return_value=True)(X, Y)
    np.testing.assert_allclose(ag, jax.grad(lambda x: jnp.mean((x @ m.w.value - Y) ** 2))(X))
    v2, g2 = eqbrain.value_and_grad(m.loss, grad_vars=[m.w])(X, Y)
    np.testing.assert_allclose(v2, v)
    np.testing.assert_allclose(g2[0], gw)
    (v3, aux3), g3 = eqbrain.value_and_grad(loss_aux, grad_vars=[m.w], has_aux=True)(X, Y)
    assert aux3 == {"aux": 1.0}


def test_argnums_only_like_jax():
    f = lambda x, y: jnp.sum(x * y)  # noqa: E731
    np.testing.assert_allclose(eqbrain.grad(f)(jnp.ones(2), jnp.arange(2.0)), [0.0, 1.0])
    gx, gy = eqbrain.grad(f, argnums=(0, 1))(jnp.ones(2), jnp.arange(2.0))
    np.testing.assert_allclose(gy, [1.0, 1.0])


def test_training_loop_in_place():
    m = Lin()
    step_grad = eqbrain.grad(m.loss, grad_vars=m.train_vars(), return_value=True)

    @eqbrain.jit
    def train(x, y):
        grads, loss = step_grad(x, y)
        for k, v in m.train_vars().items():
            v.value = v.value - 0.1 * grads[k]
        return loss

    losses = [float(train(X, Y)) for _ in range(20)]
    assert losses[-1] < 0.1 * losses[0]
    assert int(m.calls.value) == 20


def test_bad_operands():
    m = Lin()
    with pytest.raises(TypeError, match="grad_vars="):
        eqbrain.grad(m.loss, grad_vars=[m.w, 3.0])
    with pytest.raises(TypeError, match=r"argument 0.*str.*not an array"):
        eqbrain.grad(lambda s: 0.0)("text")
    before = np.asarray(m.w.value)
    with pytest.raises(TypeError, match="returned a Variable"):
        eqbrain.grad(lambda: (m.loss(X, Y), m.w), grad_vars=[m.w], has_aux=True)()
    np.testing.assert_array_equal(m.w.value, before)
    assert int(m.calls.value) == 0
