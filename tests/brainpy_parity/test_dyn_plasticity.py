"""Parity with BrainPy 2.8's plasticity tests: `brainpy/dyn/projections/STDP_test.py`,
the STDP cases of `brainpy/dyn/dyn_neurons_synapses_fixes_test.py` and the
`stdp_update` cases of `brainpy/dnn/boost_linear_test.py`.

In scope: 146 cases. Run here: 152 tests covering all 146, all passing.

- `Test_STDP.test_STDP` (135): BrainPy's product of 5 connection layers x 3 delays x 3
  synapses x 3 outputs; each builds a 1-to-1 network, runs 300 ms and checks only that it
  runs. All 135 run here (`test_STDP_product`), as 135 `STDP_Song2000` projections
  between the same two one-neuron `LifRef` populations, so that one compiled step runs
  them all (a network each would compile 135 programs, about 80 s). The drive sets the
  spikes (the summed currents stay far below threshold), so each projection learns as
  it would alone. Over 16 steps of 0.5 ms, each case checks that its traces and weight
  follow Song et al.'s rule step by step (the presynaptic spikes arriving `delay`
  later), that the weight both rose and fell, stayed in `[W_min, W_max]` and moved only
  at a spike, that no conductance flows before the first spike arrives, and the current
  of its output: `g` (CUBA), `g (E - V)` (COBA), of that sign and no larger (MgBlock).
  Six of the combinations (every layer, every synapse and output kind, with and
  without a delay) are also compared with BrainPy's numbers (`test_STDP`), recorded
  for the same spike trains, inputs and initial weights by
  `tests/data/brainpy_stdp/generate.py`: the weights, the presynaptic trace and the
  postsynaptic spikes and potentials equal BrainPy's at every step.
- The fixes file (4): STDP over `AllToAll` runs and changes the weights; `W_min` and
  `W_max` of `None` run; the bounds clamp the weights; `Dense.stdp_update` changes `W`.
  The first three read the recorded runs above (BrainPy's build a network of their own
  for each). BrainPy's weight starts as a plain array and becomes a `Variable` at the
  first update; eqbrain's is a `TrainVar` from the start, checked instead.
- The boost_linear file (7): `stdp_update` of `Dense`, `AllToAll`, `OneToOne`,
  `MaskedLinear` and `CSRLinear` on both branches, and each refusing a layer with one
  weight for every connection (`ValueError`). `CSRLinear` with a weight of the wrong size
  cannot be built in eqbrain (checked when it is built, as BrainPy checks at the update).

Two differences, listed in `docs/migrating.md`: BrainPy steps the postsynaptic trace
after the population, eqbrain when the projection next runs (its value at step `n` is
BrainPy's of step `n - 1`; the weights are the same), and BrainPy's delays count
`int(delay / dt)` steps with float rounding (`0.3` ms is 2 steps of 0.1), eqbrain's
`round(delay / dt)` (the cases give eqbrain 0.2 ms for BrainPy's 0.3).
"""

from __future__ import annotations

import pathlib
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain

DATA = np.load(pathlib.Path(__file__).parents[1] / "data" / "brainpy_stdp" / "stdp.npz")
DT = 0.1
N_PRE, N_POST = 5, 3
PARAMS: dict[str, Any] = dict(tau_s=2.0, tau_t=3.0, A1=0.08, A2=0.1)
BOUNDS: dict[str, Any] = dict(
    W_min=0.0, W_max=0.6
)  # all but one-to-one, which has none (as recorded)
W0 = DATA["W0"]
I, J = DATA["conn_i"], DATA["conn_j"]

# (case, comm, synapse, output, eqbrain's delay)
CASES = [
    ("all2all_exp_coba", "all2all", "exp", "coba", None),
    ("dense_exp_cuba_delay", "dense", "exp", "cuba", 0.2),
    ("masked_dualexp_coba", "masked", "dualexp", "coba", None),
    ("csr_exp_mg", "event_csr", "exp", "mg", None),
    ("csr_ampa_coba_delay", "csr", "ampa", "coba", 0.2),
    ("one2one_exp_coba", "one2one", "exp", "coba", None),
]


