"""Connectivity classes beyond FixedProb (BrainPy's bp.conn): structure, weights, and
event-driven propagation equal to the dense weight matrix."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import eqbrain


def _check_propagation(conn, seed=0):
    """Event-driven (bool) and graded input both equal spikes @ dense weights."""
    dense = conn.to_dense()
    spikes = np.asarray(jax.random.bernoulli(jax.random.key(seed), 0.3, (conn.n_pre,)))
    np.testing.assert_allclose(conn(jnp.asarray(spikes)), spikes @ dense, rtol=1e-6, atol=1e-6)
    rates = np.asarray(jax.random.uniform(jax.random.key(seed + 1), (2, conn.n_pre)))
    np.testing.assert_allclose(conn(jnp.asarray(rates)), rates @ dense, rtol=1e-5, atol=1e-5)


def test_all2all_and_one2one():
    a = eqbrain.dyn.All2All(4, 3, weight=0.5)
    np.testing.assert_array_equal(a.to_dense(), np.full((4, 3), 0.5))
    b = eqbrain.dyn.All2All(3, 3, weight=1.0, include_self=False)
    np.testing.assert_array_equal(b.to_dense(), 1.0 - np.eye(3))
    c = eqbrain.dyn.One2One(5, weight=2.0)
    np.testing.assert_array_equal(c.to_dense(), 2.0 * np.eye(5))
    for conn in (a, b, c):
        _check_propagation(conn)


def test_fixed_pre_and_post_num_give_exact_degrees_without_self_connections():
    pre = eqbrain.dyn.FixedPreNum(50, 40, num=7, include_self=False, seed=3)
    dense = pre.to_dense()
    np.testing.assert_array_equal((dense > 0).sum(0), np.full(40, 7))  # in-degree
    assert not np.diag(dense[:40, :40]).any()
    post = eqbrain.dyn.FixedPostNum(30, 60, num=0.1, seed=4)
    np.testing.assert_array_equal((post.to_dense() > 0).sum(1), np.full(30, 6))  # out-degree
    again = eqbrain.dyn.FixedPostNum(30, 60, num=0.1, seed=4)
    np.testing.assert_array_equal(post.indices.value, again.indices.value)  # seeded
    _check_propagation(pre)
    _check_propagation(post)


def test_ij_and_csr_with_per_synapse_weights():
    ij = eqbrain.dyn.IJConn(
        [0, 0, 2, 2], [1, 2, 0, 0], n_pre=3, n_post=3, weight=[0.5, 1.0, 2.0, 3.0]
    )
    expected = np.array([[0, 0.5, 1.0], [0, 0, 0], [5.0, 0, 0]], np.float32)  # 2->0 twice
    np.testing.assert_array_equal(ij.to_dense(), expected)
    csr = eqbrain.dyn.CSRConn(indices=[1, 2, 0, 0], indptr=[0, 2, 2, 4], n_post=3,
                          weight=[0.5, 1.0, 2.0, 3.0])  # fmt: skip
    np.testing.assert_array_equal(csr.to_dense(), expected)
    assert "weights" in ij.vars(method="relative") and not ij.train_vars()
    trained = eqbrain.dyn.IJConn([0], [1], 2, 2, weight=[1.0], weight_var=eqbrain.TrainVar)
    assert list(trained.train_vars(method="relative")) == ["weights"]
    _check_propagation(ij)
    _check_propagation(csr)


def test_per_synapse_weights_are_trainable_through_eqbrain_grad():
    conn = eqbrain.dyn.IJConn([0, 1], [1, 0], 2, 2, weight=[1.0, 1.0], weight_var=eqbrain.TrainVar)
    rates = jnp.array([2.0, 3.0])
    grads = eqbrain.grad(lambda: conn(rates).sum(), grad_vars=conn.train_vars())()
    g = np.asarray(next(iter(grads.values())))
    np.testing.assert_allclose([g[0, 0], g[1, 0]], [2.0, 3.0])


@pytest.mark.parametrize(
    "build, match",
    [
        (
            lambda: eqbrain.dyn.IJConn([0, 3], [0, 0], 3, 3),
            r"pre indices must be integers in \[0, 3\), got int\d+ values from 0 to 3\.$",
        ),
        (  # a large table is described, not printed
            lambda: eqbrain.dyn.IJConn(np.arange(10_000), np.zeros(10_000, int), 9_999, 1),
            r"^pre indices must be integers in \[0, 9999\), got int\d+ values from 0 to 9999\.$",
        ),
        (lambda: eqbrain.dyn.IJConn([0], [0, 1], 3, 3), "1-D index arrays of one length"),
        (lambda: eqbrain.dyn.IJConn([0, 1], [0, 1], 3, 3, weight=[1.0]), "one value per synapse"),
        (lambda: eqbrain.dyn.CSRConn([0, 1], [0, 1, 1], 3), r"indptr ends at 1 but there are 2"),
        (lambda: eqbrain.dyn.CSRConn([0], [1, 1], 3), "start at 0"),
        (lambda: eqbrain.dyn.FixedPreNum(5, 5, num=6), "exceeds the 5 neurons"),
        (
            lambda: eqbrain.dyn.FixedPreNum(5, 5, num=5, include_self=False),
            "exceeds the 4 neurons",
        ),
        (
            lambda: eqbrain.dyn.FixedPostNum(5, 5, num=1.5),
            r"fraction of n_post must be in \[0, 1\]",
        ),
        (lambda: eqbrain.dyn.All2All(0, 3), "n_pre must be a positive int"),
    ],
)
def test_bad_connectivity_is_refused_with_a_message(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_multi_connections_on_request():
    conn = eqbrain.dyn.FixedPreNum(3, 2, num=5, allow_multi_conn=True, seed=1)
    assert conn.n_synapses == 10 and conn.to_dense().sum() == 10.0


@settings(max_examples=10, deadline=None)
@given(
    n_pre=st.integers(1, 12),
    n_post=st.integers(1, 12),
    data=st.data(),
)
def test_any_pairs_propagate_as_their_dense_matrix(n_pre, n_post, data):
    k = data.draw(st.integers(0, 30))
    i = data.draw(st.lists(st.integers(0, n_pre - 1), min_size=k, max_size=k))
    j = data.draw(st.lists(st.integers(0, n_post - 1), min_size=k, max_size=k))
    w = data.draw(st.lists(st.floats(-2, 2, width=32), min_size=k, max_size=k))
    conn = eqbrain.dyn.IJConn(
        np.array(i, np.int64), np.array(j, np.int64), n_pre, n_post, weight=w
    )
    dense = np.zeros((n_pre, n_post), np.float32)
    np.add.at(dense, (np.array(i, int), np.array(j, int)), np.array(w, np.float32))
    np.testing.assert_allclose(conn.to_dense(), dense, atol=1e-6)
    _check_propagation(conn)


# -- random connectivity is drawn from eqbrain.random unless seeded ---------------------

RANDOM_CONNECTORS = {
    "FixedProb": lambda **kw: eqbrain.dyn.FixedProb(40, 40, 0.2, **kw),
    "FixedPreNum": lambda **kw: eqbrain.dyn.FixedPreNum(40, 40, num=5, **kw),
    "FixedPostNum": lambda **kw: eqbrain.dyn.FixedPostNum(40, 40, num=5, **kw),
}


@pytest.mark.parametrize("kind", sorted(RANDOM_CONNECTORS))
def test_connectors_draw_from_eqbrain_random_unless_seeded(kind):
    make = RANDOM_CONNECTORS[kind]
    eqbrain.random.seed(1)
    a, b = make(), make()  # two projections of one shape, built one after the other
    assert not np.array_equal(a.to_dense(), b.to_dense())
    eqbrain.random.seed(1)
    np.testing.assert_array_equal(make().to_dense(), a.to_dense())  # the seed fixes both
    np.testing.assert_array_equal(make().to_dense(), b.to_dense())
    # An explicit seed gives the same synapses whatever eqbrain.random's state.
    eqbrain.random.seed(2)
    fixed = make(seed=7).to_dense()
    eqbrain.random.seed(3)
    np.testing.assert_array_equal(make(seed=7).to_dense(), fixed)


def test_equal_populations_get_four_different_projections():
    """E and I of one size: E2E, E2I, I2E and I2I must not be one matrix four times."""
    eqbrain.random.seed(0)
    mats = [eqbrain.dyn.FixedProb(50, 50, 0.1).to_dense() for _ in range(4)]
    for i in range(4):
        for j in range(i):
            assert not np.array_equal(mats[i], mats[j]), (i, j)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_bad_seed_is_refused_before_drawing(seed):
    before = eqbrain.random.get_key()
    with pytest.raises(ValueError, match=r"seed must be an int >= 0, or None .*eqbrain.random"):
        eqbrain.dyn.FixedProb(5, 5, 0.5, seed=seed)
    with pytest.raises(ValueError, match=r"seed must be an int >= 0"):
        eqbrain.dyn.FixedPreNum(5, 5, num=2, seed=seed)
    np.testing.assert_array_equal(eqbrain.random.get_key(), before)
