"""`scan` and `for_loop`: `jax.lax.scan` with Variables threaded through the carry."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
from jax import lax
from jaxtyping import PyTree

from .._core import is_eager, top_level_lock
from ._cache import cached
from ._engine import (
    Once,
    check_outputs,
    discover,
    is_array,
    read_values,
    swapped_call,
    trace_once,
    unwrap_variables,
    write_back,
)
from ._jit import jit as _jit
from ._progress import Bar, ProgressBar, ProgressBarLike, as_progress_bar

Carry = TypeVar("Carry")
Y = TypeVar("Y")

_OPERAND_MSG = """\
eqbrain.{name} iterates over the leading axis of its operands, so they must be arrays \
(or pytrees of arrays); got a {what}. Convert it with `jnp.asarray`, or close over \
non-array objects in the body instead of passing them as operands."""


_MISSED_MSG = """\
eqbrain.scan: the loop body wrote {var}, which it only read when its Variables were \
discovered (its Python control flow changed between the two traces). Make the body \
write the same Variables every time it is traced."""

_ZERO_LENGTH_MSG = """\
eqbrain.for_loop(jit=False) got zero-length operands: with no step to run in Python \
there is no output to stack, so the loop runs compiled instead (an empty result)."""


def _check_operands(xs: PyTree, name: str) -> None:
    for leaf in jtu.tree_leaves(xs):
        if not is_array(leaf):
            raise TypeError(_OPERAND_MSG.format(name=name, what=type(leaf).__name__))


def _bar_key(bar: ProgressBar | None) -> Hashable:
    return None if bar is None else bar.settings()


def scan(
    body_fun: Callable[[Carry, Any], tuple[Carry, Y]],
    init: Carry,
    operands: PyTree = None,
    reverse: bool = False,
    unroll: int | bool = 1,
    remat: bool = False,
    progress_bar: ProgressBarLike = False,
    *,
    length: int | None = None,
) -> tuple[Carry, Y]:
    """`jax.lax.scan` over a body that may read and write Variables.

    Every Variable the body touches (through closures or `self`) is found by tracing one
    step. Those it writes are threaded through the scan's carry and their final values
    written back into the caller's cells; those it only reads are loop constants.
    Called eagerly (outside any transform), the loop is compiled once per body and
    settings (as `eqbrain.jit` does) and reused by later calls with the same body.

    **Arguments:** (BrainPy's order: `brainpy.math.scan`)

    - `body_fun`: `body_fun(carry, x) -> (carry, y)`, as for `jax.lax.scan`.
    - `init`: the initial carry (a pytree of arrays; may be `None`).
    - `operands`: the arrays scanned over along their leading axis (`xs` of
      `jax.lax.scan`; `None` with `length`). A Variable here is read, as its value.
    - `reverse`, `unroll`: as for `jax.lax.scan`.
    - `remat`: recompute the body's internals when differentiated (`jax.checkpoint`).
    - `progress_bar`: `True`, an int (update every that many steps) or a
      `ProgressBar`, as for `for_loop`.
    - `length`: the number of steps, when there are no operands.

    **Returns:** `(final_carry, stacked_ys)`.

    ```python
    def body(total, x):
        net.step(x)                 # changes net's Variables
        return total + net.V.value.sum(), net.V.value

    total, Vs = eqbrain.scan(body, jnp.float32(0), inputs)
    ```
    """
    init, operands = unwrap_variables((init, operands))
    _check_operands(operands, "scan")
    bar = as_progress_bar(progress_bar)
    if is_eager():
        settings = ("scan", length, reverse, unroll, remat, _bar_key(bar))

        def make(get_f: Callable) -> Callable[[Carry, PyTree], tuple[Carry, Y]]:
            return _jit(lambda c, x: _scan(get_f(), c, x, length, reverse, unroll, remat, bar))

        init = jtu.tree_map(jnp.asarray, init)
        return cached(body_fun, settings, make)(init, operands)
    return _scan(body_fun, init, operands, length, reverse, unroll, remat, bar)


def _n_steps(xs: PyTree, length: int | None) -> int:
    leaves = jtu.tree_leaves(xs)
    if length is None and not leaves:
        raise ValueError("eqbrain.scan needs `length=` when there are no operands.")
    return leaves[0].shape[0] if length is None else length


def _scan(
    f: Callable[[Carry, Any], tuple[Carry, Y]],
    init: Carry,
    xs: PyTree,
    length: int | None,
    reverse: bool,
    unroll: int | bool,
    remat: bool = False,
    spec: ProgressBar | None = None,
) -> tuple[Carry, Y]:
    with top_level_lock():  # discovery, the loop and the write-back: one step
        return _scan_unlocked(f, init, xs, length, reverse, unroll, remat, spec)


def _scan_unlocked(
    f: Callable[[Carry, Any], tuple[Carry, Y]],
    init: Carry,
    xs: PyTree,
    length: int | None,
    reverse: bool,
    unroll: int | bool,
    remat: bool = False,
    spec: ProgressBar | None = None,
) -> tuple[Carry, Y]:
    xs_leaves, xs_def = jtu.tree_flatten(xs)
    if xs_leaves:
        x0 = xs_def.unflatten([jax.ShapeDtypeStruct(x.shape[1:], x.dtype) for x in xs_leaves])
    else:
        x0 = xs
    init_abstract = jtu.tree_map(
        lambda x: jax.ShapeDtypeStruct(jnp.shape(x), jnp.result_type(x)), init
    )
    bar = None if spec is None else Bar(spec)
    total = _n_steps(xs, length)
    once = trace_once(f, init_abstract, x0, name="scan")
    if once is not None:  # the body's jaxpr, traced once, is the loop's step
        step, states = _jaxpr_step(once)
    else:
        step, states = _discovered_step(f, init_abstract, x0)
    return _loop(step, states, init, xs, length, reverse, unroll, remat, bar, total)


def _discovered_step(f: Callable, init_abstract: Any, x0: Any) -> tuple[Callable, list]:
    """The loop's step over `f` called with its Variables swapped in, and the Variables
    it writes, found by a first trace of `f`."""
    found, written = discover(lambda d: f(*d), [], (init_abstract, x0), [])
    # Only the Variables the body writes are carried; the ones it only reads (weights,
    # connectivity) stay loop constants, as they would in a hand-written scan.
    states = [v for v in found if id(v) in written]
    constants = [v for v in found if id(v) not in written]

    def step(values, c, x):
        ran = swapped_call(f, states, values, c, x, declared=constants, name="scan")
        for var in ran.wrote(constants):
            raise RuntimeError(_MISSED_MSG.format(var=var.describe()))
        c, y = ran.out
        return ran.new(states), c, y

    return step, states


def _jaxpr_step(once: Once) -> tuple[Callable, list]:
    """The loop's step over a body traced once (`trace_once`), and the Variables it
    writes (they ride in the carry; the ones it only reads are loop constants)."""
    lifted = once.lifted
    states = [v for v in lifted if id(v) in once.written]
    carried = [id(v) in once.written for v in lifted]
    constants = read_values([v for v in lifted if id(v) not in once.written])
    n_out = len(once.out_static)

    def step(values, c, x):
        new, const = iter(values), iter(constants)
        inputs = [next(new) if w else next(const) for w in carried]
        res = once.fun(*jtu.tree_leaves(c), *jtu.tree_leaves(x), *inputs)
        c, y = once.out_def.unflatten(res[:n_out])
        return list(res[n_out:]), c, y

    return step, states


def _loop(
    step: Callable,
    states: list,
    init: Carry,
    xs: PyTree,
    length: int | None,
    reverse: bool,
    unroll: int | bool,
    remat: bool,
    bar: Bar | None,
    total: int,
) -> tuple[Carry, Any]:
    """`lax.scan` of `step(values, carry, x) -> (new values, carry, y)` with the values
    of `states` (the Variables the body writes) in the carry, and the progress bar's
    step count; the final values are written back into `states`."""

    def body(carry, x):
        values, c, i = carry
        new, c, y = step(values, c, x)
        if bar is not None:
            bar.report(i, total)
            i = i + 1
        return (new, c, i), y

    (final, carry, _), ys = lax.scan(
        jax.checkpoint(body) if remat else body,
        (read_values(states), init, None if bar is None else jnp.int32(0)),
        xs,
        length=length,
        reverse=reverse,
        unroll=unroll,
    )
    write_back(states, final)
    return carry, ys


def for_loop(
    body_fun: Callable[..., Y],
    operands: PyTree = (),
    reverse: bool = False,
    unroll: int | bool = 1,
    jit: bool | None = None,
    progress_bar: ProgressBarLike = False,
    *,
    length: int | None = None,
) -> Y:
    """Run `body_fun` once per leading-axis slice of `operands`, as
    `brainpy.math.for_loop`.

    Built on `eqbrain.scan`: Variables the body changes are carried through the loop
    and written back at the end; the body's outputs are stacked along a new leading
    axis.

    **Arguments:** (BrainPy's order)

    - `body_fun`: called as `body_fun(*slices)` when `operands` is a tuple or list,
      else `body_fun(slice)`; returns any pytree of arrays (or `None`).
    - `operands`: arrays (or pytrees of arrays) with a common leading axis. A Variable
      here is read, as its value.
    - `reverse`, `unroll`: as for `jax.lax.scan`.
    - `jit`: `False` runs the body eagerly in a Python loop, one step at a time (side
      effects such as `print` happen at every step); it has no effect inside a
      transform, where the loop is traced anyway. Zero-length operands run compiled,
      with a `UserWarning`, as in BrainPy.
    - `progress_bar`: `True`, an int (update every that many steps), a
      `ProgressBar(desc=..., freq=..., count=...)`, or a dict of `tqdm` keyword
      arguments. It is updated from the compiled loop.
    - `length`: the number of steps; needed when `operands` is empty.

    **Returns:** the stacked outputs of `body_fun`.

    ```python
    Vs = eqbrain.for_loop(lambda x: net.step(x), inputs, progress_bar=True)
    ```
    """
    operands = unwrap_variables(operands)
    _check_operands(operands, "for_loop")
    leaves = jtu.tree_leaves(operands)
    if length is None and not leaves:
        raise ValueError("eqbrain.for_loop needs `length=` when there are no operands.")
    n: int = leaves[0].shape[0] if length is None else length
    bar = as_progress_bar(progress_bar)
    star = isinstance(operands, tuple | list)
    if jit is False and is_eager():
        if n > 0:
            return _python_loop(body_fun, operands, n, reverse, bar, star)
        warnings.warn(_ZERO_LENGTH_MSG, UserWarning, stacklevel=2)
    if is_eager():
        settings = ("for_loop", length, reverse, unroll, _bar_key(bar), star)

        def make(get_body: Callable) -> Callable[[PyTree], Y]:
            # The length is read from the operands at each trace: one cached loop serves
            # operands of every length (each new length compiles once).
            return _jit(
                lambda ops: _for_loop(get_body(), ops, _n_steps(ops, length), reverse, unroll, bar)
            )

        return cached(body_fun, settings, make)(operands)
    return _for_loop(body_fun, operands, n, reverse, unroll, bar)


def _for_loop(
    body: Callable[..., Y],
    operands: PyTree,
    length: int,
    reverse: bool,
    unroll: int | bool,
    bar: ProgressBar | None,
) -> Y:
    leaves = jtu.tree_leaves(operands)
    star = isinstance(operands, tuple | list)

    def step(_, x):
        out = body() if not leaves else body(*x) if star else body(x)
        return None, out

    _, ys = _scan(step, None, operands if leaves else None, length, reverse, unroll, False, bar)
    return ys


def _python_loop(
    body: Callable[..., Y],
    operands: PyTree,
    n: int,
    reverse: bool,
    spec: ProgressBar | None,
    star: bool,
) -> Y:
    """`for_loop(jit=False)`: each step runs eagerly, writing Variables directly."""
    leaves, treedef = jtu.tree_flatten(operands)
    bar = None if spec is None else Bar(spec)
    outs = []
    for k, i in enumerate(range(n - 1, -1, -1) if reverse else range(n)):
        x = treedef.unflatten([leaf[i] for leaf in leaves])
        out = body() if not leaves else body(*x) if star else body(x)
        check_outputs(out, "for_loop")
        outs.append(out)
        if bar is not None and bar.due(k, n):
            bar.show(k, n)
    if reverse:
        outs.reverse()
    return jtu.tree_map(lambda *ys: jnp.stack(ys), *outs)
