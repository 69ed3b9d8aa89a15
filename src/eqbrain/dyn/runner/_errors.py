"""`RunningError` and `MonitorError`: what the runner raises for bad arguments."""


class RunningError(ValueError):
    """A runner argument cannot be used: an input, a duration, a target, a step size.

    Raised before anything runs, so the model is unchanged (BrainPy's `RunningError`).
    """


class MonitorError(RunningError):
    """A monitor cannot be resolved: an unknown path, a bad form or index (BrainPy's)."""
