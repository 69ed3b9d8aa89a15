"""`MgBlock`: the NMDA current's voltage-dependent magnesium block, as BrainPy's
`bp.dyn.MgBlock` output."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from .._dynsys import DynamicalSystem
from .._population import init_param


class MgBlock(DynamicalSystem):
    r"""Conductance-based output with a magnesium block (BrainPy's `bp.dyn.MgBlock`).

    $$I = \frac{g (E - V)}{1 + \frac{[Mg^{2+}]}{\beta} e^{\alpha (V_{offset} - V)}}$$

    (Jahr & Stevens 1990). A stateless output like `COBA`: `out(g, V)`.

    **Arguments:**

    - `E`: the reversal potential (mV).
    - `cc_Mg`: the extracellular magnesium concentration (mM).
    - `alpha` (1/mV), `beta` (mM): the block's voltage dependence and strength.
    - `V_offset`: the potential offset (mV).

    ```python
    out = eqbrain.dyn.MgBlock(E=0.0, cc_Mg=1.0)
    I = out(g, V)
    ```
    """

    E: Any
    cc_Mg: Any
    alpha: Any
    beta: Any
    V_offset: Any

    def __init__(
        self,
        E: Any = 0.0,
        cc_Mg: Any = 1.2,
        alpha: Any = 0.062,
        beta: Any = 3.57,
        V_offset: Any = 0.0,
        *,
        name: str | None = None,
    ):
        super().__init__(name=name)
        self.E = init_param(E, jnp.shape(E), None, "E")
        self.cc_Mg = init_param(cc_Mg, jnp.shape(cc_Mg), None, "cc_Mg")
        self.alpha = init_param(alpha, jnp.shape(alpha), None, "alpha")
        self.beta = init_param(beta, jnp.shape(beta), None, "beta", positive=True)
        self.V_offset = init_param(V_offset, jnp.shape(V_offset), None, "V_offset")

    def update(self, g: Any, V: Any) -> Any:
        """The current `g (E - V) / (1 + cc_Mg / beta * exp(alpha (V_offset - V)))`."""
        norm = 1 + self.cc_Mg / self.beta * jnp.exp(self.alpha * (self.V_offset - V))
        return g * (self.E - V) / norm
