"""eqbrain.odeint / Integrator: convergence orders, exp_euler, signatures, transforms, errors."""

import math

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import Integrator, Variable, odeint

RK_ORDERS = {
    "euler": 1,
    "midpoint": 2,
    "heun2": 2,
    "ralston2": 2,
    "rk2": 2,
    "rk3": 3,
    "rk4": 4,
}


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
    p = measured_order(method, forced_decay, forced_decay_exact, (0.3,))
    assert abs(p - RK_ORDERS[method]) < 0.25, p


@pytest.mark.parametrize("method", list(RK_ORDERS))
def test_runge_kutta_order_on_two_variable_linear_system(method):
    p = measured_order(method, oscillator, oscillator_exact, (1.0, 0.0), args=(4.0, 0.5), T=2.0)
    assert abs(p - RK_ORDERS[method]) < 0.3, p


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
    assert isinstance(integral, Integrator) and isinstance(integral, eqbrain.Module)
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

    assert isinstance(integral, Integrator) and integral.order == 4
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
    integral: Integrator

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
        odeint(3.0)


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
    with pytest.raises(TypeError, match=msg):
        integral(1.0, 0.0, 0.0, 4.0, nope=1.0, dt=0.1)
    with pytest.raises(TypeError, match=r"expects 1 state variable \(y\), then t: .*Got 1 pos"):
        odeint(logistic)(0.5, dt=0.1)


def test_wrong_derivatives_are_named():
    with pytest.raises(TypeError, match=r"must return 2 derivatives \(dV, dw\).*length 3"):
        odeint(lambda V, w, t: (V, w, t))(1.0, 1.0, 0.0, dt=0.1)
    with pytest.raises(TypeError, match=r"must return 1 derivatives \(ds\).*structure"):
        odeint(lambda s, t: s["a"], method="exp_euler")({"a": 1.0}, 0.0, dt=0.1)


def test_solver_only_with_diffrax():
    with pytest.raises(ValueError, match="apply only to method='diffrax', not 'rk4'"):
        odeint(logistic, method="rk4", solver=diffrax.Tsit5())
