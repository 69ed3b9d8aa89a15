"""An optional orbax-checkpoint backend for sharded models: `save_orbax`, `load_orbax`.

Needs `pip install "eqbrain[orbax]"`. A checkpoint is an orbax directory holding
`{relative_key: array}`, written shard by shard (each host writes its own shards), and
restored straight into each Variable's current sharding.

Orbax writes into a temporary folder and renames it; with `force=True` it would first
delete the existing checkpoint, so a kill in between lost it. eqbrain instead lets orbax
write a complete checkpoint into a locked staging folder beside the target, and then
swaps it in with one atomic `renameat2(RENAME_EXCHANGE)` (Linux); where that is
missing, the old checkpoint is moved into the staging folder first, and a kill between
the two renames is rolled back by the next save or load (see `_files`). `Orbax` is the
`Format` (see `_format`); errors of the file system that orbax and TensorStore raise
become OSErrors that name the checkpoint.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import jax
import numpy as np

from ._files import (
    CheckpointError,
    refuse_special,
    staging_folder,
    swap_in,
    sweep,
    temp_name,
    write_failed,
)
from ._format import Format, load_model, save_model
from ._placement import Placement

if TYPE_CHECKING:
    from .._core import Module, StateLoadResult

_MISSING_MSG = (
    "The orbax backend needs orbax-checkpoint: `pip install 'eqbrain[orbax]'` "
    "(or `pip install orbax-checkpoint`)."
)
_NEW = "new"  # inside the staging folder: what orbax writes
_WHAT = "orbax checkpoint"


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


@dataclass(frozen=True)
class Orbax(Format):
    """The orbax format: a folder that orbax's `StandardCheckpointer` writes shard by
    shard (each host its own shards) and restores into a target sharding (see
    `Placement.struct`). `force=True` replaces an existing checkpoint. Orbax keeps each
    array's shape and dtype; the string metadata is not stored."""

    force: bool = False
    what: ClassVar[str] = _WHAT

    def write(self, path: str, values: Mapping[str, Any], metadata: Mapping[str, str]) -> None:
        ocp = _ocp()
        target = os.path.realpath(path)
        _check_target(path, target, self.force)
        existed = os.path.lexists(target)
        doing = [f"creating a staging folder for the {_WHAT}"]
        try:
            save = _save_local if jax.process_count() == 1 else _save_multiprocess
            save(ocp, target, dict(values), doing)
        except Exception as e:
            error = _as_os_error(e)
            if error is None:
                raise
            if doing[0] == _SWAPPING:
                kept = "the earlier checkpoint or the whole new one is in place"
            else:
                kept = "the earlier checkpoint is intact" if existed else "nothing was created"
            raise write_failed(error, path, doing[0], kept) from e

    def read(self, path: str, place: Placement | None) -> tuple[dict[str, Any], dict[str, str]]:
        ocp = _ocp()
        real = os.path.realpath(path)
        if not os.path.exists(real):
            sweep(os.path.dirname(real))  # rolls back a swap that a kill interrupted
        if not os.path.isdir(real):
            raise FileNotFoundError(
                errno.ENOENT, f"No orbax checkpoint directory at {real!r}", path
            )
        meta = _metadata(ocp, path, real)
        target: dict[str, Any] = {}
        for key, m in meta.items():
            shape, dtype = _shape_dtype(path, key, m)
            if place is None:
                target[key] = jax.ShapeDtypeStruct(shape, dtype)
            else:
                target[key] = place.struct(key, shape, dtype)
        restored = _restore(ocp, path, real, target)
        return {k: restored[k] for k in meta}, {}


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
    `NotADirectoryError` for a file there (with `force=True`), `CheckpointError` for an
    empty path or one that leads to a pipe, socket or device (refused before anything
    is written), and an `OSError` that names `directory` and what failed (a full disk,
    a file size limit; TensorStore's errors of the file system become one), with the
    earlier checkpoint intact.

    ```python
    eqbrain.save_orbax("ckpt/step_100", net)
    eqbrain.save_orbax("ckpt/latest", net, force=True)
    ```
    """
    save_model(Orbax(force=force), directory, model)


def _write(ocp: Any, path: str, tree: dict[str, Any]) -> None:
    ckptr = ocp.StandardCheckpointer()
    try:
        ckptr.save(path, tree)
        ckptr.wait_until_finished()
    finally:
        ckptr.close()


_WRITING = f"writing the {_WHAT}"
_SWAPPING = f"putting the new {_WHAT} in place"


def _save_local(ocp: Any, target: str, tree: dict[str, Any], doing: list[str]) -> None:
    """Write into a locked staging folder beside `target`, then swap it in; `doing[0]`
    says which step is under way."""
    with staging_folder(target) as staging:
        doing[0] = _WRITING
        _write(ocp, os.path.join(staging, _NEW), tree)
        doing[0] = _SWAPPING
        swap_in(os.path.join(staging, _NEW), target, staging)


def _save_multiprocess(ocp: Any, target: str, tree: dict[str, Any], doing: list[str]) -> None:
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
        doing[0] = _WRITING
        _write(ocp, os.path.join(staging, _NEW), tree)
        mh.sync_global_devices("eqbrain.save_orbax: checkpoint written")
        doing[0] = _SWAPPING
        if primary:
            swap_in(os.path.join(staging, _NEW), target, staging)
    mh.sync_global_devices("eqbrain.save_orbax: checkpoint in place")


_OS_ERROR_CODE = re.compile(r"os_error_code='?(\d+)")


def _as_os_error(e: Exception) -> OSError | None:
    """`e` if it is an OSError; for a TensorStore error of the file system (a
    ValueError ending `[os_error_code='28']`), an OSError of that errno; else None."""
    if isinstance(e, OSError):
        return e
    found = _OS_ERROR_CODE.search(str(e))
    if found is None:
        return None
    code = int(found.group(1))
    return OSError(code, os.strerror(code))


def _check_target(d: str, target: str, force: bool) -> None:
    """Refuse, before anything is written, what a save must not replace."""
    refuse_special(d, target, _WHAT, folder=True)
    if os.path.lexists(target):
        if not force:
            raise FileExistsError(
                errno.EEXIST, "An orbax checkpoint exists here; pass force=True to replace it", d
            )
        if not os.path.isdir(target):
            raise NotADirectoryError(
                errno.ENOTDIR, "Cannot save an orbax checkpoint over a file", d
            )


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
    return load_model(Orbax(), directory, model, strict, warn)
