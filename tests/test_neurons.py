"""Neuron and rate models against BrainPy 2.x trajectories, and their own behaviour.

The trajectories come from `tests/data/brainpy_trajectories/generate.py` (BrainPy 2.8,
`DSRunner`, dt = 0.1 ms, float32). Tolerances: spikes and event times must be equal.
A continuous variable may differ from BrainPy's by `rtol=1e-5` plus 4x the rounding
error the same trajectory shows in BrainPy itself between float32 and float64
(`<case>/roundoff/<var>` in the data). The dynamics amplify float32 rounding (e.g.
Izhikevich's V by 3e-3 mV near its spike cut-off, HH's by 8e-3 mV on the upstroke), and
an implementation that rounds differently (`expm1` for exprel, `jax.linearize` for the
linear parts) moves a trajectory by as much. Where the float64 rerun had different
events (a refractory window ending a step apart: a time comparison, not amplified
rounding), there is no own measure and the window-free sibling's applies (`LifRef` ->
`Lif`); otherwise the larger of the two. The random-weight rate models (RNNCell,
Reservoir) do a few products per step with no amplification: `rtol=1e-5, atol=1e-6`.
"""

from __future__ import annotations

import pathlib
import tempfile
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import eqbrain

DATA = np.load(
    pathlib.Path(__file__).parent / "data" / "brainpy_trajectories" / "trajectories.npz"
)
DT = 0.1


def case(name: str) -> dict[str, np.ndarray]:
    """Every array of one case, keyed without the case's prefix."""
    return {k[len(name) + 1 :]: DATA[k] for k in DATA.files if k.startswith(name + "/")}


def heaviside(x):
    """The forward pass of BrainPy's default surrogate (`InvSquareGrad`): `x >= 0`."""
    return (x >= 0).astype(jnp.float32)


@jax.custom_jvp
def sigmoid_surrogate(x):
    """Heaviside forward, the derivative of `sigmoid(4 x)` backward."""
    return (x >= 0).astype(x.dtype)


@sigmoid_surrogate.defjvp
def _sigmoid_surrogate_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    s = jax.nn.sigmoid(4.0 * x)
    return sigmoid_surrogate(x), 4.0 * s * (1 - s) * dx


REF = dict(tau_ref=2.0, ref_var=True)
HH_V0 = jnp.asarray(case("HH")["arg/V0"])
FHN_INIT: dict[str, Any] = dict(
    x_initializer=jnp.asarray(case("FHN")["arg/x0"]),
    y_initializer=jnp.asarray(case("FHN")["arg/y0"]),
)
COBA_LIF = dict(V_rest=-60.0, V_th=-50.0, V_reset=-60.0, tau=20.0, tau_ref=5.0)

# case -> (eqbrain model, arguments, the window-free sibling whose roundoff also applies)
NEURONS = {
    "Lif": (eqbrain.dyn.Lif, {}, "Lif"),
    "LifRef": (eqbrain.dyn.LifRef, REF, "Lif"),
    "ExpIF": (eqbrain.dyn.ExpIF, {}, "ExpIF"),
    "ExpIFRef": (eqbrain.dyn.ExpIFRef, REF, "ExpIF"),
    "AdExIF": (eqbrain.dyn.AdExIF, {}, "AdExIF"),
    "AdExIFRef": (eqbrain.dyn.AdExIFRef, REF, "AdExIF"),
    "IF": (eqbrain.dyn.IF, {}, "IF"),
    "MorrisLecar": (
        eqbrain.dyn.MorrisLecar,
        dict(V_initializer=jnp.asarray(case("MorrisLecar")["arg/V0"])),
        "MorrisLecar",
    ),
    "AdQuaIF": (eqbrain.dyn.AdQuaIF, {}, "AdQuaIF"),
    "AdQuaIFRef": (eqbrain.dyn.AdQuaIFRef, REF, "AdQuaIF"),
    "Gif": (eqbrain.dyn.Gif, {}, "Gif"),
    "GifRef": (eqbrain.dyn.GifRef, REF, "Gif"),
    "Gif_adapt": (eqbrain.dyn.Gif, dict(a=0.005, A2=-0.6, A1=0.1, R1=0.5), "Gif_adapt"),
    "QuaIF": (eqbrain.dyn.QuaIF, {}, "QuaIF"),
    "QuaIFRef": (eqbrain.dyn.QuaIFRef, REF, "QuaIF"),
    "Izhikevich": (eqbrain.dyn.Izhikevich, {}, "Izhikevich"),
    "IzhikevichRef": (eqbrain.dyn.IzhikevichRef, REF, "Izhikevich"),
    "LifRef_coba": (eqbrain.dyn.LifRef, dict(COBA_LIF, V_initializer=-60.0, ref_var=True), "Lif"),
    "LifRef_training": (
        eqbrain.dyn.LifRef,
        dict(tau_ref=2.0, ref_var=True, spk_fun=heaviside, batch_size=1),
        "Lif",
    ),
    "AdExIF_training": (
        eqbrain.dyn.AdExIF,
        dict(spk_fun=heaviside, batch_size=1, V_initializer=-65.0),
        "AdExIF_training",
    ),
    "Izhikevich_training": (
        eqbrain.dyn.Izhikevich,
        dict(spk_fun=heaviside, batch_size=1),
        "Izhikevich_training",
    ),
    "HH": (eqbrain.dyn.HH, dict(V_initializer=HH_V0), "HH"),
    "FHN": (eqbrain.dyn.FHN, FHN_INIT, "FHN"),
}


