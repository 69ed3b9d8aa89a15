"""Numbers recorded from BrainPy 2.8's `brainpy/integrators/ode/` (`explicit_rk.py`,
`adaptive_rk.py`, `exponential.py`), reproduced by eqbrain.

`data/make_ode_reference.py`, run in an environment with BrainPy 2.8.2 (never a
dependency here), recorded in float64: 50 steps of every Runge-Kutta method on the
Lorenz system and 20 on a forced linear equation; 30 `adaptive=True` steps of every
embedded method with `dt` carried from step to step, and one per-element step
(`var_type='scalar'`); 400 exponential Euler steps of a Hodgkin-Huxley `JointEq` under
BrainPy's four names; and one exponential Euler step of a system that is not
elementwise. These are not BrainPy test cases (they are not counted), but the strictest
check that the methods are BrainPy's.

Ralston's fourth-order method differs in the 8th digit: BrainPy rounds its coefficients
to 8 digits, eqbrain uses their exact values.
"""

import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eqbrain import JointEq, odeint

REF = json.loads(
    pathlib.Path(__file__).with_name("data").joinpath("ode_reference.json").read_text()
)
RTOL = {"ralston4": 1e-7}


@pytest.fixture(autouse=True)
def x64():
    with jax.enable_x64(True):
        yield


def lorenz(x, y, z, t):
    return 10.0 * (y - x), x * (28.0 - z) - y, x * y - 8.0 / 3.0 * z


def forced(y, t, a):
    return -a * y + jnp.sin(3.0 * t)


def close(got, want, method=""):
    np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=RTOL.get(method, 1e-11))


@pytest.mark.parametrize("method", list(REF["fixed"]))
def test_fixed_step_methods(method):
    integral = odeint(lorenz, method=method)
    s = (1.0, 1.0, 1.0)
    for i in range(50):
        s = integral(*s, i * 0.01, dt=0.01)
    close(s, REF["fixed"][method], method)
    if method in REF["fixed_forced"]:
        g = odeint(forced, method=method)
        y = jnp.array([1.0, -0.5])
        for i in range(20):
            y = g(y, i * 0.05, 2.0, dt=0.05)
        close(y, REF["fixed_forced"][method], method)


def test_rk2_with_beta():
    close(odeint(forced, method="rk2", beta=0.5)(1.0, 0.3, 2.0, dt=0.1), REF["rk2_beta_half"])


@pytest.mark.parametrize("method", list(REF["adaptive"]))
def test_adaptive_steps_and_step_sizes(method):
    integral = odeint(lorenz, method=method, adaptive=True, tol=1e-3)
    s, dt, dts = (1.0, 1.0, 1.0), 0.01, []
    for _ in range(30):
        *s, dt = integral(*s, 0.0, dt=dt)
        dts.append(float(dt))
    close(s, REF["adaptive"][method]["states"])
    np.testing.assert_allclose(dts, REF["adaptive"][method]["dts"], rtol=1e-10)
    g = odeint(forced, method=method, adaptive=True, tol=1e-6, var_type="scalar")
    y, dt = g(jnp.array([1.0, 1e-3]), 0.0, 2.0, dt=0.1)
    close(y, REF["adaptive_scalar"][method]["y"])
    np.testing.assert_allclose(dt, REF["adaptive_scalar"][method]["dt"], rtol=1e-10)


def hh_joint():
    def dh(h, t, V):
        alpha = 0.07 * jnp.exp(-(V + 58) / 20)
        beta = 1 / (jnp.exp(-0.1 * (V + 28)) + 1)
        return 5.0 * (alpha * (1 - h) - beta * h)

    def dn(n, t, V):
        alpha = -0.01 * (V + 34) / (jnp.exp(-0.1 * (V + 34)) - 1)
        beta = 0.125 * jnp.exp(-(V + 44) / 80)
        return 5.0 * (alpha * (1 - n) - beta * n)

    def dV(V, t, h, n, Iext):
        m_alpha = -0.1 * (V + 35) / (jnp.exp(-0.1 * (V + 35)) - 1)
        m_beta = 4 * jnp.exp(-(V + 60) / 18)
        m = m_alpha / (m_alpha + m_beta)
        return -35.0 * m**3 * h * (V - 55.0) - 9.0 * n**4 * (V + 90.0) - 0.1 * (V + 65.0) + Iext

    return JointEq(dV, dh, dn)


@pytest.mark.parametrize("method", list(REF["exp"]))
def test_exponential_euler_on_a_hodgkin_huxley_joint_eq(method):
    integral = jax.jit(odeint(hh_joint(), method=method))
    V, h, n = jnp.array([-65.0, -50.0]), jnp.array([0.6, 0.5]), jnp.array([0.32, 0.4])
    trace = []
    for i in range(400):
        V, h, n = integral(V, h, n, i * 0.01, 2.0, dt=0.01)
        if i % 50 == 49:
            trace.append(V)
    np.testing.assert_allclose(trace, REF["exp"][method]["V_trace"], rtol=1e-9)
    np.testing.assert_allclose(h, REF["exp"][method]["h"], rtol=1e-9)
    np.testing.assert_allclose(n, REF["exp"][method]["n"], rtol=1e-9)


def test_exponential_euler_on_forced_and_coupled_systems():
    g = odeint(forced, method="exp_auto")
    y = jnp.array([1.0, -0.5])
    for i in range(20):
        y = g(y, i * 0.05, 2.0, dt=0.05)
    close(y, REF["exp_forced"])
    # not elementwise: the linear part is the Jacobian's column sums, as BrainPy's
    W = jnp.array([[-1.0, 0.5, 0.0], [0.25, -2.0, 1.0], [0.0, -0.5, -0.5]])
    out = odeint(lambda y, t: W @ y + 0.1 * y**2, method="exp_auto")(
        jnp.array([1.0, 2.0, -1.0]), 0.0, dt=0.1
    )
    close(out, REF["exp_coupled"])
