"""Record BrainPy 2.8's `STDP_Song2000` on small deterministic networks.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_stdp/generate.py

It writes `stdp.npz` beside itself. Every case has the same presynaptic spike trains (a
`SpikeTimeGroup` of `N_PRE` neurons, spike times from NumPy's seeded generator) and the
same postsynaptic `LifRef` neurons driven by a seeded input current, and one STDP
projection between them; cases differ in the connection layer, the synapse, the output
and the delay. For each case `<case>` the file holds, per step (time first):

- `<case>/W`: the learnt weights, `(steps, n_pre, n_post)` (per synapse for CSR, in the
  order of `arg/i`, `arg/j`; `(steps, n)` for one-to-one);
- `<case>/pre_trace`, `<case>/post_trace`: BrainPy's traces (`refs['pre_trace'].g`,
  `refs['post_trace'].g`), read after the step;
- `<case>/post_spike`, `<case>/post_V`: the postsynaptic spikes and potential;

and the inputs `pre_times`, `pre_indices`, `I_post`, `W0` (the initial weights),
`conn_i`, `conn_j` (the synapses of the sparse cases) and `brainpy_version`. The
weights are `TrainVar`s (`mode=bm.TrainingMode()`): BrainPy 2.8 promotes a plain weight
to a `Variable` inside the first traced step, so under `for_loop` it does not learn.
`tests/test_stdp.py` rebuilds every case in eqbrain.
"""

from __future__ import annotations

import pathlib

import brainpy as bp
import brainpy.math as bm
import numpy as np

bm.set_platform("cpu")
DT = 0.1
STEPS = 300
N_PRE, N_POST = 5, 3
OUT = pathlib.Path(__file__).with_name("stdp.npz")

rng = np.random.default_rng(20260701)
pre_indices, pre_times = [], []
for i in range(N_PRE):
    t = np.sort(rng.choice(np.arange(5, STEPS - 5), size=6, replace=False)) * DT
    pre_indices += [i] * t.size
    pre_times += list(np.round(t, 1))
pre_indices = np.asarray(pre_indices, np.int32)
pre_times = np.asarray(pre_times, np.float32)
I_post = (rng.random((STEPS, N_POST)) * 50.0).astype(np.float32)
W0 = rng.uniform(0.1, 0.5, (N_PRE, N_POST)).astype(np.float32)
mask = rng.random((N_PRE, N_POST)) < 0.6
conn_i, conn_j = (a.astype(np.int32) for a in np.nonzero(mask))

PARAMS = dict(tau_s=2.0, tau_t=3.0, A1=0.08, A2=0.1)
BOUNDS = dict(W_min=0.0, W_max=0.6)


def make_comm(kind: str, n_pre: int):
    mode = bm.TrainingMode()
    if kind == "all2all":
        return bp.dnn.AllToAll(n_pre, N_POST, weight=bm.asarray(W0), mode=mode)
    if kind == "dense":
        return bp.dnn.Dense(
            n_pre, N_POST, W_initializer=bm.asarray(W0), b_initializer=None, mode=mode
        )
    if kind == "masked":
        conn = bp.conn.IJConn(i=conn_i, j=conn_j)(pre_size=n_pre, post_size=N_POST)
        return bp.dnn.MaskedLinear(conn, weight=bm.asarray(W0), mode=mode)
    if kind in ("csr", "event_csr"):
        conn = bp.conn.IJConn(i=conn_i, j=conn_j)(pre_size=n_pre, post_size=N_POST)
        layer = bp.dnn.EventCSRLinear if kind == "event_csr" else bp.dnn.CSRLinear
        return layer(conn, weight=bm.asarray(W0[conn_i, conn_j]), mode=mode)
    if kind == "one2one":
        return bp.dnn.OneToOne(n_pre, weight=bm.asarray(np.diag(W0[:N_POST, :N_POST])), mode=mode)
    raise ValueError(kind)


def make_syn(kind: str, n: int):
    return {
        "exp": lambda: bp.dyn.Expon.desc(N_POST, tau=5.0),
        "dualexp": lambda: bp.dyn.DualExpon.desc(n),
        "ampa": lambda: bp.dyn.AMPA.desc(n),
    }[kind]()


def make_out(kind: str):
    return {
        "cuba": lambda: bp.dyn.CUBA.desc(),
        "coba": lambda: bp.dyn.COBA.desc(E=40.0),
        "mg": lambda: bp.dyn.MgBlock.desc(E=40.0),
    }[kind]()


# (case name, comm, synapse, output, BrainPy's delay in ms). As in BrainPy's own tests,
# the event-driven layer takes spikes (align-post), `CSRLinear` a synapse's state. The
# weights are clipped to `BOUNDS`, but for one-to-one (`None` bounds: BrainPy's
# `OneToOne.stdp_update` never clips).
CASES = [
    ("all2all_exp_coba", "all2all", "exp", "coba", None),
    ("dense_exp_cuba_delay", "dense", "exp", "cuba", 0.3),
    ("masked_dualexp_coba", "masked", "dualexp", "coba", None),
    ("csr_exp_mg", "event_csr", "exp", "mg", None),
    ("csr_ampa_coba_delay", "csr", "ampa", "coba", 0.3),
    ("one2one_exp_coba", "one2one", "exp", "coba", None),
]


class Net(bp.DynSysGroup):
    def __init__(self, comm_kind, syn_kind, out_kind, delay):
        super().__init__()
        n_pre = N_POST if comm_kind == "one2one" else N_PRE
        keep = pre_indices < n_pre
        self.pre = bp.dyn.SpikeTimeGroup(n_pre, indices=pre_indices[keep], times=pre_times[keep])
        self.post = bp.dyn.LifRef(N_POST)
        self.proj = bp.dyn.STDP_Song2000(
            self.pre,
            delay,
            make_syn(syn_kind, n_pre),
            make_comm(comm_kind, n_pre),
            make_out(out_kind),
            self.post,
            **PARAMS,
            **({} if comm_kind == "one2one" else BOUNDS),
        )

    def update(self, I):
        self.pre()
        self.proj()
        self.post(I)
        comm = self.proj.comm
        w = comm.W if isinstance(comm, bp.dnn.Dense) else comm.weight
        return (
            w.value,
            self.proj.refs["pre_trace"].g.value,
            self.proj.refs["post_trace"].g.value,
            self.post.spike.value,
            self.post.V.value,
        )


def main() -> None:
    bm.set_dt(DT)
    data: dict[str, np.ndarray] = dict(
        pre_times=pre_times,
        pre_indices=pre_indices,
        I_post=I_post,
        W0=W0,
        conn_i=conn_i,
        conn_j=conn_j,
        brainpy_version=np.asarray(bp.__version__),
    )
    for name, comm, syn, out, delay in CASES:
        net = Net(comm, syn, out, delay)
        W, pre_tr, post_tr, spk, V = bm.for_loop(net.step_run, (np.arange(STEPS), I_post))
        for key, value in (
            ("W", W),
            ("pre_trace", pre_tr),
            ("post_trace", post_tr),
            ("post_spike", spk),
            ("post_V", V),
        ):
            data[f"{name}/{key}"] = np.asarray(value)
        w = np.asarray(W)
        print(
            f"{name}: {int(np.asarray(spk).sum())} post spikes, weights moved "
            f"{float(np.abs(w[-1] - w[0]).max()):.3f}, "
            f"at a bound {int(((w[-1] == 0) | (w[-1] == 0.6)).sum())}"
        )
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
