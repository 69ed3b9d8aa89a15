"""`AdExIF` and `AdExIFRef`: adaptive exponential integrate-and-fire neurons (Brette &
Gerstner 2005), as BrainPy's `bp.dyn.AdExIF`/`AdExIFRef`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from ..._core import Variable
from .._share import share
from ._base import Init, IntegrateAndFire, Refractory, init_array, init_param, integral, keys_for


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
    V: Variable
    w: Variable
    V_rest: Any
    V_reset: Any
    V_th: Any
    V_T: Any
    delta_T: Any
    a: Any
    b: Any
    R: Any
    tau: Any
    tau_w: Any

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        V_rest: Init = -65.0,
        V_reset: Init = -68.0,
        V_th: Init = -55.0,
        V_T: Init = -59.9,
        delta_T: Init = 3.48,
        a: Init = 1.0,
        b: Init = 1.0,
        tau: Init = 10.0,
        tau_w: Init = 30.0,
        R: Init = 1.0,
        V_initializer: Init = 0.0,
        w_initializer: Init = 0.0,
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
        k = keys_for(key, 12)
        self.V_rest = init_param(V_rest, self.size, k[0], "V_rest")
        self.V_reset = init_param(V_reset, self.size, k[1], "V_reset")
        self.V_th = init_param(V_th, self.size, k[2], "V_th")
        self.V_T = init_param(V_T, self.size, k[3], "V_T")
        self.delta_T = init_param(delta_T, self.size, k[4], "delta_T", positive=True)
        self.a = init_param(a, self.size, k[5], "a")
        self.b = init_param(b, self.size, k[6], "b")
        self.R = init_param(R, self.size, k[7], "R")
        self.tau = init_param(tau, self.size, k[8], "tau", positive=True)
        self.tau_w = init_param(tau_w, self.size, k[9], "tau_w", positive=True)
        self.V = self._variable(init_array(V_initializer, self.state_shape, k[10], "V"))
        self.w = self._variable(init_array(w_initializer, self.state_shape, k[11], "w"))

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
