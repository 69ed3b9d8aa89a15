"""eqbrain.analysis (bp.analysis): fixed points against analytic roots, their stability
against the analytic Jacobian's eigenvalues, nullclines, trajectories, limit cycles,
slow points, and errors that name the argument and change nothing."""

import matplotlib

matplotlib.use("Agg")

from typing import Any

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import eqbrain  # noqa: E402
from eqbrain.analysis import AnalyzerError  # noqa: E402
from tests.helpers import load_script  # noqa: E402

ex = load_script("examples/phase_plane_fhn.py")
TAU = ex.TAU


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def kind_of(J):
    """The textbook classification from trace and determinant (independent of the
    eigenvalue code under test), in BrainPy's names."""
    J = np.asarray(J, dtype=float)
    tr, det = np.trace(J), np.linalg.det(J)
    disc = tr * tr - 4 * det
    if det < -1e-9:
        return "saddle node"
    if abs(tr) < 1e-9 and det > 1e-9:
        return "center"
    side = "stable" if tr < 0 else "unstable"
    if disc < -1e-9:
        return f"{side} focus"
    if disc > 1e-9:
        return f"{side} node"
    return f"{side} degenerate"


def fhn_roots(Iext, a=0.7, b=0.8):
    """The fixed points of FitzHugh-Nagumo: w = (V + a) / b and the real roots of
    V - V^3/3 - (V + a)/b + Iext = 0."""
    r = np.roots([-1 / 3, 0.0, 1 - 1 / b, Iext - a / b])
    V = np.sort(r[np.abs(r.imag) < 1e-9].real)
    return np.stack([V, (V + a) / b], axis=1)


def rk4(f, y, h):
    k1 = f(y)
    k2 = f(y + h / 2 * k1)
    k3 = f(y + h / 2 * k2)
    k4 = f(y + h * k3)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def fhn_jacobian(V, b=0.8):
    return np.array([[1 - V * V, -1.0], [1 / TAU, -b / TAU]])


# -- the example: phase plane and codimension-1 bifurcation of FitzHugh-Nagumo ---------


@pytest.fixture(scope="module")
def fhn():
    return ex.FitzHughNagumo()


@pytest.fixture(scope="module")
def fhn_bifurcation(fhn, tmp_path_factory):
    png = tmp_path_factory.mktemp("fig") / "bif.png"
    points, pars, jacobians = ex.bifurcation(fhn, step=0.05, png=png)
    return points, pars, jacobians, png


def test_example_phase_plane_finds_the_one_unstable_fixed_point(fhn, tmp_path, capsys):
    png = tmp_path / "pp.png"
    pp, points = ex.phase_plane(fhn, resolution=0.05, png=png)
    np.testing.assert_allclose(points, fhn_roots(1.0), atol=1e-4)
    assert "is an unstable node" in capsys.readouterr().out
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert isinstance(pp, eqbrain.analysis.PhasePlane2D)


def test_bifurcation_fixed_points_are_the_cubic_roots_with_the_analytic_stability(
    fhn_bifurcation,
):
    points, pars, jacobians, png = fhn_bifurcation
    grid = np.round(np.arange(-0.5, 2.0 + 1e-9, 0.05), 6)
    expected = [(I, fp) for I in grid for fp in fhn_roots(I) if -1 <= fp[1] <= 3]
    assert len(points) == len(expected) and png.stat().st_size > 5000
    np.testing.assert_allclose(pars[:, 0], [I for I, _ in expected], atol=1e-9)
    np.testing.assert_allclose(points, [fp for _, fp in expected], atol=1e-4)
    for (V, _), J in zip(points, jacobians):
        np.testing.assert_allclose(J, fhn_jacobian(V), atol=1e-4)
    kinds = [eqbrain.analysis.stability_analysis(J) for J in jacobians]
    assert kinds == [kind_of(fhn_jacobian(fp[0])) for _, fp in expected]
    assert {"stable node", "stable focus", "unstable focus", "unstable node"} <= set(kinds)


