"""Expon synapses, COBA/CUBA outputs and the AlignPostProj projection."""

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain


def test_expon_decays_exactly_then_adds_the_input():
    syn = eqbrain.dyn.Expon(3, tau=5.0)
    with eqbrain.share.context(dt=0.1):
        g = syn(jnp.array([1.0, 2.0, 0.0]))
        for _ in range(49):
            g = syn()
    np.testing.assert_allclose(g, np.array([1.0, 2.0, 0.0]) * np.exp(-4.9 / 5.0), rtol=1e-5)
    syn.reset_state()
    np.testing.assert_array_equal(syn.g.value, np.zeros(3))


def test_expon_bad_tau():
    with pytest.raises(ValueError, match="tau must be positive, got -1"):
        eqbrain.dyn.Expon(3, tau=-1.0)


def test_coba_and_cuba_outputs():
    g, V = jnp.array([0.5, 1.0]), jnp.array([-60.0, -50.0])
    np.testing.assert_allclose(eqbrain.dyn.COBA(E=-80.0)(g, V), [-10.0, -30.0])
    np.testing.assert_allclose(eqbrain.dyn.COBA(E=0.0)(g, V), [30.0, 50.0])
    np.testing.assert_array_equal(eqbrain.dyn.CUBA()(g, V), g)


def test_projection_chains_connectivity_synapse_and_output():
    comm = eqbrain.dyn.FixedProb(5, 4, prob=0.5, weight=0.3, seed=2)
    proj = eqbrain.dyn.AlignPostProj(
        comm=comm, syn=eqbrain.dyn.Expon(4, tau=5.0), out=eqbrain.dyn.COBA(E=0.0)
    )
    spike = jnp.array([True, False, True, True, False])
    V = jnp.full(4, -60.0)
    with eqbrain.share.context(dt=0.1):
        current = proj(spike, V)
    # BrainPy's align-post order: the arriving weight is added, then the synapse steps
    arriving = np.asarray(spike, np.float32) @ comm.to_dense() * np.exp(-0.1 / 5.0)
    np.testing.assert_allclose(proj.syn.g.value, arriving, rtol=1e-6)
    np.testing.assert_allclose(current, arriving * 60.0, rtol=1e-6)
    assert set(proj.nodes(method="relative")) == {"", "comm", "syn", "out"}
    assert list(proj.vars(method="relative")) == ["comm.indices", "syn.g"]
