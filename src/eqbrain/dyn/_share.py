"""`share`: the current time `t`, step `i` and step size `dt`, as BrainPy's `bp.share`.

A runner (`eqbrain.run`) sets `t`, `i` and `dt` before every step, so any
`DynamicalSystem.update` can read them without passing them down by hand. Outside a
run, `dt` has a default (`0.1`, BrainPy's default, in ms) that `set_dt` changes.

The contexts are per thread, as JAX's own trace state is: `share.context(...)` and
`share.save(...)` in one thread are never seen by another. The defaults (`set_dt`) are
process-wide. A function compiled by `eqbrain.jit` (or an eager `scan`/`for_loop`)
compiles in the values it read from a context entered outside it, and compiles again
when a later call finds other values there (a new `dt`, `fit=False` after `fit=True`).
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading
from collections.abc import Iterator
from typing import Any, NamedTuple

from .._transforms import note_read, open_recordings

_MISSING = object()
_ABSENT = object()  # what a compiled function read for a key that was not set

_NOT_SET_MSG = """\
eqbrain.share has no {key!r}: it is set by a runner (`eqbrain.run`) for each step. \
Outside a run, set it yourself: `with eqbrain.share.context({key}=...): ...`. \
Known keys now: {known}."""


def _check_dt(dt: Any) -> float:
    try:
        dt = float(dt)
    except (TypeError, ValueError):
        raise TypeError(f"dt must be a positive number, got {dt!r}.") from None
    if not (dt > 0 and math.isfinite(dt)):
        raise ValueError(f"dt must be a positive, finite number, got {dt!r}.")
    return dt


class _Frame(NamedTuple):
    values: dict[str, Any]
    since: int  # `open_recordings()` when the frame was entered


class _Share:
    """The shared context of a simulation step: `t`, `i`, `dt` and anything saved.

    ```python
    class Decay(eqbrain.DynamicalSystem):
        x: eqbrain.Variable

        def update(self):
            dt = eqbrain.share.load("dt")
            self.x.value = self.x.value * jnp.exp(-dt / 10.0)

    with eqbrain.share.context(t=0.0, i=0, dt=0.1):
        Decay(...).update()
    ```
    """

    def __init__(self) -> None:
        self._defaults: dict[str, Any] = {"dt": 0.1}
        self._local = threading.local()

    @property
    def _stack(self) -> list[_Frame]:
        """This thread's frames, outermost first, above the process-wide defaults."""
        try:
            return self._local.stack
        except AttributeError:
            stack = self._local.stack = [_Frame(self._defaults, 0), _Frame({}, 0)]
            return stack

    def __getitem__(self, key: str) -> Any:
        """`share["dt"]`, as BrainPy's `bp.share["dt"]`: the same as `load(key)`."""
        return self.load(key)

    def load(self, key: str, default: Any = _MISSING) -> Any:
        """The value of `key` in the current context (`KeyError` if unset, no default)."""
        stack = self._stack
        for frame, since in reversed(stack):
            if key in frame:
                if open_recordings() > since:  # a compiled function keeps what it reads
                    note_read(("eqbrain.share", key), frame[key], self._reread(key), since)
                return frame[key]
        if open_recordings():  # it would compile in the absence of `key`
            note_read(("eqbrain.share", key), _ABSENT, self._reread(key), 0)
        if default is not _MISSING:
            return default
        raise KeyError(_NOT_SET_MSG.format(key=key, known=sorted(self.keys())))

    def _reread(self, key: str) -> functools.partial[Any]:
        return functools.partial(self.load, key, _ABSENT)

    def keys(self) -> set[str]:
        """Every key set in the current context."""
        return {k for frame, _ in self._stack for k in frame}

    def save(self, **values: Any) -> None:
        """Set keys in the innermost context (for the rest of it)."""
        if "dt" in values:
            values["dt"] = _check_dt(values["dt"])
        self._stack[-1].values.update(values)

    @contextlib.contextmanager
    def context(self, **values: Any) -> Iterator[_Share]:
        """Set keys for the duration of a `with` block; the old values come back after."""
        if "dt" in values:
            values["dt"] = _check_dt(values["dt"])
        self._stack.append(_Frame(dict(values), open_recordings()))
        try:
            yield self
        finally:
            self._stack.pop()

    def get_shargs(self) -> dict[str, Any]:
        """Every shared argument of the current context (`t`, `i`, `dt`, ...) as a new
        dict, as BrainPy's `bp.share.get_shargs()`.

        ```python
        with eqbrain.share.context(t=1.0, i=10):
            eqbrain.share.get_shargs()   # {'dt': 0.1, 't': 1.0, 'i': 10}
        ```
        """
        keys = dict.fromkeys(k for frame, _ in self._stack for k in frame)
        return {key: self.load(key) for key in keys}

    @property
    def dt(self) -> float:
        """The current step size."""
        return self.load("dt")

    def __repr__(self) -> str:
        merged = self.get_shargs()
        return f"eqbrain.share({', '.join(f'{k}={v!r}' for k, v in merged.items())})"


share = _Share()


def get_dt() -> float:
    """The current step size (`share.load('dt')`), as BrainPy's `bm.get_dt()`."""
    return share.dt


def set_dt(dt: float) -> None:
    """Set the default step size for everything outside a run, as `bm.set_dt(dt)`."""
    share._defaults["dt"] = _check_dt(dt)
