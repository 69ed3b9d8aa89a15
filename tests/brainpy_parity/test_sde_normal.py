"""Parity with BrainPy 2.8's `brainpy/integrators/sde/normal_test.py` and
`normal_coverage_test.py` (Euler-Maruyama, Euler-Heun, Milstein, derivative-free
Milstein, exponential Euler).

45 cases. Out of scope, 3: BrainPy's code-generation helpers (`df_and_dg`, `dfdt`,
`noise_terms`): eqbrain generates no code. In scope, 42: 39 pass as BrainPy's; 3 are
listed differences (docs/migrating.md, "Stochastic, fractional and delay equations"):
Milstein integrates one function of several state variables and a single-equation
`JointEq`, and exponential Euler one function of several state variables, which BrainPy
refuses (checked to integrate, with the numbers of the equivalent `JointEq`). The
Lorenz runs (100 time units at dt = 0.001) are shortened to 0.2.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import (
    ITO_SDE,
    SCALAR_WIENER,
    STRA_SDE,
    VECTOR_WIENER,
    IntegratorRunner,
    JointEq,
    sdeint,
)


def f_scalar(x, t):
    return -x


def g_scalar(x, t):
    return 0.1 * x


def g_vec(x, t):
    return jnp.asarray([0.1 * x, 0.05 * x])


def _run_scalar(intg, steps=5):
    x = jnp.asarray(1.0)
    for i in range(steps):  # eager: a few steps cost less than a compilation
        x = intg(x, i * 0.01)
    return np.asarray(x)


def _make(method, f=f_scalar, g=g_scalar, intg=ITO_SDE, wiener=SCALAR_WIENER):
    return sdeint(f, g, method=method, dt=0.01, intg_type=intg, wiener_type=wiener, seed=11)


DX = lambda x, t, y: -x + y  # noqa: E731
DY = lambda y, t, x: -y + x  # noqa: E731
GX = lambda x, t, y: 0.1 * x  # noqa: E731
GY = lambda y, t, x: 0.1 * y  # noqa: E731

# -- normal_test.py -------------------------------------------------------------------------


def test_stratonovich_heun_weak_convergence_on_gbm():
    a, b, x0, T, dt, m = 0.0, 0.5, 1.0, 1.0, 0.01, 4000
    intg = sdeint(
        lambda x, t: a * x,
        lambda x, t: b * x,
        method="heun",
        intg_type=STRA_SDE,
        wiener_type=SCALAR_WIENER,
        seed=20260708,
    )
    runner = IntegratorRunner(
        intg, monitors=["x"], dt=dt, inits={"x": x0 * np.ones(m)}, progress_bar=False
    )
    runner.run(T)
    mean = float(runner.mon.x[-1].mean())
    analytical = x0 * np.exp((a + 0.5 * b * b) * T)
    wrong = x0 * np.exp(a * T + 0.5 * b * b * np.sqrt(dt) * (T / dt))
    assert abs(mean - analytical) < 0.15 and mean < 0.5 * (analytical + wrong)


DXL = lambda x, t, y, sigma=10: sigma * (y - x)  # noqa: E731
DYL = lambda y, t, x, z, rho=28: x * (rho - z) - y  # noqa: E731
DZL = lambda z, t, x, y, beta=8 / 3: x * y - beta * z  # noqa: E731


def _lorenz_run(g, wiener, method="exp_euler", f=None):
    intg = sdeint(
        f or JointEq([DXL, DYL, DZL]),
        g,
        method=method,
        intg_type=ITO_SDE,
        wiener_type=wiener,
        var_type="population",
        show_code=False,
        seed=0,
    )
    runner = IntegratorRunner(
        intg, monitors=["x", "y", "z"], dt=0.001, inits=[1.0, 1.0, 0.0], progress_bar=False
    )
    runner.run(0.2)
    return runner


def test_exp_euler_lorenz_scalar_noise():
    r = _lorenz_run(lambda x, y, z, t, **kw: (0.1 * x, 0.1 * y, 0.1 * z), SCALAR_WIENER)
    assert r.mon.x.shape == (200, 1) and np.all(np.isfinite(r.mon.x))


def test_exp_euler_lorenz_vector_noise_of_the_wrong_shape_raises():
    # the states are (1,); stacking two channels in front gives (2, 1): refused
    def g(x, y, z, t, **kw):
        return (
            jnp.asarray([0.1 * x, 0.02 * x]),
            jnp.asarray([0.1 * y, 0.02 * y]),
            jnp.asarray([0.1 * z, 0.02 * z]),
        )

    with pytest.raises(ValueError, match="last axis of m noise channels"):
        _lorenz_run(g, VECTOR_WIENER)


def test_exp_euler_lorenz_vector_noise():
    def g(x, y, z, t, **kw):
        return (
            jnp.asarray([0.1 * x, 0.02 * x]).T,
            jnp.asarray([0.1 * y, 0.02 * y]).T,
            jnp.asarray([0.1 * z, 0.02 * z]).T,
        )

    assert np.all(np.isfinite(_lorenz_run(g, VECTOR_WIENER).mon.x))


def test_milstein_lorenz_joint_equations():
    p, sigma, rho, beta = 0.1, 10, 28, 8 / 3
    f = JointEq(
        lambda x, t, y: sigma * (y - x),
        lambda y, t, x, z: x * (rho - z) - y,
        lambda z, t, x, y: x * y - beta * z,
    )
    g = JointEq(lambda x, t, y: p * x, lambda y, t, x, z: p * y, lambda z, t, x, y: p * z)
    assert np.all(np.isfinite(_lorenz_run(g, SCALAR_WIENER, "milstein", f).mon.x))


# -- normal_coverage_test.py ----------------------------------------------------------------


@pytest.mark.parametrize(
    "method, intg, wiener, g",
    [
        ("euler", ITO_SDE, SCALAR_WIENER, g_scalar),
        ("euler", STRA_SDE, SCALAR_WIENER, g_scalar),
        ("euler", ITO_SDE, VECTOR_WIENER, g_vec),
        ("euler", STRA_SDE, VECTOR_WIENER, g_vec),
        ("euler", STRA_SDE, SCALAR_WIENER, lambda x, t: None),
        ("heun", STRA_SDE, SCALAR_WIENER, g_scalar),
        ("milstein", ITO_SDE, SCALAR_WIENER, g_scalar),
        ("milstein", STRA_SDE, SCALAR_WIENER, g_scalar),
        ("milstein", ITO_SDE, VECTOR_WIENER, g_vec),
        ("milstein2", ITO_SDE, SCALAR_WIENER, g_scalar),
        ("milstein2", STRA_SDE, SCALAR_WIENER, g_scalar),
        ("milstein_grad_free", ITO_SDE, SCALAR_WIENER, g_scalar),
        ("milstein2", ITO_SDE, VECTOR_WIENER, g_vec),
        ("exp_euler", ITO_SDE, SCALAR_WIENER, g_scalar),
        ("exp_euler", ITO_SDE, SCALAR_WIENER, lambda x, t: None),
        ("exp_euler", ITO_SDE, VECTOR_WIENER, g_vec),
    ],
)
def test_runs_finite(method, intg, wiener, g):  # 16 cases
    assert np.all(np.isfinite(_run_scalar(_make(method, g=g, intg=intg, wiener=wiener))))


@pytest.mark.parametrize("method", ["euler", "milstein", "milstein2"])
def test_vector_wiener_with_a_scalar_diffusion_raises(method):
    intg = _make(method, wiener=VECTOR_WIENER)
    with pytest.raises(ValueError, match="vector Wiener process"):
        intg(1.0, 0.0)


@pytest.mark.parametrize("method", ["euler", "milstein", "milstein2", "exp_euler"])
def test_joint_equations_of_two_states(method):
    out = _make(method, f=JointEq(DX, DY), g=JointEq(GX, GY))(1.0, 0.5, 0.0)
    assert len(out) == 2 and all(np.isfinite(o) for o in out)


@pytest.mark.parametrize("method", ["euler", "milstein", "milstein2"])
def test_single_state_drift_of_the_wrong_structure_raises(method):
    with pytest.raises(ValueError, match="must return 1 derivatives"):
        _make(method, f=lambda x, t: [1.0, 2.0])(1.0, 0.0)


@pytest.mark.parametrize("method", ["milstein", "milstein2"])
def test_single_state_diffusion_of_the_wrong_shape_raises(method):
    with pytest.raises(ValueError, match=r"returned shape \(1,\) for the state 'x' of shape \(\)"):
        _make(method, g=lambda x, t: [0.1])(1.0, 0.0)


@pytest.mark.parametrize("method", ["euler", "milstein2"])
def test_two_state_drift_returning_one_value_raises(method):
    g = lambda x, y, t: (0.1 * x, 0.1 * y)  # noqa: E731
    with pytest.raises(ValueError, match="must return 2 derivatives"):
        _make(method, f=lambda x, y, t: -x, g=g)(1.0, 1.0, 0.0)


@pytest.mark.parametrize("method", ["euler", "milstein2"])
def test_two_state_diffusion_returning_one_value_raises(method):
    with pytest.raises(ValueError, match="must return 2 diffusions"):
        _make(method, f=lambda x, y, t: (-x, -y), g=lambda x, y, t: 0.1 * x)(1.0, 1.0, 0.0)


def test_heun_is_stratonovich_only():
    with pytest.raises(ValueError, match="Stratonovich SDEs only"):
        _make("heun", intg=ITO_SDE)


def test_exponential_euler_is_ito_only():
    with pytest.raises(NotImplementedError, match="Ito SDEs only"):
        _make("exp_euler", intg=STRA_SDE)


def test_milstein_of_one_function_of_two_states_matches_joint_equations():
    # BrainPy refuses a plain two-state g for Milstein (DiffEqError); eqbrain takes each
    # state's own derivative dg_i/dx_i, the numbers of the JointEq
    plain = _make(
        "milstein", f=lambda x, y, t: (-x + y, -y + x), g=lambda x, y, t: (0.1 * x, 0.1 * y)
    )
    joint = _make("milstein", f=JointEq(DX, DY), g=JointEq(GX, GY))
    dW = (jnp.asarray(0.05), jnp.asarray(-0.02))
    np.testing.assert_allclose(plain(1.0, 0.5, 0.0, dW=dW), joint(1.0, 0.5, 0.0, dW=dW), rtol=1e-6)


def test_single_equation_joint_eq_integrates():
    # BrainPy's Milstein refuses JointEq(dx) for one state; eqbrain integrates it
    joint = _make("milstein", f=JointEq(lambda x, t: -x), g=JointEq(lambda x, t: 0.1 * x))
    plain = _make("milstein")
    dW = jnp.asarray(0.03)
    np.testing.assert_allclose(joint(1.0, 0.0, dW=dW), plain(1.0, 0.0, dW=dW), rtol=1e-6)


def test_exponential_euler_of_one_function_of_two_states():
    # BrainPy refuses it (DiffEqError); eqbrain takes each state's linear part
    intg = _make("exp_euler", f=lambda x, y, t: (-x - y, -y), g=lambda x, y, t: (0.0 * x, 0.0 * y))
    x, y = intg(1.0, 1.0, 0.0)
    ode = eqbrain.odeint(lambda x, y, t: (-x - y, -y), method="exp_auto", dt=0.01)
    np.testing.assert_allclose((x, y), ode(1.0, 1.0, 0.0), rtol=1e-6)
