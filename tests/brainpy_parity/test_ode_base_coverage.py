"""Parity with BrainPy 2.8's `brainpy/integrators/ode/base_coverage_test.py`.

12 cases. In scope, 3 here, all passing: a parameter named `dt` is refused; a `JointEq`
of two coupled equations integrates with rk4 and returns both states; the integrator
class is exported. Out of scope, 2: `f_names`, the name BrainPy gives its generated code
(eqbrain generates none). The other 7 check BrainPy's delay variables (`state_delays`,
`neutral_delays`, `bm.TimeDelay`, `bm.NeuTimeDelay`): they are ported in
`test_dde.py` with the other delay cases.
"""

import inspect

import numpy as np
import pytest

import eqbrain
from eqbrain import DiffEqError, JointEq, odeint


def test_dt_reserved_keyword_as_param():
    def bad(x, t, dt):
        return -x

    with pytest.raises(DiffEqError, match=r"bad\(x, t, dt\) has a parameter named 'dt'"):
        odeint(bad, method="euler")


def test_dict_vars_branch():
    dx = lambda x, t, y: -x + y  # noqa: E731
    dy = lambda y, t, x: -y + x  # noqa: E731
    intg = odeint(JointEq(dx, dy), method="rk4", dt=0.1)
    out = intg(1.0, 0.5, 0.0)
    assert len(out) == 2 and all(np.isfinite(o) for o in out)
    # x + y is conserved, x - y decays as exp(-2 t)
    assert float(out[0] + out[1]) == pytest.approx(1.5, rel=1e-6)
    assert float(out[0] - out[1]) == pytest.approx(0.5 * np.exp(-0.2), rel=1e-5)


def test_exports():
    assert (
        inspect.isclass(eqbrain.ODEIntegrator)
        and eqbrain.ODEIntegrator.__name__ == "ODEIntegrator"
    )
    assert isinstance(odeint(lambda x, t: -x), eqbrain.ODEIntegrator)
