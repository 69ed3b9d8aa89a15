"""`QuaIF` and `QuaIFRef`: quadratic integrate-and-fire neurons, as BrainPy's
`bp.dyn.QuaIF`/`QuaIFRef`."""

from __future__ import annotations

from dataclasses import InitVar
from typing import Any

from .._population import Init, initial, integral, param
from .._share import share
from ._base import IntegrateAndFire, Refractory


def quaif_derivative(V, t, I, V_rest, V_c, c, R, tau):
    """`dV/dt = (c (V - V_rest)(V - V_c) + R I) / tau`."""
    return (c * (V - V_rest) * (V - V_c) + R * I) / tau


class QuaIF(IntegrateAndFire):
    r"""Quadratic integrate-and-fire neurons (BrainPy's `bp.dyn.QuaIF`).

    $$\tau \frac{dV}{dt} = c (V - V_{rest})(V - V_c) + R I(t),$$

    and when `V >= V_th` the neuron spikes and `V` is set to `V_reset`. BrainPy's
    defaults, initial `V = 0` included (above `V_th = -30`: every neuron spikes on the
    first step).

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `V_rest`, `V_reset`, `V_th` (mV); `V_c`: the critical voltage of spike
      initiation (mV); `c`: the steepness (1/mV); `R`; `tau` (ms).
    - `V_initializer`, `key`, `batch_size`, `method`, `spk_fun`, `spk_reset`,
      `detach_spk`: as for `Lif`.

    Variables: `V` (mV), `spike`.

    ```python
    neu = eqbrain.dyn.QuaIF(3, V_initializer=-65.0)
    out = eqbrain.run(neu, 50.0, inputs=jnp.full((500, 3), 5.0), monitors=["V"])
    ```
    """

    V_rest: Any = param(default=-65.0)
    V_reset: Any = param(default=-68.0)
    V_th: Any = param(default=-30.0)
    V_c: Any = param(default=-50.0)
    c: Any = param(default=0.07)
    R: Any = param(default=1.0)
    tau: Any = param(default=10.0, positive=True)
    V_initializer: InitVar[Init] = initial(default=0.0)

    def _integrate(self, x: Any) -> Any:
        f = integral(quaif_derivative, self.method)
        return f(
            self.V.value,
            share.load("t", 0.0),
            x,
            self.V_rest,
            self.V_c,
            self.c,
            self.R,
            self.tau,
            dt=share.load("dt"),
        )


class QuaIFRef(Refractory, QuaIF):
    """Quadratic integrate-and-fire neurons with a refractory period (BrainPy's
    `bp.dyn.QuaIFRef`): `QuaIF`, with `V` held for `tau_ref` ms after each spike.

    **Arguments:** those of `QuaIF`, and `tau_ref` (ms) and `ref_var` as for `LifRef`.

    Variables: `V`, `spike`, `t_last_spike`, and `refractory` with `ref_var=True`.

    ```python
    neu = eqbrain.dyn.QuaIFRef(3, tau_ref=2.0, V_initializer=-65.0)
    ```
    """