def test_limit_cycles_lie_between_the_hopf_points(fhn_bifurcation):
    # Hopf where the trace 1 - V^2 - b/tau vanishes: V = +-sqrt(1 - 0.8/12.5).
    V = np.sqrt(1 - 0.8 / TAU)
    hopf = sorted(v * v * v / 3 - v + (v + 0.7) / 0.8 for v in (-V, V))
    bif = eqbrain.analysis.Bifurcation2D(
        ex.FitzHughNagumo(),
        target_pars={"Iext": [0.0, 1.8]},
        target_vars=ex.TARGETS,
        resolutions={"Iext": 0.1},
    )
    bif.plot_bifurcation(with_plot=False)
    extremes, (Is,) = bif.plot_limit_cycle_by_sim(duration=150.0, dt=0.1, with_return=True)
    grid = np.round(np.arange(0.0, 1.8 + 1e-9, 0.1), 6)
    deep = grid[(grid > hopf[0] + 0.1) & (grid < hopf[1] - 0.1)]
    assert set(deep) <= set(np.round(Is, 6))  # well inside: a cycle at every value
    assert np.all((Is > hopf[0] - 0.1) & (Is < hopf[1] + 0.1))  # none far outside
    assert np.all(extremes[0]["max"] > 1.5) and np.all(extremes[0]["min"] < -1.5)
    assert plt.figure("V").axes[0].get_legend() is not None


# -- PhasePlane2D: three fixed points ---------------------------------------------------


@pytest.fixture(scope="module")
def pp3():
    pars = {"Iext": 0.1, "a": 0.0, "b": 2.0}
    return eqbrain.analysis.PhasePlane2D(
        ex.FitzHughNagumo(), target_vars=ex.TARGETS, pars_update=pars, resolutions=0.05
    )


def test_three_fixed_points_and_their_kinds(pp3):
    points, kinds = pp3.find_fixed_points()
    expected = fhn_roots(0.1, a=0.0, b=2.0)
    assert len(expected) == 3
    np.testing.assert_allclose(points, expected, atol=1e-4)
    assert kinds == [kind_of(fhn_jacobian(V, b=2.0)) for V in expected[:, 0]]
    assert kinds[1] == "saddle node"
    for how in ("aux_rank", "nullclines", "fx-nullcline"):
        again, _ = pp3.find_fixed_points(select_candidates=how)
        np.testing.assert_allclose(again, expected, atol=1e-4)


def test_nullclines_vector_field_and_drawing(pp3):
    fig, ax = plt.subplots()
    found = pp3.plot_nullcline(with_return=True, ax=ax, coords={"w": "w-V"})
    V, w = found["V"]
    assert len(V) > 100
    np.testing.assert_allclose(V - V**3 / 3 - w + 0.1, 0.0, atol=1e-4)
    V, w = found["w"]
    np.testing.assert_allclose(V - 2.0 * w, 0.0, atol=1e-5)
    assert len(np.unique(np.round(V, 6))) == len(V)  # solved for w once at each V
    dx, dy = pp3.plot_vector_field(with_return=True, ax=ax)
    Vg, wg = np.meshgrid(pp3.resolutions["V"], pp3.resolutions["w"])
    np.testing.assert_allclose(dx, Vg - Vg**3 / 3 - wg + 0.1, atol=1e-4)
    np.testing.assert_allclose(dy, (Vg - 2.0 * wg) / TAU, atol=1e-6)
    pp3.plot_vector_field(plot_method="quiver", ax=ax)
    pp3.plot_fixed_point(ax=ax)
    labels = ax.get_legend_handles_labels()[1]
    assert {"V nullcline", "w nullcline", "saddle node"} <= set(labels)
    assert ax.get_xlabel() == "V" and ax.get_ylabel() == "w"


