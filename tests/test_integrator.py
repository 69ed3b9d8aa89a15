"""odeint / ODEIntegrator: convergence orders, exp_euler, signatures, transforms, errors."""

import contextlib
import inspect
import io
import math
import warnings
from typing import Any

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import eqbrain
from eqbrain import ODEIntegrator, Variable, odeint

RK_ORDERS = {
    "euler": 1,
    "midpoint": 2,
    "heun2": 2,
    "ralston2": 2,
    "rk2": 2,
    "rk3": 3,
    "heun3": 3,
    "ralston3": 3,
    "ssprk3": 3,
    "rk4": 4,
    "ralston4": 4,
    "rk4_38rule": 4,
    # the embedded pairs, stepping with their solution weights (adaptive=False)
    "rkf12": 2,
    "heun_euler": 2,
    "bs": 3,
    "BoSh3": 3,
    "rkf45": 5,
    "rkdp": 5,
    "ck": 5,
}
# the order of each embedded pair's other solution: its error estimate is O(dt^(q+1))
EMBEDDED_ORDERS = {
    "rkf12": 1,
    "heun_euler": 1,
    "bs": 2,
    "BoSh3": 2,
    "rkf45": 4,
    "rkdp": 4,
    "ck": 4,
}
EXP_NAMES = ["exp_euler", "exp_auto", "exp_euler_auto", "exponential_euler"]


# -- problems with known solutions -----------------------------------------------------


def forced_decay(y, t):
    return -y + jnp.sin(t)


def forced_decay_exact(y0, t):
    return (y0 + 0.5) * math.exp(-t) + (math.sin(t) - math.cos(t)) / 2


def logistic(y, t):
    return y * (1.0 - y)


def logistic_exact(y0, t):
    return 1.0 / (1.0 + (1.0 / y0 - 1.0) * math.exp(-t))


def oscillator(x, v, t, k, c):
    return v, -k * x - c * v


def oscillator_exact(x0, v0, t, k, c):
    m = np.array([[0.0, 1.0], [-k, -c]])
    w, vecs = np.linalg.eig(m)
    out = vecs @ np.diag(np.exp(w * t)) @ np.linalg.solve(vecs, [x0, v0])
    return out.real


def integrate(integral, states, args, T, n):
    """`n` steps of `T / n` from t = 0, compiled: the states at T."""
    dt = T / n

    @jax.jit
    def run(states):
        def body(i, s):
            out = integral(*s, i * dt, *args, dt=dt)
            return out if isinstance(out, tuple) else (out,)

        return jax.lax.fori_loop(0, n, body, states)

    return run(states)


def measured_order(method, f, exact, y0, args=(), T=1.0, n=10):
    """log2 of the error ratio between `n` and `2n` steps, in float64."""
    with jax.enable_x64(True):
        integral = odeint(f, method=method)
        y0s = tuple(jnp.asarray(y, jnp.float64) for y in y0)
        want = np.asarray(exact(*y0, T, *args))
        errs = []
        for steps in (n, 2 * n):
            got = integrate(integral, y0s, args, T, steps)
            assert all(g.dtype == jnp.float64 for g in got)
            errs.append(np.max(np.abs(np.asarray(got).ravel() - want.ravel())))
    return math.log2(errs[0] / errs[1])


@pytest.mark.parametrize("method", list(RK_ORDERS))
def test_runge_kutta_order_on_forced_decay(method):
    p = measured_order(method, forced_decay, forced_decay_exact, (0.3,), n=20)
    assert abs(p - RK_ORDERS[method]) < 0.25, p


@pytest.mark.parametrize("method", list(RK_ORDERS))
def test_runge_kutta_order_on_two_variable_linear_system(method):
    p = measured_order(method, oscillator, oscillator_exact, (1.0, 0.0), args=(4.0, 0.5), T=2.0)
    assert abs(p - RK_ORDERS[method]) < 0.3, p


def order_conditions(A, b, c):
    """The order conditions of the rooted trees up to order 5: (sum(b * phi), 1 / tree!)."""
    Ac = A @ c
    return {
        1: [(b.sum(), 1.0)],
        2: [(b @ c, 1 / 2)],
        3: [(b @ c**2, 1 / 3), (b @ Ac, 1 / 6)],
        4: [
            (b @ c**3, 1 / 4),
            (b @ (c * Ac), 1 / 8),
            (b @ A @ c**2, 1 / 12),
            (b @ A @ Ac, 1 / 24),
        ],
        5: [
            (b @ c**4, 1 / 5),
            (b @ (c**2 * Ac), 1 / 10),
            (b @ (c * (A @ c**2)), 1 / 15),
            (b @ (c * (A @ Ac)), 1 / 30),
            (b @ Ac**2, 1 / 20),
            (b @ A @ c**3, 1 / 20),
            (b @ A @ (c * Ac), 1 / 40),
            (b @ A @ A @ c**2, 1 / 60),
            (b @ A @ A @ Ac, 1 / 120),
        ],
    }


def assert_order(A, b, c, order):
    conditions = order_conditions(A, b, c)
    for p in range(1, order + 1):
        for got, want in conditions[p]:
            assert got == pytest.approx(want, abs=1e-12), (p, got, want)
    if order < 5:  # and not one order more: the order is exactly the advertised one
        assert any(abs(got - want) > 1e-6 for got, want in conditions[order + 1])


@pytest.mark.parametrize("method", list(RK_ORDERS))
def test_each_tableau_meets_its_order_conditions(method):
    tab = odeint(forced_decay, method=method).tableau
    A = np.zeros((tab.stages, tab.stages))
    for i, row in enumerate(tab.a):
        A[i, : len(row)] = row
    c = np.array(tab.c)
    np.testing.assert_allclose(A.sum(axis=1), c, atol=1e-14)  # consistent nodes
    assert_order(A, np.array(tab.b), c, RK_ORDERS[method])
    if tab.b_embedded is not None:  # the other solution of the pair has order q exactly
        assert_order(A, np.array(tab.b_embedded), c, EMBEDDED_ORDERS[method])


