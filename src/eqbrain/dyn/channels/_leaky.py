"""`IL`: the leak current of a conductance-based neuron."""

from __future__ import annotations

from typing import Any

from .._population import param
from ._base import LeakyChannel


class IL(LeakyChannel):
    """The leak current `g_max (E - V)` (BrainPy's `bp.dyn.IL`).

    **Arguments:** `size`; `g_max` (0.1 mS/cm²), `E` (-70 mV).

    ```python
    IL = eqbrain.dyn.IL(1, E=-54.387, g_max=0.03)
    ```
    """

    g_max: Any = param(default=0.1)
    E: Any = param(default=-70.0)