def test_trajectories_run_the_models_integrators_into_the_stable_points(pp3):
    starts = [(2.0, 1.0), (-2.0, -0.5)]
    mon = pp3.plot_trajectory(starts, duration=300.0, dt=0.1, with_return=True)
    assert mon.V.shape == (3001, 2) and mon.ts[-1] == pytest.approx(300.0)
    np.testing.assert_allclose(mon.V[0], [2.0, -2.0])
    fps = fhn_roots(0.1, a=0.0, b=2.0)
    np.testing.assert_allclose(mon.V[-1], fps[[2, 0], 0], atol=1e-3)
    # each variable's own rk4 step, the other held (as BrainPy steps separate integrators)
    V1 = rk4(lambda V: ex.dV(V, 0.0, 1.0, 0.1), 2.0, 0.1)
    w1 = rk4(lambda w: (2.0 - 2.0 * w) / TAU, 1.0, 0.1)
    np.testing.assert_allclose([mon.V[1, 0], mon.w[1, 0]], [V1, w1], rtol=1e-6)
    pp3.plot_trajectory(starts, duration=10.0, dt=0.1, axes="t-v", plot_durations=(2.0, 8.0))
    cycles = pp3.plot_limit_cycle_by_sim(starts, duration=100.0, dt=0.1, with_return=True)
    assert cycles == [None, None]  # both runs settle on a fixed point


class FHNMethod(eqbrain.DynamicalSystem):
    """FitzHugh-Nagumo as one integrator of the module's own method."""

    integral: eqbrain.ODEIntegrator
    b: jax.Array

    def __init__(self):
        super().__init__()
        self.b = jnp.asarray(0.8)
        self.integral = eqbrain.odeint(self.derivative, method="rk4")

    def derivative(self, V, w, t, Iext=0.0):
        return ex.dV(V, t, w, Iext), (V + 0.7 - self.b * w) / TAU


def test_every_form_of_model_gives_the_same_field():
    def both(V, w, t, Iext=0.0, a=0.7, b=0.8):
        return ex.dV(V, t, w, Iext), ex.dw(w, t, V, a, b)

    forms = {
        "integrators": [eqbrain.odeint(ex.dV), eqbrain.odeint(ex.dw)],
        "functions": (ex.dV, ex.dw),
        "one function": both,
        "JointEq": eqbrain.odeint(eqbrain.JointEq(ex.dV, ex.dw)),
        "system": ex.FitzHughNagumo(),
        "method of a system": FHNMethod(),
    }
    fields = {}
    for name, model in forms.items():
        pp = eqbrain.analysis.PhasePlane2D(
            model, target_vars=ex.TARGETS, pars_update={"Iext": 0.5}, resolutions=0.5
        )
        fields[name] = pp.plot_vector_field(with_plot=False, with_return=True)
    V, w = np.meshgrid(np.arange(-3, 3.01, 0.5), np.arange(-1, 3.01, 0.5))
    for name, (dx, dy) in fields.items():
        np.testing.assert_allclose(dx, V - V**3 / 3 - w + 0.5, atol=1e-5, err_msg=name)
        np.testing.assert_allclose(dy, (V + 0.7 - 0.8 * w) / TAU, atol=1e-6, err_msg=name)


# -- 1D systems -------------------------------------------------------------------------

R = (-1.234, 0.567, 1.89)


def cubic(x, t, s=1.0):
    return -s * (x - R[0]) * (x - R[1]) * (x - R[2])


def test_phase_plane_1d_roots_and_kinds(capsys):
    pp = eqbrain.analysis.PhasePlane1D(cubic, target_vars={"x": [-2, 3]}, resolutions=0.01)
    points, kinds = pp.find_fixed_points()
    np.testing.assert_allclose(points, np.sort(np.roots(np.poly(R)).real), atol=1e-5)
    assert kinds == ["stable point", "unstable point", "stable point"]
    fig, ax = plt.subplots()
    values = pp.plot_vector_field(with_return=True, ax=ax)
    np.testing.assert_allclose(values, cubic(pp.resolutions["x"], 0.0), atol=1e-4)
    np.testing.assert_allclose(pp.plot_fixed_point(with_return=True, ax=ax), points)
    assert "Fixed point #2 at x=0.567 is an unstable point." in capsys.readouterr().out


