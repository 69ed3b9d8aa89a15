"""`get_figure`: a figure and a grid of panels, as BrainPy's `bp.visualize.get_figure`."""

from __future__ import annotations

from typing import Any

from ._matplotlib import pyplot


def _check(name: str, value: Any, whole: bool) -> None:
    ok = isinstance(value, int) if whole else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or not value > 0:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"{name} must be {kind} > 0, got {value!r}.")


def get_figure(
    row_num: int, col_num: int, row_len: float = 3.0, col_len: float = 6.0, name: Any = None
) -> tuple[Any, Any]:
    """A matplotlib figure of `row_num` by `col_num` panels and its `GridSpec`.

    Each panel is `col_len` inches wide and `row_len` high (BrainPy's defaults);
    `name` is the figure's number or label (`plt.figure(name)`).

    ```python
    fig, gs = eqbrain.plot.get_figure(2, 1, 3, 8)
    ax = fig.add_subplot(gs[0, 0])
    eqbrain.plot.line_plot(out.ts, out["V"], ax=ax)
    ```
    """
    _check("row_num", row_num, whole=True)
    _check("col_num", col_num, whole=True)
    _check("row_len", row_len, whole=False)
    _check("col_len", col_len, whole=False)
    plt = pyplot()
    fig = plt.figure(name, figsize=(col_num * col_len, row_num * row_len), constrained_layout=True)
    gs = fig.add_gridspec(row_num, col_num)
    return fig, gs
