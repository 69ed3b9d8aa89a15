"""Parity with BrainPy 2.8's `brainpy/math/object_transform/autograd_test.py`.

All 34 cases: `grad` of pure functions and of modules (with `grad_vars`, `argnums`,
`has_aux`, `return_value` in every combination and BrainPy's return structures),
`jacrev`/`jacfwd` of a module with respect to its Variables and arguments,
`vector_grad` of pure functions and modules (direct and decorator forms), and two
functions that write Variables inside `vector_grad` (a random key, counters), eagerly and
under `jax.disable_jit()`. BrainPy's `bm.random` is replaced by `jax.random` with fixed
keys, and its `RandomState` by a key held in a Variable.
"""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.typing import ArrayLike

import eqbrain
from eqbrain import TrainVar, Variable

KEYS = jax.random.split(jax.random.key(0), 8)


def _abc():
    return (
        jnp.ones(10),
        jax.random.normal(KEYS[0], (10,)),
        jax.random.uniform(KEYS[1], (10,)),
    )


def _sum3(a, b, c):
    return jnp.sum(a + b + c)


def _sum3_aux(a, b, c):
    return jnp.sum(a + b + c), (jnp.sin(100.0), jnp.exp(0.1))


def _check_aux(aux):
    assert aux[0] == jnp.sin(100.0) and aux[1] == jnp.exp(0.1)


# -- pure functions --------------------------------------------------------------------


def test_grad_pure_func_1():
    grads = eqbrain.grad(_sum3, argnums=[0, 1, 2])(*_abc())
    assert len(grads) == 3 and all(bool((g == 1.0).all()) for g in grads)


def test_grad_pure_func_2():
    assert bool((eqbrain.grad(_sum3)(*_abc()) == 1.0).all())


def test_grad_pure_func_aux1():
    with pytest.raises(TypeError):  # a tuple output without has_aux
        eqbrain.grad(_sum3_aux, argnums=[0, 1, 2])(*_abc())


def test_grad_pure_func_aux2():
    grads, aux = eqbrain.grad(_sum3_aux, argnums=[0, 1, 2], has_aux=True)(*_abc())
    assert all(bool((g == 1.0).all()) for g in grads)
    _check_aux(aux)


def test_grad_pure_func_return1():
    a, b, c = _abc()
    grads, value = eqbrain.grad(_sum3, return_value=True)(a, b, c)
    assert bool((grads == 1.0).all()) and value == _sum3(a, b, c)


def test_grad_func_return_aux1():
    a, b, c = _abc()
    grads, value, aux = eqbrain.grad(_sum3_aux, return_value=True, has_aux=True)(a, b, c)
    assert bool((grads == 1.0).all()) and value == _sum3(a, b, c)
    _check_aux(aux)


def test_grad_jit():
    assert bool((eqbrain.jit(eqbrain.grad(_sum3))(*_abc()) == 1.0).all())


# -- modules ---------------------------------------------------------------------------


class Three(eqbrain.Module):
    a: TrainVar
    b: TrainVar
    c: TrainVar
    aux: bool = eqx.field(static=True)

    def __init__(self, aux=False, seed=0):
        super().__init__()
        k1, k2 = jax.random.split(jax.random.key(seed))
        self.a = TrainVar(jnp.ones(10))
        self.b = TrainVar(jax.random.normal(k1, (10,)))
        self.c = TrainVar(jax.random.uniform(k2, (10,)))
        self.aux = aux

    def __call__(self, d: ArrayLike = 0.0):
        total = jnp.sum(self.a + self.b + self.c + 2 * d)
        return (total, (jnp.sin(100.0), jnp.exp(0.1))) if self.aux else total


def _ones(grads):
    return all(bool((g == 1.0).all()) for g in grads)


def test_grad_ob1():
    t = Three()
    grads = eqbrain.grad(t, grad_vars={"a": t.a, "b": t.b, "c": t.c})()
    assert set(grads) == {"a", "b", "c"} and _ones(grads.values())
    t = Three()
    grads = eqbrain.grad(t, grad_vars=[t.a, t.b])()
    assert isinstance(grads, list) and len(grads) == 2 and _ones(grads)
    t = Three()
    assert bool((eqbrain.grad(t, grad_vars=t.a)() == 1.0).all())


def test_grad_ob_aux():
    t = Three(aux=True)
    grads, aux = eqbrain.grad(t, grad_vars=[t.a, t.b], has_aux=True)()
    assert _ones(grads)
    _check_aux(aux)
    grads, aux = eqbrain.grad(t, grad_vars=t.a, has_aux=True)()
    assert bool((grads == 1.0).all())
    _check_aux(aux)


