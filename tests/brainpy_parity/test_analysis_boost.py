"""Parity with BrainPy 2.8's `brainpy/analysis/boost_analysis_test.py` (46 cases).

- Out of scope (19): BrainPy's root-finding internals in `bp.analysis.utils` (16 cases:
  `jax_brentq`, `brentq_candidates`, `brentq_roots`, `brentq_roots2`,
  `get_brentq_candidates`, `roots_of_1d_by_x`, `roots_of_1d_by_xy`, `numpy_brentq`,
  `find_root_of_1d_numpy`, `scipy_minimize_with_jax`; eqbrain's analysers find roots by
  bisection and optimistix, and the roots they find are checked here through the
  analysers), the compiled derivatives of BrainPy's analyser (`F_jacobian`, `F_dfxdy`,
  ...: 1 case), and `Num3DAnalyzer` (2 cases), a class BrainPy does not export.
- In scope (27): 25 pass; 2 are differences on purpose (`xfail(strict=True)`, listed in
  `docs/migrating.md`): `select_candidates='fy-nullcline'` before `plot_nullcline` (1:
  eqbrain finds the nullcline points itself) and `Bifurcation2D.plot_limit_cycle_by_sim`
  before `plot_bifurcation` (1: an `AnalyzerError` saying what to call, where BrainPy
  returns `None`).
- The `options=` cases (4) check, beyond BrainPy's shapes, that the helper's nullcline
  is the helper at the grid and that the fixed points are the analytic ones; the cases
  of `num_fp_segment`, `nullcline_aux_filter` and `tol_opt_screen` (3) that the points
  are the analytic ones, that more segments give the same points, that a tiny screen
  drops every candidate and that a bad value raises; the float-resolution case (1) the
  warning's text. Added here: a helper reading a target parameter (`Bifurcation2D`),
  bad `options` (unknown key, not a function, an argument it cannot get) and `options`
  on a 1D analyser.

The systems are BrainPy's (linear and cubic 1D fields, FitzHugh-Nagumo, fast-slow
systems); their fixed points are compared with the analytic ones. The derivative
functions are defined once, at module level, so the analysers of one system share their
compiled functions (BrainPy's cases define theirs inside each test); a value BrainPy
gives as a default (`I=0.5`) is set with `pars_update`. A 1D bifurcation's parameters
come back as an array `(n, n_pars)` (BrainPy: one array per parameter), hence
`pars[:, 0]` where BrainPy writes `pars[0]`.
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from eqbrain.analysis import (  # noqa: E402
    AnalyzerError,
    Bifurcation1D,
    Bifurcation2D,
    FastSlow1D,
    FastSlow2D,
    PhasePlane1D,
    PhasePlane2D,
)

A, B, TAU = 0.7, 0.8, 12.5
FHN_BOX = {"V": [-2.5, 2.5], "w": [-1.0, 2.5]}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def lin(x, t, I=0.0, a=1.0):  # noqa: E741  (BrainPy's name)
    return -a * x + I


def cubic(x, t):
    return x - x**3


def dV(V, t, w, I=0.5):  # noqa: E741
    return V - V**3 / 3.0 - w + I


def dw(w, t, V):
    return (V + A - B * w) / TAU


def fhn_points(I):  # noqa: E741
    """The fixed points of FitzHugh-Nagumo: w = (V + a) / b, V a real root of
    V - V^3/3 - (V + a)/b + I."""
    r = np.roots([-1 / 3, 0.0, 1 - 1 / B, I - A / B])
    V = np.sort(r[np.abs(r.imag) < 1e-9].real)
    return np.stack([V, (V + A) / B], axis=1)


# -- PhasePlane1D ----------------------------------------------------------------------


def test_phase_plane_1d_linear():
    pp = PhasePlane1D(
        lin, target_vars={"x": [-2.0, 2.0]}, pars_update={"I": 0.5}, resolutions=0.05
    )
    yv = pp.plot_vector_field(with_return=True)
    np.testing.assert_allclose(yv, 0.5 - pp.resolutions["x"], atol=1e-6)
    fps = pp.plot_fixed_point(with_return=True)
    np.testing.assert_allclose(fps, [0.5], atol=1e-4)


def test_phase_plane_1d_cubic():
    pp = PhasePlane1D(cubic, target_vars={"x": [-2.0, 2.0]}, resolutions=0.02)
    pp.plot_vector_field()
    fps = pp.plot_fixed_point(with_return=True)
    np.testing.assert_allclose(np.sort(fps), [-1.0, 0.0, 1.0], atol=1e-4)


def test_phase_plane_1d_no_plot_paths():
    pp = PhasePlane1D(lin, target_vars={"x": [-1.0, 1.0]}, resolutions=0.1)
    assert pp.plot_vector_field(with_plot=False, with_return=False) is None
    assert pp.plot_fixed_point(with_plot=False, with_return=False) is None
    assert plt.get_fignums() == []  # nothing drawn


VARY_A: dict[str, Any] = {"target_pars": {"a": [0.5, 1.5]}}


def test_phase_plane_1d_rejects_target_pars():
    with pytest.raises((TypeError, AnalyzerError), match="target_pars"):
        PhasePlane1D(lin, target_vars={"x": [-1.0, 1.0]}, resolutions=0.1, **VARY_A)


# -- PhasePlane2D: FitzHugh-Nagumo at I = 0.5 -------------------------------------------


@pytest.fixture(scope="module")
def fhn():
    return PhasePlane2D([dV, dw], target_vars=FHN_BOX, resolutions=0.1)


def test_phase_plane_2d_full_optimization_branch(fhn):
    dx, dy = fhn.plot_vector_field(with_return=True)
    assert dx.shape == dy.shape and dx.ndim == 2
    fhn.plot_vector_field(plot_method="quiver")
    nc = fhn.plot_nullcline(with_return=True)
    assert set(nc) == {"V", "w"}
    fps = fhn.plot_fixed_point(with_return=True)
    np.testing.assert_allclose(fps, fhn_points(0.5), atol=1e-4)  # one, unstable
    (V, _w), kinds = fps[0], fhn.find_fixed_points()[1]
    tr, det = 1 - V**2 - B / TAU, -(1 - V**2) * B / TAU + 1 / TAU  # of the Jacobian
    assert tr > 0 and tr**2 < 4 * det and kinds == ["unstable focus"]
    traj = fhn.plot_trajectory({"V": [-1.0], "w": [0.0]}, duration=10.0, with_return=True)
    assert traj["V"].shape == traj["w"].shape and traj["V"][0, 0] == -1.0
    fhn.plot_trajectory({"V": [-1.0], "w": [0.0]}, duration=5.0, axes="t-v")


def test_phase_plane_2d_nullcline_alternate_coords(fhn):
    nc = fhn.plot_nullcline(with_return=True, coords={"V": "V-w", "w": "w-V"})
    assert set(nc) == {"V", "w"}
    V, w = nc["V"]  # on the V nullcline, w = V - V^3/3 + I
    np.testing.assert_allclose(w, V - V**3 / 3 + 0.5, atol=1e-4)


def test_phase_plane_2d_invalid_plot_method_and_axes(fhn):
    with pytest.raises(AnalyzerError, match="plot_method must be 'streamplot' or 'quiver'"):
        fhn.plot_vector_field(plot_method="nope")
    with pytest.raises(AnalyzerError, match="axes must be 'v-v' or 't-v', got 'bad'"):
        fhn.plot_trajectory({"V": [0.0], "w": [0.0]}, duration=1.0, axes="bad")


def test_phase_plane_2d_limit_cycle_by_sim(fhn):
    # 20 time units is shorter than a period: no cycle yet
    cycles = fhn.plot_limit_cycle_by_sim({"V": [-1.0], "w": [0.0]}, duration=20.0,
                                         with_return=True)  # fmt: skip
    assert cycles == [None]


def test_phase_plane_2d_aux_rank_candidates(fhn):
    fps = fhn.plot_fixed_point(with_return=True, select_candidates="aux_rank", num_rank=50)
    np.testing.assert_allclose(fps, fhn_points(0.5), atol=1e-4)


@pytest.mark.xfail(strict=True, reason="eqbrain finds the nullcline points itself")
def test_phase_plane_2d_fixed_point_requires_nullcline():
    pp = PhasePlane2D([dV, dw], target_vars=FHN_BOX, resolutions=0.2)
    with pytest.raises(AnalyzerError):
        pp.plot_fixed_point(select_candidates="fy-nullcline")


def with_options(model, targets, name, fn, points):
    """BrainPy's check (a nullcline for each variable, at least one fixed point) and the
    analytic fixed points; the helper's nullcline comes from the helper itself."""
    pp = PhasePlane2D(model, target_vars=targets, resolutions=0.1, options={name: fn})
    nc = pp.plot_nullcline(with_return=True)
    assert set(nc) == set(targets)
    k = 0 if "_in_fx" in name or name.startswith("fx") else 1
    x, y = nc[list(targets)[k]]
    free = y if "x_by_y" in name or "x=f(y)" in name else x
    grid = pp.resolutions[list(targets)[1 if free is y else 0]]
    assert 0 < len(free) <= len(grid)
    assert np.abs(free[:, None] - grid[None]).min(axis=1).max() < 1e-6  # at the grid
    np.testing.assert_allclose(x if free is y else y, fn(free), rtol=1e-6)
    fps = pp.plot_fixed_point(with_return=True)
    np.testing.assert_allclose(fps, points, atol=1e-5)