def test_bifurcation_1d_codimension_1_and_2():
    def normal_form(x, t, mu, nu=0.0):
        return mu + nu * x - x**3

    bif = eqbrain.analysis.Bifurcation1D(
        normal_form,
        target_pars={"mu": [-1, 1]},
        target_vars={"x": [-2, 2]},
        resolutions={"mu": 0.25, "x": 0.01},
    )
    xs, pars, dfdx = bif.plot_bifurcation(with_return=True)
    np.testing.assert_allclose(xs, np.cbrt(pars[:, 0]), atol=1e-4)
    np.testing.assert_allclose(dfdx, -3 * xs**2, atol=1e-3)
    bif2 = eqbrain.analysis.Bifurcation1D(
        normal_form,
        target_pars={"mu": [-0.5, 0.5], "nu": [0.0, 2.0]},
        target_vars={"x": [-2, 2]},
        resolutions={"mu": 0.25, "nu": 0.5, "x": 0.01},
    )
    xs, pars, _ = bif2.plot_bifurcation(with_return=True)
    for mu, nu in np.unique(pars, axis=0):
        r = np.roots([-1.0, 0.0, nu, mu])
        r = np.sort(r[np.abs(r.imag) < 1e-9].real)
        r = r[np.abs(normal_form(r, 0, mu, nu)) < 1e-9]
        found = np.sort(xs[np.all(pars == (mu, nu), axis=1)])
        if len(found) == len(r):
            np.testing.assert_allclose(found, r, atol=1e-4)
        else:  # a double root (tangency) has no sign change: only the simple ones
            assert all(np.min(np.abs(r - f)) < 1e-4 for f in found)
    assert plt.figure("x").axes[0].name == "3d"


def test_fast_slow_1d_bifurcation_and_trajectory():
    fast = eqbrain.odeint(lambda x, t, y: x - x**3 / 3 - y, method="rk4")
    slow = eqbrain.odeint(lambda y, t, x: 0.05 * (x + 0.7 - 0.8 * y), method="rk4")
    fs = eqbrain.analysis.FastSlow1D(
        [fast, slow],
        fast_vars={"x": [-3, 3]},
        slow_vars={"y": [-1, 1]},
        resolutions={"x": 0.1, "y": 0.1},
    )
    xs, ys, _ = fs.plot_bifurcation(with_return=True)
    for y in np.unique(ys):
        r = np.roots([-1 / 3, 0, 1, -y])
        r = np.sort(r[np.abs(r.imag) < 1e-9].real)
        np.testing.assert_allclose(np.sort(xs[ys[:, 0] == y]), r, atol=1e-4)
    mon = fs.plot_trajectory({"x": [1.0], "y": [0.5]}, duration=20.0, dt=0.1, with_return=True)
    assert set(mon) == {"ts", "x", "y"} and mon.x.shape == (201, 1)
    assert mon.y[-1, 0] != 0.5  # the slow variable moves too
    labels = plt.figure("x").axes[0].get_legend_handles_labels()[1]
    assert "traj0" in labels


