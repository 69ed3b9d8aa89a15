"""Synapse models and synaptic outputs with BrainPy 2.x's equations and defaults."""

from .._expon import Expon as Expon
from .._synout import COBA as COBA, CUBA as CUBA
from ._alpha import Alpha as Alpha
from ._ampa import AMPA as AMPA, GABAa as GABAa
from ._dual_expon import DualExpon as DualExpon
from ._dual_expon_v2 import DualExponV2 as DualExponV2
from ._mg_block import MgBlock as MgBlock
from ._nmda import NMDA as NMDA
from ._stp import STD as STD, STP as STP