def test_grad_ob_return():
    t = Three()
    grads, value = eqbrain.grad(t, grad_vars=[t.a, t.b], return_value=True)()
    assert _ones(grads) and value == t()
    grads, value = eqbrain.grad(t, grad_vars=t.a, return_value=True)()
    assert bool((grads == 1.0).all()) and value == t()


def test_grad_ob_aux_return():
    t = Three(aux=True)
    grads, value, aux = eqbrain.grad(t, grad_vars=[t.a, t.b], has_aux=True, return_value=True)()
    assert _ones(grads) and value == jnp.sum(t.a + t.b + t.c)
    _check_aux(aux)
    grads, value, aux = eqbrain.grad(t, grad_vars=t.a, has_aux=True, return_value=True)()
    assert bool((grads == 1.0).all()) and value == jnp.sum(t.a + t.b + t.c)
    _check_aux(aux)


D = jax.random.uniform(KEYS[2], (10,))


def test_grad_ob_argnums():
    t = Three()
    var_grads, arg_grads = eqbrain.grad(t, t.vars(), argnums=0)(D)
    assert _ones(var_grads.values()) and bool((arg_grads == 2.0).all())
    var_grads, arg_grads = eqbrain.grad(t, t.vars(), argnums=[0])(D)
    assert _ones(var_grads.values()) and bool((arg_grads[0] == 2.0).all())
    assert bool((eqbrain.grad(t, argnums=0)(D) == 2.0).all())
    assert bool((eqbrain.grad(t, argnums=[0])(D)[0] == 2.0).all())


def test_grad_ob_argnums_aux():
    t = Three(aux=True)
    (var_grads, arg_grads), aux = eqbrain.grad(t, grad_vars=t.vars(), argnums=0, has_aux=True)(D)
    assert _ones(var_grads.values()) and bool((arg_grads == 2.0).all())
    _check_aux(aux)
    (var_grads, arg_grads), aux = eqbrain.grad(t, t.vars(), argnums=[0], has_aux=True)(D)
    assert _ones(var_grads.values()) and bool((arg_grads[0] == 2.0).all())
    _check_aux(aux)
    arg_grads, aux = eqbrain.grad(t, argnums=0, has_aux=True)(D)
    assert bool((arg_grads == 2.0).all())
    _check_aux(aux)
    arg_grads, aux = eqbrain.grad(t, argnums=[0], has_aux=True)(D)
    assert bool((arg_grads[0] == 2.0).all())
    _check_aux(aux)


def test_grad_ob_argnums_return():
    t = Three()
    (var_grads, arg_grads), loss = eqbrain.grad(t, t.vars(), argnums=0, return_value=True)(D)
    assert _ones(var_grads.values()) and bool((arg_grads == 2.0).all()) and loss == t(D)
    (var_grads, arg_grads), loss = eqbrain.grad(t, t.vars(), argnums=[0], return_value=True)(D)
    assert bool((arg_grads[0] == 2.0).all()) and loss == t(D)
    arg_grads, loss = eqbrain.grad(t, argnums=0, return_value=True)(D)
    assert bool((arg_grads == 2.0).all()) and loss == t(D)
    arg_grads, loss = eqbrain.grad(t, argnums=[0], return_value=True)(D)
    assert bool((arg_grads[0] == 2.0).all()) and loss == t(D)


def test_grad_ob_argnums_aux_return():
    t = Three(aux=True)
    kw = dict(has_aux=True, return_value=True)
    (var_grads, arg_grads), loss, aux = eqbrain.grad(t, t.vars(), argnums=0, **kw)(D)
    assert _ones(var_grads.values()) and bool((arg_grads == 2.0).all())
    assert loss == t(D)[0]
    _check_aux(aux)
    (var_grads, arg_grads), loss, aux = eqbrain.grad(t, t.vars(), argnums=[0], **kw)(D)
    assert bool((arg_grads[0] == 2.0).all()) and loss == t(D)[0]
    arg_grads, loss, aux = eqbrain.grad(t, argnums=0, **kw)(D)
    assert bool((arg_grads == 2.0).all()) and loss == t(D)[0]
    _check_aux(aux)
    arg_grads, loss, aux = eqbrain.grad(t, argnums=[0], **kw)(D)
    assert bool((arg_grads[0] == 2.0).all()) and loss == t(D)[0]


# -- Jacobians of a module ---------------------------------------------------------------

X = jnp.array([1.0, 2.0, 3.0])
Y = jnp.array([10.0, 5.0])


