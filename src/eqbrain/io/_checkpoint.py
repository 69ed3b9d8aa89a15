"""Checkpoint files: `save`, `load` and `read_state`, in the safetensors format.

A file holds every unique Variable of a model keyed by its *relative* path (`c1.w`,
`lst-0.v`), so it loads into a freshly built model in another process whatever names
the objects got there. The header's `__metadata__` records the eqbrain version and each
Variable's class, batch axis and axis names, and (with `save(..., checksum=True)`) an
xxh3 checksum of each tensor. Any safetensors reader can open the file.

Writes are atomic (a temporary file in the same folder, flushed, fsynced and renamed
over the target; see `_files`), and loads are all-or-nothing: the whole file is read
into memory and checked, and every value checked against its Variable, before the
first Variable is written. Files are read with `read()`, not mapped, so a file
truncated underneath a reader gives a `CheckpointError`, not a SIGBUS.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import jax
import ml_dtypes
import numpy as np
import xxhash
from jax.core import Tracer

from .._core import StateLoadResult, Variable, load_checked, state_entries
from .._errors import MathError
from ._files import CheckpointError, checked_path, open_file, replace_file

if TYPE_CHECKING:
    from .._core import Module

__all__ = ["CheckpointError", "save", "load", "read_state", "read_metadata"]

FORMAT = "eqbrain"
CHECKSUM = "xxh3_64"  # the algorithm `save(..., checksum=True)` uses
_MAX_HEADER = 100_000_000  # as the safetensors library
_MAX_NDIM = 64  # NumPy's limit
_MAX_BYTES = 1 << 62  # no tensor's size may pass this, whatever its shape claims
_ALIGN = 64  # new host buffers start here, so that JAX can adopt them without a copy

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


def _short(x: Any, limit: int = 120) -> str:
    """`repr(x)`, cut to `limit` characters (hostile headers hold huge values)."""
    r = repr(x) if not isinstance(x, str) or len(x) <= 4 * limit else repr(x[: 4 * limit])
    return r if len(r) <= limit else r[: limit - 3] + "..."


def _bad(path: str, why: str) -> CheckpointError:
    return CheckpointError(f"Cannot read checkpoint {path!r}: {why}. Nothing was loaded.")


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


def _bytes(a: np.ndarray) -> Any:
    return a.reshape(-1).view(np.uint8)


def state_of(model: Module) -> dict[str, Any]:
    """Everything the file holds: each Variable once, and every plain array field (an
    Equinox layer's weights too), by relative path, as `state_dict` keys them."""
    return dict(state_entries(model, "relative"))


def _metadata(
    variables: Mapping[str, Any], arrays: Mapping[str, np.ndarray], checksum: bool
) -> dict[str, str]:
    from importlib.metadata import version

    __version__ = version("eqbrain")

    def describe(v: Any) -> dict[str, Any]:
        if not isinstance(v, Variable):  # a plain array field
            return {"class": "array", "batch_axis": None, "axis_names": None}
        names = v.axis_names
        return {
            "class": type(v).__name__,
            "batch_axis": v.batch_axis,
            "axis_names": None if names is None else list(names),
        }

    info = {k: describe(v) for k, v in variables.items()}
    out = {
        "format": FORMAT,
        "eqbrain_version": __version__,
        "variables": json.dumps(info, separators=(",", ":")),
    }
    if checksum:
        sums = {k: xxhash.xxh3_64_hexdigest(_bytes(a)) for k, a in arrays.items()}
        out["checksums"] = json.dumps({CHECKSUM: sums}, separators=(",", ":"))
    return out


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


def _chunks(header: bytes, arrays: Mapping[str, np.ndarray]):
    yield header
    for a in arrays.values():
        if a.nbytes:
            yield _bytes(a).data


def write_atomic(path: str | bytes | os.PathLike, chunks: Any, fsync: bool = True) -> None:
    """Write the byte chunks to `path` atomically, as `save` writes its file (for other
    writers in eqbrain)."""
    replace_file(checked_path(path, "file"), chunks, fsync=fsync)


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

    **Raises:** `CheckpointError` for an empty path, `TypeError` for a value that
    cannot be saved (a tracer, an unsupported dtype), and the `OSError` of the file
    system (a folder at `path`, a read-only file, a full disk); the earlier file is
    then untouched.

    ```python
    eqbrain.save("net.safetensors", net)
    eqbrain.save("net.safetensors", net, checksum=True)   # detect flipped bits on load
    ```
    """
    p = checked_path(path)
    variables = state_of(model)
    # Everything is fetched and checked before the file is opened.
    arrays = {k: _host_array(k, v.raw_value) for k, v in variables.items()}
    header = _header(arrays, _metadata(variables, arrays, checksum))
    replace_file(p, _chunks(header, arrays), fsync=fsync)


# -- reading ------------------------------------------------------------------------


_BATCH_BYTES = 64 << 20  # values are converted (and host buffers released) in batches
_HASH_CHUNK = 1 << 20  # with checksums, data is hashed while this much is still in cache

Span = tuple[int, int, str, np.dtype, tuple[int, ...]]


def _aligned_empty(dtype: np.dtype, shape: tuple[int, ...]) -> np.ndarray:
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes < 1 << 16:  # small: JAX copies it anyway
        return np.empty(shape, dtype)
    buf = np.empty(nbytes + _ALIGN, np.uint8)
    start = -buf.ctypes.data % _ALIGN
    return buf[start : start + nbytes].view(dtype).reshape(shape)


def _keep(items: list[tuple[str, np.ndarray]]) -> list[np.ndarray]:
    return [a for _, a in items]


def _read_header(
    path: str, f: Any, size: int
) -> tuple[int, dict[str, str], list[Span], list[str]]:
    """(data start, metadata, spans in file order, keys in header order) of the open
    file `f` of `size` bytes; the header is checked in full (every entry, and that the
    data fills the file exactly)."""
    if size < 8:
        raise _bad(path, f"the file has {size} bytes, fewer than a safetensors header")
    n = int.from_bytes(_read_exactly(path, f, 8, "the header length"), "little")
    if n > min(size - 8, _MAX_HEADER):
        raise _bad(
            path,
            f"the header claims {n} bytes but the file has only {size - 8} "
            "after the length (truncated, or not a safetensors file)",
        )
    raw = _read_exactly(path, f, n, "the header")
    metadata, spans, keys = _parse_header(path, raw, size - 8 - n)
    return 8 + n, metadata, spans, keys


def _read_exactly(path: str, f: Any, n: int, what: str) -> bytes:
    raw = f.read(n)
    if len(raw) != n:
        raise _bad(path, f"the file ended inside {what} (it shrank while being read)")
    return raw


def _fill(path: str, f: Any, key: str, out: np.ndarray, hasher: Any) -> None:
    """Read `out.nbytes` bytes from `f` into `out`, feeding them to `hasher` if any."""
    view = memoryview(_bytes(out))
    total, pos = len(view), 0
    step = _HASH_CHUNK if hasher is not None else total
    while pos < total:
        got = f.readinto(view[pos : pos + step])
        if not got:
            raise _bad(
                path,
                f"the file ended inside the data of {_short(key)} (it was truncated "
                "while being read)",
            )
        if hasher is not None:
            hasher.update(view[pos : pos + got])
        pos += got


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    # Not st_ctime: a save that renames a new file over this one changes only that.
    return (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns)


def _read(
    path: Any, convert: Callable[[list[tuple[str, np.ndarray]]], list[Any]] = _keep
) -> tuple[dict[str, Any], dict[str, str]]:
    """Read and check a whole safetensors file: ({key: value}, metadata).

    The header is checked in full before any data is read. `convert` gets batches of
    (key, a new host array holding that tensor) and returns one value per array (it
    may keep the array itself). Checksums, when the file has them, are verified as
    the data is read, and the file must not have changed when the last byte is in.
    """
    p = checked_path(path)
    f = open_file(p, lambda why: _bad(p, why))
    with f:
        before = os.fstat(f.fileno())
        try:  # a hint for cold reads: read ahead further (pipes and some files refuse it)
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)
        except (AttributeError, OSError):
            pass
        _, metadata, spans, keys = _read_header(p, f, before.st_size)
        sums = _checksums(p, metadata, [s[2] for s in spans])
        values: dict[str, Any] = {}
        batch: list[tuple[str, np.ndarray]] = []
        size = 0
        for i, (begin, end, key, dtype, shape) in enumerate(spans):
            out = _aligned_empty(dtype, shape)
            hasher = xxhash.xxh3_64() if sums is not None else None
            _fill(p, f, key, out, hasher)
            if sums is not None and hasher is not None and hasher.hexdigest() != sums[key]:
                raise _bad(
                    p,
                    f"the data of {_short(key)} does not match its {CHECKSUM} checksum "
                    f"(stored {sums[key]}, computed {hasher.hexdigest()}): the file is "
                    "corrupted",
                )
            batch.append((key, out))
            size += end - begin
            if size >= _BATCH_BYTES or i == len(spans) - 1:
                values.update(zip([k for k, _ in batch], convert(batch)))
                batch, size = [], 0
        if f.read(1) or not _same_file(before, os.fstat(f.fileno())):
            raise _bad(p, "the file changed while it was being read; load it again")
    return {k: values[k] for k in keys}, metadata


class _Duplicate(ValueError):
    pass


# Cheap to convert, and long enough that an integer merely too large (2**70) reaches the
# entry checks, which name its key; no valid offset or dimension has more than 19 digits.
_MAX_DIGITS = 100


class _LongInt(ValueError):
    pass


def _parse_int(digits: str) -> int:
    # Refused here, not by Python's int_max_str_digits (which a user may lift): a long
    # digit string costs quadratic time to convert.
    if len(digits.lstrip("-")) > _MAX_DIGITS:
        raise _LongInt(len(digits.lstrip("-")))
    return int(digits)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _Duplicate(k)
            seen.add(k)
    return out


def _json(path: str, raw: str | bytes, what: str) -> Any:
    """`raw` parsed as JSON, or a CheckpointError for anything else (bad UTF-8, bad
    syntax, nesting too deep, integers of more than 100 digits, duplicate keys)."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_parse_int)
    except UnicodeDecodeError:
        raise _bad(path, f"{what} is not UTF-8 text (not a safetensors file?)") from None
    except RecursionError:
        raise _bad(path, f"{what} nests JSON too deeply") from None
    except _Duplicate as e:
        raise _bad(path, f"{what} has the key {_short(e.args[0])} twice") from None
    except _LongInt as e:
        raise _bad(
            path, f"{what} holds an integer of {e.args[0]} digits (at most {_MAX_DIGITS})"
        ) from None
    except ValueError as e:  # JSONDecodeError, and ints past sys.get_int_max_str_digits
        raise _bad(path, f"{what} is not valid JSON ({_short(str(e), 200)})") from None


def _parse_header(path: str, raw: bytes, data_len: int):
    header = _json(path, raw, "the header")
    if not isinstance(header, dict):
        raise _bad(path, f"the header is a JSON {type(header).__name__}, not an object")
    metadata = header.pop("__metadata__", None)
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise _bad(path, "__metadata__ is not a map of strings to strings")
    spans: list[Span] = []
    for key, entry in header.items():
        begin, end, _, dtype, shape = _span(path, key, entry)
        spans.append((begin, end, key, dtype, shape))
    spans.sort(key=lambda s: (s[0], s[1]))
    position = 0
    for begin, end, key, _, _ in spans:
        if begin != position:
            raise _bad(
                path,
                f"the data of {_short(key)} starts at byte {begin}, not where the previous "
                f"tensor ends ({position})",
            )
        position = end
    if position != data_len:
        raise _bad(
            path,
            f"the header describes {position} bytes of data but the file holds "
            f"{data_len} (truncated or corrupted)",
        )
    return metadata, spans, list(header)


class _Malformed(Exception):
    """What is wrong with one header entry (the message is built only on an error)."""


def _span(path: str, key: str, entry: Any) -> Span:
    """(begin, end, key, dtype, shape) of one header entry, every field checked."""
    try:
        return _checked_span(entry)
    except _Malformed as e:
        raise _bad(path, f"the header entry for {_short(key)} {e.args[0]}") from None


def _checked_span(entry: Any) -> tuple[int, int, str, np.dtype, tuple[int, ...]]:
    if not isinstance(entry, dict):
        raise _Malformed(f"is not a JSON object: {_short(entry)}")
    name, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if not isinstance(name, str) or name not in _DTYPES:
        raise _Malformed(f"has the dtype {_short(name)}, not one of {', '.join(_DTYPES)}")
    dtype = _DTYPES[name]
    if (
        not isinstance(shape, list)
        or len(shape) > _MAX_NDIM
        or not all(type(d) is int and 0 <= d <= _MAX_BYTES for d in shape)
    ):
        raise _Malformed(
            f"has the shape {_short(shape)}, not a list of at most {_MAX_NDIM} "
            "non-negative integers"
        )
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(type(o) is int and 0 <= o <= _MAX_BYTES for o in offsets)
    ):
        raise _Malformed(f"has the data_offsets {_short(offsets)}, not [begin, end] in bytes")
    begin, end = offsets
    nbytes = math.prod(shape) * dtype.itemsize
    if math.prod(d for d in shape if d) * dtype.itemsize > _MAX_BYTES or end - begin != nbytes:
        raise _Malformed(
            f"is inconsistent (dtype {name}, shape {_short(shape)}, data_offsets {offsets}: "
            f"{nbytes} bytes of data, not {end - begin})"
        )
    return begin, end, name, dtype, tuple(shape)


