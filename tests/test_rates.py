"""Rate models and delayed couplings against BrainPy 2.x trajectories, and their own
behaviour.

The trajectories come from `tests/data/brainpy_rates/generate.py` (BrainPy 2.8,
`DSRunner`, dt = 0.1 ms, float32, noise off). As in `test_neurons.py`, a variable may
differ from BrainPy's by `rtol=1e-5` plus 4x the rounding error the same trajectory
shows in BrainPy itself between float32 and float64 (`<case>/roundoff/<var>`).
"""

from __future__ import annotations

import pathlib
from typing import Any, cast

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain.dyn import AdditiveCoupling, DiffusiveCoupling

DATA = np.load(pathlib.Path(__file__).parent / "data" / "brainpy_rates" / "rates.npz")
DT = 0.1
KEY = jax.random.key(0)  # the same initial values for the models a test compares


def case(name: str) -> dict[str, np.ndarray]:
    """Every array of one case, keyed without the case's prefix."""
    return {k[len(name) + 1 :]: DATA[k] for k in DATA.files if k.startswith(name + "/")}


def assert_matches(name: str, out: dict, c: dict) -> None:
    for var in [k for k in c if "/" not in k and not k.startswith("in")]:
        ours, theirs = np.asarray(out[var]), c[var]
        assert ours.shape == theirs.shape, (name, var)
        atol = 4 * float(c[f"roundoff/{var}"])
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=atol, err_msg=f"{name}.{var}")


def xy(c: dict) -> dict[str, Any]:
    return dict(x_initializer=jnp.asarray(c["arg/x0"]), y_initializer=jnp.asarray(c["arg/y0"]))