def make_comm(kind: str, n_pre: int):
    mask = np.zeros((N_PRE, N_POST), bool)
    mask[I, J] = True
    return {
        "all2all": lambda: eqbrain.dnn.AllToAll(n_pre, N_POST, weight=W0),
        "dense": lambda: eqbrain.dnn.Dense(n_pre, N_POST, W_initializer=W0, b_initializer=None),
        "masked": lambda: eqbrain.dnn.MaskedLinear(mask, weight=W0),
        "csr": lambda: eqbrain.dnn.CSRLinear(mask, weight=W0[I, J]),
        "event_csr": lambda: eqbrain.dnn.EventCSRLinear(mask, weight=W0[I, J]),
        "one2one": lambda: eqbrain.dnn.OneToOne(n_pre, weight=np.diag(W0[:N_POST, :N_POST])),
    }[kind]()


def make_syn(kind: str, n_pre: int):
    return {
        "exp": lambda: eqbrain.dyn.Expon.desc(N_POST, tau=5.0),
        "dualexp": lambda: eqbrain.dyn.DualExpon.desc(n_pre),
        "ampa": lambda: eqbrain.dyn.AMPA.desc(n_pre),
    }[kind]()


OUTS = {
    "cuba": lambda: eqbrain.dyn.CUBA.desc(),
    "coba": lambda: eqbrain.dyn.COBA.desc(E=40.0),
    "mg": lambda: eqbrain.dyn.MgBlock.desc(E=40.0),
}


def weights(comm) -> jnp.ndarray:
    """The learnt weights in the recorded layout (per synapse, in `I, J` order, for CSR)."""
    if isinstance(comm, eqbrain.dnn.Dense):
        return comm.W.value
    if isinstance(comm, eqbrain.dnn.CSRLinear):
        assert comm.conn.weights is not None
        valid = comm.conn.indices.value < comm.num_post
        return comm.conn.weights.value[jnp.nonzero(valid, size=I.size)]
    return comm.weight.value


class Recorded(eqbrain.DynamicalSystem):
    """A recorded case: the spike trains, the `LifRef`s and one STDP projection."""

    pre: eqbrain.dyn.SpikeTimeGroup
    post: eqbrain.dyn.LifRef
    proj: eqbrain.dyn.STDP_Song2000

    def __init__(self, comm, syn, out, delay):
        super().__init__()
        n_pre = N_POST if comm == "one2one" else N_PRE
        keep = DATA["pre_indices"] < n_pre
        self.pre = eqbrain.dyn.SpikeTimeGroup(
            n_pre, indices=DATA["pre_indices"][keep], times=DATA["pre_times"][keep]
        )
        self.post = eqbrain.dyn.LifRef(N_POST)
        self.proj = eqbrain.dyn.STDP_Song2000(
            self.pre, delay, make_syn(syn, n_pre), make_comm(comm, n_pre), OUTS[out](),
            self.post, **PARAMS, **({} if comm == "one2one" else BOUNDS),
        )  # fmt: skip

    def update(self):
        self.pre()
        self.proj()
        self.post(jnp.asarray(DATA["I_post"])[eqbrain.share.load("i")])
        refs = self.proj.refs
        return (
            weights(self.proj.comm),
            refs["pre_trace"].g.value,
            refs["post_trace"].g.value,
            self.post.spike.value,
            self.post.V.value,
        )


class Everything(eqbrain.DynamicalSystem):
    """Every network side by side, so that one loop compiles them all."""

    nets: eqbrain.NodeList

    def __init__(self):
        super().__init__()
        self.nets = eqbrain.NodeList([Recorded(*case[1:]) for case in CASES])

    def update(self):
        return [net() for net in self.nets]


