"""The FitzHugh-Nagumo model's phase plane, and its bifurcation over the input current.

    dV/dt = V - V^3 / 3 - w + Iext
    dw/dt = (V + a - b w) / tau              a = 0.7, b = 0.8, tau = 12.5

BrainPy's `examples/dynamics_analysis/2d_fitzhugh_nagumo_model.py` with
`eqbrain.analysis`: the model is a `DynamicalSystem` holding one integrator per
variable, as a BrainPy user writes it. At `Iext = 1` the one fixed point is unstable and
every path winds onto a limit cycle; over `Iext` the fixed point loses its stability at
two Hopf points, between which the model oscillates.

    pip install ".[analysis]" && python examples/phase_plane_fhn.py

prints the fixed points and saves `fhn_phase_plane.png` and `fhn_bifurcation.png`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import jax.numpy as jnp
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import eqbrain  # noqa: E402

TAU = 12.5


def dV(V, t, w, Iext=0.0):
    return V - V * V * V / 3 - w + Iext


def dw(w, t, V, a=0.7, b=0.8):
    return (V + a - b * w) / TAU


class FitzHughNagumo(eqbrain.DynamicalSystem):
    """One FitzHugh-Nagumo oscillator, stepped by its two integrators."""

    V: eqbrain.Variable
    w: eqbrain.Variable
    int_V: eqbrain.ODEIntegrator
    int_w: eqbrain.ODEIntegrator

    def __init__(self, method: str = "rk4"):
        super().__init__()
        self.V = eqbrain.Variable(jnp.zeros(1))
        self.w = eqbrain.Variable(jnp.zeros(1))
        self.int_V = eqbrain.odeint(dV, method=method)
        self.int_w = eqbrain.odeint(dw, method=method)

    def update(self, Iext=0.0):
        t, dt = eqbrain.share.load("t"), eqbrain.share.load("dt")
        V = self.int_V(self.V.value, t, self.w.value, Iext, dt=dt)
        self.w.value = self.int_w(self.w.value, t, self.V.value, dt=dt)
        self.V.value = V


TARGETS = {"V": [-3.0, 3.0], "w": [-1.0, 3.0]}


def phase_plane(model, Iext=1.0, resolution=0.01, png=None):
    """The phase plane at `Iext`: vector field, nullclines, fixed points, a trajectory
    and the limit cycle. Returns the analyser and the fixed points."""
    pp = eqbrain.analysis.PhasePlane2D(
        model, target_vars=TARGETS, pars_update={"Iext": Iext}, resolutions=resolution
    )
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    pp.plot_vector_field(ax=ax)
    pp.plot_nullcline(ax=ax)
    points = pp.plot_fixed_point(ax=ax, with_return=True)
    pp.plot_trajectory({"V": [-2.5], "w": [2.5]}, duration=60.0, dt=0.05, ax=ax, color="gray")
    pp.plot_limit_cycle_by_sim({"V": [-2.5], "w": [2.5]}, duration=200.0, dt=0.05, ax=ax)
    ax.set_title(f"FitzHugh-Nagumo, Iext = {Iext}")
    if png is not None:
        fig.savefig(png, dpi=80, bbox_inches="tight")
    plt.close(fig)
    return pp, points


def bifurcation(model, step=0.01, png=None):
    """Fixed points over `Iext` in [-0.5, 2] with their stability, and the limit cycles'
    extremes. Returns the fixed points, their `Iext` and Jacobians."""
    bif = eqbrain.analysis.Bifurcation2D(
        model,
        target_pars={"Iext": [-0.5, 2.0]},
        target_vars=TARGETS,
        resolutions={"Iext": step},
    )
    points, pars, jacobians = bif.plot_bifurcation(with_return=True)
    bif.plot_limit_cycle_by_sim(duration=200.0, dt=0.05)
    fig = plt.figure("V")
    fig.axes[0].set_title("FitzHugh-Nagumo: V at the fixed points and on the limit cycle")
    if png is not None:
        fig.set_size_inches(6.4, 4.6)
        fig.savefig(png, dpi=80, bbox_inches="tight")
    plt.close("all")
    return points, pars, jacobians


def main(out=".", resolution=0.01, step=0.01):
    model = FitzHughNagumo()
    out = Path(out)
    _, points = phase_plane(model, resolution=resolution, png=out / "fhn_phase_plane.png")
    points, pars, _ = bifurcation(model, step=step, png=out / "fhn_bifurcation.png")
    print(f"{len(points)} fixed points over Iext in [{pars.min():.2f}, {pars.max():.2f}]")
    return points, pars


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", default=".", help="where to save the figures")
    args = parser.parse_args()
    main(args.out)
