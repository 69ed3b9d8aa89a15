"""Which JAX trace is current, and which Variables an eqbrain transform manages.

A Variable remembers the trace it was created in. Writing a tracer into a Variable that
belongs to another (outer) trace would leak that tracer, so it is refused -- unless an
eqbrain transform is managing the Variable, in which case the transform writes the
value back to the caller's cell once the call is over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jax.extend.core import get_opaque_trace_state

if TYPE_CHECKING:
    from ._variable import Variable


def _public_current_trace():
    return get_opaque_trace_state(convention="nnx")


try:  # The same token as `get_opaque_trace_state` wraps, without a wrapper per call:
    from jax._src.core import trace_ctx as _trace_ctx  # every unflattened Variable asks.

    _trace_ctx.trace._weakref  # noqa: B018 - fail here, at import, if JAX moved it

    def current_trace():
        """An opaque token for the current JAX trace; equal tokens mean the same trace."""
        return _trace_ctx.trace._weakref

except (ImportError, AttributeError):  # pragma: no cover - other JAX versions
    current_trace = _public_current_trace


class StateTrace:
    """Records the Variables read or written while an eqbrain transform traces a function.

    A transform pushes one on entry (`with StateTrace() as st:`); every Variable touched
    inside is recorded once, in first-touch order, together with its value at that time,
    and is then *managed*: tracers may be written into it. `restore()` puts every recorded
    Variable back to the value it had when first touched.
    """

    __slots__ = ("variables", "originals", "_ids", "written", "trace")

    def __init__(self, variables=()):
        self.trace = None
        self.variables: list[Variable] = []
        self.originals: list = []
        self._ids: dict[int, int] = {}
        self.written: set[int] = set()
        for v in variables:
            self.touch(v)

    def touch(self, var: Variable) -> None:
        if id(var) not in self._ids:
            self._ids[id(var)] = len(self.variables)
            self.variables.append(var)
            self.originals.append(var._value)

    def mark_written(self, var: Variable) -> None:
        self.touch(var)
        self.written.add(id(var))

    def __contains__(self, var: Variable) -> bool:
        return id(var) in self._ids

    def restore(self) -> None:
        for var, value in zip(self.variables, self.originals):
            var._value = value

    def __enter__(self) -> StateTrace:
        self.trace = current_trace()
        _STATE_TRACES.append(self)
        return self

    def __exit__(self, *exc) -> None:
        popped = _STATE_TRACES.pop()
        assert popped is self, "eqbrain StateTrace stack corrupted"


# The stack of active StateTraces, innermost last. Variable reads and writes consult it.
_STATE_TRACES: list[StateTrace] = []


def is_managed(var: Variable) -> bool:
    """Whether an eqbrain transform manages writes to `var` at the current trace level.

    The innermost `StateTrace` manages every Variable written in the trace it was
    entered in (it collects and writes them back); a write from a nested plain JAX
    transform (a `jax.jit` or `lax.cond` inside an eqbrain transform) is not managed.
    """
    return bool(_STATE_TRACES) and _STATE_TRACES[-1].trace == current_trace()
