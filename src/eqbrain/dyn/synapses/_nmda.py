"""`NMDA`: the NMDA synapse's gating (Wang 2002), as BrainPy's `bp.dyn.NMDA`."""

from __future__ import annotations

from typing import Any

from ..._core import Variable
from .._share import share
from ..neurons._base import Init, Population, float_dtype, init_param, integral


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

    g: Variable
    x: Variable
    a: Any
    tau_decay: Any
    tau_rise: Any

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        a: Init = 0.5,
        tau_decay: Init = 100.0,
        tau_rise: Init = 2.0,
        batch_size: int | None = None,
        method: str = "exp_euler",
        name: str | None = None,
    ):
        super().__init__(size, batch_size=batch_size, method=method, name=name)
        self.a = init_param(a, self.size, None, "a")
        self.tau_decay = init_param(tau_decay, self.size, None, "tau_decay", positive=True)
        self.tau_rise = init_param(tau_rise, self.size, None, "tau_rise", positive=True)
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
