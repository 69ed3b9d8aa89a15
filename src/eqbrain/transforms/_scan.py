"""`scan` and `for_loop`: `jax.lax.scan` with Variables threaded through the carry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
from jax import lax

from ..core import StateTrace, is_eager
from ._cache import cached
from ._engine import check_outputs, discover, is_array, write_back
from ._jit import jit

_OPERAND_MSG = """\
eqbrain.{name} iterates over the leading axis of its operands, so they must be arrays \
(or pytrees of arrays); got a {what}. Convert it with `jnp.asarray`, or close over \
non-array objects in the body instead of passing them as operands."""


_MISSED_MSG = """\
eqbrain.scan: the loop body wrote {var}, which it only read when its Variables were \
discovered (its Python control flow changed between the two traces). Make the body \
write the same Variables every time it is traced."""


def _check_operands(xs: Any, name: str) -> None:
    for leaf in jtu.tree_leaves(xs):
        if not is_array(leaf):
            raise TypeError(_OPERAND_MSG.format(name=name, what=type(leaf).__name__))


def scan(
    f: Callable,
    init: Any,
    xs: Any = None,
    length: int | None = None,
    reverse: bool = False,
    unroll: int | bool = 1,
) -> tuple[Any, Any]:
    """`jax.lax.scan` over a body that may read and write Variables.

    Every Variable the body touches (through closures or `self`) is found by tracing one
    step. Those it writes are threaded through the scan's carry and their final values
    written back into the caller's cells; those it only reads are loop constants.
    Called eagerly (outside any transform), the loop is compiled once per body and
    settings (as `eqbrain.jit` does) and reused by later calls with the same body.

    **Arguments:**

    - `f`: `f(carry, x) -> (carry, y)`, as for `jax.lax.scan`.
    - `init`: the initial carry (a pytree of arrays; may be `None`).
    - `xs`: the arrays scanned over along their leading axis (or `None` with `length`).
    - `length`, `reverse`, `unroll`: as for `jax.lax.scan`.

    **Returns:** `(final_carry, stacked_ys)`.

    ```python
    def body(total, x):
        net.step(x)                 # changes net's Variables
        return total + net.V.value.sum(), net.V.value

    total, Vs = eqbrain.scan(body, jnp.float32(0), inputs)
    ```
    """
    _check_operands(xs, "scan")
    if is_eager():
        settings = ("scan", length, reverse, unroll)

        def make(get_f: Callable) -> Callable:
            return jit(lambda c, x: _scan(get_f(), c, x, length, reverse, unroll))

        init = jtu.tree_map(jnp.asarray, init)
        return cached(f, settings, make)(init, xs)
    return _scan(f, init, xs, length, reverse, unroll)


def _scan(
    f: Callable, init: Any, xs: Any, length: int | None, reverse: bool, unroll: int | bool
) -> tuple[Any, Any]:
    xs_leaves, xs_def = jtu.tree_flatten(xs)
    if xs_leaves:
        x0 = xs_def.unflatten([jax.ShapeDtypeStruct(x.shape[1:], x.dtype) for x in xs_leaves])
    else:
        x0 = xs
    init_abstract = jtu.tree_map(
        lambda x: jax.ShapeDtypeStruct(jnp.shape(x), jnp.result_type(x)), init
    )
    found, written = discover(lambda d: f(*d), [], (init_abstract, x0), [])
    # Only the Variables the body writes are carried; the ones it only reads (weights,
    # connectivity) stay loop constants, as they would in a hand-written scan.
    states = [v for v in found if id(v) in written]
    constants = [v for v in found if id(v) not in written]

    def body(carry, x):
        values, c = carry
        st = StateTrace(constants)
        with st:
            try:
                st.swap_in(states, values)
                c, y = f(c, x)
                check_outputs((c, y), "scan")
                for var in constants:
                    if id(var) in st.written:
                        raise RuntimeError(_MISSED_MSG.format(var=var.describe()))
                new = [var.raw_value for var in states]
            finally:
                st.restore()
        return (new, c), y

    (final, carry), ys = lax.scan(
        body,
        ([v.raw_value for v in states], init),
        xs,
        length=length,
        reverse=reverse,
        unroll=unroll,
    )
    write_back(states, final)
    return carry, ys


class _Bar:
    """A tqdm progress bar updated from inside a compiled loop."""

    def __init__(self, total: int, kwargs: dict):
        self.total, self.kwargs, self.bar = total, kwargs, None

    def report(self, i: Any) -> None:
        """From inside the compiled loop: update the bar about a hundred times in all."""
        every = max(1, self.total // 100)
        lax.cond(
            (i % every == 0) | (i == self.total - 1),
            lambda: jax.debug.callback(self, i, ordered=True),
            lambda: None,
        )

    def __call__(self, i) -> None:
        from tqdm.auto import tqdm

        i = int(i)
        if self.bar is None or i == 0:
            if self.bar is not None:
                self.bar.close()
            self.bar = tqdm(total=self.total, **self.kwargs)
        self.bar.update(i + 1 - self.bar.n)
        if i + 1 >= self.total:
            self.bar.close()
            self.bar = None


def for_loop(
    body: Callable,
    operands: Any = (),
    *,
    length: int | None = None,
    unroll: int | bool = 1,
    progress_bar: bool | dict = False,
) -> Any:
    """Run `body` once per leading-axis slice of `operands`, as `brainpy.math.for_loop`.

    Built on `eqbrain.scan`: Variables the body changes are carried through the loop
    and written back at the end; the body's outputs are stacked along a new leading
    axis.

    **Arguments:**

    - `body`: called as `body(*slices)` when `operands` is a tuple or list, else
      `body(slice)`; returns any pytree of arrays (or `None`).
    - `operands`: arrays (or pytrees of arrays) with a common leading axis.
    - `length`: the number of steps; needed when `operands` is empty.
    - `unroll`: as for `jax.lax.scan`.
    - `progress_bar`: show a `tqdm` progress bar (a dict is passed to `tqdm` as
      keyword arguments, e.g. `{"desc": "sim"}`). It is updated from the compiled loop
      about a hundred times in all.

    **Returns:** the stacked outputs of `body`.

    ```python
    Vs = eqbrain.for_loop(lambda x: net.step(x), inputs, progress_bar=True)
    ```
    """
    _check_operands(operands, "for_loop")
    leaves = jtu.tree_leaves(operands)
    if length is None and not leaves:
        raise ValueError("eqbrain.for_loop needs `length=` when there are no operands.")
    n: int = leaves[0].shape[0] if length is None else length
    if is_eager():
        bar_key = (
            tuple(sorted(progress_bar.items())) if isinstance(progress_bar, dict) else progress_bar
        )
        settings = ("for_loop", length, unroll, bar_key, isinstance(operands, tuple | list))

        def make(get_body: Callable) -> Callable:
            return jit(lambda ops: _for_loop(get_body(), ops, n, unroll, progress_bar))

        return cached(body, settings, make)(operands)
    return _for_loop(body, operands, n, unroll, progress_bar)


def _for_loop(
    body: Callable, operands: Any, length: int, unroll: int | bool, progress_bar: bool | dict
) -> Any:
    leaves = jtu.tree_leaves(operands)
    star = isinstance(operands, tuple | list)
    bar: _Bar | None = None
    if progress_bar:
        bar = _Bar(length, dict(progress_bar) if isinstance(progress_bar, dict) else {})

    def step(i, x):
        out = body() if not leaves else body(*x) if star else body(x)
        if bar is not None:
            bar.report(i)
        return i + 1, out

    _, ys = _scan(step, jnp.int32(0), operands if leaves else None, length, False, unroll)
    return ys
