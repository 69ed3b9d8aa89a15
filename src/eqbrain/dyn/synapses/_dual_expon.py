"""`DualExpon`: the dual-exponential synapse, as BrainPy's `bp.dyn.DualExpon`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..._core import Variable
from .._population import (
    Init,
    Population,
    built,
    float_dtype,
    init_param,
    integral,
    name_key,
    param,
)
from .._share import share


def dual_expon_derivative(g, h, t, tau_decay, tau_rise):
    """`dg/dt = -g / tau_decay + h` and `dh/dt = -h / tau_rise`."""
    return -g / tau_decay + h, -h / tau_rise


def dual_expon_coefficient(tau_decay: Any, tau_rise: Any, A: Any) -> Any:
    """The jump of `h` per unit of input, as BrainPy 2.8 computes it.

    Without `A`: `(tau_rise / tau_decay) ** (tau_rise / (tau_rise - tau_decay)) /
    tau_rise`, so that a unit input peaks at 1; its limit at `tau_rise == tau_decay`
    is `e / tau` (the alpha function). With `A`: `A (tau_decay - tau_rise) /
    (tau_rise tau_decay)`, so that a unit input gives
    `g(t) = A (exp(-t / tau_decay) - exp(-t / tau_rise))`.
    """
    tau_decay = np.asarray(tau_decay, np.float64)
    tau_rise = np.asarray(tau_rise, np.float64)
    if A is not None:
        a = (tau_decay - tau_rise) / tau_rise / tau_decay * np.asarray(A, np.float64)
    else:
        equal = tau_rise == tau_decay
        exponent = tau_rise / np.where(equal, 1.0, tau_rise - tau_decay)
        general = np.float_power(tau_rise / tau_decay, exponent) / tau_rise
        a = np.where(equal, np.e / tau_rise, general)
    return float(a) if a.ndim == 0 else jnp.asarray(a, jnp.result_type(float))


class DualExpon(Population):
    r"""Dual-exponential synapses (BrainPy's `bp.dyn.DualExpon`).

    $$\frac{dg}{dt} = -\frac{g}{\tau_{decay}} + h, \qquad
    \frac{dh}{dt} = -\frac{h}{\tau_{rise}}, \qquad h \leftarrow h + a\, x$$

    Each step integrates `g` and `h`, then adds the input `x` (the summed weight of
    the arriving spikes) to `h`, scaled by `a`: by default a unit input peaks at 1; with
    `A` it gives `g(t) = A (e^{-t/tau_decay} - e^{-t/tau_rise})`, as in BrainPy (see
    `dual_expon_coefficient`). Returns `g`.

    **Arguments:**

    - `size`: the number of postsynaptic neurons (or a shape).
    - `tau_decay`, `tau_rise`: the time constants (ms).
    - `A`: the amplitude of the response to a unit input (default: a peak of 1).
    - `batch_size`, `method`: as for the neurons.

    Variables: `g`, `h`.

    ```python
    syn = eqbrain.dyn.DualExpon(100, tau_decay=10.0, tau_rise=1.0)
    g = syn(jnp.ones(100))
    ```
    """

    g: Variable = built()
    h: Variable = built()
    a: Any = built()
    tau_decay: Any = param(default=10.0, positive=True)
    tau_rise: Any = param(default=1.0, positive=True)
    A: InitVar[Init | None] = None

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """The jump `a` per unit of input (from `A`), and `g = h = 0`."""
        super()._build(key, args)
        A = args["A"]
        if A is not None:
            A = init_param(A, self.size, name_key(key, "A") if callable(A) else None, "A")
        self.a = dual_expon_coefficient(self.tau_decay, self.tau_rise, A)
        self.g = self._variable(0.0, float_dtype())
        self.h = self._variable(0.0, float_dtype())

    def update(self, x: Any = None) -> Any:
        """Integrate one step, then add the input `x`; returns `g`."""
        f = integral(dual_expon_derivative, self.method)
        g, h = f(
            self.g.value,
            self.h.value,
            share.load("t", 0.0),
            self.tau_decay,
            self.tau_rise,
            dt=share.load("dt"),
        )
        self.g.value = g
        self.h.value = h if x is None else h + self.a * x
        return self.g.value
