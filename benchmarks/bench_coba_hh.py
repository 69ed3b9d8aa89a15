"""The COBA-HH network (Brette et al. 2007, benchmark 3) in eqbrain and in BrainPy 2.x.

Both versions are the same model: `4000 * scale` Traub-Miles Hodgkin-Huxley neurons
(80 % excitatory), 2 % random connectivity, exponential conductance synapses (6 nS,
5 ms, 0 mV; 67 nS, 10 ms, -80 mV; weights divided by the scale), exponential Euler on
the joint system (`exp_auto`), dt = 0.1 ms, every spike recorded.

- **eqbrain**: `examples/coba_hh_network.py` through `eqbrain.run`.
- **BrainPy 2.x (numba)**: the same neuron as a `bp.dyn.NeuDyn` with `bp.odeint` and
  `bp.JointEq` (as BrainPy's own COBA-HH example writes it), projections
  `HalfProjAlignPostMg(EventCSRLinear(FixedProb))`, `bp.DSRunner`, brainevent's numba
  kernels.

Each simulator runs in a fresh worker process per size: build, a first run (compilation
included), then `--rounds` timed runs from the initial state. Printed: seconds per
simulated second (median, best), the first run, the mean rate, the ratio to BrainPy.

    PYTHONPATH=src python benchmarks/bench_coba_hh.py [--sizes 4000 64000] [--rounds 3]
"""

from __future__ import annotations

import pathlib
import sys
import time

import _versus_brainpy  # type: ignore[import-not-found]  # (benchmarks/, the script's folder)

HERE = pathlib.Path(__file__).resolve().parent
DT = 0.1


def _eqbrain(scale: float, duration: float, rounds: int) -> dict:
    sys.path.insert(0, str(HERE.parent / "examples"))
    import coba_hh_network as ex  # type: ignore[import-not-found]

    import eqbrain

    net = ex.COBAHH(scale)
    runner = eqbrain.DSRunner(net, monitors=["N.spike"], dt=DT)
    times = []
    for k in range(rounds + 1):
        net.reset_state()
        runner.reset_state()
        t0 = time.perf_counter()
        runner.run(duration)
        spikes = runner.mon["N.spike"]
        times.append(time.perf_counter() - t0)
    ex.check_finite(net)  # a diverged network's spikes are no measurement
    rate = spikes.mean_rate()
    return {"first": times[0], "times": times[1:], "rate": rate}


