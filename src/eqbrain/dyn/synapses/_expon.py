"""`Expon`: the exponential synapse, a conductance that jumps on spikes and decays."""

from __future__ import annotations

from typing import Any

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float

from ..._core import Variable
from .._dynsys import DynamicalSystem, state_shape
from .._share import share


class Expon(DynamicalSystem):
    """Exponential synapse (BrainPy's `Expon`): `dg/dt = -g / tau`, plus the input.

    Each step decays `g` exactly over `dt`, then adds the step's input (the summed
    weights of the spikes that arrived, e.g. from `FixedProb`). In an `AlignPostProj`
    the input comes first, through `add_current`, and then the step: the arriving
    weight has decayed over one step when the neuron reads `g`, as in BrainPy's
    align-post projections.

    **Arguments:**

    - `size`: the number of postsynaptic neurons (or a shape).
    - `tau`: the decay time constant (ms).
    - `batch_size`: give `g` a leading batch axis of this size.

    Variables: `g`.

    ```python
    syn = eqbrain.dyn.Expon(100, tau=5.0)
    g = syn(jnp.ones(100))   # decays, then adds 1 to every conductance
    ```
    """

    g: Variable
    tau: float = eqx.field(static=True)

    def __init__(
        self,
        size: int | tuple[int, ...],
        tau: float = 8.0,
        *,
        batch_size: int | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        if not tau > 0:
            raise ValueError(f"tau must be positive, got {tau!r}.")
        self.tau = float(tau)
        shape = state_shape(size, batch_size)
        self.g = Variable(jnp.zeros(shape), batch_axis=None if batch_size is None else 0)

    def add_current(self, x: Any) -> None:
        """Add the input `x` to `g` now (before the next step), as an align-post
        projection delivers it (BrainPy's `add_current`)."""
        self.g.value = self.g.value + x

    def update(self, x: Any = None) -> Float[Array, "*shape"]:
        """Decay `g` over one step, add the input `x`, return the new `g`."""
        g = self.g.value * jnp.exp(-share.load("dt") / self.tau)
        if x is not None:
            g = g + x
        self.g.value = g
        return g
