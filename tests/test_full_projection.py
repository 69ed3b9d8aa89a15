"""Projections that hold their populations: BrainPy's FullProjAlignPost / AlignPre forms."""

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dyn


class Net(eqbrain.Network):
    N: eqbrain.dyn.LifRef
    E: (
        eqbrain.dyn.FullProjAlignPost[eqbrain.dyn.Expon]
        | eqbrain.dyn.FullProjAlignPre[eqbrain.dyn.Expon]
    )

    def __init__(self, align: str, delay=None, weight: float = 0.5):
        super().__init__()
        self.N = eqbrain.dyn.LifRef(60, V_initializer=jnp.linspace(0.0, 19.0, 60))
        comm = eqbrain.dyn.FixedProb(60, 60, prob=0.2, weight=weight, seed=3)
        if align == "post":
            self.E = eqbrain.dyn.FullProjAlignPost(
                pre=self.N, comm=comm, syn=eqbrain.dyn.Expon(60, tau=5.0),
                out=eqbrain.dyn.CUBA(), post=self.N, delay=delay,
            )  # fmt: skip
        else:
            self.E = eqbrain.dyn.FullProjAlignPre(
                pre=self.N, syn=eqbrain.dyn.Expon(60, tau=5.0), comm=comm,
                out=eqbrain.dyn.CUBA(), post=self.N, delay=delay,
            )  # fmt: skip

    def update(self, x):
        return self.N(self.E() + x)


def _run(net, steps=300):
    xs = jnp.full((steps, 60), 21.0)
    return eqbrain.run(net, inputs=xs, monitors=["N.spike", "N.V"], dt=0.1)


def test_the_projection_holds_the_networks_own_population():
    net = Net("post")
    assert net.E.pre is net.N and net.E.post is net.N
    keys = set(net.vars(method="relative").unique())
    assert {"N.V", "E.proj.syn.g"} <= keys and not any(k.startswith("E.pre.") for k in keys)


def test_full_align_post_gives_what_the_explicit_projection_gives():
    net = Net("post")
    twin = eqbrain.dyn.AlignPostProj(
        dyn.FixedProb(60, 60, prob=0.2, weight=0.5, seed=3), dyn.Expon(60, tau=5.0),
        eqbrain.dyn.CUBA(),
    )  # fmt: skip
    with eqbrain.share.context(t=0.0, i=0, dt=0.1):
        net.N.spike.value = jnp.arange(60) % 3 == 0
        np.testing.assert_array_equal(net.E(), twin(net.N.spike.value, net.N.V.value))


@pytest.mark.parametrize("delay", [None, 1.0])
def test_align_pre_and_align_post_agree_for_a_linear_synapse(delay):
    # As in BrainPy, align-post adds the arriving weight before the synapse's step and
    # align-pre after it: for a linear synapse, align-pre with the weight decayed over
    # one step is the same network.
    decayed = 0.5 * float(np.exp(-0.1 / 5.0))
    post, pre = _run(Net("post", delay)), _run(Net("pre", delay, weight=decayed))
    assert np.asarray(post["N.spike"]).sum() > 20
    np.testing.assert_array_equal(np.asarray(pre["N.spike"]), np.asarray(post["N.spike"]))
    np.testing.assert_allclose(pre["N.V"], post["N.V"], rtol=1e-4, atol=1e-3)


def test_state_round_trips_and_resets_with_the_network(tmp_path):
    net = Net("pre", delay=0.5)
    _run(net, 50)
    eqbrain.save(tmp_path / "net.safetensors", net)
    fresh = Net("pre", delay=0.5)
    assert eqbrain.load(tmp_path / "net.safetensors", fresh, strict=True) == ([], [])
    assert isinstance(net.E, eqbrain.dyn.FullProjAlignPre) and net.E.delay is not None
    assert isinstance(fresh.E, eqbrain.dyn.FullProjAlignPre) and fresh.E.delay is not None
    np.testing.assert_array_equal(fresh.E.delay.data.value, net.E.delay.data.value)
    np.testing.assert_array_equal(fresh.N.V.value, net.N.V.value)
    net.reset_state()
    assert not np.asarray(net.E.syn.g.value).any()


def test_populations_without_spike_or_potential_are_refused():
    with pytest.raises(TypeError, match="presynaptic population must have a `spike`"):
        eqbrain.dyn.FullProjAlignPost(
            pre=eqbrain.dyn.Expon(3), comm=eqbrain.dyn.One2One(3), syn=eqbrain.dyn.Expon(3),
            out=eqbrain.dyn.CUBA(), post=eqbrain.dyn.LifRef(3),
        )  # fmt: skip
    with pytest.raises(TypeError, match="postsynaptic population must have a `V`"):
        eqbrain.dyn.FullProjAlignPre(
            pre=eqbrain.dyn.LifRef(3), syn=eqbrain.dyn.Expon(3), comm=eqbrain.dyn.One2One(3),
            out=eqbrain.dyn.CUBA(), post=eqbrain.dyn.Expon(3),
        )  # fmt: skip
