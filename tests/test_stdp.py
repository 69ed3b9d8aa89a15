"""`STDP_Song2000` as part of a model: its weights are state (listed, saved, loaded),
it runs under the runner, it delivers its current through the population's registered
inputs, and bad arguments are refused before anything changes. The numbers against
BrainPy are in `tests/brainpy_parity/test_dyn_plasticity.py`."""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain

DT = 0.1
W0 = np.linspace(0.1, 0.5, 6, dtype=np.float32).reshape(3, 2)


class Net(eqbrain.DynSysGroup):
    pre: eqbrain.dyn.SpikeTimeGroup
    post: eqbrain.dyn.LifRef
    syn: eqbrain.dyn.STDP_Song2000

    def __init__(self):
        super().__init__()
        self.pre = eqbrain.dyn.SpikeTimeGroup(3, indices=[0, 1, 2, 0], times=[0.5, 1.0, 1.5, 2.5])
        self.post = eqbrain.dyn.LifRef(2, V_th=1.0, V_reset=0.0, tau=2.0)
        self.syn = eqbrain.dyn.STDP_Song2000(
            self.pre, None, eqbrain.dyn.Expon.desc(2, tau=5.0),
            eqbrain.dnn.AllToAll(3, 2, weight=W0), eqbrain.dyn.COBA.desc(E=5.0), self.post,
            tau_s=2.0, tau_t=3.0, A1=0.05, A2=0.06, W_min=0.0, W_max=0.6,
        )  # fmt: skip

    def update(self):
        self.pre()
        self.syn()
        self.post(jnp.full(2, 0.6))


@pytest.fixture(scope="module")
def ran():
    """A network after 40 steps under the runner, and its records."""
    with eqbrain.share.context(dt=DT):
        net = Net()
        runner = eqbrain.DSRunner(net, monitors=["post.spike", "syn.comm.weight"])
        runner.run(4.0)
    return net, runner


def test_runs_under_the_runner_and_learns(ran):
    net, runner = ran
    w = np.asarray(runner.mon["syn.comm.weight"])
    assert w.shape == (40, 3, 2) and runner.mon["post.spike"].sum() > 0
    assert not np.allclose(w[-1], W0) and np.all((w >= 0) & (w <= 0.6))


def test_weights_are_state_of_the_comm_layer(ran):
    net, _ = ran
    weight = net.syn.comm.weight
    assert isinstance(weight, eqbrain.TrainVar)
    assert net.vars(method="relative")["syn.comm.weight"] is weight
    assert weight in list(net.train_vars().values())


def test_a_checkpoint_carries_the_learnt_weights(ran, tmp_path):
    net, _ = ran
    eqbrain.save(tmp_path / "stdp.safetensors", net)
    with eqbrain.share.context(dt=DT):
        fresh = Net()
    np.testing.assert_array_equal(fresh.syn.comm.weight.value, W0)
    eqbrain.load(tmp_path / "stdp.safetensors", fresh)
    np.testing.assert_array_equal(fresh.syn.comm.weight.value, net.syn.comm.weight.value)
    np.testing.assert_array_equal(fresh.syn.pre_trace.g.value, net.syn.pre_trace.g.value)


def test_reset_state_keeps_the_learnt_weights_and_clears_the_traces(ran):
    net, _ = ran
    learnt = net.syn.comm.weight.value
    assert float(jnp.abs(net.syn.pre_trace.g.value).sum()) > 0
    net.reset_state()
    np.testing.assert_array_equal(net.syn.comm.weight.value, learnt)  # as BrainPy's
    for var in (net.syn.pre_trace.g, net.syn.post_trace.g, net.syn.current.g):
        np.testing.assert_array_equal(var.value, 0.0)


def test_the_current_reaches_post_through_its_registered_inputs():
    with eqbrain.share.context(dt=DT):
        net = Net()
    assert list(net.post.current_inputs or {}) == [net.syn.name]
    net.syn.current.g.value = jnp.array([0.5, 1.0])
    V = jnp.array([1.0, 2.0])
    # COBA(E=5): 1 + g (E - V)
    np.testing.assert_allclose(net.post.sum_current_inputs(V, init=1.0), [3.0, 4.0])
    assert net.syn.refs["out"] is net.syn.out and net.syn.refs["post"] is net.post


def test_desc_builds_the_described_model():
    d = eqbrain.dyn.Expon.desc(4, tau=2.0)
    syn = d()
    assert d.cls is eqbrain.dyn.Expon and syn.size == (4,) and float(syn.tau) == 2.0
    assert repr(d) == "Expon.desc(4, tau=2.0)"


# -- bad arguments ------------------------------------------------------------------------


def parts(n_pre=3, n_post=2):
    pre = eqbrain.dyn.SpikeTimeGroup(n_pre, indices=[0], times=[0.5])
    post = eqbrain.dyn.LifRef(n_post)
    return pre, post


