"""Record BrainPy 2.x trajectories of align-post projections and of the COBA-HH network.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_projections/generate.py

It writes `projections.npz` beside itself; `tests/test_projection_parity.py` rebuilds
each case in eqbrain from the same numbers. For each case `<case>`:

- `<case>/in0`: the presynaptic spikes of each step (time first; none for COBA-HH);
- `<case>/<var>`: each monitored value, `(steps, ...)`, float32 (BrainPy's default);
- `<case>/arg/<name>`: what the case was built from (CSR connectivity, initial V);
- `<case>/roundoff/<var>`: the largest difference between BrainPy's float32 run and
  the same run in float64, the rounding error the trajectory amplifies (the tests'
  tolerance scale).

Cases:

- `AlignPost_Expon`, `AlignPost_DualExponV2`: random presynaptic spikes through
  `HalfProjAlignPostMg(EventCSRLinear(CSRConn), Expon | DualExponV2, COBA)` onto
  BrainPy's COBA-tutorial `LifRef` neurons. Monitored: the synapse's state and `V`.
- `AlignPre_SD`, `AlignPre_DS`: a `SpikeTimeGroup` through `FullProjAlignPreSDMg`
  (synapse, then a 1 ms delay of its state) and `FullProjAlignPreDSMg` (a 1 ms delay
  of the spikes, then the synapse), `Expon` sized like the presynaptic group,
  `CSRLinear`, `COBA`, onto the same `LifRef` neurons. Monitored: `V`.
- `AlignPost_delay`: the same spikes and connectivity through `FullProjAlignPostMg`
  with a 1 ms delay (`EventCSRLinear`, `Expon` sized like the postsynaptic group).
  It shares the `AlignPre_*` arguments.
- `COBA_HH`: a 60-neuron COBA-HH network (the neuron of `examples/coba_hh_network.py`,
  48 excitatory, 12 inhibitory, 6 nS / 67 nS exponential synapses) over a fixed random
  CSR connectivity. Monitored: `V` and the spikes.

The script is deterministic: everything random comes from NumPy's seeded generator.
"""

from __future__ import annotations

import pathlib

import brainpy as bp
import brainpy.math as bm
import numpy as np

DT = 0.1
OUT = pathlib.Path(__file__).with_name("projections.npz")
rng = np.random.default_rng(20261129)


def csr(n_pre: int, n_post: int, prob: float) -> tuple[np.ndarray, np.ndarray]:
    """A random connectivity in compressed sparse rows: `(indices, indptr)`."""
    mask = rng.random((n_pre, n_post)) < prob
    indices = np.concatenate([np.flatnonzero(row) for row in mask]).astype(np.int32)
    indptr = np.concatenate([[0], np.cumsum(mask.sum(1))]).astype(np.int32)
    return indices, indptr


def lif_post():
    """BrainPy's COBA-tutorial LIF neurons, at rest: the target of every projection case."""
    return bp.dyn.LifRef(
        N_POST, V_rest=-60.0, V_th=-50.0, V_reset=-60.0, tau=20.0, tau_ref=5.0,
        V_initializer=bp.init.Constant(-60.0),
    )  # fmt: skip


# -- align-post projections onto LIF neurons ----------------------------------------------

N_PRE, N_POST, STEPS = 8, 5, 400
SPIKES = rng.random((STEPS, N_PRE)) < 0.05
ALIGN_POST_CSR = csr(N_PRE, N_POST, 0.5)
SYNAPSES = {
    "Expon": (lambda: bp.dyn.Expon.desc(N_POST, tau=5.0), 0.01, 0.0, ["g"]),
    "DualExponV2": (
        lambda: bp.dyn.DualExponV2.desc(N_POST, tau_decay=5.0, tau_rise=1.0),
        0.3,
        -80.0,
        ["g_rise", "g_decay"],
    ),
}


def align_post_net(syn: str):
    desc, weight, E, _ = SYNAPSES[syn]

    class Net(bp.DynSysGroup):
        def __init__(self):
            super().__init__()
            self.post = lif_post()
            conn = bp.conn.CSRConn(*ALIGN_POST_CSR)(N_PRE, N_POST)
            self.proj = bp.dyn.HalfProjAlignPostMg(
                comm=bp.dnn.EventCSRLinear(conn, weight=weight),
                syn=desc(),
                out=bp.dyn.COBA.desc(E=E),
                post=self.post,
            )

        def update(self, spikes):
            self.proj(spikes)
            return self.post()

    return Net()


