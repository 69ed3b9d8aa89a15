"""`raster_plot`: who spiked when, from sparse or dense spike records."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dyn.runner import SparseSpikes
from ._matplotlib import finish, pyplot


def spike_points(ts: Any, spikes: Any) -> tuple[np.ndarray, np.ndarray]:
    """`(times, neuron indices)` of every spike in a sparse or dense `(time, n)` record."""
    if isinstance(spikes, SparseSpikes):
        if spikes.time_axis != 0 or len(spikes.value_shape) != 1:
            raise ValueError(
                f"raster_plot draws a (time, neurons) record; got one of shape {spikes.shape} "
                "(index a batched record first: `np.asarray(spikes)[0]`)."
            )
        steps, index = spikes.steps, spikes.indices
        n_steps = spikes.n_steps
    else:
        dense = np.asarray(spikes)
        if dense.ndim != 2:
            raise ValueError(
                f"raster_plot draws a (time, neurons) record; got shape {dense.shape}."
            )
        steps, index = np.nonzero(dense > 0)
        n_steps = dense.shape[0]
    if ts is None:
        raise ValueError('raster_plot needs "ts", the time of each step (`runner.mon.ts`).')
    ts = np.asarray(ts)
    if ts.shape != (n_steps,):
        raise ValueError(f"ts has shape {ts.shape}, but the record has {n_steps} steps.")
    return ts[steps], index


def raster_plot(
    ts: Any,
    sp_matrix: Any,
    ax: Any = None,
    marker: str = ".",
    markersize: float = 2,
    color: str = "k",
    xlabel: str | None = "Time (ms)",
    ylabel: str | None = "Neuron index",
    xlim: Any = None,
    ylim: Any = None,
    title: str | None = None,
    show: bool = False,
    **kwargs: Any,
) -> Any:
    """A raster of spikes: BrainPy's `bp.visualize.raster_plot`.

    Works from a `SparseSpikes` record (the runner's default for spikes) without
    building the dense array, or from a dense `(time, neurons)` array.

    **Arguments:**

    - `ts`: the time of each step (`runner.mon.ts`).
    - `sp_matrix`: the spikes (`runner.mon["E.spike"]`).
    - `ax`: the matplotlib Axes to draw on; default the current one.
    - `marker`, `markersize`, `color`, `**kwargs`: passed to `ax.plot`.
    - `xlabel`, `ylabel`, `xlim`, `ylim`, `title`: the axes' decoration.
    - `show`: call `plt.show()`.

    **Returns:** the Axes.

    ```python
    runner = eqbrain.DSRunner(net, monitors=["E.spike"])
    runner.run(100.0)
    eqbrain.plot.raster_plot(runner.mon.ts, runner.mon["E.spike"], show=True)
    ```
    """
    times, index = spike_points(ts, sp_matrix)
    plt = pyplot()
    ax = plt.gca() if ax is None else ax
    ax.plot(times, index, marker, color=color, markersize=markersize, linestyle="", **kwargs)
    return finish(ax, xlabel, ylabel, xlim, ylim, title, show)
