"""Parity with BrainPy 2.8's `brainpy/integrators/integ_runner_test.py`.

5 cases, all in scope and passing (in 4 tests): the Lorenz system with one trial and with two
(`inits` of two values), the FitzHugh-Nagumo model with `args` and with `dyn_args`
(`section_input`), a continued run, and `dyn_args` whose length does not fit the duration
(`ValueError`). The durations are shortened; BrainPy's recorded numbers for the same
runs are compared in `tests/test_sde_fde_dde.py`.
"""

from __future__ import annotations

import numpy as np
import pytest

import eqbrain
from eqbrain import IntegratorRunner, JointEq, odeint

A, B, TAU = 0.7, 0.8, 12.5


def _fhn():
    dV = lambda V, t, w, Iext: V - V * V * V / 3 - w + Iext  # noqa: E731
    dw = lambda w, t, V: (V + A - B * w) / TAU  # noqa: E731
    return odeint(JointEq([dV, dw]), method="rk4", dt=0.1)


def test_lorenz_one_and_two_trials():
    @odeint(method="rk4", dt=0.001)
    def lorenz(x, y, z, t):
        return 10 * (y - x), x * (28 - z) - y, x * y - 8 / 3 * z

    runner = IntegratorRunner(
        lorenz, monitors=["x", "y", "z"], inits=[1.0, 1.0, 1.0], dt=0.001, progress_bar=False
    )
    runner.run(1.0)
    assert runner.mon.x.shape == (1000, 1)
    runner = IntegratorRunner(
        lorenz,
        monitors=["x", "y", "z"],
        inits=[1.0, (1.0, 0.0), (1.0, 0.0)],
        dt=0.001,
        progress_bar=False,
    )
    runner.run(1.0)
    assert runner.mon.x.shape == (1000, 2) and not np.allclose(
        runner.mon.y[:, 0], runner.mon.y[:, 1]
    )


def test_args():
    runner = IntegratorRunner(
        _fhn(), monitors=["V", "w"], inits=[1.0, 1.0], dt=0.1, progress_bar=False
    )
    runner.run(10.0, args=dict(Iext=1.5))
    assert runner.mon["V"].shape == (100, 1) and np.all(np.isfinite(runner.mon["w"]))


def test_dyn_args_and_continued_run():
    runner = IntegratorRunner(
        _fhn(), monitors=["V", "w"], inits=[1.0, 1.0], dt=0.1, progress_bar=False
    )
    current, duration = eqbrain.inputs.section_input(
        [0.0, 1.0, 0.5], [2, 2, 2], return_length=True
    )
    runner.run(duration, dyn_args=dict(Iext=current))
    assert runner.mon.V.shape == (60, 1)
    current, duration = eqbrain.inputs.section_input([0.5], [2], return_length=True)
    runner.run(duration, dyn_args=dict(Iext=current))
    assert runner.mon.V.shape == (20, 1) and runner.mon.ts[0] == pytest.approx(6.1)


def test_dyn_args_of_the_wrong_length_raise():
    runner = IntegratorRunner(
        _fhn(), monitors=["V", "w"], inits=[1.0, 1.0], dt=0.1, progress_bar=False
    )
    current, duration = eqbrain.inputs.section_input(
        [0.0, 1.0, 0.5], [2, 5, 1.9], return_length=True
    )
    with pytest.raises(ValueError, match=r"dyn_args\['Iext'\] has 89 steps.*the run has 90"):
        runner.run(duration + 0.1, dyn_args=dict(Iext=current))
