"""Parity with BrainPy 2.8's `brainpy/integrators/integrators_fixes_test.py`, ODE part.

That file has 68 cases. In scope here, 29 -- those of ODE integrators, exponential
Euler and JointEq -- all passing. The other 39, of SDE integrators (`bp.sdeint`),
fractional equations (`bp.fde`, `bp.fdeint`) and `bp.IntegratorRunner`, are in
`test_sde_fde_fixes.py`.
"""

import contextlib
import io
import math

import jax.numpy as jnp
import numpy as np
import pytest

from eqbrain import DiffEqError, JointEq, MathError, odeint

ADAPTIVE = ["rkf45", "rkdp", "rkf12", "ck", "bs", "heun_euler", "BoSh3"]
EXPONENTIAL = ["exp_euler", "exp_euler_auto", "exp_auto", "exponential_euler"]


def decay(y, t):
    return -y


# -- adaptive Runge-Kutta -------------------------------------------------------------------


def test_c12_adaptive_rkf45_runs_without_tol_array_state():
    y_new, dt_new = odeint(decay, method="rkf45", adaptive=True)(jnp.array([1.0]), 0.0, dt=0.1)
    assert np.allclose(y_new, math.exp(-0.1), atol=1e-3) and float(dt_new) > 0.0


def test_c12_adaptive_rkf45_runs_on_scalar_state():
    y_new, dt_new = odeint(decay, method="rkf45", adaptive=True)(1.0, 0.0, dt=0.1)
    assert np.allclose(float(y_new), math.exp(-0.1), atol=1e-3) and float(dt_new) > 0.0


def test_h28_scalar_state_all_adaptive_methods():
    for method in ADAPTIVE:
        y_new, dt_new = odeint(decay, method=method, adaptive=True)(1.0, 0.0, dt=0.05)
        assert np.isfinite(float(y_new)) and np.isfinite(float(dt_new))


def test_h26_bosh3_embedded_error_non_degenerate():
    tab = odeint(decay, method="BoSh3").tableau
    assert sum(tab.b) == pytest.approx(1.0, abs=1e-9)
    assert sum(tab.b_embedded) == pytest.approx(1.0, abs=1e-9)
    assert any(abs(a - b) > 1e-9 for a, b in zip(tab.b, tab.b_embedded))


def test_h26_bosh3_integrates_correctly():
    y_new, _ = odeint(decay, method="BoSh3", adaptive=True)(jnp.array([1.0]), 0.0, dt=0.05)
    assert np.allclose(y_new, math.exp(-0.05), atol=1e-4)


def test_h27_step_controller_grows_dt_when_error_small():
    _, dt_new = odeint(decay, method="rkf45", adaptive=True)(jnp.array([1.0]), 0.0, dt=0.01)
    assert float(dt_new) > 0.01


def test_cov_odeint_all_methods_array_and_scalar():
    y0 = jnp.array([1.0])
    for method in ["euler", "rk2", "rk4"]:
        out = odeint(decay, method=method)(y0, 0.0, dt=0.01)
        assert np.allclose(out, math.exp(-0.01), atol=1e-3)
    for method in ADAPTIVE:
        y_new, dt_new = odeint(decay, method=method, adaptive=True)(y0, 0.0, dt=0.01)
        assert np.allclose(y_new, math.exp(-0.01), atol=1e-2) and float(dt_new) > 0.0


def test_cov_adaptive_explicit_tol_and_var_type():
    integral = odeint(decay, method="rkf45", adaptive=True, tol=1e-3, var_type="scalar")
    y_new, dt_new = integral(1.0, 0.0, dt=0.01)
    assert np.isfinite(float(y_new)) and np.isfinite(float(dt_new))


def test_cov_adaptive_show_code():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        integral = odeint(decay, method="rkf45", adaptive=True, show_code=True)
    assert "dt_new" in buf.getvalue()
    assert len(integral(jnp.array([1.0]), 0.0, dt=0.05)) == 2


# -- exponential Euler --------------------------------------------------------------------------


def test_exp_euler_python_float_input():
    out = odeint(lambda y, t: -2 * y, method="exp_euler", dt=0.3)(1.0, 0.0, dt=0.3)
    assert np.allclose(float(out), math.exp(-0.6), atol=1e-5)


def test_exp_euler_auto_python_float_input():
    out = odeint(lambda y, t: -2 * y, method="exp_euler_auto", dt=0.3)(1.0, 0.0, dt=0.3)
    assert np.allclose(float(out), math.exp(-0.6), atol=1e-5)


def test_cov_exp_euler_variants_array_state():
    y0 = jnp.array([1.0, 2.0])
    for method in EXPONENTIAL:
        out = odeint(decay, method=method)(y0, 0.0, dt=0.01)
        assert np.allclose(out, y0 * math.exp(-0.01), atol=1e-3)