FHN = ([dV, dw], FHN_BOX)


def test_phase_plane_2d_convert_to_one_equation():
    with_options(*FHN, "y_by_x_in_fy", lambda V: (V + A) / B, fhn_points(0.5))


def test_phase_plane_2d_convert_x_by_y_in_fy():
    with_options(*FHN, "x_by_y_in_fy", lambda w: B * w - A, fhn_points(0.5))


def test_phase_plane_2d_convert_y_by_x_in_fx():
    # BrainPy's own spelling of the key ('fx::y=f(x)' is `C.y_by_x_in_fx`)
    with_options(*FHN, "fx::y=f(x)", lambda V: V - V**3 / 3.0 + 0.5, fhn_points(0.5))


def dx2(x, t, y):
    return -x + 0.5 * y


def dy2(y, t, x):
    return x - 2.0 * y


def test_phase_plane_2d_convert_x_by_y_in_fx():
    box = {"x": [-2.0, 2.0], "y": [-2.0, 2.0]}
    with_options([dx2, dy2], box, "x_by_y_in_fx", lambda y: 0.5 * y, [[0.0, 0.0]])


def test_bifurcation_2d_options_with_a_parameter():
    """A helper reading a target parameter: the fixed points at every I."""
    bif = Bifurcation2D(
        [dV, dw], target_vars=FHN_BOX, target_pars={"I": [0.0, 1.0]}, resolutions={"I": 0.5},
        options={"y_by_x_in_fx": lambda V, I: V - V**3 / 3 + I},  # noqa: E741
    )  # fmt: skip
    fps, pars, jac = bif.plot_bifurcation(with_return=True)
    np.testing.assert_array_equal(pars[:, 0], [0.0, 0.5, 1.0])
    for i, I in enumerate(pars[:, 0]):  # noqa: E741
        np.testing.assert_allclose(fps[i : i + 1], fhn_points(I), atol=1e-5)
    assert jac.shape == (3, 2, 2)


