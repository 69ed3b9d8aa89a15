"""Parity with BrainPy 2.8's `brainpy/integrators/sde/sde_scalar_test.py` and
`srk_scalar_test.py`.

17 cases. In scope, 2, both passing: the stochastic Lorenz system with Euler (Ito and
Stratonovich) and the derivative-free Milstein method (Ito and Stratonovich), called
step by step. Out of scope, 15: BrainPy's stochastic Runge-Kutta methods `srk1w1`,
`srk2w1` and `klpl` (3 cases in the first file, 12 in the second), which eqbrain does not
build: `sdeint` refuses them with a `ValueError` that points to diffrax's SDE solvers
(`method='diffrax'`), tested below.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from eqbrain import ITO_SDE, STRA_SDE, sdeint

SIGMA, BETA, RHO, P = 10, 8 / 3, 28, 0.1


def lorenz_f(x, y, z, t):
    return SIGMA * (y - x), x * (RHO - z) - y, x * y - BETA * z


def lorenz_g(x, y, z, t):
    return P * x, P * y, P * z


def _lorenz(method, **kw):
    step = sdeint(lorenz_f, lorenz_g, method=method, dt=0.005, seed=0, **kw)
    x, y, z = jnp.asarray(1.0), jnp.asarray(1.0), jnp.asarray(1.0)
    out = []
    for t in np.arange(0, 0.05, 0.01):  # BrainPy runs 1000 jitted steps; 5 eager ones here
        x, y, z = step(x, y, z, t)
        out.append((x, y, z))
    return np.asarray(out)


def test_euler_ito_and_stratonovich():
    for intg_type in (ITO_SDE, STRA_SDE):
        assert np.all(np.isfinite(_lorenz("euler", intg_type=intg_type)))


def test_derivative_free_milstein_ito_and_stratonovich():
    for intg_type in (ITO_SDE, STRA_SDE):
        assert np.all(np.isfinite(_lorenz("milstein_grad_free", intg_type=intg_type)))


@pytest.mark.parametrize("method", ["srk1w1", "srk2w1", "klpl"])
def test_stochastic_runge_kutta_methods_are_refused_with_advice(method):
    with pytest.raises(ValueError, match=rf"Unknown SDE method '{method}'.*method='diffrax'"):
        sdeint(lambda x, t: -x, lambda x, t: 0.1 * x, method=method)
