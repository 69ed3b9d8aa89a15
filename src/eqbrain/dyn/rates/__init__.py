"""Rate and recurrent units with BrainPy's parameters (`bp.dyn`'s rates): the recurrent
cells `RNNCell`, `GRUCell`, `LSTMCell`, the feature map `NVAR` and the echo-state
`Reservoir`."""

from ._nvar import NVAR as NVAR
from ._reservoir import Reservoir as Reservoir
from ._rnncells import (
    GRUCell as GRUCell,
    LSTMCell as LSTMCell,
    RNNCell as RNNCell,
)

__all__ = ["GRUCell", "LSTMCell", "NVAR", "RNNCell", "Reservoir"]
