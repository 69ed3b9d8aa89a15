"""In-place control flow: `cond`, `ifelse` and `while_loop`, BrainPy style.

Each is `jax.lax.cond` / `lax.switch` / `lax.while_loop` over functions that may read and
write Variables. The engine is the one under `scan`: every branch (or the body and the
condition) is traced once to find the Variables it touches; the Variables any of them
writes become explicit operands and results (a branch that leaves one alone returns it
unchanged), and their new values are written back into the caller's cells. Variables
that are only read are closed over, as in hand-written JAX.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, overload

import jax
import jax.numpy as jnp
from jax import lax
from jax.typing import ArrayLike
from jaxtyping import PyTree

from .._core import Variable, top_level_lock
from ._engine import (
    discover,
    read_values,
    swapped_call,
    unwrap_variables,
    write_back,
)

R = TypeVar("R")

_MISSED_MSG = """\
eqbrain.{name}: a branch wrote {var}, which no branch wrote when their Variables were \
discovered (Python control flow changed between the two traces). Make each branch \
write the same Variables every time it is traced."""

_COND_WRITES_MSG = """\
eqbrain.while_loop: cond_fun must not write Variables, but it writes {var}. The \
condition is evaluated once more than the body, so such a write cannot be placed in \
the loop; move it into body_fun."""

_BRANCHES_MSG = """\
eqbrain.ifelse takes one branch per condition plus a default (len(branches) == \
len(conditions) + 1), or as many branches as conditions (the last is then the \
default); got {b} branches for {c} conditions."""

_CONDITION_MSG = """\
eqbrain.ifelse: each condition must be a scalar boolean (a Python bool or an array of \
shape ()); condition {i} has shape {shape}."""


def _as_tuple(operands: PyTree) -> tuple:
    """BrainPy's operands: a tuple/list is spread over the branch's arguments, anything
    else is its single argument; Variables are read, as values."""
    operands = unwrap_variables(operands)
    if operands is None:
        return ()
    return tuple(operands) if isinstance(operands, tuple | list) else (operands,)


def _as_callable(branch: object) -> Callable:
    """A branch function; a constant (an array or a number) is a branch returning it."""
    if callable(branch):
        return branch
    value = unwrap_variables(branch)
    return lambda *_: value


def _discover_all(fns: Sequence[Callable], ops: tuple) -> tuple[list[Variable], set[int]]:
    """The caller Variables touched by any of `fns`, and the ids of those written."""
    found: dict[int, Variable] = {}
    written: set[int] = set()
    for fn in fns:
        f_found, f_written = discover(lambda o, fn=fn: fn(*o), [], ops, [])
        for v in f_found:
            found.setdefault(id(v), v)
        written |= f_written
    return list(found.values()), written


class _Managed:
    """Runs a user function inside a JAX trace with the carried Variables swapped in."""

    def __init__(self, states: list[Variable], name: str):
        self.states, self.name = states, name
        self.ids = {id(v) for v in states}

    def run(
        self, fn: Callable, values: list[jax.Array], ops: tuple
    ) -> tuple[PyTree, list[jax.Array], list[Variable]]:
        """(output, new values of the carried Variables, other Variables written)."""
        ran = swapped_call(fn, self.states, values, *ops, name=self.name)
        stray = [v for v in ran.wrote(ran.touched) if id(v) not in self.ids]
        return ran.out, ran.new(self.states), stray

    def branch(self, fn: Callable) -> Callable:
        """`fn` as a branch of `lax.cond`/`lax.switch`: `(values, ops) -> (out, new)`."""

        def run(values: list[jax.Array], ops: tuple) -> tuple[PyTree, list[jax.Array]]:
            out, new, stray = self.run(fn, values, ops)
            if stray:
                raise RuntimeError(_MISSED_MSG.format(name=self.name, var=stray[0].describe()))
            return out, new

        return run


def _branching(select: Callable, fns: list[Callable], ops: tuple, name: str) -> Any:
    with top_level_lock():  # discovery, the call and the write-back: one step
        found, written = _discover_all(fns, ops)
        states = [v for v in found if id(v) in written]
        managed = _Managed(states, name)
        out, new = select([managed.branch(f) for f in fns], read_values(states), ops)
        write_back(states, new)
    return out


@overload
def cond(
    pred: ArrayLike | Variable,
    true_fun: Callable[..., R],
    false_fun: Callable[..., R],
    operands: PyTree = (),
) -> R: ...
@overload
def cond(
    pred: ArrayLike | Variable, true_fun: object, false_fun: object, operands: PyTree = ()
) -> Any: ...
def cond(
    pred: ArrayLike | Variable, true_fun: object, false_fun: object, operands: PyTree = ()
) -> Any:
    """`true_fun(*operands)` if `pred` else `false_fun(*operands)`, as
    `brainpy.math.cond`: `jax.lax.cond` over branches that may read and write Variables.

    Both branches are traced; the Variables either one writes are carried through the
    conditional (a branch that leaves one alone keeps its value) and written back into
    the caller's cells. It works eagerly and inside `eqbrain.jit`, `grad` and loops.

    **Arguments:**

    - `pred`: a scalar boolean (a Python bool or a traced array).
    - `true_fun`, `false_fun`: the branches; a constant (an array or a number) is a
      branch that returns it.
    - `operands`: the branches' arguments: a tuple/list is spread over them, anything
      else is passed as the single argument. A Variable here is read, as its value.

    **Returns:** the output of the branch taken (both must return the same structure,
    shapes and dtypes).

    ```python
    a = eqbrain.Variable(jnp.zeros(2))
    eqbrain.cond(x > 0, lambda: a.update(a.value + 1), lambda: None)
    ```
    """
    ops = _as_tuple(operands)
    fns = [_as_callable(false_fun), _as_callable(true_fun)]

    def select(branches: list, values: list, o: tuple) -> PyTree:
        return lax.cond(pred, branches[1], branches[0], values, o)

    return _branching(select, fns, ops, "cond")


def ifelse(
    conditions: ArrayLike | Variable | Sequence[ArrayLike | Variable],
    branches: Sequence[object],
    operands: PyTree = None,
) -> Any:
    """If/elif/else over branches that may read and write Variables, as
    `brainpy.math.ifelse`: the first branch whose condition holds is taken, else the
    last (default) branch. One `jax.lax.switch`; written Variables are carried through it
    and written back, as in `cond`.

    **Arguments:**

    - `conditions`: a scalar boolean or a sequence of them.
    - `branches`: one per condition, plus a default (or as many as conditions: the last
      branch is then the default and the last condition is not read). A constant (an
      array or a number) is a branch that returns it.
    - `operands`: the branches' arguments (as for `cond`); `None` for none.

    **Returns:** the output of the branch taken.

    ```python
    def f(a):
        return eqbrain.ifelse([a > 10, a > 5, a > 0], [lambda: 1, lambda: 2, lambda: 3, 4])
    f(7)    # 2
    ```
    """
    conds = list(conditions) if isinstance(conditions, tuple | list) else [conditions]
    n = len(branches)
    if n < 2 or not (n == len(conds) + 1 or n == len(conds)):
        raise ValueError(_BRANCHES_MSG.format(b=n, c=len(conds)))
    checked = []
    for i, c in enumerate(conds[: n - 1]):
        c = unwrap_variables(c)
        if jnp.ndim(c) != 0:
            raise ValueError(_CONDITION_MSG.format(i=i, shape=jnp.shape(c)))
        checked.append(jnp.asarray(c, dtype=bool))
    # The first condition that holds, else the default (the last branch).
    index = jnp.argmax(jnp.stack([*checked, jnp.asarray(True)]))
    ops = _as_tuple(operands)
    fns = [_as_callable(b) for b in branches]

    def select(fs: list, values: list, o: tuple) -> PyTree:
        return lax.switch(index, fs, values, o)

    return _branching(select, fns, ops, "ifelse")


def while_loop(
    body_fun: Callable[..., object], cond_fun: Callable[..., ArrayLike], operands: PyTree
) -> tuple[Any, ...]:
    """`while cond_fun(*operands): operands = body_fun(*operands)`, as
    `brainpy.math.while_loop`: `jax.lax.while_loop` over functions that may read (and,
    for the body, write) Variables.

    The Variables the body writes are carried through the loop (the condition sees their
    current values) and written back at the end. A body that returns `None` keeps the
    operands as they are (it works through Variables alone). `cond_fun` must not write
    Variables (`ValueError`).

    **Arguments:** (BrainPy's order: the body first)

    - `body_fun`: `body_fun(*operands) -> new operands` (a tuple of the same structure;
      a single value when there is one operand), or `None`.
    - `cond_fun`: `cond_fun(*operands) -> scalar bool`.
    - `operands`: a tuple/list of operands, or a single one. A Variable here is read, as
      its value.

    **Returns:** the final operands, as a tuple.

    ```python
    a = eqbrain.Variable(jnp.zeros(1))

    def body(x):
        a.value += x
        return x + 1.0

    eqbrain.while_loop(body, lambda x: x < 5.0, 1.0)     # (5.0,); a == 10
    ```
    """
    with top_level_lock():  # discovery, the loop and the write-back: one step
        ops = _as_tuple(operands)
        found, written = _discover_all([body_fun], ops)
        c_found, c_written = _discover_all([cond_fun], ops)
        if c_written:
            var = next(v for v in c_found if id(v) in c_written)
            raise ValueError(_COND_WRITES_MSG.format(var=var.describe()))
        states = [v for v in found if id(v) in written]
        managed = _Managed(states, "while_loop")

        def cond_f(carry: tuple) -> Any:
            values, o = carry
            out, _, stray = managed.run(cond_fun, values, o)
            if stray:
                raise ValueError(_COND_WRITES_MSG.format(var=stray[0].describe()))
            return out

        def body_f(carry: tuple) -> tuple:
            values, o = carry
            out, new, stray = managed.run(body_fun, values, o)
            if stray:
                raise RuntimeError(_MISSED_MSG.format(name="while_loop", var=stray[0].describe()))
            if out is None:
                out = o
            elif len(o) == 1 and not isinstance(out, tuple | list):
                out = (out,)
            elif not isinstance(out, tuple | list) or len(out) != len(o):
                raise TypeError(
                    f"eqbrain.while_loop: body_fun must return the {len(o)} operands (or "
                    f"None); got {type(out).__name__}."
                )
            return new, tuple(out)

        final, out = lax.while_loop(cond_f, body_f, (read_values(states), ops))
        write_back(states, final)
    return out
