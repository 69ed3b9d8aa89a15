"""Parity with BrainPy 2.8's tests of `SlowPointFinder`:
`brainpy/analysis/highdim/slow_points_test.py` (4 cases) and
`slow_points_coverage_test.py` (34, its parametrized cases counted once per parameter).

- Out of scope: none.
- In scope (38): 35 pass; 3 are differences on purpose (`xfail(strict=True)`, listed in
  `docs/migrating.md`): eqbrain takes points of any shape, so a `(2, 2, 2)` array is two
  points of shape `(2, 2)` (BrainPy refuses it) and `find_fps_with_opt_solver` takes a
  Variable of any shape (BrainPy only 1D ones); and `inputs` cannot be a function that
  writes the model, since the finder steps a copy and never writes the model.

The decision-making field and the Hodgkin-Huxley neuron of `slow_points_test.py` are
compared with BrainPy's numbers (`tests/data/brainpy_analysis_highdim/`): the saddle
BFGS finds, the Jacobian and eigenvalues there, the loss after each Adam step, and the
one-step Jacobian of the neuron. The coverage file's systems (`dx = -x`, `dx = x - x^3`)
are checked against their analytic fixed points and Jacobians. BrainPy's errors are
`ValueError`, `TypeError` or its `UnsupportedError`; eqbrain's are
`eqbrain.analysis.AnalyzerError` (a `ValueError`) or `TypeError`, each naming the
argument. BrainPy's `bm.random.RandomState(seed).random(shape)` is NumPy's uniform
draws here (the recorded candidates where numbers are compared).
"""

from __future__ import annotations

import json
import pathlib

import matplotlib

matplotlib.use("Agg")

import jax.numpy as jnp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
import pytest  # noqa: E402

import eqbrain  # noqa: E402
from eqbrain.analysis import AnalyzerError, SlowPointFinder  # noqa: E402

DATA = pathlib.Path(__file__).parents[1] / "data" / "brainpy_analysis_highdim"
REF = json.loads((DATA / "reference.json").read_text())
RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def linear(x):
    return -x


def quiet(f_cell=linear, **kw) -> SlowPointFinder:
    kw.setdefault("f_type", "continuous")
    return SlowPointFinder(f_cell, verbose=False, **kw)


# -- slow_points_test.py: a two-variable decision-making field -------------------------

GAMMA, TAU, A, B, D = 0.641, 0.06, 270.0, 108.0, 0.154
JE, JI, JA, MU, COH, IB = 0.3725, -0.1137, 0.00117, 20.0, 0.5, 0.3297


def rate(current):
    x = A * current - B
    return x / (1.0 - jnp.exp(-D * x))


def decision(s):
    i1 = JE * s[0] + JI * s[1] + IB + JA * MU * (1.0 + COH)
    i2 = JE * s[1] + JI * s[0] + IB + JA * MU * (1.0 - COH)
    ds1 = -s[0] / TAU + (1.0 - s[0]) * GAMMA * rate(i1)
    ds2 = -s[1] / TAU + (1.0 - s[1]) * GAMMA * rate(i2)
    return jnp.stack([ds1, ds2])


DM = REF["decision"]
DM_CANDIDATES = np.asarray(DM["candidates"], np.float32)


def test_opt_solver_for_func1():
    finder = SlowPointFinder(decision, f_type="continuous", verbose=False)
    finder.find_fps_with_opt_solver(DM_CANDIDATES)
    finder.filter_loss(1e-8)
    finder.keep_unique(1e-3)
    # BrainPy's BFGS reports success (in float32) only at the saddle; eqbrain keeps the
    # two stable states as well
    saddle = np.asarray(DM["bfgs_points"][0])
    assert len(DM["bfgs_points"]) == 1 and 2 <= finder.num_fps <= 3
    found = finder.fixed_points
    near = np.argmin(np.linalg.norm(found - saddle, axis=1))
    np.testing.assert_allclose(found[near], saddle, atol=2e-5)
    assert np.all(finder.losses < 1e-8)
    J = finder.compute_jacobians(saddle)
    np.testing.assert_allclose(J, DM["jacobians"], rtol=1e-4, atol=1e-3)
    eig = finder.decompose_eigenvalues(J)[0]["eig_values"]
    np.testing.assert_allclose(eig.real, DM["eig_values_real"][0], rtol=1e-4)