@pytest.mark.parametrize(
    "method, solver",
    [
        ("rkdp", diffrax.Dopri5),
        ("bs", diffrax.Bosh3),
        ("heun_euler", diffrax.Heun),
        ("heun2", diffrax.Heun),
        ("ralston2", diffrax.Ralston),
        ("midpoint", diffrax.Midpoint),
    ],
)
def test_tableaus_shared_with_diffrax_agree(method, solver):
    ours, theirs = odeint(forced_decay, method=method).tableau, solver.tableau
    np.testing.assert_allclose(ours.c[1:], theirs.c, rtol=1e-14)
    np.testing.assert_allclose(ours.b, theirs.b_sol, rtol=1e-14, atol=1e-15)
    for row, want in zip(ours.a[1:], theirs.a_lower):
        np.testing.assert_allclose(row, want, rtol=1e-14, atol=1e-15)
    if method in ("bs", "heun_euler"):  # diffrax's b_error is b - b_embedded, up to sign
        err = np.array(ours.b) - np.array(ours.b_embedded)
        np.testing.assert_allclose(np.abs(err), np.abs(theirs.b_error), atol=1e-15)


def test_rk2_takes_brainpys_beta():
    np.testing.assert_allclose(odeint(logistic, method="rk2").tableau.b, [0.25, 0.75])
    heun = odeint(logistic, method="rk2", beta=1.0)
    assert heun.tableau.b == (0.5, 0.5) and heun.tableau.c == (0.0, 1.0)
    with pytest.raises(ValueError, match=r"rk2's beta must be a number in \(0, 1\]"):
        odeint(logistic, method="rk2", beta=0.0)
    with pytest.raises(ValueError, match="beta sets rk2's tableau; it does not apply to 'rk4'"):
        odeint(logistic, method="rk4", beta=0.5)


def manufactured(y, t):
    """Nonlinear and time-dependent, with the solution y = 2 + sin(t) from y0 = 2."""
    return jnp.cos(t) - (y * y - (2.0 + jnp.sin(t)) ** 2)


def manufactured_exact(y0, t):
    return 2.0 + math.sin(t)


def test_exp_euler_is_first_order_on_a_nonlinear_ode():
    p = measured_order("exp_euler", manufactured, manufactured_exact, (2.0,))
    assert abs(p - 1.0) < 0.2, p
    # coupled variables: only each one's own linear part is exponential
    p = measured_order("exp_euler", oscillator, oscillator_exact, (1.0, 0.0), (4.0, 0.5), 2.0)
    assert abs(p - 1.0) < 0.2, p


def test_exp_euler_is_second_order_on_a_scalar_autonomous_ode():
    # with the exact derivative as its linear part, exponential Euler is the exponential
    # Rosenbrock-Euler method: second order when f is scalar and does not depend on t
    p = measured_order("exp_euler", logistic, logistic_exact, (0.1,), T=2.0)
    assert abs(p - 2.0) < 0.2, p


def test_exp_euler_is_exact_on_a_linear_ode():
    def dV(V, t, V_rest, I, tau):
        return (-V + V_rest + I) / tau

    integral = odeint(dV, method="exp_euler")
    V0 = jnp.array([-70.0, -60.0, -50.0, 0.0])
    I = jnp.array([0.0, 5.0, 20.0, -3.0])
    V_inf = -65.0 + I
    for dt in (0.1, 5.0, 50.0):  # far beyond Euler's stability limit
        got = integral(V0, 0.0, -65.0, I, 10.0, dt=dt)
        want = V_inf + (V0 - V_inf) * np.exp(-dt / 10.0)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-5)


def test_exp_euler_at_zero_linear_part_is_plain_euler_without_nans():
    def f(y, t, I):
        return I + 0.0 * y  # A = 0: phi(0) = 1

    integral = odeint(f, method="exp_euler")
    np.testing.assert_allclose(integral(jnp.ones(2), 0.0, 3.0, dt=0.5), [2.5, 2.5])
    g = jax.grad(lambda I: integral(1.0, 0.0, I, dt=0.5))(3.0)
    assert g == pytest.approx(0.5)


def test_exp_euler_takes_each_variables_own_linear_part():
    def f(V, w, t):
        return -V / 2.0 + w, -w / 4.0 + V * V

    V0, w0, dt = jnp.array([1.0, -2.0]), jnp.array([0.5, 3.0]), 0.3
    V1, w1 = odeint(f, method="exp_euler")(V0, w0, 0.0, dt=dt)
    dV, dw = f(V0, w0, 0.0)
    np.testing.assert_allclose(V1, V0 + np.expm1(-dt / 2) / (-1 / 2) * dV, rtol=1e-6)
    np.testing.assert_allclose(w1, w0 + np.expm1(-dt / 4) / (-1 / 4) * dw, rtol=1e-6)


# -- signatures and states -------------------------------------------------------------


def test_several_state_variables_follow_brainpys_signature():
    def f(V, w, t, I, tau=10.0):
        return (-V - w + I) / tau, (V - w) / 100.0

    integral = odeint(f, method="euler")
    assert isinstance(integral, ODEIntegrator) and isinstance(integral, eqbrain.Module)
    assert integral.variables == ("V", "w") and integral.arguments == ("I", "tau")
    V, w = integral(jnp.ones(3), jnp.zeros(3), 0.0, 2.0, dt=0.5)
    np.testing.assert_allclose(V, 1.0 + 0.5 * (1.0 / 10.0))
    np.testing.assert_allclose(w, 0.5 * (1.0 / 100.0))
    V2, _ = integral(jnp.ones(3), jnp.zeros(3), 0.0, 2.0, tau=1.0, dt=0.5)
    np.testing.assert_allclose(V2, 1.5)
    V3, _ = integral(jnp.ones(3), jnp.zeros(3), 0.0, I=2.0, dt=0.5)
    np.testing.assert_allclose(V3, V)


@pytest.mark.parametrize("method", ["rk4", "exp_euler"])
def test_a_single_pytree_state(method):
    def f(s, t, k):
        return {"a": -k * s["a"], "b": (-2.0 * k * s["b"][0],)}

    s0 = {"a": jnp.ones(2), "b": (jnp.full(3, 2.0),)}
    s1 = odeint(f, method=method)(s0, 0.0, 1.0, dt=0.1)
    assert jax.tree.structure(s1) == jax.tree.structure(s0)
    np.testing.assert_allclose(s1["a"], np.exp(-0.1), rtol=1e-5)
    np.testing.assert_allclose(s1["b"][0], 2.0 * np.exp(-0.2), rtol=1e-5)


