"""eqbrain.jacrev / jacfwd / hessian / vector_grad: JAX's derivatives, BrainPy's structures,
Variables written in the forward pass written back once per call."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.core import Tracer

import eqbrain
from eqbrain import TrainVar, Variable


def f2(x, y):
    return jnp.stack([x[0] * y[0], x[1] ** 2]), jnp.sum(x * y)


X, Y = jnp.array([1.0, 2.0]), jnp.array([3.0, 4.0])


@pytest.mark.parametrize("name", ["jacrev", "jacfwd"])
def test_argnums_only_matches_jax_for_several_outputs(name):
    ours, theirs = getattr(eqbrain, name), getattr(jax, name)
    got, want = ours(f2, argnums=(0, 1))(X, Y), theirs(f2, argnums=(0, 1))(X, Y)
    assert jax.tree.structure(got) == jax.tree.structure(want)
    for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(want)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ours(f2)(X, Y)[1], theirs(f2)(X, Y)[1])


def test_variables_and_arguments_per_output():
    x = Variable(X)
    out = eqbrain.jacrev(lambda y: f2(x.value, y), grad_vars={"x": x}, argnums=0)(Y)
    want = jax.jacrev(f2, argnums=(0, 1))(X, Y)
    (var0, arg0), (var1, arg1) = out  # one (var_jac, arg_jac) per output
    np.testing.assert_array_equal(var0["x"], want[0][0])
    np.testing.assert_array_equal(arg0, want[0][1])
    np.testing.assert_array_equal(var1["x"], want[1][0])
    np.testing.assert_array_equal(arg1, want[1][1])


def _loss(w, z):
    return jnp.sum(jnp.sin(w) * z**2) + jnp.sum(w) * jnp.sum(z)


def test_hessian_blocks():
    w = TrainVar(X)
    f = lambda z: _loss(w.value, z)  # noqa: E731
    want = jax.hessian(_loss, argnums=(0, 1))(X, Y)
    np.testing.assert_allclose(eqbrain.hessian(f, grad_vars=w)(Y), want[0][0], rtol=1e-6)
    np.testing.assert_allclose(eqbrain.hessian(f, argnums=0)(Y), want[1][1], rtol=1e-6)
    # Both: (rows of the Variables, shaped like grad_vars; the row of the argument),
    # each row a (Variables, argument) pair of blocks, as grad's (var_grads, arg_grads).
    var_rows, arg_row = eqbrain.hessian(f, grad_vars=[w], argnums=0)(Y)
    (ww, wz) = var_rows[0]
    (zw, zz) = arg_row
    np.testing.assert_allclose(ww[0], want[0][0], rtol=1e-6)
    np.testing.assert_allclose(wz, want[0][1], rtol=1e-6)
    np.testing.assert_allclose(zw[0], want[1][0], rtol=1e-6)
    np.testing.assert_allclose(zz, want[1][1], rtol=1e-6)
    hd = eqbrain.hessian(f, grad_vars={"w": w})(Y)
    np.testing.assert_allclose(hd["w"]["w"], want[0][0], rtol=1e-6)


@pytest.mark.parametrize("name", ["jacrev", "jacfwd", "hessian", "vector_grad"])
def test_forward_pass_writes_are_written_back_once(name):
    calls = Variable(jnp.zeros((), jnp.int32))
    x = Variable(X)

    def f(y):
        calls.value = calls.value + 1
        out = x.value * y
        return jnp.sum(out**2) if name == "hessian" else out

    transform = getattr(eqbrain, name)(f, grad_vars=x)
    transform(Y)
    assert int(calls.value) == 1 and not isinstance(calls.value, Tracer)
    eqbrain.jit(transform)(Y)
    assert int(calls.value) == 2


def test_vector_grad_inside_jit_sees_new_variable_values():
    x = Variable(X)
    g = eqbrain.jit(eqbrain.vector_grad(lambda: x.value**3, grad_vars=x))
    np.testing.assert_allclose(g(), 3 * X**2)
    x.value = Y
    np.testing.assert_allclose(g(), 3 * Y**2)


def test_errors():
    x = Variable(X)
    with pytest.raises(TypeError, match="grad_vars="):
        eqbrain.jacrev(lambda: x.value, grad_vars=[x, 1.0])
    with pytest.raises(TypeError, match=r"has_aux=True\) expects the function to return a pair"):
        eqbrain.jacfwd(lambda: x.value, grad_vars=x, has_aux=True)()
    with pytest.raises(TypeError, match="expects a callable"):
        eqbrain.vector_grad(3)  # pyright: ignore[reportArgumentType]
    with pytest.raises(TypeError, match="argument 0.*not an array"):
        eqbrain.jacrev(lambda s: 0.0)("text")
    np.testing.assert_array_equal(x.value, X)
