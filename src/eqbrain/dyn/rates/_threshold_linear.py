"""`ThresholdLinearModel`: threshold-linear excitatory and inhibitory rates, as BrainPy's
`bp.dyn.ThresholdLinearModel` (`bp.rates`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..._core import Variable
from .._population import Init, Population, built, initial, option, param
from .._seeding import noise_key_data
from .._share import share


class ThresholdLinearModel(Population):
    r"""Threshold-linear excitatory (`e`) and inhibitory (`i`) rates (Chaudhuri et al.
    2015; BrainPy's `bp.dyn.ThresholdLinearModel`).

    $$\tau_E \frac{de}{dt} = -e + \beta_E [I_E]_+, \qquad
    \tau_I \frac{di}{dt} = -i + \beta_I [I_I]_+,$$

    stepped by Euler-Maruyama as BrainPy does, with noise
    `noise_e / tau_e * sqrt(dt) * N(0, 1)` (and likewise for `i`), and each rate then
    kept >= 0. The noise draws from the model's `key` Variable (from `seed`), so a run
    is reproducible and `reset_state()` replays it.

    The inputs of a step are the `Ie` and `Ii` Variables plus the arguments of
    `update`; a step consumes them (`Ie`, `Ii` are zero after it).

    **Arguments:**

    - `size`: the number of E-I pairs (or a shape).
    - `tau_e`, `tau_i`: the time constants (in the unit of `dt`; BrainPy's defaults
      0.02 and 0.01 are seconds, so at `dt = 0.1` pass your own).
    - `beta_e`, `beta_i`: the gains; `noise_e`, `noise_i`: the noise intensities.
    - `e_initializer`, `i_initializer`: initial rates (default 0).
    - `seed`: the seed of the noise (default: drawn from `eqbrain.random`).
    - `input_var`: keep the inputs in `Ie`, `Ii` (default); `False`: only the arguments.
    - `key`, `batch_size`: as for `Lif`.

    ```python
    tl = eqbrain.dyn.ThresholdLinearModel(2, tau_e=2.0, tau_i=1.0)
    out = eqbrain.run(tl, 20.0, inputs=jnp.full((200, 2), 5.0), monitors=["e", "i"])
    ```
    """

    e: Variable = built()
    i: Variable = built()
    Ie: Variable = built()  # `None` with `input_var=False`, as `Ii`
    Ii: Variable = built()
    key: Variable | None = built()  # the noise's random state (from `seed`)
    method: str = built(default="euler", static=True)
    tau_e: Any = param(default=2e-2, positive=True)
    tau_i: Any = param(default=1e-2, positive=True)
    beta_e: Any = param(default=0.066)
    beta_i: Any = param(default=0.351)
    noise_e: Any = param(default=0.0)
    noise_i: Any = param(default=0.0)
    input_var: bool = option(default=True)
    e_initializer: InitVar[Init] = initial(default=0.0)
    i_initializer: InitVar[Init] = initial(default=0.0)
    seed: InitVar[int | None] = None

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """The input Variables, and the noise's key when there is noise."""
        super()._build(key, args)
        if self.input_var:
            self.Ie = self._variable(0.0, self.e.dtype)
            self.Ii = self._variable(0.0, self.e.dtype)
        else:
            self.Ie = self.Ii = None  # pyright: ignore[reportAttributeAccessIssue]
        noisy = np.any(np.asarray(self.noise_e) != 0) or np.any(np.asarray(self.noise_i) != 0)
        key_data = noise_key_data(args["seed"]) if noisy else None
        self.key = None if key_data is None else Variable(key_data)  # pyright: ignore[reportIncompatibleVariableOverride]

    def update(self, inp_e: Any = None, inp_i: Any = None) -> Any:
        """One step with inputs `inp_e` and `inp_i`; returns `e`."""
        dt = share.load("dt")
        input_e = jnp.zeros(self.state_shape) if self.Ie is None else self.Ie.value
        input_i = jnp.zeros(self.state_shape) if self.Ii is None else self.Ii.value
        if inp_e is not None:
            input_e = input_e + inp_e
        if inp_i is not None:
            input_i = input_i + inp_i
        e = (
            self.e.value
            + dt * (-self.e.value + self.beta_e * jnp.maximum(input_e, 0.0)) / self.tau_e
        )
        i = (
            self.i.value
            + dt * (-self.i.value + self.beta_i * jnp.maximum(input_i, 0.0)) / self.tau_i
        )
        if self.key is not None:
            key, key_e, key_i = jax.random.split(jax.random.wrap_key_data(self.key.value), 3)
            self.key.value = jax.random.key_data(key)
            shape, dtype = self.e.shape, self.e.dtype
            e = e + self.noise_e / self.tau_e * jnp.sqrt(dt) * jax.random.normal(
                key_e, shape, dtype
            )
            i = i + self.noise_i / self.tau_i * jnp.sqrt(dt) * jax.random.normal(
                key_i, shape, dtype
            )
        self.e.value = jnp.maximum(e, 0.0)
        self.i.value = jnp.maximum(i, 0.0)
        self.clear_input()
        return self.e.value

    def clear_input(self) -> None:
        """Set `Ie` and `Ii` to zero (BrainPy's `clear_input`)."""
        if self.Ie is not None and self.Ii is not None:
            self.Ie.value = jnp.zeros_like(self.Ie.value)
            self.Ii.value = jnp.zeros_like(self.Ii.value)
