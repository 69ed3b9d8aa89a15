"""Parity with BrainPy 2.8's phase-plane tests: `brainpy/analysis/lowdim/phase_plane_test.py`
(2 cases) and `lowdim_phase_plane_coverage_test.py` (15).

- In scope: all 17. 16 pass; 1 is `xfail`: BrainPy's `select_candidates='fx-nullcline'`
  needs `plot_nullcline()` called first and raises otherwise, where eqbrain finds the
  nullcline points itself (`docs/migrating.md`).

BrainPy's cases check that the plots run and that something came back; each port also
checks the values: fixed points against BrainPy's (recorded in float64 by
`tests/data/brainpy_analysis/record_lowdim.py`) and the analytic roots, the shapes of
what came back, and errors that name the argument. BrainPy's cases enable x64; these run
in float32 (JAX's default), hence tolerances of `1e-4`. The grids are coarser than
BrainPy's (`0.01` for the decision-making model, BrainPy `0.001`): a fixed point is
refined by Newton's method from a grid cell, so the grid only has to separate the
points. `bp.errors.AnalyzerError` is `eqbrain.analysis.AnalyzerError` (a `ValueError`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import eqbrain
from eqbrain.analysis import AnalyzerError, PhasePlane1D, PhasePlane2D

from ._analysis_models import BOX, DECISION, FHN, RECORDED, cubic, fhn_roots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def fhn_plane(I=0.5, resolutions=0.2):  # noqa: E741
    return PhasePlane2D(FHN, target_vars=BOX, pars_update={"I": I}, resolutions=resolutions)


def kinds_of(points):
    """BrainPy's stability of each fixed point, from the analytic Jacobian."""
    return [
        eqbrain.analysis.stability_analysis([[1 - V * V, -1.0], [1 / 12.5, -0.8 / 12.5]])
        for V, _ in points
    ]


# -- phase_plane_test.py -------------------------------------------------------------------


def test_1d(capsys):
    pp = PhasePlane1D(
        cubic, target_vars={"x": [-2, 2]}, pars_update={"Iext": 0.0}, resolutions=0.01
    )
    pp.plot_vector_field()
    points = pp.plot_fixed_point(with_return=True)
    # BrainPy lists the roots on grid points twice: [-1, -1, 0, 0, 1, 1]
    np.testing.assert_allclose(points, np.unique(RECORDED["pp1d_cubic"]), atol=1e-5)
    out = capsys.readouterr().out
    assert "x=-1 is an unstable point" in out and "x=0 is a stable point" in out
    assert len(plt.gca().lines) == 2 + 3  # the field, the zero line, the three points


def test_2d_decision_making_model():
    pp = PhasePlane2D(DECISION, target_vars={"s1": [0, 1], "s2": [0, 1]}, resolutions=0.01)
    pp.plot_vector_field()
    null = pp.plot_nullcline(coords={"s2": "s2-s1"}, with_return=True)
    points = pp.plot_fixed_point(with_return=True)
    expected = np.asarray(RECORDED["pp2d_decision"])
    np.testing.assert_allclose(points, expected[np.lexsort(expected.T[::-1])], atol=1e-4)
    _, kinds = pp.find_fixed_points()
    assert kinds == ["stable node", "saddle node", "stable node"]  # BrainPy's kinds
    assert set(null) == {"s1", "s2"} and all(len(xs) > 50 for xs, _ in null.values())


# -- lowdim_phase_plane_coverage_test.py: constructor guards ------------------------------


def test_pp1d_rejects_target_pars():
    with pytest.raises(AnalyzerError, match="target_pars.*pars_update.*Bifurcation1D"):
        PhasePlane1D(
            cubic, target_vars={"x": [-2, 2]}, target_pars={"Iext": [0.0, 1.0]}, resolutions=0.1
        )


def test_pp2d_rejects_target_pars():
    with pytest.raises(AnalyzerError, match="target_pars.*Bifurcation2D"):
        PhasePlane2D(FHN, target_vars=BOX, target_pars={"I": [0.0, 1.0]}, resolutions=0.5)


# -- vector fields -------------------------------------------------------------------------


def test_pp1d_vector_field_and_fp_with_return():
    pp = PhasePlane1D(
        cubic, target_vars={"x": [-2, 2]}, pars_update={"Iext": 0.0}, resolutions=0.05
    )
    dx = pp.plot_vector_field(with_return=True)
    xs = pp.resolutions["x"]
    np.testing.assert_allclose(dx, xs**3 - xs, atol=1e-5)
    np.testing.assert_allclose(pp.plot_fixed_point(with_return=True), [-1, 0, 1], atol=1e-5)


def test_pp2d_quiver_and_return():
    pp = fhn_plane()
    dx, dy = pp.plot_vector_field(plot_method="quiver", with_return=True)
    V, w = np.meshgrid(pp.resolutions["V"], pp.resolutions["w"])
    assert dx.shape == dy.shape == (21, 31)  # (n_w, n_V)
    np.testing.assert_allclose(dx, V - V**3 / 3 - w + 0.5, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dy, (V + 0.7 - 0.8 * w) / 12.5, rtol=1e-5, atol=1e-6)
    assert len(plt.gca().collections) == 1  # the quiver


