"""Connectivity beyond `FixedProb`: all-to-all, one-to-one, fixed in- or out-degree, and
user-given pairs or CSR, with one weight or one weight per synapse (BrainPy's `bp.conn`
with its event-driven linear layers).

Random connectivity is drawn from `eqbrain.random`'s default generator unless a `seed`
is given (as in BrainPy): `eqbrain.random.seed(s)` fixes every connector built after
it, and two connectors built one after the other differ.
"""

from __future__ import annotations

from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from ..._core import Parameter
from .._dynsys import DynamicalSystem
from .._seeding import connection_rng
from ._draws import fixed_total_pairs
from ._event import dense_sum, event_sum
from ._sharded import sharded_propagate, split_of
from ._sizes import check_number


def _size(what: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n <= 0:
        raise ValueError(f"{what} must be a positive int, got {n!r}.")
    return int(n)


def propagate(name: str, spike: Any, indices: Array, weight: Any, n_pre: int, n_post: int):
    """The summed weight `spike` (shape `(..., n_pre)`) sends to each of `n_post` targets
    through padded target rows `indices`: event-driven for boolean spikes, over every
    synapse for graded input."""
    spike = jnp.asarray(spike)
    if spike.shape[-1:] != (n_pre,):
        raise ValueError(
            f"{name} expects presynaptic input of shape (..., {n_pre}), got {spike.shape}."
        )
    kernel = event_sum if spike.dtype == jnp.bool_ else dense_sum

    def one(s):
        return kernel(s, indices, weight, n_post)

    for _ in range(spike.ndim - 1):
        one = jax.vmap(one)
    return one(spike)


def ell_synapses(indices: Any, n_post: int) -> int:
    """The number of synapses in padded target rows (entries below `n_post`)."""
    return int(np.sum(np.asarray(indices) < n_post))


def ell_to_dense(indices: Any, weight: Any, n_pre: int, n_post: int) -> np.ndarray:
    """The `(n_pre, n_post)` weight matrix of padded target rows, with one weight or one
    per entry (repeated pairs add up)."""
    ell = np.asarray(indices)[:-1]
    w = weight if np.ndim(weight) == 0 else np.asarray(weight)[:-1]
    dense = np.zeros((n_pre, n_post + 1), np.float32)
    np.add.at(dense, (np.arange(n_pre)[:, None], ell), w)
    return dense[:, :-1]


def check_pairs(pre: Any, post: Any, n_pre: int, n_post: int) -> tuple[np.ndarray, np.ndarray]:
    """`(pre, post)` as NumPy arrays, or a `ValueError` unless they are 1-D integer index
    arrays of one length, within `[0, n_pre)` and `[0, n_post)`."""
    pre, post = np.asarray(pre), np.asarray(post)
    if pre.shape != post.shape or pre.ndim != 1:
        raise ValueError(
            f"pre and post must be 1-D index arrays of one length, got shapes {pre.shape} "
            f"and {post.shape}."
        )
    for what, ids, n in (("pre", pre, n_pre), ("post", post, n_post)):
        if ids.size and (
            not np.issubdtype(ids.dtype, np.integer) or ids.min() < 0 or ids.max() >= n
        ):
            raise ValueError(
                f"{what} indices must be integers in [0, {n}), got {ids.dtype} values from "
                f"{ids.min()} to {ids.max()}."
            )
    return pre, post


def ell_from_pairs(
    pre: Any, post: Any, n_pre: int, n_post: int, weights: Any = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Synapses `pre[k] -> post[k]` as padded target rows (and weights in the same layout).

    **Returns:** `(indices, w)`: `indices` is int32 `(n_pre + 1, width)`, row `i` the
    targets of `i` in the order given, padded with `n_post` (the last row all padding);
    `w` the per-synapse weights in that layout (0 in the padding), or `None`.
    """
    pre, post = check_pairs(pre, post, n_pre, n_post)
    if weights is not None:
        weights = np.asarray(weights, np.float32)
        if weights.shape != pre.shape:
            raise ValueError(
                f"weight must be a scalar or one value per synapse (shape {pre.shape}), got "
                f"shape {weights.shape}."
            )
    order = np.argsort(pre, kind="stable")
    pre_sorted = pre[order].astype(np.int32)
    counts = np.bincount(pre_sorted, minlength=n_pre)
    width = max(int(counts.max(initial=0)), 1)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    cols = np.arange(pre.size) - starts[pre_sorted]
    ell = np.full((n_pre + 1, width), n_post, np.int32)
    ell[pre_sorted, cols] = post[order]
    w = None
    if weights is not None:
        w = np.zeros((n_pre + 1, width), np.float32)
        w[pre_sorted, cols] = weights[order]
    return ell, w


class SparseConn(DynamicalSystem):
    """Connectivity given as synapse pairs, stored as padded target rows and propagated
    event-driven (the base of the `bp.conn`-like classes; `IJConn` builds it from pairs).

    The targets (`indices`) and per-synapse weights (`weights`) are `Parameter`s: saved
    with the model, not trained; pass `weight_var=eqbrain.TrainVar` to train the
    per-synapse weights.
    """

    indices: Parameter
    weights: Any  # a Parameter/TrainVar of per-synapse weights, or None
    n_pre: int = eqx.field(static=True)
    n_post: int = eqx.field(static=True)
    weight: float | None = eqx.field(static=True)

    def __init__(
        self,
        pre: Any,
        post: Any,
        n_pre: int,
        n_post: int,
        weight: Any = 1.0,
        *,
        weight_var: type = Parameter,
        name: str | None = None,
    ):
        super().__init__(name=name)
        self.n_pre, self.n_post = _size("n_pre", n_pre), _size("n_post", n_post)
        scalar = np.ndim(weight) == 0
        meaning = "the weight of every synapse, or one number per synapse"
        if scalar:
            weight = check_number(type(self).__name__, "weight", weight, meaning)
        else:
            try:
                numeric = np.issubdtype(np.asarray(weight).dtype, np.number)
            except ValueError:  # ragged
                numeric = False
            if not numeric:
                raise TypeError(
                    f"{type(self).__name__}: weight must be a number ({meaning}), got {weight!r}."
                )
        ell, w = ell_from_pairs(pre, post, self.n_pre, self.n_post, None if scalar else weight)
        self.indices = Parameter(jnp.asarray(ell))
        self.weight = weight if scalar else None
        self.weights = None if w is None else weight_var(jnp.asarray(w))

    @property
    def n_synapses(self) -> int:
        """The number of synapses."""
        return ell_synapses(self.indices.value, self.n_post)

    def to_dense(self) -> np.ndarray:
        """The weight matrix, `(n_pre, n_post)` (for checks on small networks)."""
        w = self.weights.value if self.weights is not None else self.weight
        return ell_to_dense(self.indices.value, w, self.n_pre, self.n_post)

    def update(self, spike: Any) -> Float[Array, "*batch n_post"]:
        """The summed weight that `spike` (shape `(..., n_pre)`) sends to each target."""
        found = split_of(self.indices)
        if found is not None:  # a run on a mesh: this device's synapses only
            plan, split = found
            return sharded_propagate(
                self.name, spike, plan, split, self.weight, self.n_pre, self.n_post
            )
        weight = self.weights.value if self.weights is not None else self.weight
        return propagate(self.name, spike, self.indices.value, weight, self.n_pre, self.n_post)


class IJConn(SparseConn):
    """Synapses `i[k] -> j[k]` given by the user (BrainPy's `bp.conn.IJConn`).

    **Arguments:** `i`, `j` (index arrays of one length), `n_pre`, `n_post`, `weight`
    (a scalar, or one weight per synapse in the order given), `weight_var`.

    ```python
    conn = eqbrain.dyn.IJConn([0, 0, 2], [1, 2, 0], n_pre=3, n_post=3, weight=[0.5, 1.0, 2.0])
    ```
    """

    def __init__(self, i: Any, j: Any, n_pre: int, n_post: int, weight: Any = 1.0, **kw: Any):
        super().__init__(i, j, n_pre, n_post, weight, **kw)


class CSRConn(SparseConn):
    """Synapses in compressed sparse rows (BrainPy's `bp.conn.CSRConn`): the targets of
    presynaptic neuron `i` are `indices[indptr[i]:indptr[i + 1]]`.

    **Arguments:** `indices`, `indptr` (length `n_pre + 1`), `n_post`, `weight` (scalar or
    per synapse, in CSR order), `weight_var`.

    ```python
    conn = eqbrain.dyn.CSRConn(indices=[1, 2, 0], indptr=[0, 2, 2, 3], n_post=3)
    ```
    """

    def __init__(self, indices: Any, indptr: Any, n_post: int, weight: Any = 1.0, **kw: Any):
        indptr = np.asarray(indptr)
        indices = np.asarray(indices)
        if indptr.ndim != 1 or indptr.size < 2 or indptr[0] != 0 or np.any(np.diff(indptr) < 0):
            raise ValueError(
                "indptr must be non-decreasing, start at 0 and have n_pre + 1 entries, got "
                f"{indptr!r}."
            )
        if indptr[-1] != indices.size:
            raise ValueError(
                f"indptr ends at {indptr[-1]} but there are {indices.size} indices; they "
                "must agree (indptr[-1] == len(indices))."
            )
        n_pre = indptr.size - 1
        pre = np.repeat(np.arange(n_pre, dtype=np.int32), np.diff(indptr))
        super().__init__(pre, indices, n_pre, n_post, weight, **kw)


class All2All(SparseConn):
    """Every presynaptic neuron onto every postsynaptic one (BrainPy's `bp.conn.All2All`).

    **Arguments:** `n_pre`, `n_post`, `weight`, `include_self` (whether `i -> i`, for a
    population onto itself), `weight_var`.

    ```python
    conn = eqbrain.dyn.All2All(100, 100, weight=0.1, include_self=False)
    ```
    """

    def __init__(
        self, n_pre: int, n_post: int, weight: Any = 1.0, *, include_self: bool = True, **kw: Any
    ):
        n_pre, n_post = _size("n_pre", n_pre), _size("n_post", n_post)
        pre = np.repeat(np.arange(n_pre, dtype=np.int32), n_post)
        post = np.tile(np.arange(n_post, dtype=np.int32), n_pre)
        if not include_self:
            keep = pre != post
            pre, post = pre[keep], post[keep]
        super().__init__(pre, post, n_pre, n_post, weight, **kw)


class One2One(SparseConn):
    """Neuron `i` onto neuron `i` (BrainPy's `bp.conn.One2One`).

    ```python
    conn = eqbrain.dyn.One2One(100, weight=2.0)
    ```
    """

    def __init__(self, n: int, weight: Any = 1.0, **kw: Any):
        n = _size("n", n)
        ids = np.arange(n, dtype=np.int32)
        super().__init__(ids, ids, n, n, weight, **kw)


def _fixed_num(num: Any, n: int, what: str) -> int:
    if isinstance(num, float) and not isinstance(num, bool):
        if not 0.0 <= num <= 1.0:
            raise ValueError(f"num as a fraction of {what} must be in [0, 1], got {num!r}.")
        return int(n * num)
    if isinstance(num, bool) or not isinstance(num, int | np.integer) or num < 0:
        raise ValueError(f"num must be an int >= 0 or a fraction in [0, 1], got {num!r}.")
    return int(num)


def _choose(rng, n_from: int, num: int, other: int, include_self: bool, multi: bool):
    """`num` distinct sources in `range(n_from)` for each of `other` targets."""
    out = np.empty((other, num), np.int32)
    for j in range(other):
        pool = n_from - (0 if include_self or j >= n_from else 1)
        if num > pool and not multi:
            raise ValueError(
                f"num={num} exceeds the {pool} neurons available to choose from; lower num "
                "or pass allow_multi_conn=True."
            )
        picks = rng.choice(pool, num, replace=multi)
        if not include_self and j < n_from:
            picks = picks + (picks >= j)  # skip j itself
        out[j] = picks
    return out


class FixedPreNum(SparseConn):
    """Each postsynaptic neuron receives `num` presynaptic neurons drawn at random
    (BrainPy's `bp.conn.FixedPreNum`).

    **Arguments:** `n_pre`, `n_post`, `num` (a count, or a float fraction of `n_pre`),
    `weight`, `seed` (default `None`: drawn from `eqbrain.random`'s default generator),
    `include_self`, `allow_multi_conn` (draw with replacement), `weight_var`.

    ```python
    conn = eqbrain.dyn.FixedPreNum(1000, 1000, num=100, weight=0.2, include_self=False)
    ```
    """

    def __init__(
        self,
        n_pre: int,
        n_post: int,
        num: Any,
        weight: Any = 1.0,
        *,
        seed: int | None = None,
        include_self: bool = True,
        allow_multi_conn: bool = False,
        **kw: Any,
    ):
        n_pre, n_post = _size("n_pre", n_pre), _size("n_post", n_post)
        k = _fixed_num(num, n_pre, "n_pre")
        rng = connection_rng(seed)
        pre = _choose(rng, n_pre, k, n_post, include_self, allow_multi_conn)
        post = np.repeat(np.arange(n_post, dtype=np.int32), k)
        super().__init__(pre.reshape(-1), post, n_pre, n_post, weight, **kw)


class FixedPostNum(SparseConn):
    """Each presynaptic neuron connects to `num` postsynaptic neurons drawn at random
    (BrainPy's `bp.conn.FixedPostNum`).

    **Arguments:** as `FixedPreNum`, with `num` a count or a fraction of `n_post`.

    ```python
    conn = eqbrain.dyn.FixedPostNum(1000, 1000, num=100, weight=0.2)
    ```
    """

    def __init__(
        self,
        n_pre: int,
        n_post: int,
        num: Any,
        weight: Any = 1.0,
        *,
        seed: int | None = None,
        include_self: bool = True,
        allow_multi_conn: bool = False,
        **kw: Any,
    ):
        n_pre, n_post = _size("n_pre", n_pre), _size("n_post", n_post)
        k = _fixed_num(num, n_post, "n_post")
        rng = connection_rng(seed)
        post = _choose(rng, n_post, k, n_pre, include_self, allow_multi_conn)
        pre = np.repeat(np.arange(n_pre, dtype=np.int32), k)
        super().__init__(pre, post.reshape(-1), n_pre, n_post, weight, **kw)


class FixedTotalNum(SparseConn):
    """`num` synapses between sources and targets drawn uniformly at random (BrainPy's
    `bp.conn.FixedTotalNum`, NEST's `fixed_total_number`), drawn in time and memory
    proportional to `num`.

    **Arguments:** `n_pre`, `n_post`, `num` (a count, or a float fraction of
    `n_pre * n_post`), `weight`, `seed`, `include_self`, `allow_multi_conn` (default
    `False`, as BrainPy: a pair drawn twice is redrawn; NEST's microcircuit allows them),
    `weight_var`.

    ```python
    conn = eqbrain.dyn.FixedTotalNum(1000, 800, num=20_000, weight=0.2, seed=1)
    ```
    """

    def __init__(
        self,
        n_pre: int,
        n_post: int,
        num: Any,
        weight: Any = 1.0,
        *,
        seed: int | None = None,
        include_self: bool = True,
        allow_multi_conn: bool = False,
        **kw: Any,
    ):
        n_pre, n_post = _size("n_pre", n_pre), _size("n_post", n_post)
        k = _fixed_num(num, n_pre * n_post, "n_pre * n_post")
        pre, post = fixed_total_pairs(
            n_pre,
            n_post,
            k,
            connection_rng(seed),
            include_self=include_self,
            allow_multi_conn=allow_multi_conn,
        )
        super().__init__(pre, post, n_pre, n_post, weight, **kw)
