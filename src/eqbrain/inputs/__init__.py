"""Input currents as time-first arrays (BrainPy's `bp.inputs`).

```python
I = eqbrain.inputs.section_input(values=[0.0, 20.0, 0.0], durations=[10.0, 50.0, 10.0])
```

Input populations (`PoissonInput`, `SpikeTimeGroup`, `PoissonGroup`) are models:
they live in `eqbrain.dyn`.
"""

from .._deprecated import moved_names as _moved_names
from ._currents import (
    constant_input as constant_input,
    ramp_current as ramp_current,
    ramp_input as ramp_input,
    section_input as section_input,
    spike_current as spike_current,
    spike_input as spike_input,
)
from ._noise import ou_process as ou_process, wiener_process as wiener_process
from ._waveforms import sinusoidal_input as sinusoidal_input, square_input as square_input

__all__ = [
    "constant_input",
    "ou_process",
    "ramp_current",
    "ramp_input",
    "section_input",
    "sinusoidal_input",
    "spike_current",
    "spike_input",
    "square_input",
    "wiener_process",
]

__getattr__ = _moved_names(
    __name__,
    {
        "PoissonInput": "eqbrain.dyn.PoissonInput",
        "SpikeTimeGroup": "eqbrain.dyn.SpikeTimeGroup",
    },
)