def test_decorator_form_and_order():
    @odeint(method="rk4")
    def integral(y, t):
        return -y

    assert isinstance(integral, ODEIntegrator) and integral.order == 4
    assert odeint(logistic, method="exp_euler").order == 1
    assert odeint(logistic, method="diffrax").order is None


def test_dt_comes_from_share_then_from_odeint():
    integral = odeint(lambda y, t: -y)
    with eqbrain.share.context(dt=0.25):
        assert integral(1.0, 0.0) == pytest.approx(0.75)
        assert integral(1.0, 0.0, dt=0.5) == pytest.approx(0.5)  # explicit wins
        assert odeint(lambda y, t: -y, dt=0.125)(1.0, 0.0) == pytest.approx(0.875)
    assert integral(1.0, 0.0) == pytest.approx(1.0 - eqbrain.get_dt())


def test_dt_is_read_when_a_jitted_step_is_traced():
    integral = odeint(lambda y, t: -y)
    step = jax.jit(lambda y: integral(y, 0.0))
    with eqbrain.share.context(dt=0.5):
        assert step(1.0) == pytest.approx(0.5)
    # a traced dt is used as it is (it cannot be checked) and can be differentiated
    traced = jax.jit(jax.grad(lambda dt: integral(1.0, 0.0, dt=dt)))
    assert traced(0.5) == pytest.approx(-1.0)


# -- transforms -------------------------------------------------------------------------


def test_under_jax_jit_and_filter_jit_and_vmap():
    integral = odeint(oscillator, method="rk4")
    x, v = jnp.linspace(0.0, 1.0, 5), jnp.zeros(5)
    want = integral(x, v, 0.0, 4.0, 0.5, dt=0.1)
    got_jit = jax.jit(lambda x, v: integral(x, v, 0.0, 4.0, 0.5, dt=0.1))(x, v)
    got_filter = eqx.filter_jit(lambda ig, x, v: ig(x, v, 0.0, 4.0, 0.5, dt=0.1))(integral, x, v)
    got_vmap = jax.vmap(lambda x, v: integral(x, v, 0.0, 4.0, 0.5, dt=0.1))(x, v)
    for got in (got_jit, got_filter, got_vmap):
        for a, b in zip(got, want):
            np.testing.assert_allclose(a, b, rtol=1e-6)


def test_integrator_as_a_pytree_has_no_leaves():
    integral = odeint(oscillator, method="rk4")
    assert jax.tree.leaves(integral) == []
    out = jax.jit(lambda ig: ig(1.0, 0.0, 0.0, 1.0, 0.0, dt=0.1))(integral)
    assert len(out) == 2


@pytest.mark.parametrize("method", ["euler", "rk4", "exp_euler"])
def test_grad_through_steps_matches_the_exact_solution(method):
    integral = odeint(lambda y, t, tau: -y / tau, method=method)

    def loss(y0, tau):
        def body(i, y):
            return integral(y, i * 0.01, tau, dt=0.01)

        return jax.lax.fori_loop(0, 100, body, y0)  # t = 1

    gy, gtau = jax.grad(loss, argnums=(0, 1))(2.0, 0.5)
    rel = {"euler": 3e-2, "rk4": 1e-5, "exp_euler": 1e-5}[method]  # exp_euler: exact
    assert gy == pytest.approx(math.exp(-2.0), rel=rel)
    assert gtau == pytest.approx(2.0 * math.exp(-2.0) * 1.0 / 0.25, rel=rel)


class Neuron(eqbrain.Module):
    V: Variable
    integral: ODEIntegrator

    def __init__(self, n):
        super().__init__()
        self.V = Variable(jnp.zeros(n))
        self.integral = odeint(lambda V, t, I: (-V + I) / 10.0, method="exp_euler")

    def update(self, I):
        self.V.value = self.integral(self.V.value, 0.0, I)


def test_as_a_field_of_a_model_under_eqbrain_jit():
    net = Neuron(3)
    V = net.V
    step = eqbrain.jit(net.update)
    with eqbrain.share.context(dt=1.0):
        for _ in range(5):
            step(jnp.array([1.0, 2.0, 3.0]))
    assert net.V is V
    np.testing.assert_allclose(net.V.value, np.array([1, 2, 3]) * -np.expm1(-0.5), rtol=1e-5)
    assert net.vars(method="relative").keys() == {"V"}


# -- diffrax bridge ---------------------------------------------------------------------


def stiff(y, t):
    return -1000.0 * (y - jnp.cos(t))


def test_diffrax_bridge_on_a_stiff_problem():
    with jax.enable_x64(True):
        integral = odeint(
            stiff,
            method="diffrax",
            solver=diffrax.Kvaerno5(),
            stepsize_controller=diffrax.PIDController(rtol=1e-8, atol=1e-10),
        )
        y0 = jnp.float64(0.0)
        y = y0
        for i in range(4):  # four calls of dt = 0.25, compiled once: each adapts its steps
            y = integral(y, 0.25 * i, dt=0.25)
        assert y.dtype == jnp.float64
        # the exact solution, whose transient 1e6/(1e6+1) exp(-1000 t) is gone by t = 1
        exact = (1e6 * math.cos(1.0) + 1e3 * math.sin(1.0)) / (1e6 + 1.0)
        assert abs(float(y) - exact) < 1e-7
        euler = odeint(stiff, method="euler")(y0, 0.0, dt=0.25)
        assert abs(float(euler)) > 100.0  # why the bridge exists


def test_diffrax_bridge_with_several_states_and_arguments_matches_rk4():
    integral = odeint(oscillator, method="diffrax")  # Tsit5 + PIDController by default
    fine = odeint(oscillator, method="rk4")
    want = oscillator_exact(1.0, 0.0, 0.5, 4.0, 0.5)
    xf, vf = jax.jit(lambda x: integral(x, 0.0, 0.0, 4.0, c=0.5, dt=0.5))(1.0)
    np.testing.assert_allclose([xf, vf], want, rtol=1e-5, atol=1e-6)
    assert fine(1.0, 0.0, 0.0, 4.0, 0.5, dt=0.5)[0] == pytest.approx(want[0], abs=1e-2)