def test_cov_exp_euler_nonlinear():
    integral = odeint(lambda y, t: y * (1.0 - y), method="exp_euler_auto")
    y, t = jnp.array([0.1]), 0.0
    for _ in range(5):
        y = integral(y, t, dt=0.05)
        t += 0.05
    assert np.all(np.isfinite(y)) and float(y[0]) > 0.1


def test_cov_exp_euler_show_code():
    with contextlib.redirect_stdout(io.StringIO()):
        integral = odeint(decay, method="exp_euler", show_code=True)
    assert np.all(np.isfinite(integral(jnp.array([1.0]), 0.0, dt=0.05)))


def test_cov_exp_euler_with_jointeq():
    def dV(V, t, w):
        return -V - w

    def dw(w, t, V):
        return -w + 0.1 * V

    out = odeint(JointEq(dV, dw), method="exp_euler")(jnp.array([1.0]), jnp.array([0.5]), 0.0)
    assert len(out) == 2 and all(np.all(np.isfinite(o)) for o in out)


def test_cov_exp_euler_rejects_integer_input():
    with pytest.raises(ValueError, match="dtype int32") as e:
        odeint(decay, method="exp_euler")(jnp.array([1, 2, 3]), 0.0, dt=0.01)
    assert isinstance(e.value, MathError)


def test_cov_exp_euler_system_var_not_implemented():
    with pytest.raises(NotImplementedError):
        odeint(decay, method="exp_euler", var_type="system")


# -- JointEq ------------------------------------------------------------------------------------


def test_l13_jointeq_conflicting_kwarg_raises_message():
    def dV(V, t, w):
        return -V

    def dw(w, t, V=1.0):  # a keyword argument named like the state variable V
        return -w

    with pytest.raises(DiffEqError, match="'V'"):
        JointEq(dV, dw)


def test_cov_jointeq_construction_and_integration():
    a, b = 0.7, 0.8

    def dV(V, t, w, Iext):
        return V - V**3 / 3 - w + Iext

    def dw(w, t, V):
        return a * (b * V - w)

    eq = JointEq(dV, dw)
    assert {v for sub in eq.vars_in_eqs for v in sub} == {"V", "w"}
    V, w = odeint(eq, method="rk2")(0.0, 0.0, 0.0, Iext=0.5, dt=0.01)
    assert np.isfinite(float(V)) and np.isfinite(float(w))

    def du(u, t, V):
        return -u + V

    eq2 = JointEq(eq, du)
    assert {v for sub in eq2.vars_in_eqs for v in sub} == {"V", "w", "u"}


def test_cov_jointeq_rejects_non_callable():
    with pytest.raises(DiffEqError):
        JointEq(123)


def test_cov_jointeq_duplicate_state_variable():
    with pytest.raises(DiffEqError, match="'V' is the state variable of two equations"):
        JointEq(lambda V, t: -V, lambda V, t: -2 * V)


def test_cov_jointeq_missing_time_variable():
    with pytest.raises(ValueError, match="no parameter named 't'"):
        JointEq(lambda V, w: -V)


def test_cov_jointeq_rejects_var_positional():
    with pytest.raises(DiffEqError):
        JointEq(lambda V, t, *extra: -V)


def test_cov_jointeq_rejects_var_keyword():
    with pytest.raises(DiffEqError):
        JointEq(lambda V, t, **extra: -V)


def test_cov_jointeq_conflicting_kwarg_defaults():
    with pytest.raises(DiffEqError, match="two different defaults"):
        JointEq(lambda V, t, a=1.0: -V + a, lambda w, t, a=2.0: -w + a)


def test_cov_jointeq_nested_list_and_shared_kwarg():
    def dV(V, t, w, gain=0.5):
        return -V + gain * w

    def dw(w, t, V, gain=0.5):
        return -w + gain * V

    eq = JointEq([dV, dw])
    assert "gain" in eq.kwarg_keys
    out = odeint(eq, method="euler")(1.0, 0.0, gain=0.3, dt=0.01)  # t omitted: t = 0
    assert all(np.isfinite(float(o)) for o in out)
    assert float(out[0]) == pytest.approx(0.99) and float(out[1]) == pytest.approx(0.003)


def test_cov_jointeq_call_with_nested_tuple_result():
    inner = JointEq(lambda V, t, w: -V + w, lambda w, t, V: -w + 0.1 * V)
    outer = JointEq(inner, lambda u, t, V: -u + V)
    res = outer(1.0, 0.5, 0.2, 0.0)  # V, w, u, t
    assert len(res) == 3 and all(np.isfinite(float(r)) for r in res)


def test_cov_jointeq_rejects_keyword_only():
    def dV(V, t, *, w):
        return -V

    with pytest.raises(DiffEqError):
        JointEq(dV, lambda w, t: -w)


def test_cov_jointeq_rejects_positional_only():
    def dV(V, t, w, /):
        return -V

    with pytest.raises(DiffEqError):
        JointEq(dV, lambda w, t: -w)
