"""Parity with BrainPy 2.8's tests of the rate models and the delayed couplings:
`brainpy/dyn/rates/rates_test.py` (19 cases), `net_rate_FHN_test.py` (1),
`net_rate_SL_test.py` (1), `brainpy/dyn/synapses/delay_couplings_test.py` (2),
`delay_couplings_coverage_test.py` (20) and the rate cases of
`brainpy/dyn/rates/dyn_rates_dynold_fixes_test.py` (6 of its 25; the others test
`dynold`, reservoir, RNN-cell and Poisson-input code, which are not rate models).
All 49 are ported, from their behaviour:

- construction (`TestRate`, 6): each model keeps its parameters;
- `TestPopulation` (6) and `TestShape` (5): every model runs 10 ms under `DSRunner`;
  the monitors have one row per step;
- the threshold-linear noise (`TestThresholdLinearModelNoise`, 2, and 2 of the
  dynold-fixes cases): Euler-Maruyama scaling (the spread of one step grows as
  `sqrt(dt)`), finite output, both noise paths;
- the Stuart-Landau rotation term (`dy/dt` has `+w x`);
- one step of every model with inputs, noise, and `input_var=False`; a runner input;
- networks: FHN units with OU noise and delayed diffusive coupling (BrainPy's reads
  80 areas from `data/hcp.npz`, a file its package does not ship: here an 80-area
  random structural matrix and distance-derived delays), Stuart-Landau units with
  diffusive coupling, and the couplings' test networks, every delay form (an int, a
  0-d integer array, an integer matrix, a function giving one);
- constructor errors: a coupled Variable that is not a Variable or not 1-D, a
  connection matrix or delay matrix of the wrong shape, non-integer delays (given or
  returned by a function), an unknown delay type.

Differences: eqbrain raises `TypeError` (BrainPy `ValueError`) for an argument of the
wrong type (not a Variable; a delay that is a string); `output_var` is a tuple, not a
list. All networks here run in one compiled run of 100 steps (BrainPy's tests run 20
to 1000 steps each), to keep the suite fast.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain.dyn import AdditiveCoupling, DelayCoupling, DiffusiveCoupling

DT = 0.1
STEPS = 100
RATES = ["FHN", "FeedbackFHN", "QIF", "StuartLandauOscillator", "WilsonCowanModel"]
N = 5


class Group(eqbrain.Network):
    """Parts updated in order (a coupling before the population it feeds)."""

    parts: dict[str, Any]

    def __init__(self, parts: dict[str, Any]):
        super().__init__()
        self.parts = parts


# -- the models on their own -------------------------------------------------------------


@pytest.mark.parametrize(
    "name, attr",
    [
        ("FHN", "tau"),
        ("FeedbackFHN", "tau"),
        ("QIF", "tau"),
        ("StuartLandauOscillator", "x_ou_tau"),
        ("WilsonCowanModel", "x_ou_tau"),
        ("ThresholdLinearModel", "tau_e"),
    ],
)
def test_construction(name, attr):
    model = getattr(eqbrain.dyn, name)(10 if name == "FHN" else 1)
    if attr == "x_ou_tau":  # an OU argument: it builds a noise process when it is on
        assert model.x_ou is None
        assert getattr(eqbrain.dyn, name)(1, x_ou_sigma=0.1, x_ou_tau=3.0).x_ou.tau == 3.0
    else:
        assert getattr(model, attr) is not None


@pytest.fixture(scope="module")
def population_runs() -> dict:
    """Every model (size 10) for 10 ms under DSRunner, with the inputs 1.0 and 0.5 on its
    input Variables (`FHN` and `FeedbackFHN` with OU noise on both), and FHN(2) with a
    runner input."""
    noise: dict[str, Any] = dict(x_ou_sigma=1.0, y_ou_sigma=1.0)
    parts = {name: getattr(eqbrain.dyn, name)(10) for name in RATES}
    parts["FHN"] = eqbrain.dyn.FHN(10, **noise)
    parts["FeedbackFHN"] = eqbrain.dyn.FeedbackFHN(10, delay=2.0, **noise)
    parts["ThresholdLinearModel"] = eqbrain.dyn.ThresholdLinearModel(10)
    parts["fhn2"] = eqbrain.dyn.FHN(2)
    inputs = [
        (f"parts.{name}.{v}", k) for name in RATES for v, k in [("input", 1.0), ("input_y", 0.5)]
    ]
    inputs += [("parts.ThresholdLinearModel.Ie", 1.0), ("parts.ThresholdLinearModel.Ii", 0.5)]
    inputs += [("parts.fhn2.input", 1.0)]
    monitors = [f"parts.{name}.x" for name in RATES]
    monitors += ["parts.ThresholdLinearModel.e", "parts.fhn2.x"]
    monitors += [f"parts.{name}.input" for name in RATES]
    group = Group(parts)
    group.reset_state()
    runner = eqbrain.DSRunner(group, inputs=inputs, monitors=monitors, dt=DT, progress_bar=False)
    runner.run(10.0)
    return dict(runner.mon)


@pytest.mark.parametrize("name", [*RATES, "ThresholdLinearModel"])
def test_runner(name, population_runs):
    var = "e" if name == "ThresholdLinearModel" else "x"
    assert np.all(np.isfinite(population_runs[f"parts.{name}.{var}"]))


@pytest.mark.parametrize("name", ["FHN", "FeedbackFHN", "QIF", "StuartLandauOscillator"])
def test_shape(name, population_runs):
    assert population_runs[f"parts.{name}.x"].shape == (100, 10)


def test_threshold_linear_shape(population_runs):
    assert population_runs["parts.ThresholdLinearModel.e"].shape == (100, 10)


def test_rate_populations_run_via_dsrunner(population_runs):
    x = population_runs["parts.fhn2.x"]
    assert x.shape == (100, 2) and np.all(np.isfinite(x))


@pytest.fixture(scope="module")
def stepped() -> dict:
    """One step with inputs (1.0, 0.5) of every model with `input_var=False` and OU noise
    on both inputs; the threshold-linear model with each noise path on, at dt = 1e-4;
    and two noisy threshold-linear models with no drift at dt = 0.01 and 0.1."""
    noise: dict[str, Any] = dict(x_ou_sigma=1.0, y_ou_sigma=1.0)
    without = {name: getattr(eqbrain.dyn, name)(2, input_var=False, **noise) for name in RATES}
    tl = {
        "tl8": eqbrain.dyn.ThresholdLinearModel(8, noise_e=1.0, noise_i=0.5),
        "tl_e": eqbrain.dyn.ThresholdLinearModel(5, noise_e=1.0),
        "tl_i": eqbrain.dyn.ThresholdLinearModel(4, noise_i=0.5),
    }
    for dt in (0.01, 0.1):
        tl[f"dt={dt}"] = eqbrain.dyn.ThresholdLinearModel(
            4000, noise_e=1.0, beta_e=0.0, tau_e=1.0, seed=0
        )

    @eqbrain.jit
    def step():
        out = {}
        with eqbrain.share.context(t=0.0, i=0, dt=DT):
            for name, model in without.items():
                out[name] = model.update(1.0, 0.5)
            out["tl8"] = tl["tl8"].update(1.0, 1.0)
        with eqbrain.share.context(t=0.0, i=0, dt=1e-4):
            out["tl_e"] = tl["tl_e"].update(0.0)
            out["tl_i"] = tl["tl_i"].update(1.0, 1.0)
        for dt in (0.01, 0.1):
            with eqbrain.share.context(t=0.0, i=0, dt=dt):
                out[f"dt={dt}"] = tl[f"dt={dt}"].update(0.0)
        return out

    return {"out": step(), "models": {**without, **tl}}


@pytest.mark.parametrize("name", [*RATES, "ThresholdLinearModel"])
def test_rate_populations_construct_and_step(name, population_runs):
    """Every step took the inputs and `clear_input` emptied the input Variables (a
    monitor reads them after the step)."""
    if name != "ThresholdLinearModel":
        assert np.all(population_runs[f"parts.{name}.input"] == 0)
    var = "e" if name == "ThresholdLinearModel" else "x"
    assert np.all(np.isfinite(population_runs[f"parts.{name}.{var}"]))


def test_threshold_linear_noise_scales_as_sqrt_dt(stepped):
    """The same draws at both steps: the spread of one step grows as `sqrt(dt)`."""
    spread = [np.asarray(stepped["out"][f"dt={dt}"]) for dt in (0.01, 0.1)]
    spread = [e[e > 0].std() for e in spread]
    assert spread[1] / spread[0] == pytest.approx(np.sqrt(10.0), abs=0.2)


@pytest.mark.parametrize("name", RATES)
def test_rate_populations_no_input_var_branch(name, stepped):
    model = stepped["models"][name]
    assert model.input is None and model.x_ou is not None and model.y_ou is not None
    assert np.asarray(stepped["out"][name]).shape == (2,)


@pytest.mark.parametrize("name, size", [("tl8", 8), ("tl_e", 5), ("tl_i", 4)])
def test_threshold_linear_model_noise_paths_run(name, size, stepped):
    out = np.asarray(stepped["out"][name])
    assert out.shape == (size,) and np.all(np.isfinite(out))


def test_stuart_landau_dy_rotational_coupling():
    m = eqbrain.dyn.StuartLandauOscillator(1, a=0.25, w=0.2)
    _, dy = m.derivative(0.5, 0.3, 0.0, 0.0, 0.0)
    # (a - x^2 - y^2) y + w x = (0.25 - 0.25 - 0.09) 0.3 + 0.2 0.5
    assert float(dy) == pytest.approx(0.073, abs=1e-6)


# -- couplings ---------------------------------------------------------------------------


def area(n: int = N, sigma: float = 0.01) -> eqbrain.dyn.FHN:
    return eqbrain.dyn.FHN(n, x_ou_sigma=sigma, y_ou_sigma=sigma)


def all2all(n: int = N) -> jax.Array:
    return jnp.ones((n, n))  # bp.conn.All2All(pre=n, post=n).require('conn_mat')


def int_delays(seed: int, high: int = 4) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, high, (N, N)).astype(np.int32)


# BrainPy's tests start every delay line from `bp.init.Uniform(0, 0.05)`; here the
# 80-area network does, the others from 0.02 (fewer shapes to draw at construction).
UNIFORM = eqbrain.init.Uniform(0.0, 0.05)
# BrainPy's coupling tests, each a coupling onto its own FHN area with a runner input
# (5.0, 35.0): here the couplings of one size share one area. name: (kind, size, keywords)
COUPLED = {
    "diff_int": ("diffusive", N, dict(delay_steps=3)),
    "diff_array": ("diffusive", N, dict(delay_steps=int_delays(1))),
    "diff_callable": ("diffusive", N, dict(delay_steps=lambda shape: int_delays(2, 3))),
    "diff_0d": ("diffusive", N, dict(delay_steps=np.asarray(np.int32(2)))),
    "add_int": ("additive", N, dict(delay_steps=2)),
    "add_array": ("additive", N, dict(delay_steps=int_delays(3))),
    "diff_80": ("diffusive", 80, {}),
    "add_80": ("additive", 80, {}),
}


def hcp_like(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """An 80-area structural matrix and delays (steps) from distances at 20 m/s."""
    cmat = rng.random((80, 80)) ** 4
    np.fill_diagonal(cmat, 0.0)
    dmat = np.round(rng.uniform(10.0, 150.0, (80, 80)) / 20.0 / DT).astype(np.int32)
    np.fill_diagonal(dmat, 0)
    return cmat, dmat


@pytest.fixture(scope="module")
def coupled_runs() -> dict:
    """The couplings (declared before their areas) in one network, run for 100 steps."""
    small, large = area(N), area(80)
    couplings: dict[str, Any] = {}
    for name, (kind, n, kw) in COUPLED.items():
        fhn = small if n == N else large
        if kind == "diffusive":
            couplings[name] = DiffusiveCoupling(
                fhn.x, fhn.x, fhn.input, conn_mat=all2all(n), initial_delay_data=0.02, **kw
            )
        else:
            couplings[name] = AdditiveCoupling(
                fhn.x, fhn.input, conn_mat=all2all(n), initial_delay_data=0.02, **kw
            )
    cmat, dmat = hcp_like(np.random.default_rng(0))
    hcp = area(80)
    couplings["hcp"] = DiffusiveCoupling(
        hcp.x, hcp.x, hcp.input, conn_mat=cmat, delay_steps=dmat, initial_delay_data=UNIFORM
    )
    sl = eqbrain.dyn.StuartLandauOscillator(80, x_ou_sigma=0.14, y_ou_sigma=0.14)
    couplings["sl"] = DiffusiveCoupling(sl.x, sl.x, sl.input, conn_mat=cmat * 0.6)
    areas = dict(small=small, large=large, hcp=hcp, sl=sl)
    inputs = [("parts.small.input", 5.0), ("parts.large.input", 35.0)]
    inputs.append(("parts.hcp.input", 0.72))
    runner = eqbrain.DSRunner(
        Group({**couplings, **areas}),
        inputs=inputs,
        monitors=[f"parts.{name}.x" for name in areas],
        dt=DT,
        progress_bar=False,
    )
    runner.run(STEPS * DT)
    return {"mon": dict(runner.mon), "couplings": couplings}


@pytest.mark.parametrize("name", [*COUPLED, "hcp", "sl"])
def test_coupled_network_runs(name, coupled_runs):
    n = COUPLED[name][1] if name in COUPLED else 80
    where = {N: "small", 80: "large"}[n] if name in COUPLED else name
    x = coupled_runs["mon"][f"parts.{where}.x"]
    assert x.shape == (STEPS, n) and np.all(np.isfinite(x))


@pytest.mark.parametrize(
    "name, delay_type",
    [
        ("diff_int", "int"),
        ("diff_array", "array"),
        ("diff_callable", "array"),
        ("diff_0d", "int"),
        ("add_int", "int"),
        ("add_array", "array"),
    ],
)
def test_delay_type(name, delay_type, coupled_runs):
    assert coupled_runs["couplings"][name].delay_type == delay_type


def test_single_variable_output_wrapped_and_reset():
    fhn = area()
    dc = DelayCoupling(fhn.x, fhn.input, conn_mat=all2all(), required_shape=(N, N))
    assert isinstance(dc.output_var, tuple) and len(dc.output_var) == 1
    assert dc.reset_state() is None


@pytest.mark.parametrize(
    "build, error",
    [
        # the base: a delay_var that is not a Variable, a function giving float delays,
        # an unknown delay type
        (lambda f: DelayCoupling(ARRAY, f.input, all2all(), (N, N)), TypeError),
        (
            lambda f: DelayCoupling(
                f.x, f.input, all2all(), (N, N), delay_steps=lambda shape: np.ones(shape)
            ),
            ValueError,
        ),
        (lambda f: DelayCoupling(f.x, f.input, all2all(), (N, N), delay_steps=OOPS), TypeError),
        # DiffusiveCoupling
        (lambda f: DiffusiveCoupling(ARRAY, f.x, f.input, conn_mat=all2all()), TypeError),
        (lambda f: DiffusiveCoupling(f.x, ARRAY, f.input, conn_mat=all2all()), TypeError),
        (lambda f: DiffusiveCoupling(f.x, TWO_D, f.input, conn_mat=all2all()), ValueError),
        (lambda f: DiffusiveCoupling(TWO_D, TWO_D, f.input, conn_mat=all2all()), ValueError),
        (
            lambda f: DiffusiveCoupling(f.x, f.x, f.input, conn_mat=jnp.ones((N + 1, N))),
            ValueError,
        ),
        (
            lambda f: DiffusiveCoupling(
                f.x, f.x, f.input, conn_mat=all2all(), delay_steps=jnp.ones((N, N))
            ),
            ValueError,
        ),
        (
            lambda f: DiffusiveCoupling(
                f.x, f.x, f.input, conn_mat=all2all(), delay_steps=np.ones((N + 1, N), int)
            ),
            ValueError,
        ),
        (
            lambda f: DiffusiveCoupling(f.x, f.x, f.input, conn_mat=all2all(), delay_steps=OOPS),
            TypeError,
        ),
        # AdditiveCoupling
        (lambda f: AdditiveCoupling(ARRAY, f.input, conn_mat=all2all()), TypeError),
        (lambda f: AdditiveCoupling(TWO_D, f.input, conn_mat=all2all()), ValueError),
    ],
)
def test_coupling_errors(build, error):
    with pytest.raises(error):
        build(area())


TWO_D = eqbrain.Variable(jnp.ones((2, N)))
ARRAY: Any = jnp.ones(N)  # not a Variable
OOPS: Any = "oops"  # not a delay