def _f1(x, y):
    return jnp.asarray(
        [x[0] * y[0], 5 * x[2] * y[1], 4 * x[1] ** 2 - 2 * x[2], x[2] * jnp.sin(x[0])]
    )


class XY(eqbrain.Module):
    """`_f1` with both inputs held in Variables."""

    x: Variable
    y: Variable

    def __init__(self):
        super().__init__()
        self.x = Variable(X)
        self.y = Variable(Y)

    def __call__(self):
        return _f1(self.x.value, self.y.value)


class XArg(eqbrain.Module):
    """`_f1` with `x` in a Variable and `y` an argument; with `aux`, also `(c, d)`."""

    x: Variable
    aux: bool = eqx.field(static=True)

    def __init__(self, aux=False):
        super().__init__()
        self.x = Variable(X)
        self.aux = aux

    def __call__(self, y):
        x = self.x.value
        r = _f1(x, y)
        return (r, (r[2], r[3])) if self.aux else r


@pytest.mark.parametrize("name", ["jacrev", "jacfwd"])
def test_jac_of_module_variables(name):
    how, ours = getattr(jax, name), getattr(eqbrain, name)
    t = XY()
    assert bool((ours(t, grad_vars=t.x)() == how(_f1)(X, Y)).all())
    expected = how(_f1, argnums=(0, 1))(X, Y)
    got = ours(t, grad_vars=[t.x, t.y])()
    assert bool((got[0] == expected[0]).all()) and bool((got[1] == expected[1]).all())


@pytest.mark.parametrize("name", ["jacrev", "jacfwd"])
def test_jac_of_module_variables_and_arguments(name):
    how, ours = getattr(jax, name), getattr(eqbrain, name)
    t = XArg()
    assert bool((ours(t, grad_vars=t.x)(Y) == how(_f1)(X, Y)).all())
    expected = how(_f1, argnums=(0, 1))(X, Y)
    var_jac, arg_jac = ours(t, grad_vars=t.x, argnums=0)(Y)
    assert bool((var_jac == expected[0]).all()) and bool((arg_jac == expected[1]).all())


@pytest.mark.parametrize("name", ["jacrev", "jacfwd"])
def test_jac_aux(name):
    how, ours = getattr(jax, name), getattr(eqbrain, name)
    t = XArg(aux=True)
    jac, _ = ours(t, grad_vars=t.x, has_aux=True)(Y)
    assert bool((jac == how(_f1)(X, Y)).all())
    expected = how(_f1, argnums=(0, 1))(X, Y)
    (var_jac, arg_jac), aux = ours(t, grad_vars=t.x, argnums=0, has_aux=True)(Y)
    assert bool((var_jac == expected[0]).all()) and bool((arg_jac == expected[1]).all())
    np.testing.assert_array_equal(aux, t(Y)[1])


@pytest.mark.parametrize("name", ["jacrev", "jacfwd"])
def test_jac_return_aux(name):
    how, ours = getattr(jax, name), getattr(eqbrain, name)
    t = XArg(aux=True)
    jac, _ = ours(t, grad_vars=t.x, has_aux=True)(Y)
    assert bool((jac == how(_f1)(X, Y)).all())
    expected = how(_f1, argnums=(0, 1))(X, Y)
    value_expected, aux_expected = t(Y)
    kw = dict(grad_vars=t.x, argnums=0, has_aux=True, return_value=True)
    (var_jac, arg_jac), value, aux = ours(t, **kw)(Y)
    assert bool((var_jac == expected[0]).all()) and bool((arg_jac == expected[1]).all())
    np.testing.assert_array_equal(aux, aux_expected)
    np.testing.assert_array_equal(value, value_expected)


# -- vector_grad ----------------------------------------------------------------------


def test_vector_grad_1():
    out = eqbrain.vector_grad(lambda x: 3 * x**2, argnums=0)(jnp.ones(10))
    np.testing.assert_array_equal(out, jnp.full(10, 6.0))


def test_vector_grad_decorator_form():
    x = jnp.arange(1.0, 4.0)

    @eqbrain.vector_grad(argnums=0)
    def cube(x):
        return x**3

    np.testing.assert_array_equal(cube(x), 3 * x**2)
    by_decorator = eqbrain.vector_grad(argnums=0)(lambda x: x**2)
    direct = eqbrain.vector_grad(lambda x: x**2, argnums=0)
    np.testing.assert_array_equal(by_decorator(x), direct(x))


def _sq(x, y):
    return x**2 + y**2 + 10


def _sq_cube(x, y):
    return x**2 + y**2 + 10, x**3 + y**3 - 10