def test_fast_slow_2d_is_the_fast_subsystem_over_the_slow_variable():
    dz = eqbrain.odeint(lambda z, t, V: 0.001 * (0.5 - V), method="rk4")
    fhn = ex.FitzHughNagumo()
    model = [fhn.int_V, fhn.int_w, dz]
    with pytest.raises(AnalyzerError, match="slow_vars names 'q'.*state variable or parameter"):
        eqbrain.analysis.FastSlow2D(model, fast_vars=ex.TARGETS, slow_vars={"q": [0, 1]})

    def dV(V, t, w, z):
        return V - V**3 / 3 - w + z

    fs = eqbrain.analysis.FastSlow2D(
        [eqbrain.odeint(dV), fhn.int_w, dz],
        fast_vars=ex.TARGETS,
        slow_vars={"z": [0.0, 1.0]},
        resolutions={"z": 0.25},
    )
    points, zs, _ = fs.plot_bifurcation(with_return=True)
    np.testing.assert_allclose(points, np.concatenate([fhn_roots(z) for z in zs[:, 0]]), atol=1e-4)
    mon = fs.plot_trajectory({"V": [0.0], "w": [0.0], "z": [0.2]}, 5.0, dt=0.1, with_return=True)
    assert mon.z.shape == (51, 1)


# -- stability --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "J, kind",
    [
        (-0.5, "stable point"),
        (0.5, "unstable point"),
        (0.0, "saddle node"),
        ([[-1, 0], [0, -1]], "stable star"),
        ([[2, 0], [0, 2]], "unstable star"),
        ([[-1, 1], [0, -1]], "stable degenerate"),
        ([[1, 1], [0, 1]], "unstable degenerate"),
        ([[0, 1], [-1, 0]], "center"),
        ([[-1, 2], [-2, -1]], "stable focus"),
        ([[1, 2], [-2, 1]], "unstable focus"),
        ([[-1, 0], [0, -3]], "stable node"),
        ([[1, 0], [0, 3]], "unstable node"),
        ([[1, 0], [0, -3]], "saddle node"),
        ([[0, 0], [0, -1]], "center manifold"),
        ([[0, 0], [0, 1]], "unstable line"),
    ],
)
def test_stability_analysis_names(J, kind):
    assert eqbrain.analysis.stability_analysis(J) == kind
    types = eqbrain.analysis.get_2d_stability_types() + eqbrain.analysis.get_1d_stability_types()
    assert kind in types


def test_stability_analysis_refuses_what_it_cannot_classify():
    with pytest.raises(AnalyzerError, match="1D, 2D and 3D.*decompose_eigenvalues"):
        eqbrain.analysis.stability_analysis(np.eye(4))
    with pytest.raises(AnalyzerError, match="finite"):
        eqbrain.analysis.stability_analysis([[np.nan, 0], [0, 1]])


def test_linear_systems_codimension_2():
    x0, y0 = 0.3, -0.2

    def dx(x, t, y, a, b):
        return a * (x - x0) + (y - y0)

    def dy(y, t, x, a, b):
        return b * (x - x0) + a * (y - y0)

    a_grid, b_grid = np.array([-1.0, -0.3, 0.0, 0.3, 1.0]), np.array([-1.0, 0.25, 4.0])
    bif = eqbrain.analysis.Bifurcation2D(
        [dx, dy],
        target_pars={"a": [-1, 1], "b": [-1, 4]},
        target_vars={"x": [-1, 1], "y": [-1, 1]},
        resolutions={"a": a_grid, "b": b_grid},
    )
    points, pars, jacobians = bif.plot_bifurcation(with_return=True)
    assert len(points) == 15
    np.testing.assert_allclose(points, np.tile([x0, y0], (15, 1)), atol=1e-5)
    analytic = [np.array([[a, 1.0], [b, a]]) for a, b in pars]
    np.testing.assert_allclose(jacobians, analytic, atol=1e-6)
    kinds = [eqbrain.analysis.stability_analysis(J) for J in jacobians]
    assert kinds == [kind_of(J) for J in analytic]
    assert {"center", "stable focus", "unstable focus", "saddle node"} <= set(kinds)
    assert plt.figure("x").axes[0].name == "3d"


# -- slow points ------------------------------------------------------------------------

C, RAD = np.array([0.2, -0.1, 0.0]), 0.5


def cubic_field(h):
    d = h - C
    return -d * (d * d - RAD**2)


