"""Parity with BrainPy 2.8's `brainpy/integrators/ode/ode_method_adaptive_rk_test.py`.

3 cases, all passing: every embedded method runs `adaptive=True` on the Lorenz system
with `dt` carried in a Variable through a jitted `for_loop`; RKF45 is fifth order on a
time-dependent equation; RKF45's sixth node is 1/2.
"""

import contextlib
import io

import jax
import jax.numpy as jnp
import numpy as np

import eqbrain
from eqbrain import odeint

SIGMA, BETA, RHO = 10.0, 8.0 / 3.0, 28.0
METHODS = ["rkf12", "rkf45", "rkdp", "ck", "bs", "heun_euler"]


def f_lorenz(x, y, z, t):
    return SIGMA * (y - x), x * (RHO - z) - y, x * y - BETA * z


def run_integrator(method, tol=0.001, adaptive=True):
    with contextlib.redirect_stdout(io.StringIO()):
        f_integral = odeint(f_lorenz, method=method, adaptive=adaptive, tol=tol, show_code=True)
    x, y, z = (eqbrain.Variable(jnp.ones(1)) for _ in range(3))
    dt = eqbrain.Variable(jnp.ones(1) * 0.01)

    def step(t):
        x_new, y_new, z_new, dt_new = f_integral(x, y, z, t, dt=dt.value)
        x.value, y.value, z.value, dt.value = x_new, y_new, z_new, dt_new
        return x.value, y.value, z.value, dt.value

    return [np.asarray(m).ravel() for m in eqbrain.for_loop(step, jnp.arange(0.0, 20.0, 0.001))]


def test_all_methods():
    for method in METHODS:
        mon_x, mon_y, mon_z, mon_dt = run_integrator(method)
        assert mon_x.shape == mon_dt.shape == (20000,)
        assert np.all(np.isfinite(mon_x) & np.isfinite(mon_y) & np.isfinite(mon_z)), method
        assert np.all(mon_dt > 0) and mon_dt.std() > 0, method  # the step size adapts


def convergence_order(method, f, exact, y0, t_end, ns):
    errs = []
    for n in ns:
        dt = t_end / n
        integral = odeint(f, method=method, adaptive=False, dt=dt)
        y = y0
        for i in range(n):
            y = integral(y, i * dt, dt=dt)
        errs.append(abs(float(y) - exact(t_end)))
    return float(np.mean([np.log2(errs[i] / errs[i + 1]) for i in range(len(errs) - 1)])), errs


def test_rkf45_is_order5_on_time_dependent_ode():
    with jax.enable_x64(True):
        order, errs = convergence_order(
            "rkf45", lambda y, t: jnp.cos(t), np.sin, jnp.float64(0.0), 2.0, (8, 16, 32, 64)
        )
    assert order > 4.0, (order, errs)


def test_rkf45_node_value():
    assert odeint(lambda y, t: -y, method="rkf45").tableau.c[-1] == 0.5
