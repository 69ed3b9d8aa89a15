"""The bridge to diffrax: BrainPy-style derivatives as diffrax terms, and `method='diffrax'`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
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
