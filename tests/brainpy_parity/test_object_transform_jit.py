"""Parity with BrainPy 2.8's `brainpy/math/object_transform/jit_test.py`.

Five cases (BrainPy skips two more as "not implemented"): a callable module compiled
with `jit` (also under `jax.disable_jit()`), `static_argnums` and `static_argnames`,
two jitted views of one method, and `cls_jit` on a plain class. BrainPy's global
`bm.random` state becomes a PRNG key held in a Variable.

Listed in `docs/migrating.md`: BrainPy's `jit(f, static_argnames=['fit'])` traces a
positional `fit` (so `f(False)` raises `TracerBoolConversionError`); eqbrain completes
the static arguments from the signature as `jax.jit` does, so `f(False)` is static too.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.core import Tracer

import eqbrain
from eqbrain import Variable


class SomeProgram(eqbrain.Module):
    a: jax.Array
    b: Variable
    key: Variable

    def __init__(self):
        super().__init__()
        self.a = jnp.zeros(2)
        self.b = Variable(jnp.ones(2))
        self.key = Variable(jax.random.PRNGKey(123))

    def uniform(self, n):
        key, sub = jax.random.split(self.key.value)
        self.key.value = key
        return jax.random.uniform(sub, (n,))

    def __call__(self):
        a = self.uniform(2).at[0].set(1.0)
        self.b += a
        return self.b.value

    def call(self, fit=True):
        a = self.uniform(2)
        if fit:
            a = a.at[0].set(1.0)
        self.b.value += a
        return self.b.value


def test_jit_a_callable_module():
    program = SomeProgram()
    out = eqbrain.jit(program)()
    np.testing.assert_array_equal(out, program.b.value)
    assert float(program.b.value[0]) == 2.0


def test_jit_a_callable_module_with_jit_disabled():
    program = SomeProgram()
    with jax.disable_jit():
        out = eqbrain.jit(program)()
        np.testing.assert_array_equal(out, program.b.value)
    assert float(program.b.value[0]) == 2.0
    assert not isinstance(program.b.value, Tracer)


def test_static_argnums_and_static_argnames():
    a = Variable(jnp.ones(2))

    @eqbrain.jit(static_argnums=1)
    def f(b, c):
        a.value *= b
        a.value /= c

    f(1.0, 2.0)
    np.testing.assert_allclose(a.value, 0.5)

    @eqbrain.jit(static_argnames=["c"])
    def f2(b, c):
        a.value *= b
        a.value /= c

    f2(2.0, c=1.0)
    np.testing.assert_allclose(a.value, 1.0)


def test_two_jitted_views_of_one_method():
    program = SomeProgram()
    call1 = eqbrain.jit(program.call, static_argnums=0)
    call2 = eqbrain.jit(program.call, static_argnames=["fit"])
    b1 = call1(True)
    assert float(b1[0]) == 2.0
    b2 = call2(fit=False)
    assert float(b2[0]) > 2.0
    # eqbrain (as jax.jit) also treats a positional `fit` as static: no error here.
    call2(False)
    # A traced bool in Python control flow is JAX's error, as BrainPy's case expects.
    with pytest.raises(jax.errors.TracerBoolConversionError):
        eqbrain.jit(program.call)(False)


def test_cls_jit_on_a_plain_class():
    class MyObj:
        def __init__(self):
            self.a = Variable(jnp.ones(2))

        @eqbrain.cls_jit(static_argnums=0)
        def f(self, b, c):
            self.a.value *= b
            self.a.value /= c

    obj = MyObj()
    obj.f(1.0, 2.0)
    np.testing.assert_allclose(obj.a.value, 0.5)

    class MyObj2:
        def __init__(self):
            self.a = Variable(jnp.ones(2))

        @eqbrain.cls_jit(static_argnames=["c"])
        def f(self, b, c):
            self.a.value *= b
            self.a.value /= c

    obj2 = MyObj2()
    obj2.f(1.0, c=2.0)
    np.testing.assert_allclose(obj2.a.value, 0.5)
