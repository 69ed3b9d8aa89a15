"""Parity with BrainPy 2.8's delay equations: `brainpy/integrators/ode/delay_ode_test.py`,
the delay cases of `ode/base_coverage_test.py`, and the `TimeDelay` cases of
`math/delay_vars_test.py` and `math/delayvars_coverage_test.py`.

`delay_ode_test.py`: 46 cases (2 equations for each of BrainPy's 23 ODE methods: y' =
-y(t - tau) with a constant history, read by rounding and by linear interpolation; y' =
-y(t - 2) with the history exp(-t) - 1), all in scope and passing; the runs are
shortened, and BrainPy's numbers for euler and rk4 are compared in
`tests/test_sde_fde_dde.py`. `base_coverage_test.py`: 7 delay cases, 6 in scope, 5
passing: a neutral delay of an unknown state raises; `neutral_delays` defaults to empty
and cannot be set; a `NeuLenDelay` is refused; a `TimeDelay` state delay steps. The
listed difference: a `NeuTimeDelay` steps and holds the derivative (BrainPy raises
`TypeError` there, its own defect). Out of scope, 1: a `LengthDelay` as a state delay
(eqbrain's `LengthDelay` counts steps, not time; refused with `TypeError`). The
`TimeDelay` files: 11 cases, 10 in scope, all passing (1, 2 and 3 dimensions, linear and
round reads, a history function, reads at the current time, reads outside the history,
round reads after updates, a wrapped ring buffer, `reset` with a bad `before_t0`, a
batched target); out of scope, 1: an unknown `interp_method` set on a built delay
(eqbrain refuses it when the delay is built, tested here).
"""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np
import pytest

from eqbrain import LengthDelay, NeuTimeDelay, TimeDelay, Variable, ddeint, odeint

# BrainPy's `brainpy.integrators.ode.get_supported_methods()`
METHODS = (
    "rkf12 rkf45 rkdp ck bs heun_euler BoSh3 euler midpoint heun2 ralston2 rk2 rk3 heun3 "
    "ralston3 ssprk3 rk4 ralston4 rk4_38rule exponential_euler exp_euler exp_euler_auto exp_auto"
).split()


def _steps(intg, x, n, dt):
    for i in range(n):
        x = intg(x, i * dt)
    return np.asarray(x)


@pytest.mark.parametrize("interp", ["round", "linear_interp"])
def test_constant_history_every_method(interp):
    for method in METHODS:
        delay = TimeDelay(jnp.zeros(1), 0.2, before_t0=-1.0, interp_method=interp, dt=0.1)
        intg = odeint(
            lambda x, t: -delay(t - 0.2), state_delays={"x": delay}, method=method, dt=0.1
        )
        x = _steps(intg, jnp.zeros(1), 4, 0.1)  # past t = 0.2: reads the pushed history
        assert np.all(np.isfinite(x)), method


def test_history_function_every_method():
    for method in METHODS:
        delay = TimeDelay(jnp.zeros(1), 2.0, before_t0=lambda t: jnp.exp(-t) - 1, dt=0.01)
        intg = odeint(
            lambda x, t: -delay(t - 2.0), state_delays={"x": delay}, method=method, dt=0.01
        )
        # y' = -(exp(-(t - 2)) - 1) for t < 2: y(0.02) = 0.02 - exp(2) (1 - exp(-0.02))
        x = _steps(intg, jnp.zeros(1), 2, 0.01)
        assert x[0] == pytest.approx(0.02 - np.exp(2) * (1 - np.exp(-0.02)), abs=0.01), method


def test_adaptive_methods_are_refused():
    delay = TimeDelay(jnp.zeros(1), 1.0, dt=0.1)
    with pytest.raises(NotImplementedError, match="adaptive=True"):
        ddeint(lambda x, t: -delay(t - 1.0), "rkf45", state_delays={"x": delay}, adaptive=True)


# -- base_coverage_test.py ------------------------------------------------------------------


def test_neutral_delays_default_empty_and_read_only():
    intg = ddeint(lambda x, t: -x)
    assert intg.neutral_delays == {} and intg.state_delays == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        intg.neutral_delays = {}


def test_neutral_delay_of_an_unknown_state_raises():
    nd = NeuTimeDelay(jnp.zeros(1), 1.0, dt=0.1)
    with pytest.raises(ValueError, match="'not_a_var', which is not a state variable"):
        odeint(lambda x, t: -x, neutral_delays={"not_a_var": nd})


def test_neutral_time_delay_steps():
    nd = NeuTimeDelay(jnp.zeros(1), 1.0, dt=0.1)
    intg = odeint(lambda x, t: -x + 0.5 * nd(t - 1.0), neutral_delays={"x": nd}, dt=0.1)
    x = _steps(intg, jnp.ones(1), 3, 0.1)
    # the delay holds the derivative at each new state
    np.testing.assert_allclose(nd.data.value[2], -x + 0.0, rtol=1e-6)


