"""`ExpIF` and `ExpIFRef`: exponential integrate-and-fire neurons (Fourcaud-Trocmé 2003)."""

from __future__ import annotations

from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp

from .._population import Init, initial, integral, param
from .._share import share
from ._base import IntegrateAndFire, Refractory


def expif_derivative(V, t, I, V_rest, V_T, delta_T, R, tau):
    """`dV/dt = (-(V - V_rest) + delta_T exp((V - V_T) / delta_T) + R I) / tau`."""
    exp_v = delta_T * jnp.exp((V - V_T) / delta_T)
    return (-(V - V_rest) + exp_v + R * I) / tau


class ExpIF(IntegrateAndFire):
    r"""Exponential integrate-and-fire neurons (BrainPy's `bp.dyn.ExpIF`).

    $$\tau \frac{dV}{dt} = -(V - V_{rest}) + \Delta_T e^{(V - V_T)/\Delta_T} + R I(t),$$

    and when `V >= V_th` the neuron spikes and `V` is set to `V_reset`. BrainPy's
    defaults, initial `V = 0` included: with the default `V_th = -55` every neuron
    therefore spikes on the first step and restarts from `V_reset`. Pass
    `V_initializer=V_rest` (or any value) for a quiet start.

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `V_rest`, `V_reset`, `V_th` (mV); `V_T`: the soft threshold (mV); `delta_T`: the
      spike slope factor (mV); `R`: membrane resistance; `tau`: time constant (ms).
    - `V_initializer`, `key`, `batch_size`, `method`, `spk_fun`, `spk_reset`,
      `detach_spk`: as for `Lif`.

    Variables: `V` (mV), `spike`.

    ```python
    neu = eqbrain.dyn.ExpIF(3, V_initializer=-65.0)
    out = eqbrain.run(neu, 50.0, inputs=jnp.full((500, 3), 10.0), monitors=["V"])
    ```
    """

    V_rest: Any = param(default=-65.0)
    V_reset: Any = param(default=-68.0)
    V_th: Any = param(default=-55.0)
    V_T: Any = param(default=-59.9)
    delta_T: Any = param(default=3.48, positive=True)
    R: Any = param(default=1.0)
    tau: Any = param(default=10.0, positive=True)
    V_initializer: InitVar[Init] = initial(default=0.0)

    def _integrate(self, x: Any) -> Any:
        f = integral(expif_derivative, self.method)
        return f(
            self.V.value,
            share.load("t", 0.0),
            x,
            self.V_rest,
            self.V_T,
            self.delta_T,
            self.R,
            self.tau,
            dt=share.load("dt"),
        )


class ExpIFRef(Refractory, ExpIF):
    """Exponential integrate-and-fire neurons with a refractory period (BrainPy's
    `bp.dyn.ExpIFRef`): `ExpIF`, with `V` held for `tau_ref` ms after each spike.

    **Arguments:** those of `ExpIF`, and `tau_ref` (ms) and `ref_var` as for `LifRef`.

    Variables: `V`, `spike`, `t_last_spike`, and `refractory` with `ref_var=True`.

    ```python
    neu = eqbrain.dyn.ExpIFRef(3, tau_ref=2.0, V_initializer=-65.0)
    ```
    """