def test_gd_method_for_func1():
    finder = SlowPointFinder(decision, f_type="continuous", verbose=False)
    finder.find_fps_with_gd_method(DM_CANDIDATES, num_opt=100)
    assert finder.opt_losses.shape == (100,) and finder.num_fps == 100
    # the same Adam steps: the mean loss of the candidates after each step is BrainPy's
    np.testing.assert_allclose(finder.opt_losses[:3], DM["gd_opt_losses"][:3], rtol=1e-3)
    np.testing.assert_allclose(finder.opt_losses, DM["gd_opt_losses"], rtol=0.2)


# -- slow_points_test.py: a Hodgkin-Huxley neuron, one step of exponential Euler --------

HH_REF = REF["hh"]
HH_CANDIDATES = {k: np.asarray(v, np.float32) for k, v in HH_REF["candidates"].items()}


def exp_euler(x, f, a, dt):
    """One exponential Euler step of `dx = f`, linear part `a = df/dx` (BrainPy's
    `ExponentialEuler`): `x + (e^(a dt) - 1) / a * f`."""
    return x + jnp.expm1(a * dt) / a * f


class HH(eqbrain.DynamicalSystem):
    """The neuron of BrainPy's test: each variable one exponential Euler step from the
    values before the step; `input` is read and cleared."""

    V: eqbrain.Variable
    m: eqbrain.Variable
    h: eqbrain.Variable
    n: eqbrain.Variable
    spike: eqbrain.Variable
    input: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.V = eqbrain.Variable(jnp.full(1, -65.0))
        self.m = eqbrain.Variable(jnp.full(1, 0.5))
        self.h = eqbrain.Variable(jnp.full(1, 0.6))
        self.n = eqbrain.Variable(jnp.full(1, 0.32))
        self.spike = eqbrain.Variable(jnp.zeros(1, bool))
        self.input = eqbrain.Variable(jnp.zeros(1))

    def update(self):
        dt = eqbrain.share.load("dt")
        V, m, h, n = self.V.value, self.m.value, self.h.value, self.n.value
        rates = {
            "m": (0.1 * (V + 40) / (1 - jnp.exp(-(V + 40) / 10)), 4.0 * jnp.exp(-(V + 65) / 18)),
            "h": (0.07 * jnp.exp(-(V + 65) / 20), 1 / (1 + jnp.exp(-(V + 35) / 10))),
            "n": (
                0.01 * (V + 55) / (1 - jnp.exp(-(V + 55) / 10)),
                0.125 * jnp.exp(-(V + 65) / 80),
            ),
        }
        gates = {}
        for name, x in (("m", m), ("h", h), ("n", n)):
            alpha, beta = rates[name]
            gates[name] = exp_euler(x, alpha * (1 - x) - beta * x, -(alpha + beta), dt)
        g = 120.0 * m**3 * h + 36.0 * n**4 + 0.03
        dV = -120.0 * m**3 * h * (V - 50.0) - 36.0 * n**4 * (V + 77.0) - 0.03 * (V + 54.387)
        new_V = exp_euler(V, dV + self.input.value, -g, dt)
        self.spike.value = jnp.logical_and(V < 20.0, new_V >= 20.0)
        self.V.value = new_V
        self.m.value, self.h.value, self.n.value = gates["m"], gates["h"], gates["n"]
        self.input.value = jnp.zeros(1)


@pytest.fixture(scope="module")
def hh():
    neuron = HH()
    return neuron, SlowPointFinder(
        neuron, excluded_vars=[neuron.input, neuron.spike], verbose=False
    )


