"""The models of BrainPy's low-dimensional analysis tests, shared by the
`test_analysis_*` parity files, and BrainPy's recorded answers for them.

The analysers compile once per set of derivative functions and names, so every case
builds its analyser from these few module-level functions (BrainPy's cases define theirs
inside each test); a parameter BrainPy sets through a default (`I=Iext`) is set here
with `pars_update`.
"""

from __future__ import annotations

import json
import pathlib

import jax.numpy as jnp
import matplotlib

matplotlib.use("Agg")

import eqbrain  # noqa: E402

RECORDED = json.loads(
    (pathlib.Path(__file__).parents[1] / "data" / "brainpy_analysis" / "lowdim.json").read_text()
)
BOX = {"V": [-3.0, 3.0], "w": [-1.0, 3.0]}


def _cubic(x, t, Iext=0.0):
    return x**3 - x + Iext


def _sin_cos(x, t, a=1.0, b=1.0):
    return jnp.sin(a * x) + jnp.cos(b * x)


def _dV(V, t, w, I=0.5, g=0.0):  # noqa: E741  (BrainPy's name)
    return V - V**3 / 3 - w + I + 0.0 * g


def _dw(w, t, V, a=0.7, b=0.8):
    return (V + a - b * w) / 12.5


cubic = eqbrain.odeint(_cubic)
sin_cos = eqbrain.odeint(_sin_cos)
int_V = eqbrain.odeint(_dV)
int_w = eqbrain.odeint(_dw)
FHN = [int_V, int_w]


class FitzHughNagumo(eqbrain.DynamicalSystem):
    """BrainPy's `FitzHughNagumoModel` of `bifurcation_test.py`: a `DynamicalSystem`
    holding the two integrators."""

    V: eqbrain.Variable
    w: eqbrain.Variable
    int_V: eqbrain.ODEIntegrator
    int_w: eqbrain.ODEIntegrator

    def __init__(self):
        super().__init__()
        self.V = eqbrain.Variable(jnp.zeros(1))
        self.w = eqbrain.Variable(jnp.zeros(1))
        self.int_V = int_V
        self.int_w = int_w

    def update(self, I=0.0):  # noqa: E741
        t, dt = eqbrain.share.load("t"), eqbrain.share.load("dt")
        V = self.int_V(self.V.value, t, self.w.value, I, dt=dt)
        self.w.value = self.int_w(self.w.value, t, self.V.value, dt=dt)
        self.V.value = V


# Wong and Wang's reduced decision-making model, as BrainPy's phase_plane_test.py has it.
JE, JI, IB, JAEXT, MU0, COH = 0.3725, -0.1137, 0.3297, 0.00117, 40.0, 0.5
A, B, D, TAU, GAMMA = 270.0, 108.0, 0.154, 0.06, 0.641


def _rate(current):
    return (A * current - B) / (1.0 - jnp.exp(-D * (A * current - B)))


def _ds1(s1, t, s2, gamma=GAMMA):
    r1 = _rate(JE * s1 + JI * s2 + IB + JAEXT * MU0 * (1.0 + COH))
    return -s1 / TAU + (1.0 - s1) * gamma * r1


def _ds2(s2, t, s1):
    r2 = _rate(JE * s2 + JI * s1 + IB + JAEXT * MU0 * (1.0 - COH))
    return -s2 / TAU + (1.0 - s2) * GAMMA * r2


DECISION = [eqbrain.odeint(_ds1), eqbrain.odeint(_ds2)]


def _fast_x(x, t, y, z=0.0):
    return x - x**3 / 3 - y + 0.0 * z


fast_x = eqbrain.odeint(_fast_x)


def fhn_roots(I, a=0.7, b=0.8):  # noqa: E741
    """FitzHugh-Nagumo's fixed points: `w = (V + a) / b` and the real roots of
    `V - V^3/3 - (V + a)/b + I = 0`, in increasing `V`."""
    import numpy as np

    r = np.roots([-1 / 3, 0.0, 1 - 1 / b, I - a / b])
    V = np.sort(r[np.abs(r.imag) < 1e-9].real)
    return np.stack([V, (V + a) / b], axis=1)
