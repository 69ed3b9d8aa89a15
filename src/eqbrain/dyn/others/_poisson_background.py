"""`PoissonBackground`: each neuron's count of background Poisson spikes per step, drawn
from one uniform number by the inverse of the Poisson distribution, a block of steps at
a time."""

from __future__ import annotations

import math
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from ..._core import Parameter, Variable
from .._dynsys import DynamicalSystem
from .._seeding import noise_key_data
from .._share import get_dt, share

_TAIL = 1e-9  # the probability left out of the table of counts
_MAX_COUNTS = 256  # the longest table: a mean of about 200 spikes a step
_BLOCK_ELEMENTS = 2**19  # the most counts drawn at once by default
_MAX_BLOCK = 64


def poisson_cdf_table(means: np.ndarray) -> np.ndarray:
    """`table[g, k] = P(N <= k)` for `N ~ Poisson(means[g])`, float32, with as many
    counts `k` as the largest mean needs (the rest of the mass, below 1e-9, is cut)."""
    lam = float(np.max(means, initial=0.0))
    k = np.arange(_MAX_COUNTS, dtype=np.float64)
    mean = np.asarray(means, np.float64)[:, None]
    with np.errstate(divide="ignore"):
        log_pmf = k * np.log(np.maximum(mean, 1e-300)) - mean - np.cumsum(np.log(np.maximum(k, 1)))
    cdf = np.cumsum(np.exp(log_pmf), axis=1)
    cdf[mean[:, 0] == 0.0] = 1.0
    needed = int(np.searchsorted(cdf[int(np.argmax(means))], 1.0 - _TAIL)) + 1 if lam else 1
    if needed >= _MAX_COUNTS:
        raise ValueError(
            f"PoissonBackground: a mean of {lam:g} spikes a step is too many for the table "
            f"of counts (at most about 200); lower the rate or dt."
        )
    return cdf[:, :needed].astype(np.float32)


def _positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"PoissonBackground: {what} must be a positive int, got {value!r}.")
    return int(value)


class PoissonBackground(DynamicalSystem):
    """Background Poisson input, as summed weights per neuron and step (NEST's
    `poisson_generator` connected to every neuron).

    Each step, neuron `i` receives `weight[i]` times `N`, `N ~ Poisson(rate[i] * dt)`:
    the spikes of `rate / in_rate` independent inputs of `in_rate` Hz summed (the
    microcircuit: `8 Hz x K_ext` per neuron). `N` is drawn exactly from one uniform
    number per neuron by the inverse of the distribution, a table of its cumulative
    probabilities per distinct rate: the cost is one random number and a short
    comparison per neuron, whatever the number of inputs. The counts of `block` steps are
    drawn at once (one kernel large enough for XLA to spread over the CPU's cores, where
    a kernel of one step's few thousand numbers runs slower on two cores than on one)
    and read a row a step. The key, the block and the row are Variables: runs are
    reproducible, checkpoints continue them exactly and `reset_state()` replays them.

    **Arguments:**

    - `size`: the number of neurons.
    - `rate`: the total rate per neuron (Hz): a number or one per neuron.
    - `weight`: the weight of a spike (e.g. pA): a number or one per neuron.
    - `seed`: the seed of the draws (default: drawn from `eqbrain.random`).
    - `dt`: the step (ms) the table is made for (default: `eqbrain.get_dt()`).
    - `block`: the steps drawn at once (default: the largest power of two of steps
      whose counts number at most 524,288, at most 64; a power of two splits evenly
      over the cores). The draws depend on it: the same seed and block give the same
      spikes.

    ```python
    bg = eqbrain.dyn.PoissonBackground(100, rate=8.0 * 1600, weight=87.8, seed=0)
    x = bg()          # (100,) pA arriving this step
    ```
    """

    key: Variable
    counts: Variable
    row: Variable
    table: Parameter
    group: Parameter
    weight: Parameter
    size: int = eqx.field(static=True)
    dt: float = eqx.field(static=True)
    block: int = eqx.field(static=True)

    def __init__(
        self,
        size: int,
        rate: Any,
        weight: Any = 1.0,
        *,
        seed: int | None = None,
        dt: float | None = None,
        block: int | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        self.size, self.dt = _positive_int(size, "size"), float(get_dt() if dt is None else dt)
        if block is None:
            most = max(1, min(_MAX_BLOCK, _BLOCK_ELEMENTS // self.size))
            block = 1 << (most.bit_length() - 1)
        self.block = _positive_int(block, "block")
        rates = np.broadcast_to(np.asarray(rate, np.float64), (self.size,))
        if not np.all(np.isfinite(rates)) or rates.min() < 0:
            raise ValueError(f"PoissonBackground: rate must be finite and >= 0 Hz, got {rate!r}.")
        weights = np.asarray(weight, np.float32)
        if not np.all(np.isfinite(weights)):
            raise ValueError(f"PoissonBackground: weight must be finite, got {weight!r}.")
        distinct, group = np.unique(rates, return_inverse=True)
        self.table = Parameter(jnp.asarray(poisson_cdf_table(distinct * self.dt * 1e-3)))
        self.group = Parameter(jnp.asarray(group.astype(np.int32)))
        self.weight = Parameter(jnp.asarray(np.broadcast_to(weights, (self.size,))))
        self.key = Variable(noise_key_data(seed))
        self.counts = Variable(jnp.zeros((self.block, self.size), jnp.uint8))
        self.row = Variable(jnp.asarray(0, jnp.int32))  # the next row; 0: draw a block

    def update(self, *args: Any) -> Float[Array, " size"]:
        """This step's input: `weight` times each neuron's count of spikes."""
        dt = share.load("dt", None)
        if isinstance(dt, float | int) and not math.isclose(dt, self.dt, rel_tol=1e-6):
            raise ValueError(
                f"{self.name} was built for dt = {self.dt:g} ms but runs with dt = {dt:g} "
                "ms; build it after `eqbrain.set_dt(...)` or pass dt=."
            )
        table, group, shape = self.table.value, self.group.value, (self.block, self.size)

        def draw(key_data: jax.Array, _: jax.Array) -> tuple[jax.Array, jax.Array]:
            key, sub = jax.random.split(jax.random.wrap_key_data(key_data))
            u = jax.random.uniform(sub, shape, jnp.float32)
            counts = jnp.sum(u[..., None] >= table[group], axis=-1, dtype=jnp.int32)
            return jax.random.key_data(key), counts.astype(jnp.uint8)

        key, counts = jax.lax.cond(
            self.row.value == 0, draw, lambda k, c: (k, c), self.key.value, self.counts.value
        )
        self.key.value, self.counts.value = key, counts
        count = jax.lax.dynamic_index_in_dim(counts, self.row.value, keepdims=False)
        self.row.value = (self.row.value + 1) % self.block
        return count.astype(jnp.float32) * self.weight.value