def build(pre, post, comm=None, syn=None, **kw):
    comm = eqbrain.dnn.AllToAll(3, 2, weight=W0) if comm is None else comm
    syn = eqbrain.dyn.Expon.desc(post.num, tau=5.0) if syn is None else syn
    return eqbrain.dyn.STDP_Song2000(pre, None, syn, comm, eqbrain.dyn.CUBA.desc(), post, **kw)


BAD = [
    (dict(tau_s=0.0), ValueError, "tau_s is a time constant in ms and must be > 0"),
    (dict(tau_t=-3.0), ValueError, "tau_t is a time constant in ms and must be > 0"),
    (dict(W_min=0.5, W_max=0.1), ValueError, "W_min=0.5 is above W_max=0.1"),
    (
        dict(comm=eqbrain.dyn.FixedProb(3, 2, prob=1.0, weight=0.1, seed=0)),
        TypeError,
        "comm FixedProb has no weight to learn",
    ),
    (
        dict(comm=eqbrain.dnn.AllToAll(3, 2, weight=0.1)),
        ValueError,
        "has one weight for every connection",
    ),
    (
        dict(comm=eqbrain.dnn.AllToAll(4, 2, weight=np.ones((4, 2)))),
        ValueError,
        "connects 4 inputs to 2 outputs, but pre",
    ),
    (
        dict(syn=eqbrain.dyn.Expon.desc(3, tau=5.0)),
        ValueError,
        "must be sized like post (2 neurons)",
    ),
    (dict(syn=lambda: None), TypeError, "syn must be an eqbrain model or its `.desc(...)`"),
]


@pytest.mark.parametrize("kw, error, message", BAD, ids=[m for *_, m in BAD])
def test_bad_arguments_are_refused_and_nothing_changes(kw, error, message):
    pre, post = parts()
    comm = kw.pop("comm", eqbrain.dnn.AllToAll(3, 2, weight=W0))
    before = {k: np.asarray(v.value) for k, v in comm.vars(method="relative").items()}
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        build(pre, post, comm=comm, **kw)
    assert post.current_inputs is None  # nothing was registered on post
    after = {k: np.asarray(v.value) for k, v in comm.vars(method="relative").items()}
    assert before.keys() == after.keys()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_a_population_without_spikes_is_refused():
    _, post = parts()
    with pytest.raises(TypeError, match="pre must be a population with a `spike` Variable"):
        build(eqbrain.dyn.Expon(3), post)
    assert post.current_inputs is None


def test_batched_populations_are_refused():
    pre = eqbrain.dyn.PoissonGroup(3, freqs=10.0, seed=0, batch_size=2)
    _, post = parts()
    with pytest.raises(ValueError, match="pre PoissonGroup0 is batched|pre .* is batched"):
        build(pre, post)
    assert post.current_inputs is None


def test_add_inp_fun_refuses_a_function_and_a_key_twice():
    _, post = parts()
    with pytest.raises(TypeError, match="fun must be an eqbrain DynamicalSystem"):
        post.add_inp_fun("f", lambda V: V)  # type: ignore[arg-type]
    post.add_inp_fun("out", eqbrain.dyn.CUBA())
    with pytest.raises(ValueError, match="the key 'out' is already registered"):
        post.add_inp_fun("out", eqbrain.dyn.CUBA())
    assert list(post.current_inputs or {}) == ["out"]


def test_a_copy_made_before_add_inp_fun_refuses_to_run_without_the_source():
    post = eqbrain.dyn.LifRef(2)
    early = eqx.tree_at(lambda p: p.tau, post, 5.0)  # a functional copy, made first
    jitted = eqx.filter_jit(lambda p: p)(post)  # a module returned by filter_jit
    post.add_inp_fun("drive", eqbrain.dyn.CUBA())
    V = jnp.zeros(2)
    for copy in (early, jitted):
        assert copy.current_inputs is None  # the copy does not hold the source ...
        with pytest.raises(RuntimeError, match=r"made before \['drive'\] was registered"):
            copy.sum_current_inputs(V)  # ... so it refuses to run without it
        with eqbrain.share.context(dt=0.1), pytest.raises(RuntimeError, match="Build the"):
            copy.update(1.0)
        np.testing.assert_array_equal(copy.V.value, 0.0)  # nothing stepped
    # the live module and a copy made after the registration hold it and run
    late = eqx.tree_at(lambda p: p.tau, post, 5.0)
    for pop in (post, late):
        np.testing.assert_array_equal(pop.sum_current_inputs(V, init=1.0), 1.0)
    # equal populations keep one pytree structure
    assert jax.tree.structure(eqbrain.dyn.LifRef(2)) == jax.tree.structure(early)
