"""`AMPA` and `GABAa`: kinetic receptor synapses (Destexhe et al. 1994), as BrainPy's
`bp.dyn.AMPA`/`GABAa`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax.numpy as jnp

from ..._core import Variable
from .._population import Population, built, float_dtype, integral, param
from .._share import share


def receptor_derivative(g, t, TT, alpha, beta):
    """`dg/dt = alpha [T] (1 - g) - beta g`."""
    return alpha * TT * (1 - g) - beta * g


class AMPA(Population):
    r"""AMPA receptor synapses, a two-state kinetic model (BrainPy's `bp.dyn.AMPA`).

    $$\frac{dg}{dt} = \alpha [T] (1 - g) - \beta g,$$

    where the transmitter concentration `[T]` is `T` for `T_dur` ms after the last
    presynaptic spike and 0 otherwise. Returns the open fraction `g`.

    **Arguments:**

    - `size`: the number of synapses or postsynaptic neurons (or a shape).
    - `alpha`, `beta`: the binding and unbinding rates (1/(mM ms), 1/ms).
    - `T`: the transmitter concentration during a release (mM); `T_dur`: its
      duration (ms).
    - `batch_size`, `method`: as for the neurons.

    Variables: `g`, `spike_arrival_time` (ms, `-1e7` before any spike).

    ```python
    syn = eqbrain.dyn.AMPA(100)
    out = eqbrain.run(syn, 20.0, inputs=spikes, monitors=["g"])   # spikes: (200, 100) bool
    ```
    """

    g: Variable = built()
    spike_arrival_time: Variable = built()
    alpha: Any = param(default=0.98)
    beta: Any = param(default=0.18)
    T: Any = param(default=0.5)
    T_duration: Any = param(default=0.5, alias="T_dur")

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.g = self._variable(0.0, float_dtype())
        self.spike_arrival_time = self._variable(-1e7, float_dtype())

    def update(self, pre_spike: Any) -> Any:
        """One step with this step's presynaptic spikes; returns `g`."""
        t = share.load("t")
        arrival = jnp.where(pre_spike, t, self.spike_arrival_time.value)
        self.spike_arrival_time.value = arrival
        TT = ((t - arrival) < self.T_duration) * self.T
        f = integral(receptor_derivative, self.method)
        self.g.value = f(self.g.value, t, TT, self.alpha, self.beta, dt=share.load("dt"))
        return self.g.value


class GABAa(AMPA):
    """GABA_A receptor synapses (BrainPy's `bp.dyn.GABAa`): `AMPA`'s kinetics with
    GABA_A's rates (`alpha=0.53`, `beta=0.18`, `T=1`, `T_dur=1`).

    **Arguments:** as `AMPA`.

    ```python
    syn = eqbrain.dyn.GABAa(100)
    ```
    """

    alpha: Any = param(default=0.53)
    beta: Any = param(default=0.18)
    T: Any = param(default=1.0)
    T_duration: Any = param(default=1.0, alias="T_dur")
