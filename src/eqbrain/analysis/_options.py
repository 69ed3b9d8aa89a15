"""`options=`: BrainPy's analytic nullcline helpers, read into `Curve`s.

A helper gives one variable of a 2D system on one nullcline as a function of the other
variable, e.g. `'y_by_x_in_fy'`: `y = g(x)` on the nullcline `dy/dt = 0`. Its first
argument is the other variable; its further arguments are target parameters, values of
`pars_update` or `fixed_vars`, by name (or keep their defaults).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import equinox as eqx
import jax.numpy as jnp

from .._errors import AnalyzerError

# name: (the component that vanishes on the curve, the variable the helper gives)
KEYS = {
    "x_by_y_in_fx": (0, 0),
    "x_by_y_in_fy": (1, 0),
    "y_by_x_in_fx": (0, 1),
    "y_by_x_in_fy": (1, 1),
}
# BrainPy's spelling of the keys (`brainpy.analysis.constants`)
BRAINPY_KEYS = {
    "fx::x=f(y)": "x_by_y_in_fx",
    "fy::x=f(y)": "x_by_y_in_fy",
    "fx::y=f(x)": "y_by_x_in_fx",
    "fy::y=f(x)": "y_by_x_in_fy",
}


class Curve(eqx.Module):
    """A nullcline given by a helper: the points `(g(s), s)` (`j = 0`) or `(s, g(s))`
    (`j = 1`), on which component `k` of the field vanishes."""

    eqs: Any
    fn: Callable[..., Any] = eqx.field(static=True)
    k: int = eqx.field(static=True)
    j: int = eqx.field(static=True)
    pars: tuple[tuple[str, int], ...] = eqx.field(static=True)
    consts: tuple[tuple[str, float], ...] = eqx.field(static=True)

    def point(self, s: Any, p: Any) -> Any:
        kw: dict[str, Any] = {name: p[i] for name, i in self.pars}
        kw.update(self.consts)
        v = jnp.asarray(self.fn(s, **kw), dtype=jnp.result_type(s)).reshape(())
        return jnp.stack([v, s]) if self.j == 0 else jnp.stack([s, v])

    def residual(self, s: Any, p: Any) -> Any:
        """The other component of the field along the curve: zero at a fixed point."""
        return self.eqs.field(self.point(s, p), p)[1 - self.k]


def _bind(an: Any, key: str, fn: Any) -> tuple[tuple, tuple]:
    """Which of the helper's arguments after the first come from the parameter row and
    which are constants."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        raise AnalyzerError(f"options[{key!r}] must be a function, got {fn!r}.") from None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if not params or params[0].kind not in positional:
        raise AnalyzerError(
            f"options[{key!r}] must take the other variable as its first argument."
        )
    consts = {**an.pars_update, **an.fixed_vars}
    pars, fixed = [], []
    for prm in params[1:]:
        if prm.name in an.target_par_names:
            pars.append((prm.name, an.target_par_names.index(prm.name)))
        elif prm.name in consts:
            fixed.append((prm.name, consts[prm.name]))
        elif prm.default is prm.empty and prm.kind not in (prm.VAR_POSITIONAL, prm.VAR_KEYWORD):
            raise AnalyzerError(
                f"options[{key!r}] takes {prm.name!r}, which is neither a target parameter "
                f"{list(an.target_par_names)} nor set in pars_update or fixed_vars; give it "
                "a default or a value."
            )
    return tuple(pars), tuple(fixed)


def read_options(an: Any, options: Any) -> dict[str, Curve]:
    """`{name: Curve}` from BrainPy's `options`, or an error naming the bad key."""
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise TypeError(
            "options must be a dict of nullcline helpers, e.g. {'y_by_x_in_fy': g}, got "
            f"{options!r} of type {type(options).__name__}."
        )
    if options and len(an.target_var_names) != 2:
        raise AnalyzerError(
            f"options gives nullclines of 2D systems; {type(an).__name__} analyses "
            f"{list(an.target_var_names)}. Remove options."
        )
    curves = {}
    for key, fn in options.items():
        name = BRAINPY_KEYS.get(key, key)
        if name not in KEYS:
            raise AnalyzerError(
                f"options names {key!r}, which is not a nullcline helper; the known keys "
                f"are {list(KEYS)} (or BrainPy's {list(BRAINPY_KEYS)})."
            )
        if name in curves:
            raise AnalyzerError(
                f"options gives the helper {name!r} twice (as {key!r} too); keep one."
            )
        if not callable(fn):
            raise AnalyzerError(f"options[{key!r}] must be a function, got {fn!r}.")
        pars, consts = _bind(an, key, fn)
        k, j = KEYS[name]
        curves[name] = Curve(an._eqs, fn, k, j, pars, consts)
    return curves
