"""`eqbrain.init`: BrainPy's initializers (`bp.init`), called as `init(shape, dtype)`.

The random ones draw from `eqbrain.random`'s default generator (seeded by
`eqbrain.random.seed`) unless given a `seed=`, and are built on
`jax.nn.initializers` where BrainPy's formula is JAX's.

```python
w = eqbrain.init.KaimingNormal()((784, 100))
V = eqbrain.init.variable_(eqbrain.init.Uniform(-70.0, -50.0), 100)
```
"""

from ._clip import Clip as Clip
from ._decay import DOGDecay as DOGDecay, GaussianDecay as GaussianDecay
from ._generic import (
    noise as noise,
    parameter as parameter,
    variable as variable,
    variable_ as variable_,
)
from ._initializer import Initializer as Initializer
from ._random import (
    DeltaOrthogonal as DeltaOrthogonal,
    Exponential as Exponential,
    Gamma as Gamma,
    KaimingNormal as KaimingNormal,
    KaimingUniform as KaimingUniform,
    LecunNormal as LecunNormal,
    LecunUniform as LecunUniform,
    Normal as Normal,
    Orthogonal as Orthogonal,
    TruncatedNormal as TruncatedNormal,
    Uniform as Uniform,
    VarianceScaling as VarianceScaling,
    XavierNormal as XavierNormal,
    XavierUniform as XavierUniform,
    calculate_gain as calculate_gain,
)
from ._regular import (
    Constant as Constant,
    Identity as Identity,
    OneInit as OneInit,
    ZeroInit as ZeroInit,
)

__all__ = [
    "Clip",
    "Constant",
    "DOGDecay",
    "DeltaOrthogonal",
    "Exponential",
    "Gamma",
    "GaussianDecay",
    "Identity",
    "Initializer",
    "KaimingNormal",
    "KaimingUniform",
    "LecunNormal",
    "LecunUniform",
    "Normal",
    "OneInit",
    "Orthogonal",
    "TruncatedNormal",
    "Uniform",
    "VarianceScaling",
    "XavierNormal",
    "XavierUniform",
    "ZeroInit",
    "calculate_gain",
    "noise",
    "parameter",
    "variable",
    "variable_",
]
