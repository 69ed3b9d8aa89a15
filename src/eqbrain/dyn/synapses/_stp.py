"""`STP` and `STD`: short-term synaptic plasticity (Tsodyks & Markram), as BrainPy's
`bp.dyn.STP`/`STD`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._core import Variable
from .._population import Population, built, float_dtype, integral, param
from .._share import share


def std_derivative(x, t, tau):
    """`dx/dt = (1 - x) / tau`."""
    return (1 - x) / tau


def stp_derivative(u, x, t, tau_f, tau_d):
    """`du/dt = -u / tau_f` and `dx/dt = (1 - x) / tau_d`."""
    return -u / tau_f, (1 - x) / tau_d


class STD(Population):
    r"""Short-term depression (BrainPy's `bp.dyn.STD`).

    $$\frac{dx}{dt} = \frac{1 - x}{\tau}, \qquad
    x \leftarrow x - U x_{-} s_{pre},$$

    where the jump uses `x_-`, the value at the start of the step, as BrainPy 2.8 does.
    The available resources `x` start at 1; the step returns `x`, the factor by which
    the spikes' efficacy is scaled.

    **Arguments:**

    - `size`: the number of synapses or presynaptic neurons (or a shape).
    - `tau`: the recovery time constant (ms); `U`: the fraction used per spike.
    - `batch_size`, `method`: as for the neurons.

    Variables: `x`.

    ```python
    std = eqbrain.dyn.STD(100)
    x = std(spikes)       # spikes: (100,) bool
    ```
    """

    x: Variable = built()
    tau: Any = param(default=200.0, positive=True)
    U: Any = param(default=0.07)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.x = self._variable(1.0, float_dtype())

    def update(self, pre_spike: Any) -> Any:
        """One step with this step's presynaptic spikes; returns `x`."""
        f = integral(std_derivative, self.method)
        x = f(self.x.value, share.load("t", 0.0), self.tau, dt=share.load("dt"))
        self.x.value = x - pre_spike * self.U * self.x.value
        return self.x.value


class STP(Population):
    r"""Short-term plasticity, facilitation and depression (BrainPy's `bp.dyn.STP`).

    $$\frac{du}{dt} = -\frac{u}{\tau_f}, \qquad \frac{dx}{dt} = \frac{1 - x}{\tau_d},$$

    and at a presynaptic spike $u \leftarrow u + U (1 - u)$, then
    $x \leftarrow x - u x$ (with the new `u`), both after the step's integration.
    `u` starts at `U` and `x` at 1; the step returns `u x`, the efficacy.

    **Arguments:**

    - `size`: the number of synapses or presynaptic neurons (or a shape).
    - `U`: the baseline release probability; `tau_f`, `tau_d`: the facilitation and
      depression time constants (ms).
    - `batch_size`, `method`: as for the neurons.

    Variables: `u`, `x`.

    ```python
    stp = eqbrain.dyn.STP(100, U=0.15, tau_f=1500.0, tau_d=200.0)
    efficacy = stp(spikes)
    ```
    """

    u: Variable = built()
    x: Variable = built()
    U: Any = param(default=0.15)
    tau_f: Any = param(default=1500.0, positive=True)
    tau_d: Any = param(default=200.0, positive=True)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """`x` starts at 1 and `u` at `U`."""
        super()._build(key, args)
        self.x = self._variable(1.0, float_dtype())
        self.u = self._variable(self.U, float_dtype())

    def update(self, pre_spike: Any) -> Any:
        """One step with this step's presynaptic spikes; returns `u * x`."""
        f = integral(stp_derivative, self.method)
        u, x = f(
            self.u.value,
            self.x.value,
            share.load("t", 0.0),
            self.tau_f,
            self.tau_d,
            dt=share.load("dt"),
        )
        u = u + pre_spike * self.U * (1 - u)
        x = x - pre_spike * u * x
        self.u.value, self.x.value = u, x
        return u * x
