"""Record BrainPy 2.8's ODE integrators' outputs, for `test_ode_reference.py`.

Run in a separate environment with BrainPy installed (it is GPL-3.0 and never a
dependency of eqbrain); this file only records numbers BrainPy computes:

    python -m venv /tmp/bp && /tmp/bp/bin/pip install brainpy==2.8.2
    /tmp/bp/bin/python tests/brainpy_parity/data/make_ode_reference.py
"""

import json
import pathlib

import brainpy as bp
import brainpy.math as bm
import jax.numpy as jnp
import numpy as np

bm.enable_x64()

FIXED = [
    "euler",
    "midpoint",
    "heun2",
    "ralston2",
    "rk2",
    "rk3",
    "heun3",
    "ralston3",
    "ssprk3",
    "rk4",
    "ralston4",
    "rk4_38rule",
]
EMBEDDED = ["rkf12", "rkf45", "rkdp", "ck", "bs", "BoSh3", "heun_euler"]
EXPONENTIAL = ["exp_euler", "exp_auto", "exp_euler_auto", "exponential_euler"]


def lorenz(x, y, z, t):
    return 10.0 * (y - x), x * (28.0 - z) - y, x * y - 8.0 / 3.0 * z


def forced(y, t, a):
    return -a * y + jnp.sin(3.0 * t)


def hh_joint():
    def dh(h, t, V):
        alpha = 0.07 * bm.exp(-(V + 58) / 20)
        beta = 1 / (bm.exp(-0.1 * (V + 28)) + 1)
        return 5.0 * (alpha * (1 - h) - beta * h)

    def dn(n, t, V):
        alpha = -0.01 * (V + 34) / (bm.exp(-0.1 * (V + 34)) - 1)
        beta = 0.125 * bm.exp(-(V + 44) / 80)
        return 5.0 * (alpha * (1 - n) - beta * n)

    def dV(V, t, h, n, Iext):
        m_alpha = -0.1 * (V + 35) / (bm.exp(-0.1 * (V + 35)) - 1)
        m_beta = 4 * bm.exp(-(V + 60) / 18)
        m = m_alpha / (m_alpha + m_beta)
        INa = 35.0 * m**3 * h * (V - 55.0)
        IK = 9.0 * n**4 * (V + 90.0)
        IL = 0.1 * (V + 65.0)
        return -INa - IK - IL + Iext

    return bp.JointEq(dV, dh, dn)


def coupled(y, t):  # each element's derivative depends on the others: not elementwise
    W = jnp.array([[-1.0, 0.5, 0.0], [0.25, -2.0, 1.0], [0.0, -0.5, -0.5]])
    return W @ y + 0.1 * y**2


def as_list(x):
    return np.asarray(bm.as_jax(x), np.float64).tolist()


out = {"fixed": {}, "fixed_forced": {}, "adaptive": {}, "adaptive_scalar": {}, "exp": {}}
for m in FIXED:
    f = bp.odeint(lorenz, method=m)
    s = (1.0, 1.0, 1.0)
    for i in range(50):
        s = f(*s, i * 0.01, dt=0.01)
    out["fixed"][m] = [as_list(v) for v in s]
    g = bp.odeint(forced, method=m)
    y = jnp.array([1.0, -0.5])
    for i in range(20):
        y = g(y, i * 0.05, 2.0, dt=0.05)
    out["fixed_forced"][m] = as_list(y)
out["rk2_beta_half"] = as_list(bp.odeint(forced, method="rk2", beta=0.5)(1.0, 0.3, 2.0, dt=0.1))
for m in EMBEDDED:
    f = bp.odeint(lorenz, method=m, adaptive=True, tol=1e-3)
    s, dt, dts = (1.0, 1.0, 1.0), 0.01, []
    for i in range(30):
        *s, dt = f(*s, 0.0, dt=dt)
        dts.append(float(np.asarray(dt)))
    out["adaptive"][m] = {"states": [as_list(v) for v in s], "dts": dts}
    fixed = bp.odeint(lorenz, method=m)
    s = (1.0, 1.0, 1.0)
    for i in range(50):
        s = fixed(*s, i * 0.01, dt=0.01)
    out["fixed"][m] = [as_list(v) for v in s]
    g = bp.odeint(forced, method=m, adaptive=True, tol=1e-6, var_type="scalar")
    y, dt = g(jnp.array([1.0, 1e-3]), 0.0, 2.0, dt=0.1)
    out["adaptive_scalar"][m] = {"y": as_list(y), "dt": as_list(dt)}
for m in EXPONENTIAL:
    f = bp.odeint(hh_joint(), method=m)
    V, h, n = jnp.array([-65.0, -50.0]), jnp.array([0.6, 0.5]), jnp.array([0.32, 0.4])
    trace = []
    for i in range(400):
        V, h, n = f(V, h, n, i * 0.01, 2.0, dt=0.01)
        if i % 50 == 49:
            trace.append(as_list(V))
    out["exp"][m] = {"V_trace": trace, "h": as_list(h), "n": as_list(n)}
g = bp.odeint(forced, method="exp_auto")
y = jnp.array([1.0, -0.5])
for i in range(20):
    y = g(y, i * 0.05, 2.0, dt=0.05)
out["exp_forced"] = as_list(y)
out["exp_coupled"] = as_list(
    bp.odeint(coupled, method="exp_auto")(jnp.array([1.0, 2.0, -1.0]), 0.0, dt=0.1)
)

path = pathlib.Path(__file__).with_name("ode_reference.json")
path.write_text(json.dumps({"brainpy": bp.__version__, "x64": True, **out}, indent=1))
print("wrote", path)
