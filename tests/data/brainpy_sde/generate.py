"""Record BrainPy 2.8's numbers for the deterministic cases of its SDE, FDE and DDE
integrators and of `IntegratorRunner` (`tests/test_sde_fde_dde.py` compares).

    cd /tmp && /tmp/bp/bin/python /work/<checkout>/tests/data/brainpy_sde/generate.py

writes `reference.npz` beside this file. Every case runs in float64.
"""

import pathlib

import brainpy as bp
import brainpy.math as bm
import numpy as np

bm.enable_x64()
OUT = pathlib.Path(__file__).resolve().parent / "reference.npz"
rec = {}


def lorenz(x, y, z, t):
    return 10.0 * (y - x), x * (28.0 - z) - y, x * y - 8.0 / 3.0 * z


def zero_g(x, y, z, t):
    return 0.0 * x, 0.0 * y, 0.0 * z


dx = lambda x, t, y: 10.0 * (y - x)  # noqa: E731
dy = lambda y, t, x, z: x * (28.0 - z) - y  # noqa: E731
dz = lambda z, t, x, y: x * y - 8.0 / 3.0 * z  # noqa: E731
joint_f = bp.JointEq(dx, dy, dz)
joint_g = bp.JointEq(
    lambda x, t, y: 0.0 * x, lambda y, t, x, z: 0.0 * y, lambda z, t, x, y: 0.0 * z
)

# sdeint with g = 0 is its drift's ODE method, through IntegratorRunner (Milstein and
# exponential Euler take one equation per state: JointEq)
for method in ("euler", "milstein", "milstein2", "exp_euler"):
    joint = method in ("milstein", "exp_euler")
    intg = bp.sdeint(f=joint_f if joint else lorenz, g=joint_g if joint else zero_g, method=method)
    runner = bp.IntegratorRunner(
        intg, monitors=["x", "y", "z"], inits=[1.0, 1.0, 1.0], dt=0.01, progress_bar=False
    )
    runner.run(1.0)
    rec[f"sde_{method}"] = np.stack([runner.mon.x[:, 0], runner.mon.y[:, 0], runner.mon.z[:, 0]])

# IntegratorRunner of the Lorenz system (rk4), two trials, run twice
intg = bp.odeint(lorenz, method="rk4")
runner = bp.IntegratorRunner(
    intg,
    monitors=["x", "y", "z"],
    inits=[1.0, (1.0, 0.0), (1.0, 0.0)],
    dt=0.01,
    progress_bar=False,
)
runner.run(1.0)
first = runner.mon.x.copy()
runner.run(0.5)
rec["runner_lorenz_x"] = first
rec["runner_lorenz_x_continued"] = runner.mon.x
rec["runner_lorenz_ts_continued"] = runner.mon.ts

# FitzHugh-Nagumo with args and dyn_args
a, b, tau = 0.7, 0.8, 12.5
fhn = bp.odeint(
    bp.JointEq(
        lambda V, t, w, Iext: V - V * V * V / 3 - w + Iext, lambda w, t, V: (V + a - b * w) / tau
    ),
    method="rk4",
    dt=0.1,
)
runner = bp.IntegratorRunner(
    fhn, monitors=["V", "w"], inits=[1.0, 1.0], progress_bar=False, dt=0.1
)
runner.run(20.0, args=dict(Iext=1.5))
rec["runner_fhn_args"] = runner.mon.V
iext = np.concatenate([np.zeros(100), np.ones(100)])
runner.run(20.0, dyn_args=dict(Iext=iext))
rec["runner_fhn_dyn_args"] = runner.mon.V

# fdeint: the relaxation equation and the fractional Lorenz system, every method
for method in ("euler", "l1", "short-memory"):
    intg = bp.fdeint(alpha=0.8, num_memory=101, inits=[1.0], f=lambda y, t: -y, method=method)
    runner = bp.IntegratorRunner(intg, monitors=["y"], inits=[1.0], dt=0.01, progress_bar=False)
    runner.run(1.0)
    rec[f"fde_relax_{method}"] = runner.mon.y[:, 0]
    intg = bp.fdeint(alpha=0.97, num_memory=201, inits=[1.0, 0.0, 1.0], f=lorenz, method=method)
    runner = bp.IntegratorRunner(
        intg, monitors=["x", "z"], inits=[1.0, 0.0, 1.0], dt=0.005, progress_bar=False
    )
    runner.run(1.0)
    rec[f"fde_lorenz_{method}"] = np.stack([runner.mon.x[:, 0], runner.mon.z[:, 0]])


# delay equations: y' = -y(t - 1) (history -1), y' = -y(t - 2) (history exp(-t) - 1)
def run_dde(delay_len, before, interp, dt, duration, method):
    delay = bm.TimeDelay(bm.zeros(1), delay_len, before_t0=before, dt=dt, interp_method=interp)
    intg = bp.odeint(lambda x, t: -delay(t - delay_len), state_delays={"x": delay}, method=method)
    runner = bp.IntegratorRunner(intg, monitors=["x"], dt=dt, progress_bar=False)
    runner.run(duration)
    return runner.mon.x[:, 0]


for interp in ("round", "linear_interp"):
    for method in ("euler", "rk4"):
        rec[f"dde1_{interp}_{method}"] = run_dde(1.0, -1.0, interp, 0.1, 20.0, method)
        rec[f"dde2_{interp}_{method}"] = run_dde(
            2.0, lambda t: bm.exp(-t) - 1, interp, 0.01, 4.0, method
        )

# TimeDelay read between steps
delay = bm.TimeDelay(bm.zeros(2), 1.0, before_t0=lambda t: t, dt=0.1)
reads = [delay(-0.53), delay(-0.2), delay(0.0)]
for k in range(5):
    delay.update(bm.asarray([k + 1.0, -(k + 1.0)]))
reads += [delay(0.47), delay(0.3), delay(-0.45), delay(0.5)]
rec["time_delay_reads"] = np.stack([np.asarray(r) for r in reads])

np.savez(OUT, **{k: np.asarray(v, dtype=np.float64) for k, v in rec.items()})
print("wrote", OUT, len(rec), "arrays")
