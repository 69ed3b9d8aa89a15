"""Inputs: current waveforms (bp.inputs), PoissonInput, SpikeTimeGroup."""

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from tests.helpers import assert_unchanged, snapshot

# -- current waveforms -----------------------------------------------------------------------


def test_section_input_lengths_values_and_shapes():
    I1 = eqbrain.inputs.section_input(values=[0, 1, 2], durations=[10, 20, 30], dt=0.1)
    I2 = eqbrain.inputs.section_input(values=[0, 1, 2], durations=[10, 20, 30], dt=0.01)
    assert I1.shape == (600,) and I2.shape == (6000,) and I1.dtype == jnp.float32
    np.testing.assert_array_equal(np.unique(I1[100:300]), [1.0])
    # int(300 / 0.1) is 2999 in floating point; the section still lasts 3000 steps
    current, duration = eqbrain.inputs.section_input([0, 1.0, 0], [100, 300, 100], 0.1, True)
    assert duration == 500.0 and current.shape == (5000,)
    assert float(current[3999]) == 1.0 and float(current[4000]) == 0.0
    assert float(current.sum()) == 3000.0
    grid = eqbrain.inputs.section_input(
        values=[0, jnp.ones(10), np.ones((3, 10))], durations=[1, 3, 1]
    )
    assert grid.shape == (50, 3, 10)
    with eqbrain.share.context(dt=0.5):
        assert eqbrain.inputs.section_input([1.0], [2.0]).shape == (4,)


def test_constant_input_returns_the_current_and_its_duration():
    current, duration = eqbrain.inputs.constant_input([(0, 100), (1, 300), (0, 100)])
    assert duration == 500.0 and current.shape == (5000,)
    np.testing.assert_array_equal(
        current, eqbrain.inputs.section_input([0, 1, 0], [100, 300, 100])
    )


def test_spike_input_places_each_pulse():
    current = eqbrain.inputs.spike_input([1.0, 2.0], sp_lens=0.2, sp_sizes=0.5, duration=3.0)
    expected = np.zeros(30, np.float32)
    expected[10:12] = expected[20:22] = 0.5
    np.testing.assert_array_equal(current, expected)
    per_pulse = eqbrain.inputs.spike_input(
        [1.0, 2.0], sp_lens=[0.1, 0.3], sp_sizes=[1, 2], duration=3
    )
    assert list(np.flatnonzero(per_pulse)) == [10, 20, 21, 22] and per_pulse[21] == 2.0


