"""Synapse models and outputs against BrainPy 2.x trajectories, and their own behaviour.

The trajectories come from `tests/data/brainpy_trajectories/generate.py` (BrainPy 2.8,
`DSRunner`, dt = 0.1 ms, float32, three synapses driven by random presynaptic spikes).
Tolerances: spike arrival times must be equal; a conductance or resource variable may
differ from BrainPy's by `rtol=1e-5` plus 4x the rounding error the same trajectory
shows in BrainPy itself between float32 and float64 (`<case>/roundoff/<var>`, at most
5e-6 here: these equations are linear between spikes and do not amplify rounding).
AMPA/GABAa have no such measure (their transmitter window's end is a time comparison
that float64 moves by a step) and get `atol=1e-6` on `g` in [0, 1], a few float32 ulps.
The outputs are single formulas: `rtol=1e-6`.
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain

DATA = np.load(
    pathlib.Path(__file__).parent / "data" / "brainpy_trajectories" / "trajectories.npz"
)
DT = 0.1


def case(name: str) -> dict[str, np.ndarray]:
    """Every array of one case, keyed without the case's prefix."""
    return {k[len(name) + 1 :]: DATA[k] for k in DATA.files if k.startswith(name + "/")}


SYNAPSES = {
    "Expon": (eqbrain.dyn.Expon, {}),
    "DualExpon": (eqbrain.dyn.DualExpon, {}),
    "DualExpon_A": (eqbrain.dyn.DualExpon, dict(tau_decay=5.0, tau_rise=2.0, A=2.0)),
    "DualExpon_equal": (eqbrain.dyn.DualExpon, dict(tau_decay=4.0, tau_rise=4.0)),
    "Alpha": (eqbrain.dyn.Alpha, {}),
    "AMPA": (eqbrain.dyn.AMPA, {}),
    "GABAa": (eqbrain.dyn.GABAa, {}),
    "NMDA": (eqbrain.dyn.NMDA, {}),
    "STD": (eqbrain.dyn.STD, {}),
    "STP": (eqbrain.dyn.STP, {}),
}


def monitored(c: dict) -> list[str]:
    return [k for k in c if "/" not in k and not k.startswith("in")]


def run_case(name: str, **extra) -> tuple[dict, dict]:
    cls, kwargs = SYNAPSES[name]
    c = case(name)
    model = cls(3, **kwargs, **extra)
    out = eqbrain.run(model, inputs=jnp.asarray(c["in0"]), monitors=monitored(c), dt=DT)
    return out, c


@pytest.mark.parametrize("name", list(SYNAPSES))
def test_trajectory_matches_brainpy(name):
    out, c = run_case(name)
    for var in monitored(c):
        ours, theirs = np.asarray(out[var]), c[var]
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, var
        if var == "spike_arrival_time":
            np.testing.assert_array_equal(ours, theirs)
            continue
        key = f"{name}/roundoff/{var}"
        atol = 4 * float(DATA[key]) if key in DATA.files else 1e-6
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=atol, err_msg=f"{name}.{var}")


@pytest.mark.parametrize("name", list(SYNAPSES))
def test_initial_values_are_brainpys(name):
    cls, kwargs = SYNAPSES[name]
    ours = cls(3, **kwargs).vars(method="relative")
    theirs = {k[5:]: v for k, v in case(name).items() if k.startswith("init/")}
    assert set(theirs) == set(ours)
    for key, value in theirs.items():
        np.testing.assert_array_equal(ours[key].value, value, err_msg=key)


@pytest.mark.parametrize("name", ["MgBlock", "MgBlock_wang", "COBA", "CUBA"])
def test_outputs_match_brainpy(name):
    c = case(name)
    out = {
        "MgBlock": eqbrain.dyn.MgBlock(),
        "MgBlock_wang": eqbrain.dyn.MgBlock(E=0.0, cc_Mg=1.0, alpha=0.062, beta=3.57),
        "COBA": eqbrain.dyn.COBA(E=-80.0),
        "CUBA": eqbrain.dyn.CUBA(),
    }[name]
    I = out(jnp.asarray(c["g"]), jnp.asarray(c["V"]))
    np.testing.assert_allclose(I, c["I"], rtol=1e-6)


def test_mg_block_unblocks_with_depolarization():
    out = eqbrain.dyn.MgBlock(E=0.0, cc_Mg=1.2)
    V = jnp.array([-80.0, -40.0, 0.0, 20.0])
    fraction = out(jnp.ones(4), V) / (0.0 - V + 1e-30)  # the unblocked fraction
    assert np.all(np.diff(np.asarray(fraction)[:2]) > 0)
    np.testing.assert_allclose(fraction[0], 1 / (1 + 1.2 / 3.57 * np.exp(0.062 * 80)), rtol=1e-5)


