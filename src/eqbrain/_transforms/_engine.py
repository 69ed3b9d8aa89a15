"""The engine under every in-place transform (`jit`, `grad`, loops, control flow):
finding the Variables a function touches, running it with their values swapped for
tracers, and writing results back.

Every eqbrain transform works the same way, and `swapped_call` is that way written once:
while JAX traces the function, a `StateTrace` is active, so each Variable the function
reads or writes (through its arguments, `self` or a closure) is recorded with its
caller-side value. The transform feeds the recorded Variables' values in as explicit
inputs (`swapped_call` swaps them into the cells), collects their new values as explicit
outputs (`Ran.new`), and every cell is restored before the trace ends, whatever happens.
What the trace learned comes back in `Ran`; a transform stores it (in a cache) only
after the trace has returned. Once the compiled call is over, `write_back` writes the
outputs into the caller's cells, all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, TypeAlias

import jax
import jax.tree_util as jtu
import numpy as np
from jax.core import Tracer
from jax.extend.core import jaxpr_as_fun
from jaxtyping import PyTree

from .._core import (
    Module,
    StateTrace,
    Variable,
    active_recorder,
    current_trace,
    is_variable,
    raw_values,
    set_raw_values,
    write_all,
)
from ._lift import input_lifter

RETURN_VARIABLE_MSG = """\
The function transformed by eqbrain.{name} returned a Variable ({var}). A Variable is \
a cell of the caller's model and cannot leave a trace; its new value is written back \
into the caller's cell already. Return `v.value` instead of `v` (or use \
`eqx.filter_jit` and return the whole model, the functional style)."""

States: TypeAlias = (
    "Variable | Module | Sequence[Variable | Module] | Mapping[Any, Variable | Module] | None"
)
"""What `states=` takes: a Variable, a module (all its Variables), a list/tuple of them,
or a mapping of Variables (an `ArrayCollector` such as `net.vars()`)."""

STATES_TYPE_MSG = """\
`states=` takes Variables: a Variable, a list/tuple/dict of them, an ArrayCollector \
(`net.vars()`), or a module (all its Variables); got {what}."""


def is_array(x: object) -> bool:
    """Whether `x` is traced by eqbrain's transforms (a JAX or NumPy array or scalar)."""
    return isinstance(x, jax.Array | np.ndarray | np.generic | Tracer)


def as_variables(states: States) -> list[Variable]:
    """The Variables declared by a `states=` argument, each once, in order."""
    if states is None:
        return []
    if isinstance(states, Module):
        return list(states.vars().unique().values())
    if isinstance(states, Variable):
        leaves: list[object] = [states]
    elif isinstance(states, Mapping):
        leaves = list(states.values())
    elif isinstance(states, list | tuple):
        leaves = list(states)
    else:
        raise TypeError(STATES_TYPE_MSG.format(what=type(states).__name__))
    out: dict[int, Variable] = {}
    for v in leaves:
        if isinstance(v, Module):
            for w in v.vars().unique().values():
                out.setdefault(id(w), w)
        elif isinstance(v, Variable):
            out.setdefault(id(v), v)
        else:
            raise TypeError(STATES_TYPE_MSG.format(what=f"an entry of type {type(v).__name__}"))
    return list(out.values())


def outer_variables(st: StateTrace, inner_trace: object) -> list[Variable]:
    """The Variables recorded by `st` that belong to the caller (not created inside)."""
    return [v for v in st.variables if v.created_in != inner_trace]


def check_outputs(out: PyTree, name: str) -> None:
    """Raise `TypeError` if `out` holds a Variable."""
    for leaf in jtu.tree_leaves(out, is_leaf=is_variable):
        if isinstance(leaf, Variable):
            raise TypeError(RETURN_VARIABLE_MSG.format(name=name, var=leaf.describe()))


