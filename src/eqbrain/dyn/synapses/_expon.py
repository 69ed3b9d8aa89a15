"""`Expon`: the exponential synapse, a conductance that jumps on spikes and decays."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax.numpy as jnp
from jaxtyping import Array, Float

from ..._core import Variable
from .._population import Population, built, float_dtype, param
from .._share import share


class Expon(Population):
    """Exponential synapse (BrainPy's `Expon`): `dg/dt = -g / tau`, plus the input.

    Each step decays `g` exactly over `dt`, then adds the step's input (the summed
    weights of the spikes that arrived, e.g. from `FixedProb`). In an `AlignPostProj`
    the input comes first, through `add_current`, and then the step: the arriving
    weight has decayed over one step when the neuron reads `g`, as in BrainPy's
    align-post projections.

    **Arguments:**

    - `size`: the number of postsynaptic neurons (or a shape).
    - `tau`: the decay time constant (ms); a number, an array (one per neuron) or an
      initializer.
    - `batch_size`: give `g` a leading batch axis of this size.
    - `key`: the random key of an initializer.

    Variables: `g`.

    ```python
    syn = eqbrain.dyn.Expon(100, tau=5.0)
    g = syn(jnp.ones(100))   # decays, then adds 1 to every conductance
    ```
    """

    g: Variable = built()
    method: str = built(default="exact", static=True)  # the exact decay, always
    tau: Any = param(default=8.0, positive=True, kw_only=False)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.g = self._variable(0.0, float_dtype())

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
