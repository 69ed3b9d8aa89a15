"""BrainPy parity: `eqbrain.measure` against what BrainPy's measure tests check. BrainPy
2.8 delegates `bp.measure` to braintools and keeps no tests of its own for it, so these
follow BrainPy 2.6's `brainpy/_src/measure/tests/test_correlation.py` (9 cases) and
`test_firings.py` (3): 12 cases, all in scope.

BrainPy 2.6's `numpy=False` switch (for jitting) is gone from the 2.8 API these follow:
the functions are `jax.numpy` code and are jitted directly.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

import eqbrain
import eqbrain.measure as M
import eqbrain.random as br


def test_c():
    spikes = jnp.asarray([[1, 0, 1, 0, 1, 0, 1, 0, 0], [1, 1, 1, 1, 1, 1, 1, 0, 0]]).T
    cc1 = M.cross_correlation(spikes, 1.0, dt=1.0)
    cc2 = jax.jit(functools.partial(M.cross_correlation, bin=1, dt=1.0))(spikes)
    assert float(cc1) == float(cc2)


def test_cc():
    assert float(M.cross_correlation(jnp.ones((1000, 10)), 1.0)) == 1.0
    assert float(M.cross_correlation(jnp.zeros((1000, 10)), 1.0)) == 0.0


def bounded(x) -> bool:
    return 0.0 <= float(x) <= 1.0


def test_cc2():
    br.seed()
    spikes = br.randint(0, 2, (1000, 10))
    assert bounded(M.cross_correlation(spikes, 1.0)) and bounded(M.cross_correlation(spikes, 0.5))


def test_cc3():
    spikes = br.random((1000, 100)) < 0.8
    assert bounded(M.cross_correlation(spikes, 1.0)) and bounded(M.cross_correlation(spikes, 0.5))


def test_cc4():
    spikes = br.random((1000, 100)) < 0.2
    assert bounded(M.cross_correlation(spikes, 1.0)) and bounded(M.cross_correlation(spikes, 0.5))


def test_cc5():
    spikes = br.random((1000, 100)) < 0.05
    assert bounded(M.cross_correlation(spikes, 1.0)) and bounded(M.cross_correlation(spikes, 0.5))


def test_vf1():
    assert bounded(M.voltage_fluctuation(br.normal(0, 10, size=(100, 10))))
    voltages = jnp.ones((100, 10))
    r1 = M.voltage_fluctuation(voltages)
    r2 = jax.jit(M.voltage_fluctuation)(voltages)
    assert float(r1) == float(r2) == 1.0  # BrainPy 2.6 saw these differ (its TODO)


def test_cf1():
    act = br.random((10000, 3))
    r1 = M.functional_connectivity(act)
    # Eager and jitted float32 sums over 10,000 samples are ordered differently: they
    # agree to ~1e-7 absolute (max 9.9e-8 over 100 seeds), below allclose's default
    # atol for correlations near 0 -- BrainPy's case used the default and flaked here.
    assert bool(jnp.allclose(r1, jax.jit(M.functional_connectivity)(act), atol=1e-6))


def test_mc():
    a, b = br.random((100, 100)), br.random((100, 100))
    r1 = M.matrix_correlation(a, b)
    assert bool(jnp.allclose(r1, jax.jit(M.matrix_correlation)(a, b)))


def test_fr1():
    rate = M.firing_rate(jnp.ones((1000, 10)), 1.0)
    assert rate.shape == (1000,) and np.all(np.isfinite(rate))


def test_fr2():
    spikes = br.random((1000, 10)) < 0.2
    with eqbrain.share.context(dt=0.1):
        for width in (1.0, 10.0):
            assert M.firing_rate(spikes, width).shape == (1000,)


def test_fr3():
    spikes = br.random((1000, 10)) < 0.02
    for width in (1.0, 5.0):
        assert np.all(M.firing_rate(spikes, width) >= 0)
