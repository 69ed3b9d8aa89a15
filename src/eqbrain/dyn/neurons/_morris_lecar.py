"""`MorrisLecar`: the Morris-Lecar (1981) barnacle-muscle neuron, as BrainPy's
`bp.dyn.MorrisLecar`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp

from ..._core import Variable
from .._population import Init, Population, built, initial, integral, param
from .._share import share
from ._hh import uniform_V


def morris_lecar_derivative(
    V, W, t, I, V_Ca, g_Ca, V_K, g_K, V_leak, g_leak, C, V1, V2, V3, V4, phi
):
    """`C dV/dt = -g_Ca M_inf (V - V_Ca) - g_K W (V - V_K) - g_leak (V - V_leak) + I`,
    `dW/dt = (W_inf - W) / tau_W`."""
    M_inf = 0.5 * (1.0 + jnp.tanh((V - V1) / V2))
    dV = (-g_Ca * M_inf * (V - V_Ca) - g_K * W * (V - V_K) - g_leak * (V - V_leak) + I) / C
    tau_W = 1.0 / (phi * jnp.cosh((V - V3) / (2.0 * V4)))
    W_inf = 0.5 * (1.0 + jnp.tanh((V - V3) / V4))
    return dV, (W_inf - W) / tau_W


class MorrisLecar(Population):
    r"""Morris-Lecar neurons (BrainPy's `bp.dyn.MorrisLecar`): a calcium and a potassium
    current, the calcium gate instantaneous.

    $$C \frac{dV}{dt} = -g_{Ca} M_\infty(V) (V - V_{Ca}) - g_K W (V - V_K)
    - g_{leak} (V - V_{leak}) + I(t), \qquad \frac{dW}{dt} = \frac{W_\infty(V) - W}{\tau_W(V)},$$

    with $M_\infty = (1 + \tanh((V - V_1)/V_2))/2$, $W_\infty = (1 + \tanh((V - V_3)/V_4))/2$
    and $\tau_W = 1 / (\phi \cosh((V - V_3)/(2 V_4)))$. A spike is an upward crossing of
    `V_th`; there is no reset. BrainPy's defaults and initial values: `V` uniform in
    [-70, -60) mV (drawn from `key`), `W = 0.02`.

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `V_Ca`, `V_K`, `V_leak` (mV); `g_Ca`, `g_K`, `g_leak`; `C`.
    - `V1`, `V2`, `V3`, `V4` (mV), `phi`: the gates' curves and rate.
    - `V_th`: the spike detection threshold (mV).
    - `V_initializer`, `W_initializer`, `key`, `batch_size`, `method`: as for `HH`.

    Variables: `V` (mV), `W`, `spike` (bool).

    ```python
    neu = eqbrain.dyn.MorrisLecar(3)
    out = eqbrain.run(neu, 500.0, inputs=jnp.full((5000, 3), 100.0), monitors=["V", "spike"])
    ```
    """

    V: Variable = built()
    W: Variable = built()
    spike: Variable = built()
    V_Ca: Any = param(default=130.0)
    g_Ca: Any = param(default=4.4)
    V_K: Any = param(default=-84.0)
    g_K: Any = param(default=8.0)
    V_leak: Any = param(default=-60.0)
    g_leak: Any = param(default=2.0)
    C: Any = param(default=20.0, positive=True)
    V1: Any = param(default=-1.2)
    V2: Any = param(default=18.0)
    V3: Any = param(default=2.0)
    V4: Any = param(default=30.0)
    phi: Any = param(default=0.04, positive=True)
    V_th: Any = param(default=10.0)
    W_initializer: InitVar[Init] = initial(default=0.02)
    V_initializer: InitVar[Init] = initial(default=uniform_V)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.spike = self._variable(False, bool)

    def update(self, x: Any = None) -> Any:
        """One step with input current `x` (default 0); returns the spikes."""
        f = integral(morris_lecar_derivative, self.method)
        V, W = f(
            self.V.value,
            self.W.value,
            share.load("t", 0.0),
            self.sum_current_inputs(self.V.value, init=0.0 if x is None else x),
            self.V_Ca,
            self.g_Ca,
            self.V_K,
            self.g_K,
            self.V_leak,
            self.g_leak,
            self.C,
            self.V1,
            self.V2,
            self.V3,
            self.V4,
            self.phi,
            dt=share.load("dt"),
        )
        self.spike.value = jnp.logical_and(self.V.value < self.V_th, V >= self.V_th)
        self.V.value, self.W.value = V, W
        return self.spike.value
