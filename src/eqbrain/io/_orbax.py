"""An optional orbax-checkpoint backend for sharded models: `save_orbax`, `load_orbax`.

Needs `pip install "eqbrain[orbax]"`. A checkpoint is an orbax directory holding
`{relative_key: array}`, written shard by shard (each host writes its own shards), and
restored straight into each Variable's current sharding.

Orbax writes into a temporary folder and renames it; with `force=True` it would first
delete the existing checkpoint, so a kill in between lost it. eqbrain instead lets orbax
write a complete checkpoint into a locked staging folder beside the target, and then
swaps it in with one atomic `renameat2(RENAME_EXCHANGE)` (Linux); where that is
missing, the old checkpoint is moved into the staging folder first, and a kill between
the two renames is rolled back by the next save or load (see `_files`).
"""

from __future__ import annotations

import errno
import os
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

import jax
import numpy as np

from .._core import StateLoadResult, load_checked, shape_without
from .._errors import MathError
from ._checkpoint import state_of
from ._files import CheckpointError, checked_path, staging_folder, swap_in, sweep, temp_name

if TYPE_CHECKING:
    from .._core import Module

_MISSING_MSG = (
    "The orbax backend needs orbax-checkpoint: `pip install 'eqbrain[orbax]'` "
    "(or `pip install orbax-checkpoint`)."
)
_NEW = "new"  # inside the staging folder: what orbax writes


def _ocp():
    try:
        import orbax.checkpoint as ocp
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(_MISSING_MSG) from e
    return ocp


def _bad(path: str, why: str) -> CheckpointError:
    return CheckpointError(f"Cannot read orbax checkpoint {path!r}: {why}. Nothing was loaded.")


def _why(e: BaseException) -> str:
    text = " ".join(str(e).split())
    text = text if len(text) <= 300 else text[:297] + "..."
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def save_orbax(
    directory: str | bytes | os.PathLike, model: Module, *, force: bool = False
) -> None:
    """Save every unique Variable of `model` to an orbax checkpoint directory.

    Keys are the relative paths of every Variable and plain array field, as in
    `eqbrain.save`; sharded values are
    written shard by shard without being gathered on one host. The checkpoint is
    written complete beside `directory` and then put in place in one step, so a kill at
    any moment (with `force=True` too) leaves the previous checkpoint or the new one.

    **Arguments:**

    - `directory`: the checkpoint directory (str, bytes or `os.PathLike`); it must not
      exist unless `force=True`. A symlink to a directory is followed.
    - `model`: an `eqbrain.Module`.
    - `force`: replace an existing checkpoint.

    **Raises:** `FileExistsError` if `directory` exists and `force` is False,
    `CheckpointError` for an empty path.

    ```python
    eqbrain.save_orbax("ckpt/step_100", net)
    eqbrain.save_orbax("ckpt/latest", net, force=True)
    ```
    """
    ocp = _ocp()
    d = checked_path(directory, "orbax checkpoint")
    target = os.path.realpath(d)
    if os.path.lexists(target):
        if not force:
            raise FileExistsError(
                errno.EEXIST, "An orbax checkpoint exists here; pass force=True to replace it", d
            )
        if not os.path.isdir(target):
            raise NotADirectoryError(
                errno.ENOTDIR, "Cannot save an orbax checkpoint over a file", d
            )
    tree = {k: v.raw_value for k, v in state_of(model).items()}
    if jax.process_count() == 1:
        with staging_folder(target) as staging:
            _write(ocp, os.path.join(staging, _NEW), tree)
            swap_in(os.path.join(staging, _NEW), target, staging)
    else:
        _save_multiprocess(ocp, target, tree)


def _write(ocp: Any, path: str, tree: dict[str, Any]) -> None:
    ckptr = ocp.StandardCheckpointer()
    try:
        ckptr.save(path, tree)
        ckptr.wait_until_finished()
    finally:
        ckptr.close()


def _save_multiprocess(ocp: Any, target: str, tree: dict[str, Any]) -> None:
    """All processes write into one staging folder (named by process 0, which creates,
    locks and finally swaps it in); barriers keep the steps in order."""
    from jax.experimental import multihost_utils as mh

    seed = np.frombuffer(os.getpid().to_bytes(4, "little") + os.urandom(6), np.uint8)
    name = bytes(np.asarray(mh.broadcast_one_to_all(seed), np.uint8))
    folder = os.path.dirname(target)
    fixed = temp_name(
        folder, os.path.basename(target), int.from_bytes(name[:4], "little"), name[4:].hex()
    )
    primary = jax.process_index() == 0
    with staging_folder(target, fixed) if primary else nullcontext(fixed) as staging:
        mh.sync_global_devices("eqbrain.save_orbax: staging folder made")
        _write(ocp, os.path.join(staging, _NEW), tree)
        mh.sync_global_devices("eqbrain.save_orbax: checkpoint written")
        if primary:
            swap_in(os.path.join(staging, _NEW), target, staging)
    mh.sync_global_devices("eqbrain.save_orbax: checkpoint in place")