def test_a_length_delay_is_refused_as_a_neutral_or_state_delay():
    with pytest.raises(TypeError, match=r"neutral_delays\['x'\] must be a NeuTimeDelay"):
        odeint(lambda x, t: -x, neutral_delays={"x": LengthDelay(jnp.zeros(1), 5)})
    with pytest.raises(TypeError, match=r"state_delays\['x'\] must be a TimeDelay"):
        odeint(lambda x, t: -x, state_delays={"x": LengthDelay(jnp.zeros(1), 5)})


def test_time_delay_state_delay_steps():
    td = TimeDelay(jnp.zeros(1), 1.0, before_t0=0.0, dt=0.1)
    intg = odeint(lambda x, t: -x, method="euler", dt=0.1, state_delays={"x": td})
    x = _steps(intg, jnp.zeros(1), 5, 0.1)
    assert np.all(np.isfinite(x)) and float(td.current_time.value) == pytest.approx(0.5)


# -- delay_vars_test.py, delayvars_coverage_test.py -----------------------------------------


@pytest.mark.parametrize("shape", [(10,), (10, 5), (10, 5, 3)])
def test_linear_and_round_reads(shape):
    before = jnp.broadcast_to(jnp.arange(10.0).reshape((10,) + (1,) * len(shape)), (10, *shape))
    delay = TimeDelay(jnp.zeros(shape), delay_len=1.0, dt=0.1, before_t0=before)
    np.testing.assert_allclose(delay(-0.1), np.full(shape, 9.0), rtol=1e-5)
    np.testing.assert_allclose(delay(-0.15), np.full(shape, 8.5), rtol=1e-5)
    np.testing.assert_allclose(delay(-0.23), np.full(shape, 7.7), rtol=1e-4)
    if len(shape) == 1:
        rounded = TimeDelay(jnp.zeros(shape), 1.0, dt=0.1, before_t0=before, interp_method="round")
        np.testing.assert_allclose(rounded(-0.1), np.full(shape, 9.0))
        np.testing.assert_allclose(rounded(-0.15), np.full(shape, 8.0))
        np.testing.assert_allclose(rounded(-0.2), np.full(shape, 8.0))


def test_history_function_and_current_time():
    for shape, t in (((3,), -0.2), ((3, 2), -0.6), ((3, 2, 1), -0.8)):
        delay = TimeDelay(jnp.zeros(shape), delay_len=1.0, dt=0.1, before_t0=lambda t: t)
        np.testing.assert_allclose(delay(t), np.full(shape, t), rtol=1e-5)
        np.testing.assert_allclose(delay(0.0), np.zeros(shape))


def test_reads_outside_the_history_raise():
    d = TimeDelay(jnp.zeros(1), delay_len=1.0, dt=0.1)
    with pytest.raises(ValueError, match="a delay reads the past"):
        d(1.0)
    with pytest.raises(ValueError, match="delay_len >= 5"):
        d(-5.0)


def test_round_reads_after_updates_and_the_ring_buffer_wraps():
    d = TimeDelay(jnp.zeros(1), delay_len=1.0, dt=0.1, interp_method="round")
    for k in range(1, 12):
        d.update(jnp.ones(1) * (k * 0.1))
    assert d(d.current_time.value).shape == (1,)
    d = TimeDelay(jnp.zeros(1), delay_len=1.0, dt=0.1, before_t0=lambda t: t)
    for i in range(37):
        d.update(jnp.asarray([float(i)]))
    now = d.current_time.value
    for back in (0.0, 0.1, 0.3, 0.5, 1.0):
        assert float(d(now - back)[0]) == pytest.approx(36 - round(back / 0.1), abs=1e-3)


def test_bad_interp_method_and_before_t0_raise():
    with pytest.raises(ValueError, match="interp_method must be one of"):
        TimeDelay(jnp.zeros(1), delay_len=1.0, dt=0.1, interp_method="bogus")
    with pytest.raises(ValueError, match="before_t0 must be None, a number, an array"):
        TimeDelay(jnp.zeros(1), delay_len=1.0, dt=0.1, before_t0="bad")
    d = TimeDelay(jnp.zeros(1), delay_len=1.0, dt=0.1)
    with pytest.raises(ValueError, match="before_t0 must be None"):
        d.reset(jnp.zeros(1), delay_len=1.0, before_t0="bad")


def test_a_batched_target_gives_a_batched_history():
    d = TimeDelay(Variable(jnp.zeros((4, 3)), batch_axis=0), delay_len=1.0, dt=0.1)
    assert d.data.batch_axis == 1 and d.data.value.shape == (11, 4, 3)
