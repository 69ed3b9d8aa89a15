"""Voltage-gated potassium channels (BrainPy's `IK*`): each in the neuron with its own
`E`, and its `*v2` form in a `Potassium` ion, whose `E` it reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import jax.numpy as jnp

from ..._core import Variable
from .._exprel import exprel
from .._population import built, param
from ._base import GatedChannel, LeakyChannel


class PotassiumChannel(GatedChannel):
    """A potassium channel (BrainPy's `bp.dyn.PotassiumChannel`): one that sits in a
    `Potassium` ion."""

    ION: ClassVar[tuple[str, ...]] = ("Potassium",)


# -- delayed rectifiers g p^4 (E - V) ------------------------------------------------------


class _P4(GatedChannel):
    """`g_max p^4`. **Arguments:** `g_max` (mS/cm²)."""

    GATES = (("p", 4, "markov", "phi"),)
    p: Variable = built()
    g_max: Any = param(default=10.0)


class _DRRates(_P4):
    """Bazhenov et al.'s rates. **Arguments:** `V_sh`, `T_base`, `T`, `phi`."""

    V_sh: Any = param(default=-50.0)
    T_base: Any = param(default=3.0)
    T: Any = param(default=36.0)
    phi: Any = param(default=None)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        if self.phi is None:
            self.phi = self.T_base ** ((self.T - 36.0) / 10.0)

    def f_p_alpha(self, V):
        return 0.16 / exprel(-(V - self.V_sh - 15.0) / 5.0)

    def f_p_beta(self, V):
        return 0.5 * jnp.exp(-(V - self.V_sh - 10.0) / 40.0)


class _TMRates(_P4):
    """Traub and Miles's rates. **Arguments:** `phi`, `V_sh`."""

    phi: Any = param(default=1.0)
    V_sh: Any = param(default=-60.0)

    def f_p_alpha(self, V):
        return 0.16 / exprel((15.0 - V + self.V_sh) / 5.0)

    def f_p_beta(self, V):
        return 0.5 * jnp.exp((10.0 - V + self.V_sh) / 40.0)


class _HHRates(_P4):
    """Hodgkin and Huxley's rates. **Arguments:** `phi`, `V_sh`."""

    phi: Any = param(default=1.0)
    V_sh: Any = param(default=-45.0)

    def f_p_alpha(self, V):
        return 0.1 / exprel(-(V - self.V_sh + 10.0) / 10.0)

    def f_p_beta(self, V):
        return 0.125 * jnp.exp(-(V - self.V_sh + 20.0) / 80.0)


# -- A-type and slowly inactivating currents (steady state and time constant) --------------


def _a_tau_p(V, V_sh):
    return 1.0 / (jnp.exp((V - V_sh + 35.8) / 19.7) + jnp.exp(-(V - V_sh + 79.7) / 12.7)) + 0.37


def _a_tau_q(V, V_sh):
    slow = 1.0 / (jnp.exp((V - V_sh + 46.0) / 5.0) + jnp.exp(-(V - V_sh + 238.0) / 37.5))
    return jnp.where(V < -63.0 + V_sh, slow, 19.0)


class _Relax2(GatedChannel):
    """Two gates relaxing to their steady states.

    **Arguments:** `g_max`, `V_sh`, `phi_p`, `phi_q`.
    """

    p: Variable = built()
    q: Variable = built()
    g_max: Any = param(default=10.0)
    V_sh: Any = param(default=0.0)
    phi_p: Any = param(default=1.0)
    phi_q: Any = param(default=1.0)

    def f_q_inf(self, V):
        return 1.0 / (1.0 + jnp.exp((V - self.V_sh + 78.0) / 6.0))


class _A1Rates(_Relax2):
    GATES = (("p", 4, "relax", "phi_p"), ("q", 1, "relax", "phi_q"))
    g_max: Any = param(default=30.0)

    def f_p_inf(self, V):
        return 1.0 / (1.0 + jnp.exp(-(V - self.V_sh + 60.0) / 8.5))

    def f_p_tau(self, V):
        return _a_tau_p(V, self.V_sh)

    def f_q_tau(self, V):
        return _a_tau_q(V, self.V_sh)


class _A2Rates(_A1Rates):
    g_max: Any = param(default=20.0)

    def f_p_inf(self, V):
        return 1.0 / (1.0 + jnp.exp(-(V - self.V_sh + 36.0) / 20.0))


class _K2ARates(_Relax2):
    GATES = (("p", 1, "relax", "phi_p"), ("q", 1, "relax", "phi_q"))

    def f_p_inf(self, V):
        return 1.0 / (1.0 + jnp.exp(-(V - self.V_sh + 43.0) / 17.0))

    def f_p_tau(self, V):
        return (
            1.0
            / (jnp.exp((V - self.V_sh - 81.0) / 25.6) + jnp.exp(-(V - self.V_sh + 132.0) / 18.0))
            + 9.9
        )

    def f_q_inf(self, V):
        return 1.0 / (1.0 + jnp.exp((V - self.V_sh + 58.0) / 10.6))

    def f_q_tau(self, V):
        return 1.0 / (
            jnp.exp((V - self.V_sh - 1329.0) / 200.0) + jnp.exp(-(V - self.V_sh + 130.0) / 7.1)
        )


class _K2BRates(_K2ARates):
    def f_q_tau(self, V):
        return jnp.where(V < -70.0 + self.V_sh, super().f_q_tau(V), 8.9)


class _NIRates(GatedChannel):
    """Yamada et al.'s gate. **Arguments:** `g_max`, `phi_p`, `phi_q`, `tau_max`, `V_sh`."""

    GATES = (("p", 1, "relax", "phi_p"),)
    p: Variable = built()
    g_max: Any = param(default=0.004)
    phi_p: Any = param(default=1.0)
    phi_q: Any = param(default=1.0)
    tau_max: Any = param(default=4e3)
    V_sh: Any = param(default=0.0)

    def f_p_inf(self, V):
        return 1.0 / (1.0 + jnp.exp(-(V - self.V_sh + 35.0) / 10.0))

    def f_p_tau(self, V):
        temp = V - self.V_sh + 35.0
        return self.tau_max / (3.3 * jnp.exp(temp / 20.0) + jnp.exp(-temp / 20.0))


# -- the public classes: with their own E, and in a Potassium ion --------------------------


class IKDR_Ba2002(_DRRates):
    r"""The delayed-rectifier potassium current of Bazhenov et al. (2002) (BrainPy's
    `bp.dyn.IKDR_Ba2002`): $I = g_{max} p^4 (E - V)$ with
    $\alpha_p = 0.032 (V - V_{sh} - 15) / (1 - e^{-(V - V_{sh} - 15)/5})$,
    $\beta_p = 0.5 e^{-(V - V_{sh} - 10)/40}$, scaled by
    $\phi = T_{base}^{(T - 36)/10}$ unless `phi` is given.

    **Arguments:** `size`; `E` (-90 mV), `g_max`, `V_sh` (-50 mV), `T_base`, `T`, `phi`.
    Variable: `p`.

    ```python
    IK = eqbrain.dyn.IKDR_Ba2002(1)
    ```
    """

    E: Any = param(default=-90.0)


class IK_TM1991(_TMRates):
    r"""The potassium current of Traub and Miles (1991) (BrainPy's `bp.dyn.IK_TM1991`):
    $I = g_{max} p^4 (E - V)$, $\alpha_p = 0.032 (15 - V + V_{sh}) / (e^{(15 - V +
    V_{sh})/5} - 1)$, $\beta_p = 0.5 e^{(10 - V + V_{sh})/40}$.

    **Arguments:** `size`; `E`, `g_max`, `phi`, `V_sh` (-60 mV). Variable: `p`.

    ```python
    IK = eqbrain.dyn.IK_TM1991(1)
    ```
    """

    E: Any = param(default=-90.0)


class IK_HH1952(_HHRates):
    r"""The potassium current of Hodgkin and Huxley (1952) (BrainPy's `bp.dyn.IK_HH1952`):
    $I = g_{max} p^4 (E - V)$, $\alpha_p = 0.01 (V - V_{sh} + 10) / (1 - e^{-(V - V_{sh} +
    10)/10})$, $\beta_p = 0.125 e^{-(V - V_{sh} + 20)/80}$ (the classic `n` at the default
    `V_sh = -45` mV).

    **Arguments:** `size`; `E` (-90 mV), `g_max` (10 mS/cm²), `phi`, `V_sh`. Variable: `p`.

    ```python
    IK = eqbrain.dyn.IK_HH1952(1, E=-77.0, g_max=36.0)
    ```
    """

    E: Any = param(default=-90.0)


class IKA1_HM1992(_A1Rates):
    r"""The A-type potassium current of Huguenard and McCormick (1992), first component
    (BrainPy's `bp.dyn.IKA1_HM1992`): $I = g_{max} p^4 q (E - V)$, each gate relaxing to
    its steady state ($p_\infty = 1/(1 + e^{-(V - V_{sh} + 60)/8.5})$, $q_\infty = 1/(1 +
    e^{(V - V_{sh} + 78)/6})$) with BrainPy's time constants, scaled by `phi_p`, `phi_q`.

    **Arguments:** `size`; `E`, `g_max` (30), `V_sh`, `phi_p`, `phi_q`. Variables: `p`, `q`.

    ```python
    IA = eqbrain.dyn.IKA1_HM1992(1)
    ```
    """

    E: Any = param(default=-90.0)


class IKA2_HM1992(_A2Rates):
    r"""The A-type potassium current of Huguenard and McCormick (1992), second component
    (BrainPy's `bp.dyn.IKA2_HM1992`): as `IKA1_HM1992` with $p_\infty = 1/(1 + e^{-(V -
    V_{sh} + 36)/20})$ and `g_max = 20`.

    ```python
    IA = eqbrain.dyn.IKA2_HM1992(1)
    ```

    **Arguments:** as `IKA1_HM1992`: `E`, `g_max`, `V_sh`, `phi_p`, `phi_q`.
    """

    E: Any = param(default=-90.0)


class IKK2A_HM1992(_K2ARates):
    r"""The slowly inactivating potassium current of Huguenard and McCormick (1992),
    first component (BrainPy's `bp.dyn.IKK2A_HM1992`): $I = g_{max} p q (E - V)$.

    **Arguments:** `size`; `E`, `g_max`, `V_sh`, `phi_p`, `phi_q`. Variables: `p`, `q`.

    ```python
    IK2 = eqbrain.dyn.IKK2A_HM1992(1)
    ```
    """

    E: Any = param(default=-90.0)


class IKK2B_HM1992(_K2BRates):
    r"""The slowly inactivating potassium current of Huguenard and McCormick (1992),
    second component (BrainPy's `bp.dyn.IKK2B_HM1992`): as `IKK2A_HM1992` with
    $\tau_q = 8.9$ ms above $V_{sh} - 70$ mV.

    ```python
    IK2 = eqbrain.dyn.IKK2B_HM1992(1)
    ```

    **Arguments:** as `IKK2A_HM1992`: `E`, `g_max`, `V_sh`, `phi_p`, `phi_q`.
    """

    E: Any = param(default=-90.0)


class IKNI_Ya1989(_NIRates):
    r"""The slow non-inactivating potassium current of Yamada et al. (1989) (BrainPy's
    `bp.dyn.IKNI_Ya1989`): $I = g_{max} p (E - V)$, $p_\infty = 1/(1 + e^{-(V - V_{sh} +
    35)/10})$, $\tau_p = \tau_{max} / (3.3 e^{(V - V_{sh} + 35)/20} + e^{-(V - V_{sh} +
    35)/20})$.

    **Arguments:** `size`; `E`, `g_max`, `phi_p`, `phi_q` (unused, as in BrainPy),
    `tau_max`, `V_sh`. Variable: `p`.

    ```python
    IM = eqbrain.dyn.IKNI_Ya1989(1)
    ```
    """

    E: Any = param(default=-90.0)


class IKL(LeakyChannel):
    """The potassium leak current `g_max (E - V)` (BrainPy's `bp.dyn.IKL`).

    ```python
    IKL = eqbrain.dyn.IKL(1, g_max=0.005, E=-90.0)
    ```

    **Arguments:** `size`; `g_max` (0.005 mS/cm²), `E` (-90 mV).
    """

    g_max: Any = param(default=0.005)
    E: Any = param(default=-90.0)


class IK_Leak(PotassiumChannel):
    """The potassium leak current `g_max (E - V)` in a `Potassium` ion, whose `E` it uses
    (BrainPy's `bp.dyn.IK_Leak`).

    ```python
    k = eqbrain.dyn.PotassiumFixed(1, leak=eqbrain.dyn.IK_Leak(1))
    ```

    **Arguments:** `size`; `g_max` (0.005 mS/cm²).
    """

    g_max: Any = param(default=0.005)

    def current(self, V: Any, *ions: Any) -> Any:
        return self.g_max * (ions[1] - V)


class IKDR_Ba2002v2(PotassiumChannel, _DRRates):
    """`IKDR_Ba2002` in a `Potassium` ion, whose `E` it uses (BrainPy's `bp.dyn.IKDR_Ba2002v2`).

    ```python
    k = eqbrain.dyn.PotassiumFixed(1, IK=eqbrain.dyn.IKDR_Ba2002v2(1))
    ```
    """


class IK_TM1991v2(PotassiumChannel, _TMRates):
    """`IK_TM1991` in a `Potassium` ion (BrainPy's `bp.dyn.IK_TM1991v2`).

    ```python
    k = eqbrain.dyn.PotassiumFixed(1, IK=eqbrain.dyn.IK_TM1991v2(1))
    ```
    """


class IK_HH1952v2(PotassiumChannel, _HHRates):
    """`IK_HH1952` in a `Potassium` ion (BrainPy's `bp.dyn.IK_HH1952v2`).

    ```python
    k = eqbrain.dyn.PotassiumFixed(1, IK=eqbrain.dyn.IK_HH1952v2(1))
    ```
    """


class IKA1_HM1992v2(PotassiumChannel, _A1Rates):
    """`IKA1_HM1992` in a `Potassium` ion (BrainPy's `bp.dyn.IKA1_HM1992v2`).

    ```python
    k = eqbrain.dyn.PotassiumFixed(1, IA=eqbrain.dyn.IKA1_HM1992v2(1))
    ```
    """


class IKA2_HM1992v2(PotassiumChannel, _A2Rates):
    """`IKA2_HM1992` in a `Potassium` ion (BrainPy's `bp.dyn.IKA2_HM1992v2`).

    ```python
    k = eqbrain.dyn.PotassiumFixed(1, IA=eqbrain.dyn.IKA2_HM1992v2(1))
    ```
    """


class IKK2A_HM1992v2(PotassiumChannel, _K2ARates):
    """`IKK2A_HM1992` in a `Potassium` ion (BrainPy's `bp.dyn.IKK2A_HM1992v2`).

    ```python
    k = eqbrain.dyn.PotassiumFixed(1, IK2=eqbrain.dyn.IKK2A_HM1992v2(1))
    ```
    """


class IKK2B_HM1992v2(PotassiumChannel, _K2BRates):
    """`IKK2B_HM1992` in a `Potassium` ion (BrainPy's `bp.dyn.IKK2B_HM1992v2`).

    ```python
    k = eqbrain.dyn.PotassiumFixed(1, IK2=eqbrain.dyn.IKK2B_HM1992v2(1))
    ```
    """


class IKNI_Ya1989v2(PotassiumChannel, _NIRates):
    """`IKNI_Ya1989` in a `Potassium` ion (BrainPy's `bp.dyn.IKNI_Ya1989v2`).

    ```python
    k = eqbrain.dyn.PotassiumFixed(1, IM=eqbrain.dyn.IKNI_Ya1989v2(1))
    ```
    """
