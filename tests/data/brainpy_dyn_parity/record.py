"""Print the BrainPy 2.8 numbers that `tests/brainpy_parity/test_dyn_*.py` compare with.

Run in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_dyn_parity/record.py

Each block prints what one test file holds as constants (spike steps, potentials,
synaptic traces, cumulative spike counts); the networks are built exactly as the test
files build them in eqbrain (the same NumPy-drawn masks and initial potentials).
"""

from __future__ import annotations

import brainpy as bp
import brainpy.math as bm
import numpy as np

bm.set(dt=0.1)


def lif() -> None:
    """test_dyn_lif.py: RECORDED (neuron 0's spike steps, first and last V)."""
    for name in ["Lif", "ExpIF", "AdExIF", "QuaIF", "Izhikevich", "IF", "AdQuaIF", "Gif"]:
        for ref in ("",) if name == "IF" else ("", "Ref"):
            for mode in (None, bm.training_mode):
                kw = {} if mode is None else {"mode": mode}
                model = getattr(bp.dyn, name + ref)(1 if mode is None else 10, **kw)
                monitors = ["V"] if name == "IF" else ["V", "spike"]  # IF has no spikes
                runner = bp.DSRunner(model, monitors=monitors, progress_bar=False)
                runner.run(10.0)
                V = np.asarray(runner.mon["V"])
                spike = np.asarray(runner.mon["spike"]) if name != "IF" else np.zeros(V.shape)
                if mode is not None:
                    V, spike = V[0], spike[0]
                steps = np.flatnonzero(spike[:, 0]).tolist()
                print("lif", name + ref, mode is not None, steps, V[0, 0], V[-1, 0])


def hh() -> None:
    """test_dyn_hh.py: HH from V = -65 mV (V at steps 0, 49, 99; m at 0 and 99)."""
    model = bp.dyn.HH(3, V_initializer=bp.init.Constant(-65.0))
    runner = bp.DSRunner(model, monitors=["V", "m"], progress_bar=False)
    runner.run(10.0)
    V, m = np.asarray(runner.mon["V"]), np.asarray(runner.mon["m"])
    print("hh V", V[[0, 49, 99], 0].tolist(), "m", m[[0, 99], 0].tolist())


STEPS = [20, 21, 40, 99]


def _spike_times(n_spk):
    return bp.dyn.SpikeTimeGroup(1, bm.zeros(n_spk, dtype=int), bm.linspace(2.0, 100.0, n_spk))


def synapses() -> None:
    """test_dyn_synapses.py: DUAL_EXPON, DUAL_EXPON_V2, ALPHA, the normalisers, STP."""

    class Drive(bp.DynSysGroup):
        def __init__(self, syn, n_spk, v2):
            super().__init__()
            self.inp, self.syn, self.v2 = _spike_times(n_spk), syn, v2

        def update(self):
            out = self.syn(self.inp())
            return out if self.v2 else (self.syn.h.value, self.syn.g.value)

    for tr, td in [(1.0, 10.0), (10.0, 100.0)]:
        for n in [1, 10, 100]:
            syn = bp.dyn.DualExpon(1, tau_rise=tr, tau_decay=td)
            hs, gs = bm.for_loop(Drive(syn, n, False).step_run, np.arange(100))
            print("DualExpon", tr, td, n, np.asarray(hs)[STEPS, 0], np.asarray(gs)[STEPS, 0])
    for tr, td in [(1.0, 10.0), (5.0, 50.0), (10.0, 100.0)]:
        for n in [1, 10, 100]:
            syn = bp.dyn.DualExponV2(1, tau_rise=tr, tau_decay=td)
            gs = bm.for_loop(Drive(syn, n, True).step_run, np.arange(100))
            print("DualExponV2", tr, td, n, np.asarray(gs)[STEPS, 0])

    class AlphaNet(bp.DynSysGroup):
        def __init__(self, n_spk):
            super().__init__()
            self.inp = _spike_times(n_spk)
            self.neu = bp.dyn.LifRef(1)
            self.proj = bp.dyn.FullProjAlignPreDS(
                self.inp, None, bp.dyn.Alpha(1, tau_decay=10.0), bp.dnn.AllToAll(1, 1, 1.0),
                bp.dyn.CUBA(), self.neu,
            )  # fmt: skip

        def update(self):
            self.inp()
            self.proj()
            self.neu()
            return self.proj.syn.h.value, self.proj.syn.g.value, self.neu.V.value

    for n in [1, 10, 50]:
        traces = bm.for_loop(AlphaNet(n).step_run, np.arange(100))
        print("Alpha", n, [np.asarray(x)[STEPS, 0] for x in traces])
    taus = dict(tau_rise=bm.asarray([10.0, 5.0]), tau_decay=bm.asarray([10.0, 50.0]))
    print("DualExpon a", np.asarray(bp.dyn.DualExpon(2, **taus).a))

    from brainpy.context import share

    syn = bp.dyn.STP(3, U=bm.asarray([0.1, 0.2, 0.3]))
    out = []
    for i in range(20):
        share.save(t=i * 0.1, dt=0.1, i=i)
        spk = bm.asarray([1.0, 0.0, 1.0]) if i == 5 else bm.asarray([0.0, 0.0, 0.0])
        out.append(np.asarray(syn.update(spk)))
    print("STP", np.asarray(out)[[4, 5, 6, 19]], np.asarray(syn.u.value), np.asarray(syn.x.value))


