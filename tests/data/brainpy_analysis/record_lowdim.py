"""Record BrainPy 2.8's low-dimensional analysis results that eqbrain's ports check.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_analysis/record_lowdim.py

It writes `lowdim.json` beside itself: BrainPy's answers (in float64, as BrainPy's tests
run) for the models of `brainpy/analysis/lowdim/*_test.py` and
`brainpy/analysis/stability*_test.py`, which `tests/brainpy_parity/test_analysis_lowdim.py`
and `test_analysis_stability.py` compare with eqbrain's:

- `pp1d_cubic`: the fixed points of `dx/dt = x^3 - x` on `[-2, 2]`;
- `pp2d_decision`: the fixed points of Wong and Wang's decision-making model;
- `pp2d_fhn`: the fixed points of FitzHugh-Nagumo at `I = 0.5`, from each way of
  choosing Newton's starting points (`select_candidates`);
- `bif1d`: `Bifurcation1D` of `dx/dt = sin(a x) + cos(x)` over `a`: points, parameter
  values and `df/dx`;
- `bif2d_fhn`: `Bifurcation2D` of FitzHugh-Nagumo over `Iext`: points and parameters;
- `cycles_fhn`: the limit cycles of `plot_limit_cycle_by_sim` over `Iext` in
  `[0.3, 0.8]`: the parameter values where one was found and the extremes of `V`;
- `stability`: the kind BrainPy gives each Jacobian of the stability tests.
"""

from __future__ import annotations

import json
import pathlib

import brainpy as bp
import brainpy.math as bm
import jax.numpy as jnp
import matplotlib
import numpy as np

matplotlib.use("Agg")

OUT = pathlib.Path(__file__).with_name("lowdim.json")
bm.enable_x64()


def listed(x) -> list:
    return np.asarray(x, dtype=float).tolist()


def pp1d_cubic() -> list:
    @bp.odeint
    def int_x(x, t, Iext):
        return x**3 - x + Iext

    pp = bp.analysis.PhasePlane1D(
        model=int_x, target_vars={"x": [-2, 2]}, pars_update={"Iext": 0.0}, resolutions=0.01
    )
    return listed(pp.plot_fixed_point(with_plot=False, with_return=True))


# Wong and Wang's reduced decision-making model, as brainpy's phase_plane_test.py has it.
JE, JI, IB, JAEXT, MU0, COH = 0.3725, -0.1137, 0.3297, 0.00117, 40.0, 0.5
A, B, D, TAU, GAMMA = 270.0, 108.0, 0.154, 0.06, 0.641


def rate(current):
    return (A * current - B) / (1.0 - jnp.exp(-D * (A * current - B)))


def pp2d_decision() -> list:
    @bp.odeint
    def int_s1(s1, t, s2):
        r1 = rate(JE * s1 + JI * s2 + IB + JAEXT * MU0 * (1.0 + COH))
        return -s1 / TAU + (1.0 - s1) * GAMMA * r1

    @bp.odeint
    def int_s2(s2, t, s1):
        r2 = rate(JE * s2 + JI * s1 + IB + JAEXT * MU0 * (1.0 - COH))
        return -s2 / TAU + (1.0 - s2) * GAMMA * r2

    pp = bp.analysis.PhasePlane2D(
        model=[int_s1, int_s2], target_vars={"s1": [0, 1], "s2": [0, 1]}, resolutions=0.001
    )
    pp.plot_nullcline(with_plot=False, coords=dict(s2="s2-s1"))
    return listed(pp.plot_fixed_point(with_plot=False, with_return=True))


def fhn(Iext=0.5):
    @bp.odeint
    def dV(V, t, w, I=Iext):
        return V - V**3 / 3 - w + I

    @bp.odeint
    def dw(w, t, V, a=0.7, b=0.8):
        return (V + a - b * w) / 12.5

    return [dV, dw]


def pp2d_fhn() -> dict:
    out = {}
    for how in ("fx-nullcline", "nullclines", "aux_rank"):
        pp = bp.analysis.PhasePlane2D(
            model=fhn(), target_vars={"V": [-3.0, 3.0], "w": [-1.0, 3.0]}, resolutions=0.1
        )
        pp.plot_nullcline(with_plot=False)
        fps = pp.plot_fixed_point(
            with_plot=False, select_candidates=how, num_rank=50, with_return=True
        )
        out[how] = listed(fps)
    return out


def bif1d() -> dict:
    @bp.odeint
    def int_x(x, t, a=1.0, b=1.0):
        return bm.sin(a * x) + bm.cos(b * x)

    bf = bp.analysis.Bifurcation1D(
        model=int_x,
        target_vars={"x": [-np.pi, np.pi]},
        target_pars={"a": [0.5, 1.0]},
        resolutions={"a": 0.2},
    )
    fps, pars, dfdx = bf.plot_bifurcation(with_plot=False, with_return=True)
    return {"points": listed(fps), "pars": listed(pars), "dfdx": listed(dfdx)}


