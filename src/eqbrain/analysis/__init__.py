"""Phase planes, bifurcations and slow points: BrainPy's `bp.analysis`.

```python
import eqbrain

def dV(V, t, w, Iext=0.0):
    return V - V**3 / 3 - w + Iext

def dw(w, t, V, a=0.7, b=0.8):
    return (V + a - b * w) / 12.5

pp = eqbrain.analysis.PhasePlane2D(
    [eqbrain.odeint(dV), eqbrain.odeint(dw)],
    target_vars={"V": [-3, 3], "w": [-1, 3]},
    pars_update={"Iext": 1.0},
    resolutions=0.01,
)
pp.plot_vector_field()
pp.plot_nullcline()
pp.plot_fixed_point()
pp.show_figure()
```

The root finding needs optimistix and the plots matplotlib: `pip install
"eqbrain[analysis]"`.
"""

from .._errors import AnalyzerError as AnalyzerError
from ._analyzer import LowDimAnalyzer as LowDimAnalyzer
from ._bifurcation import (
    Bifurcation1D as Bifurcation1D,
    Bifurcation2D as Bifurcation2D,
    FastSlow1D as FastSlow1D,
    FastSlow2D as FastSlow2D,
)
from ._measurement import (
    euclidean_distance as euclidean_distance,
    find_indexes_of_limit_cycle_max as find_indexes_of_limit_cycle_max,
)
from ._phase_plane import PhasePlane1D as PhasePlane1D, PhasePlane2D as PhasePlane2D
from ._pyplot import (
    plot_schema as plot_schema,
    set_markersize as set_markersize,
    set_plot_schema as set_plot_schema,
)
from ._slow_points import SlowPointFinder as SlowPointFinder
from ._stability import (
    get_1d_stability_types as get_1d_stability_types,
    get_2d_stability_types as get_2d_stability_types,
    get_3d_stability_types as get_3d_stability_types,
    stability_analysis as stability_analysis,
)

__all__ = [
    "AnalyzerError",
    "Bifurcation1D",
    "Bifurcation2D",
    "FastSlow1D",
    "FastSlow2D",
    "LowDimAnalyzer",
    "PhasePlane1D",
    "PhasePlane2D",
    "SlowPointFinder",
    "euclidean_distance",
    "find_indexes_of_limit_cycle_max",
    "get_1d_stability_types",
    "get_2d_stability_types",
    "get_3d_stability_types",
    "plot_schema",
    "set_markersize",
    "set_plot_schema",
    "stability_analysis",
]
