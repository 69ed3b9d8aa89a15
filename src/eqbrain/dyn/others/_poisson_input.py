"""`PoissonInput`: independent Poisson input added to a Variable each step."""

from __future__ import annotations

import math
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp

from ..._core import Variable
from .._dynsys import DynamicalSystem
from .._seeding import noise_key_data
from .._share import share


class PoissonInput(DynamicalSystem):
    """Adds `num_input` independent Poisson inputs to a Variable (BrainPy's `PoissonInput`).

    Each step, every element of `target_var` receives `weight` times the number of its
    `num_input` inputs that fired, a `Binomial(num_input, freq * dt / 1000)` draw; when
    both `num_input * p` and `num_input * (1 - p)` exceed 5 the draw is the normal
    approximation (mean `num_input * p`, standard deviation `sqrt(num_input * p * (1 -
    p))`), as in BrainPy. Much cheaper than a `PoissonGroup` and a projection: no input
    spikes are stored. The random key is a Variable: runs are reproducible and
    `reset_state()` replays them.

    The target Variable stays its population's own (a shared cell): collectors, state
    dicts and checkpoints list it once, and `reset_state` leaves it to its population.

    **Arguments:**

    - `target_var`: the Variable to add to (e.g. a neuron group's `V` or input current).
    - `num_input`: the number of inputs per target element.
    - `freq`: the rate of each input (Hz).
    - `weight`: the increment per input spike.
    - `seed`: the seed of the draws (default: drawn from `eqbrain.random`).

    ```python
    neurons = eqbrain.dyn.LIF(100, V_rest=-60.0, V_th=-50.0, V_initializer=-60.0)
    poisson = eqbrain.dyn.PoissonInput(neurons.V, num_input=200, freq=10.0, weight=0.1)
    # in a Network's update: poisson(); neurons(0.0)
    ```
    """

    target_var: Variable
    key: Variable
    num_input: int = eqx.field(static=True)
    freq: float = eqx.field(static=True)
    weight: float = eqx.field(static=True)

    def __init__(
        self,
        target_var: Variable,
        num_input: int,
        freq: float,
        weight: float,
        *,
        seed: int | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        if not isinstance(target_var, Variable):
            raise TypeError(
                f'"target_var" must be a Variable (e.g. `neurons.V`), got '
                f"{type(target_var).__name__}."
            )
        if isinstance(num_input, bool) or not isinstance(num_input, int) or num_input < 1:
            raise ValueError(f"num_input must be an int >= 1, got {num_input!r}.")
        if (
            isinstance(freq, bool)
            or not isinstance(freq, int | float)
            or not (freq >= 0 and math.isfinite(freq))
        ):
            raise ValueError(f"freq must be a finite number of Hz >= 0, got {freq!r}.")
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not math.isfinite(weight)
        ):
            raise ValueError(f"weight must be a finite number, got {weight!r}.")
        if not jnp.issubdtype(target_var.dtype, jnp.floating):
            raise TypeError(f"PoissonInput adds to a float Variable, got {target_var.describe()}.")
        self.target_var = target_var
        self.key = Variable(noise_key_data(seed))
        self.num_input, self.freq, self.weight = num_input, float(freq), float(weight)

    def _after_init(self, own: list[tuple[str, Variable]]) -> None:
        # The target belongs to its population, which resets it; only the key is ours.
        super()._after_init([(k, v) for k, v in own if v is not self.target_var])

    def update(self, *args: Any) -> None:
        """Draw this step's input and add it to the target."""
        key, sub = jax.random.split(jax.random.wrap_key_data(self.key.value))
        self.key.value = jax.random.key_data(key)
        p = self.freq * share.load("dt") / 1e3
        if p > 1:
            raise ValueError(
                f"PoissonInput: freq * dt = {self.freq} Hz * {share.load('dt')} ms gives a "
                "spike probability above 1 per step; lower dt or freq."
            )
        mean, rest = self.num_input * p, self.num_input * (1 - p)
        shape, dtype = self.target_var.shape, self.target_var.dtype
        if mean > 5 and rest > 5:
            draw = mean + math.sqrt(rest * p) * jax.random.normal(sub, shape, dtype)
        else:
            draw = jax.random.binomial(sub, self.num_input, p, shape, dtype)
        self.target_var.value = self.target_var.value + (draw * self.weight).astype(dtype)
