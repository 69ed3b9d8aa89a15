"""Record BrainPy 2.x trajectories of the rate models and the delayed couplings.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_rates/generate.py

It writes `rates.npz` beside itself, laid out as `../brainpy_trajectories/` lays out
its cases: `<case>/in0`, `<case>/in1` (the `update` arguments of each step),
`<case>/<var>` (each monitored Variable, `(steps, ...)`, float32),
`<case>/arg/<name>` (the initial values and matrices the case was built from), and
`<case>/roundoff/<var>` (the largest difference between BrainPy's float32 run and the
same run in float64: the rounding the trajectory amplifies, which sets the tests'
tolerances). Every case runs under `DSRunner` with `dt = 0.1` ms, noise off, and
BrainPy's defaults except where the case says otherwise. The coupling cases are a
network of four `FHN` units, a coupling writing into their `input`, and a constant
runner input `('fhn.input', 0.8)`; their delays are at least 2 steps (where BrainPy's
ring buffer and eqbrain count steps alike: see docs/models.md). Deterministic: the
numbers come from NumPy's seeded generator.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from dataclasses import dataclass, field

import brainpy as bp
import brainpy.math as bm
import jax.numpy as jnp
import numpy as np

DT = 0.1
STEPS = 400
N = 3
OUT = pathlib.Path(__file__).with_name("rates.npz")

rng = np.random.default_rng(20261207)
ts = np.arange(STEPS) * DT


def drive(amplitudes, period: float = 12.5) -> np.ndarray:
    """An input per unit, modulated in time, `(STEPS, len(amplitudes))`, float32."""
    amps = np.asarray(amplitudes, np.float32)
    wave = 1.0 + 0.5 * np.sin(2 * np.pi * ts / period)[:, None]
    return (amps[None, :] * wave).astype(np.float32)


def start(n: int, low: float, high: float) -> np.ndarray:
    return rng.uniform(low, high, n).astype(np.float32)


@dataclass
class Case:
    name: str
    build: Callable  # (args) -> (the model run, its monitors' prefix)
    monitors: list[str]
    inputs: list[np.ndarray] = field(default_factory=list)
    args: dict = field(default_factory=dict)
    runner: dict = field(default_factory=dict)


def xy(cls, **kw) -> Callable:
    """A builder of an `N`-unit model starting at the case's `x0`, `y0`."""

    def build(args):
        return cls(
            N, x_initializer=jnp.asarray(args["x0"]), y_initializer=jnp.asarray(args["y0"]), **kw
        )

    return build


CASES: list[Case] = [
    Case(
        "FeedbackFHN",
        xy(bp.dyn.FeedbackFHN, delay=2.0),
        ["x", "y"],
        [drive([0.2, 0.5, 0.9]), drive([0.0, 0.05, 0.1])],
        dict(x0=start(N, -1.0, 1.0), y0=start(N, -0.5, 0.5)),
    ),
    Case(
        "QIF",
        xy(bp.dyn.QIF, tau=5.0),
        ["x", "y"],
        [drive([0.0, 2.0, 4.0]), drive([0.0, 0.01, 0.02])],
        dict(x0=start(N, -1.0, 0.0), y0=start(N, 0.0, 0.2)),
    ),
    Case(
        "StuartLandauOscillator",
        xy(bp.dyn.StuartLandauOscillator, a=jnp.asarray([-0.1, 0.25, 1.0])),
        ["x", "y"],
        [drive([0.0, 0.05, 0.1]), drive([0.02, 0.0, -0.05])],
        dict(x0=start(N, 0.0, 0.5), y0=start(N, 0.0, 0.5)),
    ),
    Case(
        "WilsonCowanModel",
        xy(bp.dyn.WilsonCowanModel),
        ["x", "y"],
        [drive([0.5, 1.5, 3.0]), drive([0.0, 0.5, 1.0])],
        dict(x0=start(N, 0.0, 0.3), y0=start(N, 0.0, 0.3)),
    ),
    Case(
        "ThresholdLinearModel",
        lambda args: bp.dyn.ThresholdLinearModel(
            N,
            tau_e=2.0,
            tau_i=1.0,
            e_initializer=jnp.asarray(args["e0"]),
            i_initializer=jnp.asarray(args["i0"]),
        ),
        ["e", "i"],
        [drive([-1.0, 5.0, 20.0]), drive([2.0, -1.0, 10.0], period=5.0)],
        dict(e0=start(N, 0.0, 1.0), i0=start(N, 0.0, 1.0)),
    ),
]