def test_opt_solver_for_ds1(hh):
    neuron, finder = hh
    assert set(finder.target_vars) == {"V", "m", "h", "n"}
    with pytest.raises(AnalyzerError, match="candidates must be a dict"):
        finder.find_fps_with_opt_solver(np.zeros((100, 4)))
    assert finder.num_fps == 0
    few = {k: v[:8] for k, v in HH_CANDIDATES.items()}
    finder.find_fps_with_opt_solver(few)
    points = finder.fixed_points
    assert set(points) == {"V", "m", "h", "n"}
    assert all(points[k].shape == (finder.num_fps, 1) for k in points)
    assert finder.losses.shape == (finder.num_fps,)
    # BrainPy's one-step Jacobian at the same point, variable by variable
    order = HH_REF["jacobian_order"]
    point = {k: np.full((1, 1), HH_REF["point"][k], np.float32) for k in order}
    by_name = finder.compute_jacobians(point, stack_dict_var=False)
    got = np.array([[by_name[r][c][0, 0, 0] for c in order] for r in order])
    np.testing.assert_allclose(got, HH_REF["jacobian"], rtol=1e-4, atol=1e-6)


def test_gd_method_for_func2(hh):
    neuron, finder = hh
    with pytest.raises(AnalyzerError, match="candidates must be a dict"):
        finder.find_fps_with_opt_solver(np.zeros((100, 4)))
    finder.find_fps_with_gd_method(HH_CANDIDATES, num_opt=100)
    assert finder.opt_losses.shape == (100,)
    assert finder.fixed_points["V"].shape == (100, 1)
    # the loss of the candidates, then of each Adam step, as BrainPy's (a dict's loss is
    # the sum over the variables of their mean squared step)
    np.testing.assert_allclose(finder.opt_losses[:10], HH_REF["gd_opt_losses"][:10], rtol=1e-3)
    np.testing.assert_allclose(finder.opt_losses, HH_REF["gd_opt_losses"], rtol=0.1)
    assert neuron.V.value.shape == (1,) and not np.any(np.isnan(neuron.V.value))


# -- slow_points_coverage_test.py: the constructor's checks ---------------------------


class Lin(eqbrain.DynamicalSystem):
    """`dx = -x`, one `odeint` step; `y` decays the same way; `inp` drives `x`."""

    x: eqbrain.Variable
    y: eqbrain.Variable
    inp: eqbrain.Variable
    intg: eqbrain.ODEIntegrator

    def __init__(self):
        super().__init__()
        self.x = eqbrain.Variable(jnp.zeros(1))
        self.y = eqbrain.Variable(jnp.zeros(1))
        self.inp = eqbrain.Variable(jnp.zeros(1))
        self.intg = eqbrain.odeint(lambda x, t, I: -x + I)

    def update(self):
        t = eqbrain.share.load("t")
        self.x.value = self.intg(self.x.value, t, self.inp.value)
        self.y.value = self.intg(self.y.value, t, 0.0)


def test_init_args_must_be_tuple():
    with pytest.raises(TypeError, match="args must be a tuple"):
        quiet(args=[1])


def test_init_target_vars_must_be_dict():
    with pytest.raises(AnalyzerError, match="target_vars applies when f_cell is a Dyn"):
        quiet(target_vars=[1])
    with pytest.raises(TypeError, match="target_vars must be a non-empty dict"):
        SlowPointFinder(Lin(), target_vars=[1], verbose=False)  # pyright: ignore[reportArgumentType]


def test_init_excluded_vars_must_be_sequence():
    with pytest.raises(AnalyzerError, match="excluded_vars applies when f_cell is a Dyn"):
        quiet(excluded_vars=5)
    with pytest.raises(TypeError, match="excluded_vars must be a list of the model's Var"):
        SlowPointFinder(Lin(), excluded_vars=5, verbose=False)  # pyright: ignore[reportArgumentType]


def test_init_excluded_vars_elements_must_be_variable():
    with pytest.raises(AnalyzerError, match="excluded_vars applies"):
        quiet(excluded_vars=[1])
    with pytest.raises(TypeError, match=r"excluded_vars must be a list.*got \[1\]"):
        SlowPointFinder(Lin(), excluded_vars=[1], verbose=False)  # pyright: ignore[reportArgumentType]