def test_slow_points_of_a_function_are_the_analytic_ones():
    finder = eqbrain.analysis.SlowPointFinder(cubic_field, f_type="continuous", verbose=False)
    candidates = np.random.uniform(-1, 1, (64, 3))
    finder.find_fps_with_gd_method(candidates, tolerance=1e-12, num_batch=200, num_opt=2000)
    assert finder.opt_losses.shape[0] >= 200
    finder.filter_loss(1e-10)
    finder.keep_unique(0.05)
    fps = finder.fixed_points
    assert finder.num_fps >= 5
    levels = np.stack([C - RAD, C, C + RAD])  # each coordinate is one of three roots
    assert np.all(np.min(np.abs(fps[:, None, :] - levels[None]), axis=1) < 1e-4)
    J = finder.compute_jacobians(fps)
    d = fps - C
    np.testing.assert_allclose(J, jax.vmap(jnp.diag)(-3 * d**2 + RAD**2), atol=1e-4)
    one = finder.compute_jacobians(fps[0])
    np.testing.assert_allclose(one[0], J[0])
    eig = finder.decompose_eigenvalues(J, sort_by="real", do_compute_lefts=True)
    assert np.all(np.diff(eig[0]["eig_values"].real) <= 0)
    np.testing.assert_allclose(eig[0]["L"].T @ eig[0]["R"], np.eye(3), atol=1e-5)
    finder.compute_jacobians(fps[:2], plot=True)
    assert len(plt.gcf().axes) == 2
    n = finder.num_fps
    finder.exclude_outliers(tolerance=10.0)  # every point has a neighbour within 10
    assert finder.num_fps == n
    finder.exclude_outliers(tolerance=0.4)  # the roots are 0.5 apart in each coordinate
    assert finder.num_fps == 0


class Bistable(eqbrain.DynamicalSystem):
    x: eqbrain.Variable
    other: eqbrain.Variable
    input: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.x = eqbrain.Variable(jnp.zeros(2))
        self.other = eqbrain.Variable(jnp.ones(1))
        self.input = eqbrain.Variable(jnp.zeros(2))

    def update(self, bias):
        dt = eqbrain.share.load("dt")
        x = self.x.value
        drive = bias + self.input.value + self.other.value
        self.x.value = x + dt * (x - x**3 + drive)
        self.input.value = jnp.zeros(2)


def test_slow_points_of_a_dynamical_system_leave_it_unchanged():
    model = Bistable()
    before = {k: np.asarray(v.value) for k, v in model.vars().items()}
    finder = eqbrain.analysis.SlowPointFinder(
        model,
        args=(-1.0,),
        target_vars={"x": model.x},
        inputs=(model.input, 0.1),
        dt=0.1,
        verbose=False,
    )
    finder.find_fps_with_opt_solver({"x": np.random.uniform(-2, 2, (32, 2))})
    finder.filter_loss(1e-12)
    finder.keep_unique(0.01)
    roots = np.roots([-1.0, 0.0, 1.0, 0.1])  # x - x^3 + (-1 + 0.1 + 1) = 0
    xs = finder.fixed_points["x"]
    assert 1 <= finder.num_fps <= 9
    assert np.all(np.min(np.abs(xs[..., None] - roots.real), axis=-1) < 1e-4)
    J = finder.compute_jacobians(finder.fixed_points)
    np.testing.assert_allclose(J, jax.vmap(jnp.diag)(1 + 0.1 * (1 - 3 * xs**2)), atol=1e-4)
    by_name = finder.compute_jacobians(finder.fixed_points, stack_dict_var=False)
    np.testing.assert_allclose(by_name["x"]["x"], J, atol=1e-6)
    after = {k: np.asarray(v.value) for k, v in model.vars().items()}
    assert after.keys() == before.keys()
    for k in before:
        np.testing.assert_array_equal(after[k], before[k])