BAD_OPTIONS = [
    ({"w_by_V": lambda V: V}, r"options names 'w_by_V'.*'x_by_y_in_fx'.*'fy::y=f\(x\)'"),
    ({"y_by_x_in_fy": 1.0}, r"options\['y_by_x_in_fy'\] must be a function"),
    ({"y_by_x_in_fy": lambda V, c: V}, r"options\['y_by_x_in_fy'\] takes 'c'"),
    ({"y_by_x_in_fy": abs, "fy::y=f(x)": abs}, "gives the helper 'y_by_x_in_fy' twice"),
]


@pytest.mark.parametrize("options, match", BAD_OPTIONS)
def test_options_bad_key_or_helper(options, match):
    given = dict(options)
    with pytest.raises(AnalyzerError, match=match):
        PhasePlane2D([dV, dw], target_vars=FHN_BOX, options=options)
    assert options == given


def test_options_need_two_variables():
    with pytest.raises(AnalyzerError, match="options gives nullclines of 2D systems"):
        PhasePlane1D(lin, target_vars={"x": [-1.0, 1.0]}, options={"y_by_x_in_fy": abs})


def test_phase_plane_2d_fx_nullcline_alternate_coords_and_tol_opt_screen(fhn):
    fhn.plot_nullcline(coords={"V": "w-V"})
    fps = fhn.plot_fixed_point(with_return=True, tol_opt_screen=1e-2)
    np.testing.assert_allclose(fps, fhn_points(0.5), atol=1e-4)
    # the screen drops every candidate with |f|^2 above it: a tiny one drops all
    assert len(fhn.plot_fixed_point(with_return=True, tol_opt_screen=1e-30)) == 0
    with pytest.raises(AnalyzerError, match="tol_opt_screen must be None or a positive"):
        fhn.plot_fixed_point(tol_opt_screen=-1.0)


# -- Bifurcation1D ---------------------------------------------------------------------


def test_bifurcation_1d_codim1():
    bf = Bifurcation1D(
        lin, target_vars={"x": [-2.0, 2.0]}, target_pars={"I": [-1.0, 1.0]},
        resolutions={"I": 0.1},
    )  # fmt: skip
    fps, pars, dfdx = bf.plot_bifurcation(with_return=True)
    assert fps.shape == pars[:, 0].shape == (21,)
    np.testing.assert_allclose(fps, pars[:, 0], atol=1e-4)  # x* = I
    np.testing.assert_allclose(dfdx, -1.0)  # stable


