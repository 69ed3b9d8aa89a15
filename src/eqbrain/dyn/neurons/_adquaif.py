"""`AdQuaIF` and `AdQuaIFRef`: adaptive quadratic integrate-and-fire neurons, as
BrainPy's `bp.dyn.AdQuaIF`/`AdQuaIFRef`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax

from ..._core import Variable
from .._share import share
from ._base import Init, IntegrateAndFire, Refractory, init_array, init_param, integral, keys_for


def adquaif_derivative(V, w, t, I, V_rest, V_c, c, a, tau, tau_w):
    """`tau dV/dt = c (V - V_rest)(V - V_c) - w + I`, `tau_w dw/dt = a (V - V_rest) - w`."""
    dV = (c * (V - V_rest) * (V - V_c) - w + I) / tau
    dw = (a * (V - V_rest) - w) / tau_w
    return dV, dw


class AdQuaIF(IntegrateAndFire):
    r"""Adaptive quadratic integrate-and-fire neurons (BrainPy's `bp.dyn.AdQuaIF`;
    Izhikevich 2004, Touboul 2008).

    $$\tau \frac{dV}{dt} = c (V - V_{rest})(V - V_c) - w + I(t), \qquad
    \tau_w \frac{dw}{dt} = a (V - V_{rest}) - w,$$

    and when `V >= V_th` the neuron spikes: `V -> V_reset`, `w -> w + b`. BrainPy's
    defaults, initial `V = 0` and `w = 0` included.

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `V_rest`, `V_reset`, `V_th`, `V_c` (mV); `c` (1/mV): as for `QuaIF`.
    - `a`: the adaptation's sensitivity to `V`; `b`: the jump of `w` at a spike.
    - `tau`, `tau_w`: the time constants of `V` and `w` (ms).
    - `V_initializer`, `w_initializer`: initial values (numbers, arrays, initializers).
    - `key`, `batch_size`, `method`, `spk_fun`, `spk_reset`, `detach_spk`: as for `Lif`.

    Variables: `V` (mV), `w`, `spike`.

    ```python
    neu = eqbrain.dyn.AdQuaIF(3, V_initializer=-65.0)
    out = eqbrain.run(neu, 100.0, inputs=jnp.full((1000, 3), 10.0), monitors=["V", "w"])
    ```
    """

    STATES = ("V", "w")
    V: Variable
    w: Variable
    V_rest: Any
    V_reset: Any
    V_th: Any
    V_c: Any
    a: Any
    b: Any
    c: Any
    tau: Any
    tau_w: Any

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        V_rest: Init = -65.0,
        V_reset: Init = -68.0,
        V_th: Init = -30.0,
        V_c: Init = -50.0,
        a: Init = 1.0,
        b: Init = 0.1,
        c: Init = 0.07,
        tau: Init = 10.0,
        tau_w: Init = 10.0,
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
        k = keys_for(key, 11)
        self.V_rest = init_param(V_rest, self.size, k[0], "V_rest")
        self.V_reset = init_param(V_reset, self.size, k[1], "V_reset")
        self.V_th = init_param(V_th, self.size, k[2], "V_th")
        self.V_c = init_param(V_c, self.size, k[3], "V_c")
        self.a = init_param(a, self.size, k[4], "a")
        self.b = init_param(b, self.size, k[5], "b")
        self.c = init_param(c, self.size, k[6], "c")
        self.tau = init_param(tau, self.size, k[7], "tau", positive=True)
        self.tau_w = init_param(tau_w, self.size, k[8], "tau_w", positive=True)
        self.V = self._variable(init_array(V_initializer, self.state_shape, k[9], "V"))
        self.w = self._variable(init_array(w_initializer, self.state_shape, k[10], "w"))

    def _integrate(self, x: Any) -> tuple[Any, Any]:
        f = integral(adquaif_derivative, self.method)
        return f(
            self.V.value,
            self.w.value,
            share.load("t", 0.0),
            x,
            self.V_rest,
            self.V_c,
            self.c,
            self.a,
            self.tau,
            self.tau_w,
            dt=share.load("dt"),
        )

    def _spike(self, new: dict[str, Any]) -> tuple[Any, Any]:
        """Fire and reset `V`; a spike also raises the adaptation: `w += b`."""
        spike, s = super()._spike(new)
        new["w"] = self._jump(s, new["w"], new["w"] + self.b)
        return spike, s


class AdQuaIFRef(Refractory, AdQuaIF):
    """Adaptive quadratic integrate-and-fire neurons with a refractory period (BrainPy's
    `bp.dyn.AdQuaIFRef`): `AdQuaIF`, with `V` held for `tau_ref` ms after each spike
    (`w` keeps evolving).

    **Arguments:** those of `AdQuaIF`, and `tau_ref` (ms) and `ref_var` as for `LifRef`.

    Variables: `V`, `w`, `spike`, `t_last_spike`, and `refractory` with `ref_var=True`.

    ```python
    neu = eqbrain.dyn.AdQuaIFRef(3, tau_ref=2.0, V_initializer=-65.0)
    ```
    """

    T_LAST_SPIKE = -1e8  # BrainPy 2.8 starts this model's t_last_spike at -1e8 (others -1e7)
