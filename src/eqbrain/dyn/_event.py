"""Event-driven propagation over a padded sparse connectivity (the kernel of `FixedProb`).

The connectivity is stored row-padded ("ELL"): `indices[pre, k]` is the k-th target of
presynaptic neuron `pre`, rows are padded with the sentinel `n_post`, and one extra
all-sentinel row `indices[n_pre]` stands for "no neuron". Each step only the rows of
the neurons that spiked are read: a `while_loop` lists the spiking ids `chunk` at a
time and scatters their rows, so the work grows with the number of spikes times the
fan-out, not with the number of synapses, and no spike is ever dropped.

Listing the spiking ids is the part that must not cost time in the number of neurons:
`jnp.nonzero` does (a prefix sum over every neuron, slow on CPU). Instead the spikes
are counted per block of `_BLOCK` neurons (one vectorized reduction), and the k-th
spike is found by locating its block among the block counts and its place inside the
block with a small prefix sum over that block only.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import lax
from jaxtyping import Array, Bool, Float, Int

_BLOCK = 64


def _spike_lister(spikes: Bool[Array, " n"]):
    """A function `ids(start, chunk)`: the ids of the spikes ranked `start, start + 1, ...`
    (`n` past the last), and the number of spikes."""
    n = spikes.shape[0]
    n_blocks = -(-n // _BLOCK)
    bits = jnp.pad(spikes.astype(jnp.float32), (0, n_blocks * _BLOCK - n))
    blocks = bits.reshape(n_blocks, _BLOCK)
    ends = lax.associative_scan(jnp.add, blocks.sum(1).astype(jnp.int32))  # inclusive
    total = ends[-1]
    upper = jnp.triu(jnp.ones((_BLOCK, _BLOCK), jnp.float32))  # prefix sums as a matmul

    def ids(start, chunk: int):
        rank = start + jnp.arange(chunk, dtype=jnp.int32)
        block = jnp.minimum(jnp.sum(ends[None, :] <= rank[:, None], axis=1), n_blocks - 1)
        inside = rank - jnp.where(block > 0, ends[block - 1], 0)
        prefix = blocks[block] @ upper  # (chunk, _BLOCK) spike counts up to each place
        place = jnp.argmax(prefix > inside[:, None].astype(jnp.float32), axis=1)
        return jnp.where(rank < total, block * _BLOCK + place, n).astype(jnp.int32)

    return ids, total


def _dtype(weight) -> jnp.dtype:
    return jnp.dtype(jnp.float32) if isinstance(weight, int | float) else jnp.result_type(weight)


def event_sum(
    spikes: Bool[Array, " n_pre"],
    indices: Int[Array, "n_pre_plus_1 k"],
    weight: Float[Array, "n_pre_plus_1 k"] | float,
    n_post: int,
    chunk: int = 32,
) -> Float[Array, " n_post"]:
    """`out[j] = sum of weight over the synapses i -> j with spikes[i]`, event-driven.

    **Arguments:**

    - `spikes`: which presynaptic neurons spiked this step.
    - `indices`: the padded target lists, `n_pre + 1` rows (the last all `n_post`).
    - `weight`: a scalar, or one weight per synapse shaped like `indices`.
    - `n_post`: the number of postsynaptic neurons.
    - `chunk`: how many spiking rows are scattered at a time.
    """
    dtype = _dtype(weight)
    ids, count = _spike_lister(spikes)
    per_synapse = jnp.ndim(weight) > 0

    def body(state):
        c, out = state
        rows = ids(c * chunk, chunk)
        targets = indices[rows]
        w = weight[rows] if per_synapse else jnp.full(targets.shape, weight, dtype)
        out = out.at[targets.ravel()].add(w.ravel(), mode="drop")
        return c + 1, out

    n_chunks = (count + chunk - 1) // chunk
    _, out = lax.while_loop(
        lambda s: s[0] < n_chunks, body, (jnp.int32(0), jnp.zeros(n_post, dtype))
    )
    return out


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
