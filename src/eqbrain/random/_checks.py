"""The arguments of a draw, checked and converted before the key moves, as NumPy checks them.

A parameter that breaks its distribution's constraint (`normal(scale=-1)`,
`randint(5, 2)`, `poisson(-2.0)`) raises `ValueError` naming the sampler, the parameter
and the rule; a size with a negative entry raises too. Concrete values (Python numbers,
NumPy and JAX arrays, also while tracing) are checked eagerly. A traced parameter (a
tracer, e.g. an argument of a jitted function) has no value to check: it is passed
through unchecked, except for the rejection samplers, where a bad value would loop
forever: those get a run-time check (`equinox.error_if`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

Size = int | Sequence[int] | None


class Rule(NamedTuple):
    """A constraint on one parameter: how it reads (`'>= 0'`) and which values break it."""

    text: str
    bad: Callable[[Any], Any]


# NumPy's rules: a NaN scale passes (and draws NaN), a NaN probability or rate fails.
NON_NEGATIVE = Rule(">= 0", lambda x: x < 0)
POSITIVE = Rule("> 0", lambda x: x <= 0)
ABOVE_ONE = Rule("> 1", lambda x: ~(x > 1))
PROBABILITY = Rule("in [0, 1]", lambda x: ~((x >= 0) & (x <= 1)))
OPEN_PROBABILITY = Rule("in (0, 1)", lambda x: ~((x > 0) & (x < 1)))
SUCCESS_PROBABILITY = Rule("in (0, 1]", lambda x: ~((x > 0) & (x <= 1)))
RATE = Rule(">= 0 (and not NaN)", lambda x: ~(x >= 0))


def _show(x: Any) -> str:
    """A short rendering of a bad argument for a message."""
    if np.ndim(x) == 0:
        return repr(np.asarray(x).item())
    arr = np.asarray(x)
    return f"an array of shape {arr.shape}" + (f" ({arr.tolist()})" if arr.size <= 6 else "")


def is_traced(*values: Any) -> bool:
    """Whether any of `values` is a tracer (its value unknown until run time)."""
    return any(isinstance(v, Tracer) for v in values)


def check(sampler: str, name: str, value: Any, rule: Rule, *, at_run_time: bool = False) -> Any:
    """`value` (lists as arrays), once it obeys `rule`.

    **Arguments:**

    - `sampler`, `name`: the method and the parameter, for the message.
    - `value`: the parameter (a number, a list, a NumPy or JAX array, or a tracer).
    - `rule`: the constraint, e.g. `NON_NEGATIVE`.
    - `at_run_time`: for a traced `value`, check it when the compiled code runs
      (`equinox.error_if`) instead of passing it through unchecked.

    **Raises:** `ValueError` (`"normal needs scale >= 0, got -1.0."`) for a concrete
    value that breaks the rule.
    """
    value = as_array(value)
    if isinstance(value, Tracer):
        if not at_run_time:
            return value
        return eqx.error_if(value, rule.bad(value), f"{sampler} needs {name} {rule.text}.")
    if bool(np.any(rule.bad(np.asarray(value)))):
        raise ValueError(f"{sampler} needs {name} {rule.text}, got {_show(value)}.")
    return value


def check_relation(
    sampler: str, text: str, bad: Callable[..., Any], *values: Any, at_run_time: bool = False
) -> Any:
    """The first of `values`, once `bad(*values)` is all False: `ValueError`
    (`"randint needs low < high, got low=5, high=2."`) for concrete values; traced ones
    pass unchecked, or with `at_run_time` are checked when the compiled code runs.

    **Arguments:**

    - `sampler`, `text`: the method and the rule, for the message (`'low < high'`).
    - `bad`: which combinations break the rule, a function of `values`.
    - `values`: `(name, value)` pairs.
    """
    names = [n for n, _ in values]
    arrays = [as_array(v) for _, v in values]
    if is_traced(*arrays):
        if not at_run_time:
            return arrays[0]
        # `error_if` threads its check through an array: a Python number becomes one
        first = jnp.asarray(arrays[0])
        return eqx.error_if(first, bad(*map(jnp.asarray, arrays)), f"{sampler} needs {text}.")
    if bool(np.any(bad(*map(np.asarray, arrays)))):
        got = ", ".join(f"{n}={_show(a)}" for n, a in zip(names, arrays))
        raise ValueError(f"{sampler} needs {text}, got {got}.")
    return arrays[0]


def as_array(x: Any, dtype: Any = None) -> Any:
    """Lists and tuples as arrays (JAX samplers reject them); arrays pass through."""
    if isinstance(x, list | tuple):
        return jnp.asarray(x, dtype)
    return x if dtype is None else jnp.asarray(x, dtype)


def float_dtype(dtype: Any) -> Any:
    """`dtype`, or JAX's default float dtype for `None`."""
    return jax.dtypes.canonicalize_dtype(float if dtype is None else dtype)


def int_dtype(dtype: Any) -> Any:
    """`dtype`, or JAX's default int dtype for `None`."""
    return jax.dtypes.canonicalize_dtype(int if dtype is None else dtype)


def is_int(x: Any) -> bool:
    """Whether `x` is a Python or NumPy integer (not a bool)."""
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def shape_of(size: Size, *params: Any) -> tuple[int, ...]:
    """`size` as a shape tuple; without one, the broadcast shape of the parameters.

    **Raises:** `TypeError` for a size that is not an int or a sequence of ints,
    `ValueError` for a negative entry (NumPy's "negative dimensions are not allowed").
    """
    if size is None:
        return tuple(jnp.broadcast_shapes(*(jnp.shape(p) for p in params if p is not None)))
    if is_int(size):
        shape: tuple[int, ...] = (int(size),)  # type: ignore[arg-type]
    elif isinstance(size, Sequence) and not isinstance(size, str) and all(map(is_int, size)):
        shape = tuple(int(s) for s in size)
    else:
        raise TypeError(f"size must be None, an int or a sequence of ints, got {size!r}.")
    if any(s < 0 for s in shape):
        raise ValueError(f"size must have no negative entries, got {size!r}.")
    return shape