def monitored(c: dict) -> list[str]:
    return [k for k in c if "/" not in k and not k.startswith("in")]


def run_case(model, c: dict) -> dict:
    inputs = tuple(jnp.asarray(c[f"in{k}"]) for k in range(2) if f"in{k}" in c)
    return eqbrain.run(model, inputs=inputs, monitors=monitored(c), dt=DT, data_first_axis="T")


def assert_matches(name: str, out: dict, c: dict, sibling: str | None) -> None:
    for var in monitored(c):
        ours, theirs = np.asarray(out[var]), c[var]
        assert ours.shape == theirs.shape, (name, var)
        if theirs.dtype == bool or var in ("t_last_spike", "spike_arrival_time", "spike"):
            np.testing.assert_array_equal(ours, theirs, err_msg=f"{name}.{var}")
            continue
        atol = 4 * roundoff(name, var, sibling)
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=atol, err_msg=f"{name}.{var}")


def roundoff(name: str, var: str, sibling: str | None) -> float:
    """The rounding error BrainPy's own float32 trajectory carries (see the module doc):
    the larger of the case's own (when its float64 rerun had the same events) and its
    window-free sibling's."""
    keys = [f"{c}/roundoff/{var}" for c in (name, sibling) if c is not None]
    return max([float(DATA[k]) for k in keys if k in DATA.files], default=0.0)


@pytest.mark.parametrize("name", list(NEURONS))
def test_trajectory_matches_brainpy(name):
    cls, kwargs, sibling = NEURONS[name]
    c = case(name)
    model = cls(3, **kwargs)
    assert_matches(name, run_case(model, c), c, sibling)


@pytest.mark.parametrize("name", list(NEURONS))
def test_initial_values_are_brainpys(name):
    cls, kwargs, _ = NEURONS[name]
    c = case(name)
    ours = cls(3, **kwargs).vars(method="relative")
    theirs = {k[5:]: v for k, v in c.items() if k.startswith("init/")}
    assert set(theirs) <= set(ours), set(theirs) - set(ours)
    for key, value in theirs.items():
        mine = np.asarray(ours[key].value)
        assert mine.dtype == value.dtype, key
        # HH's gates start at alpha / (alpha + beta): one float32 ulp apart at most.
        np.testing.assert_allclose(mine, value, rtol=1e-6, err_msg=key)


@pytest.mark.parametrize(
    "cls, V0",
    [
        (eqbrain.dyn.Lif, 0.0),
        (eqbrain.dyn.LifRef, 0.0),
        (eqbrain.dyn.ExpIF, 0.0),
        (eqbrain.dyn.AdExIF, 0.0),
        (eqbrain.dyn.QuaIF, 0.0),
        (eqbrain.dyn.Izhikevich, -70.0),
    ],
)
def test_default_initial_potential(cls, V0):
    neu = cls(5)
    np.testing.assert_array_equal(neu.V.value, np.full(5, V0, np.float32))
    assert neu.spike.dtype == jnp.bool_ and not neu.spike.value.any()


