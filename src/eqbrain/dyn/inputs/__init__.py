"""Inputs: current waveforms (BrainPy's `bp.inputs`) and input populations.

`eqbrain.inputs.section_input(...)` is BrainPy's `bp.inputs.section_input(...)`; the
same functions and `PoissonInput`, `SpikeTimeGroup` are also in `eqbrain`'s namespace.
"""

from ._currents import (
    constant_input as constant_input,
    ramp_input as ramp_input,
    section_input as section_input,
    spike_input as spike_input,
)
from ._poisson_input import PoissonInput as PoissonInput
from ._spike_time_group import SpikeTimeGroup as SpikeTimeGroup
