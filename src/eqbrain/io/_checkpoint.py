"""Checkpoint files: `save`, `load` and `read_state`, in the safetensors format.

A file holds every unique Variable of a model keyed by its *relative* path (`c1.w`,
`lst-0.v`), so it loads into a freshly built model in another process whatever names
the objects got there. The header's `__metadata__` records the eqbrain version and each
Variable's class, batch axis and axis names. Any safetensors reader can open the file.

Writes are atomic (a temporary file in the same folder, flushed, fsynced and renamed
over the target), and loads are all-or-nothing: the whole file is read and checked,
and every value checked against its Variable, before the first Variable is written.
"""

from __future__ import annotations

import json
import math
import mmap
import os
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jax
import ml_dtypes
import numpy as np
from jax.core import Tracer

from .._errors import MathError
from ..core import StateLoadResult, load_checked

if TYPE_CHECKING:
    from ..core import Module

__all__ = ["CheckpointError", "save", "load", "read_state", "read_metadata"]

FORMAT = "eqbrain"
_MAX_HEADER = 100_000_000  # as the safetensors library

# safetensors dtype names <-> numpy dtypes.
_DTYPES: dict[str, np.dtype] = {
    "BOOL": np.dtype(np.bool_),
    "U8": np.dtype(np.uint8),
    "I8": np.dtype(np.int8),
    "U16": np.dtype(np.uint16),
    "I16": np.dtype(np.int16),
    "U32": np.dtype(np.uint32),
    "I32": np.dtype(np.int32),
    "U64": np.dtype(np.uint64),
    "I64": np.dtype(np.int64),
    "F16": np.dtype(np.float16),
    "BF16": np.dtype(ml_dtypes.bfloat16),
    "F32": np.dtype(np.float32),
    "F64": np.dtype(np.float64),
    "C64": np.dtype(np.complex64),
    "F8_E4M3": np.dtype(ml_dtypes.float8_e4m3fn),
    "F8_E5M2": np.dtype(ml_dtypes.float8_e5m2),
}
_NAMES = {v: k for k, v in _DTYPES.items()}


class CheckpointError(ValueError):
    """A file is not a readable checkpoint (truncated, corrupted or not safetensors).

    The message names the file and what is wrong; nothing has been loaded.
    """


def _bad(path: Any, why: str) -> CheckpointError:
    return CheckpointError(
        f"Cannot read checkpoint {os.fspath(path)!r}: {why}. Nothing was loaded."
    )


# -- writing ------------------------------------------------------------------------


def _host_array(key: str, value: Any) -> np.ndarray:
    if isinstance(value, Tracer):
        raise TypeError(
            f"Cannot save Variable {key!r}: it holds a tracer. Save the model outside "
            "jit/grad/scan, after the transformed function has returned it."
        )
    arr = np.asarray(value)
    if not arr.flags.c_contiguous:
        arr = arr.copy(order="C")  # (np.ascontiguousarray would make a 0-d array 1-d)
    if arr.dtype not in _NAMES:
        raise TypeError(
            f"Cannot save Variable {key!r}: dtype {arr.dtype} has no safetensors name."
        )
    return arr


def _variables_of(model: Module) -> dict[str, Any]:
    return dict(model.vars(method="relative").unique())


def _metadata(variables: Mapping[str, Any]) -> dict[str, str]:
    from importlib.metadata import version

    __version__ = version("eqbrain")

    info = {
        k: {
            "class": type(v).__name__,
            "batch_axis": v.batch_axis,
            "axis_names": None if v.axis_names is None else list(v.axis_names),
        }
        for k, v in variables.items()
    }
    return {
        "format": FORMAT,
        "eqbrain_version": __version__,
        "variables": json.dumps(info, separators=(",", ":")),
    }


def _header(arrays: Mapping[str, np.ndarray], metadata: Mapping[str, str]) -> bytes:
    header: dict[str, Any] = {"__metadata__": dict(metadata)}
    offset = 0
    for k, a in arrays.items():
        header[k] = {
            "dtype": _NAMES[a.dtype],
            "shape": list(a.shape),
            "data_offsets": [offset, offset + a.nbytes],
        }
        offset += a.nbytes
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # the data starts 8-byte aligned
    return len(raw).to_bytes(8, "little") + raw


def _write_all(f: Any, chunk: Any) -> None:
    # A raw write may write less than asked (Linux caps one write() near 2 GiB).
    view = memoryview(chunk).cast("B")
    while view:
        n = f.write(view)
        view = view[n:]