def test_diffrax_term_adapts_brainpy_signature():
    term = eqbrain.diffrax_term(oscillator)
    assert isinstance(term, diffrax.ODETerm)
    sol = diffrax.diffeqsolve(
        term,
        diffrax.Tsit5(),
        t0=0.0,
        t1=1.0,
        dt0=0.01,
        y0=(jnp.float32(1.0), jnp.float32(0.0)),
        args=(4.0, 0.5),
    )
    want = oscillator_exact(1.0, 0.0, 1.0, 4.0, 0.5)
    assert sol.ys is not None
    np.testing.assert_allclose([sol.ys[0][0], sol.ys[1][0]], want, rtol=1e-4, atol=1e-5)
    single = eqbrain.diffrax_term(lambda y, t, k: -k * y + t)
    assert single.vf(3.0, 1.0, 2.0) == single.vf(3.0, 1.0, (2.0,)) == 1.0  # a lone arg


# -- bad input ---------------------------------------------------------------------------


def test_unknown_method_lists_the_known_ones():
    for make in (lambda: odeint(logistic, method="rk45"), lambda: odeint(method="rk45")):
        with pytest.raises(ValueError, match="Unknown integration method 'rk45'") as e:
            make()
        for m in ("'euler'", "'rk2'", "'heun2'", "'rk4'", "'exp_euler'", "'diffrax'"):
            assert m in str(e.value)


def test_f_without_t_or_without_a_state_before_it():
    with pytest.raises(ValueError, match="has no parameter named 't'.*f\\(y, t, \\*args\\)"):
        odeint(lambda y, time: -y)
    with pytest.raises(ValueError, match="no state variable before its `t`.*diffrax's"):
        odeint(lambda t, y, args: -y)
    with pytest.raises(ValueError, match="plain positional parameters"):
        odeint(lambda *ys, t: ys)
    with pytest.raises(TypeError, match="needs a callable"):
        odeint(3.0)  # pyright: ignore[reportArgumentType]


@pytest.mark.parametrize("dt", [0.0, -0.1, float("nan"), float("inf"), jnp.float32(-1.0)])
def test_bad_dt(dt):
    integral = odeint(logistic)
    with pytest.raises(ValueError, match="dt must be a positive, finite number"):
        integral(0.5, 0.0, dt=dt)
    with pytest.raises(ValueError, match="dt must be a positive, finite number"):
        odeint(logistic, dt=dt)


def test_bad_array_dt():
    with pytest.raises(ValueError, match="dt must be positive and finite everywhere"):
        odeint(logistic)(jnp.ones(2), 0.0, dt=jnp.array([0.1, -0.1]))


def test_wrong_number_of_arguments_says_what_was_expected():
    integral = odeint(oscillator)
    msg = r"expects 2 state variables \(x, v\), then t, then k, c.*integral\(x, v, t, k, c"
    with pytest.raises(TypeError, match=msg + ".*Got 3 positional arguments"):
        integral(1.0, 0.0, 4.0, dt=0.1)  # the state w forgotten: t taken for v
    with pytest.raises(TypeError, match=msg + ".*Got 6 positional arguments"):
        integral(1.0, 0.0, 0.0, 4.0, 0.5, 9.0, dt=0.1)
    with pytest.raises(TypeError, match=r"oscillator\(x, v, t, k, c\) has no parameter 'nope'"):
        integral(1.0, 0.0, 0.0, 4.0, nope=1.0, dt=0.1)
    with pytest.raises(TypeError, match=r"expects 2 state variables \(x, v\).*Got 1 pos"):
        odeint(lambda x, v, t: (v, -x))(0.5, dt=0.1)
    # as BrainPy, a call without t is at t = 0 (when every state is given)
    assert odeint(forced_decay)(0.5, dt=0.1) == odeint(forced_decay)(0.5, 0.0, dt=0.1)


def test_wrong_derivatives_are_named():
    with pytest.raises(TypeError, match=r"must return 2 derivatives \(dV, dw\).*length 3"):
        odeint(lambda V, w, t: (V, w, t))(1.0, 1.0, 0.0, dt=0.1)
    with pytest.raises(TypeError, match=r"must return 1 derivatives \(ds\).*structure"):
        odeint(lambda s, t: s["a"], method="exp_euler")({"a": 1.0}, 0.0, dt=0.1)


def test_solver_only_with_diffrax():
    with pytest.raises(ValueError, match="apply only to method='diffrax', not 'rk4'"):
        odeint(logistic, method="rk4", solver=diffrax.Tsit5())


# -- adaptive steps (BrainPy's embedded pairs) -------------------------------------------


def test_adaptive_returns_the_step_and_the_next_step_size():
    integral = odeint(lambda y, t: -y, method="rkf45", adaptive=True, tol=1e-3)
    assert integral.adaptive and integral.tol == 1e-3 and integral.order == 5
    y, dt_new = integral(jnp.ones(3), 0.0, dt=0.1)
    np.testing.assert_allclose(y, np.exp(-0.1), rtol=1e-6)  # the step of size dt is taken
    assert dt_new.shape == () and 0.1 < float(dt_new) <= 0.5  # small error: dt grows, at most 5x
    fixed = odeint(lambda y, t: -y, method="rkf45")  # adaptive=False: the same step, no dt
    np.testing.assert_allclose(fixed(jnp.ones(3), 0.0, dt=0.1), y)
    assert fixed.tol == 0.1 and not fixed.adaptive  # BrainPy's default tol