def test_izhikevich_u_starts_at_b_times_V():
    neu = eqbrain.dyn.Izhikevich(3, b=jnp.array([0.1, 0.2, 0.25]), V_initializer=-60.0)
    np.testing.assert_allclose(neu.u.value, [-6.0, -12.0, -15.0])
    neu = eqbrain.dyn.Izhikevich(3, u_initializer=2.0)
    np.testing.assert_array_equal(neu.u.value, np.full(3, 2.0, np.float32))


def test_random_defaults_are_brainpys_distributions_and_reproducible():
    eqbrain.random.seed(5)
    hh = eqbrain.dyn.HH(2000)
    V = np.asarray(hh.V.value)
    assert V.min() >= -70.0 and V.max() < -60.0 and abs(V.mean() + 65.0) < 0.3
    assert not np.array_equal(eqbrain.dyn.HH(2000).V.value, V)  # drawn from the generator
    eqbrain.random.seed(5)
    np.testing.assert_array_equal(eqbrain.dyn.HH(2000).V.value, V)  # which the seed fixes
    assert not np.array_equal(eqbrain.dyn.HH(2000, key=jax.random.key(1)).V.value, V)
    fhn = eqbrain.dyn.FHN(2000)
    x, y = np.asarray(fhn.x.value), np.asarray(fhn.y.value)
    for z in (x, y):
        assert z.min() >= 0.0 and z.max() < 0.05 and abs(z.mean() - 0.025) < 0.002
    assert not np.array_equal(x, y)


@pytest.mark.parametrize("name", ["LifRef", "LifRef_coba"])
def test_LIF_is_brainpys_refractory_lif(name):
    """`eqbrain.dyn.LIF` is BrainPy's refractory LIF: `LifRef`, on its recorded data."""
    assert eqbrain.dyn.LIF is eqbrain.dyn.LifRef
    _, kwargs, sibling = NEURONS[name]
    c = case(name)
    assert_matches(name, run_case(eqbrain.dyn.LIF(3, **kwargs), c), c, sibling)
    # BrainPy's start: 0 mV, whatever V_rest
    assert float(eqbrain.dyn.LIF(1, V_rest=-60.0).V.value[0]) == 0.0


def test_refractory_period_holds_V():
    neu = eqbrain.dyn.LifRef(1, tau_ref=2.0, ref_var=True, V_initializer=19.9)
    out = eqbrain.run(
        neu, 5.0, inputs=jnp.full((50, 1), 40.0), monitors=["V", "spike", "refractory"]
    )
    first = int(np.argmax(out["spike"][:, 0]))
    assert out["V"][first, 0] == -5.0
    # held at V_reset while t - t_spike <= 2 ms: the 20 steps after the spike
    np.testing.assert_array_equal(out["V"][first : first + 21, 0], -5.0)
    assert out["V"][first + 21, 0] > -5.0
    assert out["refractory"][first : first + 21, 0].all()
    assert not out["refractory"][first + 21, 0]


@pytest.mark.parametrize(
    "cls",
    [
        eqbrain.dyn.LifRef,
        eqbrain.dyn.ExpIF,
        eqbrain.dyn.AdExIFRef,
        eqbrain.dyn.QuaIF,
        eqbrain.dyn.IzhikevichRef,
    ],
)
def test_batched_trials_match_single_runs(cls):
    kwargs = dict(tau_ref=1.0) if cls.__name__.endswith("Ref") else {}
    inputs = jnp.asarray(case("ExpIF")["in0"]) * jnp.array([1.0, 1.5, 2.0])
    single = eqbrain.run(cls(3, **kwargs), inputs=inputs, monitors=["V"], dt=DT)["V"]
    batched = cls(3, batch_size=2, **kwargs)
    assert batched.V.shape == (2, 3) and batched.V.batch_axis == 0
    both = jnp.stack([inputs, inputs], axis=1)
    out = eqbrain.run(batched, inputs=both, monitors=["V"], dt=DT, data_first_axis="T")["V"]
    np.testing.assert_allclose(
        out[:, 0], single, rtol=1e-4, atol=1e-3
    )  # XLA fuses batched code differently
    np.testing.assert_allclose(
        out[:, 1], single, rtol=1e-4, atol=1e-3
    )  # XLA fuses batched code differently
    batched.reset_state(batch_size=4)
    assert batched.V.shape == (4, 3)


