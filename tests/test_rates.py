"""Rate models and delayed couplings against BrainPy 2.x trajectories, and their own
behaviour.

The trajectories come from `tests/data/brainpy_rates/generate.py` (BrainPy 2.8,
`DSRunner`, dt = 0.1 ms, float32, noise off). As in `test_neurons.py`, a variable may
differ from BrainPy's by `rtol=1e-5` plus 4x the rounding error the same trajectory
shows in BrainPy itself between float32 and float64 (`<case>/roundoff/<var>`).
"""

from __future__ import annotations

import pathlib
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain.dyn import AdditiveCoupling, DiffusiveCoupling

DATA = np.load(pathlib.Path(__file__).parent / "data" / "brainpy_rates" / "rates.npz")
DT = 0.1


def case(name: str) -> dict[str, np.ndarray]:
    """Every array of one case, keyed without the case's prefix."""
    return {k[len(name) + 1 :]: DATA[k] for k in DATA.files if k.startswith(name + "/")}


def assert_matches(name: str, out: dict, c: dict) -> None:
    for var in [k for k in c if "/" not in k and not k.startswith("in")]:
        ours, theirs = np.asarray(out[var]), c[var]
        assert ours.shape == theirs.shape, (name, var)
        atol = 4 * float(c[f"roundoff/{var}"])
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=atol, err_msg=f"{name}.{var}")


def xy(c: dict) -> dict[str, Any]:
    return dict(x_initializer=jnp.asarray(c["arg/x0"]), y_initializer=jnp.asarray(c["arg/y0"]))


MODELS = {
    "FeedbackFHN": lambda c: eqbrain.dyn.FeedbackFHN(3, delay=2.0, **xy(c)),
    "QIF": lambda c: eqbrain.dyn.QIF(3, tau=5.0, **xy(c)),
    "StuartLandauOscillator": lambda c: eqbrain.dyn.StuartLandauOscillator(
        3, a=jnp.asarray([-0.1, 0.25, 1.0]), **xy(c)
    ),
    "WilsonCowanModel": lambda c: eqbrain.dyn.WilsonCowanModel(3, **xy(c)),
    "ThresholdLinearModel": lambda c: eqbrain.dyn.ThresholdLinearModel(
        3,
        tau_e=2.0,
        tau_i=1.0,
        e_initializer=jnp.asarray(c["arg/e0"]),
        i_initializer=jnp.asarray(c["arg/i0"]),
    ),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_rate_model_matches_brainpy(name):
    c = case(name)
    model = MODELS[name](c)
    monitors = ["e", "i"] if name == "ThresholdLinearModel" else ["x", "y"]
    inputs = (jnp.asarray(c["in0"]), jnp.asarray(c["in1"]))
    out = eqbrain.run(model, inputs=inputs, monitors=monitors, dt=DT, progress_bar=False)
    assert_matches(name, out, c)


class Coupled(eqbrain.Network):
    """Four FHN units and a coupling into their `input`, the coupling first (BrainPy
    updates projections before populations)."""

    coupling: DiffusiveCoupling | AdditiveCoupling
    fhn: eqbrain.dyn.FHN

    def __init__(self, c: dict, kind: str, **kw: Any):
        super().__init__()
        fhn = eqbrain.dyn.FHN(4, **xy(c))
        cmat = jnp.asarray(c["arg/conn_mat"])
        if kind == "diffusive":
            self.coupling = DiffusiveCoupling(fhn.x, fhn.x, fhn.input, conn_mat=cmat, **kw)
        else:
            self.coupling = AdditiveCoupling(fhn.x, fhn.input, conn_mat=cmat, **kw)
        self.fhn = fhn


def delays(c: dict) -> dict[str, Any]:
    return dict(delay_steps=c["arg/delay_steps"], initial_delay_data=0.02)


COUPLINGS = {
    "Diffusive": ("diffusive", lambda c: {}),
    "Diffusive_int": ("diffusive", lambda c: dict(delay_steps=3, initial_delay_data=0.02)),
    "Diffusive_array": ("diffusive", delays),
    "Additive": ("additive", lambda c: {}),
    "Additive_array": ("additive", delays),
}


@pytest.mark.parametrize("name", sorted(COUPLINGS))
def test_coupled_network_matches_brainpy(name):
    c = case(name)
    kind, kw = COUPLINGS[name]
    net = Coupled(c, kind, **kw(c))
    runner = eqbrain.DSRunner(
        net, inputs=[("fhn.input", 0.8)], monitors=["fhn.x", "fhn.y"], dt=DT, progress_bar=False
    )
    runner.run(len(c["fhn.x"]) * DT)
    assert_matches(name, runner.mon, c)
