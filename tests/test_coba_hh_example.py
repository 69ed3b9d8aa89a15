"""examples/coba_hh_network.py: the Traub-Miles neuron and the network at a small size."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from tests.helpers import load_script

hh = load_script("examples/coba_hh_network.py")


def _spike_times(neuron, current, duration, dt):
    out = eqbrain.run(
        neuron, duration, inputs=jnp.full((round(duration / dt), 1), current), monitors=["spike"],
        dt=dt,
    )  # fmt: skip
    return np.asarray(out["spike"].times)


def test_one_neuron_fires_faster_and_tonically_with_more_input():
    # With the benchmark's V_T = -63 mV the neuron fires on its own, slowly (the
    # network needs no external drive); a 500 pA current makes it fire fast, regularly.
    slow = _spike_times(hh.TraubHH(1, jax.random.key(0)), 0.0, 300.0, 0.1)
    fast = _spike_times(hh.TraubHH(1, jax.random.key(0)), 500.0, 300.0, 0.1)
    assert 1 <= slow.size < fast.size / 4
    isi = np.diff(fast[1:])
    assert isi.std() < 0.05 * isi.mean()


def test_exponential_euler_matches_a_fine_runge_kutta_solution():
    coarse = _spike_times(hh.TraubHH(1, jax.random.key(1)), 500.0, 100.0, 0.01)
    fine = hh.TraubHH(1, jax.random.key(1))
    fine = eqx_replace_integrator(fine, "rk4")
    reference = _spike_times(fine, 500.0, 100.0, 0.01)
    assert abs(coarse.size - reference.size) <= 1 and reference.size > 3
    # first-order exponential Euler drifts slowly against fourth-order Runge-Kutta
    np.testing.assert_allclose(coarse[:3], reference[:3], rtol=0.02)


def eqx_replace_integrator(neuron, method):
    import equinox as eqx

    integral = eqbrain.odeint(eqbrain.JointEq(hh.dV, hh.dm, hh.dh, hh.dn), method=method)
    return eqx.tree_at(lambda n: n.integral, neuron, integral)


def test_small_network_sustains_its_activity_and_saves_a_raster(tmp_path, capsys):
    png = tmp_path / "hh.png"
    rate = hh.main(duration=150.0, scale=0.5, png=str(png))
    assert 1.0 < rate < 200.0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "2000 HH neurons" in capsys.readouterr().out


def test_a_diverging_network_is_reported_not_measured(tmp_path):
    # At a quarter of the size the weights are 4x stronger and the potentials reach
    # NaN within 150 ms (BrainPy's run of the same network diverges identically).
    png = tmp_path / "hh.png"
    with pytest.raises(FloatingPointError, match=r"membrane potentials diverged.*scale of 0.5"):
        hh.main(duration=150.0, scale=0.25, png=str(png))
    assert not png.exists()  # no raster of a meaningless run
