"""A run that stops early keeps what it finished, and says so.

While a run goes on, the runner holds the state of everything it runs (the model's
Variables, its clock, the Variables its inputs write) at the end of the last chunk of
steps that finished, with that chunk's records on the host. If the run stops in the
middle (Ctrl-C, an `eqx.error_if` that fires, a failing step or device), the Variables
are put back to that state, `runner.mon` gets the records of the steps kept, and the
exception goes on, with a note saying how many steps were kept and where they are.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any, NamedTuple

from ._errors import add_note


class Kept(NamedTuple):
    """What a stopped run keeps: replaced whole (one store), never edited in place, so
    an interrupt sees either the old or the new one."""

    steps: int  # the steps kept, from the start of the run
    chunks: int  # how many chunks of records are kept
    state: list  # the raw values of the runner's Variables after those steps


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[list]:
    """Hold Ctrl-C (SIGINT) off while the block runs: a signal that arrives meanwhile
    is recorded in the yielded list instead of raised. Only the main thread receives
    signals, so elsewhere this does nothing."""
    got: list = []
    if threading.current_thread() is not threading.main_thread():
        yield got
        return
    old = signal.signal(signal.SIGINT, lambda signum, frame: got.append(signum))
    try:
        yield got
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler if old is None else old)


def stopped_note(
    who: str, kept: int, n: int, step: int, t: float, has_records: bool, unit: str
) -> str:
    """The note added to the exception of a run that stopped early; `unit` is what it
    keeps whole (`"chunk"` of steps, or `"step"` for an eager run)."""
    where = f"the model and its clock are at step {step} (t = {t:g} ms)"
    if kept == 0:
        return (
            f"{who} stopped before the first {unit} of this run's {n} steps finished and "
            f"undid the run: {where}, as before it; runner.mon holds no steps."
        )
    records = (
        "their records are in runner.mon (and on this exception's `mon`)"
        if has_records
        else "they recorded nothing (no monitors)"
    )
    return (
        f"{who} stopped after {kept} of this run's {n} steps: it kept the {unit}s that "
        f"finished and undid the rest, so {where}; {records}. Running again "
        "continues from there."
    )


def attach(error: BaseException, note: str, mon: Any) -> None:
    """Add `note` to `error` and hang the kept records on it as `error.mon`."""
    add_note(error, note)
    with contextlib.suppress(AttributeError, TypeError):
        error.mon = mon  # type: ignore[attr-defined]
