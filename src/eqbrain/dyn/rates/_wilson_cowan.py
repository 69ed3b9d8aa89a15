"""`WilsonCowanModel`: excitatory and inhibitory population rates, as BrainPy's
`bp.dyn.WilsonCowanModel` (`bp.rates`)."""

from __future__ import annotations

from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp

from .._population import Init, initial, param
from ._rate_model import RateModel, uniform_0_005


def wilson_cowan_gain(x, a, theta):
    """The sigmoid gain, shifted so that it is 0 at `x = 0`."""
    return 1.0 / (1.0 + jnp.exp(-a * (x - theta))) - 1.0 / (1.0 + jnp.exp(a * theta))


def wilson_cowan_derivative(
    x, y, t, x_ext, y_ext, E_a, E_tau, E_theta, I_a, I_tau, I_theta, wEE, wIE, wEI, wII, r
):
    """`dx/dt` (excitatory rate) and `dy/dt` (inhibitory rate) of the Wilson-Cowan model."""
    gain_x = wilson_cowan_gain(wEE * x - wIE * y + x_ext, E_a, E_theta)
    gain_y = wilson_cowan_gain(wEI * x - wII * y + y_ext, I_a, I_theta)
    return (-x + (1 - r * x) * gain_x) / E_tau, (-y + (1 - r * y) * gain_y) / I_tau


class WilsonCowanModel(RateModel):
    r"""Wilson-Cowan excitatory (`x`) and inhibitory (`y`) populations (BrainPy's
    `bp.dyn.WilsonCowanModel`).

    $$\tau_E \frac{dx}{dt} = -x + (1 - r x)\,F(w_{EE} x - w_{IE} y + I_x; a_E, \theta_E),$$
    $$\tau_I \frac{dy}{dt} = -y + (1 - r y)\,F(w_{EI} x - w_{II} y + I_y; a_I, \theta_I),$$

    with $F(u; a, \theta) = 1/(1 + e^{-a(u - \theta)}) - 1/(1 + e^{a\theta})$. Inputs
    and noise as for `FHN`; `x` and `y` uniform in [0, 0.05) at the start.

    **Arguments:**

    - `size`: the number of E-I pairs (or a shape).
    - `E_tau`, `E_a`, `E_theta`, `I_tau`, `I_a`, `I_theta`: the time constants (ms),
      gains and thresholds.
    - `wEE`, `wIE`, `wEI`, `wII`: the local couplings; `r`: the refractory parameter.
    - the noise, initializers, `key`, `seed`, `input_var`, `batch_size`, `method`: as
      for `FHN`.

    ```python
    wc = eqbrain.dyn.WilsonCowanModel(1)
    out = eqbrain.run(wc, 50.0, inputs=jnp.full((500, 1), 1.0), monitors=["x", "y"])
    ```
    """

    E_tau: Any = param(default=1.0, positive=True)
    E_a: Any = param(default=1.2)
    E_theta: Any = param(default=2.8)
    I_tau: Any = param(default=1.0, positive=True)
    I_a: Any = param(default=1.0)
    I_theta: Any = param(default=4.0)
    wEE: Any = param(default=12.0)
    wIE: Any = param(default=4.0)
    wEI: Any = param(default=13.0)
    wII: Any = param(default=11.0)
    r: Any = param(default=1.0)
    x_initializer: InitVar[Init] = initial(default=uniform_0_005)
    y_initializer: InitVar[Init] = initial(default=uniform_0_005)

    _derivative = staticmethod(wilson_cowan_derivative)

    def _params(self) -> tuple:
        return (
            self.E_a,
            self.E_tau,
            self.E_theta,
            self.I_a,
            self.I_tau,
            self.I_theta,
            self.wEE,
            self.wIE,
            self.wEI,
            self.wII,
            self.r,
        )