def write_atomic(path: Any, chunks, fsync: bool = True) -> None:
    """Write the byte chunks to a temporary file beside `path`, then rename it over."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb", buffering=0) as f:
            for chunk in chunks:
                _write_all(f, chunk)
            if fsync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if fsync and hasattr(os, "O_DIRECTORY"):
        dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)  # make the rename itself durable
        finally:
            os.close(dfd)


def _chunks(header: bytes, arrays: Mapping[str, np.ndarray]):
    yield header
    for a in arrays.values():
        if a.nbytes:
            yield a.reshape(-1).view(np.uint8).data


def save(path: str | os.PathLike, model: Module, *, fsync: bool = True) -> None:
    """Save every Variable of `model` to a safetensors file at `path`, atomically.

    Keys are the relative `vars()` paths (`c1.w`, `lst-0.v`); a Variable held under two
    paths (weight tying) is written once, under its first path. The file is written
    to a temporary file in the same folder, flushed, fsynced and renamed over `path`,
    so a crash or an exception mid-save leaves any earlier file at `path` intact.

    **Arguments:**

    - `path`: the file to write (`.safetensors` by convention).
    - `model`: an `eqbrain.Module`.
    - `fsync`: `False` skips the fsyncs (faster, but a power loss may lose the file).

    ```python
    eqbrain.save("net.safetensors", net)
    ```
    """
    variables = _variables_of(model)
    # Everything is fetched and checked before the file is opened.
    arrays = {k: _host_array(k, v.raw_value) for k, v in variables.items()}
    header = _header(arrays, _metadata(variables))
    write_atomic(path, _chunks(header, arrays), fsync=fsync)


# -- reading ------------------------------------------------------------------------


_BATCH_BYTES = 64 << 20  # values are converted (and their pages released) in batches


def _copies(items: list[tuple[str, np.ndarray]]) -> list[np.ndarray]:
    return [view.copy() for _, view in items]


def _read(path: Any, convert=_copies) -> tuple[dict[str, Any], dict[str, str]]:
    """Read and check a whole safetensors file: ({key: value}, metadata).

    The header is checked in full before any data is touched. `convert` gets batches
    of (key, read-only view into the mapped file) and returns one value per view,
    which must neither alias the file nor read it after `convert` returns.
    """
    try:
        f = open(path, "rb")
    except IsADirectoryError:
        raise _bad(path, "it is a directory") from None
    with f:
        size = os.fstat(f.fileno()).st_size
        if size < 8:
            raise _bad(path, f"the file has {size} bytes, fewer than a safetensors header")
        n = int.from_bytes(f.read(8), "little")
        if n > min(size - 8, _MAX_HEADER):
            raise _bad(
                path,
                f"the header claims {n} bytes but the file has only {size - 8} "
                "after the length (truncated, or not a safetensors file)",
            )
        header, metadata, spans = _parse_header(path, f.read(n), size - 8 - n)
        if not spans:
            return {}, metadata
        # One copy, from the page cache into fresh arrays (or device buffers).
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    start = 8 + n
    arrays: dict[str, Any] = {}
    try:
        batch: list = []
        first = 0
        for i, (begin, end, key, dtype, shape) in enumerate(spans):
            if not batch:
                first = begin
            count = (end - begin) // dtype.itemsize
            view = np.frombuffer(mm, dtype, count, start + begin) if count else np.empty(0, dtype)
            batch.append((key, view.reshape(shape)))
            del view
            if end - first >= _BATCH_BYTES or i == len(spans) - 1:
                arrays.update(zip([k for k, _ in batch], convert(batch)))
                batch.clear()
                _release(mm, start + first, end - first)
    finally:
        batch = []
        try:
            mm.close()
        except BufferError:  # a view is still alive somewhere; the GC will close it
            pass
    return {k: arrays[k] for k in header}, metadata


def _release(mm: mmap.mmap, start: int, length: int) -> None:
    """Unmap pages already copied, so the mapping never holds more than one tensor
    in this process's memory (the page cache keeps them; this is only bookkeeping)."""
    if length < 1 << 20 or not hasattr(mmap, "MADV_DONTNEED"):
        return
    page = mmap.PAGESIZE
    begin = start - start % page
    try:
        mm.madvise(mmap.MADV_DONTNEED, begin, start + length - begin)
    except OSError:
        pass