def test_bifurcation_1d_codim2():
    bf = Bifurcation1D(
        lin, target_vars={"x": [-2.0, 2.0]}, target_pars={"a": [0.5, 1.5], "I": [-1.0, 1.0]},
        resolutions={"a": 0.3, "I": 0.3},
    )  # fmt: skip
    fps, pars, dfdx = bf.plot_bifurcation(with_return=True)
    assert pars.shape == (len(fps), 2) and len(fps) > 0
    np.testing.assert_allclose(fps, pars[:, 1] / pars[:, 0], atol=1e-4)  # x* = I / a
    np.testing.assert_allclose(dfdx, -pars[:, 0], atol=1e-5)


def test_bifurcation_1d_float_resolution_warns():
    with pytest.warns(UserWarning, match=r"resolutions=0.2 is one step for every target"):
        bf = Bifurcation1D(
            lin, target_vars={"x": [-2.0, 2.0]}, target_pars={"I": [-1.0, 1.0]},
            resolutions=0.2,
        )  # fmt: skip
    assert len(bf.resolutions["x"]) == 21 and len(bf.resolutions["I"]) == 11  # still used


# -- Bifurcation2D: FitzHugh-Nagumo over I ----------------------------------------------


def fhn_bifurcation(step: float) -> Bifurcation2D:
    return Bifurcation2D(
        [dV, dw], target_vars=FHN_BOX, target_pars={"I": [0.0, 1.0]}, resolutions={"I": step}
    )


def check_fhn(fps, pars):
    assert fps.shape[1] == 2 and len(fps) >= 1
    for I in np.unique(pars[:, 0]):  # noqa: E741
        np.testing.assert_allclose(fps[pars[:, 0] == I], fhn_points(I), atol=1e-4)


def test_bifurcation_2d_segmented():
    bif = fhn_bifurcation(0.3)
    fps, pars, jac = bif.plot_bifurcation(
        with_return=True, select_candidates="fx-nullcline", num_par_segments=2,
        num_fp_segment=2, nullcline_aux_filter=1.0,
    )  # fmt: skip
    check_fhn(fps, pars)
    # the candidates in 2 or 3 pieces: the same points
    again = bif.plot_bifurcation(
        with_return=True, with_plot=False, select_candidates="fx-nullcline",
        num_par_segments=2, num_fp_segment=3, nullcline_aux_filter=1.0,
    )  # fmt: skip
    np.testing.assert_array_equal(again[0], fps)
    with pytest.raises(AnalyzerError, match="num_fp_segment must be a positive int, got 0"):
        bif.plot_bifurcation(num_fp_segment=0)


def test_bifurcation_2d_codim1_and_limit_cycle():
    bif = fhn_bifurcation(0.2)
    fps, pars, jac = bif.plot_bifurcation(with_return=True)
    assert fps.shape[1] == 2 and jac.shape[1:] == (2, 2) and pars.shape == (len(fps), 1)
    for I in np.unique(pars[:, 0]):  # noqa: E741
        np.testing.assert_allclose(fps[pars[:, 0] == I], fhn_points(I), atol=1e-4)
    lc = bif.plot_limit_cycle_by_sim(duration=20.0, with_return=True)
    assert lc is not None


def test_bifurcation_2d_nullcline_candidate_selection():
    bif = fhn_bifurcation(0.3)
    for select in ("fx-nullcline", "fy-nullcline", "nullclines"):
        fps, pars, jac = bif.plot_bifurcation(
            with_return=True, select_candidates=select, nullcline_aux_filter=1.0
        )
        check_fhn(fps, pars)
    # the filter drops nullcline points where |f|^2 is above it: a tiny one drops all
    fps, _, _ = bif.plot_bifurcation(
        with_return=True, select_candidates="nullclines", nullcline_aux_filter=1e-30
    )
    assert len(fps) == 0
    with pytest.raises(AnalyzerError, match="nullcline_aux_filter must be a number >= 0"):
        bif.plot_bifurcation(nullcline_aux_filter=-1.0)


@pytest.mark.xfail(strict=True, raises=AnalyzerError, reason="says to call plot_bifurcation")
def test_bifurcation_2d_limit_cycle_without_bifurcation():
    assert fhn_bifurcation(0.3).plot_limit_cycle_by_sim(duration=5.0) is None


# -- FastSlow1D / FastSlow2D -----------------------------------------------------------


def fast_x(x, t, u=0.0):
    return -x + u


def slow_u(u, t, x):
    return 0.01 * (x - u)