def test_adaptive_step_size_follows_brainpys_controller():
    f = lambda y, t: -50.0 * y  # noqa: E731
    with jax.enable_x64(True):
        for method, q in EMBEDDED_ORDERS.items():
            tab = odeint(f, method=method).tableau
            y0 = jnp.ones(2, jnp.float64)

            def error(h, tab=tab, y0=y0):  # the error estimate written out, summed
                ks: list = []
                for a_i in tab.a:
                    ks.append(f(y0 + h * sum((a * k for a, k in zip(a_i, ks)), 0.0 * y0), 0.0))
                diff = sum((b - e) * k for b, e, k in zip(tab.b, tab.b_embedded, ks))
                return float(jnp.sum(jnp.abs(h * diff)))

            # the estimate is O(dt^(q+1)): halving dt divides it by 2^(q+1)
            assert math.log2(error(0.004) / error(0.002)) == pytest.approx(q + 1, abs=0.3)
            tol = error(0.004)
            integral = odeint(f, method=method, adaptive=True, tol=tol)
            for h in (0.004, 0.002, 0.1, 1e-5):
                _, dt_new = integral(y0, 0.0, dt=h)
                want = h * np.clip(0.9 * (tol / (error(h) + 1e-12)) ** 0.2, 0.2, 5.0)
                assert float(dt_new) == pytest.approx(want, rel=1e-10), (method, h)


def test_adaptive_dt_grows_and_shrinks_and_may_be_per_element():
    integral = odeint(lambda y, t: -y, method="rkdp", adaptive=True, tol=1e-6)
    _, grow = integral(1.0, 0.0, dt=0.001)
    _, shrink = integral(1.0, 0.0, dt=2.0)
    assert float(grow) == pytest.approx(0.005) and float(shrink) == pytest.approx(0.4)  # clipped
    per = odeint(lambda y, t: -y, method="rkdp", adaptive=True, tol=1e-6, var_type="scalar")
    _, dts = per(jnp.array([1.0, 1e-9]), 0.0, dt=0.5)
    assert dts.shape == (2,) and float(dts[1]) > float(dts[0])  # the tiny element errs less
    _, one = integral(jnp.array([1.0, 1e-9]), 0.0, dt=0.5)
    assert one.shape == ()


def lorenz(x, y, z, t):
    return 10.0 * (y - x), x * (28.0 - z) - y, x * y - 8.0 / 3.0 * z


def test_adaptive_with_dt_carried_in_a_variable_through_for_loop():
    class Lorenz(eqbrain.Module):
        x: Variable
        y: Variable
        z: Variable
        dt: Variable
        integral: ODEIntegrator

        def __init__(self, method):
            super().__init__()
            self.x, self.y, self.z = (Variable(jnp.ones(1)) for _ in range(3))
            self.dt = Variable(jnp.full(1, 0.01))
            self.integral = odeint(lorenz, method=method, adaptive=True, tol=1e-3)

        def step(self, t):
            *new, dt = self.integral(self.x, self.y, self.z, t, dt=self.dt.value)
            self.x.value, self.y.value, self.z.value = new
            self.dt.value = dt
            return self.x.value, self.dt.value

    errors = {}
    for method in EMBEDDED_ORDERS:
        m = Lorenz(method)
        xs, dts = eqbrain.for_loop(m.step, jnp.arange(40.0))  # t ~ 1: before chaos sets in
        assert xs.shape == (40, 1) and dts.shape == (40, 1) and m.dt.value.shape == (1,)
        assert np.all(np.asarray(dts) > 0) and len(np.unique(np.asarray(dts))) > 20  # adapted
        # the steps taken were 0.01, then each proposed dt: compare with a fine rk4 run
        T = 0.01 + float(np.sum(np.asarray(dts, np.float64)[:-1]))
        with jax.enable_x64(True):
            n = 4000
            ref = integrate(odeint(lorenz, method="rk4"), (1.0, 1.0, 1.0), (), T, n)
        errors[method] = abs(float(xs[-1, 0]) - float(ref[0]))
        assert errors[method] < 0.02 * abs(float(ref[0])), (method, errors[method], T)


def test_adaptive_and_tol_only_for_embedded_methods():
    cases: list[tuple[dict[str, Any], str]] = [
        ({"adaptive": True}, "adaptive=True"),
        ({"tol": 0.1}, "tol"),
    ]
    for kw, what in cases:
        with pytest.raises(ValueError, match=f"`{what}` needs a method with an embedded"):
            odeint(logistic, method="rk4", **kw)
    with pytest.raises(ValueError, match="'rkf45', 'rkdp'.*method='diffrax'") as e:
        odeint(logistic, method="exp_euler", adaptive=True)
    assert "'exp_euler' has none" in str(e.value)
    with pytest.raises(ValueError, match="tol must be a positive number"):
        odeint(logistic, method="rkf45", adaptive=True, tol=0.0)
    with pytest.raises(ValueError, match="var_type must be one of"):
        odeint(logistic, method="rkf45", var_type="vector")


# -- exponential Euler: BrainPy's names, automatic linear part, bad states ---------------


@pytest.mark.parametrize("method", EXP_NAMES)
def test_brainpys_exponential_euler_names_are_one_method(method):
    integral = odeint(manufactured, method=method)
    assert integral.method == method and integral.order == 1
    ref = odeint(manufactured, method="exp_euler")
    for y0 in (1.5, jnp.array([0.5, 2.0, 3.0])):
        np.testing.assert_array_equal(integral(y0, 0.3, dt=0.1), ref(y0, 0.3, dt=0.1))
    exact = odeint(lambda y, t: -2 * y, method=method)(1.0, 0.0, dt=0.3)  # linear: exact
    assert float(exact) == pytest.approx(math.exp(-0.6), rel=1e-6)


def test_exp_auto_takes_the_jacobian_diagonal_by_autodiff():
    # a nonlinear, elementwise f: A = df/dy is its derivative, element by element
    def f(y, t, a):
        return a * jnp.sin(y) - y**3

    y0, dt, a = jnp.array([0.3, -1.2, 2.0]), 0.05, 1.5
    got = odeint(f, method="exp_auto")(y0, 0.0, a, dt=dt)
    A = a * jnp.cos(y0) - 3 * y0**2  # the diagonal of the Jacobian, written out
    np.testing.assert_allclose(got, y0 + jnp.expm1(A * dt) / A * f(y0, 0.0, a), rtol=1e-6)


