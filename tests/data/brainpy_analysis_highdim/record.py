"""Record what BrainPy 2.8's `SlowPointFinder` finds on the systems of its own tests
(`brainpy/analysis/highdim/slow_points_test.py`), for
`tests/brainpy_parity/test_analysis_highdim.py`.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    /tmp/bp/bin/python tests/data/brainpy_analysis_highdim/record.py

It writes `reference.json` beside itself, in float32 (BrainPy's default):

- `decision/candidates`: the 100 starting points of the two-variable decision-making
  field (drawn by `bm.random.RandomState(123)`, as BrainPy's test draws them);
  `decision/bfgs_points`: the points `find_fps_with_opt_solver` (BFGS) finds, made
  unique (`keep_unique(1e-3)`) and sorted by the first coordinate, with their
  `bfgs_losses`; `decision/jacobians` and `decision/eig_values_*` (by magnitude) there;
  `decision/gd_opt_losses`: the mean loss at each of the 100 Adam steps of
  `find_fps_with_gd_method(candidates, num_opt=100)` (before the step's update: the
  first is the candidates' own loss);
- `hh/candidates`: the 100 starting points of the Hodgkin-Huxley neuron's `V`, `m`,
  `h`, `n` (same generator); `hh/gd_opt_losses`: the mean loss at each of 100 Adam
  steps from them (`dt = 0.1` ms; the first is the candidates' own loss);
  `hh/jacobian`: the Jacobian of one step at `hh/point`, rows and columns in the order
  of `hh/jacobian_order` (the finder's `target_vars`).
"""

from __future__ import annotations

import json
import pathlib

import brainpy as bp
import brainpy.math as bm
import numpy as np

OUT = pathlib.Path(__file__).with_name("reference.json")

# the decision-making network of BrainPy's test (Wong & Wang 2006, reduced)
GAMMA, TAU, A, B, D = 0.641, 0.06, 270.0, 108.0, 0.154
JE, JI, JA, MU, COH, IB = 0.3725, -0.1137, 0.00117, 20.0, 0.5, 0.3297


def rate(current):
    x = A * current - B
    return x / (1.0 - bm.exp(-D * x))


def decision_field(s):
    i1 = JE * s[0] + JI * s[1] + IB + JA * MU * (1.0 + COH)
    i2 = JE * s[1] + JI * s[0] + IB + JA * MU * (1.0 - COH)
    ds1 = -s[0] / TAU + (1.0 - s[0]) * GAMMA * rate(i1)
    ds2 = -s[1] / TAU + (1.0 - s[1]) * GAMMA * rate(i2)
    return bm.asarray([ds1, ds2])


class HH(bp.dyn.NeuDyn):
    """The neuron of BrainPy's test: each variable by exponential Euler, separately."""

    def __init__(self, size):
        super().__init__(size=size)
        self.V = bm.Variable(bm.ones(self.num) * -65.0)
        self.m = bm.Variable(bm.ones(self.num) * 0.5)
        self.h = bm.Variable(bm.ones(self.num) * 0.6)
        self.n = bm.Variable(bm.ones(self.num) * 0.32)
        self.spike = bm.Variable(bm.zeros(size, dtype=bool))
        self.input = bm.Variable(bm.zeros(size))
        self.int_m = bp.ode.ExponentialEuler(self.dm)
        self.int_h = bp.ode.ExponentialEuler(self.dh)
        self.int_n = bp.ode.ExponentialEuler(self.dn)
        self.int_V = bp.ode.ExponentialEuler(self.dV)

    def dm(self, m, t, V):
        a = 0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10))
        return a * (1 - m) - 4.0 * bm.exp(-(V + 65) / 18) * m

    def dh(self, h, t, V):
        a = 0.07 * bm.exp(-(V + 65) / 20.0)
        return a * (1 - h) - h / (1 + bm.exp(-(V + 35) / 10))

    def dn(self, n, t, V):
        a = 0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10))
        return a * (1 - n) - 0.125 * bm.exp(-(V + 65) / 80) * n

    def dV(self, V, t, m, h, n, Iext):
        i_na = 120.0 * m**3 * h * (V - 50.0)
        i_k = 36.0 * n**4 * (V + 77.0)
        return -i_na - i_k - 0.03 * (V + 54.387) + Iext

    def update(self):
        t, dt = bp.share["t"], bp.share["dt"]
        V = self.V.value
        m = self.int_m(self.m.value, t, V, dt=dt)
        h = self.int_h(self.h.value, t, V, dt=dt)
        n = self.int_n(self.n.value, t, V, dt=dt)
        new_V = self.int_V(V, t, self.m.value, self.h.value, self.n.value, self.input.value, dt=dt)
        self.spike.value = bm.logical_and(V < 20.0, new_V >= 20.0)
        self.V.value, self.m.value, self.h.value, self.n.value = new_V, m, h, n
        self.input[:] = 0.0


def listed(x):
    return np.asarray(x, dtype=np.float64).tolist()


def decision():
    rng = bm.random.RandomState(123)
    candidates = np.asarray(rng.random((100, 2)))
    finder = bp.analysis.SlowPointFinder(decision_field, f_type="continuous", verbose=False)
    finder.find_fps_with_opt_solver(candidates)
    finder.keep_unique(1e-3)
    order = np.argsort(np.asarray(finder.fixed_points)[:, 0])
    points = np.asarray(finder.fixed_points)[order]
    losses = np.asarray(finder.losses)[order]
    jacobians = np.asarray(finder.compute_jacobians(points))
    eig = finder.decompose_eigenvalues(jacobians)
    gd = bp.analysis.SlowPointFinder(decision_field, f_type="continuous", verbose=False)
    gd.find_fps_with_gd_method(candidates, num_opt=100)
    return {
        "candidates": listed(candidates),
        "bfgs_points": listed(points),
        "bfgs_losses": listed(losses),
        "jacobians": listed(jacobians),
        "eig_values_real": listed([np.real(e["eig_values"]) for e in eig]),
        "eig_values_imag": listed([np.imag(e["eig_values"]) for e in eig]),
        "gd_opt_losses": listed(gd.opt_losses),
    }


def hh():
    rng = bm.random.RandomState(123)
    candidates = {k: np.asarray(rng.random((100, 1))) for k in "Vmhn"}
    neuron = HH(1)
    excluded = [neuron.input, neuron.spike]
    finder = bp.analysis.SlowPointFinder(neuron, excluded_vars=excluded, verbose=False)
    # BrainPy stacks a dict of points in its order and splits it in target_vars' order
    order = list(finder.target_vars)
    values = {"V": -65.0, "m": 0.05, "h": 0.6, "n": 0.32}
    point = {k: values[k] for k in order}
    stacked = {k: np.full((1, 1), v) for k, v in point.items()}
    jacobian = np.asarray(finder.compute_jacobians(stacked))[0]
    gd = bp.analysis.SlowPointFinder(neuron, excluded_vars=excluded, verbose=False)
    gd.find_fps_with_gd_method(candidates, num_opt=100)
    return {
        "candidates": {k: listed(v) for k, v in candidates.items()},
        "point": point,
        "jacobian_order": order,
        "jacobian": listed(jacobian),
        "gd_opt_losses": listed(gd.opt_losses),
    }


def main():
    out = {"brainpy_version": bp.__version__, "decision": decision(), "hh": hh()}
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
