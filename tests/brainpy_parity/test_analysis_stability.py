"""Parity with BrainPy 2.8's tests of the kinds of fixed point and how they are drawn:
`brainpy/analysis/stability_test.py` (5 cases), `stability_coverage_test.py` (25) and
`plotstyle_test.py` (3).

- In scope: all 33; all pass.

BrainPy's `bp.analysis.stability` names each kind with a string constant
(`STABLE_FOCUS_2D = 'stable focus'`); eqbrain returns the same strings, which the ports
compare directly. Each Jacobian's kind is also checked against the kind BrainPy gave it
(recorded by `tests/data/brainpy_analysis/record_lowdim.py`). `plotstyle.plot_schema`,
`set_plot_schema` and `set_markersize` are `eqbrain.analysis`'s; BrainPy's case also
reads the private `plotstyle._markersize`, which has no counterpart here (every kind's
entry is checked instead).
"""

from __future__ import annotations

import copy

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import eqbrain.analysis as ea  # noqa: E402
from eqbrain.analysis import AnalyzerError, stability_analysis  # noqa: E402

from ._analysis_models import RECORDED, cubic  # noqa: E402

BP = RECORDED["stability"]


def kind(name: str) -> str:
    """eqbrain's kind of a recorded Jacobian, checked against BrainPy's."""
    got = stability_analysis(BP[name]["jacobian"])
    assert got == BP[name]["kind"], name
    return got


def diag3(a, b, c):
    return np.diag([a, b, c])


def block3(real, alpha, omega):
    """One real eigenvalue `real` and the pair `alpha +- i omega`."""
    return np.array([[real, 0.0, 0.0], [0.0, alpha, -omega], [0.0, omega, alpha]])


# -- stability_test.py -----------------------------------------------------------------------


def test_d1():
    assert stability_analysis(1.0) == "unstable point"
    assert stability_analysis(-1.0) == "stable point"
    assert stability_analysis(0.0) == "saddle node"
    assert kind("1d_pos") == "unstable point" and kind("1d_zero") == "saddle node"


def test_2d_stable_star_proper_node():
    assert kind("stable_star_1") == "stable star"  # -I: a full eigenspace


def test_2d_stable_degenerate_defective():
    assert kind("stable_degenerate_1") == "stable degenerate"  # a Jordan block


def test_2d_unstable_star_proper_node():
    assert kind("unstable_star") == "unstable star"


def test_2d_unstable_degenerate_defective():
    assert kind("unstable_degenerate") == "unstable degenerate"


# -- stability_coverage_test.py: the lists of kinds --------------------------------------------


def test_stability_type_lists():
    t1, t2, t3 = (
        ea.get_1d_stability_types(),
        ea.get_2d_stability_types(),
        ea.get_3d_stability_types(),
    )
    assert t1 == RECORDED["stability_types"]["1d"]
    assert t2 == RECORDED["stability_types"]["2d"]
    # BrainPy's 3D list also names 'unclassified stable point', which it never returns
    assert t3 == [k for k in RECORDED["stability_types"]["3d"] if k != "unclassified stable point"]
    assert {"center", "stable node", "unstable line"} <= set(t2)
    assert all(isinstance(x, str) and x for x in t1 + t2 + t3)


# -- 1D and 2D --------------------------------------------------------------------------------


def test_1d_branches():
    assert [kind(k) for k in ("1d_zero", "1d_pos", "1d_neg")] == [
        "saddle node",
        "unstable point",
        "stable point",
    ]


def test_2d_saddle_node():
    assert kind("saddle") == "saddle node"


def test_2d_center_manifold_and_unstable_line():
    assert kind("center_manifold") == "center manifold"
    assert kind("unstable_line") == "unstable line"


def test_2d_center():
    assert kind("center") == "center"


def test_2d_unstable_focus_and_node():
    assert kind("unstable_focus") == "unstable focus"
    assert kind("unstable_node") == "unstable node"


def test_2d_unstable_degenerate_and_star():
    assert kind("unstable_star") == "unstable star"
    assert kind("unstable_degenerate") == "unstable degenerate"


def test_2d_stable_focus_and_node():
    assert kind("stable_focus") == "stable focus"
    assert kind("stable_node") == "stable node"


def test_2d_stable_degenerate_and_star():
    assert kind("stable_star") == "stable star"
    assert kind("stable_degenerate") == "stable degenerate"


# -- 3D, three real eigenvalues ------------------------------------------------------------------

