"""`eqbrain.surrogate`: spike functions with surrogate gradients (BrainPy's `bm.surrogate`).

Each class is an Equinox module whose call is the Heaviside step (`x >= 0`) and whose
gradient is the surrogate's; the lower-case functions call a fresh instance.

```python
spike = eqbrain.surrogate.Sigmoid(alpha=4.0)
s = spike(v - v_th)                                   # 0.0 / 1.0
g = jax.grad(lambda v: spike(v - 1.0).sum())(v)       # 4 s (1 - s), s = sigmoid(4 (v - 1))
```
"""

from ._grad_only import (
    GaussianGrad as GaussianGrad,
    InvSquareGrad as InvSquareGrad,
    MultiGaussianGrad as MultiGaussianGrad,
    ReluGrad as ReluGrad,
    SlayerGrad as SlayerGrad,
    gaussian_grad as gaussian_grad,
    inv_square_grad as inv_square_grad,
    multi_gaussian_grad as multi_gaussian_grad,
    relu_grad as relu_grad,
    slayer_grad as slayer_grad,
)
from ._piecewise import (
    LeakyRelu as LeakyRelu,
    LogTailedRelu as LogTailedRelu,
    PiecewiseExp as PiecewiseExp,
    PiecewiseLeakyRelu as PiecewiseLeakyRelu,
    PiecewiseQuadratic as PiecewiseQuadratic,
    leaky_relu as leaky_relu,
    log_tailed_relu as log_tailed_relu,
    piecewise_exp as piecewise_exp,
    piecewise_leaky_relu as piecewise_leaky_relu,
    piecewise_quadratic as piecewise_quadratic,
)
from ._smooth import (
    ERF as ERF,
    S2NN as S2NN,
    Arctan as Arctan,
    NonzeroSignLog as NonzeroSignLog,
    QPseudoSpike as QPseudoSpike,
    Sigmoid as Sigmoid,
    SoftSign as SoftSign,
    SquarewaveFourierSeries as SquarewaveFourierSeries,
    arctan as arctan,
    erf as erf,
    nonzero_sign_log as nonzero_sign_log,
    q_pseudo_spike as q_pseudo_spike,
    s2nn as s2nn,
    sigmoid as sigmoid,
    soft_sign as soft_sign,
    squarewave_fourier_series as squarewave_fourier_series,
)
from ._surrogate import Surrogate as Surrogate

__all__ = [
    "Arctan",
    "ERF",
    "GaussianGrad",
    "InvSquareGrad",
    "LeakyRelu",
    "LogTailedRelu",
    "MultiGaussianGrad",
    "NonzeroSignLog",
    "PiecewiseExp",
    "PiecewiseLeakyRelu",
    "PiecewiseQuadratic",
    "QPseudoSpike",
    "ReluGrad",
    "S2NN",
    "Sigmoid",
    "SlayerGrad",
    "SoftSign",
    "SquarewaveFourierSeries",
    "Surrogate",
    "arctan",
    "erf",
    "gaussian_grad",
    "inv_square_grad",
    "leaky_relu",
    "log_tailed_relu",
    "multi_gaussian_grad",
    "nonzero_sign_log",
    "piecewise_exp",
    "piecewise_leaky_relu",
    "piecewise_quadratic",
    "q_pseudo_spike",
    "relu_grad",
    "s2nn",
    "sigmoid",
    "slayer_grad",
    "soft_sign",
    "squarewave_fourier_series",
]
