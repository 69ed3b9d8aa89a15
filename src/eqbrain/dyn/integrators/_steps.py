"""One step of each method, as pure functions of the states (tuples of pytrees).

`fn(ys, t)` returns the derivatives of the state tuple `ys` at time `t`, with the
derivative function's arguments already bound. The compiled step is the method's
arithmetic and nothing else: a Runge-Kutta step unrolls its stages, skipping zero
coefficients, as one would write it by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu

from ._tableaus import ButcherTableau

Derivs = Callable[[tuple, Any], tuple]


def _axpy(ys: tuple, dt: Any, terms: Sequence[tuple[float, tuple]]) -> tuple:
    """`ys + dt * sum(coef * k)` leaf by leaf."""
    if not terms:
        return ys

    def leaf(y, *ks):
        acc = None
        for (c, _), k in zip(terms, ks):
            term = k if c == 1.0 else c * k
            acc = term if acc is None else acc + term
        return y + dt * acc

    return jtu.tree_map(leaf, ys, *(k for _, k in terms))


def _stages(fn: Derivs, tab: ButcherTableau, ys: tuple, t: Any, dt: Any) -> list[tuple]:
    ks: list[tuple] = []
    for a_i, c_i in zip(tab.a, tab.c):
        y_i = _axpy(ys, dt, [(a, k) for a, k in zip(a_i, ks) if a != 0.0])
        t_i = t if c_i == 0.0 else t + c_i * dt
        ks.append(fn(y_i, t_i))
    return ks


def runge_kutta(fn: Derivs, tab: ButcherTableau, ys: tuple, t: Any, dt: Any) -> tuple:
    """One explicit Runge-Kutta step of `tab` from `(t, ys)` to `t + dt`."""
    ks = _stages(fn, tab, ys, t, dt)
    return _axpy(ys, dt, [(b, k) for b, k in zip(tab.b, ks) if b != 0.0])


def embedded(
    fn: Derivs, tab: ButcherTableau, ys: tuple, t: Any, dt: Any, tol: float, per_element: bool
) -> tuple[tuple, Any]:
    """One step of an embedded pair, and the next step size, as BrainPy's adaptive methods.

    The step is always taken. Its error is `|dt * sum((b - b_embedded) k)|`, summed over
    the elements of every state (`per_element=False`, BrainPy's population variables:
    one step size) or kept per element (`per_element=True`, BrainPy's scalar variables:
    a step size per element). The next step size is `dt * clip(0.9 (tol / error)^0.2,
    0.2, 5)`.
    """
    assert tab.b_embedded is not None
    ks = _stages(fn, tab, ys, t, dt)
    new = _axpy(ys, dt, [(b, k) for b, k in zip(tab.b, ks) if b != 0.0])
    diff = [(b - e, k) for b, e, k in zip(tab.b, tab.b_embedded, ks) if b != e]
    error: Any = 0.0
    for leaf_err in jtu.tree_leaves(_axpy(jtu.tree_map(jnp.zeros_like, ys), dt, diff)):
        e = jnp.abs(leaf_err)
        error = error + (e if per_element else jnp.sum(e))
    factor = jnp.clip(0.9 * (tol / (error + 1e-12)) ** 0.2, 0.2, 5.0)
    return new, dt * factor


def _phi(z: jax.Array) -> jax.Array:
    """`(exp(z) - 1) / z`, exact at and near 0 (value and gradient)."""
    small = jnp.abs(z) < 1e-6
    safe = jnp.where(small, 1.0, z)
    return jnp.where(small, 1.0 + z / 2.0 + z * z / 6.0, jnp.expm1(safe) / safe)


def exp_euler_linear(y: Any, derivative: Any, linear: Any, dt: Any) -> Any:
    """One exponential Euler step of `dy/dt = derivative` whose linear part in `y` is
    `linear` (known in closed form): what `exponential_euler` computes, without
    differentiating for `linear`."""
    return y + dt * _phi(linear * dt) * derivative


def exponential_euler(
    blocks: Sequence[tuple[Sequence[int], Callable]], ys: tuple, dt: Any
) -> tuple:
    """One exponential Euler step: `y + dt * phi(A dt) * f(y)`, `A` each state's linear part.

    `blocks` splits the system into equations: `(indices of its states in ys, fn(*those)
    -> their derivatives)`, every other input held at the step's start. For each state,
    `A` is the gradient of the sum of its derivative's elements with respect to it
    (reverse-mode autodiff with a cotangent of ones, BrainPy's `vector_grad`): the
    Jacobian's diagonal when each element's derivative depends on its own element only,
    as in a population of neurons.
    """
    out = list(ys)
    for idx, fn in blocks:
        own = tuple(ys[i] for i in idx)
        derivs, pullback = jax.vjp(fn, *own)
        ones = tuple(jtu.tree_map(jnp.ones_like, d) for d in derivs)
        if len(own) == 1:
            diag = pullback(ones)
        else:  # each state's own part: a cotangent of ones on its derivative only
            zeros = tuple(jtu.tree_map(jnp.zeros_like, d) for d in derivs)
            diag = tuple(
                pullback((*zeros[:j], ones[j], *zeros[j + 1 :]))[j] for j in range(len(own))
            )
        for j, i in enumerate(idx):
            out[i] = jtu.tree_map(
                lambda y, d, a: y + dt * _phi(a * dt) * d, own[j], derivs[j], diag[j]
            )
    return tuple(out)
