"""matplotlib for the analysers: the lazy import, the axes, a style per kind of point."""

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
}


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


def point_style(kind: str, size: float = 8.0) -> dict[str, Any]:
    """How a fixed point of this kind is drawn (`ax.plot` keywords, no line)."""
    color = _COLORS[kind]
    stable = kind in S.STABLE_TYPES
    return dict(
        color=color,
        marker="o",
        markersize=size,
        linestyle="None",
        markerfacecolor=color if stable else "white",
        markeredgewidth=1.5,
    )


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