def _checksums(path: str, metadata: Mapping[str, str], keys: list[str]) -> dict[str, str] | None:
    """{key: hex digest} from the metadata, or None if the file has no checksums."""
    raw = metadata.get("checksums")
    if raw is None:
        return None
    doc = _json(path, raw, "the 'checksums' metadata")
    if not (isinstance(doc, dict) and len(doc) == 1):
        raise _bad(path, "the 'checksums' metadata is not {algorithm: {key: digest}}")
    algorithm, sums = next(iter(doc.items()))
    if algorithm != CHECKSUM:
        raise _bad(
            path,
            f"its checksums use {_short(algorithm)}, which this version of eqbrain cannot "
            f"verify (it knows {CHECKSUM})",
        )
    if not isinstance(sums, dict) or not all(isinstance(v, str) for v in sums.values()):
        raise _bad(path, "the 'checksums' metadata is not {algorithm: {key: digest}}")
    for key in keys:
        if key not in sums:
            raise _bad(path, f"the tensor {_short(key)} has no checksum, though others do")
    present = set(keys)
    for key in sums:
        if key not in present:
            raise _bad(path, f"there is a checksum for {_short(key)}, which the file lacks")
    return {k: v.lower() for k, v in sums.items()}


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
    return _read(path)[0]


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
    p = checked_path(path)
    f = open_file(p, lambda why: _bad(p, why))
    with f:
        _, metadata, spans, _ = _read_header(p, f, os.fstat(f.fileno()).st_size)
    out: dict[str, Any] = dict(metadata)
    if "variables" in out:
        out["variables"] = _json(p, out["variables"], "the 'variables' metadata")
    if _checksums(p, metadata, [s[2] for s in spans]) is not None:
        out["checksums"] = _json(p, out["checksums"], "the 'checksums' metadata")
    return out


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
    """`value`, or a copy of it if JAX kept pointing into the caller's `view`."""
    try:
        aliased = view.size > 0 and value.unsafe_buffer_pointer() == view.ctypes.data
    except Exception:  # several shards, or a backend without host pointers
        aliased = False
    return jax.device_put(view.copy(), value.sharding) if aliased else value


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
    p = checked_path(path)
    where = f"{model.name} from {p!r}"
    variables = state_of(model)

    def convert(items: list[tuple[str, np.ndarray]]) -> list[Any]:
        out: list[Any] = [None] * len(items)  # None for keys the model lacks
        todo, arrays, shardings = [], [], []
        for i, (key, arr) in enumerate(items):
            var = variables.get(key)
            if var is None:
                continue
            old = var.raw_value
            if arr.dtype != old.dtype:
                raise MathError(
                    f"Cannot load {key!r} into {where}: The dtype of the original data is "
                    f"{old.dtype}, while we got {arr.dtype}."
                )
            if isinstance(old, jax.Array) and arr.shape == old.shape:
                todo.append(i)
                arrays.append(arr)
                shardings.append(old.sharding)
            else:
                out[i] = arr  # Variable.check_value converts it, or raises MathError
        if arrays:  # one batched transfer, each value into its Variable's sharding
            # The arrays are new and never written again, so JAX may adopt them (on the
            # CPU it does, without a copy). Waiting bounds the host memory in flight.
            placed = jax.block_until_ready(jax.device_put(arrays, shardings))
            for i, value in zip(todo, placed):
                out[i] = value
        return out

    state, _ = _read(p, convert)
    provided = [(k, v, variables.get(k)) for k, v in state.items()]
    return load_checked(list(variables.items()), provided, where, warn, strict)


def load_arrays(
    state: Mapping[str, Any], model: Module, where: str, strict: bool, warn: bool
) -> StateLoadResult:
    """Load `{relative_key: array}` into `model`, all or nothing (for other readers)."""
    variables = state_of(model)
    provided = []
    for key, value in state.items():
        var = variables.get(key)
        if var is not None:
            value = _to_device(var, key, np.asarray(value), where)
        provided.append((key, value, var))
    return load_checked(list(variables.items()), provided, where, warn, strict)
