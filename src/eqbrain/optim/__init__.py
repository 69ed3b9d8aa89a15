"""`eqbrain.optim`: BrainPy's optimizers and learning-rate schedulers on optax.

Each optimizer is one optax transformation that updates the model's Variables in place;
its optax state, and each scheduler's base rate and counters, live in Variables, so they
are saved, loaded and jitted with the model (`brainpy.optim`).
"""

from ._clip import clip_by_norm as clip_by_norm
from ._optimizer import Optimizer as Optimizer
from ._optimizers import (
    LARS as LARS,
    SGD as SGD,
    SM3 as SM3,
    Adadelta as Adadelta,
    Adagrad as Adagrad,
    Adam as Adam,
    AdamW as AdamW,
    Adan as Adan,
    Momentum as Momentum,
    MomentumNesterov as MomentumNesterov,
    RMSProp as RMSProp,
)
from ._scheduler import (
    Constant as Constant,
    Scheduler as Scheduler,
    as_scheduler as as_scheduler,
)
from ._schedulers import (
    CosineAnnealingLR as CosineAnnealingLR,
    CosineAnnealingWarmRestarts as CosineAnnealingWarmRestarts,
    ExponentialDecay as ExponentialDecay,
    ExponentialDecayLR as ExponentialDecayLR,
    ExponentialLR as ExponentialLR,
    InverseTimeDecay as InverseTimeDecay,
    InverseTimeDecayLR as InverseTimeDecayLR,
    MultiStepLR as MultiStepLR,
    PiecewiseConstant as PiecewiseConstant,
    PiecewiseConstantLR as PiecewiseConstantLR,
    PolynomialDecay as PolynomialDecay,
    PolynomialDecayLR as PolynomialDecayLR,
    StepLR as StepLR,
    WarmupCosineLR as WarmupCosineLR,
)

make_schedule = as_scheduler  # BrainPy's name

__all__ = [
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adan",
    "Constant",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ExponentialDecay",
    "ExponentialDecayLR",
    "ExponentialLR",
    "InverseTimeDecay",
    "InverseTimeDecayLR",
    "LARS",
    "Momentum",
    "MomentumNesterov",
    "MultiStepLR",
    "Optimizer",
    "PiecewiseConstant",
    "PiecewiseConstantLR",
    "PolynomialDecay",
    "PolynomialDecayLR",
    "RMSProp",
    "SGD",
    "SM3",
    "Scheduler",
    "StepLR",
    "WarmupCosineLR",
    "as_scheduler",
    "clip_by_norm",
    "make_schedule",
]
