"""Event-driven propagation over a padded sparse connectivity (the kernel of `FixedProb`).

The connectivity is stored row-padded ("ELL"): `indices[pre, k]` is the k-th target of
presynaptic neuron `pre`, rows are padded with the sentinel `n_post`, and one extra
all-sentinel row `indices[n_pre]` stands for "no neuron". Each step only the rows of
the neurons that spiked are read: the spiking ids are listed with `jnp.nonzero`, and
a `while_loop` scatters them `chunk` rows at a time, so the work grows with the number
of spikes, not with the number of synapses, and no spike is ever dropped.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import lax
from jaxtyping import Array, Bool, Float, Int


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
    n_pre = spikes.shape[0]
    dtype = _dtype(weight)
    # The spiking ids first, then the sentinel row, padded to whole chunks.
    padded = -(-n_pre // chunk) * chunk
    order = jnp.nonzero(spikes, size=padded, fill_value=n_pre)[0]
    count = jnp.sum(spikes, dtype=jnp.int32)
    per_synapse = jnp.ndim(weight) > 0

    def body(state):
        c, out = state
        rows = lax.dynamic_slice_in_dim(order, c * chunk, chunk)
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