def test_fast_slow_1d():
    fs = FastSlow1D(
        [fast_x, slow_u], fast_vars={"x": [-2.0, 2.0]}, slow_vars={"u": [-1.0, 1.0]},
        resolutions={"u": 0.1},
    )  # fmt: skip
    fps, pars, dfdx = fs.plot_bifurcation(with_return=True)
    assert len(fps) == 21
    np.testing.assert_allclose(fps, pars[:, 0], atol=1e-4)  # x* = u, stable
    np.testing.assert_allclose(dfdx, -1.0)
    traj = fs.plot_trajectory({"x": [0.5], "u": [0.5]}, duration=10.0, with_return=True)
    np.testing.assert_allclose(traj["x"][:, 0], 0.5, atol=1e-6)  # it starts at rest


def fs_V(V, t, w, u=0.0):
    return V - V**3 / 3.0 - w + u


def fs_u(u, t, V):
    return 0.01 * (V - u)


def test_fast_slow_2d():
    fs = FastSlow2D(
        [fs_V, dw, fs_u], fast_vars=FHN_BOX, slow_vars={"u": [0.0, 1.0]}, resolutions={"u": 0.2}
    )
    fps, pars, jac = fs.plot_bifurcation(with_return=True)
    assert fps.shape[1] == 2
    for u in np.unique(pars[:, 0]):  # the fast subsystem is FitzHugh-Nagumo with I = u
        np.testing.assert_allclose(fps[pars[:, 0] == u], fhn_points(u), atol=1e-4)
    traj = fs.plot_trajectory({"V": [-1.0], "w": [0.0], "u": [0.5]}, duration=10.0,
                              with_return=True)  # fmt: skip
    assert set(traj) >= {"V", "w", "u"}


# -- the analysers' arguments ----------------------------------------------------------

X = {"x": [-1.0, 1.0]}


def test_analyzer_resolution_dict_and_array():
    bf = Bifurcation1D(
        lin, target_vars={"x": [-2.0, 2.0]}, target_pars={"I": [-1.0, 1.0]},
        resolutions={"x": np.linspace(-2.0, 2.0, 25), "I": 0.2},
    )  # fmt: skip
    np.testing.assert_allclose(bf.resolutions["x"], np.linspace(-2.0, 2.0, 25))
    assert len(bf.resolutions["I"]) > 0


def test_analyzer_resolution_none_default():
    bf = Bifurcation1D(
        lin, target_vars={"x": [-2.0, 2.0]}, target_pars={"I": [-1.0, 1.0]}, resolutions=None
    )
    np.testing.assert_allclose(bf.resolutions["x"], np.linspace(-2.0, 2.0, 20))
    np.testing.assert_allclose(bf.resolutions["I"], np.linspace(-1.0, 1.0, 20))


BAD = [
    (PhasePlane1D, dict(target_vars=["x"]), TypeError, "target_vars must be a dict"),
    (PhasePlane1D, dict(target_vars={"x": [2.0, -2.0]}), AnalyzerError, r"\['x'\] must be"),
    (PhasePlane1D, dict(target_vars={"z": [-1.0, 1.0]}), AnalyzerError, "names 'z'"),
    (PhasePlane1D, dict(target_vars=X, resolutions={"zzz": 0.1}), AnalyzerError, "'zzz'"),
    (PhasePlane1D, dict(target_vars=X, fixed_vars=["x"]), TypeError, "fixed_vars must be"),
    (PhasePlane1D, dict(target_vars=X, pars_update={"nope": 1.0}), AnalyzerError, "'nope'"),
    (Bifurcation1D, dict(target_vars=X, target_pars={"I": [1.0, -1.0]}), AnalyzerError, "'I'"),
    (Bifurcation1D, dict(target_vars=X, target_pars={"nope": [-1.0, 1.0]}), AnalyzerError,
     "names 'nope'"),
    (PhasePlane1D, dict(target_vars=X, resolutions={"x": np.ones((2, 2))}), AnalyzerError,
     r"resolutions\['x'\]"),
    (PhasePlane1D, dict(target_vars=X, resolutions={"x": "bad"}), AnalyzerError,
     r"resolutions\['x'\]"),
    (PhasePlane1D, dict(target_vars=X, resolutions="all"), TypeError, "resolutions must be"),
]  # fmt: skip


def test_analyzer_validation_errors():
    for cls, kw, error, match in BAD:
        given = {k: (dict(v) if isinstance(v, dict) else v) for k, v in kw.items()}
        with pytest.raises(error, match=match):
            cls(lin, **kw)
        assert kw.keys() == given.keys()  # the arguments are not modified