MODELS = {
    "FeedbackFHN": lambda c: eqbrain.dyn.FeedbackFHN(3, delay=2.0, **xy(c)),
    "QIF": lambda c: eqbrain.dyn.QIF(3, tau=5.0, **xy(c)),
    "StuartLandauOscillator": lambda c: eqbrain.dyn.StuartLandauOscillator(
        3, a=jnp.asarray([-0.1, 0.25, 1.0]), **xy(c)
    ),
    "WilsonCowanModel": lambda c: eqbrain.dyn.WilsonCowanModel(3, **xy(c)),
    "ThresholdLinearModel": lambda c: eqbrain.dyn.ThresholdLinearModel(
        3,
        tau_e=2.0,
        tau_i=1.0,
        e_initializer=jnp.asarray(c["arg/e0"]),
        i_initializer=jnp.asarray(c["arg/i0"]),
    ),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_rate_model_matches_brainpy(name):
    c = case(name)
    model = MODELS[name](c)
    monitors = ["e", "i"] if name == "ThresholdLinearModel" else ["x", "y"]
    inputs = (jnp.asarray(c["in0"]), jnp.asarray(c["in1"]))
    out = eqbrain.run(model, inputs=inputs, monitors=monitors, dt=DT, progress_bar=False)
    assert_matches(name, out, c)


class Coupled(eqbrain.Network):
    """Four FHN units and a coupling into their `input`, the coupling first (BrainPy
    updates projections before populations)."""

    coupling: DiffusiveCoupling | AdditiveCoupling
    fhn: eqbrain.dyn.FHN

    def __init__(self, c: dict, kind: str, **kw: Any):
        super().__init__()
        fhn = eqbrain.dyn.FHN(4, **xy(c))
        cmat = jnp.asarray(c["arg/conn_mat"])
        if kind == "diffusive":
            self.coupling = DiffusiveCoupling(fhn.x, fhn.x, fhn.input, conn_mat=cmat, **kw)
        else:
            self.coupling = AdditiveCoupling(fhn.x, fhn.input, conn_mat=cmat, **kw)
        self.fhn = fhn


def delays(c: dict) -> dict[str, Any]:
    return dict(delay_steps=c["arg/delay_steps"], initial_delay_data=0.02)


COUPLINGS = {
    "Diffusive": ("diffusive", lambda c: {}),
    "Diffusive_int": ("diffusive", lambda c: dict(delay_steps=3, initial_delay_data=0.02)),
    "Diffusive_array": ("diffusive", delays),
    "Additive": ("additive", lambda c: {}),
    "Additive_array": ("additive", delays),
}


@pytest.mark.parametrize("name", sorted(COUPLINGS))
def test_coupled_network_matches_brainpy(name):
    c = case(name)
    kind, kw = COUPLINGS[name]
    net = Coupled(c, kind, **kw(c))
    runner = eqbrain.DSRunner(
        net, inputs=[("fhn.input", 0.8)], monitors=["fhn.x", "fhn.y"], dt=DT, progress_bar=False
    )
    runner.run(len(c["fhn.x"]) * DT)
    assert_matches(name, runner.mon, c)


# -- inputs, noise and state -----------------------------------------------------------


def steps(model, n: int, *args: Any) -> Any:
    """`n` steps of `model.update(*args)` at dt = 0.1 in one compiled loop (the step is
    traced once)."""

    def body(i):
        with eqbrain.share.context(t=i * DT, i=i, dt=DT):
            model.update(*args)

    eqbrain.for_loop(body, jnp.arange(n))


class Pair(eqbrain.Network):
    """Models stepped together (one compilation), each with the inputs `[1, 2]` and
    `0.5`: the first through its `input` Variable when it has one, the others as
    arguments."""

    models: tuple

    def __init__(self, *models: Any):
        super().__init__()
        self.models = models

    def update(self) -> None:
        first, *others = self.models
        if first.input is not None:
            first.input.value = first.input.value + jnp.asarray([1.0, 2.0])
            first.update(None, 0.5)
        else:
            first.update(jnp.asarray([1.0, 2.0]), 0.5)
        for model in others:
            model.update(jnp.asarray([1.0, 2.0]), 0.5)


def test_inputs_in_variables_and_arguments_are_the_same_and_consumed():
    by_var = eqbrain.dyn.WilsonCowanModel(2, key=KEY)
    by_arg = eqbrain.dyn.WilsonCowanModel(2, input_var=False, key=KEY)
    assert by_arg.input is None and "input" not in by_arg.vars(method="relative")
    steps(Pair(by_var, by_arg), 3)
    np.testing.assert_allclose(by_var.x.value, by_arg.x.value, rtol=1e-6)
    np.testing.assert_array_equal(by_var.input.value, 0.0)  # consumed by the step


def test_noise_is_the_models_own_and_replays_after_reset():
    a = eqbrain.dyn.StuartLandauOscillator(2, x_ou_sigma=0.5, seed=3, input_var=False, key=KEY)
    b = eqbrain.dyn.StuartLandauOscillator(2, x_ou_sigma=0.5, seed=3, input_var=False, key=KEY)
    quiet = eqbrain.dyn.StuartLandauOscillator(2, input_var=False, key=KEY)
    assert a.y_ou is None and "x_ou.key" in a.vars(method="relative")
    both = Pair(a, b, quiet)
    start = np.asarray(a.x.value)
    run = eqbrain.jit(lambda: both.update())
    run()
    np.testing.assert_array_equal(a.x.value, b.x.value)
    assert not np.allclose(a.x.value, quiet.x.value)
    first = np.asarray(a.x.value)
    both.reset_state()
    np.testing.assert_array_equal(a.x.value, start)
    run()
    np.testing.assert_array_equal(a.x.value, first)


def test_feedback_fhn_delay_is_state_of_the_model():
    fhn = eqbrain.dyn.FeedbackFHN(2, delay=0.25, batch_size=2)  # ceil(2.5) = 3 steps
    assert fhn.delay_steps == 3 and fhn.x_history.shape == (4, 2, 2)
    x0 = np.asarray(fhn.x.value)
    np.testing.assert_array_equal(fhn.delayed_x(), 0.0)  # zero before the start
    steps(fhn, 3, 0.5)
    np.testing.assert_array_equal(fhn.delayed_x(), x0)  # three steps later: the start
    fhn.reset_state(batch_size=3)  # the history is batched as the state is
    assert fhn.x_history.shape == (4, 3, 2)
    np.testing.assert_array_equal(fhn.delayed_x(), 0.0)


class Chains(eqbrain.Network):
    """Couplings, each into its own population, each declared before its population."""

    parts: tuple

    def __init__(self, *parts: Any):
        super().__init__()
        self.parts = parts


def test_coupling_delays_of_zero_and_one_step_read_the_previous_step():
    """As the projections count: no delay, 0 and 1 all read the values the population
    had when the step began (BrainPy's ring buffer reads another slot for 0 and 1)."""
    parts, fhns = [], []
    for delay in (None, 0, 1, np.asarray([[0, 1], [1, 0]])):
        fhn = eqbrain.dyn.FHN(2, key=KEY)
        coupling = DiffusiveCoupling(fhn.x, fhn.x, fhn.input, jnp.ones((2, 2)), delay)
        assert coupling.history is None
        parts += [coupling, fhn]
        fhns.append(fhn)
    steps(Chains(*parts), 3)
    for fhn in fhns[1:]:
        np.testing.assert_array_equal(fhn.x.value, fhns[0].x.value)


def test_coupling_history_resets_and_shares_the_population_cells():
    fhn = eqbrain.dyn.FHN(3)
    coupling = AdditiveCoupling(fhn.x, fhn.input, jnp.eye(3), delay_steps=4)
    assert coupling.coupling_var is fhn.x and coupling.output_var == (fhn.input,)
    assert coupling.history is not None
    steps(coupling, 2)
    assert not np.allclose(coupling.history.retrieve(0), 0.0)
    coupling.reset_state()
    np.testing.assert_array_equal(coupling.history.data.value, 0.0)


# -- bad inputs ------------------------------------------------------------------------


def unchanged(fhn) -> dict:
    return {k: np.asarray(v.value) for k, v in fhn.vars(method="relative").items()}


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(conn_mat=jnp.ones((4, 3))), ValueError, ["conn_mat", "(4, 3)", "(3, 3)"]),
        (dict(coupling_var1="x.value"), TypeError, ["coupling_var1", "fhn.x", "ArrayImpl"]),
        (dict(coupling_var2="other"), ValueError, ["coupling_var2", "one-dimensional"]),
        (dict(var_to_output="wide"), ValueError, ["var_to_output", "(4,)", "input Variable"]),
        (dict(delay_steps=jnp.ones((3, 3))), ValueError, ["delay_steps", "integer", "round"]),
        (dict(delay_steps=np.ones((2, 3), int)), ValueError, ["delay_steps", "(2, 3)"]),
        (dict(delay_steps="oops"), TypeError, ["delay_steps", "str"]),
        (dict(delay_steps=-2), ValueError, ["delay_steps", ">= 0"]),
    ],
)
def test_bad_coupling_arguments_are_refused_with_advice(kwargs, error, words):
    fhn = eqbrain.dyn.FHN(3)
    special = {
        "x.value": fhn.x.value,
        "other": eqbrain.Variable(jnp.zeros((2, 3))),
        "wide": eqbrain.Variable(jnp.zeros(4)),
    }
    args: dict[str, Any] = dict(
        coupling_var1=fhn.x,
        coupling_var2=fhn.x,
        var_to_output=fhn.input,
        conn_mat=jnp.ones((3, 3)),
    )
    args.update({k: special.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()})
    before = unchanged(fhn)
    with pytest.raises(error) as info:
        DiffusiveCoupling(**args)
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    after = unchanged(fhn)
    assert after.keys() == before.keys()
    for k in before:
        np.testing.assert_array_equal(after[k], before[k])


