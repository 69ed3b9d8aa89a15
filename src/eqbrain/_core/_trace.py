"""Which JAX trace is current, and which Variables an eqbrain transform records.

A Variable remembers the trace it was created in. Writing a tracer into a Variable that
belongs to another (outer) trace would leak that tracer, so it is refused -- unless an
eqbrain transform is recording the Variable, in which case the transform writes the
value back to the caller's cell once the call is over.

The stack of active recorders is per thread, as JAX's own trace state is: a transform
running in one thread never sees (or records) the Variables another thread touches.
Process-wide state (the default random generator) is built with `top_level()`, and
every read-compute-write of caller Variables at top level holds `state_lock`.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import jax
from jax.extend.core import get_opaque_trace_state

if TYPE_CHECKING:
    import jax

    from ._variable import Variable


def current_trace() -> object:
    """An opaque token for the current JAX trace (of this thread); equal tokens mean
    the same trace."""
    return get_opaque_trace_state(convention="nnx")


_EAGER = current_trace()  # the top-level (eval) trace, the same object in every thread


def is_eager() -> bool:
    """Whether this thread runs at top level: no JAX transform is tracing."""
    return current_trace() == _EAGER


# Every Variable takes the next serial number when it is created or unflattened. A
# recorder ignores Variables newer than itself: copies made inside the function it traces
# (by `jnp.sum(v)` flattening `v`, or by an `eqx.filter_jit` nested in it) are local to
# the function, not cells of the caller.
serials = itertools.count()


class _Local(threading.local):
    def __init__(self) -> None:
        self.stack: list[StateTrace] = []
        self.top_level = 0  # > 0 inside `top_level()`
        self.lifting = 0  # recorders in the stack that lift (see `StateTrace.lift`)


_local = _Local()

TOP_SERIAL = -1
"""The serial number of a Variable built inside `top_level()`: older than every
recorder, so any eqbrain transform that touches it records it as a caller's cell."""


@contextlib.contextmanager
def top_level() -> Iterator[None]:
    """Build process-wide state as if no transform were tracing, wherever it is first used.

    Inside, JAX computes eagerly (`jax.ensure_compile_time_eval`), and every Variable
    built belongs to the top level: it holds a concrete value, a plain JAX transform
    cannot write a tracer into it (`TraceLeakError`), and an eqbrain transform in
    progress records it as a caller's cell and writes its new value back. Made for
    state created lazily on first use (the default random generator), which must not
    capture the trace that happens to be running then.

    ```python
    with top_level():
        DEFAULT = RandomState()      # concrete key, even if first used inside jax.jit
    ```
    """
    with jax.ensure_compile_time_eval():
        _local.top_level += 1
        try:
            yield
        finally:
            _local.top_level -= 1


state_lock = threading.RLock()
"""Held around every read-compute-write of caller Variables made at top level (an eqbrain
transform's call, a `RandomState`'s split): two threads updating the same Variables
(the default generator's key) take turns instead of both reading the old value. JAX
dispatches asynchronously, so a call holds it for its dispatch, not its computation."""


def top_level_lock() -> Any:
    """`state_lock` at top level (no JAX trace, no eqbrain transform in this thread),
    else a no-op context: inside a trace, values are tracers local to the thread, and
    taking the lock there could wait on a thread that waits on JAX's own tracing."""
    if not _local.stack and current_trace() == _EAGER:
        return state_lock
    return _NO_LOCK


_NO_LOCK = contextlib.nullcontext()


def active_recorder() -> StateTrace | None:
    """The innermost `StateTrace` of this thread, or `None` outside eqbrain transforms."""
    stack = _local.stack
    return stack[-1] if stack else None