def test_init_unknown_f_type():
    with pytest.raises(AnalyzerError, match="f_type must be 'continuous'.*got 'weird'"):
        SlowPointFinder(linear, f_type="weird")


def test_init_non_callable_cell():
    with pytest.raises(TypeError, match="f_cell must be a function.*got 123"):
        quiet(123)


@pytest.mark.parametrize(
    "kw",
    [
        dict(inputs=[("x", 1)]),
        dict(t=1.0),
        dict(dt=1.0),
        dict(target_vars={"x": eqbrain.Variable(jnp.zeros(2))}),
    ],
    ids=["inputs", "t", "dt", "target_vars"],
)
def test_init_callable_only_kwargs_unsupported(kw):
    (name,) = kw
    with pytest.raises(AnalyzerError, match=f"{name} applies when f_cell is a Dyn"):
        quiet(**kw)


def test_init_excluded_vars_for_callable_unsupported():
    with pytest.raises(AnalyzerError, match="excluded_vars applies when f_cell is a Dyn"):
        quiet(excluded_vars=[eqbrain.Variable(jnp.zeros(2))])


@pytest.mark.parametrize("name", ["f_loss_batch", "fun_inputs"])
def test_init_deprecated_kwargs(name):
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{name}'"):
        quiet(**{name: lambda *a: a})


def test_init_target_and_excluded_simultaneously():
    v = eqbrain.Variable(jnp.zeros(2))
    with pytest.raises(AnalyzerError, match="applies when f_cell is a Dyn"):
        quiet(target_vars={"x": v}, excluded_vars=[v])
    model = Lin()
    with pytest.raises(AnalyzerError, match="target_vars or excluded_vars, not both"):
        SlowPointFinder(model, target_vars={"x": model.x}, excluded_vars=[model.y])


@pytest.mark.parametrize("attr", ["opt_losses", "fixed_points", "losses", "selected_ids"])
def test_property_setters_raise(attr):
    finder = quiet()
    with pytest.raises(AttributeError):
        setattr(finder, attr, 1)
    assert finder.num_fps == 0


# -- the optimisation --------------------------------------------------------------------


def test_gd_bad_optimizer_type():
    finder = quiet()
    with pytest.raises(TypeError, match="optimizer must be an optax optimizer"):
        finder.find_fps_with_gd_method(np.ones((5, 2)), optimizer="nope")  # pyright: ignore[reportArgumentType]
    assert finder.num_fps == 0


def test_gd_with_args_and_custom_loss_verbose(capsys):
    def step(x, scale):
        return -x * scale

    finder = SlowPointFinder(
        step, f_type="continuous", args=(2.0,), f_loss=eqbrain.losses.mean_square
    )
    start = RNG.uniform(0, 0.3, (5, 2))
    finder.find_fps_with_gd_method(start, num_opt=200, num_batch=50)
    assert finder.num_fps == 5 and finder.opt_losses.ndim == 1
    # the first loss is that of the candidates: the mean over them of mean((2 x)^2)
    np.testing.assert_allclose(finder.opt_losses[0], np.mean((2 * start) ** 2), rtol=1e-5)
    assert finder.opt_losses[-1] < 1e-3 * finder.opt_losses[0]
    out = capsys.readouterr().out
    assert "Optimizing with" in out and "Batches 1-50" in out


def test_gd_small_num_opt_runs_at_least_one_batch():
    finder = quiet()
    finder.find_fps_with_gd_method(RNG.uniform(0, 0.2, (4, 2)), num_opt=50, num_batch=100)
    assert finder.num_fps == 4
    assert finder.opt_losses.shape == (100,)  # one whole batch


# -- the filters, Jacobians and eigenvalues --------------------------------------------


