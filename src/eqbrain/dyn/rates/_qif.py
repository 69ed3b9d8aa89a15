"""`QIF`: the mean-field rate model of quadratic integrate-and-fire neurons, as
BrainPy's `bp.dyn.QIF` (`bp.rates.QIF`)."""

from __future__ import annotations

from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp

from .._population import Init, initial, param
from ._rate_model import RateModel, uniform_0_005


def qif_derivative(x, y, t, x_ext, y_ext, tau, eta, delta, J):
    """`dx/dt` (the mean potential) and `dy/dt` (the rate) of the QIF mean field."""
    dx = (x**2 + eta + x_ext + J * y * tau - (jnp.pi * y * tau) ** 2) / tau
    dy = (delta / (jnp.pi * tau) + 2.0 * x * y + y_ext) / tau
    return dx, dy


class QIF(RateModel):
    r"""The mean field of a population of all-to-all coupled quadratic integrate-and-fire
    neurons (Montbrió, Pazó & Roxin 2015; BrainPy's `bp.dyn.QIF`).

    $$\tau \frac{dx}{dt} = x^2 + \bar\eta + I_x + J y \tau - (\pi y \tau)^2, \qquad
    \tau \frac{dy}{dt} = \frac{\Delta}{\pi \tau} + 2 x y + I_y,$$

    `x` the mean membrane potential and `y` the firing rate; inputs and noise as for
    `FHN`, `x` and `y` uniform in [0, 0.05) at the start.

    **Arguments:**

    - `size`: the number of populations (or a shape).
    - `tau` (ms), `eta` (the mean excitability), `delta` (the half width of its
      Lorentzian distribution), `J` (the recurrent coupling).
    - the noise, initializers, `key`, `seed`, `input_var`, `batch_size`, `method`: as
      for `FHN`.

    ```python
    qif = eqbrain.dyn.QIF(1)
    out = eqbrain.run(qif, 50.0, inputs=jnp.full((500, 1), 3.0), monitors=["x", "y"])
    ```
    """

    tau: Any = param(default=1.0, positive=True)
    eta: Any = param(default=-5.0)
    delta: Any = param(default=1.0)
    J: Any = param(default=15.0)
    x_initializer: InitVar[Init] = initial(default=uniform_0_005)
    y_initializer: InitVar[Init] = initial(default=uniform_0_005)

    _derivative = staticmethod(qif_derivative)

    def _params(self) -> tuple:
        return (self.tau, self.eta, self.delta, self.J)
