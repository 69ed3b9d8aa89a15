"""`Alpha`: the alpha-function synapse, as BrainPy's `bp.dyn.Alpha`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._core import Variable
from .._population import Population, built, float_dtype, integral, param
from .._share import share


def alpha_derivative(g, h, t, tau_decay):
    """`dg/dt = (-g + h) / tau_decay` and `dh/dt = -h / tau_decay`."""
    return -g / tau_decay + h / tau_decay, -h / tau_decay


class Alpha(Population):
    r"""Alpha-function synapses (BrainPy's `bp.dyn.Alpha`).

    $$\frac{dg}{dt} = -\frac{g}{\tau} + \frac{h}{\tau}, \qquad
    \frac{dh}{dt} = -\frac{h}{\tau}, \qquad h \leftarrow h + x$$

    Each step integrates `g` and `h`, then adds the input `x` to `h`: a unit input
    gives `g(t) = (t / tau) e^{-t / tau}`. Returns `g`.

    **Arguments:**

    - `size`: the number of postsynaptic neurons (or a shape).
    - `tau_decay`: the time constant (ms).
    - `batch_size`, `method`: as for the neurons.

    Variables: `g`, `h`.

    ```python
    syn = eqbrain.dyn.Alpha(100, tau_decay=10.0)
    g = syn(jnp.ones(100))
    ```
    """

    g: Variable = built()
    h: Variable = built()
    tau_decay: Any = param(default=10.0, positive=True)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.g = self._variable(0.0, float_dtype())
        self.h = self._variable(0.0, float_dtype())

    def update(self, x: Any = None) -> Any:
        """Integrate one step, then add the input `x`; returns `g`."""
        f = integral(alpha_derivative, self.method)
        g, h = f(
            self.g.value, self.h.value, share.load("t", 0.0), self.tau_decay, dt=share.load("dt")
        )
        self.g.value = g
        self.h.value = h if x is None else h + x
        return self.g.value
