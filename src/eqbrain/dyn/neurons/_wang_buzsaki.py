"""`WangBuzsakiHH`: the Wang-Buzsaki (1996) interneuron, with the paper's rates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp

from ..._core import Variable
from .._exprel import exprel
from .._population import Init, Population, built, initial, integral, param
from .._share import share


def m_inf(V: Any) -> Any:
    """The instantaneous sodium activation `alpha_m / (alpha_m + beta_m)`."""
    alpha = 1.0 / exprel(-0.1 * (V + 35.0))
    beta = 4.0 * jnp.exp(-(V + 60.0) / 18.0)
    return alpha / (alpha + beta)


def wang_buzsaki_derivative(V, h, n, t, I, ENa, gNa, EK, gK, EL, gL, phi, C):
    """`dV`, `dh`, `dn` of the Wang-Buzsaki model."""
    I_Na = gNa * m_inf(V) ** 3 * h * (V - ENa)
    I_K = gK * n**4 * (V - EK)
    I_L = gL * (V - EL)
    dV = (-I_Na - I_K - I_L + I) / C
    alpha_h = 0.07 * jnp.exp(-(V + 58.0) / 20.0)
    beta_h = 1.0 / (jnp.exp(-0.1 * (V + 28.0)) + 1.0)
    alpha_n = 0.1 / exprel(-0.1 * (V + 34.0))  # 0.01 (V + 34) / (1 - exp(-0.1 (V + 34)))
    beta_n = 0.125 * jnp.exp(-(V + 44.0) / 80.0)
    dh = phi * (alpha_h * (1.0 - h) - beta_h * h)
    dn = phi * (alpha_n * (1.0 - n) - beta_n * n)
    return dV, dh, dn


class WangBuzsakiHH(Population):
    r"""The Wang-Buzsaki (1996) fast-spiking interneuron (BrainPy's `bp.dyn.WangBuzsakiHH`):

    $$C \frac{dV}{dt} = -g_{Na} m_\infty^3 h (V - E_{Na}) - g_K n^4 (V - E_K)
    - g_L (V - E_L) + I,$$

    $dh/dt = \phi(\alpha_h (1 - h) - \beta_h h)$, $dn/dt = \phi(\alpha_n (1 - n) -
    \beta_n n)$, with $m_\infty = \alpha_m / (\alpha_m + \beta_m)$,
    $\alpha_m = 0.1 (V + 35) / (1 - e^{-0.1 (V + 35)})$, $\beta_m = 4 e^{-(V + 60)/18}$,
    $\alpha_h = 0.07 e^{-(V + 58)/20}$, $\beta_h = 1 / (1 + e^{-0.1 (V + 28)})$,
    $\alpha_n = 0.01 (V + 34) / (1 - e^{-0.1 (V + 34)})$ and
    $\beta_n = 0.125 e^{-(V + 44)/80}$: the paper's rates. BrainPy 2.8's $\alpha_n$ is
    ten times the paper's (`docs/models.md`); everything else is BrainPy's, defaults
    and initial values included. A spike is an upward crossing of `V_th`.

    **Arguments:** `size`; `ENa` (55 mV), `gNa` (35), `EK` (-90 mV), `gK` (9), `EL`
    (-65 mV), `gL` (0.1), `V_th` (20 mV), `phi` (5), `C` (1 µF/cm²); `V_initializer`
    (-65 mV), `h_initializer` (0.6), `n_initializer` (0.32); `batch_size`, `method`.

    Variables: `V`, `h`, `n`, `spike` (bool).

    ```python
    neu = eqbrain.dyn.WangBuzsakiHH(2)
    out = eqbrain.run(neu, 100.0, inputs=jnp.full((1000, 2), 1.0), monitors=["V", "spike"])
    ```
    """

    V: Variable = built()
    h: Variable = built()
    n: Variable = built()
    spike: Variable = built()
    ENa: Any = param(default=55.0)
    gNa: Any = param(default=35.0)
    EK: Any = param(default=-90.0)
    gK: Any = param(default=9.0)
    EL: Any = param(default=-65.0)
    gL: Any = param(default=0.1)
    V_th: Any = param(default=20.0)
    phi: Any = param(default=5.0)
    C: Any = param(default=1.0, positive=True)
    V_initializer: InitVar[Init] = initial(default=-65.0)
    h_initializer: InitVar[Init] = initial(default=0.6)
    n_initializer: InitVar[Init] = initial(default=0.32)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.spike = self._variable(False, bool)

    def update(self, x: Any = None) -> Any:
        """One step with input current `x` (default 0); returns the spikes."""
        f = integral(wang_buzsaki_derivative, self.method)
        V, h, n = f(
            self.V.value,
            self.h.value,
            self.n.value,
            share.load("t", 0.0),
            0.0 if x is None else x,
            self.ENa,
            self.gNa,
            self.EK,
            self.gK,
            self.EL,
            self.gL,
            self.phi,
            self.C,
            dt=share.load("dt"),
        )
        self.spike.value = jnp.logical_and(self.V.value < self.V_th, V >= self.V_th)
        self.V.value, self.h.value, self.n.value = V, h, n
        return self.spike.value
