"""Parity with BrainPy 2.8's plasticity tests: `brainpy/dyn/projections/STDP_test.py`,
the STDP cases of `brainpy/dyn/dyn_neurons_synapses_fixes_test.py` and the
`stdp_update` cases of `brainpy/dnn/boost_linear_test.py`.

In scope: 146 cases. Run here: 17, all passing.

- `Test_STDP.test_STDP` (135): BrainPy's product of 5 connection layers x 3 delays x 3
  synapses x 3 outputs; each builds a 1-to-1 network, runs 300 ms and checks only that it
  runs. The port runs 6 combinations (every layer, every synapse and output kind, with
  and without a delay) and compares them with BrainPy's numbers, recorded for the same
  spike trains, inputs and initial weights by `tests/data/brainpy_stdp/generate.py`: the
  weights, the presynaptic trace and the postsynaptic spikes and potentials equal
  BrainPy's at every step. The other 129 are not run: every combination compiles a
  network of its own (about 0.6 s of CPU here), so the product would cost 80 s.
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