def test_full_pipeline_callable(capsys):
    finder = SlowPointFinder(linear, f_type="continuous")
    finder.find_fps_with_gd_method(RNG.uniform(0, 0.5, (20, 2)), num_opt=300, num_batch=100)
    assert finder.num_fps == 20
    finder.filter_loss(1e-2)
    finder.keep_unique(tolerance=0.1)
    assert finder.num_fps >= 1
    finder.exclude_outliers(1.0)
    assert finder.losses.ndim == 1 and finder.selected_ids.ndim == 1
    assert "unique fixed points" in capsys.readouterr().out
    J = finder.compute_jacobians(finder.fixed_points)
    assert J.shape == (finder.num_fps, 2, 2)
    np.testing.assert_allclose(J, np.broadcast_to(-np.eye(2), J.shape), atol=1e-6)
    decomp = SlowPointFinder.decompose_eigenvalues(J, sort_by="real", do_compute_lefts=True)
    np.testing.assert_allclose(decomp[0]["eig_values"], [-1.0, -1.0])
    assert decomp[0]["L"] is not None
    np.testing.assert_allclose(decomp[0]["L"].T @ decomp[0]["R"], np.eye(2), atol=1e-6)


def cubic(x):
    return x - x**3


def test_exclude_outliers_removes_with_multiple_fps():
    rng = np.random.default_rng(11)
    start = np.concatenate([rng.normal(-1, 0.05, (8, 1)), rng.normal(1, 0.05, (8, 1))])
    finder = quiet(cubic)
    finder.find_fps_with_gd_method(start, num_opt=400, num_batch=100)
    finder.filter_loss(1e-3)
    finder.keep_unique(0.1)
    assert finder.num_fps == 2
    np.testing.assert_allclose(np.sort(finder.fixed_points[:, 0]), [-1.0, 1.0], atol=0.02)
    finder.exclude_outliers(5.0)  # each is within 5 of the other
    assert finder.num_fps == 2
    finder.exclude_outliers(1.0)  # they are 2 apart
    assert finder.num_fps == 0


def test_exclude_outliers_early_returns():
    finder = quiet()
    finder.find_fps_with_gd_method(RNG.uniform(0, 0.1, (5, 2)), num_opt=200, num_batch=50)
    before = finder.fixed_points
    finder.exclude_outliers(np.inf)
    np.testing.assert_array_equal(finder.fixed_points, before)
    finder.keep_unique(tolerance=1.0)
    assert finder.num_fps == 1
    finder.exclude_outliers(1.0)  # a single point has no neighbour, and stays
    assert finder.num_fps == 1


def test_opt_solver_and_jacobian_plot():
    finder = SlowPointFinder(linear, f_type="continuous")
    finder.find_fps_with_opt_solver(RNG.uniform(0, 0.3, (10, 2)))
    assert finder.num_fps == 10
    np.testing.assert_allclose(finder.fixed_points, 0.0, atol=1e-3)
    pts = np.array([[0.0, 0.0], [0.01, 0.0], [0.0, 0.01], [0.02, 0.0], [0.0, 0.02]])
    J = finder.compute_jacobians(pts, plot=True, num_col=2)
    assert J.shape == (5, 2, 2)
    assert len(plt.gcf().axes) == 5  # one panel per point, 2 columns by 3 rows
    decomp = SlowPointFinder.decompose_eigenvalues(J, sort_by="magnitude")
    assert len(decomp) == 5 and decomp[0]["L"] is None


def test_compute_jacobians_1d_point():
    J = quiet().compute_jacobians(np.array([0.0, 0.0]))
    np.testing.assert_array_equal(J, [-np.eye(2)])


@pytest.mark.xfail(
    strict=True, reason="eqbrain takes points of any shape: (2, 2, 2) is two (2, 2) points"
)
def test_compute_jacobians_3d_points_error():
    with pytest.raises(ValueError):
        quiet().compute_jacobians(np.zeros((2, 2, 2)))


def test_decompose_eigenvalues_bad_sort():
    with pytest.raises(AnalyzerError, match="sort_by must be 'magnitude' or 'real'.*'nope'"):
        SlowPointFinder.decompose_eigenvalues(np.stack([np.eye(2)]), sort_by="nope")


# -- a DynamicalSystem ------------------------------------------------------------------


@pytest.fixture(scope="module")
def lin():
    return Lin()