@pytest.mark.parametrize("name", ["AdExIF", "HH", "Izhikevich", "FHN"])
def test_reset_state_restores_initial_values(name):
    cls, kwargs, _ = NEURONS[name]
    c = case(name)
    model = cls(3, **kwargs)
    before = {k: np.asarray(v.value) for k, v in model.vars(method="relative").items()}
    run_case(model, c)
    assert any(
        not np.array_equal(np.asarray(v.value), before[k])
        for k, v in model.vars(method="relative").items()
    )
    model.reset_state()
    for key, var in model.vars(method="relative").items():
        np.testing.assert_array_equal(var.value, before[key], err_msg=key)
    # and the rerun is the same trajectory
    assert_matches(name, run_case(model, c), c, NEURONS[name][2])


def test_heterogeneous_parameters_and_initializer_styles():
    tau = jnp.array([5.0, 10.0, 20.0])
    neu = eqbrain.dyn.Lif(3, tau=tau, V_initializer=lambda shape: jnp.full(shape, 1.0))
    assert isinstance(neu.tau, jax.Array)
    np.testing.assert_array_equal(neu.V.value, np.ones(3, np.float32))
    with eqbrain.share.context(t=0.0, dt=0.1):
        neu(10.0)
    expected = 10.0 + (1.0 - 10.0) * np.exp(-0.1 / np.asarray(tau))
    np.testing.assert_allclose(neu.V.value, expected, rtol=1e-5)
    # a JAX-style initializer for a parameter (one value per neuron)
    neu = eqbrain.dyn.AdExIF(
        4,
        tau_w=jax.nn.initializers.constant(50.0),
        V_initializer=jax.nn.initializers.uniform(1.0),
        key=jax.random.key(3),
    )
    np.testing.assert_array_equal(neu.tau_w, np.full(4, 50.0, np.float32))
    V = np.asarray(neu.V.value)
    assert ((V >= 0) & (V < 1)).all() and len(set(V.tolist())) == 4


@pytest.mark.parametrize("method, tolerance", [("exp_euler", 1e-5), ("rk4", 1e-5), ("euler", 0.1)])
def test_integration_method_is_odeints(method, tolerance):
    neu = eqbrain.dyn.Lif(1, V_th=1e3, method=method)
    out = eqbrain.run(neu, inputs=jnp.full((20, 1), 10.0), monitors=["V"], dt=0.5)
    exact = 10.0 * (1 - np.exp(-np.arange(1, 21) * 0.5 / 10.0))
    error = np.abs(np.asarray(out["V"][:, 0]) - exact).max()
    assert error < tolerance
    if method == "euler":  # first order: visibly off at dt = 0.5 ms
        assert error > 1e-3


def test_surrogate_spikes_carry_gradients_through_the_run():
    def spike_count(scale):
        neu = eqbrain.dyn.LifRef(2, tau_ref=1.0, spk_fun=sigmoid_surrogate, batch_size=1)
        total = 0.0
        for i in range(40):
            with eqbrain.share.context(t=i * DT, dt=DT):
                total = total + neu(jnp.full((1, 2), 100.0) * scale).sum()
        return total

    value, grad = jax.value_and_grad(spike_count)(1.0)
    assert value > 0 and np.isfinite(grad) and grad != 0.0


def V_after_a_spike(V_th, spk_reset="soft", detach_spk=False):
    """V one step after starting at 30 mV with no input, for a surrogate spike."""
    neu = eqbrain.dyn.Lif(
        1,
        V_th=V_th,
        V_initializer=30.0,
        spk_fun=sigmoid_surrogate,
        spk_reset=spk_reset,
        detach_spk=detach_spk,
    )
    with eqbrain.share.context(t=0.0, dt=DT):
        spike = neu()
    return neu.V.value[0], spike[0]


def test_soft_and_hard_reset_and_detached_spikes():
    V_new = 30.0 * np.exp(-DT / 10.0)  # 29.70 mV before the reset
    V_th, V_reset = 29.6, -5.0
    V, spike = V_after_a_spike(V_th)
    assert spike.dtype == jnp.float32 and float(spike) == 1.0
    assert float(V) == pytest.approx(V_new - (V_th - V_reset), abs=1e-4)
    assert float(V_after_a_spike(V_th, "hard")[0]) == pytest.approx(V_reset, abs=1e-5)
    # soft: d/dV_th [V_new - (V_th - V_reset) s(V_new - V_th)] = -s + (V_th - V_reset) s'
    x = 4.0 * (V_new - V_th)
    slope = 4.0 * jax.nn.sigmoid(x) * (1 - jax.nn.sigmoid(x))
    grad = jax.grad(lambda v: V_after_a_spike(v)[0])(V_th)
    assert float(grad) == pytest.approx(-1.0 + (V_th - V_reset) * float(slope), rel=1e-3)
    # detached: the gradient does not flow through the spike
    assert float(jax.grad(lambda v: V_after_a_spike(v, detach_spk=True)[0])(V_th)) == -1.0


