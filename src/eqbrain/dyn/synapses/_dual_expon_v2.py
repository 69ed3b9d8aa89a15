"""`DualExponV2`: the dual-exponential synapse as two decaying gates, BrainPy's
`bp.dyn.DualExponV2` (usable in align-post projections)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..._core import Variable
from .._population import Init, Population, built, float_dtype, init_param, name_key, param
from .._share import share


def dual_expon_v2_amplitude(tau_decay: Any, tau_rise: Any, A: Any) -> Any:
    """The factor `A` of `A (g_decay - g_rise)`: `A` itself when given, else the one
    that makes a unit input peak at 1 (undefined when `tau_rise == tau_decay`)."""
    if A is not None:
        return A
    tau_decay = np.asarray(tau_decay, np.float64)
    tau_rise = np.asarray(tau_rise, np.float64)
    if np.any(tau_rise == tau_decay):
        raise ValueError(
            "DualExponV2's peak normalisation is undefined when tau_rise == tau_decay "
            "(both gates follow the same trajectory, so g_decay - g_rise is always 0). "
            "Use eqbrain.dyn.Alpha for a single time constant, or pass A explicitly."
        )
    a = (
        tau_decay
        / (tau_decay - tau_rise)
        * np.float_power(tau_rise / tau_decay, tau_rise / (tau_rise - tau_decay))
    )
    return float(a) if a.ndim == 0 else jnp.asarray(a, jnp.result_type(float))


class DualExponV2(Population):
    r"""Dual-exponential synapses as two decaying gates (BrainPy's `bp.dyn.DualExponV2`).

    $$\frac{dg_{rise}}{dt} = -\frac{g_{rise}}{\tau_{rise}}, \qquad
    \frac{dg_{decay}}{dt} = -\frac{g_{decay}}{\tau_{decay}}, \qquad
    g = A\,(g_{decay} - g_{rise})$$

    Each step decays both gates exactly over `dt`, then adds the input `x` to both;
    returns `g`. Unlike `DualExpon` it has an `add_current`, so an `AlignPostProj`
    delivers its input before the step, as BrainPy's align-post projections do. By
    default `A` makes a unit input peak at 1.

    **Arguments:**

    - `size`: the number of postsynaptic neurons (or a shape).
    - `tau_decay`, `tau_rise`: the time constants (ms); they must differ unless `A`
      is given.
    - `A`: the amplitude (default: a peak of 1 for a unit input).
    - `batch_size`: as for the neurons.

    Variables: `g_rise`, `g_decay`.

    ```python
    syn = eqbrain.dyn.DualExponV2(100, tau_decay=10.0, tau_rise=1.0)
    proj = eqbrain.dyn.AlignPostProj(comm, syn, eqbrain.dyn.COBA(E=0.0))
    ```
    """

    g_rise: Variable = built()
    g_decay: Variable = built()
    a: Any = built()
    method: str = built(default="exact", static=True)  # the exact decay, always
    tau_decay: Any = param(default=10.0, positive=True)
    tau_rise: Any = param(default=1.0, positive=True)
    A: InitVar[Init | None] = None

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """The amplitude `a` (from `A`), and both gates at 0."""
        super()._build(key, args)
        A = args["A"]
        if A is not None:
            A = init_param(A, self.size, name_key(key, "A") if callable(A) else None, "A")
        self.a = dual_expon_v2_amplitude(self.tau_decay, self.tau_rise, A)
        self.g_rise = self._variable(0.0, float_dtype())
        self.g_decay = self._variable(0.0, float_dtype())

    def add_current(self, x: Any) -> None:
        """Add the input `x` to both gates now (before the next step), as an align-post
        projection delivers it (BrainPy's `add_current`)."""
        self.g_rise.value = self.g_rise.value + x
        self.g_decay.value = self.g_decay.value + x

    def update(self, x: Any = None) -> Any:
        """Decay both gates over one step, then add the input `x`; returns `g`."""
        dt = share.load("dt")
        self.g_rise.value = self.g_rise.value * jnp.exp(-dt / self.tau_rise)
        self.g_decay.value = self.g_decay.value * jnp.exp(-dt / self.tau_decay)
        if x is not None:
            self.add_current(x)
        return self.a * (self.g_decay.value - self.g_rise.value)