NE, NI = 160, 40
N = NE + NI
P = 80 / N
PARS = dict(V_rest=-60.0, V_th=-50.0, V_reset=-60.0, tau=20.0, tau_ref=5.0)


def _masks(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.random(s) < P for s in shapes]


def _v0(n, sd, seed):
    return bm.asarray(np.random.default_rng(seed).normal(-55.0, sd, n).astype(np.float32))


def _conn(mask):
    i, j = np.nonzero(mask)
    return bp.conn.IJConn(i, j)(mask.shape[0], mask.shape[1])


class TwoPopulations(bp.DynSysGroup):
    def __init__(self, kind, delay):
        super().__init__()
        self.E = bp.dyn.LifRef(NE, V_initializer=_v0(NE, 2.0, 1), **PARS)
        self.I = bp.dyn.LifRef(NI, V_initializer=_v0(NI, 2.0, 2), **PARS)
        masks = _masks([(NE, NE), (NE, NI), (NI, NE), (NI, NI)], 3)
        wiring = [
            (self.E, self.E, 0.6, 5.0, 0.0),
            (self.E, self.I, 0.6, 5.0, 0.0),
            (self.I, self.E, 6.7, 10.0, -80.0),
            (self.I, self.I, 6.7, 10.0, -80.0),
        ]
        projs = []
        for m, (pre, post, w, tau, E) in zip(masks, wiring):
            if kind == "pre_sd":
                proj = bp.dyn.FullProjAlignPreSDMg(
                    pre=pre, syn=bp.dyn.Expon.desc(pre.varshape, tau=tau), delay=delay,
                    comm=bp.dnn.CSRLinear(_conn(m), w), out=bp.dyn.COBA(E=E), post=post,
                )  # fmt: skip
            elif kind == "pre_ds":
                proj = bp.dyn.FullProjAlignPreDSMg(
                    pre=pre, delay=delay, syn=bp.dyn.Expon.desc(pre.varshape, tau=tau),
                    comm=bp.dnn.CSRLinear(_conn(m), w), out=bp.dyn.COBA(E=E), post=post,
                )  # fmt: skip
            elif kind == "post_mg":
                proj = bp.dyn.FullProjAlignPostMg(
                    pre=pre, delay=delay, comm=bp.dnn.EventCSRLinear(_conn(m), w),
                    syn=bp.dyn.Expon.desc(post.varshape, tau=tau),
                    out=bp.dyn.COBA.desc(E=E), post=post,
                )  # fmt: skip
            else:
                proj = bp.dyn.FullProjAlignPost(
                    pre=pre, delay=delay, comm=bp.dnn.EventCSRLinear(_conn(m), w),
                    syn=bp.dyn.Expon(post.varshape, tau=tau), out=bp.dyn.COBA(E=E), post=post,
                )  # fmt: skip
            projs.append(proj)
        self.E2E, self.E2I, self.I2E, self.I2I = projs

    def update(self, inp):
        self.E2E()
        self.E2I()
        self.I2E()
        self.I2I()
        self.E(inp)
        self.I(inp)
        return self.E.spike.value