def test_ds_check_candidates_errors(lin):
    finder = SlowPointFinder(lin, target_vars={"x": lin.x}, verbose=False)
    with pytest.raises(AnalyzerError, match="candidates must be a dict.*'x'"):
        finder.find_fps_with_gd_method(np.zeros((5, 1)))
    with pytest.raises(AnalyzerError, match=r"one array per target variable, \['x'\].*wrong"):
        finder.find_fps_with_gd_method({"wrong": np.zeros((5, 1))})
    assert finder.num_fps == 0


def test_ds_full_pipeline_and_jacobian(lin):
    finder = SlowPointFinder(lin, target_vars={"x": lin.x}, verbose=False)
    finder.find_fps_with_gd_method({"x": RNG.uniform(0, 0.4, (6, 1))}, num_opt=300)
    assert finder.num_fps == 6
    finder.filter_loss(1e2)
    finder.keep_unique(tolerance=0.1)
    finder.exclude_outliers(1.0)
    J = finder.compute_jacobians({"x": finder.fixed_points["x"]})
    # one Euler step of dx = -x with dt = 0.1: x -> 0.9 x
    np.testing.assert_allclose(J, np.full((finder.num_fps, 1, 1), 1 - eqbrain.dyn.get_dt()))


def test_ds_target_vars_subset_makes_rest_excluded(lin):
    finder = SlowPointFinder(lin, target_vars={"x": lin.x}, verbose=False)
    assert list(finder.target_vars) == ["x"]
    assert set(finder.excluded_vars) == {"y", "inp"}
    finder.find_fps_with_gd_method({"x": RNG.uniform(0, 1, (4, 1))}, num_opt=150, num_batch=50)
    assert finder.num_fps == 4


def test_ds_with_fixed_inputs(lin):
    finder = SlowPointFinder(
        lin, excluded_vars=[lin.inp], inputs=(lin.inp, 0.5, "fix", "="), verbose=False
    )
    assert set(finder.target_vars) == {"x", "y"}
    start = {"x": RNG.uniform(0, 1, (4, 1)), "y": RNG.uniform(0, 1, (4, 1))}
    # the loss: the mean over the 4 points of dt^2 ((x - 0.5)^2 + y^2), so each step of
    # gradient descent at a rate of 100 halves the distance to the fixed point
    finder.find_fps_with_gd_method(start, num_opt=40, num_batch=40, optimizer=optax.sgd(100.0))
    assert finder.num_fps == 4
    # inp is set to 0.5 before each step: x settles at 0.5, y at 0
    np.testing.assert_allclose(finder.fixed_points["x"], 0.5, atol=1e-4)
    np.testing.assert_allclose(finder.fixed_points["y"], 0.0, atol=1e-4)
    np.testing.assert_array_equal(lin.inp.value, [0.0])  # the model is not written


@pytest.mark.xfail(
    strict=True,
    raises=AnalyzerError,
    reason="the finder steps a copy of the model: inputs are (Variable, value) pairs or args",
)
def test_ds_with_callable_inputs(lin):
    def inp_fn():
        lin.inp.value = lin.inp.value + 0.0

    finder = SlowPointFinder(lin, excluded_vars=[lin.inp], inputs=inp_fn, verbose=False)
    finder.find_fps_with_gd_method({"x": np.ones((4, 1)), "y": np.ones((4, 1))}, num_opt=50)
    assert finder.num_fps == 4


class TwoD(eqbrain.DynamicalSystem):
    x: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.x = eqbrain.Variable(jnp.zeros((2, 2)))

    def update(self):
        self.x.value = 0.5 * self.x.value


@pytest.mark.xfail(strict=True, reason="eqbrain's opt solver takes target Variables of any shape")
def test_ds_opt_solver_ndim_guard():
    finder = SlowPointFinder(TwoD(), verbose=False)
    with pytest.raises(ValueError):  # BrainPy refuses a 2D Variable whatever the solver
        start = {"x": RNG.uniform(0, 1, (4, 2, 2))}
        finder.find_fps_with_opt_solver(start, opt_solver="GradientDescent")
