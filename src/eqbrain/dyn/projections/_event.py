"""Event-driven propagation over a padded sparse connectivity (the kernel of `FixedProb`).

The connectivity is stored row-padded ("ELL"): `indices[pre, k]` is the k-th target of
presynaptic neuron `pre`, rows are padded with the sentinel `n_post`, and one extra
all-sentinel row `indices[n_pre]` stands for "no neuron". Each step only the rows of the
neurons that spiked are read, `group` rows at a time, so the work grows with the number
of spikes times the fan-out, not with the number of synapses, and no spike is dropped.

On a CPU the time of a step is mostly the number of XLA operations it runs (each costs
about a microsecond, whatever its size), so the kernel is written to need few of them:

- **Listing the spikes.** The spikes are packed into 32-bit words (one reduction), each
  word's spikes are counted with a population count, and the counts are summed up
  (`_cumsum`, two small matrix products: a prefix sum over every neuron is slow on CPU).
  The k-th spike is then found by locating its word among the running counts and its bit
  inside the word by a binary search on population counts: elementwise work on `group`
  numbers, in one fused operation.
- **Reading the rows.** The `group` rows are cut out with `dynamic_slice` and stacked,
  which XLA fuses into one operation that runs on one thread. (A `gather` of the same rows
  is costed by the size of the whole table and split across threads, which costs more
  than the copy itself on a small machine.)
- **Work in the number of spikes.** One loop scatters `ceil(spikes / group)` groups (none
  when nothing spiked). Scattering the first group outside the loop, so that the loop
  runs only past `group` spikes, measured slower: it doubles the code of the step and
  the loop's carry then needs a copy.

Every spike adds `weight` to each of its targets in turn, so a target's sum is the same
float whatever order the spikes are listed in (for one weight per projection).
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import lax
from jaxtyping import Array, Bool, Float, Int

_WORD = 32  # spikes packed per word
_BLOCK = 64  # width of the triangular matrices of `_cumsum`
_EXACT = 2**24  # float32 counts are exact below this
_SCATTER = lax.ScatterDimensionNumbers(
    update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,)
)


def _cumsum(x: Float[Array, " m"]) -> Float[Array, " m"]:
    """Inclusive prefix sum of small non-negative integers held as float32, by matmuls
    with a triangular matrix over blocks of `_BLOCK` (exact while the total is < 2**24)."""
    m = x.shape[0]
    hi = lax.Precision.HIGHEST  # no reduced-precision matmul (TF32 on GPUs)
    if m <= _BLOCK:
        return jnp.dot(x, jnp.triu(jnp.ones((m, m), x.dtype)), precision=hi)
    n_blocks = -(-m // _BLOCK)
    blocks = jnp.pad(x, (0, n_blocks * _BLOCK - m)).reshape(n_blocks, _BLOCK)
    inner = jnp.dot(blocks, jnp.triu(jnp.ones((_BLOCK, _BLOCK), x.dtype)), precision=hi)
    before = _cumsum(inner[:, -1]) - inner[:, -1]  # the sum of the earlier blocks
    return (inner + before[:, None]).reshape(-1)[:m]


def _kth_bit(word: Array, k: Array) -> Array:
    """The position of the `k`-th (from 0) set bit of each uint32 `word` (`k` < its count):
    a binary search on the population counts of the word's low bits."""
    low = jnp.zeros(word.shape, jnp.uint32)
    for step in (16, 8, 4, 2, 1):
        mid = low + jnp.uint32(step)
        below = lax.population_count(word & ((jnp.uint32(1) << mid) - jnp.uint32(1)))
        low = jnp.where(below.astype(jnp.int32) <= k, mid, low)
    return low.astype(jnp.int32)


