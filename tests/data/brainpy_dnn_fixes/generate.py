"""Record what BrainPy 2.8 computes in the cases of `brainpy/dnn/dnn_toolbox_fixes_test.py`
that compare values, on fixed inputs.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_dnn_fixes/generate.py

It writes `fixes.npz` beside itself: the inputs (`x/...`, from NumPy's seeded
generator) and BrainPy's results (`normalization`: `GroupNorm` with 1, 3 and 6 groups
and `InstanceNorm`, none affine; `losses`: cross-entropy with class weights,
`ignore_index`, label smoothing and soft targets, `multi_margin_loss`, `ctc_loss`;
`optim`: the weights after one and two updates (`/1`, `/2`) of each optimizer, with and
without weight decay; `schedules`: the learning rates of the schedulers at every third
step up to 27), and `brainpy_version`.
`tests/brainpy_parity/test_dnn_fixes.py` checks eqbrain against them.
"""

from __future__ import annotations

import pathlib

import brainpy as bp
import brainpy.math as bm
import jax.numpy as jnp
import numpy as np
from brainpy.losses import comparison as C
from brainpy.optim import optimizer as O, scheduler as S

OUT = pathlib.Path(__file__).with_name("fixes.npz")
rng = np.random.default_rng(0)
data: dict[str, np.ndarray] = {"brainpy_version": np.asarray(bp.__version__)}


def put(key: str, value) -> None:
    data[key] = np.asarray(bm.as_jax(value))


def draw(key: str, *shape: int, scale: float = 1.0, loc: float = 0.0) -> jnp.ndarray:
    x = (loc + scale * rng.normal(size=shape)).astype(np.float32)
    data[f"x/{key}"] = x
    return jnp.asarray(x)


# -- normalization (none affine: nothing drawn) -------------------------------------------
x = draw("groupnorm", 4, 6, scale=3.0, loc=5.0)
for groups in (1, 3, 6):
    put(f"normalization/GroupNorm{groups}", bp.dnn.GroupNorm(groups, 6, affine=False)(x))
x = draw("instancenorm", 4, 8, 6, scale=3.0, loc=2.0)
put("normalization/InstanceNorm", bp.dnn.InstanceNorm(6, affine=False)(x))

# -- losses -------------------------------------------------------------------------------
logits = draw("logits", 4, 3)
tgt = jnp.array([0, 1, 2, 0])
put("losses/ce_none", C.cross_entropy_loss(logits, tgt, reduction="none"))
put("losses/ce_weight", C.cross_entropy_loss(logits, tgt, weight=[10.0, 20.0, 1.0]))
put("losses/ce_ignore", C.cross_entropy_loss(logits, jnp.array([0, 1, -100, 2])))
put("losses/ce_smooth", C.cross_entropy_loss(logits, tgt, label_smoothing=0.1))
soft = bm.one_hot(tgt, 3)
put("losses/ce_soft_weight", C.cross_entropy_loss(logits, soft, weight=[1.0, 2.0, 3.0]))
put("losses/ce_soft_smooth", C.cross_entropy_loss(logits, soft, label_smoothing=0.1))
put("losses/mm_p1", C.multi_margin_loss(logits, tgt, reduction="none"))
put("losses/mm_p2", C.multi_margin_loss(logits, tgt, p=2))
ctc_logits = draw("ctc_logits", 2, 5, 4)
labels = jnp.array([[1, 2, 1], [2, 1, 2]])
put("losses/ctc", C.ctc_loss(ctc_logits, jnp.zeros((2, 5)), labels, jnp.zeros((2, 3))))

# -- optimizers: two updates from w = [[1, 2, 3], [4, 5, 6]] ------------------------------
OPTIMIZERS = ("SGD", "Momentum", "MomentumNesterov", "Adagrad", "Adadelta", "RMSProp", "Adam")
for name in (*OPTIMIZERS, "AdamW", "LARS", "Adan", "SM3"):
    for decay in (None, 0.01):
        w = bm.Variable(jnp.arange(1.0, 7.0).reshape(2, 3))
        kw = {} if decay is None else {"weight_decay": decay}
        opt = getattr(O, name)(lr=0.01, train_vars={"w": w}, **kw)
        key = f"optim/{name}" + ("" if decay is None else "_decay")
        opt.update({"w": bm.ones((2, 3)) * 0.1})
        put(f"{key}/1", w.value)
        opt.update({"w": bm.ones((2, 3)) * 0.2})
        put(f"{key}/2", w.value)

# -- schedulers ---------------------------------------------------------------------------
STEPS = np.arange(0, 30, 3)
data["schedules/steps"] = STEPS
for key, sch in {
    "MultiStepLR": bp.optim.MultiStepLR(0.1, [10, 20], gamma=0.1),
    "StepLR": S.StepLR(0.1, step_size=10, gamma=0.1),
    "ExponentialLR": S.ExponentialLR(0.1, gamma=0.9),
    "CosineAnnealingLR": S.CosineAnnealingLR(0.1, T_max=10, eta_min=0.0),
    "CosineAnnealingWarmRestarts": S.CosineAnnealingWarmRestarts(0.1, 2, T_0=4),
    "ExponentialDecayLR": S.ExponentialDecayLR(0.1, decay_steps=10, decay_rate=0.9),
    "InverseTimeDecayLR": S.InverseTimeDecayLR(0.1, decay_steps=10, decay_rate=0.9),
    "InverseTimeDecayLR_staircase": S.InverseTimeDecayLR(0.1, 10, 0.9, staircase=True),
    "PolynomialDecayLR": S.PolynomialDecayLR(0.1, decay_steps=10, final_lr=0.01),
    "PiecewiseConstantLR": S.PiecewiseConstantLR([10, 20], [0.1, 0.01, 0.001]),
}.items():
    data[f"schedules/{key}"] = np.asarray([float(sch(int(i))) for i in STEPS], np.float32)

np.savez_compressed(OUT, **data)
print(f"wrote {OUT} ({len(data)} arrays)")
