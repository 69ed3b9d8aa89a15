"""Hyperpolarization-activated cation currents (BrainPy's `Ih_*`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import jax.numpy as jnp

from ..._core import Variable
from .._population import built, integral, param
from .._share import share
from ..integrators import JointEq
from ..integrators._integrator import EXPONENTIAL
from ..integrators._steps import exp_euler_linear
from ._base import GatedChannel, IonChannel


class Ih_HM1992(GatedChannel):
    r"""The hyperpolarization-activated cation current of Huguenard and McCormick
    (1992) (BrainPy's `bp.dyn.Ih_HM1992`): $I = g_{max} p (E - V)$,
    $dp/dt = \phi (p_\infty - p)/\tau_p$, $p_\infty = 1/(1 + e^{(V + 75)/5.5})$,
    $\tau_p = 1 / (e^{-0.086 V - 14.59} + e^{0.0701 V - 1.87})$.

    **Arguments:** `size`; `g_max` (10), `E` (43 mV), `phi`. Variable: `p`.

    ```python
    IH = eqbrain.dyn.Ih_HM1992(1)
    ```
    """

    GATES = (("p", 1, "relax", "phi"),)
    p: Variable = built()
    g_max: Any = param(default=10.0)
    E: Any = param(default=43.0)
    phi: Any = param(default=1.0)

    def f_p_inf(self, V):
        return 1.0 / (1.0 + jnp.exp((V + 75.0) / 5.5))

    def f_p_tau(self, V):
        return 1.0 / (jnp.exp(-0.086 * V - 14.59) + jnp.exp(0.0701 * V - 1.87))


def _dO(O, t, OL, inf, tau):
    alpha = inf / tau
    beta = (1 - inf) / tau
    return alpha * (1 - O - OL) - beta * O


def _dOL(OL, t, O, P1, k3, k4):
    return k3 * P1 * O - k4 * OL


def _dP1(P1, t, C_Ca, k1, k2):
    return k1 * C_Ca**4 * (1 - P1) - k2 * P1


_IH_DE1996 = JointEq(_dO, _dOL, _dP1)


class Ih_De1996(IonChannel):
    r"""The calcium-modulated hyperpolarization-activated current of Destexhe et al.
    (1996) (BrainPy's `bp.dyn.Ih_De1996`): $I = g_{max} (O + g_{inc} O_L) (E - V)$, the
    open state $O$ relaxing to $O_\infty(V)$ (time constant $\tau(V)/\phi$), locked open
    by calcium through the bound regulator $P_1$:

    $$\frac{dO_L}{dt} = k_3 P_1 O - k_4 O_L,\qquad
    \frac{dP_1}{dt} = k_1 C^4 (1 - P_1) - k_2 P_1,$$

    $k_1 = k_2 / C_{half}^4$, $k_3 = k_4 / 0.01$. It sits in a calcium ion and reads its
    concentration.

    **Arguments:** `size`; `E` (-40 mV), `k2`, `k4`, `V_sh`, `g_max`, `g_inc`, `Ca_half`,
    `T`, `T_base`, `phi` (default `T_base^((T - 24)/10)`). Variables: `O`, `OL`, `P1`.

    ```python
    ca = eqbrain.dyn.CalciumDetailed(1, IH=eqbrain.dyn.Ih_De1996(1))
    ```
    """

    ION: ClassVar[tuple[str, ...]] = ("Calcium",)
    O: Variable = built()
    OL: Variable = built()
    P1: Variable = built()
    E: Any = param(default=-40.0)
    k2: Any = param(default=4e-4)
    k4: Any = param(default=1e-3)
    V_sh: Any = param(default=0.0)
    g_max: Any = param(default=0.02)
    g_inc: Any = param(default=2.0)
    Ca_half: Any = param(default=2e-3)
    T: Any = param(default=36.0)
    T_base: Any = param(default=3.0)
    phi: Any = param(default=None)
    k1: Any = built()
    k3: Any = built()

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        if self.phi is None:
            self.phi = self.T_base ** ((self.T - 24.0) / 10)
        self.k1 = self.k2 / self.Ca_half**4
        self.k3 = self.k4 / 0.01
        for name in ("O", "OL", "P1"):
            setattr(self, name, self._variable(0.0, jnp.result_type(float)))

    def f_inf(self, V):
        return 1 / (1 + jnp.exp((V + 75 - self.V_sh) / 5.5))

    def f_tau(self, V):
        return (
            20.0
            + 1000
            / (jnp.exp((V + 71.5 - self.V_sh) / 14.2) + jnp.exp(-(V + 89 - self.V_sh) / 11.6))
        ) / self.phi

    def update(self, V: Any, *ions: Any) -> None:
        t, dt, C = share.load("t", 0.0), share.load("dt"), ions[0]
        O, OL, P1 = self.O.value, self.OL.value, self.P1.value
        inf, tau = self.f_inf(V), self.f_tau(V)
        if self.method in EXPONENTIAL:  # each equation's linear part in closed form
            O, OL, P1 = (
                exp_euler_linear(O, _dO(O, t, OL, inf, tau), -(inf / tau + (1 - inf) / tau), dt),
                exp_euler_linear(OL, _dOL(OL, t, O, P1, self.k3, self.k4), -self.k4, dt),
                exp_euler_linear(
                    P1, _dP1(P1, t, C, self.k1, self.k2), -(self.k1 * C**4 + self.k2), dt
                ),
            )
        else:
            f = integral(_IH_DE1996, self.method)
            O, OL, P1 = f(
                O, OL, P1, t, inf=inf, tau=tau, k3=self.k3, k4=self.k4, C_Ca=C,
                k1=self.k1, k2=self.k2, dt=dt,
            )  # fmt: skip
        self.O.value, self.OL.value, self.P1.value = O, OL, P1

    def init_state(self, V: Any, *ions: Any) -> None:
        C = ions[0]
        shape = self.P1.value.shape
        self.P1.value = jnp.broadcast_to(self.k1 * C**4 / (self.k1 * C**4 + self.k2), shape)
        inf, tau = self.f_inf(V), self.f_tau(V)
        alpha, beta = inf / tau, (1 - inf) / tau
        P1 = self.P1.value
        self.O.value = alpha / (alpha + alpha * self.k3 * P1 / self.k4 + beta)
        self.OL.value = self.k3 * P1 * self.O.value / self.k4

    def conductance(self, *ions: Any) -> Any:
        return self.g_max * (self.O.value + self.g_inc * self.OL.value)

    def current(self, V: Any, *ions: Any) -> Any:
        return self.conductance(*ions) * (self.E - V)
