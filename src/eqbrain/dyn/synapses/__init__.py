"""Synapse models with BrainPy 2.x's equations and defaults (`bp.dyn`'s synapses)."""

from ..._deprecated import moved_names as _moved_names
from ._alpha import Alpha as Alpha
from ._ampa import AMPA as AMPA, GABAa as GABAa
from ._dual_expon import DualExpon as DualExpon
from ._dual_expon_v2 import DualExponV2 as DualExponV2
from ._expon import Expon as Expon
from ._nmda import NMDA as NMDA
from ._stp import STD as STD, STP as STP

__all__ = [
    "AMPA",
    "Alpha",
    "DualExpon",
    "DualExponV2",
    "Expon",
    "GABAa",
    "NMDA",
    "STD",
    "STP",
]

__getattr__ = _moved_names(__name__, {n: f"eqbrain.dyn.{n}" for n in ("COBA", "CUBA", "MgBlock")})
