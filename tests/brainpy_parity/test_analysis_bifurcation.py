"""Parity with BrainPy 2.8's bifurcation tests: `brainpy/analysis/lowdim/bifurcation_test.py`
(2 cases; skipped in BrainPy's CI, run here) and `lowdim_bifurcation_coverage_test.py`
(16: `test_bifurcation2d_nullcline_selectors` counts once per selector).

- In scope: all 18. 17 pass; 1 is `xfail`: `Bifurcation2D.plot_limit_cycle_by_sim`
  before `plot_bifurcation` returns `None` in BrainPy and raises an `AnalyzerError`
  saying to call `plot_bifurcation()` first in eqbrain (`docs/migrating.md`).

Each port checks what came back against BrainPy's numbers (recorded in float64 by
`tests/data/brainpy_analysis/record_lowdim.py`) and the analytic fixed points, in
float32 (BrainPy's cases enable x64). BrainPy's `Bifurcation2D` of FitzHugh-Nagumo over
`Iext` in `{0, 0.5, 1}` misses the fixed point at `Iext = 1` on its default grid; eqbrain
finds all three, so eqbrain's points are checked to hold BrainPy's and to be the roots of
the cubic. BrainPy's resolution steps leave out the range's upper end (`arange`), and
eqbrain's keep it, so eqbrain's grids can hold one more parameter value.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from eqbrain.analysis import (
    AnalyzerError,
    Bifurcation1D,
    Bifurcation2D,
    FastSlow1D,
    FastSlow2D,
    PhasePlane1D,
)

from ._analysis_models import BOX, FHN, RECORDED, FitzHughNagumo, fast_x, fhn_roots, sin_cos

PI = float(np.pi)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def fhn_bifurcation(model=None, pars=None, resolutions=None):
    return Bifurcation2D(
        FHN if model is None else model,
        target_pars=pars or {"I": [0.0, 1.0]},
        target_vars=BOX,
        resolutions=resolutions or {"I": 0.5},
    )


def check_fhn_points(points, pars):
    """Every fixed point is a root of the cubic at its parameter, and each root in the
    box is found."""
    expected = [(I, p) for I in np.unique(pars[:, 0]) for p in fhn_roots(I) if -1 <= p[1] <= 3]
    assert len(points) == len(expected)
    np.testing.assert_allclose(pars[:, 0], [I for I, _ in expected], atol=1e-6)
    np.testing.assert_allclose(points, [p for _, p in expected], atol=1e-4)


def assert_holds(points, pars, bp_points, bp_pars, atol=1e-4):
    """eqbrain's fixed points include each of BrainPy's, at the same parameters."""
    bp_pars = np.asarray(bp_pars, dtype=float)
    bp_points = np.asarray(bp_points, dtype=float).reshape(len(bp_pars), -1)
    points = points.reshape(len(points), -1)
    for p, q in zip(bp_points, bp_pars):
        near = np.all(np.abs(pars - q) < 1e-6, axis=1) & np.all(np.abs(points - p) < atol, axis=1)
        assert near.any(), f"BrainPy's fixed point {p} at {q} is missing"


# -- bifurcation_test.py -------------------------------------------------------------------


def test_bifurcation_1d():
    pp = PhasePlane1D(sin_cos, target_vars={"x": [-PI, PI]}, resolutions=0.1)
    pp.plot_vector_field()
    roots = pp.plot_fixed_point(with_return=True)
    np.testing.assert_allclose(roots, [-PI / 4, 3 * PI / 4], atol=1e-5)  # sin x = -cos x
    bf = Bifurcation1D(
        sin_cos,
        target_vars={"x": [-PI, PI]},
        target_pars={"a": [0.5, 1.5], "b": [0.5, 1.5]},
        resolutions={"a": 0.1, "b": 0.1},
    )
    xs, pars, _ = bf.plot_bifurcation(with_return=True)
    np.testing.assert_allclose(np.sin(pars[:, 0] * xs) + np.cos(pars[:, 1] * xs), 0, atol=1e-5)
    assert pars.shape == (len(xs), 2) and len(plt.get_fignums()) >= 2


def test_bifurcation_2d():
    bif = fhn_bifurcation(FitzHughNagumo(), resolutions={"I": 0.1})
    points, pars, _ = bif.plot_bifurcation(with_return=True)
    check_fhn_points(points, pars)
    extremes, (Is,) = bif.plot_limit_cycle_by_sim(with_return=True)
    # between the Hopf points (I = 0.33 and 1.42); 100 time units show a cycle from 0.7
    assert 0 < len(Is) == len(extremes[0]["max"]) and np.all((Is > 0.33) & (Is < 1.42))
    rec = RECORDED["cycles_fhn"]
    i = rec["Iext"].index(0.7)
    (top,) = extremes[0]["max"][np.isclose(Is, 0.7)]
    assert top == pytest.approx(rec["V_max"][i], abs=0.02)


# -- lowdim_bifurcation_coverage_test.py: Bifurcation1D -------------------------------------


def test_bifurcation1d_codim1():
    bf = Bifurcation1D(
        sin_cos,
        target_vars={"x": [-PI, PI]},
        target_pars={"a": [0.5, 1.0]},
        resolutions={"a": 0.2},
    )
    fps, pars, dfxdx = bf.plot_bifurcation(show=False, with_return=True)
    assert len(fps) == len(dfxdx) == len(pars)
    np.testing.assert_allclose(np.sin(pars[:, 0] * fps) + np.cos(fps), 0, atol=1e-5)
    rec = RECORDED["bif1d"]
    bp_pars = np.asarray(rec["pars"]).T  # BrainPy returns them (n_pars, n)
    # BrainPy also keeps x = pi at a = 0.5, a double root on the range's end (df/dx = 0)
    simple = np.abs(rec["dfdx"]) > 1e-3
    assert_holds(fps, pars, np.asarray(rec["points"])[simple], bp_pars[simple])
    for x, p, d in zip(rec["points"], bp_pars, rec["dfdx"]):
        i = np.nonzero((np.abs(fps - x) < 1e-4) & (np.abs(pars[:, 0] - p[0]) < 1e-6))[0]
        assert len(i) == 0 or dfxdx[i[0]] == pytest.approx(d, abs=1e-4)


def test_bifurcation1d_codim2():
    bf = Bifurcation1D(
        sin_cos,
        target_vars={"x": [-PI, PI]},
        target_pars={"a": [0.5, 1.0], "b": [0.5, 1.0]},
        resolutions={"a": 0.5, "b": 0.5},
    )
    fps, pars, _ = bf.plot_bifurcation(show=False, with_return=True)
    assert {tuple(p) for p in pars} <= {(a, b) for a in (0.5, 1.0) for b in (0.5, 1.0)}
    np.testing.assert_allclose(np.sin(pars[:, 0] * fps) + np.cos(pars[:, 1] * fps), 0, atol=1e-5)
    assert plt.figure("x").axes[0].name == "3d"


def test_bifurcation1d_empty_target_pars_raises():
    with pytest.raises(ValueError, match="Bifurcation1D needs target_pars"):
        Bifurcation1D(sin_cos, target_vars={"x": [-2.0, 2.0]}, target_pars={})


# -- Bifurcation2D ---------------------------------------------------------------------------


def test_bifurcation2d_codim1_and_limit_cycle():
    bif = fhn_bifurcation(FitzHughNagumo())
    fps, pars, jac = bif.plot_bifurcation(show=False, with_return=True)
    assert fps.shape[1] == 2 and jac.shape[1:] == (2, 2)
    check_fhn_points(fps, pars)
    rec = RECORDED["bif2d_fhn"]  # BrainPy's points are within 4e-4 of the roots
    assert_holds(fps, pars, rec["points"], rec["pars"], atol=1e-3)
    i = [int(np.argmin(np.abs(fps - p).sum(1))) for p in rec["points"]]
    np.testing.assert_allclose(jac[i], rec["jacobians"], atol=1e-3)
    extremes, pars_ = bif.plot_limit_cycle_by_sim(duration=20.0, with_return=True)
    assert len(extremes) == 2 and len(pars_) == 1  # one dict per variable, one array per par


def test_bifurcation2d_codim1_limit_cycle_detected():
    bif = fhn_bifurcation(pars={"I": [0.3, 0.8]}, resolutions={"I": 0.1})
    bif.plot_bifurcation(show=False)
    vs, ps = bif.plot_limit_cycle_by_sim(duration=300.0, offset=1.0, with_return=True)
    assert any(len(p) > 0 for p in ps)
    rec = RECORDED["cycles_fhn"]  # cycles at I = 0.4 ... 0.7; eqbrain's grid adds 0.8
    np.testing.assert_allclose(ps[0][: len(rec["Iext"])], rec["Iext"], atol=1e-6)
    n = len(rec["Iext"])
    np.testing.assert_allclose(vs[0]["max"][:n], rec["V_max"], atol=0.02)
    np.testing.assert_allclose(vs[0]["min"][:n], rec["V_min"], atol=0.02)


def test_bifurcation2d_codim2():
    bif = fhn_bifurcation(
        pars={"I": [0.0, 0.5], "g": [0.0, 0.5]}, resolutions={"I": 0.5, "g": 0.5}
    )
    fps, pars, _ = bif.plot_bifurcation(show=False, with_return=True)
    for g in (0.0, 0.5):  # g does not change the field
        check_fhn_points(fps[pars[:, 1] == g], pars[pars[:, 1] == g])


@pytest.mark.xfail(
    strict=True,
    raises=AnalyzerError,
    reason="eqbrain raises an AnalyzerError saying to call plot_bifurcation() first",
)
def test_bifurcation2d_limit_cycle_early_return():
    assert fhn_bifurcation().plot_limit_cycle_by_sim(duration=10.0) is None


@pytest.mark.parametrize("selector", ["fx-nullcline", "fy-nullcline", "nullclines"])
def test_bifurcation2d_nullcline_selectors(selector):
    bif = fhn_bifurcation()
    points, pars, _ = bif.plot_bifurcation(
        show=False, select_candidates=selector, with_return=True
    )
    check_fhn_points(points, pars)


def test_bifurcation2d_unknown_selector_raises():
    with pytest.raises(ValueError, match="select_candidates.*'bogus'"):
        fhn_bifurcation().plot_bifurcation(show=False, select_candidates="bogus")
    assert not plt.get_fignums()  # nothing drawn


def test_bifurcation2d_codim2_limit_cycle():
    bif = fhn_bifurcation(
        pars={"I": [0.4, 0.6], "g": [0.0, 0.2]}, resolutions={"I": 0.1, "g": 0.1}
    )
    bif.plot_bifurcation(show=False)
    vs, ps = bif.plot_limit_cycle_by_sim(duration=300.0, offset=1.0, with_return=True)
    assert any(len(p) > 0 for p in ps)
    rec = RECORDED["cycles_fhn"]
    for I, top in zip(ps[0], vs[0]["max"]):  # noqa: E741  (g does not change the cycle)
        assert top == pytest.approx(np.interp(I, rec["Iext"], rec["V_max"]), abs=0.02)


def test_bifurcation2d_empty_target_pars_raises():
    with pytest.raises(ValueError, match="Bifurcation2D needs target_pars"):
        Bifurcation2D(FHN, target_vars=BOX, target_pars={}, resolutions={"V": 0.5, "w": 0.5})


# -- FastSlow1D and FastSlow2D: slow variables that are parameters of the fast equations ----


def test_fastslow1d():
    fs = FastSlow1D(
        fast_x,
        fast_vars={"x": [-2.0, 2.0]},
        slow_vars={"y": [-0.5, 0.5]},
        resolutions={"x": 0.1, "y": 0.1},
    )
    xs, ys, _ = fs.plot_bifurcation(show=False, with_return=True)
    np.testing.assert_allclose(xs - xs**3 / 3 - ys[:, 0], 0, atol=1e-5)
    res = fs.plot_trajectory(initials={"x": [0.5], "y": [0.0]}, duration=20.0, with_return=True)
    np.testing.assert_array_equal(res["y"], 0.0)  # held: y has no equation
    assert res["x"][-1, 0] == pytest.approx(np.sqrt(3.0), abs=1e-3)  # the stable root


def test_fastslow1d_two_slow_vars_trajectory():
    fs = FastSlow1D(
        fast_x,
        fast_vars={"x": [-2.0, 2.0]},
        slow_vars={"y": [-0.5, 0.5], "z": [-0.5, 0.5]},
        resolutions={"x": 0.2, "y": 0.5, "z": 0.5},
    )
    res = fs.plot_trajectory(
        initials={"x": [0.5], "y": [0.2], "z": [0.0]}, duration=20.0, with_return=True
    )
    assert res["x"].shape == res["y"].shape == res["z"].shape == (201, 1)
    assert plt.figure("x").axes[0].name == "3d" and np.all(res["y"] == np.float32(0.2))


def test_fastslow2d():
    fs2 = FastSlow2D(
        FHN,
        fast_vars=BOX,
        slow_vars={"I": [0.0, 1.0]},
        resolutions={"V": 0.5, "w": 0.5, "I": 0.5},
    )
    points, pars, _ = fs2.plot_bifurcation(show=False, with_return=True)
    check_fhn_points(points, pars)
    res = fs2.plot_trajectory(
        initials={"V": [1.0], "w": [0.0], "I": [0.5]}, duration=20.0, with_return=True
    )
    assert res["V"].shape == (201, 1) and np.all(res["I"] == 0.5)
