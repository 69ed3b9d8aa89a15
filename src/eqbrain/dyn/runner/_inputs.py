"""Runner inputs: `inputs=[(target, value, type, op)]`, BrainPy's DSRunner inputs.

Each step, before `update`, every input writes into its target Variable:

- `type`: `'fix'` (the same value every step), `'iter'` (an array or sequence with a
  leading time axis, indexed by the step index `i`; or an iterator, advanced once per
  step) or `'func'` (a function of no argument called each step; it may read
  `eqbrain.share.load("t")`);
- `op`: `'+'` (default), `'-'`, `'*'`, `'/'` or `'='`.

The inputs are applied in BrainPy's order: fixed ones, then iterated, then functions.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.core import Tracer

from ..._core import Variable
from ._errors import RunningError, add_note
from ._monitors import Resolver, is_numeric

OPS = ("=", "+", "-", "*", "/")
TYPES = ("fix", "iter", "func")

_FORM_MSG = """\
inputs must be a list of `(target, value[, type[, op]])` tuples or a function called \
each step; {detail} (The runner's second argument is `inputs`, as in BrainPy; pass \
`monitors=` by keyword. Inputs to `update` go to `run(duration, inputs)`.)"""


@dataclass(eq=False)
class Input:
    """One input: `op` applies `value` (of `kind`) to `var` each step."""

    var: Variable
    value: Any
    kind: str
    op: str

    @property
    def order(self) -> int:
        return {"fix": 0, "iter": 1, "func": 2}[self.kind]


def _as_data(value: Any, what: str) -> jax.Array:
    try:
        data = jnp.asarray(value)
    except (TypeError, ValueError) as e:
        raise RunningError(f"{what}: the value {value!r} is not an array ({e}).") from None
    if data.dtype == jnp.float64:  # x64 off: keep float32 quietly, as jnp.asarray would
        data = data.astype(jnp.float32)
    return data


def _check_fits(var: Variable, shape: tuple[int, ...], what: str) -> None:
    try:
        out = np.broadcast_shapes(shape, var.shape)
    except ValueError:
        out = None
    if out != tuple(var.shape):
        raise RunningError(
            f"{what}: a value of shape {shape} does not broadcast to {var.describe()}."
        )


def parse_inputs(model: Any, inputs: Any) -> list[Input] | Callable:
    """The inputs of `model` from BrainPy's `inputs=` forms (or a function)."""
    if inputs is None:
        return []
    if callable(inputs) and not isinstance(inputs, list | tuple):
        return inputs
    if not isinstance(inputs, list | tuple):
        raise RunningError(_FORM_MSG.format(detail=f"got a {type(inputs).__name__}."))
    if inputs and not isinstance(inputs[0], list | tuple):
        if not isinstance(inputs[0], str | Variable):
            raise RunningError(_FORM_MSG.format(detail=f"got {inputs!r}."))
        inputs = [inputs]
    resolver = Resolver(model)
    out: list[Input] = []
    for item in inputs:
        if not isinstance(item, list | tuple) or not 2 <= len(item) <= 4:
            raise RunningError(
                _FORM_MSG.format(detail=f"each needs a target and a value, got {item!r}.")
            )
        target, value = item[0], item[1]
        kind = item[2] if len(item) > 2 else "fix"
        op = item[3] if len(item) > 3 else "+"
        if kind not in TYPES:
            raise RunningError(f"input type must be one of {list(TYPES)}, got {kind!r}.")
        if op not in OPS:
            raise RunningError(f"input operation must be one of {list(OPS)}, got {op!r}.")
        if isinstance(target, str):
            var = resolver.resolve(target, what="input target")
        elif isinstance(target, Variable):
            var = target
        else:
            raise RunningError(f"an input target is a Variable or its path (str), got {target!r}.")
        what = f"input to {var.describe()}"
        if kind == "fix":
            value = _as_data(value, what)
            _check_fits(var, value.shape, what)
        elif kind == "iter":
            if isinstance(value, list | tuple | np.ndarray | jax.Array):
                value = _as_data(value, what)
                if value.ndim == 0:
                    raise RunningError(f"{what}: an 'iter' value needs a leading time axis.")
                _check_fits(var, value.shape[1:], what)
            elif isinstance(value, Iterable) and not isinstance(value, str | bytes):
                value = iter(value)
            else:
                raise ValueError(
                    f"{what} has type 'iter', so its value must be an array (time first) "
                    f"or an iterable; got a {type(value).__name__}."
                )
        elif not callable(value):
            raise ValueError(
                f"{what} has type 'func', so its value must be a function called each "
                f"step; got a {type(value).__name__}."
            )
        out.append(Input(var, value, kind, op))
    out.sort(key=lambda x: x.order)
    return out


def apply(var: Variable, op: str, data: Any) -> None:
    """Write `var op= data` (`=` broadcasts `data` to the Variable's shape)."""
    current = var.value
    data = jnp.asarray(data)
    if op == "=":
        new = jnp.broadcast_to(data, current.shape)
    elif op == "+":
        new = current + data
    elif op == "-":
        new = current - data
    elif op == "*":
        new = current * data
    else:
        new = current / data
    if new.dtype != current.dtype and jnp.can_cast(new.dtype, current.dtype, "same_kind"):
        new = new.astype(current.dtype)
    var.value = new


def call_input(fn: Callable, shared: dict) -> Any:
    """Call an input (or monitor) function: with no argument, or BrainPy's older `fn(sh)`."""
    try:
        params = [
            p
            for p in inspect.signature(fn).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        params = []
    return fn(shared) if params else fn()


def func_value(inp: Input, shared: dict) -> Any:
    """This step's value of a `'func'` input; its errors and results name the input."""
    try:
        data = call_input(inp.value, shared)
    except Exception as e:
        add_note(e, f"(raised by the 'func' input to {inp.var.describe()})")
        raise
    if not all(is_numeric(leaf) for leaf in jax.tree_util.tree_leaves(data)) or data is None:
        raise RunningError(
            f"the 'func' input to {inp.var.describe()} returned {data!r}, which is not a "
            "number or an array: it must return the value to apply each step."
        )
    return data


def window(inp: Input, start: Any, n: int) -> jax.Array:
    """The `n` per-step values of an `'iter'` input from absolute step `start` (an int,
    or a step index traced inside a transform: checked when the computation runs)."""
    if isinstance(inp.value, Iterator):
        try:
            values = [next(inp.value) for _ in range(n)]
        except StopIteration:
            raise RunningError(
                f"the 'iter' input to {inp.var.describe()} ran out of values."
            ) from None
        data = _as_data(np.stack([np.asarray(v) for v in values]), "input")
        _check_fits(inp.var, data.shape[1:], f"input to {inp.var.describe()}")
        return data
    length = inp.value.shape[0]
    if isinstance(start, Tracer):
        start = eqx.error_if(
            start,
            start + n > length,
            f"the 'iter' input to {inp.var.describe()} has {length} steps, fewer than this "
            f"run of {n} steps needs from its step index.",
        )
        return lax.dynamic_slice_in_dim(inp.value, start, n)
    if start + n > length:
        raise RunningError(
            f"the 'iter' input to {inp.var.describe()} has {length} steps, but this run "
            f"needs steps {start}..{start + n - 1} (it is indexed by the step index `i`, "
            "which goes on across runs until `runner.reset_state()`)."
        )
    return inp.value[start : start + n]
