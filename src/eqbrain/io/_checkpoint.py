"""Checkpoint files: `save`, `load`, `read_state` and `read_metadata`, in safetensors.

A file holds every unique Variable and plain array field of a model keyed by its
*relative* path (`_state`), so it loads into a freshly built model in another process
whatever names the objects got there. The bytes are the `Safetensors` format's
(`_safetensors`), the placement on devices `_placement`'s, and the atomic, kill-safe
writes `_files`'; `_format` joins them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from .._core import StateLoadResult
from ._files import CheckpointError, checked_path
from ._format import load_model, save_model
from ._safetensors import CHECKSUM, Safetensors, read_header_metadata

if TYPE_CHECKING:
    from .._core import Module

__all__ = ["CheckpointError", "CHECKSUM", "save", "load", "read_state", "read_metadata"]


def save(
    path: str | bytes | os.PathLike, model: Module, *, fsync: bool = True, checksum: bool = False
) -> None:
    """Save the state of `model` to a safetensors file at `path`, atomically.

    The state is every Variable and every plain array field (an `eqx.nn.Linear`'s
    `weight` and `bias` too), as `state_dict` collects it. Keys are the relative paths
    (`c1.w`, `lst-0.v`, `lin.weight`); a Variable held under two paths (weight tying) is
    written once, under its first path. The file is written
    to a temporary file in the same folder, flushed, fsynced and renamed over `path`,
    so a crash, a kill or an exception mid-save leaves any earlier file at `path`
    intact. A symlink at `path` is followed (its target is replaced, as `open()` would
    write it); a file that is replaced keeps its mode, owner and group. Temporary files
    that killed saves left in the folder are removed.

    **Arguments:**

    - `path`: the file to write (`.safetensors` by convention): str, bytes or
      `os.PathLike`.
    - `model`: an `eqbrain.Module`.
    - `fsync`: `False` skips the fsyncs (faster, but a power loss may lose the file).
    - `checksum`: also store an xxh3-64 checksum of each tensor's bytes in the metadata;
      `load` and `read_state` then verify every tensor. The file stays plain
      safetensors.

    **Raises:** `CheckpointError` for an empty path, or one that leads to a named pipe,
    socket or device (which a save would replace; refused before anything is written),
    `TypeError` for a value that cannot be saved (a tracer, an unsupported dtype), and
    an `OSError` that names `path` and what failed (a folder at `path`, a read-only
    file, a full disk, a file size limit); the earlier file is then untouched.

    ```python
    eqbrain.save("net.safetensors", net)
    eqbrain.save("net.safetensors", net, checksum=True)   # detect flipped bits on load
    ```
    """
    save_model(Safetensors(fsync=fsync, checksum=checksum), path, model)


def load(
    path: str | bytes | os.PathLike,
    model: Module,
    strict: bool = False,
    warn: bool = True,
) -> StateLoadResult:
    """Load a checkpoint file written by `save` into `model`'s Variables and plain array
    fields, all or nothing.

    The whole file is read and checked (with its checksums, if it has them), and every
    value is checked against its Variable (shape up to the batch axis, dtype), before
    the first Variable is written: a failing load leaves `model` exactly as it was.
    Values go from the file to the device each Variable's current value is on (its
    sharding is kept).

    **Arguments:**

    - `path`: a file written by `eqbrain.save` (or any safetensors file keyed by the
      model's relative `vars()` paths): str, bytes or `os.PathLike`.
    - `model`: the `eqbrain.Module` to load into.
    - `strict`: raise `ValueError` if the file lacks a key of the model or has one the
      model lacks.
    - `warn`: warn about missing or unexpected keys (when not `strict`).

    **Returns:** `StateLoadResult(missing_keys, unexpected_keys)` of relative keys.

    **Raises:** `CheckpointError` for an unreadable file (truncated, corrupted, changed
    while being read, a checksum that does not match), `MathError` for a value of the
    wrong shape or dtype, `ValueError` for key mismatches with `strict=True`,
    `FileNotFoundError` when there is no file.

    ```python
    net = Net()                      # a fresh model, any auto names
    eqbrain.load("net.safetensors", net, strict=True)
    ```
    """
    return load_model(Safetensors(), path, model, strict, warn)


def read_state(path: str | bytes | os.PathLike) -> dict[str, np.ndarray]:
    """Read a checkpoint file into a plain `{relative_key: numpy array}` dict.

    No model is needed. Checksums stored by `save(..., checksum=True)` are verified.

    **Arguments:**

    - `path`: a safetensors file (str, bytes or `os.PathLike`).

    **Raises:** `CheckpointError` naming the file (and key) for a truncated,
    corrupted, hostile or foreign file, or a checksum that does not match.

    ```python
    state = eqbrain.read_state("net.safetensors")   # {'c1.w': array(...), ...}
    ```
    """
    return Safetensors().read(checked_path(path), None)[0]


def read_metadata(path: str | bytes | os.PathLike) -> dict[str, Any]:
    """The header metadata of a checkpoint: format, eqbrain version, per Variable its
    class, batch axis and axis names (under `'variables'`), and the checksums, if any
    (under `'checksums'`, as `{algorithm: {key: hex digest}}`).

    Only the header is read (and checked in full); the data is not.

    **Arguments:**

    - `path`: a safetensors file (str, bytes or `os.PathLike`).

    ```python
    eqbrain.read_metadata("net.safetensors")["variables"]["c1.w"]["class"]  # 'TrainVar'
    ```
    """
    return read_header_metadata(checked_path(path))
