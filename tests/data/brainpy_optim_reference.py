"""Compute BrainPy 2.8.2's optimizer trajectories and scheduler rates once, for
tests/brainpy_parity/test_optimizers.py and test_schedulers.py.

Run it in a separate venv that has BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install brainpy==2.8.2
    /tmp/bp/bin/python tests/data/brainpy_optim_reference.py

It writes tests/data/brainpy_optim_reference.json: the gradients it fed (float32,
from numpy's default_rng(0)), the parameters after each update, and the learning rates
each scheduler gave, driven as a BrainPy user drives them. Only BrainPy's public API
is called; the numbers are what it computes (float32, CPU).
"""

from __future__ import annotations

import json
import pathlib

import brainpy as bp
import brainpy.math as bm
import numpy as np
from brainpy.optim import optimizer as bp_optimizers  # SM3 is not in bp.optim's __all__

OUT = pathlib.Path(__file__).with_name("brainpy_optim_reference.json")
STEPS = 6
SHAPES = {"a": (3,), "b": (2, 3), "s": ()}

rng = np.random.default_rng(0)
INIT = {k: rng.normal(size=s).astype(np.float32) for k, s in SHAPES.items()}
GRADS = [
    {k: rng.normal(size=s).astype(np.float32) for k, s in SHAPES.items()} for _ in range(STEPS)
]

# name -> (BrainPy class name, keyword arguments); every case trains a, b and s.
OPTIMIZERS = {
    "sgd": ("SGD", {"lr": 0.1}),
    "sgd_wd": ("SGD", {"lr": 0.1, "weight_decay": 0.01}),
    "momentum": ("Momentum", {"lr": 0.05, "momentum": 0.9}),
    "momentum_wd": ("Momentum", {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.01}),
    "nesterov": ("MomentumNesterov", {"lr": 0.05, "momentum": 0.9}),
    "nesterov_wd": ("MomentumNesterov", {"lr": 0.05, "momentum": 0.7, "weight_decay": 0.02}),
    "adagrad": ("Adagrad", {"lr": 0.1}),
    "adagrad_wd": ("Adagrad", {"lr": 0.1, "weight_decay": 0.02, "epsilon": 1e-4}),
    "adadelta": ("Adadelta", {}),
    "adadelta_lr": ("Adadelta", {"lr": 0.5, "rho": 0.9, "weight_decay": 0.01}),
    "rmsprop": ("RMSProp", {"lr": 0.05}),
    "rmsprop_wd": ("RMSProp", {"lr": 0.05, "rho": 0.8, "epsilon": 1e-4, "weight_decay": 0.02}),
    "adam": ("Adam", {"lr": 0.05}),
    "adam_wd": ("Adam", {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "weight_decay": 0.01}),
    "adam_big_eps": ("Adam", {"lr": 0.05, "eps": 0.1}),
    "adamw": ("AdamW", {"lr": 0.05}),
    "adamw_amsgrad": ("AdamW", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.0}),
    "lars": ("LARS", {"lr": 0.1}),
    "adan": ("Adan", {"lr": 0.01}),
    "adan_no_prox": ("Adan", {"lr": 0.01, "no_prox": True}),
    "sm3": ("SM3", {"lr": 0.1}),
    "sm3_momentum": ("SM3", {"lr": 0.1, "momentum": 0.5}),
    "sm3_beta": ("SM3", {"lr": 0.1, "beta": 0.5}),
    "sm3_wd": ("SM3", {"lr": 0.1, "weight_decay": 0.02}),
}


def run_optimizer(cls_name: str, kwargs: dict) -> list[dict]:
    variables = {k: bm.Variable(bm.asarray(v)) for k, v in INIT.items()}
    opt = getattr(bp_optimizers, cls_name)(train_vars=variables, **kwargs)
    out = []
    for g in GRADS:
        opt.update({k: bm.asarray(v) for k, v in g.items()})
        out.append({k: np.asarray(bm.as_jax(v.value)).tolist() for k, v in variables.items()})
    return out