@pytest.mark.parametrize("method", ["exp_euler", "exp_auto"])
def test_exp_euler_on_an_integer_state_says_what_to_do(method):
    integral = odeint(lambda V, w, t: (-V, -w), method=method)
    V, w = jnp.array([1, 2, 3]), jnp.ones(3)
    with pytest.raises(eqbrain.MathError, match=r"state 'V' has dtype int32.*jnp.asarray\(V, jnp"):
        integral(V, w, 0.0, dt=0.1)
    assert V.dtype == jnp.int32  # nothing was converted
    with pytest.raises(ValueError, match="use a Runge-Kutta method such as 'rk4'"):  # BrainPy's
        integral(jnp.ones(3), jnp.array([True]), 0.0, dt=0.1)
    np.testing.assert_allclose(odeint(lambda y, t: -y, method="rk4")(V, 0.0, dt=0.1)[0], 0.9048374)


def test_exp_euler_refuses_brainpys_system_variables():
    with pytest.raises(NotImplementedError, match="var_type='system'.*diffrax.Kvaerno5"):
        odeint(logistic, method="exp_euler", var_type="system")
    odeint(logistic, method="rk4", var_type="system")  # the other methods ignore it, as BrainPy


# -- JointEq ------------------------------------------------------------------------------


def dV_fhn(V, t, w, I):
    return V - V**3 / 3 - w + I


def dw_fhn(w, t, V, a=0.7, b=0.8):
    return (V + a - b * w) / 12.5


def fhn(V, w, t, I, a=0.7, b=0.8):
    return dV_fhn(V, t, w, I), dw_fhn(w, t, V, a, b)


def test_joint_eq_signature_and_call():
    eq = eqbrain.JointEq(dV_fhn, dw_fhn)
    assert eq.variables == ("V", "w") and eq.vars_in_eqs == [["V"], ["w"]]
    assert eq.arg_keys == ["V", "w", "t", "I"] and eq.kwarg_keys == ["a", "b"]
    assert eq.kwargs == {"a": 0.7, "b": 0.8}
    assert str(inspect.signature(eq)) == "(V, w, t, I, a=0.7, b=0.8)"
    out = eq(1.0, 0.5, 0.0, 0.3)
    assert isinstance(out, list) and out == list(fhn(1.0, 0.5, 0.0, 0.3))
    assert eq(V=1.0, w=0.5, t=0.0, I=0.3, b=1.0) == list(fhn(1.0, 0.5, 0.0, 0.3, b=1.0))
    assert eqbrain.JointEq([dV_fhn, [dw_fhn]]) == eq  # lists are flattened
    with pytest.raises(TypeError, match=r"is missing 'I'"):
        eq(1.0, 0.5, 0.0)


@pytest.mark.parametrize("method", ["euler", "rk4", "ralston4", "rkf45", "exp_auto"])
def test_joint_eq_integrates_like_the_coupled_function(method):
    joint = odeint(eqbrain.JointEq(dV_fhn, dw_fhn), method=method)
    assert joint.variables == ("V", "w") and joint.arguments == ("I", "a", "b")
    coupled = odeint(fhn, method=method)
    V, w = jnp.linspace(-1.0, 1.0, 4), jnp.zeros(4)
    for got, want in zip(joint(V, w, 0.0, 0.5, dt=0.1), coupled(V, w, 0.0, 0.5, dt=0.1)):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    separately = odeint(dV_fhn, method="rk4")(V, 0.0, w, 0.5, dt=0.1)  # w frozen for the step
    if method == "rk4":
        assert not np.allclose(separately, joint(V, w, 0.0, 0.5, dt=0.1)[0])


def test_nested_joint_eq():
    def du(u, t, V):
        return -u + V

    inner = eqbrain.JointEq(dV_fhn, dw_fhn)
    outer = eqbrain.JointEq(inner, du)
    assert outer.variables == ("V", "w", "u") and outer.arg_keys == ["V", "w", "u", "t", "I"]
    assert outer(1.0, 0.5, 0.2, 0.0, 0.3) == [*fhn(1.0, 0.5, 0.0, 0.3), -0.2 + 1.0]
    out = odeint(outer, method="exp_auto")(1.0, 0.5, 0.2, 0.0, 0.3, dt=0.01)
    assert len(out) == 3 and all(np.isfinite(o) for o in out)


def test_joint_eq_bad_equations():
    D = eqbrain.DiffEqError

    def dx_wrong(x, v, t):
        return v

    def dv(v, t, x):
        return -x

    msg = r"'v' is the state variable of two equations: dx_wrong\(x, v, t\) and dv\(v, t, x\)"
    with pytest.raises(D, match=msg + '.*a dependency and goes AFTER "t"'):
        eqbrain.JointEq(dx_wrong, dv)
    with pytest.raises(D, match=r"\*args parameters"):
        eqbrain.JointEq(lambda V, t, *more: -V)
    with pytest.raises(D, match=r"\*\*kwargs parameters"):
        eqbrain.JointEq(lambda V, t, **more: -V)
    with pytest.raises(D, match="keyword-only parameters"):
        eqbrain.JointEq(lambda V, t, *, w: -V)
    with pytest.raises(D, match="positional-only parameters"):
        eqbrain.JointEq(lambda V, t, w, /: -V)
    with pytest.raises(D, match="has no parameter named 't'"):
        eqbrain.JointEq(lambda V, w: -V)
    with pytest.raises(D, match="only the derivative functions|joins derivative functions"):
        eqbrain.JointEq(123)
    with pytest.raises(D, match="keyword argument 'V' of .* has the name of a state variable"):
        eqbrain.JointEq(lambda V, t, w: -V, lambda w, t, V=1.0: -w)
    with pytest.raises(D, match="'a' has two different defaults.*1.0 and 2.0"):
        eqbrain.JointEq(lambda V, t, a=1.0: -V, lambda w, t, a=2.0: -w)
    with pytest.raises(D, match="at least one"):
        eqbrain.JointEq()


# -- methods of modules: BrainPy's `self.integral = odeint(self.derivative)` ---------------


