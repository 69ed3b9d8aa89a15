"""The lineage of a `RandomState`: noticing a draw whose advanced key was dropped.

Inside `eqx.filter_jit`, `eqx.filter_vmap`, `jax.jit`, ... a RandomState passed in is a
copy: its key advances with each draw, and the caller keeps it only by returning the copy
(the functional update). A function that draws and drops it leaves the caller's key
where it was, and every later call draws the same numbers. The original and all its
copies share one `Lineage` (a pytree node with no leaves, whose aux data is itself, so
it survives flattening), which sees both halves: the draw on a copy (while tracing), and
the copy being flattened to be returned (later in the same trace). A lineage that drew
and was not returned raises the next time the caller's generator is flattened at top
level -- at the next call of the same function -- instead of repeating its numbers.
"""

from __future__ import annotations

from typing import Any

import jax.tree_util as jtu

from .._core import active_recorder, current_trace, is_eager
from .._errors import TraceLeakError

_DROPPED_MSG = """\
{name} drew inside a JAX transform (jax.jit, eqx.filter_jit, eqx.filter_vmap, \
jax.vmap, jax.grad, ...) that did not return it: the function drew from a copy, the \
caller's key did not advance, and calling it again would draw the same numbers. Either
  - return the RandomState (or the model holding it) and use the returned one: \
`x, model = eqx.filter_jit(step)(model)` with `step` returning `(x, model)`;
  - or use `eqbrain.jit` / `eqbrain.for_loop` / `eqbrain.grad`, which advance it in place;
  - or draw with explicit keys passed in (`rng.normal(size=3, key=k)`).
The key is unchanged; this error is raised once."""


class Lineage:
    """Shared by a RandomState and every copy pytree transforms make of it.

    Every lineage compares equal to every other (as a Variable's label does), so it
    never splits a treedef: two generators of one shape share one compilation.
    """

    __slots__ = ("name", "dropped")

    def __init__(self, name: str):
        self.name = name
        self.dropped = False  # a copy drew while tracing and was not flattened since

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lineage)

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"Lineage({self.name!r})"

    def drew(self, key_created_in: Any) -> None:
        """Record a draw on a generator whose key Variable was `created_in` that trace:
        a copy made inside a plain transform drew, and must be returned."""
        trace = current_trace()
        if key_created_in == trace and not is_eager():
            self.dropped = True

    def flattened(self) -> None:
        """Called on each flatten: inside a trace, the copy is being returned (or passed
        on); at top level, a copy that drew earlier was dropped: raise, once."""
        if not self.dropped:
            return
        if is_eager() and active_recorder() is None:
            self.dropped = False
            raise TraceLeakError(_DROPPED_MSG.format(name=f"RandomState {self.name!r}"))
        self.dropped = False


def _flatten(lineage: Lineage) -> tuple[tuple[()], Lineage]:
    lineage.flattened()
    return (), lineage


def _unflatten(lineage: Lineage, children: Any) -> Lineage:
    return lineage


jtu.register_pytree_node(Lineage, _flatten, _unflatten)
