"""`MorrisLecar`: the Morris-Lecar (1981) barnacle-muscle neuron, as BrainPy's
`bp.dyn.MorrisLecar`."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ..._core import Variable
from .._share import share
from ._base import Init, Population, init_array, init_param, integral, keys_for
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

    V: Variable
    W: Variable
    spike: Variable
    V_Ca: Any
    g_Ca: Any
    V_K: Any
    g_K: Any
    V_leak: Any
    g_leak: Any
    C: Any
    V1: Any
    V2: Any
    V3: Any
    V4: Any
    phi: Any
    V_th: Any

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        V_Ca: Init = 130.0,
        g_Ca: Init = 4.4,
        V_K: Init = -84.0,
        g_K: Init = 8.0,
        V_leak: Init = -60.0,
        g_leak: Init = 2.0,
        C: Init = 20.0,
        V1: Init = -1.2,
        V2: Init = 18.0,
        V3: Init = 2.0,
        V4: Init = 30.0,
        phi: Init = 0.04,
        V_th: Init = 10.0,
        W_initializer: Init = 0.02,
        V_initializer: Init = uniform_V,
        key: jax.Array | None = None,
        batch_size: int | None = None,
        method: str = "exp_euler",
        name: str | None = None,
    ):
        super().__init__(size, batch_size=batch_size, method=method, name=name)
        k = keys_for(key, 15)
        params = dict(
            V_Ca=V_Ca, g_Ca=g_Ca, V_K=V_K, g_K=g_K, V_leak=V_leak, g_leak=g_leak, C=C,
            V1=V1, V2=V2, V3=V3, V4=V4, phi=phi, V_th=V_th,
        )  # fmt: skip
        for i, (what, value) in enumerate(params.items()):
            positive = what in ("C", "phi")
            setattr(self, what, init_param(value, self.size, k[i], what, positive=positive))
        self.V = self._variable(init_array(V_initializer, self.state_shape, k[13], "V"))
        self.W = self._variable(init_array(W_initializer, self.state_shape, k[14], "W"))
        self.spike = self._variable(False, bool)

    def update(self, x: Any = None) -> Any:
        """One step with input current `x` (default 0); returns the spikes."""
        f = integral(morris_lecar_derivative, self.method)
        V, W = f(
            self.V.value,
            self.W.value,
            share.load("t", 0.0),
            0.0 if x is None else x,
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