REAL_3D = [
    ("3d_stable_node", (-1.0, -2.0, -3.0), "stable node"),
    ("3d_largest_zero", (-1.0, -2.0, 0.0), "unknown 3d"),
    ("3d_unstable_node", (1.0, 2.0, 3.0), "unstable node"),
    ("3d_smallest_zero", (0.0, 1.0, 2.0), "unknown 3d"),
    ("3d_saddle", (-2.0, -1.0, 3.0), "saddle node"),
    ("3d_middle_zero", (-1.0, 0.0, 2.0), "unknown 3d"),
    ("3d_unstable_saddle", (-1.0, 1.0, 2.0), "unstable saddle"),
]


@pytest.mark.parametrize("name, eigs, expected", REAL_3D, ids=[r[0] for r in REAL_3D])
def test_3d_real(name, eigs, expected):
    assert kind(name) == expected
    # the same eigenvalues in another basis: the kind is the eigenvalues'
    Q = np.linalg.qr(np.random.default_rng(0).normal(size=(3, 3)))[0]
    assert stability_analysis(Q @ diag3(*eigs) @ Q.T) == expected


# -- 3D, one real eigenvalue and a complex pair -----------------------------------------------

COMPLEX_3D = [
    ("3d_focus_neg_neg", (-1.0, -0.5), "stable focus"),
    ("3d_focus_neg_zero", (-1.0, 0.0), "unknown 3d"),
    ("3d_focus_neg_pos", (-1.0, 0.5), "unstable focus"),
    ("3d_focus_zero_neg", (0.0, -0.5), "unknown 3d"),
    ("3d_focus_zero_pos", (0.0, 0.5), "unclassified unstable point"),
    ("3d_focus_pos_neg", (1.0, -0.5), "unstable focus"),
    ("3d_focus_pos_zero", (1.0, 0.0), "unstable center"),
    ("3d_focus_pos_pos", (1.0, 0.5), "unclassified unstable point"),
]


@pytest.mark.parametrize("name, eigs, expected", COMPLEX_3D, ids=[c[0] for c in COMPLEX_3D])
def test_3d_complex(name, eigs, expected):
    assert kind(name) == expected
    assert stability_analysis(block3(eigs[0], eigs[1], 2.0)[::-1, ::-1]) == expected  # reordered


# -- the error ----------------------------------------------------------------------------------


def test_unknown_derivative_shape_raises():
    J = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"derivatives.*shape \(2, 3\)"):
        stability_analysis(J)
    assert isinstance(AnalyzerError("x"), ValueError)
    np.testing.assert_array_equal(J, 1.0)  # unchanged


# -- plotstyle_test.py ----------------------------------------------------------------------------


def cubic_plane():
    return ea.PhasePlane1D(
        cubic, target_vars={"x": [-2, 2]}, pars_update={"Iext": 0.0}, resolutions=0.05
    )


@pytest.fixture
def saved_schema():
    saved = copy.deepcopy(ea.plot_schema)
    yield
    ea.plot_schema.clear()
    ea.plot_schema.update(saved)


def test_set_markersize_updates_global(saved_schema):
    ea.set_markersize(33)
    assert ea.plot_schema["saddle node"]["markersize"] == 33
    assert {s["markersize"] for s in ea.plot_schema.values()} == {33}
    fig, ax = plt.subplots()
    try:
        cubic_plane().plot_fixed_point(ax=ax)
        assert [line.get_markersize() for line in ax.lines] == [33] * 3  # the drawing uses it
    finally:
        plt.close(fig)


def test_set_markersize_type_check(saved_schema):
    before = copy.deepcopy(ea.plot_schema)
    with pytest.raises(TypeError, match="markersize must be a positive int.*1.5"):
        ea.set_markersize(1.5)  # pyright: ignore[reportArgumentType]
    assert ea.plot_schema == before


def test_set_plot_schema_validations(saved_schema):
    before = copy.deepcopy(ea.plot_schema)
    with pytest.raises(TypeError, match="fixed_point must be.*123"):
        ea.set_plot_schema(123)  # pyright: ignore[reportArgumentType]
    with pytest.raises(KeyError, match="not-a-real-fixed-point-type"):
        ea.set_plot_schema("not-a-real-fixed-point-type")
    assert ea.plot_schema == before
    ea.set_plot_schema("saddle node", color="black")
    assert ea.plot_schema["saddle node"]["color"] == "black"
    assert set(ea.get_2d_stability_types()) <= set(ea.plot_schema)
    ea.set_plot_schema("stable point", color="black", marker="s")
    fig, ax = plt.subplots()
    try:
        cubic_plane().plot_fixed_point(ax=ax)  # x = -1, 1 unstable, x = 0 stable
        stable = ax.lines[1]
        assert stable.get_color() == stable.get_markerfacecolor() == "black"
        assert stable.get_marker() == "s" and ax.lines[0].get_markerfacecolor() == "white"
    finally:
        plt.close(fig)
