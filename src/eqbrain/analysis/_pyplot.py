"""matplotlib for the analysers: the lazy import, the axes, and `plot_schema`, how each kind
of fixed point is drawn (BrainPy's `bp.analysis.plotstyle`)."""

from __future__ import annotations

from typing import Any

from . import _stability as S

_MISSING_MSG = """\
eqbrain.analysis draws with matplotlib, an optional dependency: \
`pip install "eqbrain[analysis]"` (or `pip install matplotlib`); pass with_plot=False \
to compute without drawing."""

# One colour per kind of fixed point; stable kinds filled, unstable ones hollow.
_COLORS = {
    S.SADDLE_NODE: "tab:blue",
    S.CENTER_MANIFOLD: "tab:brown",
    S.STABLE_POINT_1D: "tab:red",
    S.UNSTABLE_POINT_1D: "tab:olive",
    S.CENTER_2D: "tab:green",
    S.STABLE_NODE_2D: "tab:red",
    S.STABLE_FOCUS_2D: "tab:purple",
    S.STABLE_STAR_2D: "darkred",
    S.STABLE_DEGENERATE_2D: "indigo",
    S.UNSTABLE_NODE_2D: "tab:orange",
    S.UNSTABLE_FOCUS_2D: "tab:cyan",
    S.UNSTABLE_STAR_2D: "gold",
    S.UNSTABLE_DEGENERATE_2D: "tab:pink",
    S.UNSTABLE_LINE_2D: "tab:gray",
    S.UNSTABLE_SADDLE_3D: "teal",
    S.UNSTABLE_CENTER_3D: "yellowgreen",
    S.UNSTABLE_POINT_3D: "slategray",
    S.UNKNOWN_3D: "black",
}

_MARKERSIZE = 8


def _style(color: str) -> dict[str, Any]:
    return dict(
        color=color,
        marker="o",
        markersize=_MARKERSIZE,
        linestyle="None",
        markeredgewidth=1.5,
    )


plot_schema: dict[str, dict[str, Any]] = {k: _style(c) for k, c in _COLORS.items()}
"""How each kind of fixed point is drawn: `ax.plot` keywords by kind (BrainPy's
`bp.analysis.plotstyle.plot_schema`). Stable kinds are drawn filled with their
`color`, unstable ones hollow, unless an entry sets `markerfacecolor`. Change it with
`set_plot_schema` and `set_markersize`.

```python
eqbrain.analysis.plot_schema["stable focus"]["color"]     # 'tab:purple'
```
"""


def set_plot_schema(fixed_point: str, **schema: Any) -> None:
    """Update how fixed points of the kind `fixed_point` are drawn (BrainPy's
    `bp.analysis.plotstyle.set_plot_schema`): `schema` are `ax.plot` keywords.

    ```python
    eqbrain.analysis.set_plot_schema("saddle node", color="black", marker="x")
    ```
    """
    if not isinstance(fixed_point, str):
        raise TypeError(
            f"set_plot_schema: fixed_point must be the name of a kind of fixed point (a "
            f"str such as 'saddle node'), got {fixed_point!r} of type "
            f"{type(fixed_point).__name__}."
        )
    if fixed_point not in plot_schema:
        raise KeyError(
            f"set_plot_schema: fixed_point {fixed_point!r} is not a kind of fixed point; "
            f"the kinds are {sorted(plot_schema)}."
        )
    plot_schema[fixed_point].update(schema)


def set_markersize(markersize: int) -> None:
    """Draw every kind of fixed point with markers of this size in points (BrainPy's
    `bp.analysis.plotstyle.set_markersize`; codimension-1 bifurcation diagrams use half
    of it).

    ```python
    eqbrain.analysis.set_markersize(12)
    ```
    """
    if isinstance(markersize, bool) or not isinstance(markersize, int) or markersize <= 0:
        raise TypeError(
            f"set_markersize: markersize must be a positive int (points), got "
            f"{markersize!r} of type {type(markersize).__name__}."
        )
    for style in plot_schema.values():
        style["markersize"] = markersize


def pyplot() -> Any:
    """`matplotlib.pyplot`, or an ImportError saying how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - matplotlib is in the test extra
        raise ImportError(_MISSING_MSG) from e
    return plt


def axes(ax: Any = None) -> Any:
    """`ax`, or the current Axes."""
    return pyplot().gca() if ax is None else ax


def point_style(kind: str, scale: float = 1.0) -> dict[str, Any]:
    """How a fixed point of this kind is drawn: its `plot_schema` entry, filled if the
    kind is stable, the marker `scale` times its size."""
    style = dict(plot_schema[kind])
    stable = kind in S.STABLE_TYPES
    style.setdefault("markerfacecolor", style.get("color") if stable else "white")
    if "markersize" in style:
        style["markersize"] = style["markersize"] * scale
    return style


def rescale(lim: tuple[float, float], scale: float) -> tuple[float, float]:
    """`lim` widened by `scale` of its width on each side."""
    width = lim[1] - lim[0]
    return lim[0] - width * scale, lim[1] + width * scale


def finish(ax: Any, show: bool, legend: bool = True) -> None:
    """A legend without repeated labels, and `plt.show()` if asked."""
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles))
        if unique:
            ax.legend(unique.values(), unique.keys())
    if show:
        pyplot().show()
