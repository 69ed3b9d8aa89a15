"""Rate and recurrent units with BrainPy 2.x's equations, parameters and initial values
(`bp.dyn`'s rates): the rate populations and their delayed couplings, the recurrent
cells `RNNCell`, `GRUCell`, `LSTMCell` and the convolutional `Conv1dLSTMCell`,
`Conv2dLSTMCell`, `Conv3dLSTMCell`, the feature map `NVAR` and the echo-state
`Reservoir`."""

from ._convlstm import (
    Conv1dLSTMCell as Conv1dLSTMCell,
    Conv2dLSTMCell as Conv2dLSTMCell,
    Conv3dLSTMCell as Conv3dLSTMCell,
)
from ._couplings import (
    AdditiveCoupling as AdditiveCoupling,
    DelayCoupling as DelayCoupling,
    DiffusiveCoupling as DiffusiveCoupling,
)
from ._fhn import FHN as FHN, FeedbackFHN as FeedbackFHN
from ._jansen_rit import JansenRitModel as JansenRitModel
from ._nvar import NVAR as NVAR
from ._qif import QIF as QIF
from ._reservoir import Reservoir as Reservoir
from ._rnncells import (
    GRUCell as GRUCell,
    LSTMCell as LSTMCell,
    RNNCell as RNNCell,
)
from ._stuart_landau import StuartLandauOscillator as StuartLandauOscillator
from ._threshold_linear import ThresholdLinearModel as ThresholdLinearModel
from ._wilson_cowan import WilsonCowanModel as WilsonCowanModel

__all__ = [
    "AdditiveCoupling",
    "Conv1dLSTMCell",
    "Conv2dLSTMCell",
    "Conv3dLSTMCell",
    "DelayCoupling",
    "DiffusiveCoupling",
    "FHN",
    "FeedbackFHN",
    "GRUCell",
    "JansenRitModel",
    "LSTMCell",
    "NVAR",
    "QIF",
    "RNNCell",
    "Reservoir",
    "StuartLandauOscillator",
    "ThresholdLinearModel",
    "WilsonCowanModel",
]
