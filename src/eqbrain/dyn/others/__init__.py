"""Input populations, delays and leaky integrators (`bp.dyn`'s others; `bp.VarDelay`,
`bm.LengthDelay`)."""

from ._common import Integrator as Integrator, Leaky as Leaky
from ._delay import LengthDelay as LengthDelay
from ._poisson_group import PoissonGroup as PoissonGroup
from ._poisson_input import PoissonInput as PoissonInput
from ._spike_time_group import SpikeTimeGroup as SpikeTimeGroup
from ._var_delay import VarDelay as VarDelay

__all__ = [
    "Integrator",
    "Leaky",
    "LengthDelay",
    "PoissonGroup",
    "PoissonInput",
    "SpikeTimeGroup",
    "VarDelay",
]
