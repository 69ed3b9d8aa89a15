"""`PoissonGroup`: independent Poisson spike trains, an input population."""

from __future__ import annotations

import math
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Bool

from ..._core import Variable
from .._dynsys import DynamicalSystem, state_shape
from .._seeding import noise_key_data
from .._share import share


class PoissonGroup(DynamicalSystem):
    """Neurons that spike as independent Poisson processes (BrainPy's `PoissonGroup`).

    Each step, each neuron spikes with probability `freqs * dt / 1000` (`freqs` in Hz,
    `dt` in ms). The random key is a Variable, so a run is reproducible,
    `reset_state()` replays the same spikes, and checkpoints continue the stream.

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `freqs`: the firing rate(s) in Hz: a number or an array broadcastable to `size`.
    - `seed`: the seed of the spike trains (default: drawn from `eqbrain.random`).
    - `batch_size`: give the state a leading batch axis (each trial its own spikes).

    Variables: `spike` (bool), `key` (the raw `uint32` random key).

    ```python
    inp = eqbrain.dyn.PoissonGroup(100, freqs=20.0, seed=0)
    out = eqbrain.run(inp, 1000.0, monitors=["spike"])   # about 20 spikes per neuron
    ```
    """

    spike: Variable
    key: Variable
    freqs: Any = eqx.field(static=True)
    size: tuple[int, ...] = eqx.field(static=True)

    def __init__(
        self,
        size: int | tuple[int, ...],
        freqs: float | Any,
        *,
        seed: int | None = None,
        batch_size: int | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        shape = state_shape(size, batch_size, self)
        freqs_np = np.asarray(freqs, np.float32)
        if np.any(freqs_np < 0) or not np.all(np.isfinite(freqs_np)):
            raise ValueError(f"freqs must be finite and >= 0 Hz, got {freqs!r}.")
        np.broadcast_shapes(freqs_np.shape, shape)
        # Static: a tuple (hashable) for an array of rates, a float for one rate.
        self.freqs = float(freqs_np) if freqs_np.ndim == 0 else _Frozen(freqs_np)
        self.size = shape[1:] if batch_size is not None else shape
        self.spike = Variable(jnp.zeros(shape, bool), batch_axis=None if batch_size is None else 0)
        self.key = Variable(noise_key_data(seed))

    @property
    def num(self) -> int:
        """The number of neurons."""
        return math.prod(self.size)

    @property
    def varshape(self) -> tuple[int, ...]:
        """The population's shape (without the batch axis), as BrainPy's `varshape`."""
        return self.size

    def update(self) -> Bool[Array, "*shape"]:
        """Draw this step's spikes."""
        key, sub = jax.random.split(jax.random.wrap_key_data(self.key.value))
        self.key.value = jax.random.key_data(key)
        freqs = self.freqs if isinstance(self.freqs, float) else self.freqs.array
        p = freqs * (share.load("dt") / 1000.0)
        spike = jax.random.uniform(sub, self.spike.shape) < p
        self.spike.value = spike
        return spike


class _Frozen:
    """A NumPy array that can be a static field: hashed and compared by content."""

    __slots__ = ("array", "_hash")

    def __init__(self, array: np.ndarray):
        self.array = array
        self.array.flags.writeable = False
        self._hash = hash((array.shape, array.tobytes()))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Frozen) and np.array_equal(self.array, other.array)

    def __repr__(self) -> str:
        return f"array(shape={self.array.shape})"