def unit_response(syn, steps: int, dt: float) -> np.ndarray:
    """`g` after one unit input at step 0, at steps 1 .. steps - 1."""
    pulse = jnp.zeros((steps, 1)).at[0].set(1.0)
    return np.asarray(eqbrain.run(syn, inputs=pulse, monitors=["g"], dt=dt)["g"][1:, 0])


# Exponential Euler holds `h` over each step (as BrainPy does), a first-order error in
# `dt / tau_rise`: at dt = 0.01 ms the sampled responses are within 1 % of the exact.


@pytest.mark.parametrize("tau_decay, tau_rise", [(10.0, 1.0), (4.0, 4.0)])
def test_dual_expon_without_A_peaks_at_one(tau_decay, tau_rise):
    g = unit_response(eqbrain.dyn.DualExpon(1, tau_decay=tau_decay, tau_rise=tau_rise), 3000, 0.01)
    assert g.max() == pytest.approx(1.0, rel=1e-2)


def test_dual_expon_with_A_is_A_times_the_difference_of_exponentials():
    g = unit_response(eqbrain.dyn.DualExpon(1, tau_decay=5.0, tau_rise=2.0, A=2.0), 3000, 0.01)
    t = np.arange(1, 3000) * 0.01
    exact = 2.0 * (np.exp(-t / 5.0) - np.exp(-t / 2.0))
    np.testing.assert_allclose(g, exact, atol=1e-2 * exact.max())


def test_alpha_is_t_over_tau_exp():
    tau = 5.0
    g = unit_response(eqbrain.dyn.Alpha(1, tau_decay=tau), 3000, 0.01)
    t = np.arange(1, 3000) * 0.01
    exact = t / tau * np.exp(-t / tau)
    np.testing.assert_allclose(g, exact, atol=1e-2 * exact.max())


def test_ampa_transmitter_pulse_and_decay():
    syn = eqbrain.dyn.AMPA(1)
    pre = np.zeros((100, 1), bool)
    pre[10] = True
    out = eqbrain.run(syn, inputs=jnp.asarray(pre), monitors=["g", "spike_arrival_time"], dt=DT)
    g = np.asarray(out["g"][:, 0])
    assert (g[:10] == 0).all() and float(out["spike_arrival_time"][-1, 0]) == pytest.approx(1.0)
    # rises while [T] = 0.5 mM (5 steps), then decays with beta = 0.18 / ms
    assert np.all(np.diff(g[10:15]) > 0) and np.all(np.diff(g[15:]) < 0)
    np.testing.assert_allclose(g[30] / g[20], np.exp(-0.18 * 1.0), rtol=1e-4)


def test_stp_facilitates_and_depresses():
    stp = eqbrain.dyn.STP(1, U=0.2, tau_f=100.0, tau_d=50.0)
    std = eqbrain.dyn.STD(1, U=0.2, tau=50.0)
    pre = np.zeros((100, 1), np.float32)
    pre[::10] = 1.0  # 100 Hz
    a = eqbrain.run(stp, inputs=jnp.asarray(pre), monitors=["u", "x"], dt=DT)
    b = eqbrain.run(std, inputs=jnp.asarray(pre), monitors=["x"], dt=DT)
    u_at_spikes = np.asarray(a["u"][::10, 0])
    assert np.all(np.diff(u_at_spikes) > 0)  # facilitation
    assert np.all(np.diff(np.asarray(b["x"][::10, 0], np.float32)) < 0)  # depression
    np.testing.assert_allclose(
        u_at_spikes[0],
        0.2 * np.exp(-DT / 100.0) + 0.2 * (1 - 0.2 * np.exp(-DT / 100.0)),
        rtol=1e-5,
    )


def test_nmda_saturates_below_one():
    syn = eqbrain.dyn.NMDA(1)
    pre = jnp.ones((2000, 1))  # a spike every step
    g = eqbrain.run(syn, inputs=pre, monitors=["g"], dt=DT)["g"]
    assert 0.9 < float(g[-1, 0]) < 1.0


@pytest.mark.parametrize("name", ["DualExpon", "NMDA", "STP", "AMPA"])
def test_batch_and_reset(name):
    cls, kwargs = SYNAPSES[name]
    c = case(name)
    single, _ = run_case(name)
    syn = cls(3, batch_size=2, **kwargs)
    pre = jnp.stack([jnp.asarray(c["in0"])] * 2, axis=1)
    var = monitored(c)[0]
    out = eqbrain.run(syn, inputs=pre, monitors=[var], dt=DT, data_first_axis="T")[var]
    np.testing.assert_allclose(out[:, 1], single[var], rtol=1e-6, atol=1e-7)
    syn.reset_state()
    for key, value in ((k[5:], v) for k, v in c.items() if k.startswith("init/")):
        np.testing.assert_array_equal(
            syn.vars(method="relative")[key].value, np.stack([value] * 2)
        )


