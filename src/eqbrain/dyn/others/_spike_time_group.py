"""`SpikeTimeGroup`: input neurons that spike at given times."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jaxtyping import Array, Bool

from ..._core import Variable
from .._dynsys import DynamicalSystem, state_shape
from .._share import share


class SpikeTimeGroup(DynamicalSystem):
    """Neurons that spike at given times (BrainPy's `SpikeTimeGroup`).

    Neuron `indices[k]` spikes at the first step whose time `t` reaches `times[k]`
    (`t >= times[k]`, with `t` the step's `eqbrain.share` time). A pointer Variable `i`
    walks through the time-sorted events, so each step costs only its own spikes.

    **Arguments:**

    - `size`: the number of neurons (or a shape; indices are into the flattened group).
    - `indices`: the neuron of each spike.
    - `times`: the time of each spike (ms), as long as `indices`.
    - `need_sort`: sort the events by time (keep `False` only if they already are).
    - `batch_size`: give the state a leading batch axis (every trial the same spikes).

    Variables: `spike` (bool), `i` (the next event).

    ```python
    # neuron 0 at 10 ms; neurons 0 and 1 at 20 ms; neuron 1 at 30 ms
    group = eqbrain.dyn.SpikeTimeGroup(2, indices=[0, 0, 1, 1], times=[10, 20, 20, 30])
    out = eqbrain.run(group, 40.0, monitors=["spike"])
    out["spike"].times                  # [10., 20., 20., 30.]
    ```
    """

    spike: Variable
    i: Variable
    indices: jax.Array
    times: jax.Array
    size: tuple[int, ...] = eqx.field(static=True)
    num_times: int = eqx.field(static=True)

    def __init__(
        self,
        size: int | tuple[int, ...],
        indices: Sequence[int] | Any,
        times: Sequence[float] | Any,
        *,
        need_sort: bool = True,
        batch_size: int | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        shape = state_shape(size, batch_size, self)
        self.size = shape[1:] if batch_size is not None else shape
        indices_np, times_np = np.asarray(indices), np.asarray(times, np.float64)
        if indices_np.ndim != 1 or times_np.ndim != 1 or len(indices_np) != len(times_np):
            raise ValueError(
                'The "indices" and "times" must be 1-D and of the same length, got '
                f"{indices_np.shape} and {times_np.shape}."
            )
        n = math.prod(self.size)
        if indices_np.size and (
            not np.issubdtype(indices_np.dtype, np.integer)
            or indices_np.min() < 0
            or indices_np.max() >= n
        ):
            raise ValueError(f"indices must be ints in [0, {n}), got {indices_np.tolist()}.")
        if not np.all(np.isfinite(times_np)):
            raise ValueError("times must be finite numbers of ms.")
        if need_sort:
            order = np.argsort(times_np, kind="stable")
            indices_np, times_np = indices_np[order], times_np[order]
        elif np.any(np.diff(times_np) < 0):
            raise ValueError("times are not sorted: pass need_sort=True.")
        self.num_times = len(times_np)
        self.indices = jnp.asarray(indices_np, jnp.int32)
        self.times = jnp.asarray(times_np, jnp.float32)
        axis = None if batch_size is None else 0
        self.spike = Variable(jnp.zeros(shape, bool), batch_axis=axis)
        self.i = Variable(jnp.int32(0))

    def update(self, *args: Any) -> Bool[Array, "*shape"]:
        """Emit the spikes of every event whose time has come."""
        t = share.load("t")
        flat_shape = (*self.spike.shape[: self.spike.ndim - len(self.size)], -1)
        spike = jnp.zeros(self.spike.shape, bool).reshape(flat_shape)
        if self.num_times:
            last = self.num_times - 1

            def due(carry):
                i, _ = carry
                return (i < self.num_times) & (t >= self.times[jnp.minimum(i, last)])

            def fire(carry):
                i, s = carry
                return i + 1, s.at[..., self.indices[i]].set(True)

            i, spike = lax.while_loop(due, fire, (self.i.value, spike))
            self.i.value = i
        self.spike.value = spike.reshape(self.spike.shape)
        return self.spike.value
