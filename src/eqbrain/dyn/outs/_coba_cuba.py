"""Synaptic outputs: how a conductance becomes a current (`COBA`, `CUBA`)."""

from __future__ import annotations

from typing import Any

import equinox as eqx

from .._dynsys import DynamicalSystem


class COBA(DynamicalSystem):
    """Conductance-based output (BrainPy's `COBA`): `I = g (E - V)`.

    **Arguments:**

    - `E`: the reversal potential (mV): `0` for excitatory, `-80` for inhibitory
      synapses in the classic COBA network.

    ```python
    out = eqbrain.dyn.COBA(E=0.0)
    I = out(g, V)
    ```
    """

    E: float = eqx.field(static=True)

    def __init__(self, E: float = 0.0, *, name: str | None = None):
        super().__init__(name=name)
        self.E = float(E)

    def update(self, g: Any, V: Any) -> Any:
        """The current `g * (E - V)`."""
        return g * (self.E - V)


class CUBA(DynamicalSystem):
    """Current-based output (BrainPy's `CUBA`): `I = g`, whatever the potential.

    ```python
    out = eqbrain.dyn.CUBA()
    I = out(g, V)   # == g
    ```
    """

    def __init__(self, *, name: str | None = None):
        super().__init__(name=name)

    def update(self, g: Any, V: Any = None) -> Any:
        """The current `g`."""
        return g