class OnePopulation(bp.DynSysGroup):
    def __init__(self, kind, sd=2.0, delay=None):
        super().__init__()
        self.kind = kind
        self.N = bp.dyn.LifRef(N, V_initializer=_v0(N, sd, 4), **PARS)
        self.delay = bp.VarDelay(self.N.spike, entries={"d": delay})
        mE, mI = _masks([(NE, N), (NI, N)], 5)
        if kind == "half_post":
            self.E = bp.dyn.HalfProjAlignPost(
                comm=bp.dnn.EventCSRLinear(_conn(mE), 0.6), syn=bp.dyn.Expon(size=N, tau=5.0),
                out=bp.dyn.COBA(E=0.0), post=self.N,
            )  # fmt: skip
            self.I = bp.dyn.HalfProjAlignPost(
                comm=bp.dnn.EventCSRLinear(_conn(mI), 6.7), syn=bp.dyn.Expon(size=N, tau=10.0),
                out=bp.dyn.COBA(E=-80.0), post=self.N,
            )  # fmt: skip
        else:
            self.syn1 = bp.dyn.Expon(size=NE, tau=5.0)
            self.syn2 = bp.dyn.Expon(size=NI, tau=10.0)
            self.E = bp.dyn.VanillaProj(
                comm=bp.dnn.CSRLinear(_conn(mE), 0.6), out=bp.dyn.COBA(E=0.0), post=self.N
            )
            self.I = bp.dyn.VanillaProj(
                comm=bp.dnn.CSRLinear(_conn(mI), 6.7), out=bp.dyn.COBA(E=-80.0), post=self.N
            )

    def update(self, inp):
        spk = self.delay.at("d")
        if self.kind == "half_post":
            self.E(spk[:NE])
            self.I(spk[NE:])
        else:
            self.E(self.syn1(spk[:NE]))
            self.I(self.syn2(spk[NE:]))
        self.delay(self.N(inp))
        return self.N.spike.value


def projections() -> None:
    """test_dyn_projections.py: BRAINPY (cumulative spike counts every 10 steps)."""
    cases = {
        "pre_sd": lambda: TwoPopulations("pre_sd", None),
        "pre_sd delay=1.0": lambda: TwoPopulations("pre_sd", 1.0),
        "post": lambda: TwoPopulations("post", None),
        "post delay=1.0": lambda: TwoPopulations("post", 1.0),
        "post_mg": lambda: TwoPopulations("post_mg", None),
        "post_mg delay=1.0": lambda: TwoPopulations("post_mg", 1.0),
        "pre_ds": lambda: TwoPopulations("pre_ds", None),
        "pre_ds delay=1.0": lambda: TwoPopulations("pre_ds", 1.0),
        "half_post": lambda: OnePopulation("half_post"),
        "vanilla": lambda: OnePopulation("vanilla"),
        "vanilla delay=2.0": lambda: OnePopulation("vanilla", 1.0, 2.0),
    }
    for name, build in cases.items():
        net = build()
        spikes = np.asarray(bm.for_loop(lambda i: net.step_run(i, 20.0), np.arange(100)))
        print(repr(name), np.cumsum(spikes.sum(1))[9::10].tolist())


def inputs() -> None:
    """test_dyn_inputs.py: the SpikeTimeGroup's spikes."""
    model = bp.dyn.SpikeTimeGroup(size=2, times=[10, 20, 20, 30], indices=[0, 0, 1, 1])
    runner = bp.DSRunner(model, monitors=["spike"], progress_bar=False)
    runner.run(30.0)
    print("SpikeTimeGroup", np.argwhere(np.asarray(runner.mon["spike"])).tolist())


if __name__ == "__main__":
    print("brainpy", bp.__version__)
    lif()
    hh()
    synapses()
    projections()
    inputs()
