"""`eqbrain.dyn.LIF` (BrainPy's refractory LIF, `LifRef`): exponential Euler (exact for a
constant input), threshold and reset, refractoriness, initializers, batching."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain.dyn import name_key

PARS: dict[str, Any] = dict(V_rest=-60.0, V_th=-50.0, V_reset=-60.0, tau=20.0, tau_ref=5.0)


def step(lif, x, t, dt=0.1):
    with eqbrain.share.context(t=t, dt=dt):
        return lif(x)


def test_subthreshold_matches_the_analytic_solution():
    lif = eqbrain.dyn.LIF(2, **PARS, V_initializer=-60.0)
    I = jnp.array([5.0, 8.0])
    for k in range(100):
        step(lif, I, k * 0.1)
    # tau dV/dt = -(V - V_rest) + I, V(0) = V_rest: V(t) = V_rest + I (1 - exp(-t / tau))
    exact = -60.0 + np.array([5.0, 8.0]) * (1 - np.exp(-10.0 / 20.0))
    np.testing.assert_allclose(lif.V.value, exact, rtol=1e-5)
    assert not lif.spike.value.any()


def test_spike_resets_and_holds_for_the_refractory_period():
    lif = eqbrain.dyn.LIF(1, **PARS, V_initializer=-50.5)
    dt, t, spikes, Vs = 0.1, 0.0, [], []
    for k in range(200):
        t = k * dt
        spikes.append(bool(step(lif, 30.0, t)[0]))
        Vs.append(float(lif.V.value[0]))
    first = spikes.index(True)
    assert Vs[first] == -60.0 and float(lif.t_last_spike.value[0]) >= first * dt
    # Held at V_reset while (t - t_spike) <= tau_ref: 50 steps of 0.1 ms.
    held = Vs[first : first + 51]
    assert held == [-60.0] * 51
    assert Vs[first + 51] > -60.0
    second = spikes.index(True, first + 1)
    isi = (second - first) * dt
    # ISI = tau_ref + the time from V_reset to V_th towards V_inf = V_rest + I = -30 mV.
    V_inf = -30.0
    expected = 5.0 + 20.0 * np.log((V_inf - -60.0) / (V_inf - -50.0))
    assert abs(isi - expected) <= 2 * dt


def test_no_refractory_period():
    lif = eqbrain.dyn.LIF(1, V_rest=0.0, V_th=1.0, V_reset=0.0, tau=1.0, tau_ref=0.0)
    n = sum(bool(step(lif, 10.0, k * 0.1)[0]) for k in range(100))
    # Time from 0 to 1 under V_inf = 10: tau ln(10 / 9) ~ 0.105 ms -> a spike every 2 steps.
    assert n == 50


def test_initializer_callable_and_batch():
    lif = eqbrain.dyn.LIF(
        4,
        **PARS,
        V_initializer=lambda k, s: -55.0 + 2.0 * jax.random.normal(k, s),
        key=jax.random.key(3),
        batch_size=2,
    )
    assert lif.V.shape == (2, 4) and lif.V.batch_axis == 0 and lif.num == 4
    # the initializer gets the key derived from `key` and the Variable's name
    k = name_key(jax.random.key(3), "V")
    np.testing.assert_allclose(lif.V.value, -55.0 + 2.0 * jax.random.normal(k, (2, 4)))
    assert lif.spike.dtype == jnp.bool_


def test_brainpy_initializers():
    """`eqbrain.init` objects (`f(shape)`) for the initial value and a parameter."""
    lif = eqbrain.dyn.LIF(4, V_initializer=eqbrain.init.Normal())
    V = np.asarray(lif.V.value)
    assert V.shape == (4,) and V.dtype == np.float32 and len(set(V.tolist())) == 4
    lif = eqbrain.dyn.LIF(3, tau=eqbrain.init.Uniform(10.0, 20.0), V_initializer=-60.0)
    tau = np.asarray(lif.tau)
    assert tau.shape == (3,) and ((tau >= 10.0) & (tau < 20.0)).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(size=0), "size must be a positive int"),
        (dict(size=3, tau=0.0), "tau must be positive"),
        (dict(size=3, tau_ref=-1.0), "tau_ref must be >= 0"),
        (dict(size=3, batch_size=0), "batch_size must be a positive int"),
        (dict(size=3, V_initializer=jnp.zeros(4)), "broadcast"),
        (dict(size=3, V_initializer=lambda k, s: jnp.zeros(2)), r"V gave an array of shape"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        eqbrain.dyn.LIF(**kwargs)


def test_unknown_keyword_names_it_and_the_ones_taken():
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'V_init'.*V_initializer"):
        eqbrain.dyn.LIF(3, V_init=-60.0)  # pyright: ignore[reportCallIssue]
    with pytest.raises(TypeError, match=r"takes 1 positional arguments \(size\)"):
        eqbrain.dyn.LIF(3, -60.0)  # pyright: ignore[reportCallIssue]


def test_update_needs_the_time():
    lif = eqbrain.dyn.LIF(3, **PARS, V_initializer=-60.0)
    with pytest.raises(KeyError, match="no 't'"):
        lif(1.0)
    np.testing.assert_array_equal(lif.V.value, np.full(3, -60.0))
