"""A network placed on a device mesh for a run: its neurons split by index ranges along
one mesh axis, its connectivity split by postsynaptic neuron (`projections._sharded`),
everything else replicated.

What is split: the state of every population (neurons and synapses, `Population`)
whose Variables end with the population's size; a population whose size is not a
multiple of the number of devices stays whole on every device (with a warning). Its
spikes (a boolean Variable) are computed block by block and then made whole on every
device at the end of each step (`exchange`), so the projections and the delay buffers
(which hold whole spike vectors) need no other communication. A `DelayConn` whose
targets split evenly is split by target block (its rows per device, and its ring
buffer by column). The global connectivity tables stay in the model for checkpoints
(replicated; `DelayConn`'s split evenly along their length); a step reads only each
device's own part.

Random draws need nothing: a draw of the whole network's shape placed on a mesh is the
same array on 1 or N devices (JAX's counter-based, partitionable threefry), so spikes
are identical to the last one.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import AxisType, Mesh, NamedSharding, PartitionSpec as P

from ..._core import Variable
from .._dynsys import DynamicalSystem
from .._population import Population
from ..projections._delay_conn import DelayConn
from ..projections._sharded import MeshPlan, global_array
from ._errors import RunningError
from ._spikes import PackedBits, pack

_AXIS_MSG = """\
{who}: the mesh has no axis {axis!r}; its axes are {axes}. Pass `mesh_axis=` one of \
them (the axis the neurons are split along), or build the mesh with that name: \
`jax.make_mesh(({n},), ({axis!r},))`."""

_WHICH_AXIS_MSG = """\
{who}: the mesh has several axes {axes}; say which one the neurons are split along \
with `mesh_axis=`."""

_SMALL_MSG = """\
{who}: {pop} has {num} neurons, fewer than the {shards} devices of mesh axis {axis!r}, \
so some devices would hold none of it. Use a mesh with at most {num} devices along \
{axis!r} (`jax.make_mesh(({num},), ({axis!r},), devices=jax.devices()[:{num}])`), or \
run without a mesh."""

_UNEVEN_MSG = """\
{who}: {pop} has {num} neurons, not a multiple of the {shards} devices of mesh axis \
{axis!r}: its state is kept whole on every device (each device computes all of it). \
Population sizes that are multiples of {shards} split evenly."""

_BATCH_MSG = """\
{who}: {var} is batched; a network runs on a mesh one trial at a time. Run the batch on \
one device, or shard the batch axis yourself with `eqbrain.shard`."""


def auto_mesh(mesh: Any, axis: str | None, who: str) -> tuple[Mesh, str]:
    """`mesh` with automatic axis types (XLA's partitioner places what is not pinned)
    and the axis the neurons are split along, checked."""
    if not isinstance(mesh, Mesh):
        raise TypeError(f"{who}: mesh must be a jax.sharding.Mesh, got {type(mesh).__name__}.")
    names = tuple(mesh.axis_names)
    if axis is None:
        if len(names) != 1:
            raise RunningError(_WHICH_AXIS_MSG.format(who=who, axes=names))
        axis = str(names[0])
    if axis not in names:
        raise RunningError(_AXIS_MSG.format(who=who, axis=axis, axes=names, n=mesh.devices.size))
    auto = Mesh(mesh.devices, names, axis_types=(AxisType.Auto,) * len(names))
    return auto, axis


def _own_variables(node: Any) -> list[Variable]:
    """The Variables held directly in `node`'s fields."""
    if not dataclasses.is_dataclass(node):
        return []
    found = [getattr(node, f.name, None) for f in dataclasses.fields(node)]
    return [v for v in found if isinstance(v, Variable)]


def _connectors(nodes: list[Any]) -> list[Any]:
    """The connectors stored as padded target rows (`FixedProb`, `SparseConn` and kin)."""
    return [
        n
        for n in nodes
        if isinstance(getattr(n, "indices", None), Variable)
        and isinstance(getattr(n, "n_pre", None), int)
        and isinstance(getattr(n, "n_post", None), int)
    ]


def _delay_conns(nodes: list[Any], shards: int) -> list[DelayConn]:
    """The `DelayConn`s whose targets split evenly over the devices (the others stay
    whole on every device)."""
    return [
        n
        for n in nodes
        if isinstance(n, DelayConn) and n.n_post % shards == 0 and n.n_post >= shards
    ]


def _neuron_axes(
    nodes: list[Any], shards: int, axis: str, who: str
) -> tuple[dict[int, int], set[int]]:
    """id(Variable) -> its number of axes, for the Variables split along the mesh axis
    (their last), and the ids of the spike Variables to exchange; refuses a population
    smaller than the device count."""
    split: dict[int, int] = {}
    spikes: set[int] = set()
    for node in nodes:
        if isinstance(node, Population) and len(node.varshape) == 1:
            num = node.num
        else:
            continue
        if num < shards:
            raise RunningError(
                _SMALL_MSG.format(who=who, pop=node.name, num=num, shards=shards, axis=axis)
            )
        if num % shards:
            warnings.warn(
                _UNEVEN_MSG.format(who=who, pop=node.name, num=num, shards=shards, axis=axis),
                UserWarning,
                stacklevel=4,
            )
            continue
        for var in _own_variables(node):
            if var.ndim >= 1 and var.shape[-1] == num:
                if var.batch_axis is not None:
                    raise RunningError(_BATCH_MSG.format(who=who, var=var.describe()))
                if var.dtype == bool and var.ndim == 1:
                    spikes.add(id(var))  # computed in blocks, exchanged, kept whole
                else:
                    split.setdefault(id(var), var.ndim)
    return split, spikes


def plan_for(
    target: DynamicalSystem, mesh: Any, axis: str | None, extra: list[Variable], who: str
) -> MeshPlan:
    """Check `target` against `mesh` (nothing is changed if it does not fit), then place
    its Variables (and `extra` ones: the clock, input targets) on the mesh and split its
    connectivity. **Returns:** the plan the runner's steps propagate through."""
    auto, axis = auto_mesh(mesh, axis, who)
    shards = int(auto.shape[axis])
    nodes = list(target.nodes(method="relative").unique().values())
    split, spikes = _neuron_axes(nodes, shards, axis, who)
    plan = MeshPlan(auto, axis, exchanged=spikes)
    tables: set[int] = set()
    for conn in _connectors(nodes):
        weights = getattr(conn, "weights", None)
        weights = weights if isinstance(weights, Variable) else None
        plan.split(conn.indices, weights, conn.n_post)
        tables.update({id(conn.indices), id(weights)})
    specs = {i: P(*[None] * (n - 1), axis) for i, n in split.items()}
    for conn in _delay_conns(nodes, shards):
        plan.split_delays(conn.indptr, conn.codes, conn.weights, conn.n_post)
        specs[id(conn.buffer)] = P(None, axis)  # each device: its targets' columns
        for table in (conn.codes, conn.weights):  # the global rows, kept for checkpoints
            if table is not None and table.shape[0] % shards == 0:
                specs[id(table)] = P(axis)
        tables.update({id(conn.codes), id(conn.weights), id(conn.indptr)})
    variables = {id(v): v for v in [*target.vars().unique().values(), *extra]}
    replicated = NamedSharding(auto, P())
    for var in variables.values():
        spec = specs.get(id(var))
        sharding = replicated if spec is None else NamedSharding(auto, spec)
        value = var.raw_value
        if isinstance(value, jax.Array) and not value.is_fully_addressable:
            var.raw_value = jax.device_put(value, sharding)  # already on a global mesh
        else:
            var.raw_value = global_array(np.asarray(value), sharding)
        if id(var) not in tables:
            plan.placed.append((var, sharding))
    return plan


def exchange(spikes: jax.Array, plan: MeshPlan) -> jax.Array:
    """This step's spikes, computed block by block, made whole on every device: each
    device packs its block eight neurons to a byte, and one all-gather of the bytes
    inside `shard_map` is the step's only communication for the population."""
    shards = plan.shards
    b = spikes.shape[0] // shards
    shifts = jnp.arange(8, dtype=jnp.uint8)[None, :, None]

    def local(block):
        every = jax.lax.all_gather(pack(block).bits, plan.axis)  # (shards, bytes)
        planes = (every[:, None, :] >> shifts) & jnp.uint8(1)  # `pack`'s eight planes
        return planes.reshape(shards, -1)[:, :b].reshape(-1).astype(bool)

    spec = P(plan.axis)
    return jax.shard_map(local, mesh=plan.mesh, in_specs=spec, out_specs=P(), check_vma=False)(
        spikes
    )


def constrain(plan: MeshPlan | None) -> None:
    """The end of a step: exchange the spikes, and pin each state Variable to its
    place, so that the loop's carry and the written-back state keep the placement (and
    no call recompiles)."""
    if plan is None:
        return
    for var, sharding in plan.placed:
        value = var.value
        if id(var) in plan.exchanged and plan.shards > 1:
            value = exchange(value, plan)
        var.value = jax.lax.with_sharding_constraint(value, sharding)


def pack_on(value: Any, plan: MeshPlan | None) -> PackedBits:
    """`pack` one step's boolean record; on a mesh, a value split along the mesh axis is
    packed by each device where it lives (the bytes come together once per chunk)."""
    if plan is None:
        return pack(value)
    value = jnp.asarray(value)
    shards = plan.shards
    if value.ndim == 1 and shards > 1 and value.shape[0] % shards == 0:
        spec = P(plan.axis)
        bits = jax.shard_map(
            lambda x: pack(x).bits, mesh=plan.mesh, in_specs=spec, out_specs=spec
        )(value)
        return PackedBits(bits, value.shape, shards)
    return pack(jax.lax.with_sharding_constraint(value, NamedSharding(plan.mesh, P())))
