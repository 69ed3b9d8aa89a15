"""Connectivity split across the devices of a mesh by postsynaptic neuron, and the
propagation that exchanges the spikes once per step inside `jax.shard_map`.

A connector's padded target rows (`indices`, `n_pre + 1` rows, see `_event`) are cut
into one table per device: device `s` keeps, for every presynaptic row, the targets in
its own block of postsynaptic neurons `[s * b, (s + 1) * b)` (`b = ceil(n_post / S)`),
renumbered from 0, in the order of the full row, padded with `b`. Stacked, the tables
are one `(S, n_pre + 1, width)` array sharded along its first axis: each device holds
only the synapses onto its own neurons.

Each step, inside `shard_map`, every device all-gathers the presynaptic spikes (one
`all_gather` of the boolean vector, the only communication) and runs the same
event-driven kernel on its own table. The spikes are listed in the same order on every
device and each target's row entries keep their order, so each postsynaptic sum adds the
same numbers in the same order as on one device: the result is identical, bit for bit,
whatever the number of devices.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

from ..._core import Parameter, Variable
from ._event import dense_sum, event_sum


def block(n: int, shards: int) -> int:
    """The neurons per device when `n` neurons are split over `shards` devices."""
    return -(-n // shards)


def split_rows(
    indices: np.ndarray, weights: np.ndarray | None, n_post: int, shards: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Padded target rows cut by postsynaptic block: `(shards, rows, width)` local
    targets (padded with the block size) and the weights in the same layout (0 in the
    padding), each row's entries in their original order."""
    b = block(n_post, shards)
    masks = [(indices >= s * b) & (indices < (s + 1) * b) for s in range(shards)]
    width = max(1, max(int(m.sum(1).max(initial=0)) for m in masks))
    out = np.full((shards, indices.shape[0], width), b, np.int32)
    w = None if weights is None else np.zeros(out.shape, weights.dtype)
    for s, m in enumerate(masks):
        rows, cols = np.nonzero(m)
        place = (np.cumsum(m, axis=1) - 1)[rows, cols]
        out[s, rows, place] = indices[rows, cols] - s * b
        if w is not None and weights is not None:
            w[s, rows, place] = weights[rows, cols]
    return out, w


def global_array(value: np.ndarray, sharding: NamedSharding) -> jax.Array:
    """`value` (the same on every process) as one array on `sharding`'s mesh; each
    process fills only its own devices' shards."""
    return jax.make_array_from_callback(value.shape, sharding, lambda idx: value[idx])


@dataclass
class Split:
    """One connector's per-device tables (`Parameter`s of global arrays sharded along
    the mesh axis); `weights` is `None` for one weight per projection."""

    indices: Parameter
    weights: Parameter | None


@dataclass
class MeshPlan:
    """How a network runs on a mesh: the mesh (its axes automatic, for XLA's
    partitioner), the axis the neurons are split along, the connectors' per-device
    tables by the id of their `indices` Variable, where each state Variable lives, and
    the spike Variables exchanged at the end of each step (by id)."""

    mesh: Mesh
    axis: str
    splits: dict[int, Split] = field(default_factory=dict)
    placed: list[tuple[Variable, NamedSharding]] = field(default_factory=list)
    exchanged: set[int] = field(default_factory=set)

    @property
    def shards(self) -> int:
        return int(self.mesh.shape[self.axis])

    def split(self, indices: Variable, weights: Variable | None, n_post: int) -> None:
        """Cut a connector's rows for this mesh (from its values on the host)."""
        rows, w = split_rows(
            np.asarray(indices.value),
            None if weights is None else np.asarray(weights.value),
            n_post,
            self.shards,
        )
        on_axis = NamedSharding(self.mesh, P(self.axis))
        self.splits[id(indices)] = Split(
            Parameter(global_array(rows, on_axis)),
            None if w is None else Parameter(global_array(w, on_axis)),
        )


_ACTIVE: contextvars.ContextVar[MeshPlan | None] = contextvars.ContextVar(
    "eqbrain_mesh_plan", default=None
)


@contextlib.contextmanager
def active(plan: MeshPlan | None) -> Iterator[None]:
    """Make `plan` the one connectors propagate through (inside a runner's step)."""
    token = _ACTIVE.set(plan)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def split_of(indices: Variable) -> tuple[MeshPlan, Split] | None:
    """The active plan and this connector's tables, if a sharded run is being traced."""
    plan = _ACTIVE.get()
    if plan is None:
        return None
    found = plan.splits.get(id(indices))
    return None if found is None else (plan, found)


def sharded_propagate(
    name: str, spike: Any, plan: MeshPlan, split: Split, weight: Any, n_pre: int, n_post: int
) -> jax.Array:
    """`propagate` on the mesh: the spikes all-gathered once, each device summing onto
    its own postsynaptic block; the result is `(n_post,)`, split along the mesh axis."""
    spike = jnp.asarray(spike)
    if spike.shape != (n_pre,):
        raise ValueError(
            f"{name} on a mesh expects presynaptic input of shape ({n_pre},), got "
            f"{spike.shape}: batched networks run on one device (or shard the batch "
            "with `eqbrain.shard`)."
        )
    shards = plan.shards
    b = block(n_post, shards)
    kernel = event_sum if spike.dtype == jnp.bool_ else dense_sum
    # The exchange: the spikes replicated on every device, one all-gather (shared by
    # the projections that read slices of one population's spikes).
    spike = jax.lax.with_sharding_constraint(spike, NamedSharding(plan.mesh, P()))
    per_synapse = split.weights is not None
    tables = (split.indices.value, split.weights.value if split.weights is not None else None)

    def local(everyone, rows, w):
        return kernel(everyone, rows[0], w[0] if per_synapse else weight, b)

    spec = P(plan.axis)
    out = jax.shard_map(
        local,
        mesh=plan.mesh,
        in_specs=(P(), spec, spec if per_synapse else None),
        out_specs=spec,
        check_vma=False,  # the kernel's loop carries start unvarying; the values are per device
    )(spike, *tables)
    return out[:n_post]
