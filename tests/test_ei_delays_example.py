"""examples/ei_network_delays.py at a small size, and delays in the COBA network."""

import numpy as np

import eqbrain
from tests.helpers import load_script

coba = load_script("examples/coba_ei_network.py")
example = load_script("examples/ei_network_delays.py")


def test_small_run_prints_both_networks_and_saves_the_figure(tmp_path, capsys):
    png = tmp_path / "ei.png"
    results = example.main(duration=100.0, scale=0.25, png=str(png))
    assert set(results) == {"no delays", "delayed"}
    for r in results.values():
        assert 0.0 < r["mean"] < 200.0 and len(r["rate"]) == 100
    out = capsys.readouterr().out
    assert "no delays: 1000 neurons" in out and "delayed: 1000 neurons" in out
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_a_zero_delay_is_no_delay():
    a = eqbrain.run(coba.build(0.1), 30.0, monitors=["N.spike"])["N.spike"]
    b = eqbrain.run(coba.build(0.1, delay_E=0.0, delay_I=0.0), 30.0, monitors=["N.spike"])
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b["N.spike"]))


def test_excitation_arrives_delay_over_dt_steps_after_the_first_spike():
    net = coba.build(0.1, delay_E=1.5, delay_I=3.0)
    out = eqbrain.run(net, 20.0, monitors=["N.spike", "E.syn.g", "I.syn.g"], dt=0.1)
    spikes = np.asarray(out["N.spike"])
    exc_steps = np.nonzero(spikes[:, : net.n_exc].any(1))[0]
    inh_steps = np.nonzero(spikes[:, net.n_exc :].any(1))[0]
    g_e = np.asarray(out["E.syn.g"]).any(1)
    g_i = np.asarray(out["I.syn.g"]).any(1)
    # a spike recorded at step k reaches the synapses at step k + delay / dt
    assert np.nonzero(g_e)[0][0] == exc_steps[0] + 15
    assert np.nonzero(g_i)[0][0] == inh_steps[0] + 30
