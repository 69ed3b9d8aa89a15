"""Python values that a trace reads from a context outside it, and compiles in.

A compiled function keeps such a value as a constant: `dt`, or the `fit` flag that
switches `Dropout` on, read from `eqbrain.share`. `eqbrain.jit` records every value read
this way while it traces (`recording`), and a later call whose context holds another
value compiles again (`still_hold`), as `jax.jit` compiles again for a new static
argument. A context reports its reads with `note_read`; `eqbrain.share` is one.

```python
f = eqbrain.jit(lambda x: dropout(x))
with eqbrain.share.context(fit=True):
    f(x)            # compiled with fit=True: drops units
with eqbrain.share.context(fit=False):
    f(x)            # compiled again with fit=False: the identity
```
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable, Iterator

# key -> (how to read the value again, the value the trace read)
Reads = dict[Hashable, tuple[Callable[[], object], object]]

_SCALARS = (bool, int, float, complex, str)


class _Open(threading.local):
    """The recordings open in this thread, outermost first (traces nest)."""

    def __init__(self) -> None:
        self.logs: list[Reads] = []


_open = _Open()


def open_recordings() -> int:
    """How many traces are recording in this thread now. A context stores this number
    with each frame it enters, and passes it to `note_read` for values read from that frame."""
    return len(_open.logs)


@contextlib.contextmanager
def recording() -> Iterator[Reads]:
    """Record, for the trace run inside the block, the values it reads through `note_read`."""
    log: Reads = {}
    _open.logs.append(log)
    try:
        yield log
    finally:
        _open.logs.pop()


def note_read(key: Hashable, value: object, reread: Callable[[], object], since: int) -> None:
    """A trace read `value` under `key`; `reread()` reads the same place again later.

    `since` is `open_recordings()` when the context frame holding the value was entered:
    the traces that began before it entered the frame themselves, so for them the value
    is not from outside, and only the later ones record it.
    """
    for log in _open.logs[since:]:
        log.setdefault(key, (reread, value))


def _unchanged(old: object, new: object) -> bool:
    if old is new:
        return True
    if type(old) is not type(new) or not isinstance(old, _SCALARS):
        return False  # an object other than a Python scalar counts by identity
    return old == new or (old != old and new != new)  # NaN equals NaN here


Held = tuple[tuple[Hashable, Callable[[], object], object], ...]
"""What a compiled function read: (key, how to read again, value), in order."""


def held(reads: Reads) -> Held:
    """`reads` as kept with a compiled function."""
    return tuple((key, reread, value) for key, (reread, value) in reads.items())


def still_hold(reads: Held) -> bool:
    """Whether every value in `reads` is read the same again now."""
    return all(_unchanged(value, reread()) for _, reread, value in reads)


def names(reads: Held) -> str:
    """The keys of `reads` for a message: `eqbrain.share['dt'], ...`."""
    return ", ".join(
        f"{k[0]}[{k[1]!r}]" if isinstance(k, tuple) and len(k) == 2 else repr(k)
        for k, _, _ in reads
    )