class StateTrace:
    """Records the Variables read or written while an eqbrain transform traces a function.

    A transform pushes one on entry (`with StateTrace() as st:`); every Variable touched
    inside (in this thread) is recorded once, in first-touch order, together with its
    value at that time, and is then *managed*: tracers may be written into it.
    `restore()` puts every recorded Variable back to the value it had when first touched.
    """

    __slots__ = ("variables", "originals", "_ids", "written", "trace", "since", "lift", "lifted")

    def __init__(self, variables: Iterable[Variable] = ()):
        self.since = next(serials)
        self.trace: object = None
        self.variables: list[Variable] = []
        self.originals: list[jax.Array] = []
        self._ids: dict[int, int] = {}
        self.written: set[int] = set()
        self.lift: Callable[[jax.Array], jax.Array] | None = None
        """When set (`start_lifting`), a Variable touched for the first time gets
        `lift(value)`, a new input of the jaxpr being traced, and joins `lifted`."""
        self.lifted: list[Variable] = []
        for v in variables:
            self.touch(v)

    def touch(self, var: Variable) -> None:
        """Record `var` (once) with its current value; Variables created since this
        recorder started belong to the traced function and are not recorded.

        Under a lifting recorder (see `lift`) a Variable is lifted there first, so every
        recorder above it records the lifted value as the caller's.
        """
        if id(var) not in self._ids and var._serial < self.since:
            if _local.lifting:
                below = _lifter_below(self)
                if below is not None:
                    below.touch(var)
            self._ids[id(var)] = len(self.variables)
            self.variables.append(var)
            self.originals.append(var._value)
            if self.lift is not None:
                var._value = self.lift(var._value)
                self.lifted.append(var)

    def start_lifting(self, lift: Callable[[jax.Array], jax.Array]) -> None:
        """Lift every Variable first touched from now on (see `lift`)."""
        self.lift = lift
        _local.lifting += 1

    def mark_written(self, var: Variable) -> None:
        """Record `var` as written."""
        self.touch(var)
        if id(var) in self._ids:
            self.written.add(id(var))

    def __contains__(self, var: Variable) -> bool:
        return id(var) in self._ids

    def swap_in(self, variables: list[Variable], values: Sequence[jax.Array]) -> None:
        """Record `variables` and give them `values` (tracers) until `restore()`."""
        for var, value in zip(variables, values):
            self.touch(var)
            var.raw_value = value

    def restore(self) -> None:
        """Put every recorded Variable back to the value it had when first touched.

        The restore always finishes: an exception raised part way (a `KeyboardInterrupt`
        from Ctrl-C) is raised once every Variable is back, so no tracer stays behind.
        """
        error = store_through(self.variables, self.originals)
        if error is not None:
            raise error

    def manages(self, var: Variable) -> bool:
        """Whether writes of tracers into `var` are collected by this recorder: it is the
        innermost one and the current JAX trace is the one it was entered in."""
        return self.trace == current_trace()

    def __enter__(self) -> StateTrace:
        self.trace = current_trace()
        _local.stack.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        stack = _local.stack
        if not stack or stack[-1] is not self:  # pragma: no cover - a bug in eqbrain
            raise RuntimeError("eqbrain's recorder stack is corrupted (exited out of order).")
        stack.pop()
        if self.lift is not None:
            self.lift = None
            _local.lifting -= 1


def _lifter_below(rec: StateTrace) -> StateTrace | None:
    """The nearest lifting recorder under `rec` in this thread's stack (the whole stack
    for a recorder not pushed yet), if any."""
    stack = _local.stack
    i = len(stack)
    for j in range(len(stack) - 1, -1, -1):
        if stack[j] is rec:
            i = j
            break
    for j in range(i - 1, -1, -1):
        if stack[j].lift is not None:
            return stack[j]
    return None


def store_through(cells: Sequence[Variable], values: Sequence[jax.Array]) -> BaseException | None:
    """Store `values` into `cells` (no check, no recording), finishing even if an exception
    is raised between two stores; return the first such exception (or `None`).

    A signal handler runs between two Python instructions, so a `KeyboardInterrupt` can
    land after any store: the loop then resumes at the cell it was storing (a store is
    idempotent). A store that fails twice in a row at the same cell is not retried.
    """
    error: BaseException | None = None
    i, n, last = 0, len(cells), -1
    while True:
        try:
            for i in range(i, n):
                cells[i]._value = values[i]
            return error
        except BaseException as e:
            if i == last:
                raise
            last = i
            if error is None:
                error = e


def is_managed(var: Variable) -> bool:
    """Whether an eqbrain transform manages writes to `var` at the current trace level.

    The innermost `StateTrace` manages every Variable written in the trace it was
    entered in (it collects and writes them back); a write from a nested plain JAX
    transform (a `jax.jit` or `lax.cond` inside an eqbrain transform) is not managed.
    """
    rec = active_recorder()
    return rec is not None and rec.manages(var)