@pytest.mark.parametrize(
    "build, words",
    [
        (lambda: eqbrain.dyn.QIF(2, tau=-1.0), ["tau", "positive", "-1.0"]),
        (lambda: eqbrain.dyn.WilsonCowanModel(2, I_tau=-2.0), ["I_tau", "positive"]),
        (lambda: eqbrain.dyn.ThresholdLinearModel(2, tau_e=0.0), ["tau_e", "positive"]),
        (lambda: eqbrain.dyn.FeedbackFHN(2, delay=-1.0), ["delay", ">= 0"]),
        (
            lambda: eqbrain.dyn.FeedbackFHN(2, delay=cast(Any, jnp.ones(2))),
            ["delay", "one number"],
        ),
    ],
)
def test_bad_rate_model_parameters_are_refused(build, words):
    with pytest.raises((ValueError, TypeError)) as info:
        build()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


# -- analysis --------------------------------------------------------------------------


def test_wilson_cowan_phase_plane_finds_its_fixed_points():
    """The model itself goes to `eqbrain.analysis` (its `integral`): with no input the
    Wilson-Cowan pair is bistable, rest at the origin (the gain is 0 at 0) and an active
    state, with a saddle between them."""
    wc = eqbrain.dyn.WilsonCowanModel(1)
    pp = eqbrain.analysis.PhasePlane2D(
        wc,
        target_vars={"x": [-0.1, 0.6], "y": [-0.1, 0.6]},
        pars_update={"x_ext": 0.0, "y_ext": 0.0},
        resolutions=0.02,
    )
    points, kinds = pp.find_fixed_points()
    assert kinds == ["stable node", "saddle node", "stable node"]
    np.testing.assert_allclose(points[0], [0.0, 0.0], atol=1e-6)
    for x, y in points:
        np.testing.assert_allclose(wc.derivative(x, y, 0.0), 0.0, atol=1e-6)
