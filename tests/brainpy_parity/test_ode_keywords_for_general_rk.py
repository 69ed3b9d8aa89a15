"""Parity with BrainPy 2.8's `brainpy/integrators/ode/ode_keywords_for_general_rk_test.py`.

5 cases (euler; heun2/midpoint/ralston2; rk2; rk3/heun3/ralston3/ssprk3;
rk4/ralston4/rk4_38rule), each checking that `f(v, t, p)` is accepted, that `dt` is
refused as a parameter name, and that the names of BrainPy's generated code (`v_new`,
`dv_k1`, `k2_v_arg`, ...) are refused. All 5 cases pass.
"""

import pytest

from eqbrain import DiffEqError, odeint

from ._keywords import check_generated_names_are_refused, check_plain_names_work


def check(method):
    check_plain_names_work(method)
    with pytest.raises(DiffEqError, match="parameter named 'dt'"):
        odeint(lambda f, t, dt: t, method=method)
    with pytest.raises(DiffEqError, match="parameter named 'dt'"):
        odeint(lambda v, t, dt: t, method=method)
    check_generated_names_are_refused(method)


def test_euler():
    check("euler")


def test_order2_rk():
    for method in ["heun2", "midpoint", "ralston2"]:
        check(method)


def test_rk2():
    check("rk2")


def test_order3_rk():
    for method in ["rk3", "heun3", "ralston3", "ssprk3"]:
        check(method)


def test_order4_rk():
    for method in ["rk4", "ralston4", "rk4_38rule"]:
        check(method)
