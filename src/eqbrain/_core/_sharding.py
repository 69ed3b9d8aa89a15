"""`shard`: place a model's Variables on a device mesh by their `axis_names` (and its
plain arrays, replicated)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import jax
import jax.tree_util as jtu
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from ._collect import _node_base, state_entries
from ._device import movable
from ._variable import Variable, is_variable

_T = TypeVar("_T")

_RULE_MSG = """\
eqbrain.shard: {var} has axis name {name!r}, which maps to mesh axis {axis!r}, but the \
mesh has axes {axes}. Fix `rules` (logical axis name -> mesh axis name or None)."""


def sharding_of(
    var: Variable, mesh: Mesh, rules: Mapping[str, str | None] | None = None
) -> NamedSharding:
    """The `NamedSharding` of `var` on `mesh`: each axis named in `var.axis_names` goes to
    the mesh axis `rules[name]` (the same name if `rules` is `None` and the mesh has
    it); unnamed axes and Variables without `axis_names` are replicated."""
    names = var.axis_names or (None,) * var.ndim
    spec = []
    for name in names:
        if name is None:
            spec.append(None)
            continue
        if rules is None:
            axis = name if name in mesh.axis_names else None
        else:
            axis = rules.get(name)
        if axis is not None and axis not in mesh.axis_names:
            raise ValueError(
                _RULE_MSG.format(var=var.describe(), name=name, axis=axis, axes=mesh.axis_names)
            )
        spec.append(axis)
    return NamedSharding(mesh, PartitionSpec(*spec))


def shard(model: _T, mesh: Mesh, rules: Mapping[str, str | None] | None = None) -> _T:
    """Move every Variable of `model` onto `mesh`, sharded by its `axis_names`, in place.

    A Variable with `axis_names=("batch", None)` and `rules={"batch": "data"}` is split
    along the mesh axis `"data"`; a Variable without `axis_names` is replicated.
    `eqbrain.jit` keeps these shardings: the compiled step reads sharded inputs and
    XLA propagates them to the written-back values.

    **Arguments:**

    - `model`: a module, or any pytree holding Variables (each moved once).
    - `mesh`: a `jax.sharding.Mesh`.
    - `rules`: logical axis name -> mesh axis name (or `None` for replicated). Without
      rules, an axis name that is also a mesh axis name is sharded along it.

    **Returns:** `model` itself, its Variables now sharded.

    ```python
    mesh = jax.make_mesh((8,), ("data",))
    eqbrain.shard(net, mesh, {"batch": "data"})
    ```
    """
    seen: dict[int, Any] = {}
    if _node_base and isinstance(model, _node_base[0]):
        # A module: its Variables and its plain arrays (Equinox layers' weights, which are
        # replicated); arrays in tuples cannot be replaced and stay where they are, and
        # NumPy values stay on the host.
        for _, cell in state_entries(model):
            if movable(cell):
                seen.setdefault(id(cell), cell)
    else:
        for leaf in jtu.tree_leaves(model, is_leaf=is_variable):
            if isinstance(leaf, Variable):
                seen.setdefault(id(leaf), leaf)
    variables = list(seen.values())
    replicated = NamedSharding(mesh, PartitionSpec())
    shardings = [
        sharding_of(v, mesh, rules) if isinstance(v, Variable) else replicated for v in variables
    ]
    values = jax.device_put([v.raw_value for v in variables], shardings)
    for var, value in zip(variables, values):
        var.raw_value = value
    return model
