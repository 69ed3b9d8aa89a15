"""Ions of conductance-based neurons (BrainPy's `bp.dyn` ions): their concentration and
reversal potential, fixed or following the current, and the channels that read them."""

from ._base import Ion as Ion, MixIons as MixIons, mix_ions as mix_ions
from ._calcium import (
    CalciumDetailed as CalciumDetailed,
    CalciumDyna as CalciumDyna,
    CalciumFirstOrder as CalciumFirstOrder,
)
from ._fixed import (
    Calcium as Calcium,
    CalciumFixed as CalciumFixed,
    Potassium as Potassium,
    PotassiumFixed as PotassiumFixed,
    Sodium as Sodium,
    SodiumFixed as SodiumFixed,
)

__all__ = [
    "Calcium",
    "CalciumDetailed",
    "CalciumDyna",
    "CalciumFirstOrder",
    "CalciumFixed",
    "Ion",
    "MixIons",
    "Potassium",
    "PotassiumFixed",
    "Sodium",
    "SodiumFixed",
    "mix_ions",
]
