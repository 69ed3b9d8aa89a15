"""`Alpha`: the alpha-function synapse, as BrainPy's `bp.dyn.Alpha`."""

from __future__ import annotations

from typing import Any

from ..._core import Variable
from .._share import share
from ..neurons._base import Init, Population, float_dtype, init_param, integral


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

    g: Variable
    h: Variable
    tau_decay: Any

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        tau_decay: Init = 10.0,
        batch_size: int | None = None,
        method: str = "exp_euler",
        name: str | None = None,
    ):
        super().__init__(size, batch_size=batch_size, method=method, name=name)
        self.tau_decay = init_param(tau_decay, self.size, None, "tau_decay", positive=True)
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