@pytest.mark.parametrize("shape", [(5,), (5, 5)], ids=["test2", "test4_2d"])
def test_vector_grad_argnums(shape):
    x, y = jnp.ones(shape), jnp.ones(shape)
    np.testing.assert_array_equal(eqbrain.vector_grad(_sq, argnums=0)(x, y), 2 * x)
    np.testing.assert_array_equal(eqbrain.vector_grad(_sq, argnums=(0,))(x, y)[0], 2 * x)
    gx, gy = eqbrain.vector_grad(_sq, argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, 2 * x)
    np.testing.assert_array_equal(gy, 2 * y)


def test_vector_grad_sums_several_outputs():
    x, y = jnp.ones(5), jnp.ones(5)
    np.testing.assert_array_equal(eqbrain.vector_grad(_sq_cube, argnums=0)(x, y), 2 * x + 3 * x**2)
    g = eqbrain.vector_grad(_sq_cube, argnums=(0,))(x, y)
    np.testing.assert_array_equal(g[0], 2 * x + 3 * x**2)
    gx, gy = eqbrain.vector_grad(_sq_cube, argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, 2 * x + 3 * x**2)
    np.testing.assert_array_equal(gy, 2 * y + 3 * y**2)


def test_vector_grad_aux():
    x, y = jnp.ones(5), jnp.ones(5)
    g, aux = eqbrain.vector_grad(_sq_cube, has_aux=True)(x, y)
    np.testing.assert_array_equal(g, 2 * x)
    np.testing.assert_array_equal(aux, x**3 + y**3 - 10)


def test_vector_grad_return_value():
    x, y = jnp.ones(5), jnp.ones(5)
    g, value = eqbrain.vector_grad(_sq, return_value=True)(x, y)
    np.testing.assert_array_equal(g, 2 * x)
    np.testing.assert_array_equal(value, _sq(x, y))


def test_vector_grad_return_value_and_aux():
    x, y = jnp.ones(5), jnp.ones(5)
    g, value, aux = eqbrain.vector_grad(_sq_cube, has_aux=True, return_value=True)(x, y)
    np.testing.assert_array_equal(g, 2 * x)
    np.testing.assert_array_equal(value, x**2 + y**2 + 10)
    np.testing.assert_array_equal(aux, x**3 + y**3 - 10)


def test_vector_grad_of_module_variables():
    class T(eqbrain.Module):
        x: Variable
        y: Variable

        def __init__(self):
            super().__init__()
            self.x = Variable(jnp.ones(5))
            self.y = Variable(jnp.ones(5))

        def __call__(self):
            return self.x**2 + self.y**2 + 10

    t = T()
    np.testing.assert_array_equal(eqbrain.vector_grad(t, grad_vars=t.x)(), 2 * t.x.value)
    np.testing.assert_array_equal(eqbrain.vector_grad(t, grad_vars=(t.x,))()[0], 2 * t.x.value)
    gx, gy = eqbrain.vector_grad(t, grad_vars=(t.x, t.y))()
    np.testing.assert_array_equal(gx, 2 * t.x.value)
    np.testing.assert_array_equal(gy, 2 * t.y.value)


# -- writes inside vector_grad -----------------------------------------------------------


def test_debug1_a_random_key_variable_advances():
    key = Variable(jax.random.PRNGKey(0))

    def f(b):
        k, sub = jax.random.split(key.value)
        key.value = k
        return b + jax.random.uniform(sub)

    f_grad = eqbrain.vector_grad(f, argnums=0)
    assert float(f_grad(1.0)) == 1.0
    first = np.asarray(key.value)
    with jax.disable_jit():
        assert float(f_grad(1.0)) == 1.0
    assert not np.array_equal(first, key.value)


def test_debug_correctness1():
    def run():
        a = Variable(jnp.ones(2))
        b = Variable(jnp.zeros(2))

        def f1(c):
            a.value += 1
            b.value += 10
            return a * b * c

        return a, b, eqbrain.vector_grad(f1, argnums=0)(1.0)

    r1 = run()
    with jax.disable_jit():
        r2 = run()
    for x, y in zip(r1, r2):
        np.testing.assert_allclose(jnp.asarray(x), jnp.asarray(y))

    def pure(c, a, b):
        return (a + 1) * (b + 10) * c

    y, pullback = jax.vjp(pure, 1.0, jnp.ones(2), jnp.zeros(2))
    np.testing.assert_allclose(r1[2], pullback(jnp.ones_like(y))[0])
    np.testing.assert_array_equal(r1[0].value, [2.0, 2.0])
    np.testing.assert_array_equal(r1[1].value, [10.0, 10.0])