def _brainpy(scale: float, duration: float, rounds: int) -> dict:
    import brainevent
    import brainpy as bp
    import brainpy.math as bm
    import numpy as np

    brainevent.config.set_backend("cpu", "numba")
    bm.set_dt(DT)
    C, GL, GNA, GK = 200.0, 10.0, 20.0e3, 6.0e3
    EL, ENA, EK, VT, V_SPIKE = -60.0, 50.0, -90.0, -63.0, -20.0

    class TraubHH(bp.dyn.NeuDyn):
        def __init__(self, size):
            super().__init__(size)
            self.V = bm.Variable(EL + (bm.random.randn(self.num) * 5.0 - 5.0))
            self.m = bm.Variable(bm.zeros(self.num))
            self.h = bm.Variable(bm.zeros(self.num))
            self.n = bm.Variable(bm.zeros(self.num))
            self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
            self.input = bm.Variable(bm.zeros(self.num))
            self.integral = bp.odeint(
                bp.JointEq(self.dV, self.dm, self.dh, self.dn), method="exp_auto"
            )
            self.V0 = self.V.value

        def reset_state(self, *args, **kwargs):
            # every round from the same initial state, as eqbrain's reset_state does
            # (without it `net.reset()` leaves this neuron's state where the run ended)
            self.V.value = self.V0
            for var in (self.m, self.h, self.n, self.input):
                var.value = bm.zeros_like(var.value)
            self.spike.value = bm.zeros_like(self.spike.value)

        def dV(self, V, t, m, h, n, I):
            return (GL * (EL - V) - GNA * m**3 * h * (V - ENA) - GK * n**4 * (V - EK) + I) / C

        def dm(self, m, t, V):
            a = 0.32 * 4.0 / bm.exprel((13.0 - V + VT) / 4.0)
            b = 0.28 * 5.0 / bm.exprel((V - VT - 40.0) / 5.0)
            return a * (1.0 - m) - b * m

        def dh(self, h, t, V):
            a = 0.128 * bm.exp((17.0 - V + VT) / 18.0)
            b = 4.0 / (1.0 + bm.exp(-(V - VT - 40.0) / 5.0))
            return a * (1.0 - h) - b * h

        def dn(self, n, t, V):
            a = 0.032 * 5.0 / bm.exprel((15.0 - V + VT) / 5.0)
            b = 0.5 * bm.exp((10.0 - V + VT) / 40.0)
            return a * (1.0 - n) - b * n

        def update(self, x=None):
            t, dt = bp.share["t"], bp.share["dt"]
            x = self.sum_current_inputs(self.V.value, init=self.input.value)
            V, m, h, n = self.integral(self.V, self.m, self.h, self.n, t, x, dt=dt)
            self.spike.value = bm.logical_and(self.V < V_SPIKE, V >= V_SPIKE)
            self.V.value, self.m.value, self.h.value, self.n.value = V, m, h, n
            return self.spike.value

    class Net(bp.DynSysGroup):
        def __init__(self):
            super().__init__()
            n_exc, n_inh = int(3200 * scale), int(800 * scale)
            num = n_exc + n_inh
            self.n_exc = n_exc
            self.N = TraubHH(num)
            self.delay = bp.VarDelay(self.N.spike, entries={"I": None})
            self.E = bp.dyn.HalfProjAlignPostMg(
                comm=bp.dnn.EventCSRLinear(
                    bp.conn.FixedProb(0.02, pre=n_exc, post=num), weight=6.0 / scale
                ),
                syn=bp.dyn.Expon.desc(size=num, tau=5.0),
                out=bp.dyn.COBA.desc(E=0.0),
                post=self.N,
            )
            self.I = bp.dyn.HalfProjAlignPostMg(
                comm=bp.dnn.EventCSRLinear(
                    bp.conn.FixedProb(0.02, pre=n_inh, post=num), weight=67.0 / scale
                ),
                syn=bp.dyn.Expon.desc(size=num, tau=10.0),
                out=bp.dyn.COBA.desc(E=-80.0),
                post=self.N,
            )

        def update(self):
            spk = self.delay.at("I")
            self.E(spk[: self.n_exc])
            self.I(spk[self.n_exc :])
            self.delay(self.N())
            return self.N.spike.value

    net = Net()
    runner = bp.DSRunner(net, monitors=["N.spike"], progress_bar=False)
    times = []
    for k in range(rounds + 1):
        net.reset()
        runner.reset_state()
        t0 = time.perf_counter()
        runner.run(duration)
        spikes = np.asarray(runner.mon["N.spike"])
        times.append(time.perf_counter() - t0)
    if not np.isfinite(np.asarray(net.N.V.value)).all():
        raise FloatingPointError("BrainPy's membrane potentials diverged (NaN or inf)")
    rate = float(spikes.sum()) / spikes.shape[1] / (duration * 1e-3)
    return {"first": times[0], "times": times[1:], "rate": rate}


def main() -> None:
    _versus_brainpy.run(
        __file__,
        __doc__.splitlines()[0],
        {"eqbrain": _eqbrain, "brainpy": _brainpy},
        base_size=4000,
        defaults={"sizes": [4000, 64000], "duration": 500.0, "rounds": 3},
        duration_for=lambda n, d: d if n <= 16000 else min(d, 250.0),
        rate_label="rate (Hz)",
    )


if __name__ == "__main__":
    main()
