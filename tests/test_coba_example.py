"""examples/coba_ei_network.py: BrainPy's rate at full size, a plausible rate and a raster
at a small size, the structure."""

import numpy as np

import eqbrain
from tests.helpers import load_script

coba = load_script("examples/coba_ei_network.py")


def test_small_network_fires_at_a_plausible_rate_and_saves_a_raster(tmp_path, capsys):
    png = tmp_path / "raster.png"
    rate = coba.main(duration=300.0, scale=0.25, png=str(png), progress_bar=False)
    assert 5.0 < rate < 80.0
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
    assert f"mean rate {rate:.2f} Hz" in capsys.readouterr().out


def test_full_network_fires_at_brainpys_rate():
    """BrainPy 2.8's EINet (the same network, its LifRef neurons) fires at 21.2 Hz; the
    rate varies by about 1 Hz with the connectivity seed."""
    rate = coba.main(duration=1000.0, scale=1.0, png=None, progress_bar=False)
    assert abs(rate - 21.2) < 2.0


def test_structure_matches_the_classic_network():
    net = coba.build(scale=0.25, seed=0)
    assert net.N.num == 1000 and net.n_exc == 800
    assert isinstance(net.N, eqbrain.dyn.LifRef)  # BrainPy's EINet neurons
    assert (net.N.V_rest, net.N.V_th, net.N.V_reset, net.N.tau, net.N.tau_ref) == (
        -60.0,
        -50.0,
        -60.0,
        20.0,
        5.0,
    )
    assert (net.E.comm.n_pre, net.E.comm.n_post, net.I.comm.n_pre) == (800, 1000, 200)
    density = net.E.comm.n_synapses / (800 * 1000)
    assert abs(density - 0.02) < 0.002
    assert net.E.out.E == 0.0 and net.I.out.E == -80.0
    assert (net.E.syn.tau, net.I.syn.tau) == (5.0, 10.0)
    assert np.isclose(net.E.comm.weight, 0.6 / 0.25) and np.isclose(net.I.comm.weight, 6.7 / 0.25)
    keys = set(net.vars(method="relative"))
    assert {"N.V", "N.spike", "E.syn.g", "I.syn.g", "E.comm.indices"} <= keys
    assert not net.train_vars()


def test_reset_state_replays_the_run():
    net = coba.build(scale=0.1, seed=1)
    runner = eqbrain.DSRunner(net, monitors=["N.spike"])
    runner.run(50.0)
    first = np.asarray(runner.mon["N.spike"])
    net.reset_state()
    again = np.asarray(eqbrain.run(net, 50.0, monitors=["N.spike"])["N.spike"])
    np.testing.assert_array_equal(first, again)
    assert first.sum() > 0


def test_functional_steps_give_the_same_spikes_as_the_runner():
    """The Equinox way (a jitted step returning the new model) runs the same network."""
    import equinox as eqx
    import jax.numpy as jnp

    in_place, functional = coba.build(scale=0.1, seed=2), coba.build(scale=0.1, seed=2)
    expected = np.asarray(eqbrain.run(in_place, n_steps=200, monitors=["N.spike"])["N.spike"])

    @eqx.filter_jit
    def step(net, i):
        with eqbrain.share.context(t=i.astype(jnp.float32) * 0.1, i=i, dt=0.1):
            spike = net.update()
        return net, spike

    start = functional
    spikes = []
    for i in range(200):
        functional, spike = step(functional, jnp.int32(i))
        spikes.append(np.asarray(spike))
    np.testing.assert_array_equal(np.stack(spikes), expected)
    assert expected.sum() > 0
    # Functional updates left the first model as it was built.
    np.testing.assert_array_equal(start.N.spike.value, np.zeros(400, bool))
    np.testing.assert_allclose(functional.N.V.value, in_place.N.V.value)