def test_models_compose_with_the_functional_style_and_checkpoints(tmp_path):
    hh = eqbrain.dyn.HH(4, key=jax.random.key(2))
    before = np.asarray(hh.V.value)

    @eqx.filter_jit
    def step(model, x):
        with eqbrain.share.context(t=0.0, dt=DT):
            model.update(x)
        return model

    new = step(hh, 5.0)
    np.testing.assert_array_equal(hh.V.value, before)  # the old model is untouched
    assert not np.array_equal(new.V.value, before)
    path = tmp_path / "hh.safetensors"
    eqbrain.save(path, new)
    fresh = eqbrain.dyn.HH(4)
    assert eqbrain.load(path, fresh).missing_keys == []
    for key, var in fresh.vars(method="relative").items():
        np.testing.assert_array_equal(var.value, new.vars(method="relative")[key].value)


@settings(max_examples=10, deadline=None)
@given(
    V=st.lists(st.floats(-80.0, 40.0, width=32), min_size=3, max_size=3),
    w=st.lists(st.floats(-5.0, 5.0, width=32), min_size=3, max_size=3),
    t=st.lists(st.floats(-1e7, 100.0, width=32), min_size=3, max_size=3),
)
def test_checkpoint_round_trip(V, w, t):
    neu = eqbrain.dyn.AdExIFRef(3, tau_ref=1.0, ref_var=True)
    neu.V.value, neu.w.value = jnp.array(V), jnp.array(w)
    neu.t_last_spike.value = jnp.array(t)
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "adex.safetensors"
        eqbrain.save(path, neu, fsync=False)
        other = eqbrain.dyn.AdExIFRef(3, tau_ref=1.0, ref_var=True)
        assert eqbrain.load(path, other, strict=True).missing_keys == []
    for key, var in other.vars(method="relative").items():
        np.testing.assert_array_equal(var.value, neu.vars(method="relative")[key].value)


# -- FHN and noise ---------------------------------------------------------------------------


def test_fhn_consumes_its_input_variables():
    fhn = eqbrain.dyn.FHN(3, **FHN_INIT)
    twin = eqbrain.dyn.FHN(3, **FHN_INIT)
    with eqbrain.share.context(t=0.0, dt=DT):
        fhn.input.value = fhn.input.value + 0.3  # as another module would add it
        fhn.update(0.5)
        twin.update(0.8)
    np.testing.assert_allclose(fhn.x.value, twin.x.value, rtol=1e-6)
    np.testing.assert_array_equal(fhn.input.value, np.zeros(3, np.float32))
    np.testing.assert_array_equal(fhn.input_y.value, np.zeros(3, np.float32))


def test_ou_process_statistics_and_reproducibility():
    ou = eqbrain.dyn.OUProcess(2000, mean=1.0, sigma=0.5, tau=5.0, seed=3)
    np.testing.assert_array_equal(ou.x.value, np.ones(2000, np.float32))
    out = eqbrain.run(ou, 100.0, monitors=["x"], dt=DT)["x"]
    tail = np.asarray(out[-1])
    # stationary: mean `mean`, variance sigma^2 tau / 2 = 0.625
    assert abs(tail.mean() - 1.0) < 0.08 and abs(tail.var() - 0.625) < 0.08
    ou.reset_state()
    again = eqbrain.run(ou, 100.0, monitors=["x"], dt=DT)["x"]
    np.testing.assert_array_equal(again, out)