class Leaky(eqbrain.Module):
    V: Variable
    tau: eqbrain.TrainVar
    integral: ODEIntegrator

    def __init__(self, n, method="exp_auto"):
        super().__init__()
        self.V = Variable(jnp.linspace(0.0, 1.0, n))
        self.tau = eqbrain.TrainVar(jnp.array(5.0))
        self.integral = odeint(self.derivative, method=method)

    def derivative(self, V, t, I):
        return (-V + I) / self.tau.value

    def loss(self, I):
        V = self.integral(self.V.value, 0.0, I, dt=0.5)
        return jnp.sum(V**2)


@pytest.mark.parametrize("method", ["euler", "rk4", "rkdp", "exp_auto", "diffrax"])
def test_a_bound_derivative_is_not_static_and_gradients_flow_in_both_styles(method):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "A JAX array is being set as static!"
        m = Leaky(3, method)
    assert jax.tree.structure(m) == jax.tree.structure(Leaky(3, method))  # one compilation
    assert eqx.tree_equal(m, Leaky(3, method))
    g_eqx = eqx.filter_grad(lambda model: model.loss(2.0))(m).tau.value
    g_bp = eqbrain.grad(lambda: m.loss(2.0), grad_vars=m.train_vars())()
    (g_ours,) = g_bp.values()
    assert float(g_eqx) != 0.0
    np.testing.assert_allclose(g_eqx, g_ours, rtol=1e-5)
    # the derivative reads the traced copy: the value through jit equals the eager one
    eager = m.loss(2.0)
    np.testing.assert_allclose(eqx.filter_jit(lambda model: model.loss(2.0))(m), eager, rtol=1e-6)
    np.testing.assert_allclose(jax.jit(lambda model: model.loss(2.0))(m), eager, rtol=1e-6)


def test_a_bound_integrator_reads_the_copy_it_is_read_from():
    m = Leaky(2, "euler")
    bound = m.integral
    assert (
        isinstance(bound, eqbrain.BoundIntegrator) and bound.integrator is m.__dict__["integral"]
    )
    assert bound.method == "euler" and bound.variables == ("V",) and bound.order == 1
    assert m.integral.name == m.integral.name  # one integrator, one name
    m2 = eqx.tree_at(lambda x: x.tau.value, m, jnp.array(1.0))
    assert float(m2.integral(1.0, 0.0, 0.0, dt=0.5)) == pytest.approx(0.5)  # tau = 1
    assert float(m.integral(1.0, 0.0, 0.0, dt=0.5)) == pytest.approx(0.9)  # tau = 5
    assert m.integral.f(1.0, 0.0, 0.0) == pytest.approx(-0.2)
    assert jax.tree.leaves(m.__dict__["integral"]) == []  # the owner is not in its pytree
    assert m.vars(method="relative").keys() == {"V", "tau"}
    assert list(m.nodes(method="relative").keys()) == ["", "integral"]
    with pytest.raises(RuntimeError, match="a method of the module that holds it.*self.integral"):
        m.__dict__["integral"](1.0, 0.0, 0.0, dt=0.5)  # taken out of its module


def test_a_bound_integrator_under_eqbrain_jit_and_the_runner():
    class Neuron(eqbrain.DynamicalSystem):
        V: Variable
        integral: ODEIntegrator

        def __init__(self):
            super().__init__()
            self.V = Variable(jnp.zeros(2))
            self.integral = odeint(eqbrain.JointEq(self.dV), method="exp_auto")

        def dV(self, V, t, I):
            return (-V + I) / 10.0

        def update(self, I=1.0):
            self.V.value = self.integral(self.V.value, eqbrain.share.load("t"), I)

    n = Neuron()
    out = eqbrain.run(n, 10.0, monitors=["V"], dt=1.0)
    np.testing.assert_allclose(out["V"][-1], -np.expm1(-1.0), rtol=1e-5)
    assert n.V is n.vars(method="relative")["V"]


def test_a_method_of_another_finished_module_is_part_of_the_pytree():
    m = Leaky(2, "rk4")
    integral = odeint(m.derivative, method="rk4")  # standalone: Equinox's bound-method rule
    leaves = jax.tree.leaves(integral)
    assert any(leaf is m.tau.value for leaf in leaves)
    g = eqx.filter_grad(lambda ig: jnp.sum(ig(m.V.value, 0.0, 2.0, dt=0.5)))(integral)
    assert float(g.f.obj.tau.value) != 0.0  # the gradient reaches the other module's TrainVar
    # a callable Equinox module (a neural vector field) trains the same way
    field = eqx.nn.Linear(2, 2, key=jax.random.key(0))
    ode = odeint(lambda y, t, fld: fld(y), method="rk4")
    g1 = eqx.filter_grad(lambda fld: jnp.sum(ode(jnp.ones(2), 0.0, fld, dt=0.1)))(field)

    class Field(eqx.Module):
        lin: eqx.nn.Linear

        def __call__(self, y, t):
            return self.lin(y)

    ode2 = odeint(Field(field), method="rk4")
    g2 = eqx.filter_grad(lambda ig: jnp.sum(ig(jnp.ones(2), 0.0, dt=0.1)))(ode2)
    np.testing.assert_allclose(g2.f.lin.weight, g1.weight, rtol=1e-6)


def test_stored_back_into_its_module_a_bound_integrator_is_the_integrator():
    class Two(eqbrain.Module):
        V: Variable
        a: ODEIntegrator
        b: ODEIntegrator

        def __init__(self):
            super().__init__()
            self.V = Variable(jnp.ones(1))
            self.a = odeint(self.dV)
            self.b = self.a  # a BoundIntegrator read back: no cycle

        def dV(self, V, t):
            return -V

    two = Two()
    assert two.__dict__["b"] is two.__dict__["a"]
    assert float(jax.jit(lambda m: m.b(m.V.value, 0.0, dt=0.1)[0])(two)) == pytest.approx(0.9)


def test_a_parents_method_given_to_a_child_in_init_is_held_by_reference():
    class Child(eqbrain.Module):
        integral: ODEIntegrator

        def __init__(self, f):
            super().__init__()
            self.integral = odeint(f)

    class Parent(eqbrain.Module):
        k: Variable
        child: Child

        def __init__(self):
            super().__init__()
            self.k = Variable(jnp.array(2.0))
            self.child = Child(self.dV)  # the parent is not finished: no cycle

        def dV(self, V, t):
            return -self.k.value * V

    p = Parent()
    jax.tree.flatten(p)  # no RecursionError
    assert float(p.child.integral(1.0, 0.0, dt=0.1)) == pytest.approx(0.8)


