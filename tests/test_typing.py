"""What type checkers see: the transforms keep the wrapped function's signature, and a
Variable's arithmetic gives arrays.

pyright checks this file in CI (`pyright` over `tests/`): each `assert_type` must hold,
and each `# pyright: ignore[...]` must silence a real error (the config reports
unnecessary ones), so a transform that lost its signature fails the type check. The
tests also run, so every call shown here works.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import PyTree
from typing_extensions import assert_type

import eqbrain


class Counter(eqbrain.Module):
    n: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.n = eqbrain.Variable(jnp.zeros(()))

    @eqbrain.jit
    def add(self, x: jax.Array, times: int = 1) -> jax.Array:
        self.n.value += times
        return x * times


def scale(x: jax.Array, factor: float = 2.0) -> jax.Array:
    return x * factor


def test_jit_keeps_parameters_and_return_type():
    f = eqbrain.jit(scale)
    out = f(jnp.ones(2), factor=3.0)
    assert_type(out, jax.Array)
    np.testing.assert_array_equal(out, [3.0, 3.0])
    assert f.jaxpr(jnp.ones(2)) is not None  # the extra methods take the same arguments
    with np.testing.assert_raises(TypeError):  # a str is static: scale("two") runs
        f("two")  # pyright: ignore[reportArgumentType]


def test_jit_with_arguments_is_a_decorator_keeping_the_signature():
    @eqbrain.jit(static_argnames="factor")
    def g(x: jax.Array, factor: float = 2.0) -> jax.Array:
        return x * factor

    assert_type(g(jnp.ones(1), factor=4.0), jax.Array)
    np.testing.assert_array_equal(g(jnp.ones(1), factor=4.0), [4.0])


def test_jit_on_a_method_binds_self():
    c = Counter()
    assert_type(c.add(jnp.ones(2), 3), jax.Array)
    assert float(c.n.value) == 3.0
    with np.testing.assert_raises(TypeError):
        c.add(jnp.ones(2), 1, 2)  # pyright: ignore[reportCallIssue]


def test_grad_keeps_parameters_and_value_and_grad_the_value_type():
    def loss(w: jax.Array, scale: float) -> jax.Array:
        return jnp.sum(w**2) * scale

    g = eqbrain.grad(loss)
    assert_type(g(jnp.ones(2), 1.0), PyTree)
    np.testing.assert_array_equal(g(jnp.ones(2), 1.0), [2.0, 2.0])
    vg = eqbrain.value_and_grad(loss)
    value, grads = vg(jnp.ones(2), 1.0)
    assert_type(value, jax.Array)
    assert float(value) == 2.0
    np.testing.assert_array_equal(grads, [2.0, 2.0])
    with np.testing.assert_raises(TypeError):
        g(jnp.ones(2))  # pyright: ignore[reportCallIssue]


def test_loops_and_cond_give_the_bodys_types():
    total = eqbrain.Variable(jnp.zeros(()))

    def step(x: jax.Array) -> jax.Array:
        total.value += x
        return total.value

    ys = eqbrain.for_loop(step, jnp.arange(3.0))
    assert_type(ys, jax.Array)
    np.testing.assert_array_equal(ys, [0.0, 1.0, 3.0])

    def body(c: jax.Array, x: jax.Array) -> tuple[jax.Array, jax.Array]:
        return c + x, c

    carry, seen = eqbrain.scan(body, jnp.zeros(()), jnp.arange(3.0))
    assert_type(carry, jax.Array)
    assert float(carry) == 3.0 and seen.shape == (3,)
    out = eqbrain.cond(True, lambda: jnp.ones(2), lambda: jnp.zeros(2))
    assert_type(out, jax.Array)
    np.testing.assert_array_equal(out, [1.0, 1.0])


def test_variable_arithmetic_gives_arrays_and_in_place_keeps_the_variable():
    v = eqbrain.TrainVar(jnp.ones(2))
    assert_type(v + 1, jax.Array)
    assert_type(2 * v, jax.Array)
    assert_type(v >= 1, jax.Array)
    assert_type(v == v, jax.Array)
    assert_type(v.value, jax.Array)
    cell = v
    v += 1
    v /= 2
    assert_type(v, eqbrain.TrainVar)
    assert v is cell
    np.testing.assert_array_equal(v.value, [1.0, 1.0])
    with np.testing.assert_raises(eqbrain.MathError):
        v.value = "not numbers"  # pyright: ignore[reportAttributeAccessIssue]
    np.testing.assert_array_equal(v.value, [1.0, 1.0])


def test_an_any_argument_gives_a_usable_result():
    fn: Any = scale
    assert_type(eqbrain.jit(fn)(jnp.ones(1)), Any)
