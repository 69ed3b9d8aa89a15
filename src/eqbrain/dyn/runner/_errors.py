"""`RunningError` and `MonitorError`: what the runner raises for bad arguments; `add_note`."""


class RunningError(ValueError):
    """A runner argument cannot be used: an input, a duration, a target, a step size.

    Raised before anything runs, so the model is unchanged (BrainPy's `RunningError`).
    """


class MonitorError(RunningError):
    """A monitor cannot be resolved: an unknown path, a bad form or index (BrainPy's)."""


def add_note(error: BaseException, note: str) -> None:
    """`error.add_note(note)` (PEP 678), kept in `__notes__` by hand before Python 3.11."""
    if hasattr(error, "add_note"):
        error.add_note(note)  # type: ignore[attr-defined]
    else:
        notes = getattr(error, "__notes__", None)
        try:
            error.__notes__ = [*(notes or []), note]  # type: ignore[attr-defined]
        except (AttributeError, TypeError):  # an exception that takes no attributes
            pass
