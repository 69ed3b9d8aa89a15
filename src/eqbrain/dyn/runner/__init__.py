"""The runners: `DSRunner` (BrainPy's), `run`, `IntegratorRunner`, monitors and sparse
spike records."""

from ._errors import MonitorError as MonitorError, RunningError as RunningError
from ._integrator_runner import IntegratorRunner as IntegratorRunner
from ._monitors import Monitors as Monitors
from ._runner import DSRunner as DSRunner, Runner as Runner, run as run
from ._spikes import SparseSpikes as SparseSpikes

__all__ = [
    "DSRunner",
    "IntegratorRunner",
    "MonitorError",
    "Monitors",
    "Runner",
    "RunningError",
    "SparseSpikes",
    "run",
]