# -- align-pre projections: the synapse on the presynaptic side, a 1 ms delay -----------

PRE_EVENTS = 60
PRE_INDICES = rng.integers(0, N_PRE, PRE_EVENTS).astype(np.int32)
PRE_TIMES = np.round(rng.uniform(0.0, STEPS * DT * 0.9, PRE_EVENTS), 1).astype(np.float32)
ALIGN_PRE_CSR = csr(N_PRE, N_POST, 0.5)
ALIGN_PRE = {"SD": bp.dyn.FullProjAlignPreSDMg, "DS": bp.dyn.FullProjAlignPreDSMg}


def full_post_net():
    """The same spikes through `FullProjAlignPostMg` with a 1 ms delay (`AlignPost_delay`)."""

    class Net(bp.DynSysGroup):
        def __init__(self):
            super().__init__()
            self.pre = bp.dyn.SpikeTimeGroup(N_PRE, PRE_INDICES, PRE_TIMES)
            self.post = lif_post()
            conn = bp.conn.CSRConn(*ALIGN_PRE_CSR)(N_PRE, N_POST)
            self.proj = bp.dyn.FullProjAlignPostMg(
                pre=self.pre,
                delay=1.0,
                comm=bp.dnn.EventCSRLinear(conn, weight=0.03),
                syn=bp.dyn.Expon.desc(N_POST, tau=5.0),
                out=bp.dyn.COBA.desc(E=0.0),
                post=self.post,
            )

        def update(self):
            self.proj()
            self.pre()
            return self.post()

    return Net()


def align_pre_net(order: str):
    class Net(bp.DynSysGroup):
        def __init__(self):
            super().__init__()
            self.pre = bp.dyn.SpikeTimeGroup(N_PRE, PRE_INDICES, PRE_TIMES)
            self.post = lif_post()
            conn = bp.conn.CSRConn(*ALIGN_PRE_CSR)(N_PRE, N_POST)
            self.proj = ALIGN_PRE[order](
                pre=self.pre,
                delay=1.0,
                syn=bp.dyn.Expon.desc(N_PRE, tau=5.0),
                comm=bp.dnn.CSRLinear(conn, weight=0.03),
                out=bp.dyn.COBA(E=0.0),
                post=self.post,
            )

        def update(self):
            self.proj()
            self.pre()
            return self.post()

    return Net()


# -- the COBA-HH network -----------------------------------------------------------------

HH_E, HH_I, HH_STEPS = 48, 12, 600
HH_N = HH_E + HH_I
HH_E_CSR, HH_I_CSR = csr(HH_E, HH_N, 0.3), csr(HH_I, HH_N, 0.3)
HH_V0 = (-60.0 + rng.normal(size=HH_N) * 5.0 - 5.0).astype(np.float32)
C, GL, GNA, GK = 200.0, 10.0, 20.0e3, 6.0e3
EL, ENA, EK, VT, V_SPIKE = -60.0, 50.0, -90.0, -63.0, -20.0


class TraubHH(bp.dyn.NeuDyn):
    def __init__(self, size):
        super().__init__(size)
        self.V = bm.Variable(bm.asarray(HH_V0.astype(np.float64)))
        self.m = bm.Variable(bm.zeros(self.num))
        self.h = bm.Variable(bm.zeros(self.num))
        self.n = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        joint = bp.JointEq(self.dV, self.dm, self.dh, self.dn)
        self.integral = bp.odeint(joint, method="exp_auto")

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
        x = self.sum_current_inputs(self.V.value, init=0.0)
        V, m, h, n = self.integral(
            self.V, self.m, self.h, self.n, bp.share["t"], x, dt=bp.share["dt"]
        )
        self.spike.value = bm.logical_and(self.V < V_SPIKE, V >= V_SPIKE)
        self.V.value, self.m.value, self.h.value, self.n.value = V, m, h, n
        return self.spike.value


