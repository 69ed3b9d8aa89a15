"""Voltage-gated sodium channels `g_max p^3 q (E - V)` (BrainPy's `INa_*`): each in the
neuron with its own `E`, and its `*v2` form in a `Sodium` ion, whose `E` it reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import jax.numpy as jnp

from ..._core import Variable
from .._exprel import exprel
from .._population import built, param
from ._base import GatedChannel

_P3Q = (("p", 3, "markov", "phi"), ("q", 1, "markov", "phi"))


class SodiumChannel(GatedChannel):
    """A sodium channel (BrainPy's `bp.dyn.SodiumChannel`): one that sits in a `Sodium` ion."""

    ION: ClassVar[tuple[str, ...]] = ("Sodium",)


class _BaRates(GatedChannel):
    """Bazhenov et al.'s rates. **Arguments:** `T` (°C), `g_max` (mS/cm²), `V_sh` (mV)."""

    GATES = _P3Q
    p: Variable = built()
    q: Variable = built()
    T: Any = param(default=36.0)
    g_max: Any = param(default=90.0)
    V_sh: Any = param(default=-50.0)
    phi: Any = built()

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.phi = 3.0 ** ((self.T - 36.0) / 10.0)

    def f_p_alpha(self, V):
        return 1.28 / exprel(-(V - self.V_sh - 13.0) / 4.0)

    def f_p_beta(self, V):
        return 1.4 / exprel((V - self.V_sh - 40.0) / 5.0)

    def f_q_alpha(self, V):
        return 0.128 * jnp.exp(-(V - self.V_sh - 17.0) / 18.0)

    def f_q_beta(self, V):
        return 4.0 / (1.0 + jnp.exp(-(V - self.V_sh - 40.0) / 5.0))


class _TMRates(GatedChannel):
    """Traub and Miles's rates. **Arguments:** `g_max`, `phi`, `V_sh` (mV)."""

    GATES = _P3Q
    p: Variable = built()
    q: Variable = built()
    g_max: Any = param(default=120.0)
    phi: Any = param(default=1.0)
    V_sh: Any = param(default=-63.0)

    def f_p_alpha(self, V):
        return 1.28 / exprel((13.0 - V + self.V_sh) / 4.0)

    def f_p_beta(self, V):
        return 1.4 / exprel((V - self.V_sh - 40.0) / 5.0)

    def f_q_alpha(self, V):
        return 0.128 * jnp.exp((17.0 - V + self.V_sh) / 18.0)

    def f_q_beta(self, V):
        return 4.0 / (1.0 + jnp.exp(-(V - self.V_sh - 40.0) / 5.0))


class _HHRates(GatedChannel):
    """Hodgkin and Huxley's rates. **Arguments:** `g_max`, `phi`, `V_sh` (mV)."""

    GATES = _P3Q
    p: Variable = built()
    q: Variable = built()
    g_max: Any = param(default=120.0)
    phi: Any = param(default=1.0)
    V_sh: Any = param(default=-45.0)

    def f_p_alpha(self, V):
        return 1.0 / exprel(-(V - self.V_sh - 5.0) / 10.0)

    def f_p_beta(self, V):
        return 4.0 * jnp.exp(-(V - self.V_sh + 20.0) / 18.0)

    def f_q_alpha(self, V):
        return 0.07 * jnp.exp(-(V - self.V_sh + 20.0) / 20.0)

    def f_q_beta(self, V):
        return 1.0 / (1.0 + jnp.exp(-(V - self.V_sh - 10.0) / 10.0))


class INa_Ba2002(_BaRates):
    r"""The sodium current of Bazhenov et al. (2002) (BrainPy's `bp.dyn.INa_Ba2002`).

    $I = g_{max} p^3 q (E - V)$ with $\alpha_p = 0.32 (V - V_{sh} - 13) / (1 - e^{-(V -
    V_{sh} - 13)/4})$, $\beta_p = -0.28 (V - V_{sh} - 40) / (1 - e^{(V - V_{sh} - 40)/5})$,
    $\alpha_q = 0.128 e^{-(V - V_{sh} - 17)/18}$, $\beta_q = 4 / (1 + e^{-(V - V_{sh} -
    40)/5})$, both gates scaled by $\phi = 3^{(T - 36)/10}$.

    **Arguments:** `size`; `E` (mV), `g_max` (mS/cm²), `V_sh` (mV), `T` (°C); `method`,
    `batch_size` as for every population. Variables: `p`, `q`.

    ```python
    neu = eqbrain.dyn.CondNeuGroup(1, INa=eqbrain.dyn.INa_Ba2002(1), IK=eqbrain.dyn.IKDR_Ba2002(1))
    ```
    """

    E: Any = param(default=50.0)


class INa_TM1991(_TMRates):
    r"""The sodium current of Traub and Miles (1991) (BrainPy's `bp.dyn.INa_TM1991`).

    $I = g_{max} p^3 q (E - V)$ with $\alpha_p = 0.32 (13 - V + V_{sh}) / (e^{(13 - V +
    V_{sh})/4} - 1)$, $\beta_p = 0.28 (V - V_{sh} - 40) / (e^{(V - V_{sh} - 40)/5} - 1)$,
    $\alpha_q = 0.128 e^{(17 - V + V_{sh})/18}$, $\beta_q = 4 / (1 + e^{-(V - V_{sh} -
    40)/5})$, both gates scaled by `phi`.

    **Arguments:** `size`; `E`, `g_max`, `phi`, `V_sh` (default -63 mV). Variables: `p`, `q`.

    ```python
    INa = eqbrain.dyn.INa_TM1991(1, V_sh=-63.0)
    ```
    """

    E: Any = param(default=50.0)


class INa_HH1952(_HHRates):
    r"""The sodium current of Hodgkin and Huxley (1952) (BrainPy's `bp.dyn.INa_HH1952`).

    $I = g_{max} p^3 q (E - V)$ with $\alpha_p = 0.1 (V - V_{sh} - 5) / (1 - e^{-(V - V_{sh}
    - 5)/10})$, $\beta_p = 4 e^{-(V - V_{sh} + 20)/18}$, $\alpha_q = 0.07 e^{-(V - V_{sh} +
    20)/20}$, $\beta_q = 1 / (1 + e^{-(V - V_{sh} - 10)/10})$, both scaled by `phi`;
    the default `V_sh = -45` mV gives the classic squid-axon rates.

    **Arguments:** `size`; `E` (50 mV), `g_max` (120 mS/cm²), `phi`, `V_sh`. Variables:
    `p` (the classic `m`), `q` (`h`).

    ```python
    neu = eqbrain.dyn.CondNeuGroup(
        1, INa=eqbrain.dyn.INa_HH1952(1), IK=eqbrain.dyn.IK_HH1952(1),
        IL=eqbrain.dyn.IL(1, E=-54.387, g_max=0.03))
    ```
    """

    E: Any = param(default=50.0)


class INa_Ba2002v2(SodiumChannel, _BaRates):
    """`INa_Ba2002` in a `Sodium` ion, whose reversal potential it uses
    (BrainPy's `bp.dyn.INa_Ba2002v2`).

    ```python
    na = eqbrain.dyn.SodiumFixed(1, INa=eqbrain.dyn.INa_Ba2002v2(1))
    ```
    """


class INa_TM1991v2(SodiumChannel, _TMRates):
    """`INa_TM1991` in a `Sodium` ion (BrainPy's `bp.dyn.INa_TM1991v2`).

    ```python
    na = eqbrain.dyn.SodiumFixed(1, INa=eqbrain.dyn.INa_TM1991v2(1))
    ```
    """


class INa_HH1952v2(SodiumChannel, _HHRates):
    """`INa_HH1952` in a `Sodium` ion (BrainPy's `bp.dyn.INa_HH1952v2`).

    ```python
    na = eqbrain.dyn.SodiumFixed(1, INa=eqbrain.dyn.INa_HH1952v2(1))
    ```
    """
