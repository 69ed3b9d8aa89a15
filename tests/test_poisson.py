"""PoissonGroup: rates, reproducibility through its key Variable."""

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain


def test_rate_matches_freqs():
    inp = eqbrain.dyn.PoissonGroup(200, freqs=50.0, seed=1)
    out = eqbrain.run(inp, 1000.0, monitors=["spike"], dt=0.1)
    count = float(out["spike"].sum())
    mean, sd = 200 * 50.0, np.sqrt(200 * 10000 * 0.005 * 0.995)
    assert abs(count - mean) < 5 * sd


def test_per_neuron_freqs():
    inp = eqbrain.dyn.PoissonGroup(2, freqs=jnp.array([0.0, 100.0]), seed=2)
    out = eqbrain.run(inp, 500.0, monitors=["spike"], dt=0.1)
    counts = np.asarray(out["spike"].sum(0))
    assert counts[0] == 0 and 30 < counts[1] < 75


def test_reset_state_replays_the_same_spikes():
    inp = eqbrain.dyn.PoissonGroup(20, freqs=100.0, seed=3)
    a = eqbrain.run(inp, 20.0, monitors=["spike"])["spike"]
    b = eqbrain.run(inp, 20.0, monitors=["spike"])["spike"]
    inp.reset_state()
    c = eqbrain.run(inp, 20.0, monitors=["spike"])["spike"]
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_batched_trials_differ():
    inp = eqbrain.dyn.PoissonGroup(10, freqs=200.0, seed=4, batch_size=3)
    out = eqbrain.run(inp, 50.0, monitors=["spike"])
    assert out["spike"].shape == (3, 500, 10)  # batched: batch first, as BrainPy's runner
    assert not np.array_equal(out["spike"][0], out["spike"][1])


@pytest.mark.parametrize("freqs", [-1.0, float("nan"), [1.0, -2.0]])
def test_bad_freqs(freqs):
    with pytest.raises(ValueError, match="freqs must be finite and >= 0 Hz"):
        eqbrain.dyn.PoissonGroup(2, freqs=freqs)


def test_freqs_that_do_not_fit_the_size():
    with pytest.raises(ValueError, match="broadcast"):
        eqbrain.dyn.PoissonGroup(3, freqs=[1.0, 2.0])


def test_groups_without_a_seed_draw_their_keys_from_eqbrain_random():
    eqbrain.random.seed(4)
    a, b = eqbrain.dyn.PoissonGroup(50, freqs=200.0), eqbrain.dyn.PoissonGroup(50, freqs=200.0)
    spikes_a = eqbrain.run(a, 10.0, monitors=["spike"])["spike"]
    spikes_b = eqbrain.run(b, 10.0, monitors=["spike"])["spike"]
    assert not np.array_equal(spikes_a, spikes_b)  # two groups, two spike trains
    eqbrain.random.seed(4)
    again = eqbrain.dyn.PoissonGroup(50, freqs=200.0)
    np.testing.assert_array_equal(eqbrain.run(again, 10.0, monitors=["spike"])["spike"], spikes_a)
