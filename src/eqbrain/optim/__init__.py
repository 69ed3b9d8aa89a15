"""`eqbrain.optim`: optax optimizers that update TrainVars in place, and learning-rate
schedulers whose counters are Variables (BrainPy's `brainpy.optim`)."""

from ._optimizer import (
    SGD as SGD,
    Adam as Adam,
    AdamW as AdamW,
    Momentum as Momentum,
    Optimizer as Optimizer,
    RMSProp as RMSProp,
)
from ._scheduler import (
    Constant as Constant,
    CosineAnnealingLR as CosineAnnealingLR,
    ExponentialDecay as ExponentialDecay,
    ExponentialDecayLR as ExponentialDecayLR,
    ExponentialLR as ExponentialLR,
    MultiStepLR as MultiStepLR,
    PiecewiseConstantLR as PiecewiseConstantLR,
    PolynomialDecayLR as PolynomialDecayLR,
    Scheduler as Scheduler,
    StepLR as StepLR,
    WarmupCosineLR as WarmupCosineLR,
)
