"""Random synapse pairs with a fixed in-degree or a fixed total number, drawn in time
and memory proportional to the number of synapses (never a dense `n_pre x n_post`
array), as NumPy int32 arrays."""

from __future__ import annotations

import numpy as np

_CHUNK = 1 << 22  # synapses drawn at a time where a draw is redone


def _count(name: str, num: object) -> int:
    if isinstance(num, bool) or not isinstance(num, int | np.integer) or num < 0:
        raise ValueError(f"{name} must be an int >= 0, got {num!r}.")
    return int(num)


def _no_self(rng, pre, post, n_pre, n_post):
    """Redraw the sources of `pre == post` (a population onto itself) until none is left."""
    bad = np.nonzero(pre == post)[0]
    while bad.size:
        pre[bad] = rng.integers(0, n_pre, bad.size, dtype=np.int32)
        bad = bad[pre[bad] == post[bad]]
    return pre


def fixed_indegree_pairs(
    n_pre: int,
    n_post: int,
    indegree: int,
    rng: np.random.Generator,
    *,
    include_self: bool = True,
    allow_multi_conn: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """`indegree` sources for every target: `(pre, post)`, sorted by target.

    With `allow_multi_conn` (NEST's multapses) each source is drawn uniformly and
    independently, in one vectorized draw; without, each target's sources are distinct.
    `include_self=False` forbids `i -> i` (for a population onto itself).

    **Raises:** `ValueError` when `indegree` is larger than the sources available
    without repeats.
    """
    k = _count("indegree", indegree)
    pool = n_pre - (0 if include_self else 1)
    if not allow_multi_conn and k > pool:
        raise ValueError(
            f"indegree={k} exceeds the {pool} presynaptic neurons available to each target; "
            "lower indegree or allow multiple connections (allow_multi_conn=True)."
        )
    if k and pool < 1:
        raise ValueError(f"indegree={k} but there is no presynaptic neuron to draw from.")
    post = np.repeat(np.arange(n_post, dtype=np.int32), k)
    if allow_multi_conn:
        pre = rng.integers(0, n_pre, post.size, dtype=np.int32)
        if not include_self:
            pre = _no_self(rng, pre, post, n_pre, n_post)
        return pre, post
    pre = np.empty(post.size, np.int32)
    for j in range(n_post):
        picks = rng.choice(pool, k, replace=False)
        if not include_self and j < n_pre:
            picks = picks + (picks >= j)  # skip j itself
        pre[j * k : (j + 1) * k] = picks
    return pre, post


def fixed_total_pairs(
    n_pre: int,
    n_post: int,
    num: int,
    rng: np.random.Generator,
    *,
    include_self: bool = True,
    allow_multi_conn: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """`num` synapses between uniformly drawn sources and targets (NEST's
    `fixed_total_number`): `(pre, post)`, in the order drawn.

    Without `allow_multi_conn` a pair drawn twice is redrawn, so `num` must not exceed
    the number of distinct pairs.
    """
    num = _count("num", num)
    pairs = n_pre * n_post - (0 if include_self else min(n_pre, n_post))
    if not allow_multi_conn and num > pairs:
        raise ValueError(
            f"num={num} exceeds the {pairs} distinct pairs of {n_pre} -> {n_post} neurons; "
            "lower num or allow multiple connections (allow_multi_conn=True)."
        )
    if num and pairs < 1:
        raise ValueError(f"num={num} but there is no pair of neurons to connect.")
    pre = rng.integers(0, n_pre, num, dtype=np.int32)
    post = rng.integers(0, n_post, num, dtype=np.int32)
    if not include_self:
        pre = _no_self(rng, pre, post, n_pre, n_post)
    if allow_multi_conn:
        return pre, post
    flat = np.unique(pre.astype(np.int64) * n_post + post)
    while flat.size < num:
        extra = min(_CHUNK, 2 * (num - flat.size))
        p = rng.integers(0, n_pre, extra, dtype=np.int64)
        q = rng.integers(0, n_post, extra, dtype=np.int64)
        if not include_self:
            keep = p != q
            p, q = p[keep], q[keep]
        flat = np.unique(np.concatenate([flat, p * n_post + q]))
    flat = rng.permutation(flat)[:num]
    return (flat // n_post).astype(np.int32), (flat % n_post).astype(np.int32)
