"""`Gif` and `GifRef`: generalized integrate-and-fire neurons (Mihalas & Niebur 2009),
as BrainPy's `bp.dyn.Gif`/`GifRef`."""

from __future__ import annotations

from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp

from ..._core import Variable
from .._population import Init, built, initial, integral, param
from .._share import share
from ._base import IntegrateAndFire, Refractory


def gif_derivative(V, I1, I2, V_th, t, I, V_rest, V_th_inf, R, tau, a, b, k1, k2):
    """`dI_j/dt = -k_j I_j`, `tau dV/dt = -(V - V_rest) + R (I1 + I2 + I)`,
    `dV_th/dt = a (V - V_rest) - b (V_th - V_th_inf)`."""
    dV = (-(V - V_rest) + R * (I + I1 + I2)) / tau
    dV_th = a * (V - V_rest) - b * (V_th - V_th_inf)
    return dV, -k1 * I1, -k2 * I2, dV_th


class Gif(IntegrateAndFire):
    r"""Generalized integrate-and-fire neurons (BrainPy's `bp.dyn.Gif`; Mihalas &
    Niebur 2009): two internal currents and a moving threshold.

    $$\frac{dI_j}{dt} = -k_j I_j, \quad
    \tau \frac{dV}{dt} = -(V - V_{rest}) + R (I_1 + I_2 + I), \quad
    \frac{dV_{th}}{dt} = a (V - V_{rest}) - b (V_{th} - V_{th\infty}).$$

    The neuron spikes when `V` reaches the threshold it had at the start of the step;
    then `I_j -> R_j I_j + A_j`, `V -> V_reset` and `V_th -> max(V_th_reset, V_th)`.
    BrainPy's defaults and initial values (`V = -70`, `V_th = -50`, `I1 = I2 = 0`).
    With a surrogate `spk_fun` the resets are scaled by the spike, as for `Lif`.

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `V_rest`, `V_reset`, `V_th_inf` (the threshold's resting value), `V_th_reset`
      (its floor after a spike) (mV); `R`; `tau` (ms).
    - `a`, `b`: the threshold's coupling to `V` and its decay rate (1/ms).
    - `k1`, `k2`: the decay rates of the internal currents (1/ms); `R1`, `R2`, `A1`,
      `A2`: their reset `I_j -> R_j I_j + A_j`.
    - `V_initializer`, `I1_initializer`, `I2_initializer`, `Vth_initializer`: initial
      values (numbers, arrays, initializers).
    - `key`, `batch_size`, `method`, `spk_fun`, `spk_reset`, `detach_spk`: as for `Lif`.

    Variables: `V` (mV), `I1`, `I2`, `V_th` (mV), `spike`.

    ```python
    neu = eqbrain.dyn.Gif(3, a=0.005, A2=-0.6)   # spike-frequency adaptation
    out = eqbrain.run(neu, 200.0, inputs=jnp.full((2000, 3), 1.5), monitors=["V", "V_th"])
    ```
    """

    STATES = ("V", "I1", "I2", "V_th")
    I1: Variable = built()
    I2: Variable = built()
    V_th: Variable = built()
    V_rest: Any = param(default=-70.0)
    V_reset: Any = param(default=-70.0)
    V_th_inf: Any = param(default=-50.0)
    V_th_reset: Any = param(default=-60.0)
    R: Any = param(default=20.0)
    tau: Any = param(default=20.0, positive=True)
    a: Any = param(default=0.0)
    b: Any = param(default=0.01)
    k1: Any = param(default=0.2)
    k2: Any = param(default=0.02)
    R1: Any = param(default=0.0)
    R2: Any = param(default=1.0)
    A1: Any = param(default=0.0)
    A2: Any = param(default=0.0)
    V_initializer: InitVar[Init] = initial(default=-70.0)
    I1_initializer: InitVar[Init] = initial(default=0.0)
    I2_initializer: InitVar[Init] = initial(default=0.0)
    Vth_initializer: InitVar[Init] = initial(default=-50.0, of="V_th")

    def _integrate(self, x: Any) -> tuple[Any, Any, Any, Any]:
        f = integral(gif_derivative, self.method)
        return f(
            self.V.value,
            self.I1.value,
            self.I2.value,
            self.V_th.value,
            share.load("t", 0.0),
            x,
            self.V_rest,
            self.V_th_inf,
            self.R,
            self.tau,
            self.a,
            self.b,
            self.k1,
            self.k2,
            dt=share.load("dt"),
        )

    def _spike(self, new: dict[str, Any]) -> tuple[Any, Any]:
        """Fire where `V` reaches the step's starting threshold; reset `V`, the currents
        and the threshold."""
        spike, new["V"], s = self._fire(new["V"], self.V_th.value, self.V_reset)
        new["I1"] = self._jump(s, new["I1"], self.R1 * new["I1"] + self.A1)
        new["I2"] = self._jump(s, new["I2"], self.R2 * new["I2"] + self.A2)
        new["V_th"] = self._jump(s, new["V_th"], jnp.maximum(self.V_th_reset, new["V_th"]))
        return spike, s


class GifRef(Refractory, Gif):
    """Generalized integrate-and-fire neurons with a refractory period (BrainPy's
    `bp.dyn.GifRef`): `Gif`, with `V` held for `tau_ref` ms after each spike (the
    currents and the threshold keep evolving).

    **Arguments:** those of `Gif`, and `tau_ref` (ms) and `ref_var` as for `LifRef`.

    Variables: `V`, `I1`, `I2`, `V_th`, `spike`, `t_last_spike`, and `refractory` with
    `ref_var=True`.

    ```python
    neu = eqbrain.dyn.GifRef(3, tau_ref=2.0)
    ```
    """

    T_LAST_SPIKE = -1e8  # BrainPy 2.8 starts this model's t_last_spike at -1e8 (others -1e7)
