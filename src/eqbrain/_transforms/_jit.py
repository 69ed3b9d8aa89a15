"""`jit`: compile a function that changes Variables in place, BrainPy style."""

from __future__ import annotations

import functools
import inspect
import threading
import warnings
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Concatenate, Generic, NamedTuple, ParamSpec, TypeVar, cast, overload

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
from jax.extend.core import ClosedJaxpr
from jaxtyping import PyTree

from .._core import (
    Variable,
    active_recorder,
    is_eager,
    is_variable,
    raw_values,
    structure_version,
    top_level_lock,
)
from ._engine import (
    Ran,
    States,
    as_variables,
    discover,
    is_array,
    split_outputs,
    swapped_call,
    touch_outer,
    trace_once,
    write_back,
)
from ._reads import Held, held, names, recording, still_hold

_STATIC, _DYNAMIC = 0, 1
_VARIANTS = 8  # entries kept per signature, for as many sets of context values

P = ParamSpec("P")
Q = ParamSpec("Q")
R = TypeVar("R")
S = TypeVar("S")

_MISSED_MSG = """\
eqbrain.jit: the function touched {var} when compiled for new shapes, but not when its \
Variables were first discovered (its Python control flow depends on shapes). Declare \
the Variables it may touch with `eqbrain.jit(fn, states=...)`."""


_VARIANTS_MSG = """\
eqbrain.jit: {fn!r} read other context values ({names}) at more than {n} calls with \
the same arguments' shapes: it compiles again at each change and keeps the last {n}. \
Pass a value that changes from call to call as an argument (a JAX array) instead of \
through the context."""


_RETRACED_MSG = """\
eqbrain.jit: JAX traced the function again for the same signature, and this time it \
wrote other Variables or returned another structure (its Python control flow depends \
on something besides the arguments' shapes). Make it do the same on every trace."""


class _Learned(NamedTuple):
    """What tracing the function for one signature found out (static facts)."""

    written: tuple[int, ...]  # positions, among the call's Variables, of those written
    out_def: Any  # the treedef of the output (`jtu.PyTreeDef`, unknown to type checkers)
    out_static: tuple  # per output leaf: None for an array, else the static leaf
    out_simple: bool  # every output leaf is an array

    def agrees(self, other: _Learned) -> bool:
        return (
            self.written == other.written
            and self.out_def == other.out_def
            and [x is None for x in self.out_static] == [x is None for x in other.out_static]
        )


class _Entry(NamedTuple):
    """What one call signature compiled to, complete before it enters the cache and never
    changed after (a new structure makes a new entry)."""

    closure: list[Variable]  # the Variables reached beside the arguments
    jitted: Any  # the `jax.jit` of `flat` (its wrapper type is private to JAX)
    flat: Callable  # (state values, dynamic leaves) -> (array outputs, new values)
    mask: tuple[bool, ...]  # donated dynamic leaves (`()` when none)
    written: tuple[int, ...]
    out_def: Any
    out_static: tuple
    out_simple: bool
    version: int  # `structure_version()` when the Variables were found
    # Context values the trace compiled in (`_reads.py`): the entry serves a call only
    # while they hold.
    reads: Held = ()


class _Calling(threading.local):
    """The Variables of the call being traced in this thread (arguments', then closures'):
    `jax.jit` traces synchronously in the calling thread, so the traced function reads
    them here instead of from an attribute shared by every thread."""

    def __init__(self) -> None:
        self.states: list[Variable] = []


_calling = _Calling()


class _Static:
    """An argument marked static (`static_argnums`/`static_argnames`): kept whole, never
    flattened, and part of the cache key by its hash and equality, as in `jax.jit`."""

    __slots__ = ("value",)

    def __init__(self, value: object):
        self.value = value


# Python scalars are traced, as `jax.jit` traces them: a weakly typed scalar of the
# default dtype for its type, so a new value never compiles again (one entry per type).
_SCALARS = frozenset({bool, int, float, complex})