def test_slow_point_finder_errors_name_the_argument():
    SPF = eqbrain.analysis.SlowPointFinder
    with pytest.raises(AnalyzerError, match="f_type must be 'continuous'"):
        SPF(cubic_field)
    with pytest.raises(AnalyzerError, match="target_vars applies when f_cell is a Dyn"):
        SPF(cubic_field, f_type="continuous", target_vars={})
    model, stranger = Bistable(), Bistable()
    with pytest.raises(AnalyzerError, match=r"target_vars\['x'\] must be a Variable of"):
        SPF(model, target_vars={"x": stranger.x})
    with pytest.raises(AnalyzerError, match="inputs must be"):
        SPF(model, inputs=(stranger.input, 1.0))
    default = SPF(model, args=(0.0,), verbose=False)
    assert set(default.target_vars) == {"x", "other", "input"}  # every float Variable
    fewer = SPF(model, args=(0.0,), excluded_vars=[model.other], verbose=False)
    assert set(fewer.target_vars) == {"x", "input"}
    with pytest.raises(AnalyzerError, match="target_vars or excluded_vars, not both"):
        SPF(model, target_vars={"x": model.x}, excluded_vars=[model.other])
    finder = SPF(model, args=(0.0,), target_vars={"x": model.x}, verbose=False)
    with pytest.raises(AnalyzerError, match="candidates must be a dict"):
        finder.find_fps_with_opt_solver(np.zeros((4, 2)))
    with pytest.raises(AnalyzerError, match=r"candidates\['x'\] must have shape"):
        finder.find_fps_with_opt_solver({"x": np.zeros((4, 3))})
    with pytest.raises(AnalyzerError, match="call find_fps_with_gd_method"):
        finder.filter_loss()
    with pytest.raises(AnalyzerError, match="opt_solver must be one of"):
        finder.find_fps_with_opt_solver({"x": np.zeros((4, 2))}, opt_solver="LBFGS")
    with pytest.raises(TypeError, match="optimizer must be an optax optimizer"):
        finder.find_fps_with_gd_method({"x": np.zeros((4, 2))}, optimizer="adam")  # pyright: ignore[reportArgumentType]
    assert finder.num_fps == 0


# -- bad input --------------------------------------------------------------------------


def fhn_pp(**kw):
    args: dict[str, Any] = dict(target_vars=dict(ex.TARGETS), pars_update={"Iext": 1.0})
    args.update(kw)
    return eqbrain.analysis.PhasePlane2D([eqbrain.odeint(ex.dV), eqbrain.odeint(ex.dw)], **args)


W = [-1, 3]
BAD_INPUT = [
    (dict(target_vars={"V": [-3, 3]}), "PhasePlane2D analyses 2 variables.*PhasePlane1D"),
    (dict(target_vars={"V": [3, -3], "w": W}), r"target_vars\['V'\] must be a range"),
    (dict(target_vars={"V": [0.0], "w": W}), r"target_vars\['V'\] must be a range"),
    (dict(target_vars={"V": [-3, np.inf], "w": W}), r"target_vars\['V'\]"),
    (dict(target_vars={"V": [-3, 3], "u": W}), "target_vars names 'u', which is not a state"),
    (dict(target_vars=[("V", -3, 3)]), "target_vars must be a dict"),
    (dict(fixed_vars={"u": 1.0}), "fixed_vars names 'u'"),
    (dict(fixed_vars={"Iext": 1.0}), r"'Iext' is a parameter: set it with pars_update"),
    (dict(pars_update={"w": 1.0}), r"'w' is a state variable: hold it with fixed_vars"),
    (dict(fixed_vars={"V": 1.0}), "'V' is in both target_vars and fixed_vars"),
    (
        dict(pars_update={"Iext": 1.0, "c": 2.0}),
        r"pars_update names 'c', which is not a parameter.*\['Iext', 'a', 'b'\]",
    ),
    (dict(pars_update={"Iext": "x"}), r"pars_update\['Iext'\] must be a finite number"),
    (dict(resolutions=-0.1), r"resolutions\['V'\] must be a positive step"),
    (dict(resolutions={"Iext": 0.1}), "resolutions names 'Iext'"),
    (dict(resolutions={"V": [0.0, -1.0]}), "increasing"),
    (dict(resolutions=1e-4), "resolutions make a grid of"),
    (dict(options={"y_by_x_in_fy": None}), "options"),
]


