"""SparseSpikes and the bit packing behind it: round trips, array behaviour, rates, memory."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import eqbrain
from eqbrain.dyn.runner._spikes import pack, unpack

records = hnp.arrays(
    bool,
    st.tuples(st.integers(1, 12), st.integers(1, 40)),
    elements=st.booleans(),
)


@settings(max_examples=40, deadline=None)
@given(records, st.integers(0, 1000))
def test_pack_then_unpack_lists_every_spike_in_time_order(dense, offset):
    bits = np.stack([np.asarray(pack(jnp.asarray(row)).bits) for row in dense])
    assert bits.dtype == np.uint8 and bits.shape[1] == -(-dense.shape[1] // 8)
    steps, indices = unpack(bits, offset)
    expected_steps, expected_indices = np.nonzero(dense)
    np.testing.assert_array_equal(steps, expected_steps + offset)
    np.testing.assert_array_equal(indices, expected_indices)
    assert steps.dtype == indices.dtype == np.int32


@settings(max_examples=40, deadline=None)
@given(records, st.sampled_from([0, 1]))
def test_dense_round_trip_and_numpy_reductions(dense, time_axis):
    layout = dense if time_axis == 0 else np.swapaxes(dense, 0, 1)
    if time_axis == 1:  # batch first: (batch, time, n) with one neuron per batch entry
        layout = layout[:, :, None]
    sp = eqbrain.SparseSpikes.from_dense(layout, dt=0.5, t0=2.0, time_axis=time_axis)
    assert sp.shape == layout.shape and sp.dtype == bool and sp.ndim == layout.ndim
    np.testing.assert_array_equal(np.asarray(sp), layout)
    np.testing.assert_array_equal(sp[..., 0], layout[..., 0])
    assert sp.sum() == layout.sum() and sp.mean() == pytest.approx(layout.mean())
    for axis in range(layout.ndim):
        np.testing.assert_array_equal(sp.sum(axis), layout.sum(axis))
        np.testing.assert_allclose(sp.mean(axis), layout.mean(axis))
    assert sp.nbytes == 8 * sp.num_spikes
    np.testing.assert_allclose(sp.times, 2.0 + 0.5 * sp.steps)
    assert np.array_equal(sp.i, sp.indices) and np.array_equal(sp.t, sp.times)


def test_counts_and_rates():
    dense = np.zeros((100, 4), bool)
    dense[::10, 0] = True  # neuron 0: every 10th step
    dense[:, 3] = True  # neuron 3: every step
    sp = eqbrain.SparseSpikes.from_dense(dense, dt=0.1)
    np.testing.assert_array_equal(sp.per_neuron(), [10, 0, 0, 100])
    np.testing.assert_array_equal(sp.per_step(), dense.sum(1))
    assert sp.mean_rate() == pytest.approx(110 / (4 * 100 * 0.1e-3))
    np.testing.assert_allclose(sp.firing_rate(), dense.mean(1) / 0.1e-3)
    # a centred window of int(w/2/dt)*2+1 steps (21: 2.1 ms), divided by its true length;
    # BrainPy's bp.measure.firing_rate divides by w and reads 5% high here
    window = np.ones(21) / (21 * 0.1e-3)
    np.testing.assert_allclose(
        sp.firing_rate(2.0), np.convolve(dense.mean(1), window, mode="same")
    )
    np.testing.assert_allclose(sp.firing_rate(2.0), eqbrain.measure.firing_rate(dense, 2.0, 0.1))
    np.testing.assert_allclose(sp.ts, np.arange(100) * 0.1)


def test_runner_records_are_sparse_and_hold_the_spikes_only():
    group = eqbrain.dyn.PoissonGroup(1000, freqs=20.0, seed=0)
    runner = eqbrain.DSRunner(group, monitors=["spike"], dense_monitors=False)
    runner.run(500.0)
    sp = runner.mon.spike
    assert 0.5 * 1000 * 10 < sp.num_spikes < 1.5 * 1000 * 10
    assert sp.nbytes == 8 * sp.num_spikes < np.asarray(sp).nbytes / 50
    assert "SparseSpikes(shape=(5000, 1000)" in repr(sp)


def test_spike_times_match_the_runner_clock():
    group = eqbrain.dyn.SpikeTimeGroup(3, indices=[2, 0], times=[1.0, 2.5])
    runner = eqbrain.DSRunner(group, monitors=["spike"], dt=0.5, t0=1.0)
    runner.run(2.5)
    sp = runner.mon.spike
    np.testing.assert_allclose(sp.times, [1.0, 2.5])
    np.testing.assert_array_equal(sp.indices, [2, 0])
    np.testing.assert_allclose(sp.ts, runner.mon.ts)


def test_jax_functions_take_it_through_asarray():
    sp = eqbrain.SparseSpikes.from_dense(np.eye(3, dtype=bool))
    assert float(jnp.asarray(sp).sum()) == 3.0
    with pytest.raises(TypeError):
        jax.numpy.mean(sp)  # JAX does not convert unknown objects implicitly  # pyright: ignore[reportArgumentType]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(steps=[[0]], indices=[0]), "1-D integer arrays of the same length"),
        (dict(steps=[0, 1], indices=[0]), "1-D integer arrays of the same length"),
        (dict(steps=[0.5], indices=[0]), "1-D integer arrays"),
        (dict(steps=[5], indices=[0]), r"steps must lie in \[0, 5\)"),
        (dict(steps=[0], indices=[3]), r"indices in \[0, 3\)"),
        (dict(steps=[0], indices=[-1]), r"indices in \[0, 3\)"),
        (dict(steps=[0], indices=[0], time_axis=2), "time_axis must be 0 or 1"),
    ],
)
def test_bad_sparse_spikes(kwargs, message):
    kwargs = {"n_steps": 5, "shape": (3,), **kwargs}
    with pytest.raises(ValueError, match=message):
        eqbrain.SparseSpikes(**kwargs)


def test_bad_firing_rate_width():
    sp = eqbrain.SparseSpikes([0], [0], 5, (3,))
    with pytest.raises(ValueError, match="width must be a positive number of ms"):
        sp.firing_rate(0.0)
    with pytest.raises(TypeError, match="width must be a number of ms, got '5'"):
        sp.firing_rate("5")  # pyright: ignore[reportArgumentType]


def _poisson(rate_hz, n_steps, n, dt, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n_steps, n)) < rate_hz * dt * 1e-3


@pytest.mark.parametrize("width", [0.05, 0.25, 1.0, 5.0])
def test_firing_rate_reads_a_known_poisson_rate_at_any_width(width):
    dense = _poisson(20.0, 2000, 4000, 0.1)  # 20 Hz; 8e6 draws: the mean within 1%
    sp = eqbrain.SparseSpikes.from_dense(dense, dt=0.1)
    true = sp.mean_rate()
    assert true == pytest.approx(20.0, rel=0.02)
    rate = sp.firing_rate(width)  # before: 39-40 Hz at width 0.05 (a 0.1 ms window / 0.05)
    half = int(width / 2 / 0.1)
    assert rate.shape == (2000,)
    assert rate[half : 2000 - half].mean() == pytest.approx(true, rel=2e-3)
    np.testing.assert_allclose(rate, eqbrain.measure.firing_rate(dense, width, 0.1), rtol=1e-6)
    np.testing.assert_allclose(rate, eqbrain.measure.firing_rate(sp, width), rtol=1e-6)


@pytest.mark.parametrize("width", [1000.0, 200.1])
def test_a_window_longer_than_the_record_is_refused(width):
    dense = _poisson(20.0, 2000, 10, 0.1)
    sp = eqbrain.SparseSpikes.from_dense(dense, dt=0.1)
    message = r"width=.* ms is a window of \d+ steps .* longer than the record \(2000 steps\)"
    with pytest.raises(ValueError, match=message):  # before: 10,001 values
        sp.firing_rate(width)
    with pytest.raises(ValueError, match=message):
        eqbrain.measure.firing_rate(dense, width, 0.1)
    assert sp.firing_rate(199.8).shape == (2000,)  # the widest window that fits
