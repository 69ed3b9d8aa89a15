"""An optional orbax-checkpoint backend for sharded models: `save_orbax`, `load_orbax`.

Needs `pip install "eqbrain[orbax]"`. A checkpoint is an orbax directory holding
`{relative_key: array}`, written shard by shard (each host writes its own shards), and
restored straight into each Variable's current sharding. Orbax commits a checkpoint
atomically (it writes a temporary directory and renames it).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import jax
import numpy as np

from .._errors import MathError
from ..core import StateLoadResult, load_checked, shape_without

if TYPE_CHECKING:
    from ..core import Module

_MISSING_MSG = (
    "The orbax backend needs orbax-checkpoint: `pip install 'eqbrain[orbax]'` "
    "(or `pip install orbax-checkpoint`)."
)


def _ocp():
    try:
        import orbax.checkpoint as ocp
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(_MISSING_MSG) from e
    return ocp


def save_orbax(directory: str | os.PathLike, model: Module, *, force: bool = False) -> None:
    """Save every unique Variable of `model` to an orbax checkpoint directory.

    Keys are the relative `vars()` paths, as in `eqbrain.save`; sharded values are
    written shard by shard without being gathered on one host.

    **Arguments:**

    - `directory`: the checkpoint directory (must not exist unless `force=True`).
    - `model`: an `eqbrain.Module`.
    - `force`: overwrite an existing checkpoint.
    """
    ocp = _ocp()
    tree = {k: v.raw_value for k, v in model.vars(method="relative").unique().items()}
    ckptr = ocp.StandardCheckpointer()
    ckptr.save(os.path.abspath(directory), tree, force=force)
    ckptr.wait_until_finished()


def load_orbax(
    directory: str | os.PathLike, model: Module, strict: bool = False, warn: bool = True
) -> StateLoadResult:
    """Load an orbax checkpoint written by `save_orbax` into `model`, all or nothing.

    Shapes and dtypes are checked from the checkpoint's metadata, and every array is
    restored into the sharding of the Variable's current value, before the first
    Variable is written.

    **Arguments:** as `eqbrain.load`.
    """
    ocp = _ocp()
    path = os.path.abspath(directory)
    where = f"{model.name} from {os.fspath(directory)!r}"
    variables = model.vars(method="relative")
    ckptr = ocp.StandardCheckpointer()
    if not os.path.isdir(path):
        raise FileNotFoundError(f"No orbax checkpoint directory at {path!r}.")
    try:
        meta = ckptr.metadata(path).item_metadata.tree
    except Exception as e:
        raise ValueError(f"Cannot read orbax checkpoint {path!r}: {e}") from e
    target: dict[str, Any] = {}
    for key, m in meta.items():
        var = variables.get(key)
        shape, dtype = tuple(m.shape), np.dtype(m.dtype)
        if var is None:
            target[key] = jax.ShapeDtypeStruct(shape, dtype)
            continue
        if dtype != var.dtype:
            raise MathError(
                f"Cannot load {key!r} into {where}: The dtype of the original data is "
                f"{var.dtype}, while we got {dtype}."
            )
        old, axis = var.shape, var.batch_axis
        if shape != old and (
            axis is None
            or len(old) != len(shape)
            or shape_without(old, axis) != shape_without(shape, axis)
        ):
            raise MathError(
                f"Cannot load {key!r} into {where}: The shape of the original data is "
                f"{old}, while we got {shape} with batch_axis={axis}."
            )
        sharding = getattr(var.raw_value, "sharding", None) if shape == var.shape else None
        target[key] = jax.ShapeDtypeStruct(shape, dtype, sharding=sharding)
    restored = ckptr.restore(path, target)
    provided = [(k, restored[k], variables.get(k)) for k in meta]
    return load_checked(list(variables.items()), provided, where, warn, strict)
