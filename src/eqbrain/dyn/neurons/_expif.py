"""`ExpIF` and `ExpIFRef`: exponential integrate-and-fire neurons (Fourcaud-Trocmé 2003)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from ..._core import Variable
from .._share import share
from ._base import Init, IntegrateAndFire, Refractory, init_array, init_param, integral, keys_for


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

    V: Variable
    V_rest: Any
    V_reset: Any
    V_th: Any
    V_T: Any
    delta_T: Any
    R: Any
    tau: Any

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        V_rest: Init = -65.0,
        V_reset: Init = -68.0,
        V_th: Init = -55.0,
        V_T: Init = -59.9,
        delta_T: Init = 3.48,
        R: Init = 1.0,
        tau: Init = 10.0,
        V_initializer: Init = 0.0,
        key: jax.Array | None = None,
        batch_size: int | None = None,
        method: str = "exp_euler",
        spk_fun: Callable | None = None,
        spk_reset: str = "soft",
        detach_spk: bool = False,
        name: str | None = None,
    ):
        super().__init__(
            size,
            batch_size=batch_size,
            method=method,
            spk_fun=spk_fun,
            spk_reset=spk_reset,
            detach_spk=detach_spk,
            name=name,
        )
        k = keys_for(key, 8)
        self.V_rest = init_param(V_rest, self.size, k[0], "V_rest")
        self.V_reset = init_param(V_reset, self.size, k[1], "V_reset")
        self.V_th = init_param(V_th, self.size, k[2], "V_th")
        self.V_T = init_param(V_T, self.size, k[3], "V_T")
        self.delta_T = init_param(delta_T, self.size, k[4], "delta_T", positive=True)
        self.R = init_param(R, self.size, k[5], "R")
        self.tau = init_param(tau, self.size, k[6], "tau", positive=True)
        self.V = self._variable(init_array(V_initializer, self.state_shape, k[7], "V"))

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
