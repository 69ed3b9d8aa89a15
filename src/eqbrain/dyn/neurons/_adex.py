"""`AdExIF` and `AdExIFRef`: adaptive exponential integrate-and-fire neurons (Brette &
Gerstner 2005), as BrainPy's `bp.dyn.AdExIF`/`AdExIFRef`."""

from __future__ import annotations

from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp

from ..._core import Variable
from .._population import Init, built, initial, integral, param
from .._share import share
from ._base import IntegrateAndFire, Refractory


def adex_derivative(V, w, t, I, V_rest, V_T, delta_T, a, R, tau, tau_w):
    """`dV/dt` and `dw/dt` of the AdEx model."""
    exp = delta_T * jnp.exp((V - V_T) / delta_T)
    dV = (-V + V_rest + exp - R * w + R * I) / tau
    dw = (a * (V - V_rest) - w) / tau_w
    return dV, dw


class AdExIF(IntegrateAndFire):
    r"""Adaptive exponential integrate-and-fire neurons (BrainPy's `bp.dyn.AdExIF`).

    $$\tau \frac{dV}{dt} = -(V - V_{rest}) + \Delta_T e^{(V - V_T)/\Delta_T} - R w + R I(t),
    \qquad \tau_w \frac{dw}{dt} = a (V - V_{rest}) - w,$$

    and when `V >= V_th` the neuron spikes, `V` is set to `V_reset` and `w` grows by
    `b`. Both variables are integrated together (each with its own linear part under
    exponential Euler, from the values at the start of the step). BrainPy's defaults,
    initial `V = 0` and `w = 0` included (so every neuron spikes on the first step
    with the default `V_th = -55`).

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `V_rest`, `V_reset`, `V_th`, `V_T` (mV); `delta_T`: spike slope factor (mV).
    - `a`: subthreshold adaptation; `b`: the jump of `w` at a spike.
    - `R`: membrane resistance; `tau`, `tau_w`: time constants of `V` and `w` (ms).
    - `V_initializer`, `w_initializer`: initial values (numbers, arrays, initializers).
    - `key`, `batch_size`, `method`, `spk_fun`, `spk_reset`, `detach_spk`: as for `Lif`.

    Variables: `V` (mV), `w`, `spike`.

    ```python
    neu = eqbrain.dyn.AdExIF(3, V_initializer=-65.0)
    out = eqbrain.run(neu, 100.0, inputs=jnp.full((1000, 3), 20.0), monitors=["V", "w"])
    ```
    """

    STATES = ("V", "w")
    w: Variable = built()
    V_rest: Any = param(default=-65.0)
    V_reset: Any = param(default=-68.0)
    V_th: Any = param(default=-55.0)
    V_T: Any = param(default=-59.9)
    delta_T: Any = param(default=3.48, positive=True)
    a: Any = param(default=1.0)
    b: Any = param(default=1.0)
    tau: Any = param(default=10.0, positive=True)
    tau_w: Any = param(default=30.0, positive=True)
    R: Any = param(default=1.0)
    V_initializer: InitVar[Init] = initial(default=0.0)
    w_initializer: InitVar[Init] = initial(default=0.0)

    def _integrate(self, x: Any) -> tuple[Any, Any]:
        f = integral(adex_derivative, self.method)
        return f(
            self.V.value,
            self.w.value,
            share.load("t", 0.0),
            x,
            self.V_rest,
            self.V_T,
            self.delta_T,
            self.a,
            self.R,
            self.tau,
            self.tau_w,
            dt=share.load("dt"),
        )

    def _spike(self, new: dict[str, Any]) -> tuple[Any, Any]:
        """Fire and reset `V`; a spike also raises the adaptation: `w += b`."""
        spike, s = super()._spike(new)
        new["w"] = self._jump(s, new["w"], new["w"] + self.b)
        return spike, s


class AdExIFRef(Refractory, AdExIF):
    """Adaptive exponential integrate-and-fire neurons with a refractory period
    (BrainPy's `bp.dyn.AdExIFRef`): `AdExIF`, with `V` held for `tau_ref` ms after
    each spike (`w` keeps evolving).

    **Arguments:** those of `AdExIF`, and `tau_ref` (ms) and `ref_var` as for `LifRef`.

    Variables: `V`, `w`, `spike`, `t_last_spike`, and `refractory` with `ref_var=True`.

    ```python
    neu = eqbrain.dyn.AdExIFRef(3, tau_ref=2.0, V_initializer=-65.0)
    ```
    """

    T_LAST_SPIKE = -1e8  # BrainPy 2.8 starts this model's t_last_spike at -1e8 (others -1e7)


AdEx = AdExIF
"""`AdExIF` under the short name Brette & Gerstner's model goes by."""