def test_ramp_input():
    full = eqbrain.inputs.ramp_input(0, 1, duration=1.0, dt=0.1)
    np.testing.assert_allclose(full, np.linspace(0, 1, 10), rtol=1e-6)
    part = eqbrain.inputs.ramp_input(0, 1, duration=50, t_start=10, t_end=40, dt=1.0)
    assert part.shape == (50,) and not part[:10].any() and not part[40:].any()
    np.testing.assert_allclose(part[10:40], np.linspace(0, 1, 30), rtol=1e-6)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: eqbrain.inputs.section_input([0, 1], [10]), "same length, got 2 != 1"),
        (lambda: eqbrain.inputs.section_input([0], [-1.0]), "finite number of ms >= 0"),
        (
            lambda: eqbrain.inputs.section_input([np.ones(2), np.ones(3)], [1, 1]),
            "does not broadcast",
        ),
        (lambda: eqbrain.inputs.section_input([0], [1], dt=0.0), "dt must be a positive"),
        (lambda: eqbrain.inputs.constant_input([(0, 1, 2)]), r"\(value, duration\) pairs"),  # pyright: ignore[reportArgumentType]
        (lambda: eqbrain.inputs.spike_input(5.0, 1, 1, 10), "sp_times must be a list"),  # pyright: ignore[reportArgumentType]
        (lambda: eqbrain.inputs.spike_input([1, 2], [1], 1, 10), "one per pulse"),
        (lambda: eqbrain.inputs.ramp_input(0, 1, 10, t_start=5, t_end=2), "must not come before"),
    ],
)
def test_bad_waveforms(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_waveform_drives_a_runner_both_ways():
    lif = eqbrain.dyn.LIF(3, V_rest=0.0, V_th=100.0, tau=10.0)
    current = eqbrain.inputs.section_input([0.0, 5.0], [1.0, 1.0])
    by_update = eqbrain.DSRunner(lif, monitors=["V"])
    by_update.run(inputs=current[:, None] * jnp.ones(3))
    lif.reset_state()
    assign = eqbrain.DSRunner(lif, monitors=["V"], inputs=[("V", current, "iter", "+")])
    assign.run(2.0)
    assert by_update.mon.V[:10].max() == 0.0 and by_update.mon.V[-1, 0] > 0
    assert assign.mon.V[:10].max() == 0.0 and assign.mon.V[-1, 0] > 0


# -- PoissonInput -----------------------------------------------------------------------------


class Driven(eqbrain.Network):
    N: eqbrain.dyn.LIF
    P: eqbrain.dyn.PoissonInput

    def __init__(self, num_input, freq, weight, seed=0):
        super().__init__()
        self.N = eqbrain.dyn.LIF(400, V_rest=0.0, V_th=1e9, tau=1e9)
        self.P = eqbrain.dyn.PoissonInput(self.N.V, num_input, freq, weight, seed=seed)

    def update(self):
        self.P()
        return self.N(0.0)


@pytest.mark.parametrize("num_input, freq", [(10, 20.0), (1000, 100.0)])  # binomial, normal
def test_poisson_input_adds_the_expected_drive(num_input, freq):
    net = Driven(num_input, freq, weight=0.5)
    eqbrain.run(net, 100.0, dt=0.1)
    # with tau huge, V is the summed input: num_input * p per step, times weight
    p = freq * 0.1 / 1000
    mean = 1000 * num_input * p * 0.5
    sd = np.sqrt(1000 * num_input * p * (1 - p)) * 0.5
    V = np.asarray(net.N.V.value)
    assert abs(V.mean() - mean) < 5 * sd / np.sqrt(V.size)
    assert V.std() == pytest.approx(sd, rel=0.2)


def test_poisson_input_replays_after_reset_and_leaves_the_target_to_its_owner():
    net = Driven(50, 50.0, 1.0, seed=3)
    own = len(net.clock.vars())  # the network's clock
    assert len(net.vars().unique()) == len(net.N.vars()) + 1 + own  # the key; V is shared
    eqbrain.run(net, 10.0)
    first = np.asarray(net.N.V.value)
    net.N.V.value = jnp.full(400, 7.0)
    net.P.reset_state()
    np.testing.assert_array_equal(net.N.V.value, np.full(400, 7.0))  # not the input's
    net.reset_state()
    eqbrain.run(net, 10.0)
    np.testing.assert_array_equal(net.N.V.value, first)


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((jnp.zeros(3), 10, 1.0, 1.0), TypeError, "must be a Variable"),
        ((None, 0, 1.0, 1.0), ValueError, "num_input must be an int >= 1"),
        ((None, 10, -1.0, 1.0), ValueError, "freq must be a finite number of Hz"),
        ((None, 10, 1.0, float("inf")), ValueError, "weight must be a finite number"),
        (("int", 10, 1.0, 1.0), TypeError, "adds to a float Variable"),
    ],
)
def test_bad_poisson_input(args, error, message):
    target = eqbrain.Variable(jnp.zeros(3, jnp.int32) if args[0] == "int" else jnp.zeros(3))
    args = (target if args[0] is None or args[0] == "int" else args[0], *args[1:])
    with pytest.raises(error, match=message):
        eqbrain.dyn.PoissonInput(*args)


def test_poisson_input_refuses_a_probability_above_one():
    net = Driven(10, 20_000.0, 1.0)
    before = snapshot(net)
    with pytest.raises(ValueError, match="probability above 1"):
        eqbrain.run(net, 1.0)
    assert_unchanged(net, before)


# -- SpikeTimeGroup ---------------------------------------------------------------------------


def test_spike_time_group_fires_at_its_times():
    group = eqbrain.dyn.SpikeTimeGroup(2, indices=[0, 0, 1, 1], times=[10, 20, 20, 30])
    runner = eqbrain.DSRunner(group, monitors=["spike"])
    runner.run(30.0)
    sp = runner.mon.spike
    assert sp.shape == (300, 2)
    np.testing.assert_array_equal(sp.steps, [100, 200, 200])  # 30 ms is the 301st step
    np.testing.assert_array_equal(sp.indices, [0, 0, 1])
    runner.run(1.0)
    np.testing.assert_array_equal(runner.mon.spike.steps, [0])
    group.reset_state()  # the pointer goes back: the same spikes again
    assert int(group.i.value) == 0


def test_spike_time_group_sorts_between_steps_and_batches():
    group = eqbrain.dyn.SpikeTimeGroup(
        3, indices=[2, 0, 1], times=[0.25, 0.05, 0.05], batch_size=2
    )
    out = eqbrain.run(group, 0.5, monitors=["spike"], dt=0.1, data_first_axis="T")
    dense = np.asarray(out.spike)
    assert dense.shape == (5, 2, 3)
    np.testing.assert_array_equal(np.argwhere(dense[:, 0]), [[1, 0], [1, 1], [3, 2]])
    np.testing.assert_array_equal(dense[:, 0], dense[:, 1])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(indices=[0, 1], times=[1.0]), "same length"),
        (dict(indices=[0, 5], times=[1.0, 2.0]), r"ints in \[0, 3\)"),
        (dict(indices=[0.5], times=[1.0]), r"ints in \[0, 3\)"),
        (dict(indices=[0], times=[float("nan")]), "finite"),
        (dict(indices=[0, 1], times=[2.0, 1.0], need_sort=False), "not sorted"),
    ],
)
def test_bad_spike_time_group(kwargs, message):
    with pytest.raises(ValueError, match=message):
        eqbrain.dyn.SpikeTimeGroup(3, **kwargs)