@pytest.fixture(scope="module")
def runs():
    """`(model, outputs)`: each network's records over 300 steps, run once."""
    with eqbrain.share.context(dt=DT):
        model = Everything()
        out = eqbrain.for_loop(model.step_run, jnp.arange(DATA["I_post"].shape[0]))
    return model, [jax_tree_numpy(o) for o in out]


def jax_tree_numpy(x):
    return [np.asarray(a) for a in x] if isinstance(x, tuple | list) else np.asarray(x)


@pytest.mark.parametrize("k", range(len(CASES)), ids=[c[0] for c in CASES])
def test_STDP(runs, k):
    name = CASES[k][0]
    W, pre_trace, post_trace, spike, V = runs[1][k]
    np.testing.assert_allclose(W, DATA[f"{name}/W"], atol=2e-6)
    np.testing.assert_allclose(pre_trace, DATA[f"{name}/pre_trace"], atol=2e-6)
    np.testing.assert_allclose(post_trace[1:], DATA[f"{name}/post_trace"][:-1], atol=2e-6)
    np.testing.assert_array_equal(spike, DATA[f"{name}/post_spike"])
    np.testing.assert_allclose(V, DATA[f"{name}/post_V"], atol=1e-4)
    assert np.abs(W[-1] - W[0]).max() > 0.05  # the weights did learn


# -- STDP_test.py: the whole product ----------------------------------------------------

PRODUCT = [
    (comm, delay, syn, out)
    for comm in ("csr", "dense", "masked_linear", "all2all", "one2one")
    for delay in (None, 0.0, 2.0)
    for syn in ("exp", "dual_exp", "ampa")
    for out in ("cuba", "coba", "mg")
]
P_DT, P_STEPS = 0.5, 16  # the 2 ms delay is 4 steps
PRE_AT, POST_AT = (0, 8), (3, 11)  # the steps whose drive makes each population spike
TAU_S, TAU_T, A1, A2 = 16.8, 33.7, 0.96, 0.53  # BrainPy's case
E_OUT = 0.0


def product_comm(kind: str, syn: str):
    """BrainPy's layer of each kind for one pre- and one postsynaptic neuron (an
    all-to-one `FixedProb(1)` mask), every weight 0.1; BrainPy's `'csr'` is the event
    layer under `Expon`."""
    mask = np.ones((1, 1), bool)
    w = np.full((1, 1), 0.1, np.float32)
    if kind == "csr":
        layer = eqbrain.dnn.EventCSRLinear if syn == "exp" else eqbrain.dnn.CSRLinear
        return layer(mask, weight=w[0])
    return {
        "dense": lambda: eqbrain.dnn.Dense(1, 1, W_initializer=w, b_initializer=None),
        "masked_linear": lambda: eqbrain.dnn.MaskedLinear(mask, weight=w),
        "all2all": lambda: eqbrain.dnn.AllToAll(1, 1, weight=w),
        "one2one": lambda: eqbrain.dnn.OneToOne(1, weight=w[0]),
    }[kind]()


PRODUCT_SYNS = {
    "exp": lambda: eqbrain.dyn.Expon.desc(1, tau=5.0),
    "dual_exp": lambda: eqbrain.dyn.DualExpon.desc(1),
    "ampa": lambda: eqbrain.dyn.AMPA.desc(1),
}
PRODUCT_OUTS = {
    "cuba": lambda: eqbrain.dyn.CUBA.desc(),
    "coba": lambda: eqbrain.dyn.COBA.desc(E=E_OUT),
    "mg": lambda: eqbrain.dyn.MgBlock.desc(E=E_OUT),
}


def one_weight(comm) -> jnp.ndarray:
    """The single learnt weight of a one-synapse layer."""
    if isinstance(comm, eqbrain.dnn.Dense):
        return comm.W.value.reshape(())
    if isinstance(comm, eqbrain.dnn.CSRLinear):
        assert comm.conn.weights is not None
        valid = comm.conn.indices.value < comm.num_post
        return jnp.sum(jnp.where(valid, comm.conn.weights.value, 0.0))
    return comm.weight.value.reshape(())


