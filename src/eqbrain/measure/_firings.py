"""Spike-train measures: `firing_rate` (the smoothed population rate) and `raster_plot`
(the (neuron, time) pairs of a spike matrix)."""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..dyn import SparseSpikes, get_dt


def firing_rate(spikes: Any, width: float, dt: float | None = None, numpy: bool = True) -> Any:
    r"""The population firing rate in Hz, smoothed by a moving window (as Brian2's).

    The spike count of each step is averaged over neurons and convolved with a centred
    box of `2 int(width / (2 dt)) + 1` steps, normalized by its true length in seconds.
    A window longer than the record is refused (`ValueError`).

    **Arguments:**

    - `spikes`: `(num_time, num_neuron)` spikes (bool or 0/1), or the runner's
      `SparseSpikes` (read without building the dense array; its `dt` is the default).
    - `width`: the window width in ms.
    - `dt`: the time step in ms (default `eqbrain.get_dt()`).
    - `numpy`: compute with NumPy and return a NumPy array (default); `False` uses
      `jax.numpy`, so the function can be jitted.

    ```python
    rate = eqbrain.measure.firing_rate(mon["spike"], width=5.0)   # (num_time,) in Hz
    ```
    """
    xp = np if numpy else jnp
    if isinstance(spikes, SparseSpikes):
        dt = spikes.dt if dt is None else dt
        fraction = xp.asarray(spikes.per_step() / math.prod(spikes.value_shape))
        return SparseSpikes.smooth_rate(fraction, width, dt, numpy)
    dt = get_dt() if dt is None else dt
    spikes = xp.asarray(spikes)
    if spikes.ndim != 2:
        raise ValueError(
            f"spikes must be a 2-D array of shape (num_time, num_neuron), got {spikes.shape}."
        )
    return SparseSpikes.smooth_rate(xp.mean(spikes, axis=1), width, dt, numpy)


def raster_plot(sp_matrix: Any, times: Any) -> tuple[np.ndarray, np.ndarray]:
    """The neuron indices and times of every spike in a spike matrix, as NumPy arrays.

    **Arguments:**

    - `sp_matrix`: `(num_time, num_neuron)` spikes.
    - `times`: the `num_time` times of the rows.

    **Returns:** `(neuron_index, spike_time)`, in time order.

    ```python
    index, t = eqbrain.measure.raster_plot(mon["spike"], mon["ts"])
    plt.plot(t, index, ".")
    ```
    """
    spikes = np.asarray(sp_matrix)
    rows, cols = np.where(spikes > 0)
    return cols, np.asarray(times)[rows]
