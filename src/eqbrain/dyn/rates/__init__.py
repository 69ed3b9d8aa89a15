"""Rate models with BrainPy 2.x's equations, parameters and initial values (`bp.dyn`'s
rate populations, `bp.rates`)."""

from ._couplings import (
    AdditiveCoupling as AdditiveCoupling,
    DelayCoupling as DelayCoupling,
    DiffusiveCoupling as DiffusiveCoupling,
)
from ._fhn import FHN as FHN, FeedbackFHN as FeedbackFHN
from ._qif import QIF as QIF
from ._stuart_landau import StuartLandauOscillator as StuartLandauOscillator
from ._threshold_linear import ThresholdLinearModel as ThresholdLinearModel
from ._wilson_cowan import WilsonCowanModel as WilsonCowanModel

__all__ = [
    "AdditiveCoupling",
    "DelayCoupling",
    "DiffusiveCoupling",
    "FHN",
    "FeedbackFHN",
    "QIF",
    "StuartLandauOscillator",
    "ThresholdLinearModel",
    "WilsonCowanModel",
]