def _parse_header(path: Any, raw: bytes, data_len: int):
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _bad(path, f"the header is not valid JSON ({e})") from None
    if not isinstance(header, dict):
        raise _bad(path, "the header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        raise _bad(path, "__metadata__ is not a map of strings to strings")
    spans = []
    for key, entry in header.items():
        try:
            dtype = _DTYPES[entry["dtype"]]
            shape = tuple(entry["shape"])
            begin, end = entry["data_offsets"]
            ok = all(type(s) is int and s >= 0 for s in shape + (begin, end))
        except (KeyError, TypeError, ValueError):
            raise _bad(path, f"the header entry for {key!r} is malformed: {entry!r}") from None
        if not ok or end - begin != math.prod(shape) * dtype.itemsize:
            raise _bad(
                path,
                f"the header entry for {key!r} is inconsistent (dtype {entry['dtype']}, "
                f"shape {list(shape)}, data_offsets {[begin, end]})",
            )
        spans.append((begin, end, key, dtype, shape))
    spans.sort(key=lambda s: (s[0], s[1]))
    position = 0
    for begin, end, key, _, _ in spans:
        if begin != position:
            raise _bad(path, f"the data of {key!r} does not start where the previous one ends")
        position = end
    if position != data_len:
        raise _bad(
            path,
            f"the header describes {position} bytes of data but the file holds "
            f"{data_len} (truncated or corrupted)",
        )
    return header, metadata, spans


def read_state(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read a checkpoint file into a plain `{relative_key: numpy array}` dict.

    No model is needed. Raises `CheckpointError` for a truncated, corrupted or
    foreign file.

    ```python
    state = eqbrain.read_state("net.safetensors")   # {'c1.w': array(...), ...}
    ```
    """
    return _read(path)[0]


def read_metadata(path: str | os.PathLike) -> dict[str, Any]:
    """The header metadata of a checkpoint: format, eqbrain version, and per Variable
    its class, batch axis and axis names (under `'variables'`)."""
    metadata = dict(_read(path)[1])
    if "variables" in metadata:
        try:
            metadata["variables"] = json.loads(metadata["variables"])
        except json.JSONDecodeError as e:
            raise _bad(path, f"the 'variables' metadata is not valid JSON ({e})") from None
    return metadata


def _to_device(var: Any, key: str, view: np.ndarray, where: str) -> Any:
    """`view` copied to a jax.Array placed like `var`'s value; MathError on dtype."""
    old = var.raw_value
    if view.dtype != old.dtype:
        raise MathError(
            f"Cannot load {key!r} into {where}: The dtype of the original data is "
            f"{old.dtype}, while we got {view.dtype}."
        )
    if not (isinstance(old, jax.Array) and view.shape == old.shape):
        return view.copy()  # Variable.check_value converts it, or raises MathError
    return _unaliased(jax.block_until_ready(jax.device_put(view, old.sharding)), view)


def _unaliased(value: jax.Array, view: np.ndarray) -> jax.Array:
    """`value`, or a copy of it if JAX kept pointing into the mapped file."""
    try:
        aliased = view.size > 0 and value.unsafe_buffer_pointer() == view.ctypes.data
    except Exception:  # several shards, or a backend without host pointers
        aliased = False
    return jax.device_put(view.copy(), value.sharding) if aliased else value


def load(
    path: str | os.PathLike,
    model: Module,
    strict: bool = False,
    warn: bool = True,
) -> StateLoadResult:
    """Load a checkpoint file written by `save` into `model`'s Variables, all or nothing.

    The whole file is read and checked, and every value is checked against its
    Variable (shape up to the batch axis, dtype), before the first Variable is written:
    a failing load leaves `model` exactly as it was. Values go straight from the file
    to the device each Variable's current value is on (its sharding is kept).

    **Arguments:**

    - `path`: a file written by `eqbrain.save` (or any safetensors file keyed by the
      model's relative `vars()` paths).
    - `model`: the `eqbrain.Module` to load into.
    - `strict`: raise `ValueError` if the file lacks a key of the model or has one the
      model lacks.
    - `warn`: warn about missing or unexpected keys (when not `strict`).

    **Returns:** `StateLoadResult(missing_keys, unexpected_keys)` of relative keys.

    **Raises:** `CheckpointError` for an unreadable file, `MathError` for a value of
    the wrong shape or dtype, `ValueError` for key mismatches with `strict=True`.

    ```python
    net = Net()                      # a fresh model, any auto names
    eqbrain.load("net.safetensors", net, strict=True)
    ```
    """
    where = f"{model.name} from {os.fspath(path)!r}"
    variables = model.vars(method="relative")

    def convert(items: list[tuple[str, np.ndarray]]) -> list[Any]:
        out: list[Any] = [None] * len(items)  # None for keys the model lacks
        todo, views, shardings = [], [], []
        for i, (key, view) in enumerate(items):
            var = variables.get(key)
            if var is None:
                continue
            old = var.raw_value
            if view.dtype != old.dtype:
                raise MathError(
                    f"Cannot load {key!r} into {where}: The dtype of the original data is "
                    f"{old.dtype}, while we got {view.dtype}."
                )
            if isinstance(old, jax.Array) and view.shape == old.shape:
                todo.append(i)
                views.append(view)
                shardings.append(old.sharding)
            else:
                out[i] = view.copy()  # Variable.check_value converts it, or raises MathError
        if views:  # one batched transfer, each value into its Variable's sharding
            # Wait for the copies: the transfer may still read the mapped file after
            # device_put returns, and the batch's pages are released next.
            placed = jax.block_until_ready(jax.device_put(views, shardings))
            for i, view, value in zip(todo, views, placed):
                out[i] = _unaliased(value, view)
        return out

    state, _ = _read(path, convert)
    provided = [(k, v, variables.get(k)) for k, v in state.items()]
    return load_checked(list(variables.items()), provided, where, warn, strict)


def load_arrays(
    state: Mapping[str, Any], model: Module, where: str, strict: bool, warn: bool
) -> StateLoadResult:
    """Load `{relative_key: array}` into `model`, all or nothing (for other readers)."""
    variables = model.vars(method="relative")
    provided = []
    for key, value in state.items():
        var = variables.get(key)
        if var is not None:
            value = _to_device(var, key, np.asarray(value), where)
        provided.append((key, value, var))
    return load_checked(list(variables.items()), provided, where, warn, strict)
