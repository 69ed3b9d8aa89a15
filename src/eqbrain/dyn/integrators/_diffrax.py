"""The bridge to diffrax: BrainPy-style derivatives as diffrax terms, and `method='diffrax'`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu

from ._joint_eq import JointEq
from ._methods import detach
from ._signature import read_signature

DIFFRAX_MSG = """\
method='diffrax' needs the optional dependency diffrax: `pip install diffrax` (or \
`pip install eqbrain[diffrax]`)."""


def import_diffrax() -> Any:
    try:
        import diffrax
    except ImportError:  # pragma: no cover - diffrax is installed in the test extra
        raise ImportError(DIFFRAX_MSG) from None
    return diffrax


class VectorField(eqx.Module):
    """`f(y, t, *args)` as diffrax's `vector_field(t, y, args)`.

    `f` is a field (not static): a method of a module, or a callable module, brings its
    arrays into diffrax's trace, so gradients reach them.
    """

    f: Callable
    n_state: int = eqx.field(static=True)
    packed: bool = eqx.field(static=True, default=False)

    def __call__(self, t, y, args):
        ys = (y,) if self.n_state == 1 else tuple(y)
        if self.packed:  # args = (positional, keyword) from an ODEIntegrator call
            pos, kw = args
        else:
            pos, kw = (() if args is None else args if isinstance(args, tuple) else (args,)), {}
        out = self.f(*ys, t, *pos, **kw)
        if isinstance(self.f, JointEq) and self.n_state == 1:
            return out[0]
        return out if self.n_state == 1 else tuple(out)


def diffrax_term(f: Callable) -> Any:
    """A `diffrax.ODETerm` for a BrainPy-style derivative function `f(y, t, *args)`.

    Diffrax calls `vector_field(t, y, args)`; this adapter calls `f(*y, t, *args)` when
    `f` has several state variables (then `y` is their tuple) and `f(y, t, *args)` for
    one. `args` is the tuple of `f`'s extra arguments (a non-tuple is the only one). `f`
    may be a `JointEq`.

    **Arguments:**

    - `f`: the derivative function; its parameters before `t` are the state variables.

    ```python
    def f(V, w, t, I):
        return -V - w + I, (V - w) / 10.0

    sol = diffrax.diffeqsolve(eqbrain.diffrax_term(f), diffrax.Tsit5(), t0=0.0, t1=10.0,
                              dt0=0.1, y0=(V0, w0), args=(I,))
    ```
    """
    diffrax = import_diffrax()
    spec = read_signature(f)
    return diffrax.ODETerm(VectorField(detach(f), len(spec.variables)))


def solve(
    f: Callable,
    n: int,
    solver: Any,
    controller: Any,
    max_steps: int,
    ys: tuple,
    t: Any,
    args: tuple,
    kwargs: dict,
    dt: Any,
) -> tuple:
    """`diffrax.diffeqsolve` from `t` to `t + dt`: the states at `t + dt`."""
    diffrax = import_diffrax()
    term = diffrax.ODETerm(VectorField(f, n, packed=True))
    adaptive = not isinstance(controller, diffrax.ConstantStepSize)
    # arrays, not Python floats: diffeqsolve's filter_jit would compile for each value
    t0 = jnp.asarray(t)
    dt = jnp.asarray(dt, dtype=jnp.result_type(t0, dt))
    sol = diffrax.diffeqsolve(
        term,
        solver,
        t0=t0,
        t1=t0 + dt,
        dt0=None if adaptive else dt,
        y0=ys[0] if n == 1 else ys,
        args=(args, kwargs),
        saveat=diffrax.SaveAt(t1=True),
        stepsize_controller=controller,
        max_steps=max_steps,
    )
    y1 = jtu.tree_map(lambda x: x[0], sol.ys)
    return (y1,) if n == 1 else tuple(y1)


def solve_sde(
    drift: Callable,
    noise: Callable,
    ys: tuple,
    gs: tuple,
    t: Any,
    dt: Any,
    key: Any,
    solver_controller: tuple,
    max_steps: int,
    vector: bool,
) -> tuple:
    """One `diffrax.diffeqsolve` of an SDE from `t` to `t + dt`, the Wiener process a
    `diffrax.VirtualBrownianTree` drawn from `key`: the states at `t + dt`.

    The states are raveled into one vector; each element has its own Wiener process (or
    `m` of them with `vector=True`), as BrainPy's noise model.
    """
    import lineax as lx
    from jax.flatten_util import ravel_pytree

    diffrax = import_diffrax()
    solver, controller = solver_controller
    y0, unravel = ravel_pytree(ys)
    m = next((g.shape[-1] for g in gs if g is not None), 1) if vector else None

    def g_flat(t_, y):
        states = unravel(y)
        parts = []
        for s, g in zip(states, noise(states, t_)):
            shape = jnp.shape(s) + ((m,) if vector else ())
            g = jnp.zeros(shape, y.dtype) if g is None else jnp.broadcast_to(g, shape)
            parts.append(g.reshape((-1, m) if vector else (-1,)))
        return jnp.concatenate(parts).astype(y.dtype)

    shape = (y0.size, m) if vector else (y0.size,)
    t0 = jnp.asarray(t, y0.dtype)
    dt = jnp.asarray(dt, y0.dtype)
    brownian = diffrax.VirtualBrownianTree(
        t0, t0 + dt, tol=dt / 256, shape=jax.ShapeDtypeStruct(shape, y0.dtype), key=key
    )

    def diffusion(t_, y, args):
        g = g_flat(t_, y)
        if not vector:
            return lx.DiagonalLinearOperator(g)
        return lx.FunctionLinearOperator(
            lambda c: jnp.sum(g * c, axis=-1), jax.ShapeDtypeStruct(shape, y0.dtype)
        )

    terms = diffrax.MultiTerm(
        diffrax.ODETerm(lambda t_, y, args: ravel_pytree(drift(unravel(y), t_))[0]),
        diffrax.ControlTerm(diffusion, brownian),
    )
    sol = diffrax.diffeqsolve(
        terms,
        solver,
        t0=t0,
        t1=t0 + dt,
        dt0=dt,
        y0=y0,
        saveat=diffrax.SaveAt(t1=True),
        stepsize_controller=controller,
        max_steps=max_steps,
    )
    assert sol.ys is not None
    return tuple(unravel(sol.ys[0]))
