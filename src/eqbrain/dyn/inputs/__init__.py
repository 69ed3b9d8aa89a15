"""Inputs: current waveforms (BrainPy's `bp.inputs`) and input populations.

`eqbrain.inputs.section_input(...)` is BrainPy's `bp.inputs.section_input(...)`; the
same functions and `PoissonInput`, `SpikeTimeGroup` are also in `eqbrain`'s namespace.
"""

from ._currents import (
    constant_input as constant_input,
    ramp_current as ramp_current,
    ramp_input as ramp_input,
    section_input as section_input,
    spike_current as spike_current,
    spike_input as spike_input,
)
from ._noise import ou_process as ou_process, wiener_process as wiener_process
from ._poisson_input import PoissonInput as PoissonInput
from ._spike_time_group import SpikeTimeGroup as SpikeTimeGroup
from ._waveforms import sinusoidal_input as sinusoidal_input, square_input as square_input
