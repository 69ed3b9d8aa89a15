"""`AdQuaIF` and `AdQuaIFRef`: adaptive quadratic integrate-and-fire neurons, as
BrainPy's `bp.dyn.AdQuaIF`/`AdQuaIFRef`."""

from __future__ import annotations

from dataclasses import InitVar
from typing import Any

from ..._core import Variable
from .._population import Init, built, initial, integral, param
from .._share import share
from ._base import IntegrateAndFire, Refractory


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
    w: Variable = built()
    V_rest: Any = param(default=-65.0)
    V_reset: Any = param(default=-68.0)
    V_th: Any = param(default=-30.0)
    V_c: Any = param(default=-50.0)
    a: Any = param(default=1.0)
    b: Any = param(default=0.1)
    c: Any = param(default=0.07)
    tau: Any = param(default=10.0, positive=True)
    tau_w: Any = param(default=10.0, positive=True)
    V_initializer: InitVar[Init] = initial(default=0.0)
    w_initializer: InitVar[Init] = initial(default=0.0)

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