class Product(eqbrain.DynamicalSystem):
    """All 135 projections of BrainPy's product, each between the same one-neuron `LifRef`
    populations, so that one compiled step runs them all.

    The spikes are set by the drive (`R = 0.01` with a drive of 1e5 at the steps in
    `PRE_AT`, `POST_AT`): the 135 currents summed on `post` stay far below threshold, so
    each projection learns as it would alone.
    """

    pre: eqbrain.dyn.LifRef
    post: eqbrain.dyn.LifRef
    projs: eqbrain.NodeList

    def __init__(self):
        super().__init__()
        self.pre = eqbrain.dyn.LifRef(1)
        self.post = eqbrain.dyn.LifRef(1, R=0.01)
        self.projs = eqbrain.NodeList(
            [
                eqbrain.dyn.STDP_Song2000(
                    self.pre,
                    delay,
                    PRODUCT_SYNS[syn](),
                    product_comm(comm, syn),
                    PRODUCT_OUTS[out](),
                    self.post,
                    tau_s=TAU_S,
                    tau_t=TAU_T,
                    A1=A1,
                    A2=A2,
                    W_min=0.0,
                    W_max=1.0,
                )  # fmt: skip
                for comm, delay, syn, out in PRODUCT
            ]
        )

    def update(self, I_pre, I_post):
        V = self.post.V.value  # the potential the currents below act on
        rec = []
        for proj in self.projs:
            proj()
            g = proj.current.g.value
            rec.append((one_weight(proj.comm), proj.pre_trace.g.value[0],
                        proj.post_trace.g.value[0], g[0], proj.current(V)[0]))  # fmt: skip
        self.pre(I_pre)
        self.post(I_post)
        return self.pre.spike.value[0], self.post.spike.value[0], V[0], rec


@pytest.fixture(scope="module")
def product_runs():
    """`(pre_spike, post_spike, V, per-projection records (steps, 5))`, stepped by one
    compiled step."""
    drive_pre = [1e5 if n in PRE_AT else 0.0 for n in range(P_STEPS)]
    drive_post = [1e5 if n in POST_AT else 0.0 for n in range(P_STEPS)]
    with eqbrain.share.context(dt=P_DT):
        model = Product()
        step = eqbrain.jit(model.step_run)
        outs = [step(n, drive_pre[n], drive_post[n]) for n in range(P_STEPS)]
    pre = np.array([o[0] for o in outs])
    post = np.array([o[1] for o in outs])
    V = np.array([o[2] for o in outs])
    rec = np.array([[np.asarray(r) for r in o[3]] for o in outs])  # (steps, 135, 5)
    return pre, post, V, rec.transpose(1, 0, 2)


