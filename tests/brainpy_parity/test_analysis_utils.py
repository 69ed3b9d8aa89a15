"""Parity with BrainPy 2.8's tests of `brainpy.analysis.utils`:
`measurement_coverage_test.py` (7 cases), `model_coverage_test.py` (15) and
`others_coverage_test.py` (20).

- Out of scope (11): helpers of BrainPy's analysers with no meaning for a user of them:
  `Segment` (2, how BrainPy splits a parameter grid into batches), `get_sign` and
  `get_sign2` (3, its sign grids; one case pins that `get_sign2` is broken), `rescale`
  (1, its axis limits), `NumDSWrapper` passed through and its `repr` (2), `TrajectModel`
  (2, the runner behind `plot_trajectory`, whose trajectories are checked here and in
  `test_analysis_boost.py`), and the case that pins that the dict branch of the
  numba-compiled `euclidean_distance` cannot compile (1).
- In scope (31): 30 pass; 1 is a difference on purpose (`xfail(strict=True)`, listed in
  `docs/migrating.md`): `euclidean_distance` of a dict needs no `num_point` (it counts
  the points). BrainPy's `JointEq` case also counts the integrators it splits the joint
  equation into; eqbrain keeps one integrator of two variables, and the port checks the
  variables.

The helpers are reached as a user reaches them: `euclidean_distance` and
`find_indexes_of_limit_cycle_max` are `eqbrain.analysis`'s; `model_transform`'s forms
of model are those an analyser's `model=` takes (`analyser.model.variables` and
`.parameters`, as BrainPy's wrapper); `check_initials` and `check_plot_durations` are
`plot_trajectory`'s `initials` and `plot_durations`; `keep_unique` (and its JAX twin
`keep_unique_jax`) is `SlowPointFinder.keep_unique`, on a finder holding the points as
given (one step at a zero learning rate).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import jax.numpy as jnp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
import pytest  # noqa: E402
from scipy.spatial.distance import pdist, squareform  # noqa: E402

import eqbrain  # noqa: E402
from eqbrain.analysis import (  # noqa: E402
    AnalyzerError,
    PhasePlane1D,
    PhasePlane2D,
    SlowPointFinder,
    euclidean_distance,
    find_indexes_of_limit_cycle_max,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# -- measurement_coverage_test.py ---------------------------------------------------------


def test_find_indexes_limit_cycle_found():
    t = np.linspace(0, 6 * np.pi, 600)
    i, j = find_indexes_of_limit_cycle_max(np.sin(t), tol=0.1)
    assert i != -1 and j > i
    assert abs((t[j] - t[i]) - 2 * np.pi) < 0.05  # one period between the last two maxima


def test_find_indexes_limit_cycle_not_found():
    idx = find_indexes_of_limit_cycle_max(np.linspace(0.0, 5.0, 200), tol=0.001)
    np.testing.assert_array_equal(idx, [-1, -1])
    damped = np.exp(-np.linspace(0, 3, 600)) * np.sin(np.linspace(0, 12 * np.pi, 600))
    np.testing.assert_array_equal(find_indexes_of_limit_cycle_max(damped, 0.001), [-1, -1])
    with pytest.raises(AnalyzerError, match=r"arr must be a 1D trace.*\(2, 3\)"):
        find_indexes_of_limit_cycle_max(np.zeros((2, 3)))


def test_euclidean_distance_array_matches_scipy():
    pts = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_allclose(euclidean_distance(pts), squareform(pdist(pts)), atol=1e-12)


def test_euclidean_distance_jax_array():
    pts = np.random.default_rng(2).normal(size=(5, 3))
    got = euclidean_distance(jnp.asarray(pts))
    np.testing.assert_allclose(got, squareform(pdist(pts)), atol=1e-5)


def test_euclidean_distance_jax_dict():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    got = euclidean_distance({"a": a, "b": b}, num_point=4)
    np.testing.assert_allclose(got, squareform(pdist(np.hstack([a, b]))), atol=1e-12)
    with pytest.raises(AnalyzerError, match="num_point is 3, but the points hold 4"):
        euclidean_distance({"a": a, "b": b}, num_point=3)
    with pytest.raises(AnalyzerError, match="same number of points"):
        euclidean_distance({"a": a, "b": b[:3]})


@pytest.mark.xfail(strict=True, reason="eqbrain counts the points of a dict: no num_point needed")
def test_euclidean_distance_jax_dict_requires_num_point():
    with pytest.raises(ValueError):
        euclidean_distance({"a": np.zeros((3, 2))})


# -- model_coverage_test.py: the forms of model= ------------------------------------------


def dx(x, t, y):
    return -x + y


def dy(y, t, x):
    return -y + x


def variables_of(model) -> set[str]:
    pp = PhasePlane2D(model, target_vars={"x": [-1, 1], "y": [-1, 1]}, resolutions=0.5)
    return set(pp.model.variables)


def test_transform_plain_callable():
    def dxa(x, t, a=1.0):
        return -x + a

    pp = PhasePlane1D(dxa, target_vars={"x": [-1, 1]}, resolutions=0.5)
    assert pp.model.variables == ("x",) and pp.model.parameters == {"a": 1.0}


def test_transform_ode_integrator():
    pp = PhasePlane1D(eqbrain.odeint(lambda x, t, a=1.0: -x + a), target_vars={"x": [-1, 1]})
    assert pp.model.variables == ("x",) and "a" in pp.model.parameters


def test_transform_list_of_callables():
    assert variables_of([dx, dy]) == {"x", "y"}


def test_transform_dict_of_callables():
    assert variables_of({"x": dx, "y": dy}) == {"x", "y"}


def test_transform_jointeq_splits():
    assert variables_of(eqbrain.odeint(eqbrain.JointEq(dx, dy))) == {"x", "y"}


@pytest.mark.parametrize("empty", [[], {}], ids=["list", "dict"])
def test_transform_empty_raises(empty):
    with pytest.raises(TypeError, match=f"model must be .*got an empty {type(empty).__name__}"):
        PhasePlane1D(empty, target_vars={"x": [-1, 1]})


def test_transform_unsupported_type_raises():
    with pytest.raises(TypeError, match="model must be .*got 12345 of type int"):
        PhasePlane1D(12345, target_vars={"x": [-1, 1]})


def test_transform_noncallable_element_raises():
    with pytest.raises(TypeError, match="model must be .*of type object"):
        PhasePlane1D([object()], target_vars={"x": [-1, 1]})


@pytest.mark.parametrize("second", [lambda x, t: -x, lambda x, t: -2 * x], ids=["ode", "func"])
def test_transform_duplicate_variable_raises(second):
    first = eqbrain.odeint(lambda x, t: -2 * x)
    with pytest.raises(AnalyzerError, match="'x' is integrated by two equations"):
        PhasePlane1D([first, second], target_vars={"x": [-1, 1]})


# -- others_coverage_test.py: initials and plot_durations of plot_trajectory -----------


@pytest.fixture(scope="module")
def plane():
    return PhasePlane2D([dx, dy], target_vars={"x": [-1, 1], "y": [-1, 1]}, resolutions=0.5)


def test_check_initials_ok(plane):
    mon = plane.plot_trajectory({"x": [1.0, 2.0], "y": [3.0, 4.0]}, duration=1.0, dt=0.1,
                                with_return=True)  # fmt: skip
    assert mon["x"].shape == mon["y"].shape == (11, 2)
    np.testing.assert_allclose(mon["x"][0], [1.0, 2.0])
    # each variable one RK4 step with the other held (as BrainPy steps separate
    # integrators): x - y is multiplied by 2 r - 1 a step, r = RK4's factor for e^-dt;
    # x + y is conserved
    h = 0.1
    r = 1 - h + h**2 / 2 - h**3 / 6 + h**4 / 24
    np.testing.assert_allclose(mon["x"][-1] - mon["y"][-1], -2 * (2 * r - 1) ** 10, rtol=1e-5)
    np.testing.assert_allclose(mon["x"][-1] + mon["y"][-1], [4.0, 6.0], rtol=1e-5)


def test_check_initials_missing_var(plane):
    with pytest.raises(
        AnalyzerError, match=r"initials must give a start for each of \['x', 'y'\]"
    ):
        plane.plot_trajectory({"x": [1.0, 2.0]}, duration=1.0)


def test_check_initials_mismatched_lengths(plane):
    with pytest.raises(AnalyzerError, match="initials must give a start"):
        plane.plot_trajectory({"x": [1.0, 2.0], "y": [3.0]}, duration=1.0)


def drawn_lengths(plane, plot_durations) -> list[int]:
    ax = plt.figure().gca()
    start = {"x": [0.5, -0.5], "y": [0.0, 0.0]}
    plane.plot_trajectory(start, duration=10.0, dt=0.1, plot_durations=plot_durations, ax=ax)
    return [np.size(line.get_xdata()) for line in ax.lines]


def test_check_plot_durations_none(plane):
    assert drawn_lengths(plane, None) == [101, 101]  # the whole run, the start included


def test_check_plot_durations_flat_pair(plane):
    assert drawn_lengths(plane, [1.0, 5.0]) == [41, 41]


def test_check_plot_durations_per_initial(plane):
    assert drawn_lengths(plane, [(0.0, 1.0), (0.5, 2.0)]) == [11, 16]
    with pytest.raises(AnalyzerError, match="plot_durations must be"):
        drawn_lengths(plane, [(0.0, 1.0)] * 3)


# -- others_coverage_test.py: keep_unique, as SlowPointFinder.keep_unique --------------


def holding(points, tolerance: float) -> SlowPointFinder:
    """A finder of `dx = -x` holding `points` as found, then `keep_unique(tolerance)`.
    The loss of a point is its mean square, so the first of a group is the one kept."""
    cell = (lambda h: {k: -v for k, v in h.items()}) if isinstance(points, dict) else None
    finder = SlowPointFinder(cell or (lambda h: -h), f_type="continuous", verbose=False)
    finder.find_fps_with_gd_method(points, num_batch=1, num_opt=1, optimizer=optax.sgd(0.0))
    finder.keep_unique(tolerance)
    return finder


KINDS = [np.asarray, jnp.asarray]  # keep_unique and keep_unique_jax


@pytest.mark.parametrize("array", KINDS, ids=["numpy", "jax"])
def test_keep_unique_array_drops_duplicates(array):
    finder = holding(array([[0.0, 0.0], [0.0, 0.001], [5.0, 5.0]]), tolerance=2.5e-2)
    np.testing.assert_array_equal(finder.selected_ids, [0, 2])
    np.testing.assert_allclose(finder.fixed_points, [[0.0, 0.0], [5.0, 5.0]])


@pytest.mark.parametrize("array", KINDS, ids=["numpy", "jax"])
def test_keep_unique_array_tolerance_nonpositive(array):
    finder = holding(array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]), tolerance=0.0)
    np.testing.assert_array_equal(finder.selected_ids, [0, 1, 2])


@pytest.mark.parametrize("array", KINDS, ids=["numpy", "jax"])
def test_keep_unique_single_point(array):
    finder = holding(array([[1.0, 2.0]]), tolerance=1e-2)
    np.testing.assert_array_equal(finder.selected_ids, [0])


def test_keep_unique_all_collapse_to_one():
    finder = holding(np.array([[0.0, 0.0], [0.001, 0.0], [0.0, 0.001]]), tolerance=1.0)
    np.testing.assert_array_equal(finder.selected_ids, [0])


def test_keep_unique_dict():
    points = {"a": np.array([[0.0], [0.001], [5.0]]), "b": np.array([[0.0], [0.0], [5.0]])}
    finder = holding(points, tolerance=2.5e-2)
    kept = finder.fixed_points
    assert isinstance(kept, dict) and kept["a"].shape == (2, 1)
    np.testing.assert_array_equal(finder.selected_ids, [0, 2])