def test_fhn_with_noise_is_reproducible():
    a = eqbrain.dyn.FHN(3, x_ou_sigma=0.2, seed=5, **FHN_INIT)
    b = eqbrain.dyn.FHN(3, x_ou_sigma=0.2, seed=5, **FHN_INIT)
    assert a.x_ou is not None and a.y_ou is None
    inputs = jnp.full((100, 3), 0.5)
    xa = eqbrain.run(a, inputs=inputs, monitors=["x"], dt=DT)["x"]
    xb = eqbrain.run(b, inputs=inputs, monitors=["x"], dt=DT)["x"]
    np.testing.assert_array_equal(xa, xb)
    quiet = eqbrain.run(eqbrain.dyn.FHN(3, **FHN_INIT), inputs=inputs, monitors=["x"], dt=DT)["x"]
    assert not np.allclose(xa, quiet)


# -- rate models: RNNCell and Reservoir --------------------------------------------------------


@pytest.mark.parametrize("name, activation", [("RNNCell", "relu"), ("RNNCell_tanh", "tanh")])
def test_rnncell_matches_brainpy(name, activation):
    c = case(name)
    cell = eqbrain.dyn.RNNCell(
        2,
        4,
        Wi_initializer=jnp.asarray(c["arg/Wi"]),
        Wh_initializer=jnp.asarray(c["arg/Wh"]),
        b_initializer=jnp.asarray(c["arg/b"]),
        activation=activation,
    )
    out = eqbrain.run(cell, inputs=jnp.asarray(c["in0"]), monitors=["state"], dt=DT)
    np.testing.assert_allclose(out["state"], c["state"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("activation_type", ["internal", "external"])
def test_reservoir_matches_brainpy(activation_type):
    c = case(f"Reservoir_{activation_type}")
    res = eqbrain.dyn.Reservoir(
        2,
        6,
        activation_type=activation_type,
        Win_initializer=jnp.asarray(c["arg/Win"]),
        Wrec_initializer=jnp.asarray(c["arg/Wrec"]),
        b_initializer=jnp.asarray(c["arg/bias"]),
        in_connectivity=1.0,
        rec_connectivity=1.0,
    )
    out = eqbrain.run(res, inputs=jnp.asarray(c["in0"]), monitors=["state"], dt=DT)
    np.testing.assert_allclose(out["state"], c["state"], rtol=1e-5, atol=1e-6)


def test_rnncell_defaults_training_and_batches():
    cell = eqbrain.dyn.RNNCell(3, 50, key=jax.random.key(0), batch_size=8)
    assert set(cell.train_vars(method="relative")) == {"Wi", "Wh", "b"}
    std = float(np.std(np.asarray(cell.Wh.value)))
    assert 0.1 < std < 0.2  # Xavier: truncated normal with variance 2 / (50 + 50)
    assert cell.b is not None
    np.testing.assert_array_equal(cell.b.value, np.zeros(50, np.float32))
    assert cell.state.shape == (8, 50)

    x = jax.random.normal(jax.random.key(1), (5, 8, 3))

    def loss():
        cell.reset_state()
        h = None
        for t in range(5):
            h = cell(x[t])
        assert h is not None
        return (h**2).mean()

    grads = eqbrain.grad(loss, grad_vars=cell.train_vars())()
    assert all(np.abs(np.asarray(g)).sum() > 0 for g in grads.values())
    cell.reset_state(batch_size=2)
    assert cell.state.shape == (2, 50)


def test_rnncell_trainable_initial_state():
    cell = eqbrain.dyn.RNNCell(2, 3, train_state=True, state_initializer=0.5)
    assert "state2train" in cell.train_vars(method="relative")
    assert cell.state2train is not None
    cell.state2train.value = jnp.array([1.0, 2.0, 3.0])
    cell.reset_state()
    np.testing.assert_array_equal(cell.state.value, [1.0, 2.0, 3.0])


def test_reservoir_connectivity_spectral_radius_and_noise():
    res = eqbrain.dyn.Reservoir(4, 200, rec_connectivity=0.1, spectral_radius=0.9)
    W = np.asarray(res.Wrec.value)
    assert abs((W != 0).mean() - 0.1) < 0.01
    assert abs(np.max(np.abs(np.linalg.eigvals(W))) - 0.9) < 1e-4
    assert set(res.vars(method="relative")) == {"Win", "Wrec", "bias", "state", "key"}
    assert not res.train_vars()
    noisy = eqbrain.dyn.Reservoir(
        4, 20, noise_rec=0.1, noise_type="uniform", seed=1, key=jax.random.key(0)
    )
    xs = jnp.ones((30, 4))
    a = eqbrain.run(noisy, inputs=xs, monitors=["state"], dt=DT)["state"]
    noisy.reset_state()
    b = eqbrain.run(noisy, inputs=xs, monitors=["state"], dt=DT)["state"]
    np.testing.assert_array_equal(a, b)
    quiet = eqbrain.dyn.Reservoir(4, 20, seed=1, key=jax.random.key(0))  # the same weights
    c = eqbrain.run(quiet, inputs=xs, monitors=["state"], dt=DT)["state"]
    assert 0 < np.abs(np.asarray(a) - np.asarray(c)).max() < 0.2


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: eqbrain.dyn.Lif(0), ValueError, "size must be a positive int"),
        (lambda: eqbrain.dyn.Lif(3, tau=0.0), ValueError, "tau must be positive"),
        (lambda: eqbrain.dyn.Lif(3, tau=jnp.array([1.0, -1.0, 1.0])), ValueError, "tau must be"),
        (lambda: eqbrain.dyn.LifRef(3, tau_ref=-1.0), ValueError, "tau_ref must be >= 0"),
        (lambda: eqbrain.dyn.Lif(3, batch_size=0), ValueError, "batch_size must be a positive"),
        (lambda: eqbrain.dyn.Lif(3, V_rest=jnp.zeros(4)), ValueError, "does not broadcast"),
        (lambda: eqbrain.dyn.Lif(3, V_initializer=jnp.zeros(4)), ValueError, "does not broadcast"),
        (
            lambda: eqbrain.dyn.Lif(3, V_initializer=lambda k, s: jnp.zeros(2)),
            ValueError,
            r"V gave an array of shape \(2,\), expected \(3,\)",
        ),
        (lambda: eqbrain.dyn.Lif(3, method="rk9"), ValueError, "Unknown integration method 'rk9'"),
        (lambda: eqbrain.dyn.Lif(3, spk_reset="medium"), ValueError, "spk_reset must be 'soft'"),
        (lambda: eqbrain.dyn.Lif(3, spk_fun="heaviside"), TypeError, "spk_fun must be a callable"),  # pyright: ignore[reportArgumentType]
        (lambda: eqbrain.dyn.Lif(3, V_th="high"), TypeError, "V_th must be a number"),
        (lambda: eqbrain.dyn.RNNCell(0, 3), ValueError, "num_in must be a positive int"),
        (lambda: eqbrain.dyn.RNNCell(2, 3, activation="nope"), ValueError, "Unknown activation"),
        (lambda: eqbrain.dyn.Reservoir(2, 3, leaky_rate=1.5), ValueError, "leaky_rate must be"),
        (
            lambda: eqbrain.dyn.Reservoir(2, 3, activation_type="inside"),
            ValueError,
            "activation_type must be 'internal' or 'external'",
        ),
        (lambda: eqbrain.dyn.Reservoir(2, 3, noise_type="pink"), ValueError, "noise_type must be"),
        (
            lambda: eqbrain.dyn.Reservoir(2, 3, Wrec_initializer=0.0, spectral_radius=1.0),
            ValueError,
            "its spectral radius is 0",
        ),
        (lambda: eqbrain.dyn.OUProcess(3, tau=0.0), ValueError, "tau must be positive"),
    ],
)
def test_bad_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_bad_input_shape_leaves_the_model_unchanged():
    neu = eqbrain.dyn.AdExIF(3)
    before = {k: np.asarray(v.value) for k, v in neu.vars(method="relative").items()}
    with pytest.raises(ValueError, match="leading time axis of length 100"):
        eqbrain.run(neu, 10.0, inputs=jnp.zeros((7, 3)), monitors=["V"], dt=DT)
    with pytest.raises(TypeError):
        with eqbrain.share.context(t=0.0, dt=DT):
            neu(jnp.zeros(4))
    for key, var in neu.vars(method="relative").items():
        np.testing.assert_array_equal(var.value, before[key], err_msg=key)


def test_an_integrate_and_fire_model_without_integrate_cannot_be_built():
    from eqbrain.dyn.neurons._base import IntegrateAndFire

    class NoStep(IntegrateAndFire):
        pass

    with pytest.raises(TypeError, match="abstract class NoStep .*_integrate"):
        NoStep(3)  # pyright: ignore[reportAbstractUsage]
    assert eqbrain.dyn.Lif(3).V.shape == (3,)  # the models define it
