"""The optional matplotlib import, with a message that says how to install it."""

from __future__ import annotations

from typing import Any

_MISSING_MSG = """\
eqbrain's plots need matplotlib, an optional dependency: `pip install "eqbrain[plot]"` \
(or `pip install matplotlib`)."""


def pyplot() -> Any:
    """`matplotlib.pyplot`, or an ImportError saying how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - matplotlib is in the test extra
        raise ImportError(_MISSING_MSG) from e
    return plt


def finish(ax: Any, xlabel: Any, ylabel: Any, xlim: Any, ylim: Any, title: Any, show: bool):
    """Labels, limits, title on `ax`; `plt.show()` if asked."""
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if xlim is not None:
        ax.set_xlim(xlim[0], xlim[1])
    if ylim is not None:
        ax.set_ylim(ylim[0], ylim[1])
    if title:
        ax.set_title(title)
    if show:
        pyplot().show()
    return ax