@pytest.mark.parametrize("kw, match", BAD_INPUT)
def test_bad_input_names_the_argument_and_changes_nothing(kw, match):
    given = {k: (dict(v) if isinstance(v, dict) else v) for k, v in kw.items()}
    error = TypeError if isinstance(kw.get("target_vars"), list) else AnalyzerError
    with pytest.raises(error, match=match):
        fhn_pp(**kw)
    assert kw == given  # the arguments are not modified


def test_missing_values_name_fixed_vars_and_pars_update():
    def dw_free(w, t, V, gain):
        return (V - w) * gain

    with pytest.raises(AnalyzerError, match=r"read \['w'\].*fixed_vars=\{'w': 0.0\}"):
        eqbrain.analysis.PhasePlane1D(
            [eqbrain.odeint(ex.dV), eqbrain.odeint(ex.dw)], target_vars={"V": [-3, 3]}
        )
    with pytest.raises(AnalyzerError, match=r"parameter \['gain'\].*pars_update=\{'gain'"):
        eqbrain.analysis.PhasePlane2D(
            [eqbrain.odeint(ex.dV), eqbrain.odeint(dw_free)], target_vars=dict(ex.TARGETS)
        )
    with pytest.raises(AnalyzerError, match="holds no integrator"):
        eqbrain.analysis.PhasePlane1D(Bistable(), target_vars={"x": [0, 1]})
    with pytest.raises(TypeError, match="model must be an integrator"):
        eqbrain.analysis.PhasePlane1D(3.0, target_vars={"x": [0, 1]})


def test_bad_calls_name_the_argument():
    pp = fhn_pp(resolutions=0.5)
    for call, match in [
        (lambda: pp.plot_vector_field(plot_method="arrows"), "plot_method"),
        (lambda: pp.plot_nullcline(coords={"V": "V-x"}), r"coords\['V'\]"),
        (lambda: pp.find_fixed_points(select_candidates="best"), "select_candidates"),
        (lambda: pp.plot_trajectory({"V": [0.0]}, 10.0), "initials must give a start for"),
        (lambda: pp.plot_trajectory((0.0, 1.0), -1.0), "duration must be a positive"),
        (lambda: pp.plot_trajectory((0.0, 1.0), 1.0, dt=0), "dt must be a positive"),
        (lambda: pp.plot_trajectory((0.0, 1.0), 1.0, axes="x-y"), "axes must be"),
        (lambda: pp.plot_trajectory((0.0, 1.0), 1.0, plot_durations=(2, 1)), "plot_durations"),
    ]:
        with pytest.raises(AnalyzerError, match=match):
            call()
    bif_args: dict[str, Any] = dict(target_vars=dict(ex.TARGETS))
    with pytest.raises(AnalyzerError, match="needs target_pars"):
        eqbrain.analysis.Bifurcation2D(ex.FitzHughNagumo(), target_pars={}, **bif_args)
    bif = eqbrain.analysis.Bifurcation2D(
        ex.FitzHughNagumo(), target_pars={"Iext": [0, 1]}, **bif_args
    )
    with pytest.raises(AnalyzerError, match="call plot_bifurcation"):
        bif.plot_limit_cycle_by_sim()
    with pytest.raises(AnalyzerError, match="one or two parameters"):
        eqbrain.analysis.Bifurcation2D(
            ex.FitzHughNagumo(),
            target_pars={"Iext": [0, 1], "a": [0, 1], "b": [0.5, 1]},
            **bif_args,
        )