def spike_lister(spikes: Bool[Array, " n"]):
    """List the spiking neurons without a prefix sum over every neuron.

    **Returns:** `(ids, count)`: `ids(start, size)` gives the ids of the spikes ranked
    `start, ..., start + size - 1` in increasing id order (`n`, the sentinel row, past
    the last), and `count` is the number of spikes (int32).
    """
    n = spikes.shape[0]
    n_words = -(-n // _WORD)
    bits = jnp.pad(spikes, (0, n_words * _WORD - n)).reshape(n_words, _WORD)
    shifts = jnp.arange(_WORD, dtype=jnp.uint32)
    words = jnp.sum(bits.astype(jnp.uint32) << shifts, axis=1, dtype=jnp.uint32)
    counts = lax.population_count(words)
    if n < _EXACT:
        ends = _cumsum(counts.astype(jnp.float32)).astype(jnp.int32)
    else:  # float32 would round: the slow, exact prefix sum
        ends = jnp.cumsum(counts.astype(jnp.int32))
    count = ends[-1]

    def ids(start, size: int) -> Int[Array, " size"]:
        rank = start + jnp.arange(size, dtype=jnp.int32)
        word = jnp.sum(ends[None, :] <= rank[:, None], axis=1, dtype=jnp.int32)
        word = jnp.minimum(word, n_words - 1)
        inside = rank - (ends[word] - counts[word].astype(jnp.int32))
        place = _kth_bit(words[word], inside)
        return jnp.where(rank < count, word * _WORD + place, n)

    return ids, count


def _rows(table: Array, ids: Int[Array, " size"]) -> Array:
    """`table[ids]` as stacked dynamic slices (one fused, single-threaded copy)."""
    return jnp.concatenate([lax.dynamic_slice_in_dim(table, ids[i], 1) for i in range(len(ids))])


def _dtype(weight) -> jnp.dtype:
    return jnp.dtype(jnp.float32) if isinstance(weight, int | float) else jnp.result_type(weight)


def event_sum(
    spikes: Bool[Array, " n_pre"],
    indices: Int[Array, "n_pre_plus_1 k"],
    weight: Float[Array, "n_pre_plus_1 k"] | float,
    n_post: int,
    group: int = 8,
) -> Float[Array, " n_post"]:
    """`out[j] = sum of weight over the synapses i -> j with spikes[i]`, event-driven.

    **Arguments:**

    - `spikes`: which presynaptic neurons spiked this step.
    - `indices`: the padded target lists, `n_pre + 1` rows (the last all `n_post`).
    - `weight`: a scalar, or one weight per synapse shaped like `indices`.
    - `n_post`: the number of postsynaptic neurons.
    - `group`: how many spiking rows are scattered at a time (at most 8 keeps the row
      copy one fused operation).

    ```python
    out = event_sum(spikes, conn.indices.value, 0.6, 4000)
    ```
    """
    dtype = _dtype(weight)
    ids, count = spike_lister(spikes)
    per_synapse = jnp.ndim(weight) > 0

    def scatter(out, start):
        rows = ids(start, group)
        targets = _rows(indices, rows).reshape(-1, 1)
        if per_synapse:
            w = _rows(jnp.asarray(weight, dtype), rows).reshape(-1)
        else:
            w = jnp.full(targets.shape[0], weight, dtype)
        return lax.scatter_add(out, targets, w, _SCATTER, mode=lax.GatherScatterMode.FILL_OR_DROP)

    n_groups = (count + group - 1) // group  # none at all when nothing spiked
    zeros = jnp.zeros(n_post, dtype)
    return lax.fori_loop(0, n_groups, lambda c, out: scatter(out, c * group), zeros)


def dense_sum(
    values: Float[Array, " n_pre"],
    indices: Int[Array, "n_pre_plus_1 k"],
    weight: Float[Array, "n_pre_plus_1 k"] | float,
    n_post: int,
) -> Float[Array, " n_post"]:
    """`out[j] = sum of values[i] * weight over the synapses i -> j`, over every synapse.

    The reference for `event_sum` (with boolean `values`), and the path for graded
    input (rates, surrogate spikes).
    """
    dtype = jnp.result_type(_dtype(weight), values.dtype)
    if dtype == jnp.bool_:
        dtype = jnp.dtype(jnp.float32)
    v = jnp.concatenate([values.astype(dtype), jnp.zeros(1, dtype)])[:, None]
    contrib = v * jnp.asarray(weight, dtype)
    contrib = jnp.broadcast_to(contrib, indices.shape)
    return jnp.zeros(n_post, dtype).at[indices.ravel()].add(contrib.ravel(), mode="drop")
