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

`DelayConn` (compressed rows of codes, a ring buffer of pending input) is cut the same
way (`split_delay_rows`): device `s` keeps, row by row and in order, the synapses onto
its block, their codes renumbered for a block of `b` targets, and the `b` columns of the
`(max_delay, n_post)` buffer of its neurons; each step it scatters the (whole, already
exchanged) spikes through its own rows into its own columns (`sharded_delay_update`).
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


def split_delay_rows(
    indptr: np.ndarray, codes: np.ndarray, weights: np.ndarray | None, n_post: int, shards: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, int]:
    """`DelayConn`'s compressed rows cut by postsynaptic block (`n_post` a multiple of
    `shards`): `(shards, n_pre + 1)` row pointers, `(shards, length)` codes
    `(delay_steps - 1) * b + local_target` and weights (each row's synapses in their
    order, every table padded with the widest row), and that width."""
    n_pre, total = indptr.shape[0] - 1, int(indptr[-1])
    b = n_post // shards
    pre = np.repeat(np.arange(n_pre, dtype=np.int32), np.diff(indptr))
    post, lag = codes[:total] % n_post, codes[:total] // n_post
    owner = post // b
    counts = np.stack([np.bincount(pre[owner == s], minlength=n_pre) for s in range(shards)])
    width = max(1, int(counts.max(initial=0)))
    length = int(counts.sum(1).max(initial=0)) + width
    rows = np.zeros((shards, n_pre + 1), np.int32)
    rows[:, 1:] = np.cumsum(counts, axis=1)
    out = np.zeros((shards, length), np.int32)
    w = None if weights is None else np.zeros((shards, length), np.float32)
    for s in range(shards):
        mine = owner == s
        k = int(mine.sum())
        out[s, :k] = lag[mine] * b + post[mine] - s * b
        if w is not None and weights is not None:
            w[s, :k] = weights[:total][mine]
    return rows, out, w, width


@dataclass
class DelaySplit:
    """One `DelayConn`'s per-device rows (`Parameter`s of global arrays sharded along
    the mesh axis; `weights` is `None` for one weight for all) and their width."""

    indptr: Parameter
    codes: Parameter
    weights: Parameter | None
    width: int


@dataclass
class MeshPlan:
    """How a network runs on a mesh: the mesh (its axes automatic, for XLA's
    partitioner), the axis the neurons are split along, the connectors' per-device
    tables by the id of their `indices` Variable, where each state Variable lives, and
    the spike Variables exchanged at the end of each step (by id)."""

    mesh: Mesh
    axis: str
    splits: dict[int, Split] = field(default_factory=dict)
    delays: dict[int, DelaySplit] = field(default_factory=dict)
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

    def split_delays(
        self, indptr: Variable, codes: Variable, weights: Variable | None, n_post: int
    ) -> DelaySplit:
        """Cut a `DelayConn`'s rows for this mesh (from its values on the host)."""
        rows, out, w, width = split_delay_rows(
            np.asarray(indptr.value),
            np.asarray(codes.value),
            None if weights is None else np.asarray(weights.value),
            n_post,
            self.shards,
        )
        on_axis = NamedSharding(self.mesh, P(self.axis))
        found = DelaySplit(
            Parameter(global_array(rows, on_axis)),
            Parameter(global_array(out, on_axis)),
            None if w is None else Parameter(global_array(w, on_axis)),
            width,
        )
        self.delays[id(codes)] = found
        return found


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


def delay_split_of(codes: Variable) -> tuple[MeshPlan, DelaySplit] | None:
    """The active plan and this `DelayConn`'s rows, if a sharded run is being traced."""
    plan = _ACTIVE.get()
    if plan is None:
        return None
    found = plan.delays.get(id(codes))
    return None if found is None else (plan, found)


def sharded_delay_update(
    local: Any, spike: Any, buffer: Any, step: Any, plan: MeshPlan, split: DelaySplit
) -> tuple[jax.Array, jax.Array]:
    """One `DelayConn` step on the mesh: each device runs `local(spike, buffer, step,
    indptr, codes, weights, width)` on the whole spike vector (replicated: the
    exchange), its `(max_delay, b)` columns of the buffer and its own rows, and gives
    back its `(b,)` input arriving now and its new columns. **Returns:** the input
    `(n_post,)` split along the mesh axis, and the buffer split by column."""
    spike = jax.lax.with_sharding_constraint(spike, NamedSharding(plan.mesh, P()))
    per_synapse = split.weights is not None
    tables = [split.indptr.value, split.codes.value]
    if split.weights is not None:
        tables.append(split.weights.value)

    def run(everyone, columns, now, rows, codes, *w):
        weights = w[0][0] if per_synapse else None
        return local(everyone, columns, now, rows[0], codes[0], weights, split.width)

    on, columns = P(plan.axis), P(None, plan.axis)
    return jax.shard_map(
        run,
        mesh=plan.mesh,
        in_specs=(P(), columns, P(), on, on, *([on] if per_synapse else [])),
        out_specs=(on, columns),
        check_vma=False,  # the kernel's loop carries start unvarying; the values are per device
    )(spike, buffer, step, *tables)


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
