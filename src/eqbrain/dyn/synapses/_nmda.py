"""`NMDA`: the NMDA synapse's gating (Wang 2002), as BrainPy's `bp.dyn.NMDA`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._core import Variable
from .._population import Population, built, float_dtype, integral, param
from .._share import share


def nmda_derivative(g, x, t, a, tau_decay, tau_rise):
    """`dg/dt = -g / tau_decay + a x (1 - g)` and `dx/dt = -x / tau_rise`."""
    return -g / tau_decay + a * x * (1 - g), -x / tau_rise


class NMDA(Population):
    r"""NMDA synapses' gating variable (BrainPy's `bp.dyn.NMDA`, Wang 2002).

    $$\frac{dg}{dt} = -\frac{g}{\tau_{decay}} + a x (1 - g), \qquad
    \frac{dx}{dt} = -\frac{x}{\tau_{rise}}, \qquad x \leftarrow x + s_{pre}$$

    Each step integrates `g` and `x`, then adds the presynaptic spikes (or summed
    weights) to `x`. Returns `g`. Pair it with `MgBlock` for the voltage-dependent
    magnesium block of the current.

    **Arguments:**

    - `size`: the number of synapses or postsynaptic neurons (or a shape).
    - `a`: the saturation rate (1/ms); `tau_decay`, `tau_rise`: time constants (ms).
    - `batch_size`, `method`: as for the neurons.

    Variables: `g`, `x`.

    ```python
    syn = eqbrain.dyn.NMDA(100)
    g = syn(jnp.ones(100))
    ```
    """

    g: Variable = built()
    x: Variable = built()
    a: Any = param(default=0.5)
    tau_decay: Any = param(default=100.0, positive=True)
    tau_rise: Any = param(default=2.0, positive=True)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.g = self._variable(0.0, float_dtype())
        self.x = self._variable(0.0, float_dtype())

    def update(self, pre_spike: Any) -> Any:
        """Integrate one step, then add `pre_spike` to `x`; returns `g`."""
        f = integral(nmda_derivative, self.method)
        g, x = f(
            self.g.value,
            self.x.value,
            share.load("t", 0.0),
            self.a,
            self.tau_decay,
            self.tau_rise,
            dt=share.load("dt"),
        )
        self.g.value = g
        self.x.value = x + pre_spike
        return self.g.value