class Ran(NamedTuple):
    """What one traced call of a function did (see `swapped_call`)."""

    out: PyTree
    """The function's output."""
    touched: list[Variable]
    """The caller's Variables it read or wrote, in first-touch order (Variables created
    inside the call are not the caller's)."""
    written: frozenset[int]
    """The ids of the Variables it wrote."""
    after: dict[int, jax.Array]
    """Each recorded Variable's value when the function returned, by id."""
    lifted: tuple[Variable, ...] = ()
    """The Variables that became new inputs of the jaxpr when first touched (`lift=`)."""

    def new(self, variables: Sequence[Variable]) -> list[jax.Array]:
        """The values `variables` held when the function returned (tracers)."""
        after = self.after
        return [after[id(v)] for v in variables]

    def wrote(self, variables: Sequence[Variable]) -> list[Variable]:
        """Those of `variables` that the function wrote, in order."""
        written = self.written
        return [v for v in variables if id(v) in written]


def swapped_call(
    fn: Callable,
    states: Sequence[Variable],
    values: Sequence[jax.Array],
    *args: PyTree,
    declared: Sequence[Variable] = (),
    name: str | None = None,
    lift: Callable[[jax.Array], jax.Array] | None = None,
) -> Ran:
    """Call `fn(*args)` inside a trace with `states` holding `values`, then restore them.

    A `StateTrace` records every Variable the call touches (`declared` ones from the
    start); `states` get `values` (the tracers the transform feeds in) for the duration
    of the call; every recorded Variable is put back to its caller-side value afterwards,
    also when the call raises. With `lift` (see `_lift.py`), every other Variable gets
    `lift(value)` when first touched. With `name`, an output holding a Variable raises
    `TypeError` (`eqbrain.{name} ... returned a Variable`).
    """
    st = StateTrace(declared)
    with st:
        inner = current_trace()
        try:
            st.swap_in(list(states), values)
            if lift is not None:
                st.start_lifting(lift)
            out = fn(*args)
            if name is not None:
                check_outputs(out, name)
            touched = outer_variables(st, inner)
            after = {id(v): value for v, value in zip(st.variables, raw_values(st.variables))}
        finally:
            try:
                st.restore()
            except BaseException:
                st.restore()  # an interrupt landed as the restore began: finish it first
                raise
    return Ran(out, touched, frozenset(st.written), after, tuple(st.lifted))


def discover(
    fn: Callable[[PyTree], object],
    inputs: list[Variable],
    dyn: PyTree,
    declared: list[Variable],
) -> tuple[list[Variable], set[int]]:
    """Trace `fn(dyn)` abstractly, with `inputs` holding tracers of their values; return
    the caller Variables it touches (`declared` and `inputs` first) and the ids of those
    it writes. Nothing is computed and every touched Variable is restored afterwards.
    """
    result: list[Ran] = []

    def probe(values, dyn):
        result.append(swapped_call(fn, inputs, values, dyn, declared=declared))

    jax.eval_shape(probe, raw_values(inputs), dyn)
    found, written = result[0].touched, set(result[0].written)
    touch_outer(found)
    return found, written


def split_outputs(out: PyTree) -> tuple[list, Any, tuple]:
    """`out`'s array leaves, its treedef, and per leaf `None` for an array or else the
    leaf itself (what a compiled function cannot return, kept aside)."""
    leaves, out_def = jtu.tree_flatten(out)
    static = tuple(None if is_array(x) else x for x in leaves)
    return [x for x, st in zip(leaves, static) if st is None], out_def, static


class Once(NamedTuple):
    """A function traced once into a jaxpr (`trace_once`)."""

    fun: Callable[..., list]
    """Evaluates the jaxpr: the values of `states`, the arguments' leaves, then the
    values of `lifted`; returns the output's array leaves, then the new values of the
    written Variables (`states` then `lifted`, in order)."""
    lifted: list[Variable]
    """The other caller Variables the function touched, in first-touch order."""
    written: frozenset[int]
    """The ids of the Variables it wrote."""
    out_def: Any
    """The treedef of the output."""
    out_static: tuple
    """Per output leaf: `None` for an array, else the leaf itself."""
    in_avals: list[tuple[tuple[int, ...], Any]]
    """The (shape, dtype) of each input of `fun`."""