# -- calling conventions ----------------------------------------------------------------------


def test_dt_as_the_last_positional_argument_as_brainpy():
    integral = odeint(oscillator, method="rk4")
    want = integral(1.0, 0.0, 0.0, 4.0, 0.5, dt=0.05)
    got = integral(1.0, 0.0, 0.0, 4.0, 0.5, 0.05)
    np.testing.assert_array_equal(got, want)
    single = odeint(lambda y, t: -y)
    assert single(1.0, 0.0, 0.25) == pytest.approx(0.75)
    assert single(1.0, 0.0, Variable(jnp.array(0.25))) == pytest.approx(0.75)


def test_states_and_arguments_by_name_and_variables_as_values():
    integral = odeint(oscillator, method="rk4")
    want = integral(1.0, 0.0, 0.0, 4.0, 0.5, dt=0.05)
    calls = [
        integral(x=1.0, v=0.0, t=0.0, k=4.0, c=0.5, dt=0.05),
        integral(1.0, 0.0, 0.0, c=0.5, k=4.0, dt=0.05),
        integral(1.0, 0.0, k=4.0, c=0.5, dt=0.05),  # t = 0
        integral(Variable(jnp.array(1.0)), 0.0, 0.0, Variable(jnp.array(4.0)), 0.5, dt=0.05),
    ]
    for got in calls:
        np.testing.assert_allclose(got, want, rtol=1e-6)
    with pytest.raises(TypeError, match="'k' was given twice"):
        integral(1.0, 0.0, 0.0, 4.0, k=4.0, c=0.5, dt=0.05)
    with pytest.raises(TypeError, match=r"Got 6 positional arguments. The last would be dt, but"):
        integral(1.0, 0.0, 0.0, 4.0, 0.5, 0.05, dt=0.05)  # dt twice


def test_show_code_prints_the_step():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        integral = odeint(oscillator, method="rk4", show_code=True)
    assert buf.getvalue().strip() == integral.describe()
    text = integral.describe()
    assert "the classical Runge-Kutta method (order 4)" in text
    assert "k2 = f(y + dt * (1/2 k1), t + 1/2 dt, k, c)" in text
    assert "y_new = y + dt * (1/6 k1 + 1/3 k2 + 1/3 k3 + 1/6 k4)" in text
    adaptive = odeint(logistic, method="rkf45", adaptive=True).describe()
    assert "dt_new = dt * clip(0.9 * (tol / error) ** 0.2, 0.2, 5.0)    tol = 0.1" in adaptive
    assert "A = d f_x / d x" in odeint(logistic, method="exp_auto").describe()


def test_reserved_and_unsupported_brainpy_options():
    with pytest.raises(eqbrain.DiffEqError, match="parameter named 'dt'.*Rename the parameter"):
        odeint(lambda v, t, dt: -v)
    # BrainPy's code-generation names are refused too, as BrainPy refuses them
    with pytest.raises(eqbrain.DiffEqError, match="named 'v_new'.*Rename the parameter"):
        odeint(lambda v, t, v_new, dv_k1, k2_t_arg: -v)
    with pytest.raises(TypeError, match=r"state_delays\['y'\] must be a TimeDelay"):
        odeint(logistic, state_delays={"y": object()})
    with pytest.raises(TypeError, match=r"neutral_delays\['y'\] must be a NeuTimeDelay"):
        odeint(logistic, neutral_delays={"y": object()})


# -- properties ------------------------------------------------------------------------------

SETTINGS = settings(max_examples=25, deadline=None)
floats = st.floats(-3.0, 3.0, allow_nan=False, width=32)


@SETTINGS
@given(
    st.lists(st.tuples(st.floats(-5.0, -0.05), floats, floats), min_size=1, max_size=4),
    st.floats(0.01, 20.0),
)
def test_exp_auto_is_exact_on_any_linear_system_of_joined_equations(coefs, dt):
    # dy_i/dt = a_i y_i + b_i, joined: every state relaxes exactly, at any step size
    names = [f"y{i}" for i in range(len(coefs))]
    eqs = []
    for i, (name, (a, b, _)) in enumerate(zip(names, coefs)):
        ns: dict = {}  # defaults are shared by name in a JointEq: one name per equation
        exec(
            f"def d{name}({name}, t, a{i}={a!r}, b{i}={b!r}):\n    return a{i} * {name} + b{i}", ns
        )
        eqs.append(ns[f"d{name}"])
    integral = odeint(eqbrain.JointEq(*eqs), method="exp_auto")
    y0 = [jnp.float32(c) for _, _, c in coefs]
    out = integral(*y0, 0.0, dt=dt)
    out = out if isinstance(out, tuple) else (out,)
    for (a, b, c), got in zip(coefs, out):
        want = -b / a + (c + b / a) * math.exp(a * dt)
        assert float(got) == pytest.approx(want, rel=1e-4, abs=1e-4)


@SETTINGS
@given(st.integers(1, 4), st.sampled_from(["rk4", "exp_auto", "rkdp"]), st.data())
def test_a_model_with_a_bound_integrator_survives_pytree_round_trips(n, method, data):
    tau = data.draw(st.floats(0.5, 20.0))
    m = Leaky(n, method)
    m = eqx.tree_at(lambda x: x.tau.value, m, jnp.float32(tau))
    leaves, treedef = jax.tree.flatten(m)
    copy = jax.tree.unflatten(treedef, leaves)
    assert eqx.tree_equal(copy, m) and jax.tree.structure(Leaky(n, method)) == treedef
    want = (-m.V.value + 1.0) / tau
    np.testing.assert_allclose(copy.integral.f(m.V.value, 0.0, 1.0), want, rtol=1e-5)
    np.testing.assert_allclose(copy.loss(1.0), m.loss(1.0), rtol=1e-6)
    back = eqx.filter_jit(lambda x: x)(m)  # a functional round trip through jit
    np.testing.assert_allclose(back.loss(1.0), m.loss(1.0), rtol=1e-6)
