"""Parity with BrainPy 2.8's `brainpy/dyn/others/input_test.py` (4 cases) and
`brainpy/dyn/others/input_groups_test.py` (2 cases).

All 6 cases are in scope and pass. BrainPy's shape cases also get a check of what the
run produced: the spike steps of the `SpikeTimeGroup` (BrainPy 2.8.2 gives the same:
neuron 0 at steps 100 and 200, neuron 1 at 200; the spike at 30 ms falls after the last
step of a 30 ms run), and a plausible spike count for the `PoissonGroup`.

BrainPy's two rate cases run 200 (resp. 4 x 30) neurons for 1000 ms; the ports run more
neurons for 100 steps, which gives as many expected spikes (a Poisson count with a
relative spread of about 2 %, against BrainPy's 15 % tolerance). eqbrain draws from the
group's own `seed` instead of BrainPy's global generator (`bm.random.seed(...)`), so the
spikes are not BrainPy's; the rates are. BrainPy's `mode=bm.BatchingMode(4)` is
`batch_size=4`, recorded batch first as BrainPy's runner does.

The BrainPy numbers come from `tests/data/brainpy_dyn_parity/record.py` (run it with
BrainPy installed to print them again).
"""

import numpy as np
import pytest

import eqbrain


def _record(model, duration):
    runner = eqbrain.DSRunner(model, monitors=["spike"], progress_bar=False)
    runner.run(duration)
    return np.asarray(runner.mon["spike"])


def _spike_time_group():
    return eqbrain.dyn.SpikeTimeGroup(2, times=[10, 20, 20, 30], indices=[0, 0, 1, 1])


# -- input_test.py and input_groups_test.py: test_SpikeTimeGroup, test_PoissonGroup --------


@pytest.mark.parametrize("source", ["input_test", "input_groups_test"])
def test_spike_time_group(source):
    spikes = _record(_spike_time_group(), 30.0)
    assert spikes.shape == (300, 2) and spikes.dtype == np.bool_
    assert np.argwhere(spikes).tolist() == [[100, 0], [200, 0], [200, 1]]  # BrainPy's


@pytest.mark.parametrize("source", ["input_test", "input_groups_test"])
def test_poisson_group(source):
    spikes = _record(eqbrain.dyn.PoissonGroup(2, freqs=1000.0), 30.0)
    assert spikes.shape == (300, 2) and spikes.dtype == np.bool_
    # 1000 Hz at dt = 0.1 ms: a spike with probability 0.1 per step; 60 expected
    # (BrainPy 2.8.2 gave 62), a Poisson spread of about 8
    assert 30 < spikes.sum() < 90


# -- input_test.py: the rate regressions -------------------------------------------------------


def _rate(spikes, n, duration):
    return spikes.sum() / n / (duration / 1000.0)


def test_poisson_group_fires_at_its_rate():
    n, freqs, duration = 10_000, 200.0, 10.0  # 20 000 expected spikes
    spikes = _record(eqbrain.dyn.PoissonGroup(n, freqs=freqs, seed=1234), duration)
    assert spikes.shape == (100, n)
    assert _rate(spikes, n, duration) == pytest.approx(freqs, rel=0.15)
    # and not only on average: every step and every neuron fire at that rate
    assert spikes.sum(1).min() > 0 and spikes.any(0).mean() > 0.8


def test_poisson_group_fires_at_its_rate_in_batching_mode():
    n, batch, freqs, duration = 2500, 4, 200.0, 10.0
    model = eqbrain.dyn.PoissonGroup(n, freqs=freqs, seed=1234, batch_size=batch)
    spikes = _record(model, duration)
    assert spikes.shape == (batch, 100, n)
    assert _rate(spikes, batch * n, duration) == pytest.approx(freqs, rel=0.15)
    for trial in spikes:  # each trial of the batch at the rate, and trials differ
        assert _rate(trial, n, duration) == pytest.approx(freqs, rel=0.15)
    assert (spikes[0] != spikes[1]).any()
