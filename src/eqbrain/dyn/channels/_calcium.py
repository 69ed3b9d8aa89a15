"""Calcium channels (BrainPy's `ICa*`): they sit in a `Calcium` ion, use its reversal
potential (`ICaN_IS2008` its concentration), and their current is the ion's influx."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import jax.numpy as jnp

from ..._core import Variable
from .._exprel import exprel
from .._population import built, param
from ._base import GatedChannel


class CalciumChannel(GatedChannel):
    """A calcium channel (BrainPy's `bp.dyn.CalciumChannel`): one that sits in a
    `Calcium` ion."""

    ION: ClassVar[tuple[str, ...]] = ("Calcium",)


class _P2Q(CalciumChannel):
    """`g_max p^2 q (E_Ca - V)`, the factors `phi_p = T_base_p^((T - T0)/10)` and
    `phi_q` unless given.

    **Arguments:** `T` (°C), `T_base_p`, `T_base_q`, `g_max`, `V_sh` (mV), `phi_p`, `phi_q`.
    """

    T0: ClassVar[float] = 24.0
    p: Variable = built()
    q: Variable = built()
    T: Any = param(default=36.0)
    T_base_p: Any = param(default=3.55)
    T_base_q: Any = param(default=3.0)
    g_max: Any = param(default=2.0)
    V_sh: Any = param(default=-3.0)
    phi_p: Any = param(default=None)
    phi_q: Any = param(default=None)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        if self.phi_p is None:
            self.phi_p = self.T_base_p ** ((self.T - self.T0) / 10)
        if self.phi_q is None:
            self.phi_q = self.T_base_q ** ((self.T - self.T0) / 10)


_SS = (("p", 2, "relax", "phi_p"), ("q", 1, "relax", "phi_q"))


def _t_tau_q(V, V_sh):
    return jnp.where(
        V >= (-80.0 + V_sh),
        jnp.exp(-(V + 22.0 - V_sh) / 10.5) + 28.0,
        jnp.exp((V + 467.0 - V_sh) / 66.6),
    )


class ICaT_HM1992(_P2Q):
    r"""The low-threshold T-type calcium current of Huguenard and McCormick (1992)
    (BrainPy's `bp.dyn.ICaT_HM1992`): $I = g_{max} p^2 q (E_{Ca} - V)$,
    $p_\infty = 1/(1 + e^{-(V + 59 - V_{sh})/6.2})$, $q_\infty = 1/(1 + e^{(V + 83 -
    V_{sh})/4})$, with BrainPy's time constants and $\phi = T_{base}^{(T - 24)/10}$.

    **Arguments:** `size`; `T`, `T_base_p`, `T_base_q`, `g_max` (2), `V_sh` (-3 mV),
    `phi_p`, `phi_q`. Variables: `p`, `q`.

    ```python
    ca = eqbrain.dyn.CalciumDetailed(1, ICa=eqbrain.dyn.ICaT_HM1992(1))
    ```
    """

    GATES = _SS

    def f_p_inf(self, V):
        return 1.0 / (1 + jnp.exp(-(V + 59.0 - self.V_sh) / 6.2))

    def f_p_tau(self, V):
        return (
            1.0
            / (jnp.exp(-(V + 132.0 - self.V_sh) / 16.7) + jnp.exp((V + 16.8 - self.V_sh) / 18.2))
            + 0.612
        )

    def f_q_inf(self, V):
        return 1.0 / (1.0 + jnp.exp((V + 83.0 - self.V_sh) / 4.0))

    def f_q_tau(self, V):
        return _t_tau_q(V, self.V_sh)


class ICaHT_HM1992(ICaT_HM1992):
    r"""The high-threshold T-type calcium current of Huguenard and McCormick (1992)
    (BrainPy's `bp.dyn.ICaHT_HM1992`): `ICaT_HM1992`'s equations shifted by
    `V_sh = 25` mV (its `phi_p`, `phi_q` always follow `T`).

    ```python
    ca = eqbrain.dyn.CalciumDetailed(1, ICa=eqbrain.dyn.ICaHT_HM1992(1))
    ```
    """

    V_sh: Any = param(default=25.0)


class ICaT_HP1992(_P2Q):
    r"""The T-type calcium current of Huguenard and Prince (1992) (BrainPy's
    `bp.dyn.ICaT_HP1992`): $I = g_{max} p^2 q (E_{Ca} - V)$,
    $p_\infty = 1/(1 + e^{-(V + 52 - V_{sh})/7.4})$, $q_\infty = 1/(1 + e^{(V + 80 -
    V_{sh})/5})$.

    **Arguments:** `size`; `T`, `T_base_p` (5), `T_base_q`, `g_max` (1.75), `V_sh`,
    `phi_p`, `phi_q`. Variables: `p`, `q`.

    ```python
    ca = eqbrain.dyn.CalciumDetailed(1, ICa=eqbrain.dyn.ICaT_HP1992(1))
    ```
    """

    GATES = _SS
    T_base_p: Any = param(default=5.0)
    g_max: Any = param(default=1.75)

    def f_p_inf(self, V):
        return 1.0 / (1.0 + jnp.exp(-(V + 52.0 - self.V_sh) / 7.4))

    def f_p_tau(self, V):
        return 3.0 + 1.0 / (
            jnp.exp((V + 27.0 - self.V_sh) / 10.0) + jnp.exp(-(V + 102.0 - self.V_sh) / 15.0)
        )

    def f_q_inf(self, V):
        return 1.0 / (1.0 + jnp.exp((V + 80.0 - self.V_sh) / 5.0))

    def f_q_tau(self, V):
        return 85.0 + 1.0 / (
            jnp.exp((V + 48.0 - self.V_sh) / 4.0) + jnp.exp(-(V + 407.0 - self.V_sh) / 50.0)
        )


class ICaHT_Re1993(_P2Q):
    r"""The high-threshold calcium current of Reuveni et al. (1993) (BrainPy's
    `bp.dyn.ICaHT_Re1993`): $I = g_{max} p^2 q (E_{Ca} - V)$ with
    $\alpha_p = 0.055 (-27 - V + V_{sh}) / (e^{(-27 - V + V_{sh})/3.8} - 1)$,
    $\beta_p = 0.94 e^{(-75 - V + V_{sh})/17}$, $\alpha_q = 0.000457 e^{(-13 - V +
    V_{sh})/50}$, $\beta_q = 0.0065 / (e^{(-15 - V + V_{sh})/28} + 1)$ and
    $\phi = 2.3^{(T - 23)/10}$.

    ```python
    ca = eqbrain.dyn.CalciumDetailed(1, ICa=eqbrain.dyn.ICaHT_Re1993(1))
    ```
    """

    GATES = (("p", 2, "markov", "phi_p"), ("q", 1, "markov", "phi_q"))
    T0: ClassVar[float] = 23.0
    T_base_p: Any = param(default=2.3)
    T_base_q: Any = param(default=2.3)
    g_max: Any = param(default=1.0)
    V_sh: Any = param(default=0.0)

    def f_p_alpha(self, V):
        return (0.055 * 3.8) / exprel((-27.0 - V + self.V_sh) / 3.8)

    def f_p_beta(self, V):
        return 0.94 * jnp.exp((-75.0 - V + self.V_sh) / 17.0)

    def f_q_alpha(self, V):
        return 0.000457 * jnp.exp((-13.0 - V + self.V_sh) / 50.0)

    def f_q_beta(self, V):
        return 0.0065 / (jnp.exp((-15.0 - V + self.V_sh) / 28.0) + 1.0)


class ICaL_IS2008(_P2Q):
    r"""The L-type calcium current of Inoue and Strowbridge (2008) (BrainPy's
    `bp.dyn.ICaL_IS2008`): $I = g_{max} p^2 q (E_{Ca} - V)$,
    $p_\infty = 1/(1 + e^{-(V + 10 - V_{sh})/4})$, $q_\infty = 1/(1 + e^{(V + 25 -
    V_{sh})/2})$ (its `phi_p`, `phi_q` always follow `T`).

    ```python
    ca = eqbrain.dyn.CalciumDetailed(1, ICa=eqbrain.dyn.ICaL_IS2008(1))
    ```
    """

    GATES = _SS
    g_max: Any = param(default=1.0)
    V_sh: Any = param(default=0.0)

    def f_p_inf(self, V):
        return 1.0 / (1 + jnp.exp(-(V + 10.0 - self.V_sh) / 4.0))

    def f_p_tau(self, V):
        return 0.4 + 0.7 / (
            jnp.exp(-(V + 5.0 - self.V_sh) / 15.0) + jnp.exp((V + 5.0 - self.V_sh) / 15.0)
        )

    def f_q_inf(self, V):
        return 1.0 / (1.0 + jnp.exp((V + 25.0 - self.V_sh) / 2.0))

    def f_q_tau(self, V):
        return 300.0 + 100.0 / (
            jnp.exp((V + 40 - self.V_sh) / 9.5) + jnp.exp(-(V + 40 - self.V_sh) / 9.5)
        )


class ICaN_IS2008(CalciumChannel):
    r"""The calcium-activated non-selective cation current of Inoue and Strowbridge
    (2008) (BrainPy's `bp.dyn.ICaN_IS2008`): $I = g_{max} \frac{C}{C + 0.2} p (E - V)$
    with its own `E` (10 mV), $dp/dt = \phi (p_\infty - p) / \tau_p$,
    $p_\infty = 1/(1 + e^{-(V + 43)/5.2})$, $\tau_p = 2.7 / (e^{-(V + 55)/15} + e^{(V +
    55)/15}) + 1.6$. It sits in a calcium ion and reads its concentration `C`.

    ```python
    ca = eqbrain.dyn.CalciumDetailed(1, ICaN=eqbrain.dyn.ICaN_IS2008(1))
    ```

    **Arguments:** `size`; `E` (mV), `g_max`, `phi`. Variable: `p`.
    """

    GATES = (("p", 1, "relax", "phi"),)
    p: Variable = built()
    E: Any = param(default=10.0)
    g_max: Any = param(default=1.0)
    phi: Any = param(default=1.0)

    def f_p_inf(self, V):
        return 1.0 / (1 + jnp.exp(-(V + 43.0) / 5.2))

    def f_p_tau(self, V):
        return 2.7 / (jnp.exp(-(V + 55.0) / 15.0) + jnp.exp((V + 55.0) / 15.0)) + 1.6

    def conductance(self, *ions: Any) -> Any:
        C = ions[0]
        return self.g_max * (C / (C + 0.2)) * self.p.value

    def reversal(self, *ions: Any) -> Any:
        return self.E
