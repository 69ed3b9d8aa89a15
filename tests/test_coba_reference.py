"""eqbrain's COBA example against the hand-written pure-JAX network of the benchmark.

`benchmarks/coba_reference.py` writes the same equations, in the same order, as one
`lax.scan` with no eqbrain inside; given eqbrain's connectivity and initial potentials
it must produce the very same spikes. This guards the benchmark's claim that both run
the same algorithm (and eqbrain's model against silent changes of its update order).
"""

from __future__ import annotations

import numpy as np
import pytest

import eqbrain
from tests.helpers import ROOT, load_script


@pytest.fixture(scope="module")
def ref():
    return load_script("benchmarks/coba_reference.py", "_test_coba_reference")


@pytest.fixture(scope="module")
def example():
    path = ROOT / "examples" / "coba_ei_network.py"
    if not path.exists():
        pytest.skip("examples/coba_ei_network.py is not written yet")
    return load_script("examples/coba_ei_network.py", "_test_coba_ei_network")


def _eqbrain_and_inputs(example, scale: float, duration: float):
    net = example.build(scale, seed=0)
    V0 = np.asarray(net.N.V.value)
    runner = eqbrain.DSRunner(net, monitors=["N.spike"], dt=0.1)
    runner.run(duration)
    spikes = runner.mon["N.spike"]
    conn = {
        "indices_E": np.asarray(net.E.comm.indices.value),
        "indices_I": np.asarray(net.I.comm.indices.value),
        "w_exc": net.E.comm.weight,
        "w_inh": net.I.comm.weight,
    }
    return np.asarray(spikes), V0, conn


def test_eqbrain_spikes_equal_hand_written_jax(ref, example):
    spikes, V0, conn = _eqbrain_and_inputs(example, scale=0.1, duration=100.0)
    n_steps = spikes.shape[0]
    assert n_steps == 1000 and spikes.shape[1] == 400
    kw = dict(n_steps=n_steps, w_exc=conn["w_exc"], w_inh=conn["w_inh"], dt=0.1)
    event = np.asarray(ref.simulate_event(conn["indices_E"], conn["indices_I"], V0, **kw))
    dense = np.asarray(ref.simulate_dense(conn["indices_E"], conn["indices_I"], V0, **kw))
    assert spikes.sum() > 1000  # the network is active: the comparison means something
    np.testing.assert_array_equal(event, spikes)
    np.testing.assert_array_equal(dense, spikes)


def test_reference_lif_step_is_eqbrains_float_for_float(ref):
    """One step of the reference's LIF equals one step of `eqbrain.dyn.LIF` bit for bit
    (both compiled). The closed form `V_inf + (V - V_inf) exp(-dt / tau)` differs in the
    last bit for some neurons: over 100 ms it still gives the same spikes, over a second
    it does not."""
    import equinox as eqx
    import jax
    import jax.numpy as jnp

    V = jnp.linspace(-70.0, -50.5, 400)
    I = 4.5 + 4.5 * jnp.sin(jnp.arange(400.0))  # V_inf = V_rest + I stays below V_th
    lif = eqbrain.dyn.LIF(
        400,
        V_rest=ref.V_REST,
        V_reset=ref.V_RESET,
        V_th=ref.V_TH,
        tau=ref.TAU,
        tau_ref=ref.TAU_REF,
        V_initializer=V,
    )

    @eqx.filter_jit
    def step(model, I):
        with eqbrain.share.context(t=0.0, dt=0.1):
            spike = model(I)
        return model.V.value, spike

    ours, spike = step(lif, I)
    theirs = jax.jit(ref.lif_step, static_argnums=2)(V, I, 0.1)
    assert not np.asarray(spike).any()
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_reference_connectivity_and_initial_V(ref):
    indices = ref.fixed_prob(3, 200, 300, prob=0.1)
    assert indices.shape[0] == 201 and (indices[-1] == 300).all()
    real = indices[:-1][indices[:-1] < 300]
    assert 0.08 < real.size / (200 * 300) < 0.12
    for row in indices[:-1]:  # sorted, distinct targets, then the padding
        targets = row[row < 300]
        assert (np.diff(targets) > 0).all() and (row[targets.size :] == 300).all()
    V0 = np.asarray(ref.initial_V(0, 10_000))
    assert abs(V0.mean() + 55.0) < 0.1 and abs(V0.std() - 2.0) < 0.1


def test_event_sum_equals_dense_sum(ref):
    # More spikes than one group, repeated targets, and the padded sentinel row.
    rng = np.random.default_rng(0)
    indices = ref.fixed_prob(1, 100, 50, prob=0.2)
    for p in (0.0, 0.05, 0.5, 1.0):
        spikes = rng.random(100) < p
        event = np.asarray(ref.event_sum(spikes, indices, 0.5, 50, group=8))
        dense = np.asarray(ref.dense_sum(spikes, indices, 0.5, 50))
        expected = np.zeros(50)
        for i in np.flatnonzero(spikes):
            np.add.at(expected, indices[i][indices[i] < 50], 0.5)
        np.testing.assert_allclose(event, expected, rtol=1e-6)
        np.testing.assert_allclose(dense, expected, rtol=1e-6)
