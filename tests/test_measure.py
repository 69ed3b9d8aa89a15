"""`eqbrain.measure`: synchrony, correlation and rate measures against loop-by-loop NumPy
references; jit-ability; the LFP kernel; bad inputs."""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
import eqbrain.measure as M

RNG = np.random.default_rng(1)


def cc_reference(spikes, bin, dt):
    """Wang and Buzsaki's coincidence, pair by pair."""
    width = int(round(bin / dt))
    t, n = spikes.shape
    nb = math.ceil(t / width)
    padded = np.zeros((nb * width, n))
    padded[:t] = spikes
    x = (padded.reshape(nb, width, n).sum(1) > 0).astype(float)
    values = []
    for i in range(n):
        for j in range(i):
            norm = math.sqrt(x[:, i].sum() * x[:, j].sum())
            values.append(0.0 if norm == 0 else (x[:, i] * x[:, j]).sum() / norm)
    return np.mean(values)


@pytest.mark.parametrize("p, bin", [(0.05, 1.0), (0.2, 0.5), (0.8, 2.5)])
def test_cross_correlation_matches_the_pairwise_definition(p, bin):
    spikes = RNG.random((203, 12)) < p
    got = M.cross_correlation(spikes, bin, dt=0.1)
    assert float(got) == pytest.approx(cc_reference(spikes, bin, 0.1), rel=1e-5)


def test_cross_correlation_extremes_and_jit():
    assert float(M.cross_correlation(np.ones((100, 5)), 1.0, dt=0.1)) == pytest.approx(1.0)
    assert float(M.cross_correlation(np.zeros((100, 5)), 1.0, dt=0.1)) == 0.0
    assert float(M.cross_correlation(np.ones((100, 1)), 1.0, dt=0.1)) == 0.0
    spikes = jnp.asarray(RNG.random((50, 4)) < 0.3)
    f = jax.jit(functools.partial(M.cross_correlation, bin=1.0, dt=1.0))
    assert float(f(spikes)) == pytest.approx(float(M.cross_correlation(spikes, 1.0, 1.0)))


def test_default_dt_is_the_shared_dt():
    spikes = RNG.random((100, 6)) < 0.3
    with eqbrain.share.context(dt=0.5):
        got = M.cross_correlation(spikes, 1.0)
        rate = M.firing_rate(spikes, 2.0)
    assert float(got) == pytest.approx(cc_reference(spikes, 1.0, 0.5), rel=1e-5)
    assert np.allclose(rate, M.firing_rate(spikes, 2.0, dt=0.5))


def test_voltage_fluctuation():
    v = RNG.normal(size=(300, 8))
    ref = np.var(v.mean(1)) / np.mean(np.var(v, axis=0))
    assert float(M.voltage_fluctuation(v)) == pytest.approx(ref, rel=1e-5)
    shared = np.tile(RNG.normal(size=(300, 1)), (1, 8))
    assert float(M.voltage_fluctuation(shared)) == pytest.approx(1.0, rel=1e-5)
    assert float(M.voltage_fluctuation(np.ones((10, 3)))) == 1.0
    assert float(jax.jit(M.voltage_fluctuation)(v)) == pytest.approx(ref, rel=1e-5)


def test_functional_connectivity_and_matrix_correlation():
    a = RNG.normal(size=(400, 4))
    a[:, 3] = 2.0  # a constant signal
    fc = np.asarray(M.functional_connectivity(a))
    ref = np.corrcoef(a[:, :3].T)
    assert np.allclose(fc[:3, :3], ref, atol=1e-5)
    assert np.allclose(fc[3], [0, 0, 0, 1]) and np.allclose(np.diag(fc), 1)
    x, y = RNG.random((6, 6)), RNG.random((6, 6))
    iu = np.triu_indices(6, 1)
    assert float(M.matrix_correlation(x, y)) == pytest.approx(
        np.corrcoef(x[iu], y[iu])[0, 1], rel=1e-4
    )
    assert float(M.matrix_correlation(np.ones((3, 3)), x[:3, :3])) == 0.0