def fhn_iext():
    @bp.odeint
    def dV(V, t, w, Iext):
        return V - V**3 / 3 - w + Iext

    @bp.odeint
    def dw(w, t, V):
        return (V + 0.7 - 0.8 * w) / 12.5

    return [dV, dw]


def bif2d_fhn() -> dict:
    bif = bp.analysis.Bifurcation2D(
        model=fhn_iext(),
        target_vars={"V": [-3.0, 3.0], "w": [-1.0, 3.0]},
        target_pars={"Iext": [0.0, 1.0]},
        resolutions={"Iext": 0.5},
    )
    fps, pars, jac = bif.plot_bifurcation(with_plot=False, with_return=True)
    return {"points": listed(fps), "pars": listed(pars), "jacobians": listed(jac)}


def cycles_fhn() -> dict:
    bif = bp.analysis.Bifurcation2D(
        model=fhn_iext(),
        target_vars={"V": [-3.0, 3.0], "w": [-1.0, 3.0]},
        target_pars={"Iext": [0.3, 0.8]},
        resolutions={"Iext": 0.1},
    )
    bif.plot_bifurcation(with_plot=False)
    vs, ps = bif.plot_limit_cycle_by_sim(
        duration=300.0, offset=1.0, with_plot=False, with_return=True
    )
    return {"Iext": listed(ps[0]), "V_max": listed(vs[0]["max"]), "V_min": listed(vs[0]["min"])}


def diag3(a, b, c):
    return [[a, 0.0, 0.0], [0.0, b, 0.0], [0.0, 0.0, c]]


def block3(real, alpha, omega):
    return [[real, 0.0, 0.0], [0.0, alpha, -omega], [0.0, omega, alpha]]


JACOBIANS = {
    "1d_zero": 0.0,
    "1d_pos": 2.5,
    "1d_neg": -2.5,
    "saddle": [[1.0, 0.0], [0.0, -1.0]],
    "center_manifold": [[-1.0, 0.0], [0.0, 0.0]],
    "unstable_line": [[1.0, 0.0], [0.0, 0.0]],
    "center": [[0.0, -1.0], [1.0, 0.0]],
    "unstable_focus": [[1.0, -1.0], [1.0, 1.0]],
    "unstable_node": [[3.0, 0.0], [0.0, 1.0]],
    "unstable_star": [[2.0, 0.0], [0.0, 2.0]],
    "unstable_degenerate": [[2.0, 1.0], [0.0, 2.0]],
    "stable_focus": [[-1.0, -1.0], [1.0, -1.0]],
    "stable_node": [[-3.0, 0.0], [0.0, -1.0]],
    "stable_star": [[-2.0, 0.0], [0.0, -2.0]],
    "stable_degenerate": [[-2.0, 1.0], [0.0, -2.0]],
    "stable_star_1": [[-1.0, 0.0], [0.0, -1.0]],
    "stable_degenerate_1": [[-1.0, 1.0], [0.0, -1.0]],
    "3d_stable_node": diag3(-1.0, -2.0, -3.0),
    "3d_largest_zero": diag3(-1.0, -2.0, 0.0),
    "3d_unstable_node": diag3(1.0, 2.0, 3.0),
    "3d_smallest_zero": diag3(0.0, 1.0, 2.0),
    "3d_saddle": diag3(-2.0, -1.0, 3.0),
    "3d_middle_zero": diag3(-1.0, 0.0, 2.0),
    "3d_unstable_saddle": diag3(-1.0, 1.0, 2.0),
    "3d_focus_neg_neg": block3(-1.0, -0.5, 2.0),
    "3d_focus_neg_zero": block3(-1.0, 0.0, 2.0),
    "3d_focus_neg_pos": block3(-1.0, 0.5, 2.0),
    "3d_focus_zero_neg": block3(0.0, -0.5, 2.0),
    "3d_focus_zero_pos": block3(0.0, 0.5, 2.0),
    "3d_focus_pos_neg": block3(1.0, -0.5, 2.0),
    "3d_focus_pos_zero": block3(1.0, 0.0, 2.0),
    "3d_focus_pos_pos": block3(1.0, 0.5, 2.0),
}


def stability() -> dict:
    sa = bp.analysis.stability.stability_analysis
    return {k: {"jacobian": J, "kind": sa(J)} for k, J in JACOBIANS.items()}


def main() -> None:
    out = {
        "brainpy_version": bp.__version__,
        "pp1d_cubic": pp1d_cubic(),
        "pp2d_decision": pp2d_decision(),
        "pp2d_fhn": pp2d_fhn(),
        "bif1d": bif1d(),
        "bif2d_fhn": bif2d_fhn(),
        "cycles_fhn": cycles_fhn(),
        "stability": stability(),
        "stability_types": {
            "1d": bp.analysis.stability.get_1d_stability_types(),
            "2d": bp.analysis.stability.get_2d_stability_types(),
            "3d": bp.analysis.stability.get_3d_stability_types(),
        },
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
