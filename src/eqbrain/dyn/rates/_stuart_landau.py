"""`StuartLandauOscillator`: the normal form of a Hopf bifurcation, as BrainPy's
`bp.dyn.StuartLandauOscillator` (`bp.rates`)."""

from __future__ import annotations

from dataclasses import InitVar
from typing import Any

import jax

from .._population import Init, initial, param
from ._rate_model import RateModel


def stuart_landau_derivative(x, y, t, x_ext, y_ext, a, w):
    """`dx/dt` and `dy/dt` of the Stuart-Landau oscillator."""
    r2 = x * x + y * y
    return (a - r2) * x - w * y + x_ext, (a - r2) * y + w * x + y_ext


def uniform_0_05(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    """Uniform in [0, 0.5): BrainPy's default initial `x` and `y` of this model."""
    return jax.random.uniform(key, shape, minval=0.0, maxval=0.5)


class StuartLandauOscillator(RateModel):
    r"""Stuart-Landau oscillators (BrainPy's `bp.dyn.StuartLandauOscillator`): for
    `a > 0` a limit cycle of radius `sqrt(a)` and angular frequency `w` (per ms).

    $$\frac{dx}{dt} = (a - x^2 - y^2)\,x - w y + I_x, \qquad
    \frac{dy}{dt} = (a - x^2 - y^2)\,y + w x + I_y.$$

    Inputs and noise as for `FHN`; `x` and `y` uniform in [0, 0.5) at the start.

    **Arguments:**

    - `size`: the number of oscillators (or a shape).
    - `a` (the bifurcation parameter), `w` (the angular frequency).
    - the noise, initializers, `key`, `seed`, `input_var`, `batch_size`, `method`: as
      for `FHN`.

    ```python
    sl = eqbrain.dyn.StuartLandauOscillator(4)
    out = eqbrain.run(sl, 100.0, monitors=["x", "y"])
    ```
    """

    a: Any = param(default=0.25)
    w: Any = param(default=0.2)
    x_initializer: InitVar[Init] = initial(default=uniform_0_05)
    y_initializer: InitVar[Init] = initial(default=uniform_0_05)

    _derivative = staticmethod(stuart_landau_derivative)

    def _params(self) -> tuple:
        return (self.a, self.w)
