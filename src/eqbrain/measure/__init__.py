"""`eqbrain.measure`: BrainPy's measures of simulated activity (`bp.measure`).

```python
rate = eqbrain.measure.firing_rate(mon["spike"], width=5.0)
index, t = eqbrain.measure.raster_plot(mon["spike"], mon["ts"])
cc = eqbrain.measure.cross_correlation(mon["spike"], bin=10.0)
```
"""

from ._correlation import (
    cross_correlation as cross_correlation,
    functional_connectivity as functional_connectivity,
    matrix_correlation as matrix_correlation,
    voltage_fluctuation as voltage_fluctuation,
    weighted_correlation as weighted_correlation,
)
from ._firings import firing_rate as firing_rate, raster_plot as raster_plot
from ._lfp import unitary_LFP as unitary_LFP

__all__ = [
    "cross_correlation",
    "firing_rate",
    "functional_connectivity",
    "matrix_correlation",
    "raster_plot",
    "unitary_LFP",
    "voltage_fluctuation",
    "weighted_correlation",
]
