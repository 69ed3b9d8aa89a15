"""Parity with BrainPy 2.8's `brainpy/integrators/fde/Caputo_test.py` and `GL_test.py`.

5 cases. In scope, 4, all passing: `reset` keeps the memory in Variables; a reset-then-run
reproduces a fresh run; the L1 scheme's memory trace is the weighted sum of the stored
increments; the Grünwald-Letnikov fractional Lorenz system runs under
`IntegratorRunner` (shortened from 100 to 1 time unit). Out of scope, 1:
`set_default_fdeint`/`get_default_fdeint`, BrainPy's global default method (eqbrain has
no global integrator defaults: pass `method=`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

import eqbrain
from eqbrain import CaputoEuler, CaputoL1Schema, GLShortMemory, IntegratorRunner, Variable


def test_reset_keeps_the_memory_in_variables():
    intg = CaputoEuler(lambda y, t: -y, alpha=0.8, num_memory=20, inits=[1.0])
    cell = intg.f_states["y"]
    assert isinstance(cell, Variable)
    intg.reset([2.0])
    assert intg.f_states["y"] is cell and float(intg.inits["y"].value[0]) == 2.0


def test_reset_then_run_matches_a_fresh_run():
    with jax.enable_x64(True):
        fresh = CaputoEuler(lambda y, t: -y, alpha=0.8, num_memory=100, inits=[1.0])
        r = IntegratorRunner(fresh, monitors=["y"], dt=0.05, inits=[1.0], progress_bar=False)
        r.run(1.0)
        ref = r.mon.y[-1]
        intg = CaputoEuler(lambda y, t: -y, alpha=0.8, num_memory=100, inits=[1.0])
        intg.reset([1.0])
        r = IntegratorRunner(intg, monitors=["y"], dt=0.05, inits=[1.0], progress_bar=False)
        r.run(1.0)
    np.testing.assert_allclose(r.mon.y[-1], ref, atol=1e-10)


def test_l1_memory_trace_is_the_weighted_sum_of_increments():
    alpha, m = 0.9, 10
    intg = CaputoL1Schema(lambda a, t: a, alpha=alpha, num_memory=m, inits=[1.0])
    rng = np.random.default_rng(0)
    for n in range(2, 9):
        diff = rng.random(n - 1)
        trace = sum(
            ((n - i) ** (1 - alpha) - (n - i - 1) ** (1 - alpha)) * diff[i] for i in range(n - 1)
        )
        intg.idx.value = jnp.asarray(n - 1, jnp.int32)
        buf = np.zeros((m, 1))
        buf[: n - 1, 0] = diff
        intg.diff_states["a_diff"].value = jnp.asarray(buf, jnp.float32)
        order = ((m - int(intg.idx.value)) + np.arange(m)) % m
        got = float(jnp.dot(intg.coef[order, 0], intg.diff_states["a_diff"].value)[0])
        np.testing.assert_allclose(got, trace, rtol=1e-5)


def test_grunwald_letnikov_lorenz():
    def lorenz(x, y, z, t):
        return 10 * (y - x), x * (28 - z) - y, x * y - 8 / 3 * z

    intg = GLShortMemory(lorenz, alpha=0.99, num_memory=500, inits=[1.0, 0.0, 1.0])
    r = IntegratorRunner(
        intg, monitors=list("xyz"), inits=[1.0, 0.0, 1.0], dt=0.005, progress_bar=False
    )
    r.run(1.0)
    assert r.mon.x.shape == (200, 1) and np.all(np.isfinite(r.mon.z))
    assert eqbrain.fdeint(
        0.99, 500, [1.0, 0.0, 1.0], lorenz, method="short-memory"
    ).binomial_coef.shape == (500, 3)