def _metadata(ocp: Any, d: str, path: str) -> dict[str, Any]:
    ckptr = ocp.StandardCheckpointer()
    try:
        meta = ckptr.metadata(path)
    except Exception as e:
        raise _bad(d, f"its metadata cannot be read ({_why(e)})") from None
    finally:
        ckptr.close()
    tree = getattr(getattr(meta, "item_metadata", None), "tree", None)
    if not isinstance(tree, dict):
        raise _bad(d, "it holds no array metadata (a damaged or foreign checkpoint)")
    return tree


def _shape_dtype(d: str, key: Any, m: Any) -> tuple[tuple[int, ...], np.dtype]:
    if not isinstance(key, str):
        raise _bad(d, f"its key {key!r} is not a string (not written by save_orbax)")
    try:
        shape = tuple(m.shape)
        dtype = np.dtype(m.dtype)
        if not all(type(s) is int and s >= 0 for s in shape):
            raise TypeError(shape)
    except Exception:
        raise _bad(d, f"the metadata of {key!r} has no valid shape and dtype") from None
    return shape, dtype


def _restore(ocp: Any, d: str, path: str, target: dict[str, Any]) -> dict[str, Any]:
    ckptr = ocp.StandardCheckpointer()
    try:
        return ckptr.restore(path, target)
    except Exception as e:
        error = e
    finally:
        ckptr.close()
    keys = _failing_keys(ocp, path, target)
    what = ", ".join(map(repr, keys))
    what = f"the data of {what} cannot be read" if keys else "its data cannot be read"
    raise _bad(d, f"{what} ({_why(error)})") from None


_MAX_PROBES = 64


def _failing_keys(ocp: Any, path: str, target: dict[str, Any]) -> list[str]:
    """The keys whose data cannot be read, found by restoring one key at a time (as
    numpy, each alone); [] where this orbax cannot restore part of a checkpoint."""
    failing = []
    for key in list(target)[:_MAX_PROBES]:
        try:
            args = ocp.args.PyTreeRestore(
                item={key: target[key]},
                restore_args={key: ocp.RestoreArgs(restore_type=np.ndarray)},
                partial_restore=True,
            )
        except (AttributeError, TypeError):  # pragma: no cover - orbax before partial_restore
            return []
        ckptr = ocp.PyTreeCheckpointer()
        try:
            ckptr.restore(path, args=args)
        except Exception:
            failing.append(key)
        finally:
            ckptr.close()
    return failing


def load_orbax(
    directory: str | bytes | os.PathLike, model: Module, strict: bool = False, warn: bool = True
) -> StateLoadResult:
    """Load an orbax checkpoint written by `save_orbax` into `model`, all or nothing.

    Shapes and dtypes are checked from the checkpoint's metadata, and every array is
    restored into the sharding of the Variable's current value, before the first
    Variable is written. If `directory` is missing because a save was killed midway
    through putting its checkpoint in place, the previous checkpoint is put back first.

    **Arguments:** as `eqbrain.load`; `directory` is str, bytes or `os.PathLike`.

    **Raises:** `FileNotFoundError` when there is no checkpoint, `CheckpointError`
    naming the directory (and the key) for a damaged or foreign one, `MathError` and
    `ValueError` as `eqbrain.load`.

    ```python
    eqbrain.load_orbax("ckpt/step_100", net, strict=True)
    ```
    """
    ocp = _ocp()
    d = checked_path(directory, "orbax checkpoint")
    path = os.path.realpath(d)
    if not os.path.exists(path):
        sweep(os.path.dirname(path))  # rolls back a swap that a kill interrupted
    if not os.path.isdir(path):
        raise FileNotFoundError(errno.ENOENT, f"No orbax checkpoint directory at {path!r}", d)
    where = f"{model.name} from {d!r}"
    variables = state_of(model)
    meta = _metadata(ocp, d, path)
    target: dict[str, Any] = {}
    for key, m in meta.items():
        shape, dtype = _shape_dtype(d, key, m)
        var = variables.get(key)
        if var is None:
            target[key] = jax.ShapeDtypeStruct(shape, dtype)
            continue
        if dtype != var.dtype:
            raise MathError(
                f"Cannot load {key!r} into {where}: The dtype of the original data is "
                f"{var.dtype}, while we got {dtype}."
            )
        old, axis = var.shape, getattr(var, "batch_axis", None)
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
    restored = _restore(ocp, d, path, target)
    provided = [(k, restored[k], variables.get(k)) for k in meta]
    return load_checked(list(variables.items()), provided, where, warn, strict)
