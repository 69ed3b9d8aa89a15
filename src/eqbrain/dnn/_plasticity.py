"""The weight updates of spike-timing-dependent plasticity on the connection layers
(BrainPy's `stdp_update`): a presynaptic spike adds the postsynaptic trace to its row of
weights, a postsynaptic spike adds the presynaptic trace to its column, each then
clipped to `[w_min, w_max]`."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import jax
import jax.numpy as jnp

# Compiled once per shape when called eagerly; inlined into a surrounding trace.
_compiled = functools.partial(jax.jit, static_argnames=("where",))
_compiled_sparse = functools.partial(jax.jit, static_argnames=("where", "n_pre", "n_post"))

Event = Mapping[str, Any] | None
"""`{"spike": ..., "trace": ...}`: one side's spikes and the other side's trace."""


def clip(w: Any, w_min: Any, w_max: Any) -> Any:
    """`w` within `[w_min, w_max]` (an open side where a bound is `None`)."""
    if w_min is None and w_max is None:
        return w
    return jnp.clip(w, w_min, w_max)


def _parts(event: Mapping[str, Any], where: str) -> tuple[Any, Any]:
    try:
        return jnp.asarray(event["spike"]), jnp.asarray(event["trace"])
    except (KeyError, TypeError):
        raise TypeError(
            f"{where}: on_pre and on_post must be dicts with the keys 'spike' and 'trace', "
            f"got {event!r}."
        ) from None


@_compiled
def dense_update(w: Any, on_pre: Event, on_post: Event, w_min: Any, w_max: Any, where: str):
    """A `(n_pre, n_post)` weight matrix after the pre-, then the postsynaptic events:
    `w[i, j] += spike_pre[i] * trace_post[j]`, then `w[i, j] += trace_pre[i] *
    spike_post[j]`, each clipped."""
    if on_pre is not None:
        spike, trace = _parts(on_pre, where)
        w = clip(w + jnp.outer(spike, trace).astype(w.dtype), w_min, w_max)
    if on_post is not None:
        spike, trace = _parts(on_post, where)
        w = clip(w + jnp.outer(trace, spike).astype(w.dtype), w_min, w_max)
    return w


@_compiled
def one_to_one_update(w: Any, on_pre: Event, on_post: Event, w_min: Any, w_max: Any, where: str):
    """One weight per neuron pair `i -> i`: `w[i] += spike[i] * trace[i]` for each event."""
    for event in (on_pre, on_post):
        if event is not None:
            spike, trace = _parts(event, where)
            w = clip(w + (spike * trace).astype(w.dtype), w_min, w_max)
    return w


@_compiled_sparse
def sparse_update(
    w: Any,
    indices: Any,
    n_pre: int,
    n_post: int,
    on_pre: Event,
    on_post: Event,
    w_min: Any,
    w_max: Any,
    where: str,
):
    """Per-synapse weights in padded target rows (`indices`, `(n_pre + 1, width)`,
    padded with `n_post`), updated as `dense_update` updates a matrix; the padding stays."""
    valid = indices < n_post
    pad = jnp.zeros((1,), w.dtype)

    def padded(x: Any) -> Any:
        return jnp.concatenate([jnp.asarray(x, w.dtype), pad])

    if on_pre is not None:
        spike, trace = _parts(on_pre, where)
        dw = padded(spike)[: n_pre + 1, None] * padded(trace)[indices]
        w = jnp.where(valid, clip(w + dw, w_min, w_max), w)
    if on_post is not None:
        spike, trace = _parts(on_post, where)
        dw = padded(trace)[: n_pre + 1, None] * padded(spike)[indices]
        w = jnp.where(valid, clip(w + dw, w_min, w_max), w)
    return w


class Plastic:
    """A connection layer whose weights `eqbrain.dyn.STDP_Song2000` changes: a subclass
    gives `stdp_shape()` (which refuses a weight it cannot learn) and `_stdp_learn`,
    which writes the new weights."""

    def stdp_shape(self) -> tuple[int, int]:
        """`(num_pre, num_post)` of the weight that `stdp_update` changes."""
        raise NotImplementedError

    def _stdp_learn(self, on_pre: Event, on_post: Event, w_min: Any, w_max: Any) -> None:
        raise NotImplementedError

    def stdp_update(
        self, on_pre: Event = None, on_post: Event = None, w_min: Any = None, w_max: Any = None
    ) -> None:
        """Spike-timing-dependent plasticity (BrainPy's `stdp_update`, called by
        `eqbrain.dyn.STDP_Song2000`): `on_pre={"spike": pre_spikes, "trace":
        post_trace}` adds the trace to the weights of the spiking inputs, `on_post=
        {"spike": post_spikes, "trace": pre_trace}` to those of the spiking outputs;
        each result is clipped to `[w_min, w_max]`."""
        self.stdp_shape()
        self._stdp_learn(on_pre, on_post, w_min, w_max)


def scalar_weight_error(owner: str, name: str) -> ValueError:
    """The error for a layer whose weight is one number: nothing per synapse to learn."""
    return ValueError(
        f"{name} ({owner}) has one weight for every connection, so plasticity has no "
        "per-synapse weight to change. Give it one weight per synapse: an array or an "
        "initializer (e.g. `weight=eqbrain.init.Uniform(0.0, 0.1)`)."
    )