# -- couplings: four FHN units -------------------------------------------------------------

M = 4
CMAT = (rng.uniform(0.0, 0.3, (M, M)) * (1 - np.eye(M))).astype(np.float32)
DMAT = rng.integers(2, 6, (M, M)).astype(np.int32)


class Net(bp.DynSysGroup):
    def __init__(self, args, kind, **kw):
        super().__init__()
        if "delay_steps" in kw and not isinstance(kw["delay_steps"], int):
            kw["delay_steps"] = jnp.asarray(kw["delay_steps"])
        self.fhn = bp.dyn.FHN(
            M,
            x_initializer=jnp.asarray(args["x0"]),
            y_initializer=jnp.asarray(args["y0"]),
            name="fhn",
        )
        if kind == "diffusive":
            self.coupling = bp.dyn.DiffusiveCoupling(self.fhn.x, self.fhn.x, self.fhn.input, **kw)
        else:
            self.coupling = bp.dyn.AdditiveCoupling(self.fhn.x, self.fhn.input, **kw)


for name, kind, extra in [
    ("Diffusive", "diffusive", {}),
    ("Diffusive_int", "diffusive", dict(delay_steps=3, initial_delay_data=0.02)),
    ("Diffusive_array", "diffusive", dict(delay_steps=DMAT, initial_delay_data=0.02)),
    ("Additive", "additive", {}),
    ("Additive_array", "additive", dict(delay_steps=DMAT, initial_delay_data=0.02)),
]:
    args = dict(x0=start(M, -0.5, 1.0), y0=start(M, 0.0, 0.5), conn_mat=CMAT, delay_steps=DMAT)
    CASES.append(
        Case(
            name,
            lambda args, kind=kind, extra=extra: Net(
                args, kind, conn_mat=jnp.asarray(args["conn_mat"]), **extra
            ),
            ["fhn.x", "fhn.y"],
            args=args,
            runner=dict(inputs=("fhn.input", 0.8)),
        )
    )


def run(case: Case, x64: bool) -> dict[str, np.ndarray]:
    dtype = jnp.float64 if x64 else jnp.float32
    bm.clear_name_cache()
    args = {k: v.astype(dtype) if v.dtype == np.float32 else v for k, v in case.args.items()}
    model = case.build(args)
    runner = bp.DSRunner(model, monitors=case.monitors, dt=DT, progress_bar=False, **case.runner)
    inputs = tuple(jnp.asarray(x, dtype) for x in case.inputs)
    if inputs:
        runner.run(inputs=inputs)
    else:
        runner.run(STEPS * DT)
    return {k: np.asarray(runner.mon[k]) for k in case.monitors}


def main() -> None:
    bm.set_dt(DT)
    data: dict[str, np.ndarray] = {"brainpy_version": np.asarray(bp.__version__)}
    for case in CASES:
        mon = run(case, x64=False)
        for k, x in enumerate(case.inputs):
            data[f"{case.name}/in{k}"] = np.asarray(x)
        data.update({f"{case.name}/arg/{k}": np.asarray(v) for k, v in case.args.items()})
        data.update({f"{case.name}/{k}": v for k, v in mon.items()})
    bm.enable_x64()
    bm.set(float_=bm.float64)
    for case in CASES:
        mon = run(case, x64=True)
        for k, v in mon.items():
            err = np.max(np.abs(v - data[f"{case.name}/{k}"].astype(np.float64)))
            data[f"{case.name}/roundoff/{k}"] = np.asarray(err)
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB, {len(data)} arrays)")


if __name__ == "__main__":
    main()
