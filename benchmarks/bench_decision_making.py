"""Wang (2002) decision making in eqbrain and in BrainPy 2.x, in the same run.

Both versions are the model of `examples/decision_making.py`: `2000 * scale` LIF
neurons (80 % excitatory, two selective groups of 15 %), AMPA/NMDA/GABA_A synapses at
the presynaptic side with structured all-to-all weights (one weight per pair of groups,
applied to each group's summed gating variable), Poisson background (800 x 3 Hz) and a
stimulus at coherence 25.6 %, dt = 0.1 ms, the excitatory spikes recorded.

- **eqbrain**: the example's `DecisionNet` through `eqbrain.DSRunner`.
- **BrainPy 2.8 (numba)**: `bp.dyn.LifRef`, `FullProjAlignPreSDMg` with `bp.dyn.Expon` /
  `bp.dyn.NMDA` and `COBA` / `MgBlock`, the same group-summing connectivity as a
  `bp.DynamicalSystem`, `bp.dyn.PoissonInput` into external AMPA synapses, `bp.DSRunner`.

    PYTHONPATH=src python benchmarks/bench_decision_making.py [--sizes 4000 64000]
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
    import decision_making as ex  # type: ignore[import-not-found]

    import eqbrain

    net = ex.DecisionNet(scale)
    runner = eqbrain.DSRunner(net, monitors=["E.spike"], dt=DT)
    times = []
    for _ in range(rounds + 1):
        net.reset_state()
        runner.reset_state()
        t0 = time.perf_counter()
        runner.run(duration)
        spikes = runner.mon["E.spike"]
        times.append(time.perf_counter() - t0)
    return {"first": times[0], "times": times[1:], "rate": spikes.mean_rate()}


def _brainpy(scale: float, duration: float, rounds: int) -> dict:
    import brainevent
    import brainpy as bp
    import brainpy.math as bm
    import jax.numpy as jnp
    import numpy as np

    brainevent.config.set_backend("cpu", "numba")
    bm.set_dt(DT)
    f, w_plus = 0.15, 1.7
    w_minus = 1.0 - f * (w_plus - 1.0) / (1.0 - f)
    ge = dict(ext=2.1, ampa=0.05, nmda=0.165, gaba=1.3)
    gi = dict(ext=1.62, ampa=0.04, nmda=0.13, gaba=1.0)
    n_e, n_i = int(1600 * scale), int(400 * scale)
    n_sel = int(f * n_e)
    s = 1.0 / scale

    class GroupComm(bp.DynamicalSystem):
        def __init__(self, src, dst, W):
            super().__init__()
            self.src, self.dst, self.W = src, dst, jnp.asarray(W, jnp.float32)

        def update(self, x):
            sums = jnp.stack([jnp.sum(x[a:b]) for a, b in self.src])
            per = self.W @ sums
            return jnp.concatenate([jnp.full(b - a, per[k]) for k, (a, b) in enumerate(self.dst)])

    def lif(n, tau, R, tau_ref):
        return bp.dyn.LifRef(
            n, V_rest=-70.0, V_reset=-55.0, V_th=-50.0, tau=tau, R=R, tau_ref=tau_ref,
            V_initializer=bp.init.Uniform(-70.0, -60.0),
        )  # fmt: skip

    class Net(bp.DynSysGroup):
        def __init__(self):
            super().__init__()
            self.E = lif(n_e, 20.0, 0.04, 2.0)
            self.I = lif(n_i, 10.0, 0.05, 1.0)
            ge_groups = [(0, n_sel), (n_sel, 2 * n_sel), (2 * n_sel, n_e)]
            W = np.array([[w_plus, w_minus, w_minus], [w_minus, w_plus, w_minus], [1, 1, 1.0]])
            all_e, all_i = [(0, n_e)], [(0, n_i)]

            def proj(pre, syn, src, post, dst, w, out):
                return bp.dyn.FullProjAlignPreSDMg(
                    pre=pre, syn=syn, delay=None, comm=GroupComm(src, dst, w), out=out, post=post
                )

            self.p = [
                proj(self.E, bp.dyn.Expon.desc(n_e, tau=2.0), ge_groups, self.E, ge_groups,
                     W * ge["ampa"] * s, bp.dyn.COBA(E=0.0)),
                proj(self.E, bp.dyn.NMDA.desc(n_e), ge_groups, self.E, ge_groups,
                     W * ge["nmda"] * s, bp.dyn.MgBlock(E=0.0, cc_Mg=1.0)),
                proj(self.E, bp.dyn.Expon.desc(n_e, tau=2.0), all_e, self.I, all_i,
                     [[gi["ampa"] * s]], bp.dyn.COBA(E=0.0)),
                proj(self.E, bp.dyn.NMDA.desc(n_e), all_e, self.I, all_i,
                     [[gi["nmda"] * s]], bp.dyn.MgBlock(E=0.0, cc_Mg=1.0)),
                proj(self.I, bp.dyn.Expon.desc(n_i, tau=5.0), all_i, self.E, all_e,
                     [[ge["gaba"] * s]], bp.dyn.COBA(E=-70.0)),
                proj(self.I, bp.dyn.Expon.desc(n_i, tau=5.0), all_i, self.I, all_i,
                     [[gi["gaba"] * s]], bp.dyn.COBA(E=-70.0)),
            ]  # fmt: skip
            self.ext_E = bp.dyn.Expon(n_e, tau=2.0)
            self.ext_I = bp.dyn.Expon(n_i, tau=2.0)
            self.noise_E = bp.dyn.PoissonInput(self.ext_E.g, 800, 3.0, ge["ext"])
            self.noise_I = bp.dyn.PoissonInput(self.ext_I.g, 800, 3.0, gi["ext"])
            self.stim_A = bp.dyn.Expon(n_sel, tau=2.0)
            self.stim_B = bp.dyn.Expon(n_sel, tau=2.0)
            self.in_A = bp.dyn.PoissonInput(self.stim_A.g, 1, 40.0 * 1.256, ge["ext"])
            self.in_B = bp.dyn.PoissonInput(self.stim_B.g, 1, 40.0 * 0.744, ge["ext"])

        def _ext(self, syn, noise, V):
            syn.update(None)
            noise.update()
            return syn.g.value * (0.0 - V)

        def update(self):
            t = bp.share["t"]
            VE, VI = self.E.V.value, self.I.V.value
            for p in self.p:
                p.update()
            xE = self._ext(self.ext_E, self.noise_E, VE)
            xI = self._ext(self.ext_I, self.noise_I, VI)
            stim = jnp.concatenate(
                [self._ext(self.stim_A, self.in_A, VE[:n_sel]),
                 self._ext(self.stim_B, self.in_B, VE[n_sel : 2 * n_sel])]
            )  # fmt: skip
            on = (t >= 200.0) & (t < 1200.0)
            xE = xE.at[: 2 * n_sel].add(jnp.where(on, stim, 0.0))
            self.E(xE)
            self.I(xI)
            return self.E.spike.value

    net = Net()
    runner = bp.DSRunner(net, monitors=["E.spike"], progress_bar=False)
    times = []
    for _ in range(rounds + 1):
        net.reset()
        runner.reset_state()
        t0 = time.perf_counter()
        runner.run(duration)
        spikes = np.asarray(runner.mon["E.spike"])
        times.append(time.perf_counter() - t0)
    rate = float(spikes.sum()) / spikes.shape[1] / (duration * 1e-3)
    return {"first": times[0], "times": times[1:], "rate": rate}


def main() -> None:
    _versus_brainpy.run(
        __file__,
        __doc__.splitlines()[0],
        {"eqbrain": _eqbrain, "brainpy": _brainpy},
        base_size=2000,
        defaults={"sizes": [4000, 64000], "duration": 1500.0, "rounds": 2},
        rate_label="E rate (Hz)",
    )


if __name__ == "__main__":
    main()
