"""Parity with BrainPy 2.8's `brainpy/integrators/ode/ode_method_exp_euler_test.py`.

3 cases: 2 pass; 1 is a listed difference (docs/migrating.md, "Integrators"): BrainPy
refuses exponential Euler on one function of several state variables, eqbrain integrates
it, with the same numbers as the equivalent `JointEq`.
"""

import contextlib
import io

import jax.numpy as jnp
import numpy as np

import eqbrain
from eqbrain import JointEq, Variable, odeint


def hh_derivative(V, m, h, n, t, Iext, gNa, ENa, gK, EK, gL, EL, C):
    alpha = 0.1 * (V + 40) / (1 - jnp.exp(-(V + 40) / 10))
    beta = 4.0 * jnp.exp(-(V + 65) / 18)
    dmdt = alpha * (1 - m) - beta * m
    alpha = 0.07 * jnp.exp(-(V + 65) / 20.0)
    beta = 1 / (1 + jnp.exp(-(V + 35) / 10))
    dhdt = alpha * (1 - h) - beta * h
    alpha = 0.01 * (V + 55) / (1 - jnp.exp(-(V + 55) / 10))
    beta = 0.125 * jnp.exp(-(V + 65) / 80)
    dndt = alpha * (1 - n) - beta * n
    I_Na = (gNa * m**3.0 * h) * (V - ENa)
    I_K = (gK * n**4.0) * (V - EK)
    I_leak = gL * (V - EL)
    dVdt = (-I_Na - I_K - I_leak + Iext) / C
    return dVdt, dmdt, dhdt, dndt


def test_exponential_euler_hh_model_with_several_variables_in_one_function():
    # Difference: BrainPy raises DiffEqError here. eqbrain takes each state's own linear
    # part, exactly what BrainPy computes for the same equations split into a JointEq.
    integral = odeint(hh_derivative, method="exp_euler", var_type="SCALAR", dt=0.01)
    assert integral.variables == ("V", "m", "h", "n") and integral.var_type == "scalar"

    def split(i):
        def eq(x, t, others, Iext, gNa, ENa, gK, EK, gL, EL, C):
            args = list(others)
            args.insert(i, x)
            args += [t, Iext, gNa, ENa, gK, EK, gL, EL, C]
            return hh_derivative(*args)[i]

        return eq

    state = (jnp.array([-65.0, -50.0]), jnp.full(2, 0.05), jnp.full(2, 0.6), jnp.full(2, 0.32))
    params = (10.0, 120.0, 50.0, 36.0, -77.0, 0.03, -54.4, 1.0)
    got = integral(*state, 0.0, *params)
    for i in range(4):
        others = state[:i] + state[i + 1 :]
        one = odeint(split(i), method="exp_euler")(state[i], 0.0, others, *params, dt=0.01)
        np.testing.assert_allclose(got[i], one, rtol=1e-6)


def test1():
    def dev(x, t):
        return jnp.power(x, 3)

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        integral = odeint(dev, method="exp_euler", show_code=True, dt=0.01)
    assert "exponential Euler" in buf.getvalue()
    x = jnp.array([0.5, -1.0])  # dx/dt = x^3, linear part 3 x^2
    want = x + jnp.expm1(3 * x**2 * 0.01) / (3 * x**2) * x**3
    np.testing.assert_allclose(integral(x, 0.0), want, rtol=1e-6)


class HH(eqbrain.DynamicalSystem):
    V: Variable
    h: Variable
    n: Variable
    spike: Variable
    integral: eqbrain.ODEIntegrator

    def __init__(self, size, method="exponential_euler"):
        super().__init__()
        self.V = Variable(jnp.ones(size) * -65.0)
        self.h = Variable(jnp.ones(size) * 0.6)
        self.n = Variable(jnp.ones(size) * 0.32)
        self.spike = Variable(jnp.zeros(size, dtype=bool))
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            self.integral = odeint(
                JointEq(self.dV, self.dh, self.dn), method=method, show_code=True
            )

    def dh(self, h, t, V):
        alpha = 0.07 * jnp.exp(-(V + 58) / 20)
        beta = 1 / (jnp.exp(-0.1 * (V + 28)) + 1)
        return 5.0 * (alpha * (1 - h) - beta * h)

    def dn(self, n, t, V):
        alpha = -0.01 * (V + 34) / (jnp.exp(-0.1 * (V + 34)) - 1)
        beta = 0.125 * jnp.exp(-(V + 44) / 80)
        return 5.0 * (alpha * (1 - n) - beta * n)

    def dV(self, V, t, h, n, Iext):
        m_alpha = -0.1 * (V + 35) / (jnp.exp(-0.1 * (V + 35)) - 1)
        m_beta = 4 * jnp.exp(-(V + 60) / 18)
        m = m_alpha / (m_alpha + m_beta)
        INa = 35.0 * m**3 * h * (V - 55.0)
        IK = 9.0 * n**4 * (V + 90.0)
        IL = 0.1 * (V + 65.0)
        return -INa - IK - IL + Iext

    def update(self, x):
        t, dt = eqbrain.share.load("t"), eqbrain.share.load("dt")
        V, h, n = self.integral(self.V.value, self.h.value, self.n.value, t, x, dt=dt)
        self.spike.value = jnp.logical_and(self.V.value < 20.0, V >= 20.0)
        self.V.value, self.h.value, self.n.value = V, h, n


def test_exp_euler_auto_hh_model():
    inputs = jnp.full((1000, 1), 2.0)  # 100 ms of a 2 uA input, dt = 0.1
    mon1 = eqbrain.run(HH(1, "exp_euler"), inputs=inputs, monitors=["V", "h", "n", "spike"])
    mon2 = eqbrain.run(HH(1, "exp_euler_auto"), inputs=inputs, monitors=["V", "h", "n"])
    assert (mon2["V"] - mon1["V"]).mean() < 1e0
    np.testing.assert_array_equal(mon1["V"], mon2["V"])  # one method under two names
    assert int(mon1["spike"].sum()) > 3  # the neuron fires repetitively