class _CannotLift(Exception):
    """Raised inside `trace_once`'s trace where JAX cannot lift new inputs."""


def trace_once(
    fn: Callable,
    *args: PyTree,
    states: Sequence[Variable] = (),
    name: str,
    static_out: bool = False,
) -> Once | None:
    """Trace `fn(*args)` once into a jaxpr. Its inputs are the values of `states`
    (swapped in), the leaves of `args` (arrays, scalars or `jax.ShapeDtypeStruct`s)
    and then every other Variable the function touches, lifted at first touch (see
    `_lift.py`). Output leaves that are not arrays are kept aside with `static_out`.

    `None` where JAX cannot lift inputs (or, without `static_out`, an output leaf is not
    an array): the caller then discovers the Variables and traces again.
    """
    found: list[tuple[Ran, Any, tuple]] = []
    states = list(states)

    def probe(values, *args):
        lift = input_lifter()
        if lift is None:
            raise _CannotLift
        ran = swapped_call(fn, states, values, *args, name=name, lift=lift)
        arrays, out_def, out_static = split_outputs(ran.out)
        if not static_out and any(x is not None for x in out_static):
            raise _CannotLift
        found.append((ran, out_def, out_static))
        return arrays, ran.new(ran.wrote(states + list(ran.lifted)))

    try:
        closed = jax.make_jaxpr(probe)(raw_values(states), *args)
    except _CannotLift:
        return None
    ran, out_def, out_static = found[0]
    lifted = list(ran.lifted)
    if len(closed.jaxpr.invars) != len(states) + len(jtu.tree_leaves(args)) + len(lifted):
        return None  # this JAX did not add the lifted inputs where expected
    avals = [(tuple(a.shape), a.dtype) for a in closed.in_avals]
    return Once(jaxpr_as_fun(closed), lifted, ran.written, out_def, out_static, avals)


def write_back(
    variables: list[Variable], values: Sequence[jax.Array], old: Sequence[jax.Array] | None = None
) -> None:
    """Write `values` into `variables` (the caller's cells) after a transformed call.

    At top level this is a plain store, all or nothing: an exception raised part way (a
    `KeyboardInterrupt` from Ctrl-C) puts every cell back to its value before the call
    (`old`, read here when not given) and propagates, so a model never holds values
    from two calls. Inside another trace the values are tracers: each is checked (shape,
    dtype, leak guard) before any is written, and an enclosing eqbrain transform is told
    about the Variables so it manages them in turn (and restores them if the trace
    fails).
    """
    if not variables:
        return
    outer = active_recorder()
    if outer is None and not isinstance(values[0], Tracer):
        set_raw_values(variables, values, raw_values(variables) if old is None else old)
        return
    if outer is not None:
        for var in variables:
            outer.touch(var)
    write_all(variables, values)


def touch_outer(variables: list[Variable]) -> None:
    """Record `variables` in the enclosing eqbrain transform, if any (nested transforms).

    Every transform calls this for each caller Variable it uses -- read or written --
    before it reads their values: an enclosing `eqbrain.jit` then feeds them in as
    inputs instead of baking their values at trace time into the compiled code.
    """
    outer = active_recorder()
    if outer is not None:
        for var in variables:
            outer.touch(var)


def read_values(variables: list[Variable]) -> list[jax.Array]:
    """The values of the caller's `variables`, recorded in the enclosing transform first."""
    touch_outer(variables)
    return raw_values(variables)


def unwrap_variables(tree: PyTree) -> PyTree:
    """`tree` with every Variable replaced by its value (BrainPy's operands of control flow
    and loops may be Variables: they are read, as values)."""
    return jtu.tree_map(
        lambda x: x.value if isinstance(x, Variable) else x, tree, is_leaf=is_variable
    )
