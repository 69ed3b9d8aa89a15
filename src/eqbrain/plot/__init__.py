"""Plots of recorded runs: BrainPy's `bp.visualize` (needs matplotlib: `eqbrain[plot]`).

`eqbrain.visualize.raster_plot(...)` is BrainPy's `bp.visualize.raster_plot(...)`; the
same functions are also in `eqbrain`'s namespace.
"""

from ._animate import animate_1D as animate_1D, animate_2D as animate_2D
from ._figure import get_figure as get_figure
from ._line import line_plot as line_plot
from ._raster import raster_plot as raster_plot

__all__ = [
    "animate_1D",
    "animate_2D",
    "get_figure",
    "line_plot",
    "raster_plot",
]