@pytest.mark.parametrize("k", range(len(PRODUCT)), ids=["-".join(map(str, c)) for c in PRODUCT])
def test_STDP_product(product_runs, k):
    comm, delay, syn, out = PRODUCT[k]
    pre, post, V, rec = product_runs
    np.testing.assert_array_equal(np.flatnonzero(pre), PRE_AT)
    np.testing.assert_array_equal(np.flatnonzero(post), POST_AT)
    W, A_pre, A_post, g, current = rec[k].T
    assert np.all(np.isfinite(rec[k]))
    # the projection runs before the populations: it sees the spikes of the step before,
    # the presynaptic ones `delay` later
    lag = 1 + (0 if delay is None else round(delay / P_DT))
    arrive = np.zeros(P_STEPS)
    arrive[lag:] = pre[:-lag]
    seen = np.zeros(P_STEPS)
    seen[1:] = post[:-1]
    # the traces and the weight, step by step, from Song et al.'s rule
    want_pre = want_post = 0.0
    w = 0.1
    for n in range(P_STEPS):
        want_pre = want_pre * np.exp(-P_DT / TAU_S) + arrive[n]
        want_post = want_post * np.exp(-P_DT / TAU_T) + seen[n]
        w = np.clip(np.clip(w - A2 * want_post * arrive[n], 0, 1) + A1 * want_pre * seen[n], 0, 1)
        assert A_pre[n] == pytest.approx(want_pre, abs=1e-5)
        assert A_post[n] == pytest.approx(want_post, abs=1e-5)
        assert W[n] == pytest.approx(w, abs=1e-5), f"weight at step {n}"
    dW = np.diff(W, prepend=np.float32(0.1))
    assert np.any(dW > 0) and np.any(dW < 0)  # learnt both ways, within [0, 1]
    assert np.all(dW[(arrive == 0) & (seen == 0)] == 0)
    # no conductance before the first spike arrives, then some if a weight carries it:
    # `Expon` after `comm` takes the weight at the arrival, the others filter the spike
    # and `comm` weighs the result at every step
    first = int(np.argmax(arrive))
    carried = np.any(W[arrive > 0] > 0) if syn == "exp" else np.any(W[first:] > 0)
    assert np.all(g[:first] == 0) and np.any(g[first:] > 0) == carried
    # the current each output gives for the conductance and potential
    drive = {"cuba": g, "coba": g * (E_OUT - V), "mg": g * (E_OUT - V)}[out]
    if out == "mg":  # the magnesium block scales the COBA current by a factor in (0, 1]
        assert np.all(np.sign(current) == np.sign(drive))
        assert np.all(np.abs(current) <= np.abs(drive) + 1e-7)
    else:
        np.testing.assert_allclose(current, drive, rtol=1e-5, atol=1e-7)


# -- dyn/dyn_neurons_synapses_fixes_test.py ---------------------------------------------


def test_stdp_song2000_runs_and_changes_weight(runs):
    model, out = runs
    W = out[0][0]  # STDP over AllToAll
    assert isinstance(model.nets[0].proj.comm.weight, eqbrain.TrainVar)
    assert not np.allclose(W[0], W[-1]) and np.all(np.isfinite(W))


def test_stdp_song2000_default_none_bounds_do_not_crash(runs):
    k = [c[0] for c in CASES].index("one2one_exp_coba")
    proj = runs[0].nets[k].proj
    assert proj.W_min is None and proj.W_max is None
    assert np.all(np.isfinite(runs[1][k][0]))


def test_stdp_song2000_bounds_clamp_weight(runs):
    W = runs[1][[c[0] for c in CASES].index("masked_dualexp_coba")][0]
    assert np.all(W <= 0.6) and np.all(W >= 0.0)
    assert np.any((W[-1] == 0.0) | (W[-1] == 0.6))  # a bound was reached, not just kept


def test_dense_stdp_update_promotes_weight():
    dense = eqbrain.dnn.Dense(3, 4, W_initializer=np.linspace(0.0, 0.1, 12).reshape(3, 4))
    w0 = dense.W.value
    dense.stdp_update(on_pre={"spike": jnp.array([1.0, 0.0, 1.0]), "trace": jnp.arange(4.0)})
    assert isinstance(dense.W, eqbrain.TrainVar)
    np.testing.assert_allclose(dense.W.value - w0, np.outer([1, 0, 1], np.arange(4.0)))


# -- dnn/boost_linear_test.py ------------------------------------------------------------

rng = np.random.default_rng(0)


def normal(shape):
    """BrainPy's `bp.init.Normal()` weights, drawn by NumPy (no compilation)."""
    return rng.normal(size=shape).astype(np.float32)


def spikes(n):
    return jnp.asarray(rng.random(n) < 0.5, float)


def traces(n):
    return jnp.asarray(rng.random(n), jnp.float32)


def check_both_branches(layer, get, n_pre, n_post, dense_of=None):
    """`on_pre` then `on_post`, each the outer-product rule, clipped to [0, 1]."""
    dense_of = dense_of or (lambda w: w)
    w = np.asarray(dense_of(get(layer)))
    s, t = spikes(n_pre), traces(n_post)
    layer.stdp_update(on_pre={"spike": s, "trace": t}, w_min=0.0, w_max=1.0)
    w = np.clip(w + np.outer(s, t), 0.0, 1.0)
    s, t = spikes(n_post), traces(n_pre)
    layer.stdp_update(on_post={"spike": s, "trace": t}, w_min=0.0, w_max=1.0)
    w = np.clip(w + np.outer(t, s), 0.0, 1.0)
    return w, np.asarray(dense_of(get(layer)))


