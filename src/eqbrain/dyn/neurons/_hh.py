"""`HH`: the Hodgkin-Huxley (1952) neuron with sodium, potassium and leak currents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax
import jax.numpy as jnp

from ..._core import Variable
from .._exprel import exprel
from .._population import Init, Population, built, initial, integral, param
from .._share import share


def m_rates(V: Any) -> tuple[Any, Any]:
    """`(alpha_m, beta_m)` (1/ms) at `V` (mV)."""
    return 1.0 / exprel(-(V + 40.0) / 10.0), 4.0 * jnp.exp(-(V + 65.0) / 18.0)


def h_rates(V: Any) -> tuple[Any, Any]:
    """`(alpha_h, beta_h)` (1/ms) at `V` (mV)."""
    return 0.07 * jnp.exp(-(V + 65.0) / 20.0), 1.0 / (1.0 + jnp.exp(-(V + 35.0) / 10.0))


def n_rates(V: Any) -> tuple[Any, Any]:
    """`(alpha_n, beta_n)` (1/ms) at `V` (mV)."""
    return 0.1 / exprel(-(V + 55.0) / 10.0), 0.125 * jnp.exp(-(V + 65.0) / 80.0)


def steady_state(rates: Any, V: Any) -> Any:
    """A gate's steady state `alpha / (alpha + beta)` at `V`."""
    alpha, beta = rates(V)
    return alpha / (alpha + beta)


def hh_derivative(V, m, h, n, t, I, ENa, gNa, EK, gK, EL, gL, C):
    """The four derivatives of the Hodgkin-Huxley model."""
    I_Na = (gNa * m * m * m * h) * (V - ENa)
    n2 = n * n
    I_K = (gK * n2 * n2) * (V - EK)
    I_leak = gL * (V - EL)
    dV = (-I_Na - I_K - I_leak + I) / C
    am, bm = m_rates(V)
    ah, bh = h_rates(V)
    an, bn = n_rates(V)
    dm = am * (1 - m) - bm * m
    dh = ah * (1 - h) - bh * h
    dn = an * (1 - n) - bn * n
    return dV, dm, dh, dn


def uniform_V(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    """BrainPy's default initial `V` for `HH`: uniform in [-70, -60) mV."""
    return jax.random.uniform(key, shape, minval=-70.0, maxval=-60.0)


class HH(Population):
    r"""Hodgkin-Huxley neurons (BrainPy's `bp.dyn.HH`): the classic squid axon model.

    $$C \frac{dV}{dt} = -\bar g_{Na} m^3 h (V - E_{Na}) - \bar g_K n^4 (V - E_K)
    - g_L (V - E_L) + I(t),$$

    $$\frac{dx}{dt} = \alpha_x(V)(1 - x) - \beta_x(V) x, \quad x \in \{m, h, n\},$$

    with $\alpha_m = 0.1 (V + 40) / (1 - e^{-(V + 40)/10})$,
    $\beta_m = 4 e^{-(V + 65)/18}$, $\alpha_h = 0.07 e^{-(V + 65)/20}$,
    $\beta_h = 1 / (1 + e^{-(V + 35)/10})$,
    $\alpha_n = 0.01 (V + 55) / (1 - e^{-(V + 55)/10})$ and
    $\beta_n = 0.125 e^{-(V + 65)/80}$. A spike is an upward crossing of `V_th`; there
    is no reset. Each variable is integrated by exponential Euler with its own linear
    part (exact for the gates at fixed `V`), as BrainPy's `exp_auto`.

    BrainPy's defaults and initial values: `V` uniform in [-70, -60) mV (drawn from
    `key`, default: split from `eqbrain.random`'s generator, as BrainPy draws from its own), and
    each gate at its steady state for the initial `V`.

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `ENa`, `EK`, `EL`: reversal potentials (mV); `gNa`, `gK`, `gL`: maximal
      conductances (mS/cm²); `C`: membrane capacitance (µF/cm²).
    - `V_th`: the spike detection threshold (mV).
    - `V_initializer`: the initial `V`; `m_initializer`, `h_initializer`,
      `n_initializer`: the initial gates (default: their steady states).
    - `key`, `batch_size`, `method`: as for `Lif`.

    Variables: `V` (mV), `m`, `h`, `n`, `spike` (bool).

    ```python
    neu = eqbrain.dyn.HH(3, V_initializer=-65.0)
    out = eqbrain.run(neu, 50.0, inputs=jnp.full((500, 3), 10.0), monitors=["V", "spike"])
    ```
    """

    V: Variable = built()
    m: Variable = built()
    h: Variable = built()
    n: Variable = built()
    spike: Variable = built()
    ENa: Any = param(default=50.0)
    gNa: Any = param(default=120.0)
    EK: Any = param(default=-77.0)
    gK: Any = param(default=36.0)
    EL: Any = param(default=-54.387)
    gL: Any = param(default=0.03)
    V_th: Any = param(default=20.0)
    C: Any = param(default=1.0, positive=True)
    V_initializer: InitVar[Init] = initial(default=uniform_V)
    m_initializer: InitVar[Init | None] = initial(default=None)
    h_initializer: InitVar[Init | None] = initial(default=None)
    n_initializer: InitVar[Init | None] = initial(default=None)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """The gates not given start at their steady state for the initial `V`."""
        super()._build(key, args)
        for gate, rates in (("m", m_rates), ("h", h_rates), ("n", n_rates)):
            if args[f"{gate}_initializer"] is None:
                setattr(self, gate, self._variable(steady_state(rates, self.V.value)))
        self.spike = self._variable(False, bool)

    def update(self, x: Any = None) -> Any:
        """One step with input current `x` (default 0); returns the spikes."""
        f = integral(hh_derivative, self.method)
        V, m, h, n = f(
            self.V.value,
            self.m.value,
            self.h.value,
            self.n.value,
            share.load("t", 0.0),
            0.0 if x is None else x,
            self.ENa,
            self.gNa,
            self.EK,
            self.gK,
            self.EL,
            self.gL,
            self.C,
            dt=share.load("dt"),
        )
        self.spike.value = jnp.logical_and(self.V.value < self.V_th, V >= self.V_th)
        self.V.value, self.m.value, self.h.value, self.n.value = V, m, h, n
        return self.spike.value
