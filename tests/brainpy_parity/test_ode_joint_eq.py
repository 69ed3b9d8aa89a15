"""Parity with BrainPy 2.8's `brainpy/integrators/joint_eq_test.py`.

11 cases, all passing: how `JointEq` reads each function's parameters (plain ones are
accepted; `*args`, keyword-only and `**kwargs` parameters are refused), and how it is
built (from functions, tuples, lists, nested JointEqs) and called (by position or by
name, returning a list).
"""

import inspect

import jax.numpy as jnp
import pytest

from eqbrain import DiffEqError, JointEq

ENa, gNa = 50.0, 120.0
EK, gK = -77.0, 36.0
EL, gL = -54.387, 0.03
C = 1.0


def dm(m, t, V):
    alpha = 0.1 * (V + 40) / (1 - jnp.exp(-(V + 40) / 10))
    beta = 4.0 * jnp.exp(-(V + 65) / 18)
    return alpha * (1 - m) - beta * m


def dh(h, t, V):
    alpha = 0.07 * jnp.exp(-(V + 65) / 20.0)
    beta = 1 / (1 + jnp.exp(-(V + 35) / 10))
    return alpha * (1 - h) - beta * h


def dn(n, t, V):
    alpha = 0.01 * (V + 55) / (1 - jnp.exp(-(V + 55) / 10))
    beta = 0.125 * jnp.exp(-(V + 65) / 80)
    return alpha * (1 - n) - beta * n


def dV(V, t, m, h, n, I):
    I_Na = (gNa * m**3.0 * h) * (V - ENa)
    I_K = (gK * n**4.0) * (V - EK)
    I_leak = gL * (V - EL)
    return (-I_Na - I_K - I_leak + I) / C


# -- how a function's parameters are read ------------------------------------------------


def test_POSITIONAL_OR_KEYWORD():
    def f(a, b, t, c, d=1.0):
        return a, b

    eq = JointEq(f)
    assert eq.variables == ("a", "b") and eq.arg_keys == ["a", "b", "t", "c"]
    assert eq.kwargs == {"d": 1.0}


def test_VAR_POSITIONAL():
    def f(a, b, t, *c, d=1.0):
        pass

    with pytest.raises(DiffEqError, match=r"\*args parameters \(\*c\)"):
        JointEq(f)


def test_KEYWORD_ONLY():
    def f(a, b, t, *, d=1.0):
        pass

    with pytest.raises(DiffEqError, match="keyword-only parameters"):
        JointEq(f)


def test_VAR_KEYWORD():
    def f(a, b, t, **kwargs):
        pass

    with pytest.raises(DiffEqError, match=r"\*\*kwargs parameters \(\*\*kwargs\)"):
        JointEq(f)


# -- building and calling ------------------------------------------------------------------


def test_variables2():
    assert JointEq((dV,)).variables == JointEq(dV).variables == ("V",)


def test_call1():
    res1 = JointEq([dV, dn])(10.0, 1.0, 0.0, I=0.1, m=0.5, h=0.5)
    res2 = JointEq(dV, dn)(10.0, 1.0, 0.0, I=0.1, m=0.5, h=0.5)
    assert res1 == res2
    assert res1 == [dV(10.0, 0.0, 0.5, 0.5, 1.0, 0.1), dn(1.0, 0.0, 10.0)]


def test_do_not_change_par_position():
    EQ = JointEq((dV,))
    assert str(inspect.signature(EQ)) == "(V, t, m, h, n, I)"
    assert EQ(10.0, 0.0, 0.1, 0.2, 0.3, 0.0) == EQ(V=10.0, t=0.0, m=0.1, h=0.2, n=0.3, I=0.0)


def test_return_is_list():
    assert isinstance(JointEq((dV,))(V=10.0, t=0.0, m=0.1, h=0.2, n=0.3, I=0.0), list)
    assert isinstance(JointEq(dV)(V=10.0, t=0.0, m=0.1, h=0.2, n=0.3, I=0.0), list)


def test_nested_joint_eq1():
    args = dict(m=0.1, h=0.2, n=0.3, V=10.0, t=0.0, I=0.0)
    want = [dm(0.1, 0.0, 10.0), dh(0.2, 0.0, 10.0), dn(0.3, 0.0, 10.0)]
    want.append(dV(10.0, 0.0, 0.1, 0.2, 0.3, 0.0))
    EQ3 = JointEq((JointEq((JointEq((dm, dh)), dn)), dV))
    assert EQ3.variables == ("m", "h", "n", "V") and EQ3(**args) == want
    EQ3 = JointEq(JointEq(JointEq(dm, dh), dn), dV)
    assert EQ3(**args) == want


def test_second_order_ode():
    k, c = 1.0, 0.1

    def dx(x, t, v):
        return v

    def dv(v, t, x):
        return -k * x - c * v

    result = JointEq(dx, dv)(x=1.0, v=0.0, t=0.0)
    assert len(result) == 2 and result[0] == 0.0 and result[1] == -k * 1.0


def test_second_order_ode_wrong_signature():
    def dx_wrong(x, v, t):  # both x and v before t
        return v

    def dv(v, t, x):
        return -x

    with pytest.raises(DiffEqError) as e:
        JointEq(dx_wrong, dv)
    msg = str(e.value)
    assert "state variable" in msg and 'AFTER "t"' in msg and "dependency" in msg.lower()
    assert "dx_wrong(x, v, t)" in msg and "dv(v, t, x)" in msg