def test_dense_stdp_update():
    f = eqbrain.dnn.Dense(8, 6, W_initializer=normal((8, 6)))
    want, got = check_both_branches(f, lambda f: f.W.value, 8, 6)
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert f.W.shape == (8, 6)


def test_dense_stdp_scalar_weight_raises():
    # eqbrain's Dense always holds a (num_in, num_out) W: its one-weight layers are these
    f = eqbrain.dnn.AllToAll(8, 6, weight=0.1)
    with pytest.raises(ValueError, match="one weight for every connection"):
        f.stdp_update(on_pre={"spike": spikes(8), "trace": traces(6)})


def test_alltoall_stdp_and_scalar_guard():
    f = eqbrain.dnn.AllToAll(8, 6, weight=normal((8, 6)))
    want, got = check_both_branches(f, lambda f: f.weight.value, 8, 6)
    np.testing.assert_allclose(got, want, atol=1e-6)
    fs = eqbrain.dnn.AllToAll(8, 6, weight=0.1)
    with pytest.raises(ValueError, match="weight=eqbrain.init.Uniform"):
        fs.stdp_update(on_pre={"spike": spikes(8), "trace": traces(6)})
    assert float(fs.weight.value) == pytest.approx(0.1)


def test_onetoone_stdp_and_constant_guard():
    f = eqbrain.dnn.OneToOne(8, weight=normal(8))
    w = np.asarray(f.weight.value)
    s1, t1, s2, t2 = spikes(8), traces(8), spikes(8), traces(8)
    f.stdp_update(on_pre={"spike": s1, "trace": t1})
    f.stdp_update(on_post={"spike": s2, "trace": t2})
    np.testing.assert_allclose(f.weight.value, w + s1 * t1 + s2 * t2, atol=1e-6)
    fc = eqbrain.dnn.OneToOne(8, weight=0.1)
    with pytest.raises(ValueError, match="OneToOne"):
        fc.stdp_update(on_pre={"spike": spikes(8), "trace": traces(8)})


def test_maskedlinear_stdp_and_constant_guard():
    conn = eqbrain.dyn.FixedProb(10, 10, prob=0.3, seed=123)
    f = eqbrain.dnn.MaskedLinear(conn, weight=normal((10, 10)))
    want, got = check_both_branches(f, lambda f: f.weight.value, 10, 10)
    np.testing.assert_allclose(got, want, atol=1e-6)
    fc = eqbrain.dnn.MaskedLinear(conn, weight=0.1)
    with pytest.raises(ValueError, match="MaskedLinear"):
        fc.stdp_update(on_pre={"spike": spikes(10), "trace": traces(10)})


def test_csrlinear_stdp_both_branches_and_guard():
    conn = eqbrain.dyn.FixedProb(10, 10, prob=0.3, seed=123)
    f = eqbrain.dnn.CSRLinear(conn, weight=normal(conn.n_synapses))
    mask = f.conn.to_dense() != 0
    want, got = check_both_branches(f, lambda f: f.conn.to_dense(), 10, 10)
    np.testing.assert_allclose(got, np.where(mask, want, 0.0), atol=1e-6)
    fs = eqbrain.dnn.CSRLinear(conn, weight=0.5)
    with pytest.raises(ValueError, match="CSRLinear"):
        fs.stdp_update(on_pre={"spike": spikes(10), "trace": traces(10)})


def test_csrlinear_stdp_weight_shape_guard():
    conn = eqbrain.dyn.FixedProb(10, 10, prob=0.3, seed=1)
    with pytest.raises(ValueError, match="weight"):
        eqbrain.dnn.CSRLinear(conn, weight=np.random.default_rng(1).random(1000))