def test_subpackage_import_paths():
    from eqbrain.dyn import outs, synapses

    assert synapses.Expon is eqbrain.dyn.Expon and synapses.AMPA is eqbrain.dyn.AMPA
    assert outs.COBA is eqbrain.dyn.COBA and outs.MgBlock is eqbrain.dyn.MgBlock


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: eqbrain.dyn.DualExpon(3, tau_rise=0.0), "tau_rise must be positive"),
        (lambda: eqbrain.dyn.Alpha(3, tau_decay=-1.0), "tau_decay must be positive"),
        (lambda: eqbrain.dyn.NMDA(3, tau_decay=jnp.array([1.0, 0.0, 1.0])), "tau_decay must be"),
        (lambda: eqbrain.dyn.STP(3, tau_f=0.0), "tau_f must be positive"),
        (lambda: eqbrain.dyn.STD(3, tau=jnp.ones(4)), "does not broadcast"),
        (lambda: eqbrain.dyn.AMPA(3, method="magic"), "Unknown integration method"),
        (lambda: eqbrain.dyn.MgBlock(beta=0.0), "beta must be positive"),
        (lambda: eqbrain.dyn.GABAa(0), "size must be a positive int"),
    ],
)
def test_bad_arguments(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_ampa_needs_the_time_and_changes_nothing_without_it():
    syn = eqbrain.dyn.AMPA(2)
    before = np.asarray(syn.g.value), np.asarray(syn.spike_arrival_time.value)
    with pytest.raises(KeyError, match="eqbrain.share has no 't'"):
        syn(jnp.array([True, False]))
    np.testing.assert_array_equal(syn.g.value, before[0])
    np.testing.assert_array_equal(syn.spike_arrival_time.value, before[1])


def test_jit_and_grad_through_a_synapse():
    syn = eqbrain.dyn.DualExpon(2)

    def peak(w):
        syn.reset_state()
        g = jnp.zeros(2)
        for k in range(30):
            with eqbrain.share.context(t=k * DT, dt=DT):
                g = syn(w * (k == 0))
        return g.sum()

    grad = eqbrain.grad(peak)(jnp.ones(2))
    assert grad.shape == (2,) and np.all(np.asarray(grad) > 0)
    assert jax.tree_util.tree_structure(syn) == jax.tree_util.tree_structure(
        eqbrain.dyn.DualExpon(2)
    )


def test_dual_expon_v2_unit_input_peaks_at_one_and_A_scales_it():
    syn = eqbrain.dyn.DualExponV2(1, tau_decay=10.0, tau_rise=1.0)
    pulse = jnp.zeros((3000, 1)).at[0].set(1.0)
    g = np.asarray(eqbrain.DSRunner(syn, dt=0.01).run(inputs=pulse)[:, 0])
    assert g.max() == pytest.approx(1.0, rel=1e-3)
    t = np.arange(3000) * 0.01  # both gates decay exactly: g is the closed form
    exact = syn.a * (np.exp(-t / 10.0) - np.exp(-t / 1.0))
    np.testing.assert_allclose(g, exact, atol=1e-5)
    scaled = eqbrain.dyn.DualExponV2(1, tau_decay=10.0, tau_rise=1.0, A=2.5)
    assert scaled.a == 2.5


def test_dual_expon_v2_refuses_equal_time_constants_without_A():
    with pytest.raises(ValueError, match=r"tau_rise == tau_decay.*eqbrain.dyn.Alpha.*pass A"):
        eqbrain.dyn.DualExponV2(3, tau_decay=4.0, tau_rise=4.0)
    syn = eqbrain.dyn.DualExponV2(3, tau_decay=4.0, tau_rise=4.0, A=1.0)  # A given: allowed
    assert float(syn(jnp.ones(3))[0]) == 0.0  # both gates are equal: g = 0


def test_expon_add_current_then_step_decays_the_arrival_once():
    syn = eqbrain.dyn.Expon(2, tau=5.0)
    with eqbrain.share.context(dt=0.1):
        syn.add_current(jnp.array([1.0, 2.0]))
        g = syn()
    np.testing.assert_allclose(g, np.exp(-0.1 / 5.0) * np.array([1.0, 2.0]), rtol=1e-6)