def coba_hh_net():
    class Net(bp.DynSysGroup):
        def __init__(self):
            super().__init__()
            self.N = TraubHH(HH_N)
            self.E = bp.dyn.HalfProjAlignPostMg(
                comm=bp.dnn.EventCSRLinear(bp.conn.CSRConn(*HH_E_CSR)(HH_E, HH_N), 6.0),
                syn=bp.dyn.Expon.desc(HH_N, tau=5.0),
                out=bp.dyn.COBA.desc(E=0.0),
                post=self.N,
            )
            self.I = bp.dyn.HalfProjAlignPostMg(
                comm=bp.dnn.EventCSRLinear(bp.conn.CSRConn(*HH_I_CSR)(HH_I, HH_N), 67.0),
                syn=bp.dyn.Expon.desc(HH_N, tau=10.0),
                out=bp.dyn.COBA.desc(E=-80.0),
                post=self.N,
            )

        def update(self):
            spikes = self.N.spike.value
            self.E(spikes[:HH_E])
            self.I(spikes[HH_E:])
            return self.N()

    return Net()


def run(x64: bool) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    dtype = np.float64 if x64 else np.float32
    for syn, (_, _, _, gates) in SYNAPSES.items():
        net = align_post_net(syn)
        syn_mod = net.proj.refs["syn"]
        monitors = {"V": net.post.V, **{g: getattr(syn_mod, g) for g in gates}}
        runner = bp.DSRunner(net, monitors=monitors, dt=DT, progress_bar=False)
        runner.run(inputs=bm.asarray(SPIKES))
        for k in monitors:
            out[f"AlignPost_{syn}/{k}"] = np.asarray(runner.mon[k], dtype)
    for order in ALIGN_PRE:
        net = align_pre_net(order)
        runner = bp.DSRunner(net, monitors={"V": net.post.V}, dt=DT, progress_bar=False)
        runner.run(STEPS * DT)
        out[f"AlignPre_{order}/V"] = np.asarray(runner.mon["V"], dtype)
    net = full_post_net()
    runner = bp.DSRunner(net, monitors={"V": net.post.V}, dt=DT, progress_bar=False)
    runner.run(STEPS * DT)
    out["AlignPost_delay/V"] = np.asarray(runner.mon["V"], dtype)
    net = coba_hh_net()
    runner = bp.DSRunner(net, monitors=["N.V", "N.spike"], dt=DT, progress_bar=False)
    runner.run(HH_STEPS * DT)
    out["COBA_HH/V"] = np.asarray(runner.mon["N.V"], dtype)
    out["COBA_HH/spike"] = np.asarray(runner.mon["N.spike"])
    return out


def main() -> None:
    data: dict[str, np.ndarray] = {"brainpy_version": np.asarray(bp.__version__)}
    f32 = run(x64=False)
    data.update(f32)
    for syn in SYNAPSES:
        data[f"AlignPost_{syn}/in0"] = SPIKES
        data[f"AlignPost_{syn}/arg/indices"], data[f"AlignPost_{syn}/arg/indptr"] = ALIGN_POST_CSR
    for order in ALIGN_PRE:
        data[f"AlignPre_{order}/arg/pre_indices"] = PRE_INDICES
        data[f"AlignPre_{order}/arg/pre_times"] = PRE_TIMES
        data[f"AlignPre_{order}/arg/indices"], data[f"AlignPre_{order}/arg/indptr"] = ALIGN_PRE_CSR
    for part, (indices, indptr) in (("E", HH_E_CSR), ("I", HH_I_CSR)):
        data[f"COBA_HH/arg/{part}_indices"], data[f"COBA_HH/arg/{part}_indptr"] = (
            indices,
            indptr,
        )
    data["COBA_HH/arg/V0"] = HH_V0
    print("COBA-HH spikes:", int(f32["COBA_HH/spike"].sum()))
    cases = [*(f"AlignPost_{syn}" for syn in SYNAPSES), "AlignPre_SD", "AlignPre_DS"]
    for case in [*cases, "AlignPost_delay"]:
        V = f32[f"{case}/V"]
        print(case, "V range", V.min(), V.max())

    bm.enable_x64()
    bm.set(float_=bm.float64)
    f64 = run(x64=True)
    assert (f64["COBA_HH/spike"] == f32["COBA_HH/spike"]).all(), "float64 spikes differ"
    for k, v in f64.items():
        if v.dtype != bool:
            data[k.replace("/", "/roundoff/", 1)] = np.asarray(
                np.max(np.abs(v - f32[k].astype(np.float64)))
            )
            print(k, "roundoff", float(data[k.replace("/", "/roundoff/", 1)]))
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB, {len(data)} arrays)")


if __name__ == "__main__":
    main()