def test_pp2d_streamplot_custom_linewidth():
    fhn_plane().plot_vector_field(plot_method="streamplot", plot_style=dict(linewidth=1.0))
    widths = np.concatenate([np.atleast_1d(c.get_linewidth()) for c in plt.gca().collections])
    np.testing.assert_allclose(widths, 1.0)


def test_pp2d_unknown_plot_method_raises():
    with pytest.raises(AnalyzerError, match="plot_method.*'nope'"):
        fhn_plane(resolutions=0.5).plot_vector_field(plot_method="nope")
    assert not plt.gca().collections  # nothing drawn


# -- fixed points: selectors and errors ------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    raises=pytest.fail.Exception,
    reason="eqbrain finds the nullcline points itself: no plot_nullcline() needed first",
)
def test_pp2d_fixed_point_without_nullcline_raises():
    with pytest.raises(AnalyzerError):
        fhn_plane().plot_fixed_point(select_candidates="fx-nullcline")


def test_pp2d_fixed_point_unknown_selector_raises():
    with pytest.raises(ValueError, match="select_candidates.*'unknown'"):
        fhn_plane().plot_fixed_point(select_candidates="unknown")


def test_pp2d_fixed_point_aux_rank():
    fps = fhn_plane().plot_fixed_point(select_candidates="aux_rank", num_rank=50, with_return=True)
    np.testing.assert_allclose(fps, RECORDED["pp2d_fhn"]["aux_rank"], atol=1e-4)
    np.testing.assert_allclose(fps, fhn_roots(0.5), atol=1e-4)


def test_pp2d_fixed_point_after_nullcline(capsys):
    pp = fhn_plane(resolutions=0.1)
    pp.plot_nullcline()
    fps = pp.plot_fixed_point(select_candidates="fx-nullcline", with_return=True)
    np.testing.assert_allclose(fps, RECORDED["pp2d_fhn"]["fx-nullcline"], atol=1e-4)
    assert "is an unstable focus" in capsys.readouterr().out
    assert kinds_of(fps) == ["unstable focus"]


def test_pp2d_nullclines_selector_uses_both_nullclines():
    # BrainPy's case gathers the candidates from its private `analyzed_results`; here the
    # nullclines come back from plot_nullcline, and each selector finds the fixed point.
    pp = fhn_plane(resolutions=0.1)
    null = pp.plot_nullcline(with_return=True)
    for var, (Vs, ws) in null.items():
        f = Vs - Vs**3 / 3 - ws + 0.5 if var == "V" else (Vs + 0.7 - 0.8 * ws) / 12.5
        assert len(Vs) > 20 and np.max(np.abs(f)) < 1e-4
    for how in ("nullclines", "fx-nullcline", "fy-nullcline"):
        fps = pp.plot_fixed_point(select_candidates=how, with_return=True)
        np.testing.assert_allclose(fps, RECORDED["pp2d_fhn"]["nullclines"], atol=1e-4)


# -- trajectories and limit cycles ---------------------------------------------------------


def test_pp2d_trajectory_vv_and_tv():
    pp = fhn_plane()
    pp.plot_trajectory(initials={"V": [-2.8], "w": [-0.5]}, duration=30.0, axes="v-v")
    assert len(plt.gca().lines) == 1
    res = pp.plot_trajectory(
        initials={"V": [-2.8], "w": [-0.5]}, duration=30.0, axes="t-v", with_return=True
    )
    assert res["V"].shape == res["w"].shape == (301, 1) and res.ts[-1] == pytest.approx(30.0)
    assert (res["V"][0, 0], res["w"][0, 0]) == (pytest.approx(-2.8), pytest.approx(-0.5))
    # one Euler step of the model (eqbrain.odeint's default method, as BrainPy's)
    V, w = -2.8, -0.5
    step = (V + 0.1 * (V - V**3 / 3 - w + 0.5), w + 0.1 * (V + 0.7 - 0.8 * w) / 12.5)
    np.testing.assert_allclose([res["V"][1, 0], res["w"][1, 0]], step, rtol=1e-5)


def test_pp2d_trajectory_unknown_axes_raises():
    with pytest.raises(AnalyzerError, match="axes.*'bad'"):
        fhn_plane(resolutions=0.5).plot_trajectory(
            initials={"V": [0.0], "w": [0.0]}, duration=5.0, axes="bad"
        )


def test_pp2d_limit_cycle_found():
    pp = fhn_plane(I=0.5)
    (cycle,) = pp.plot_limit_cycle_by_sim(
        initials={"V": [-2.8], "w": [-0.5]}, duration=100.0, with_return=True
    )
    Vs, _ = cycle
    # the extremes of V on the cycle BrainPy's Bifurcation2D found at I = 0.5
    i = RECORDED["cycles_fhn"]["Iext"].index(0.5)
    assert Vs.max() == pytest.approx(RECORDED["cycles_fhn"]["V_max"][i], abs=0.02)
    assert Vs.min() == pytest.approx(RECORDED["cycles_fhn"]["V_min"][i], abs=0.02)


def test_pp2d_limit_cycle_not_found(capsys):
    pp = fhn_plane(I=0.0)  # a stable fixed point: runs decay onto it
    cycles = pp.plot_limit_cycle_by_sim(
        initials={"V": [0.01], "w": [0.0]}, duration=10.0, with_return=True
    )
    assert cycles == [None] and "No limit cycle found" in capsys.readouterr().out
