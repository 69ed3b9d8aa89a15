"""FixedProb connectivity: the drawn graph, and event-driven propagation."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import eqbrain
from eqbrain.dyn.projections import _fixedprob
from eqbrain.dyn.projections._event import dense_sum, event_sum, spike_lister


def test_number_of_synapses_is_binomial():
    n_pre, n_post, p = 400, 500, 0.02
    conn = eqbrain.dyn.FixedProb(n_pre, n_post, p, seed=0)
    mean, sd = n_pre * n_post * p, np.sqrt(n_pre * n_post * p * (1 - p))
    assert abs(conn.n_synapses - mean) < 5 * sd
    dense = conn.to_dense() != 0
    assert dense.sum() == conn.n_synapses  # no pair drawn twice
    # Rows and columns are both used evenly (no bias towards the start of the grid).
    assert abs(dense[: n_pre // 2].sum() - dense[n_pre // 2 :].sum()) < 6 * sd
    assert abs(dense[:, : n_post // 2].sum() - dense[:, n_post // 2 :].sum()) < 6 * sd


def test_seed_determines_the_graph():
    a = eqbrain.dyn.FixedProb(50, 60, 0.1, seed=1).to_dense()
    b = eqbrain.dyn.FixedProb(50, 60, 0.1, seed=1).to_dense()
    c = eqbrain.dyn.FixedProb(50, 60, 0.1, seed=2).to_dense()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_include_self_false_and_extreme_probabilities():
    conn = eqbrain.dyn.FixedProb(30, 30, 1.0, weight=2.0, include_self=False)
    np.testing.assert_array_equal(conn.to_dense(), 2.0 * (1 - np.eye(30)))
    empty = eqbrain.dyn.FixedProb(30, 20, 0.0)
    assert empty.n_synapses == 0
    np.testing.assert_array_equal(empty(jnp.ones(30, bool)), np.zeros(20))


_event = jax.jit(event_sum, static_argnums=(3, 4))
_dense = jax.jit(dense_sum, static_argnums=(3,))


@settings(max_examples=30, deadline=None)
@given(
    n_pre=st.sampled_from([1, 7, 70]),
    n_post=st.sampled_from([1, 40]),
    p=st.sampled_from([0.0, 0.05, 0.3, 1.0]),
    seed=st.integers(0, 2**16),
    chunk=st.sampled_from([1, 3, 32]),
    fraction=st.sampled_from([0.0, 0.4, 1.0]),
)
def test_event_sum_equals_the_dense_product(n_pre, n_post, p, seed, chunk, fraction):
    conn = eqbrain.dyn.FixedProb(n_pre, n_post, p, weight=0.5, seed=seed)
    spikes = np.random.default_rng(seed).random(n_pre) < fraction
    expected = spikes.astype(np.float32) @ conn.to_dense()
    # Extra padding changes nothing; a fixed width keeps the compiled kernels reused.
    ell = np.asarray(conn.indices.value)
    indices = np.full((n_pre + 1, n_post), n_post, np.int32)
    indices[:, : ell.shape[1]] = ell
    got = _event(jnp.asarray(spikes), indices, 0.5, n_post, chunk)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    dense = _dense(jnp.asarray(spikes), indices, 0.5, n_post)
    np.testing.assert_allclose(dense, expected, rtol=1e-5, atol=1e-5)


def test_every_spike_counts_when_all_neurons_fire():
    conn = eqbrain.dyn.FixedProb(100, 10, 0.5, weight=1.0, seed=4)
    got = jax.jit(lambda s: conn(s))(jnp.ones(100, bool))
    np.testing.assert_allclose(got, conn.to_dense().sum(0))


def test_per_synapse_weights():
    conn = eqbrain.dyn.FixedProb(20, 10, 0.4, seed=5)
    w = np.random.default_rng(0).random(conn.indices.shape).astype(np.float32)
    spikes = np.arange(20) % 3 == 0
    ell = np.asarray(conn.indices.value)
    expected = np.zeros(11, np.float32)
    for i in np.nonzero(spikes)[0]:
        np.add.at(expected, ell[i], w[i])
    got = event_sum(jnp.asarray(spikes), conn.indices.value, jnp.asarray(w), 10)
    np.testing.assert_allclose(got, expected[:10], rtol=1e-5)


def test_graded_and_batched_input():
    conn = eqbrain.dyn.FixedProb(8, 6, 0.5, weight=0.25, seed=6)
    rates = jnp.linspace(0.0, 1.0, 8)
    np.testing.assert_allclose(conn(rates), np.asarray(rates) @ conn.to_dense(), rtol=1e-6)
    batch = jnp.asarray(np.random.default_rng(1).random((3, 8)) < 0.5)
    expected = np.asarray(batch, np.float32) @ conn.to_dense()
    np.testing.assert_allclose(conn(batch), expected, rtol=1e-6)


def test_connectivity_is_a_parameter_saved_with_the_model(tmp_path):
    conn = eqbrain.dyn.FixedProb(20, 30, 0.2, seed=7)
    assert isinstance(conn.indices, eqbrain.Parameter)
    assert not conn.train_vars()
    eqbrain.save(tmp_path / "c.safetensors", conn)
    state = eqbrain.read_state(tmp_path / "c.safetensors")
    np.testing.assert_array_equal(state["indices"], conn.indices.value)
    # Another draw has another padded width: refused by name, nothing written.
    other = eqbrain.dyn.FixedProb(20, 30, 0.2, seed=8)
    before = other.to_dense()
    if other.indices.shape != conn.indices.shape:
        with pytest.raises(eqbrain.MathError, match="Cannot load 'indices'"):
            eqbrain.load(tmp_path / "c.safetensors", other)
        np.testing.assert_array_equal(other.to_dense(), before)


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, 3, 0.1), "n_pre must be a positive int, got 0"),
        ((3, -1, 0.1), "n_post must be a positive int, got -1"),
        ((3, 3, 1.5), r"prob must be in \[0, 1\], got 1.5"),
    ],
)
def test_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        eqbrain.dyn.FixedProb(*args)


def test_wrong_input_shape():
    conn = eqbrain.dyn.FixedProb(5, 3, 0.5)
    with pytest.raises(ValueError, match=r"expects presynaptic input of shape \(\.\.\., 5\)"):
        conn(jnp.ones(4, bool))


def _list(s, start, size):
    ids, count = spike_lister(s)
    return ids(start, size), count


_lister = jax.jit(_list, static_argnums=(2,))


@settings(max_examples=25, deadline=None)
@given(
    n=st.sampled_from([1, 31, 32, 33, 2047, 2048, 2049, 5000]),
    fraction=st.sampled_from([0.0, 0.001, 0.02, 0.5, 1.0]),
    seed=st.integers(0, 2**16),
)
def test_spike_lister_lists_every_spike_in_order(n, fraction, seed):
    # Word boundaries (32), one and two levels of the blocked prefix sum (64 words).
    spikes = np.random.default_rng(seed).random(n) < fraction
    expected = np.flatnonzero(spikes)
    listed, count = [], None
    for start in range(0, max(expected.size, 1), 16):
        ids, count = _lister(jnp.asarray(spikes), start, 16)
        listed.extend(np.asarray(ids).tolist())
    assert count is not None and int(count) == expected.size
    assert listed[: expected.size] == expected.tolist()
    assert all(i == n for i in listed[expected.size :])  # the sentinel past the last


def test_spike_lister_past_float32_exact_counts():
    # Beyond 2**24 neurons the running counts are summed in int32, not float32.
    n = 2**24 + 40
    spikes = np.zeros(n, bool)
    where = np.array([3, 2**23 + 1, 2**24 + 7, n - 1])
    spikes[where] = True
    ids, count = _lister(jnp.asarray(spikes), 0, 8)
    assert int(count) == 4
    np.testing.assert_array_equal(np.asarray(ids), [*where, n, n, n, n])


def test_event_sum_with_many_groups_and_a_batch():
    # Thousands of sources and hundreds of spikes: many groups of 8, under vmap too.
    conn = eqbrain.dyn.FixedProb(5000, 300, 0.01, weight=0.25, seed=9)
    rng = np.random.default_rng(2)
    batch = rng.random((2, 5000)) < np.array([[0.05], [0.002]])
    expected = batch.astype(np.float32) @ conn.to_dense()
    got = jax.jit(lambda s: conn(s))(jnp.asarray(batch))
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    one = jax.jit(lambda s: conn(s))(jnp.asarray(batch[0]))
    np.testing.assert_allclose(one, expected[0], rtol=1e-5)


def _ell_in_one_go(n_pre, n_post, prob, seed, include_self):
    """The same draw written plainly: every gap at once, int64 positions, then rows."""
    rng = np.random.default_rng(seed)
    total = n_pre * n_post
    if prob == 0.0:
        flat = np.zeros(0, np.int64)
    elif prob == 1.0:
        flat = np.arange(total)
    else:
        flat = np.cumsum(rng.geometric(prob, size=total + 10)) - 1  # surely past the grid
        flat = flat[flat < total]
    pre, post = np.divmod(flat, n_post)
    if not include_self:
        pre, post = pre[pre != post], post[pre != post]
    rows = [post[pre == i] for i in range(n_pre)]
    ell = np.full((n_pre + 1, max(1, max(map(len, rows)))), n_post, np.int32)
    for i, r in enumerate(rows):
        ell[i, : len(r)] = r
    return ell


@settings(max_examples=30, deadline=None)
@given(
    n_pre=st.integers(1, 40),
    n_post=st.integers(1, 40),
    prob=st.sampled_from([0.0, 0.03, 0.3, 0.9, 1.0]),
    seed=st.integers(0, 2**16),
    include_self=st.booleans(),
    draws=st.sampled_from([1, 5, 64, 1 << 20]),
)
def test_streamed_connectivity_equals_the_draw_in_one_go(
    n_pre, n_post, prob, seed, include_self, draws
):
    # Drawing the gaps in blocks (any size) changes neither the graph nor the padding.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_fixedprob, "_DRAWS", draws)
        got = _fixedprob.fixed_prob_ell(n_pre, n_post, prob, seed, include_self)
    expected = _ell_in_one_go(n_pre, n_post, prob, seed, include_self)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, expected)