class _Jitted(Generic[P, R]):
    """A function compiled by `eqbrain.jit`; call it like the original (type checkers
    see the original's signature and return type)."""

    def __init__(
        self,
        fn: Callable[P, R],
        states: States,
        jit_kwargs: dict[str, Any],
        static_argnums: int | Sequence[int] | None = None,
        static_argnames: str | Iterable[str] | None = None,
        donate_argnums: int | Sequence[int] | None = None,
        donate_argnames: str | Iterable[str] | None = None,
    ):
        if not callable(fn):
            raise TypeError(f"eqbrain.jit expects a callable, got {type(fn).__name__}.")
        self.fn = fn
        self._declared = as_variables(states)
        for key in ("static_argnums", "static_argnames", "donate_argnums", "donate_argnames"):
            jit_kwargs.pop(key, None)
        self._jit_kwargs = jit_kwargs
        spec = resolve_argnums(
            fn, static_argnums, static_argnames, donate_argnums, donate_argnames
        )
        self._static_nums, self._static_names, self._donate_nums, self._donate_names = spec
        self._marks = bool(self._static_nums or self._static_names)
        self._donates = bool(self._donate_nums or self._donate_names)
        # Per signature, the entries compiled for it, newest first: one per set of
        # context values read (most functions read none and have one).
        self._cache: dict[Hashable, tuple[_Entry, ...]] = {}
        self._lock = threading.Lock()
        self.__wrapped__ = fn
        self.__doc__ = getattr(fn, "__doc__", None)

    def __repr__(self) -> str:
        return f"eqbrain.jit({self.fn!r})"

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _Jitted[P, R]: ...
    @overload
    def __get__(
        self: _Jitted[Concatenate[S, Q], R], instance: S, owner: type | None = None
    ) -> Callable[Q, R]: ...
    def __get__(self, instance: object, owner: type | None = None) -> Callable[..., R]:
        # `@eqbrain.jit` on a method: bind the instance as the first argument.
        if instance is None:
            return self
        return functools.partial(cast("Callable[..., R]", self), instance)

    # -- per call ---------------------------------------------------------------------

    def _mark(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """Wrap the static arguments (kept whole, hashed) in `_Static`."""
        n = len(args)
        nums = {i % n for i in self._static_nums if -n <= i < n}
        if nums:
            args = tuple(_Static(a) if i in nums else a for i, a in enumerate(args))
        if self._static_names and kwargs:
            kwargs = {k: _Static(v) if k in self._static_names else v for k, v in kwargs.items()}
        return args, kwargs

    def _split(self, args: tuple, kwargs: dict):
        """(cache key, dynamic leaves, the caller Variables in the arguments, treedef)."""
        if self._marks:
            args, kwargs = self._mark(args, kwargs)
        leaves, treedef = jtu.tree_flatten((args, kwargs), is_leaf=is_variable)
        dyn: list = []
        arg_vars: list[Variable] = []
        var_pos: dict[int, int] = {}
        kinds: list = []
        for leaf in leaves:
            t = type(leaf)
            if t in _SCALARS:
                dyn.append(leaf)
                kinds.append((_DYNAMIC, t))
            elif isinstance(leaf, Variable):
                i = var_pos.get(id(leaf))
                if i is None:
                    i = var_pos[id(leaf)] = len(arg_vars)
                    arg_vars.append(leaf)
                kinds.append(("v", i))
            elif is_array(leaf):
                dyn.append(leaf)
                kinds.append((_DYNAMIC, leaf.shape, leaf.dtype))
            elif t is _Static:
                _check_static(leaf.value)
                kinds.append((_STATIC, leaf.value))
            else:
                kinds.append((_STATIC, leaf))
        try:
            key = (treedef, tuple(kinds))
            hash(key)
        except TypeError as e:
            raise TypeError(
                "eqbrain.jit treats every argument that is not an array or a Python scalar "
                f"as static, so it must be hashable; got an unhashable argument ({e}). Pass "
                "arrays for values that change, or wrap the object."
            ) from None
        return key, dyn, arg_vars, treedef

    def _donation_mask(self, args: tuple, kwargs: dict) -> tuple[bool, ...]:
        """For each dynamic leaf, in `_split`'s order: whether its buffer is donated
        (`()` when none is)."""
        n = len(args)
        static = {i % n for i in self._static_nums if -n <= i < n}
        donate = {i % n for i in self._donate_nums if -n <= i < n}
        mask: list[bool] = []
        for i, a in enumerate(args):
            if i not in static:
                mask.extend([i in donate] * _n_dynamic(a))
        for k in sorted(kwargs):  # the order in which pytrees flatten a dict
            if k not in self._static_names:
                mask.extend([k in self._donate_names] * _n_dynamic(kwargs[k]))
        return tuple(mask) if any(mask) else ()

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if args or kwargs:
            key, dyn, arg_vars, treedef = self._split(args, kwargs)
        else:
            key, dyn, arg_vars, treedef = None, [], [], None
        # Discover, read, run and write back as one step for other threads: discovery
        # and tracing swap tracers into shared cells (the default random generator's
        # key), and a call reads then writes them.
        with top_level_lock():
            entry = self._lookup(key)
            if entry is None or entry.version != structure_version():
                entry = self._entry(key, entry, dyn, arg_vars, treedef, args, kwargs)
            states = arg_vars + entry.closure if arg_vars else entry.closure
            if active_recorder() is not None:
                touch_outer(states)  # nested: the enclosing transform feeds their values in
            values = raw_values(states)
            outer, _calling.states = _calling.states, states
            try:
                if entry.mask:
                    kept = [x for x, d in zip(dyn, entry.mask) if not d]
                    given = [x for x, d in zip(dyn, entry.mask) if d]
                    outs, new = entry.jitted(values, kept, given)
                else:
                    outs, new = entry.jitted(values, dyn)
            finally:
                _calling.states = outer
            written = entry.written
            if len(written) == len(states):
                write_back(states, new, values)
            else:
                write_back([states[i] for i in written], new, [values[i] for i in written])
        if entry.out_simple:
            return entry.out_def.unflatten(outs)
        return _merge_out(entry, outs)

    # -- per signature ----------------------------------------------------------------

    def _lookup(self, key: Hashable) -> _Entry | None:
        """The entry for `key` whose compiled-in context values hold now, if any."""
        for entry in self._cache.get(key, ()):
            if not entry.reads or still_hold(entry.reads):
                return entry
        return None

    def _entry(
        self, key, stale: _Entry | None, dyn: list, arg_vars: list[Variable], treedef, args, kwargs
    ) -> _Entry:
        """The entry for `key`: compiled now, or `stale` again if the containers changed
        since it was compiled but the function reaches the same Variables."""
        version = structure_version()
        call = _caller(self.fn, key, treedef, len(arg_vars))
        mask = self._donation_mask(args, kwargs) if self._donates else ()
        entry = None
        if stale is None and active_recorder() is None and is_eager() and not _disabled():
            entry = self._compile_once(call, arg_vars, dyn, mask, version)
        if entry is not None:
            return self._store(key, entry, stale)
        # Discovery: which caller Variables does the function touch (beside its arguments)?
        outer, _calling.states = _calling.states, arg_vars
        try:
            found, _ = discover(call, arg_vars, dyn, self._declared)
        finally:
            _calling.states = outer
        arg_ids = {id(v) for v in arg_vars}
        closure = [v for v in found if id(v) not in arg_ids]
        if stale is not None and _same(closure, stale.closure):
            entry = stale._replace(version=structure_version())
        else:
            entry = self._compile(call, arg_vars, closure, dyn, mask, version)
        return self._store(key, entry, stale)

    def _store(self, key, entry: _Entry, stale: _Entry | None) -> _Entry:
        """Put `entry` first among `key`'s entries (replacing `stale`), unless another
        thread stored one for the same context values meanwhile; return the one kept."""
        with self._lock:
            current = self._cache.get(key, ())
            if stale is None:
                # An entry for the same signature and context values that came in while
                # this one compiled (another thread; or a key equal only once traced).
                for other in current:
                    if not other.reads or still_hold(other.reads):
                        return other
            others = tuple(e for e in current if e is not stale)
            self._cache[key] = (entry, *others[: _VARIANTS - 1])
        if len(others) >= _VARIANTS:
            warnings.warn(
                _VARIANTS_MSG.format(fn=self.fn, n=_VARIANTS, names=names(entry.reads)),
                RuntimeWarning,
                stacklevel=4,
            )
        return entry

    def _compile_once(
        self, call: Callable, arg_vars: list[Variable], dyn: list, mask: tuple, version: int
    ) -> _Entry | None:
        """Trace `call` once into a jaxpr whose inputs are the arguments' Variables and
        values, then the Variables it reaches beside them (lifted at first touch, see
        `_lift.py`), and compile that jaxpr; `None` where this JAX cannot lift inputs."""
        arg_ids = {id(v) for v in arg_vars}
        start = arg_vars + [v for v in self._declared if id(v) not in arg_ids]
        outer, _calling.states = _calling.states, start
        try:
            with recording() as reads:
                once = trace_once(call, dyn, states=start, name="jit", static_out=True)
        finally:
            _calling.states = outer
        if once is None:
            return None
        states = start + once.lifted
        written = tuple(i for i, v in enumerate(states) if id(v) in once.written)
        static = once.out_static
        info = _Learned(written, once.out_def, static, all(x is None for x in static))
        fun, n_start, n_outs = once.fun, len(start), sum(x is None for x in static)
        python = _python_flat(call, [info])

        def flat(state_values, dyn_values):
            ordered = [*state_values[:n_start], *dyn_values, *state_values[n_start:]]
            if [(jnp.shape(x), jnp.result_type(x)) for x in ordered] != once.in_avals:
                return python(state_values, dyn_values)  # new shapes: trace the Python
            res = fun(*ordered)
            return list(res[:n_outs]), list(res[n_outs:])

        jitted = self._jit(flat, mask)
        closure = states[len(arg_vars) :]
        return _Entry(closure, jitted, flat, mask, *info, version=version, reads=held(reads))

    def _jit(self, flat: Callable, mask: tuple) -> Any:
        """`jax.jit` of `flat(state values, dynamic leaves)`, the donated leaves apart."""
        if not mask:
            return jax.jit(flat, **self._jit_kwargs)

        def flat_donated(state_values, kept, given):
            k, g = iter(kept), iter(given)
            return flat(state_values, [next(g) if d else next(k) for d in mask])

        return jax.jit(flat_donated, donate_argnums=2, **self._jit_kwargs)

    def _compile(
        self,
        call: Callable,
        arg_vars: list[Variable],
        closure: list[Variable],
        dyn: list,
        mask: tuple,
        version: int,
    ) -> _Entry:
        """Trace `call` once with its Variables as inputs and outputs; the entry is built
        from what the trace returned, after it (the traced function stores nothing)."""
        learned: list[_Learned] = []
        flat = _python_flat(call, learned)
        jitted = self._jit(flat, mask)
        states = arg_vars + closure
        outer, _calling.states = _calling.states, states
        try:
            # Trace now (JAX keeps the trace for the call that follows), so the entry is
            # complete before any call can see it.
            with recording() as reads:
                jitted.trace(raw_values(states), *_donation_split(dyn, mask))
        finally:
            _calling.states = outer
        info = learned[0]
        return _Entry(closure, jitted, flat, mask, *info, version=version, reads=held(reads))

    def _traced(self, how: Callable, args: tuple, kwargs: dict):
        if args or kwargs:
            key, dyn, arg_vars, treedef = self._split(args, kwargs)
        else:
            key, dyn, arg_vars, treedef = None, [], [], None
        with top_level_lock():  # discovery and tracing swap tracers into shared cells
            entry = self._lookup(key)
            if entry is None or entry.version != structure_version():
                entry = self._entry(key, entry, dyn, arg_vars, treedef, args, kwargs)
            states = arg_vars + entry.closure
            outer, _calling.states = _calling.states, states
            try:
                return how(entry, raw_values(states), dyn)
            finally:
                _calling.states = outer

    def jaxpr(self, *args: P.args, **kwargs: P.kwargs) -> ClosedJaxpr:
        """The jaxpr of one call: inputs are the touched Variables' values (arguments'
        first, then closures', in first-touch order) and the array arguments; outputs
        are the array outputs and the new values of the written Variables."""
        return self._traced(lambda e, s, d: jax.make_jaxpr(e.flat)(s, d), args, kwargs)

    def lower(self, *args: P.args, **kwargs: P.kwargs) -> jax.stages.Lowered:
        """`jax.jit(...).lower` of one call, e.g. `f.lower(x).compile().as_text()`."""
        return self._traced(
            lambda e, s, d: e.jitted.lower(s, *_donation_split(d, e.mask)), args, kwargs
        )


def _python_flat(call: Callable, learned: list[_Learned]) -> Callable:
    """`flat(state values, dynamic leaves) -> (array outputs, new values)`: `call` traced
    with the Variables of the call being traced (`_calling.states`) swapped in. What a
    trace learns is appended to `learned`; a trace that learns something else than the
    first (JAX traced again) raises instead of changing what calls return."""

    def flat(state_values, dyn_values):
        states = _calling.states
        ran = swapped_call(call, states, state_values, dyn_values, name="jit")
        known = {id(v) for v in states}
        missed = [v for v in ran.touched if id(v) not in known]
        if missed:
            raise RuntimeError(_MISSED_MSG.format(var=missed[0].describe()))
        info, arrays = _learn(states, ran)
        if learned and not learned[0].agrees(info):
            raise RuntimeError(_RETRACED_MSG)
        learned.append(info)
        new = ran.new([states[i] for i in info.written])
        return arrays, new

    return flat


def _learn(states: list[Variable], ran: Ran) -> tuple[_Learned, list]:
    """What a trace of the function found out, and its array outputs."""
    written = tuple(i for i, v in enumerate(states) if id(v) in ran.written)
    arrays, out_def, static = split_outputs(ran.out)
    return _Learned(written, out_def, static, all(x is None for x in static)), arrays


def _disabled() -> bool:
    """Whether `jax.disable_jit()` is on (the function then runs eagerly, as Python)."""
    return bool(jax.config.jax_disable_jit)  # pyright: ignore[reportAttributeAccessIssue]


def _caller(fn: Callable, key: Any, treedef: Any, n_args: int) -> Callable[[list], PyTree]:
    """`call(dynamic leaves)`: `fn` called with the arguments rebuilt from the cache key's
    kinds, the dynamic leaves and the Variables of the call being traced."""
    if treedef is None:
        return lambda dyn_values: fn()
    kinds = key[1]

    def call(dyn_values):
        arg_vars = _calling.states[:n_args]
        it = iter(dyn_values)
        leaves = [
            arg_vars[k[1]] if k[0] == "v" else next(it) if k[0] == _DYNAMIC else k[1]
            for k in kinds
        ]
        a, kw = treedef.unflatten(leaves)
        return fn(*a, **kw)

    return call


def _same(a: list[Variable], b: list[Variable]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _donation_split(dyn: list, mask: tuple) -> tuple:
    """The dynamic leaves as the jitted function takes them: `(dyn,)`, or `(kept,
    donated)` when some are donated."""
    if not mask:
        return (dyn,)
    return [x for x, d in zip(dyn, mask) if not d], [x for x, d in zip(dyn, mask) if d]


def _n_dynamic(x: PyTree) -> int:
    """How many dynamic (traced) leaves `_split` finds in the argument `x`."""
    return sum(
        1
        for leaf in jtu.tree_leaves(x, is_leaf=is_variable)
        if type(leaf) in _SCALARS or (is_array(leaf) and not isinstance(leaf, Variable))
    )


def _check_static(value: object) -> None:
    try:
        hash(value)
    except TypeError as e:
        raise ValueError(
            f"eqbrain.jit: a static argument (static_argnums/static_argnames) must be "
            f"hashable, as in jax.jit; got {type(value).__name__} {value!r} ({e}). Pass a "
            "tuple instead of a list, or make the argument dynamic (an array)."
        ) from None


def _index_tuple(x: object, what: str) -> tuple[int, ...]:
    if x is None:
        return ()
    if isinstance(x, int) and not isinstance(x, bool):
        return (x,)
    if isinstance(x, list | tuple) and all(
        isinstance(i, int) and not isinstance(i, bool) for i in x
    ):
        return tuple(x)
    raise ValueError(f"eqbrain.jit: `{what}` takes an int or a sequence of ints, got {x!r}.")


def _name_tuple(x: object, what: str) -> tuple[str, ...]:
    if x is None:
        return ()
    if isinstance(x, str):
        return (x,)
    if isinstance(x, list | tuple | set | frozenset) and all(isinstance(i, str) for i in x):
        return tuple(x)
    raise ValueError(f"eqbrain.jit: `{what}` takes a str or a sequence of strs, got {x!r}.")


_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _complete(sig, nums, names):
    """`jax.jit`'s rule: given only numbers, name the positional-or-keyword parameters at
    them; given only names, number them (so `f(x, c=1)` and `f(x, 1)` agree)."""
    if sig is None or (nums and names) or not (nums or names):
        return nums, names
    params = list(sig.parameters.values())
    pk = inspect.Parameter.POSITIONAL_OR_KEYWORD
    if names:
        nums = tuple(i for i, p in enumerate(params) if p.kind == pk and p.name in names)
    else:
        names = tuple(p.name for i, p in enumerate(params) if p.kind == pk and i in nums)
    return nums, names


def _validate(sig, nums: tuple[int, ...], names: tuple[str, ...], what: str) -> None:
    if sig is None:
        return
    params = list(sig.parameters.values())
    kinds = [p.kind for p in params]
    if nums and inspect.Parameter.VAR_POSITIONAL not in kinds:
        n = sum(k in _POSITIONAL for k in kinds)
        bad = [i for i in nums if not -n <= i < n]
        if bad:
            raise ValueError(
                f"eqbrain.jit: {what}_argnums={nums}, but the function takes only {n} "
                "positional arguments."
            )
    if names:
        pos_only = {p.name for p in params if p.kind == inspect.Parameter.POSITIONAL_ONLY}
        if pos_only & set(names):
            raise ValueError(
                f"eqbrain.jit: {what}_argnames names positional-only parameters "
                f"{sorted(pos_only & set(names))}; mark them with {what}_argnums instead."
            )
        if inspect.Parameter.VAR_KEYWORD not in kinds:
            known = {p.name for p in params if p.kind != inspect.Parameter.VAR_POSITIONAL}
            unknown = sorted(set(names) - known)
            if unknown:
                raise ValueError(
                    f"eqbrain.jit: {what}_argnames names {unknown}, but the function has no "
                    f"such parameters (it takes {[p.name for p in params]})."
                )


def resolve_argnums(fn, static_argnums, static_argnames, donate_argnums, donate_argnames):
    """(static numbers, static names, donated numbers, donated names), completed from the
    signature and validated as `jax.jit` does, at construction."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # a builtin or C callable: no signature to read
        sig = None
    s_nums, s_names = _complete(
        sig,
        _index_tuple(static_argnums, "static_argnums"),
        _name_tuple(static_argnames, "static_argnames"),
    )
    d_nums, d_names = _complete(
        sig,
        _index_tuple(donate_argnums, "donate_argnums"),
        _name_tuple(donate_argnames, "donate_argnames"),
    )
    _validate(sig, s_nums, s_names, "static")
    _validate(sig, d_nums, d_names, "donate")
    both = sorted(set(s_nums) & set(d_nums)) + sorted(set(s_names) & set(d_names))
    if both:
        raise ValueError(
            f"eqbrain.jit: {both} are both static and donated; a static argument has no "
            "buffer to donate."
        )
    return s_nums, frozenset(s_names), d_nums, frozenset(d_names)


def _merge_out(entry: _Entry, outs: list):
    it = iter(outs)
    leaves = [next(it) if x is None else x for x in entry.out_static]
    return entry.out_def.unflatten(leaves)


_DEPRECATED_MSG = """\
`{arg}=` is not needed: eqbrain.{name} finds the Variables the function touches by \
itself (as BrainPy >= 2.4 does). The Variables given are managed as `states=`."""


def deprecated_states(name: str, dyn_vars: States, child_objs: States) -> list[Variable]:
    """BrainPy's `dyn_vars=`/`child_objs=`: a `DeprecationWarning` each (at construction,
    as BrainPy warns), and their Variables to manage as declared states."""
    out = []
    for arg, value in (("dyn_vars", dyn_vars), ("child_objs", child_objs)):
        if value is not None:
            warnings.warn(_DEPRECATED_MSG.format(arg=arg, name=name), DeprecationWarning, 3)
            out.extend(as_variables(value))
    return out


@overload
def jit(
    fn: Callable[P, R],
    static_argnums: int | Sequence[int] | None = None,
    static_argnames: str | Iterable[str] | None = None,
    donate_argnums: int | Sequence[int] | None = None,
    *,
    donate_argnames: str | Iterable[str] | None = None,
    states: States = None,
    dyn_vars: States = None,
    child_objs: States = None,
    **jit_kwargs: Any,
) -> _Jitted[P, R]: ...
@overload
def jit(
    *,
    static_argnums: int | Sequence[int] | None = None,
    static_argnames: str | Iterable[str] | None = None,
    donate_argnums: int | Sequence[int] | None = None,
    donate_argnames: str | Iterable[str] | None = None,
    states: States = None,
    dyn_vars: States = None,
    child_objs: States = None,
    **jit_kwargs: Any,
) -> Callable[[Callable[P, R]], _Jitted[P, R]]: ...
def jit(
    fn: Callable[P, R] | None = None,
    static_argnums: int | Sequence[int] | None = None,
    static_argnames: str | Iterable[str] | None = None,
    donate_argnums: int | Sequence[int] | None = None,
    *,
    donate_argnames: str | Iterable[str] | None = None,
    states: States = None,
    dyn_vars: States = None,
    child_objs: States = None,
    **jit_kwargs: Any,
) -> _Jitted[P, R] | Callable[[Callable[P, R]], _Jitted[P, R]]:
    """Compile `fn` with `jax.jit`, writing the Variables it changes back in place.

    Every Variable the function reads or writes -- reached through its arguments, the
    `self` of a bound method, or a closure -- is found while tracing the first call and
    becomes an input and output of the compiled function; after each call the new values
    are written into the caller's own cells. A Variable reached twice is one input and one
    output. Later calls with the same argument structure and shapes never retrace: they
    gather the Variables' values, run the compiled function and write back. If the call
    raises -- also a `KeyboardInterrupt` (Ctrl-C) landing in the write-back -- every
    Variable keeps its previous value: a model never holds values from two calls.

    The Variables are found once per argument signature, and again after a container
    (`VarList`, `VarDict`, `NodeList`, `NodeDict`) anywhere gained, lost or reordered
    entries: if the function now reaches other Variables it compiles again, so an
    appended Variable is written and returned like the others. A function that reaches
    other Variables through a plain Python object (a rebound global, a list) needs a new
    `eqbrain.jit`, or `states=` naming them up front.

    Arguments are treated as `jax.jit` treats them, plus Equinox's rule for the rest:

    - arrays (JAX or NumPy) are traced; a new shape or dtype compiles again;
    - Python scalars (`bool`, `int`, `float`, `complex`) are traced as weakly typed
      scalars, as `jax.jit` does (and `bm.jit`): a new value never compiles again --
      at most one compilation per Python type. Mark an argument static when Python code
      needs its value (`if flag:`, a shape, a loop count);
    - Variables and modules are looked through (their Variables are managed);
    - any other object (a string, `None`, a function) is static: hashed into the cache
      key, so a new value compiles again;
    - arguments named by `static_argnums`/`static_argnames` are static whole (hashed,
      never looked into), with `jax.jit`'s meaning, completed from the signature as
      `jax.jit` does (`f(x, c=1)` and `f(x, 1)` agree).

    **Arguments:**

    - `fn`: the function (or bound method, e.g. `net.step`) to compile. It may return
      any pytree of arrays and static objects, but not a Variable.
    - `static_argnums`, `static_argnames`: the arguments to treat as static, as for
      `jax.jit`. Unhashable static arguments raise `ValueError`, as in `jax.jit`.
    - `donate_argnums`, `donate_argnames`: the arguments whose array buffers XLA may
      reuse for the outputs, as for `jax.jit`; do not use a donated array afterwards.
    - `states`: Variables to manage even if the first trace does not touch them (a
      Variable, a list/dict of them, an `ArrayCollector` or a module).
    - `dyn_vars`, `child_objs`: BrainPy's older way of naming the Variables; accepted
      with a `DeprecationWarning` and managed as `states`.
    - `**jit_kwargs`: passed on to `jax.jit` (`inline`, `keep_unused`, `device`,
      `backend`, `compiler_options`).

    **Returns:** the compiled function (or, called without `fn`, a decorator). Type
    checkers see the signature and return type of `fn`.

    ```python
    net = Net()
    step = eqbrain.jit(net.step)          # or eqbrain.jit(lambda x: net.step(x))
    for x in inputs:
        step(x)                           # net's Variables change in place

    @eqbrain.jit(static_argnames="train")
    def update(x, train=True):
        ...
    ```
    """
    declared = deprecated_states("jit", dyn_vars, child_objs)
    if declared:
        states = [*as_variables(states), *declared]

    def make(f: Callable[P, R], kwargs: dict[str, Any]) -> _Jitted[P, R]:
        return _Jitted(
            f, states, kwargs, static_argnums, static_argnames, donate_argnums, donate_argnames
        )

    if fn is None:
        return lambda f: make(f, dict(jit_kwargs))
    return make(fn, jit_kwargs)


@overload
def cls_jit(
    fn: Callable[P, R],
    static_argnums: int | Sequence[int] | None = None,
    static_argnames: str | Iterable[str] | None = None,
    donate_argnums: int | Sequence[int] | None = None,
    **jit_kwargs: Any,
) -> _Jitted[P, R]: ...
@overload
def cls_jit(
    *,
    static_argnums: int | Sequence[int] | None = None,
    static_argnames: str | Iterable[str] | None = None,
    donate_argnums: int | Sequence[int] | None = None,
    **jit_kwargs: Any,
) -> Callable[[Callable[P, R]], _Jitted[P, R]]: ...
def cls_jit(
    fn: Callable[P, R] | None = None,
    static_argnums: int | Sequence[int] | None = None,
    static_argnames: str | Iterable[str] | None = None,
    donate_argnums: int | Sequence[int] | None = None,
    **jit_kwargs: Any,
) -> _Jitted[P, R] | Callable[[Callable[P, R]], _Jitted[P, R]]:
    """`eqbrain.jit` for a method, as `brainpy.math.cls_jit`: argument numbers count from
    the first argument after `self`.

    **Arguments:** as `eqbrain.jit`; `static_argnums` and `donate_argnums` skip `self`
    (a positive number is shifted by one, a negative one counts from the end as before).
    `self` is looked through when it is an eqbrain module (its Variables are managed) and
    is static (hashed by identity) when it is a plain object.

    ```python
    class Net(eqbrain.Module):
        ...
        @eqbrain.cls_jit(static_argnums=0)
        def run(self, n_steps, x):      # n_steps is static
            ...
    ```
    """

    def shift(nums: int | Sequence[int] | None, what: str) -> tuple[int, ...]:
        return tuple(i + 1 if i >= 0 else i for i in _index_tuple(nums, what))

    s_nums = shift(static_argnums, "static_argnums")
    d_nums = shift(donate_argnums, "donate_argnums")

    def make(f: Callable[P, R]) -> _Jitted[P, R]:
        return _Jitted(
            f,
            jit_kwargs.pop("states", None),
            jit_kwargs,
            static_argnums=s_nums or None,
            static_argnames=static_argnames,
            donate_argnums=d_nums or None,
        )

    return make if fn is None else make(fn)
