"""`line_plot`: traces of a recorded value over time."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._matplotlib import finish, pyplot


def line_plot(
    ts: Any,
    val_matrix: Any,
    plot_ids: Any = None,
    ax: Any = None,
    xlim: Any = None,
    ylim: Any = None,
    xlabel: str | None = "Time (ms)",
    ylabel: str | None = None,
    legend: str | None = None,
    title: str | None = None,
    show: bool = False,
    **kwargs: Any,
) -> Any:
    """Traces of chosen elements of a record over time: BrainPy's `bp.visualize.line_plot`.

    **Arguments:**

    - `ts`: the time of each step (`runner.mon.ts`).
    - `val_matrix`: the record, time first (`runner.mon["V"]`); the other axes are
      flattened.
    - `plot_ids`: which elements to draw: an int or a list of ints; default `[0]`.
    - `ax`: the matplotlib Axes; default the current one.
    - `legend`: a label prefix (`"V"` labels the traces `V-0`, `V-3`, ...; one trace is
      labelled `V`).
    - `xlim`, `ylim`, `xlabel`, `ylabel`, `title`, `show`, `**kwargs` (to `ax.plot`).

    **Returns:** the Axes.

    ```python
    eqbrain.plot.line_plot(runner.mon.ts, runner.mon.V, plot_ids=[0, 1], legend="V", show=True)
    ```
    """
    if plot_ids is None:
        plot_ids = [0]
    elif isinstance(plot_ids, int | np.integer):
        plot_ids = [int(plot_ids)]
    if not (
        isinstance(plot_ids, list | tuple)
        or (isinstance(plot_ids, np.ndarray) and plot_ids.ndim == 1)
    ):
        raise TypeError(
            f'"plot_ids" picks the elements to draw: an int or a list of ints, got '
            f"{type(plot_ids).__name__}."
        )
    values = np.asarray(val_matrix)
    ts = np.asarray(ts)
    if values.ndim == 0 or values.shape[0] != ts.shape[0]:
        raise ValueError(
            f"val_matrix must be time first with {ts.shape[0]} steps (as ts); got shape "
            f"{values.shape}."
        )
    values = values.reshape(values.shape[0], -1)
    bad = [i for i in plot_ids if not -values.shape[1] <= int(i) < values.shape[1]]
    if bad:
        raise IndexError(f"plot_ids {bad} out of range for {values.shape[1]} elements.")
    plt = pyplot()
    ax = plt.gca() if ax is None else ax
    for i in plot_ids:
        label = None if not legend else legend if len(plot_ids) == 1 else f"{legend}-{i}"
        ax.plot(ts, values[:, int(i)], label=label, **kwargs)
    if legend:
        ax.legend()
    return finish(ax, xlabel, ylabel, xlim, ylim, title, show)
