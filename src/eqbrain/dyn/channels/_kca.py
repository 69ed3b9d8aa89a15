"""Calcium-activated potassium channels (BrainPy's `IAHP_De1994`)."""

from __future__ import annotations

from typing import Any, ClassVar

import jax.numpy as jnp

from ..._core import Variable
from .._population import built, integral, param
from .._share import share
from ..integrators._integrator import EXPONENTIAL
from ..integrators._steps import exp_euler_linear
from ._base import GatedChannel


def ahp_gate(p, t, C_Ca, alpha, beta, n, phi):
    """`dp/dt = phi (C2 / C3 - p) C3`, `C2 = alpha C^n`, `C3 = C2 + beta`."""
    C2 = alpha * jnp.power(C_Ca, n)
    C3 = C2 + beta
    return phi * (C2 / C3 - p) * C3


class _AHP(GatedChannel):
    """**Arguments:** `n`, `g_max`, `alpha`, `beta`, `phi`."""

    p: Variable = built()
    n: Any = param(default=2.0)
    g_max: Any = param(default=10.0)
    alpha: Any = param(default=48.0)
    beta: Any = param(default=0.09)
    phi: Any = param(default=1.0)

    def _build(self, key: Any, args: Any) -> None:
        super()._build(key, args)
        self.p = self._variable(0.0, jnp.result_type(float))

    def _calcium(self, *ions: Any) -> Any:
        return ions[0]

    def update(self, V: Any, *ions: Any) -> None:
        t, dt, p = share.load("t", 0.0), share.load("dt"), self.p.value
        C = self._calcium(*ions)
        args = (self.alpha, self.beta, self.n, self.phi)
        if self.method in EXPONENTIAL:  # the linear part, -phi C3, in closed form
            linear = -self.phi * (self.alpha * jnp.power(C, self.n) + self.beta)
            self.p.value = exp_euler_linear(p, ahp_gate(p, t, C, *args), linear, dt)
        else:
            self.p.value = integral(ahp_gate, self.method)(p, t, C, *args, dt=dt)

    def init_state(self, V: Any, *ions: Any) -> None:
        C2 = self.alpha * jnp.power(self._calcium(*ions), self.n)
        self.p.value = jnp.broadcast_to(C2 / (C2 + self.beta), self.p.value.shape)

    def conductance(self, *ions: Any) -> Any:
        return self.g_max * self.p.value * self.p.value


class IAHP_De1994(_AHP):
    r"""The calcium-dependent afterhyperpolarization potassium current of Destexhe et
    al. (1994) (BrainPy's `bp.dyn.IAHP_De1994`): $I = g_{max} p^2 (E - V)$ with its own
    `E` (-95 mV), $dp/dt = \phi (C_2/C_3 - p) C_3$, $C_2 = \alpha C^n$,
    $C_3 = C_2 + \beta$. It sits in a calcium ion and reads its concentration.

    **Arguments:** `size`; `E`, `n` (2), `g_max` (10), `alpha` (48), `beta` (0.09),
    `phi`. Variable: `p`.

    ```python
    ca = eqbrain.dyn.CalciumDetailed(1, AHP=eqbrain.dyn.IAHP_De1994(1))
    ```
    """

    ION: ClassVar[tuple[str, ...]] = ("Calcium",)
    E: Any = param(default=-95.0)

    def reversal(self, *ions: Any) -> Any:
        return self.E


class IAHP_De1994v2(_AHP):
    """`IAHP_De1994` in `MixIons` of a calcium and a potassium ion: it reads the
    calcium's concentration and uses the potassium's reversal potential (BrainPy's
    `bp.dyn.IAHP_De1994v2`).

    ```python
    kca = eqbrain.dyn.MixIons(k, ca, ahp=eqbrain.dyn.IAHP_De1994v2(n))
    ```
    """

    ION: ClassVar[tuple[str, ...]] = ("Calcium", "Potassium")

    def _calcium(self, *ions: Any) -> Any:
        return ions[0]["C"]

    def reversal(self, *ions: Any) -> Any:
        return ions[1]["E"]
