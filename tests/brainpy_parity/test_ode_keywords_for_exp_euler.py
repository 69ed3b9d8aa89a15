"""Parity with BrainPy 2.8's `brainpy/integrators/ode/ode_keywords_for_exp_euler_test.py`.

2 cases, both passing: a gating-variable equation is accepted by
`method='exponential_euler'`; a parameter named `dt` is refused (BrainPy raises its
`CodeError`, eqbrain `DiffEqError`).
"""

import contextlib
import io

import jax.numpy as jnp
import numpy as np
import pytest

from eqbrain import DiffEqError, odeint


def test1():
    def func(m, t, V):
        alpha = 0.1 * (V + 40) / (1 - jnp.exp(-(V + 40) / 10))
        beta = 4.0 * jnp.exp(-(V + 65) / 18)
        return alpha * (1 - m) - beta * m

    with contextlib.redirect_stdout(io.StringIO()):
        integral = odeint(method="exponential_euler", show_code=True, f=func)
    m = integral(0.05, 0.0, -60.0, dt=0.1)  # relaxes towards alpha / (alpha + beta)
    alpha = 0.1 * -20 / (1 - np.exp(2.0))
    beta = 4.0 * np.exp(-5 / 18)
    m_inf, tau = alpha / (alpha + beta), 1 / (alpha + beta)
    assert float(m) == pytest.approx(m_inf + (0.05 - m_inf) * np.exp(-0.1 / tau), rel=1e-5)


def test3():
    def func(m, t, dt):
        return -m * dt

    with pytest.raises(DiffEqError, match="parameter named 'dt'.*Rename the parameter"):
        odeint(method="exponential_euler", show_code=True, f=func)
