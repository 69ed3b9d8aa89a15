"""Parity with BrainPy 2.8's `brainpy/integrators/ode/ode_method_rk_test.py`.

BrainPy's case: every explicit Runge-Kutta method, jitted, integrates the Lorenz system
for 20 time units (dt = 0.001) inside a `for_loop` that writes three Variables, and stays
close to the RK4 trajectory. 1 case, passing.
"""

import jax
import jax.numpy as jnp
import numpy as np

import eqbrain

SIGMA, BETA, RHO = 10.0, 8.0 / 3.0, 28.0
DT, DURATION = 0.001, 20.0
METHODS = [
    "euler",
    "midpoint",
    "heun2",
    "ralston2",
    "rk2",
    "rk3",
    "heun3",
    "ralston3",
    "ssprk3",
    "rk4",
    "ralston4",
    "rk4_38rule",
]


def f_lorenz(x, y, z, t):
    return SIGMA * (y - x), x * (RHO - z) - y, x * y - BETA * z


def run_integrator(method):
    f_integral = jax.jit(eqbrain.odeint(f_lorenz, method=method, dt=DT))
    x, y, z = (eqbrain.Variable(jnp.ones(1)) for _ in range(3))

    def step(t):
        x.value, y.value, z.value = f_integral(x, y, z, t)  # Variables passed as states
        return x.value, y.value, z.value

    mon = eqbrain.for_loop(step, jnp.arange(0.0, DURATION, DT))
    return [np.asarray(m).ravel() for m in mon]


def test_all_methods():
    baseline = run_integrator("rk4")
    assert baseline[0].shape == (round(DURATION / DT),)
    for method in METHODS:
        mon = run_integrator(method)
        for got, want in zip(mon, baseline):
            assert np.linalg.norm(got - want) / (DURATION / DT) < 0.1, method