def run_scheduled() -> dict:
    """SGD driven by a call-based and Adam by an epoch-based scheduler (2 updates/epoch)."""
    out = {}
    for name, make, per_epoch in [
        ("sgd_exponential_decay", lambda: bp.optim.ExponentialDecayLR(0.1, 2, 0.5), False),
        ("adam_steplr", lambda: bp.optim.StepLR(0.05, step_size=1, gamma=0.5), True),
    ]:
        variables = {k: bm.Variable(bm.asarray(v)) for k, v in INIT.items()}
        cls = bp.optim.SGD if name.startswith("sgd") else bp.optim.Adam
        opt = cls(lr=make(), train_vars=variables)
        traj, rates = [], []
        for i, g in enumerate(GRADS):
            rates.append(float(opt.lr()))
            opt.update({k: bm.asarray(v) for k, v in g.items()})
            if per_epoch and i % 2 == 1:
                opt.lr.step_epoch()
            traj.append({k: np.asarray(bm.as_jax(v.value)).tolist() for k, v in variables.items()})
        out[name] = {"params": traj, "rates": rates}
    return out


def rates_by_epoch(sch, n: int) -> list[float]:
    out = []
    for _ in range(n):
        out.append(float(sch()))
        sch.step_epoch()
    return out


def rates_by_call(sch, n: int) -> list[float]:
    out = []
    for _ in range(n):
        out.append(float(sch()))
        sch.step_call()
    return out


def schedulers() -> dict:
    o = bp.optim
    return {
        "constant": rates_by_epoch(o.Constant(0.3), 5),
        "step": rates_by_epoch(o.StepLR(0.1, step_size=3, gamma=0.5), 12),
        "step_last_epoch_5": rates_by_epoch(o.StepLR(0.1, 3, gamma=0.5, last_epoch=5), 8),
        "step_calls_only": rates_by_call(o.StepLR(0.1, step_size=2, gamma=0.5), 6),
        "multistep": rates_by_epoch(o.MultiStepLR(1.0, [2, 5], gamma=0.1), 9),
        "multistep_repeat": rates_by_epoch(o.MultiStepLR(1.0, [2, 2, 4], gamma=0.5), 7),
        "cosine": rates_by_epoch(o.CosineAnnealingLR(0.1, T_max=4, eta_min=0.01), 13),
        "exponential": rates_by_epoch(o.ExponentialLR(0.1, gamma=0.9), 6),
        "exponential_decay": rates_by_call(o.ExponentialDecayLR(0.1, 3, 0.5), 8),
        "inverse_time": rates_by_call(o.InverseTimeDecayLR(0.1, 2, 0.5), 7),
        "inverse_time_stair": rates_by_call(o.InverseTimeDecayLR(0.1, 2, 0.5, True), 7),
        "polynomial": rates_by_call(o.PolynomialDecayLR(0.1, 5, 0.01, power=2.0), 8),
        "piecewise": rates_by_call(o.PiecewiseConstantLR([2, 4], [0.3, 0.2, 0.1]), 7),
        "piecewise_repeat": rates_by_call(o.PiecewiseConstantLR((2, 2), (2, 2, 2)), 5),
        "warm_restarts": rates_by_call(o.CosineAnnealingWarmRestarts(0.1, 3, T_0=2), 20),
        # (T_mult > 1 raises in BrainPy 2.8.2: its lax.cond branches return int and float)
    }


def main() -> None:
    data = {
        "brainpy": bp.__version__,
        "init": {k: v.tolist() for k, v in INIT.items()},
        "grads": [{k: v.tolist() for k, v in g.items()} for g in GRADS],
        "optimizers": {
            name: {"class": c, "kwargs": kw, "params": run_optimizer(c, kw)}
            for name, (c, kw) in OPTIMIZERS.items()
        },
        "scheduled": run_scheduled(),
        "schedulers": schedulers(),
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
