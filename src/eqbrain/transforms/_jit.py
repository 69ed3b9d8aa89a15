"""`jit`: compile a function that changes Variables in place, BrainPy style."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import jax
import jax.tree_util as jtu
from jax.extend.core import ClosedJaxpr

from ..core import StateTrace, Variable, current_trace, is_variable
from ._engine import (
    as_variables,
    check_outputs,
    discover,
    is_array,
    outer_variables,
    write_back,
)

_STATIC, _DYNAMIC = 0, 1

_MISSED_MSG = """\
eqbrain.jit: the function touched {var} when compiled for new shapes, but not when its \
Variables were first discovered (its Python control flow depends on shapes). Declare \
the Variables it may touch with `eqbrain.jit(fn, states=...)`."""


def _unset(*args: Any) -> Any:  # pragma: no cover - replaced before any call
    raise AssertionError("eqbrain.jit entry used before it was compiled")


class _Entry:
    """What one call signature compiled to: its Variables, the jitted flat function."""

    __slots__ = (
        "closure",
        "written",
        "jitted",
        "flat",
        "out_def",
        "out_static",
        "out_simple",
    )

    def __init__(self):
        self.closure: list[Variable] = []
        self.written: list[int] = []
        self.jitted: Callable = _unset
        self.flat: Callable = _unset
        self.out_def: Any = None
        self.out_static: tuple = ()
        self.out_simple = True


class _Calling(threading.local):
    """The Variables of the call being traced in this thread (arguments', then closures'):
    `jax.jit` traces synchronously in the calling thread, so the traced function reads
    them here instead of from an attribute shared by every thread."""

    def __init__(self) -> None:
        self.states: list[Variable] = []


_calling = _Calling()


class _Jitted:
    """A function compiled by `eqbrain.jit`; call it like the original."""

    def __init__(self, fn: Callable, states: Any, jit_kwargs: dict):
        if not callable(fn):
            raise TypeError(f"eqbrain.jit expects a callable, got {type(fn).__name__}.")
        self.fn = fn
        self._declared = as_variables(states)
        self._jit_kwargs = jit_kwargs
        self._cache: dict[Any, _Entry] = {}
        self._lock = threading.Lock()
        self.__wrapped__ = fn
        self.__doc__ = getattr(fn, "__doc__", None)

    def __repr__(self) -> str:
        return f"eqbrain.jit({self.fn!r})"

    def __get__(self, instance, owner=None):
        # `@eqbrain.jit` on a method: bind the instance as the first argument.
        if instance is None:
            return self
        return functools.partial(self, instance)

    # -- per call ---------------------------------------------------------------------

    def _split(self, args: tuple, kwargs: dict):
        """(cache key, dynamic leaves, the caller Variables in the arguments, treedef)."""
        leaves, treedef = jtu.tree_flatten((args, kwargs), is_leaf=is_variable)
        dyn: list = []
        arg_vars: list[Variable] = []
        var_pos: dict[int, int] = {}
        kinds: list = []
        for leaf in leaves:
            if isinstance(leaf, Variable):
                i = var_pos.get(id(leaf))
                if i is None:
                    i = var_pos[id(leaf)] = len(arg_vars)
                    arg_vars.append(leaf)
                kinds.append(("v", i))
            elif is_array(leaf):
                dyn.append(leaf)
                kinds.append((_DYNAMIC, leaf.shape, leaf.dtype))
            else:
                kinds.append((_STATIC, leaf))
        try:
            key = (treedef, tuple(kinds))
            hash(key)
        except TypeError as e:
            raise TypeError(
                "eqbrain.jit treats every argument that is not an array as static, so it "
                f"must be hashable; got an unhashable argument ({e}). Pass arrays for "
                "values that change, or wrap the object."
            ) from None
        return key, dyn, arg_vars, treedef

    def __call__(self, *args, **kwargs):
        if args or kwargs:
            key, dyn, arg_vars, treedef = self._split(args, kwargs)
        else:
            key, dyn, arg_vars, treedef = None, [], [], None
        entry = self._cache.get(key)
        if entry is None:
            entry = self._compile(key, dyn, arg_vars, treedef)
        states = arg_vars + entry.closure if arg_vars else entry.closure
        outer, _calling.states = _calling.states, states
        try:
            outs, new = entry.jitted([v.raw_value for v in states], dyn)
        finally:
            _calling.states = outer
        written = entry.written
        if len(written) == len(states):
            write_back(states, new)
        else:
            write_back([states[i] for i in written], new)
        if entry.out_simple:
            return entry.out_def.unflatten(outs)
        return _merge_out(entry, outs)

    # -- per signature ----------------------------------------------------------------

    def _compile(self, key, dyn: list, arg_vars: list[Variable], treedef) -> _Entry:
        fn = self.fn
        kinds = key[1] if key is not None else ()

        def call(dyn_values):
            if treedef is None:
                return fn()
            it = iter(dyn_values)
            leaves = [
                arg_vars_now()[k[1]] if k[0] == "v" else next(it) if k[0] == _DYNAMIC else k[1]
                for k in kinds
            ]
            a, kw = treedef.unflatten(leaves)
            return fn(*a, **kw)

        entry = _Entry()
        n_args = len(arg_vars)

        def arg_vars_now():
            return _calling.states[:n_args]

        # Discovery: which caller Variables does the function touch (beside its arguments)?
        outer, _calling.states = _calling.states, arg_vars
        try:
            found, _ = discover(call, arg_vars, dyn, self._declared)
        finally:
            _calling.states = outer
        arg_ids = {id(v) for v in arg_vars}
        entry.closure = [v for v in found if id(v) not in arg_ids]

        def flat(state_values, dyn_values):
            states = _calling.states
            st = StateTrace()
            with st:
                inner = current_trace()
                try:
                    st.swap_in(states, state_values)
                    out = call(dyn_values)
                    check_outputs(out, "jit")
                    known = {id(v) for v in states}
                    missed = [v for v in outer_variables(st, inner) if id(v) not in known]
                    if missed:
                        raise RuntimeError(_MISSED_MSG.format(var=missed[0].describe()))
                    index = {id(v): i for i, v in enumerate(states)}
                    written = sorted(index[i] for i in st.written if i in index)
                    new = [states[i].raw_value for i in written]
                finally:
                    st.restore()
            entry.written = written
            leaves, entry.out_def = jtu.tree_flatten(out)
            mask = [is_array(x) for x in leaves]
            entry.out_simple = all(mask)
            entry.out_static = tuple(None if m else x for m, x in zip(mask, leaves))
            return [x for x, m in zip(leaves, mask) if m], new

        entry.flat = flat
        entry.jitted = jax.jit(flat, **self._jit_kwargs)
        with self._lock:
            return self._cache.setdefault(key, entry)

    def _traced(self, how: Callable, args: tuple, kwargs: dict):
        if args or kwargs:
            key, dyn, arg_vars, treedef = self._split(args, kwargs)
        else:
            key, dyn, arg_vars, treedef = None, [], [], None
        entry = self._cache.get(key) or self._compile(key, dyn, arg_vars, treedef)
        states = arg_vars + entry.closure
        outer, _calling.states = _calling.states, states
        try:
            return how(entry, [v.raw_value for v in states], dyn)
        finally:
            _calling.states = outer

    def jaxpr(self, *args, **kwargs) -> ClosedJaxpr:
        """The jaxpr of one call: inputs are the touched Variables' values (arguments'
        first, then closures', in first-touch order) and the array arguments; outputs
        are the array outputs and the new values of the written Variables."""
        return self._traced(lambda e, s, d: jax.make_jaxpr(e.flat)(s, d), args, kwargs)

    def lower(self, *args, **kwargs) -> jax.stages.Lowered:
        """`jax.jit(...).lower` of one call, e.g. `f.lower(x).compile().as_text()`."""
        return self._traced(lambda e, s, d: e.jitted.lower(s, d), args, kwargs)


def _merge_out(entry: _Entry, outs: list):
    it = iter(outs)
    leaves = [next(it) if x is None else x for x in entry.out_static]
    return entry.out_def.unflatten(leaves)


def jit(
    fn: Callable | None = None,
    *,
    states: Any = None,
    **jit_kwargs: Any,
) -> Callable:
    """Compile `fn` with `jax.jit`, writing the Variables it changes back in place.

    Arguments are split as in `equinox.filter_jit`: arrays are traced, everything else
    is static. Every Variable the function reads or writes -- reached through its
    arguments, the `self` of a bound method, or a closure -- is found while tracing the
    first call and becomes an input and output of the compiled function; after each
    call the new values are written into the caller's own cells. A Variable reached
    twice is one input and one output. Later calls with the same argument structure and
    shapes never retrace: they gather the Variables' values, run the compiled function
    and write back. If the call raises, every Variable keeps its previous value.
    The Variables are found once per argument signature: a function that later reaches
    other Variables through its closure (a rebound global) needs a new `eqbrain.jit`,
    or `states=` naming them up front.

    **Arguments:**

    - `fn`: the function (or bound method, e.g. `net.step`) to compile. It may return
      any pytree of arrays and static objects, but not a Variable.
    - `states`: Variables to manage even if the first trace does not touch them (a
      Variable, a list/dict of them, an `ArrayCollector` or a module).
    - `**jit_kwargs`: passed on to `jax.jit` (e.g. `compiler_options`).

    **Returns:** the compiled function.

    ```python
    net = Net()
    step = eqbrain.jit(net.step)          # or eqbrain.jit(lambda x: net.step(x))
    for x in inputs:
        step(x)                           # net's Variables change in place
    ```
    """
    if fn is None:
        return functools.partial(jit, states=states, **jit_kwargs)
    return _Jitted(fn, states, jit_kwargs)
