"""`Izhikevich` and `IzhikevichRef`: Izhikevich (2003) neurons, as BrainPy's
`bp.dyn.Izhikevich`/`IzhikevichRef`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax

from ..._core import Variable
from .._share import share
from ._base import Init, IntegrateAndFire, Refractory, init_array, init_param, integral, keys_for


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
    V: Variable
    u: Variable
    V_th: Any
    p1: Any
    p2: Any
    p3: Any
    a: Any
    b: Any
    c: Any
    d: Any
    tau: Any
    R: Any

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        V_th: Init = 30.0,
        p1: Init = 0.04,
        p2: Init = 5.0,
        p3: Init = 140.0,
        a: Init = 0.02,
        b: Init = 0.2,
        c: Init = -65.0,
        d: Init = 8.0,
        tau: Init = 10.0,
        R: Init = 1.0,
        V_initializer: Init = -70.0,
        u_initializer: Init | None = None,
        key: jax.Array | None = None,
        batch_size: int | None = None,
        method: str = "exp_euler",
        spk_fun: Callable | None = None,
        detach_spk: bool = False,
        name: str | None = None,
    ):
        super().__init__(
            size,
            batch_size=batch_size,
            method=method,
            spk_fun=spk_fun,
            detach_spk=detach_spk,
            name=name,
        )
        k = keys_for(key, 12)
        self.V_th = init_param(V_th, self.size, k[0], "V_th")
        self.p1 = init_param(p1, self.size, k[1], "p1")
        self.p2 = init_param(p2, self.size, k[2], "p2")
        self.p3 = init_param(p3, self.size, k[3], "p3")
        self.a = init_param(a, self.size, k[4], "a")
        self.b = init_param(b, self.size, k[5], "b")
        self.c = init_param(c, self.size, k[6], "c")
        self.d = init_param(d, self.size, k[7], "d")
        self.tau = init_param(tau, self.size, k[8], "tau", positive=True)
        self.R = init_param(R, self.size, k[9], "R")
        V0 = init_array(V_initializer, self.state_shape, k[10], "V")
        u_init = self.b * V0 if u_initializer is None else u_initializer
        self.V = self._variable(V0)
        self.u = self._variable(init_array(u_init, self.state_shape, k[11], "u"))

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
