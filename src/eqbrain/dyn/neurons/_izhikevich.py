"""`Izhikevich` and `IzhikevichRef`: Izhikevich (2003) neurons, as BrainPy's
`bp.dyn.Izhikevich`/`IzhikevichRef`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax

from ..._core import Variable
from .._population import Init, built, initial, integral, param
from .._share import share
from ._base import IntegrateAndFire, Refractory


def izhikevich_derivative(V, u, t, I, p1, p2, p3, a, b):
    """`dV/dt = p1 V^2 + p2 V + p3 - u + I` and `du/dt = a (b V - u)`."""
    dV = p1 * V * V + p2 * V + p3 - u + I
    du = a * (b * V - u)
    return dV, du


class Izhikevich(IntegrateAndFire):
    r"""Izhikevich neurons (BrainPy's `bp.dyn.Izhikevich`).

    $$\frac{dV}{dt} = p_1 V^2 + p_2 V + p_3 - u + I(t), \qquad
    \frac{du}{dt} = a (b V - u),$$

    and when `V >= V_th` the neuron spikes, `V` is set to `c` and `u` grows by `d`.
    BrainPy's defaults and initial values: `V = -70` mV and `u = b V`.

    With a surrogate `spk_fun` the reset is always `V += spike (c - V)`, as in
    BrainPy (`spk_reset` does not apply to this model).

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `a`, `b`, `c`, `d`: Izhikevich's parameters (regular spiking by default).
    - `p1`, `p2`, `p3`: the quadratic's coefficients; `V_th`: the spike cut-off (mV).
    - `tau`, `R`: accepted and stored for BrainPy's signature; the equations do not
      use them (nor do BrainPy's).
    - `V_initializer`: the initial `V` (default `-70`); `u_initializer`: the initial
      `u` (default `b` times the initial `V`).
    - `key`, `batch_size`, `method`, `spk_fun`, `detach_spk`: as for `Lif`.

    Variables: `V` (mV), `u`, `spike`.

    ```python
    neu = eqbrain.dyn.Izhikevich(3)
    out = eqbrain.run(neu, 100.0, inputs=jnp.full((1000, 3), 10.0), monitors=["V"])
    ```
    """

    STATES = ("V", "u")
    u: Variable = built()
    spk_reset: str = built(default="soft", static=True)  # BrainPy's Izhikevich has none
    V_th: Any = param(default=30.0)
    p1: Any = param(default=0.04)
    p2: Any = param(default=5.0)
    p3: Any = param(default=140.0)
    a: Any = param(default=0.02)
    b: Any = param(default=0.2)
    c: Any = param(default=-65.0)
    d: Any = param(default=8.0)
    tau: Any = param(default=10.0, positive=True)
    R: Any = param(default=1.0)
    V_initializer: InitVar[Init] = initial(default=-70.0)
    u_initializer: InitVar[Init | None] = initial(default=None)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """`u` starts at `u_initializer`, by default `b` times the initial `V`."""
        super()._build(key, args)
        if args["u_initializer"] is None:
            self.u = self._variable(self.b * self.V.value)

    def _integrate(self, x: Any) -> tuple[Any, Any]:
        f = integral(izhikevich_derivative, self.method)
        return f(
            self.V.value,
            self.u.value,
            share.load("t", 0.0),
            x,
            self.p1,
            self.p2,
            self.p3,
            self.a,
            self.b,
            dt=share.load("dt"),
        )

    def _spike(self, new: dict[str, Any]) -> tuple[Any, Any]:
        """Fire where `V >= V_th`; a spike resets `V -> c` and raises `u += d` (in
        training mode the same jumps, scaled by the surrogate spike)."""
        V, u = new["V"], new["u"]
        if self.spk_fun is None:
            spike = s = V >= self.V_th
        else:
            spike = self.spk_fun(V - self.V_th)
            s = jax.lax.stop_gradient(spike) if self.detach_spk else spike
        new["V"], new["u"] = self._jump(s, V, self.c), self._jump(s, u, u + self.d)
        return spike, s


class IzhikevichRef(Refractory, Izhikevich):
    """Izhikevich neurons with a refractory period (BrainPy's `bp.dyn.IzhikevichRef`):
    `Izhikevich`, with `V` held for `tau_ref` ms after each spike (`u` keeps evolving).

    **Arguments:** those of `Izhikevich`, and `tau_ref` (ms) and `ref_var` as for
    `LifRef`.

    Variables: `V`, `u`, `spike`, `t_last_spike`, and `refractory` with `ref_var=True`.

    ```python
    neu = eqbrain.dyn.IzhikevichRef(3, tau_ref=2.0)
    ```
    """