def test_weighted_correlation():
    x, y, w = RNG.normal(size=50), RNG.normal(size=50), RNG.random(50)
    mx, my = np.average(x, weights=w), np.average(y, weights=w)
    cov = lambda a, ma, b, mb: np.average((a - ma) * (b - mb), weights=w)  # noqa: E731
    ref = cov(x, mx, y, my) / math.sqrt(cov(x, mx, x, mx) * cov(y, my, y, my))
    assert float(M.weighted_correlation(x, y, w)) == pytest.approx(ref, rel=1e-4)
    assert float(M.weighted_correlation(x, y, np.ones(50))) == pytest.approx(
        np.corrcoef(x, y)[0, 1], rel=1e-4
    )
    assert float(M.weighted_correlation(x, np.ones(50), w)) == 0.0


def test_firing_rate():
    spikes = np.zeros((100, 4))
    spikes[::10] = 1  # every neuron fires every 10 steps of 0.1 ms: 1000 Hz
    rate = M.firing_rate(spikes, width=2.0, dt=0.1)
    assert isinstance(rate, np.ndarray) and rate.shape == (100,)
    assert rate[20:80].mean() == pytest.approx(1000.0, rel=0.1)
    steps = int(2.0 / 2 / 0.1) * 2 + 1
    ref = np.convolve(spikes.mean(1), np.ones(steps) / (steps * 0.1) * 1000, "same")
    assert np.allclose(rate, ref)
    as_jax = M.firing_rate(jnp.asarray(spikes), 2.0, 0.1, numpy=False)
    assert isinstance(as_jax, jax.Array) and np.allclose(as_jax, ref, rtol=1e-5)
    jitted = jax.jit(lambda s: M.firing_rate(s, 2.0, 0.1, numpy=False))(jnp.asarray(spikes))
    assert np.allclose(jitted, ref, rtol=1e-5)


def test_raster_plot():
    spikes = np.array([[0, 1, 0], [1, 0, 1], [0, 0, 0], [0, 1, 0]], bool)
    index, times = M.raster_plot(spikes, np.array([0.0, 0.1, 0.2, 0.3]))
    assert index.tolist() == [1, 0, 2, 1]
    assert np.allclose(times, [0.0, 0.1, 0.1, 0.3])


def test_unitary_lfp_kernel():
    times = np.arange(300) * 0.1
    spikes = np.zeros((300, 3), bool)
    spikes[[10, 50, 120], [0, 1, 2]] = True
    lfp = np.asarray(M.unitary_LFP(times, spikes, "exc", seed=4))
    xy = np.asarray(eqbrain.random.RandomState(4).rand(2, 3)) * 0.2
    dist = np.hypot(xy[0] - 0.1, xy[1] - 0.1)
    amp = np.exp(-dist / 0.2) * 0.48
    peak = times[[10, 50, 120]] + 10.4 + dist / 200.0 * 1e3
    sd = 2.1 * 1.5
    ref = (amp * np.exp(-((times[:, None] - peak) ** 2) / (2 * sd**2))).sum(1)
    assert np.allclose(lfp, ref, rtol=1e-4, atol=1e-7)
    same_seed = M.unitary_LFP(times, spikes, "exc", seed=4)
    assert np.array_equal(np.asarray(same_seed), lfp)
    inh = np.asarray(M.unitary_LFP(times, spikes, "inh", location="deep layer", seed=4))
    assert inh.max() <= 0 < -inh.min()  # deep layer: negative inhibitory amplitude


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: M.cross_correlation(np.ones((10, 3)), 0.01, dt=0.1), "must be at least dt"),
        (lambda: M.cross_correlation(np.ones(10), 1.0, dt=0.1), "2-D array"),
        (lambda: M.cross_correlation(np.ones((10, 3)), 1.0, 0.1, "scan"), "'loop' or 'vmap'"),
        (lambda: M.voltage_fluctuation(np.ones(10)), "2-D array"),
        (lambda: M.matrix_correlation(np.ones((3, 3)), np.ones((4, 4))), "same shape"),
        (lambda: M.functional_connectivity(np.ones(5)), "2-D array"),
        (lambda: M.weighted_correlation(np.ones(3), np.ones(4), np.ones(3)), "same length"),
        (lambda: M.weighted_correlation(np.ones((3, 1)), np.ones(3), np.ones(3)), "1-D"),
        (lambda: M.firing_rate(np.ones(10), 1.0), "2-D array"),
        (lambda: M.unitary_LFP(np.arange(3), np.ones((3, 2)), "mixed"), "'exc' or 'inh'"),
        (lambda: M.unitary_LFP(np.arange(3), np.ones((4, 2)), "exc"), "same length"),
        (lambda: M.unitary_LFP(np.arange(3), np.ones((3, 2)), "exc", location="x"), "location"),
    ],
)
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()
