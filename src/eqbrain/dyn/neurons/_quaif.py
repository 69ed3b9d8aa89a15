"""`QuaIF` and `QuaIFRef`: quadratic integrate-and-fire neurons, as BrainPy's
`bp.dyn.QuaIF`/`QuaIFRef`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax

from ..._core import Variable
from .._share import share
from ._base import Init, IntegrateAndFire, Refractory, init_array, init_param, integral, keys_for


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

    V: Variable
    V_rest: Any
    V_reset: Any
    V_th: Any
    V_c: Any
    c: Any
    R: Any
    tau: Any

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        V_rest: Init = -65.0,
        V_reset: Init = -68.0,
        V_th: Init = -30.0,
        V_c: Init = -50.0,
        c: Init = 0.07,
        R: Init = 1.0,
        tau: Init = 10.0,
        V_initializer: Init = 0.0,
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
        k = keys_for(key, 8)
        self.V_rest = init_param(V_rest, self.size, k[0], "V_rest")
        self.V_reset = init_param(V_reset, self.size, k[1], "V_reset")
        self.V_th = init_param(V_th, self.size, k[2], "V_th")
        self.V_c = init_param(V_c, self.size, k[3], "V_c")
        self.c = init_param(c, self.size, k[4], "c")
        self.R = init_param(R, self.size, k[5], "R")
        self.tau = init_param(tau, self.size, k[6], "tau", positive=True)
        self.V = self._variable(init_array(V_initializer, self.state_shape, k[7], "V"))

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
