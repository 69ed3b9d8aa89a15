"""The safetensors format: `Safetensors`, a `Format` (see `_format`).

A file is an 8-byte little-endian header length, a JSON header (`{key: {dtype, shape,
data_offsets}}` and `__metadata__`, a map of strings) and the tensors' bytes, row-major
and little-endian (https://github.com/huggingface/safetensors). Any safetensors reader
opens eqbrain's files. eqbrain writes and reads the format itself rather than through
the `safetensors` package, for three things the package does not do: the header is
checked in full, defensively, before any data is read (a hostile or truncated file is a
`CheckpointError`, with memory and time bounded by the header's size); files are read
with `read()` into new aligned buffers, not mapped, so a file truncated underneath a
reader is an error, not a SIGBUS; and values stream from the file to the device in
batches (and to the disk in chunks), with optional xxh3 checksums hashed as the data
passes, so no second copy of the model is built.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import ml_dtypes
import numpy as np
import xxhash

from ._files import CheckpointError, open_file, replace_file
from ._format import Format
from ._placement import Placement

__all__ = ["Safetensors", "CHECKSUM", "read_header_metadata"]

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
    """`value` as a C-contiguous host array; TypeError for a dtype safetensors lacks."""
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
    p: str, convert: Callable[[list[tuple[str, np.ndarray]]], list[Any]] = _keep
) -> tuple[dict[str, Any], dict[str, str]]:
    """Read and check the whole safetensors file `p`: ({key: value}, metadata).

    The header is checked in full before any data is read. `convert` gets batches of
    (key, a new host array holding that tensor) and returns one value per array (it
    may keep the array itself). Checksums, when the file has them, are verified as
    the data is read, and the file must not have changed when the last byte is in.
    """
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


def read_header_metadata(p: str) -> dict[str, Any]:
    """The metadata of the safetensors file `p`, its JSON entries (`variables`,
    `checksums`) parsed; only the header is read (and checked in full)."""
    f = open_file(p, lambda why: _bad(p, why))
    with f:
        _, metadata, spans, _ = _read_header(p, f, os.fstat(f.fileno()).st_size)
    out: dict[str, Any] = dict(metadata)
    if "variables" in out:
        out["variables"] = _json(p, out["variables"], "the 'variables' metadata")
    if _checksums(p, metadata, [s[2] for s in spans]) is not None:
        out["checksums"] = _json(p, out["checksums"], "the 'checksums' metadata")
    return out


@dataclass(frozen=True)
class Safetensors(Format):
    """The safetensors format. `fsync=False` skips the fsyncs of a write; `checksum=True`
    stores an xxh3-64 checksum of each tensor's bytes in the metadata (as the JSON
    string `checksums = {"xxh3_64": {key: hex digest}}`), which every read verifies."""

    fsync: bool = True
    checksum: bool = False
    what: ClassVar[str] = "checkpoint"

    def write(self, path: str, values: Mapping[str, Any], metadata: Mapping[str, str]) -> None:
        # Everything is fetched and checked before the file is opened.
        arrays = {k: _host_array(k, v) for k, v in values.items()}
        meta = dict(metadata)
        if self.checksum:
            sums = {k: xxhash.xxh3_64_hexdigest(_bytes(a)) for k, a in arrays.items()}
            meta["checksums"] = json.dumps({CHECKSUM: sums}, separators=(",", ":"))
        header = _header(arrays, meta)
        replace_file(path, _chunks(header, arrays), fsync=self.fsync, what=self.what)

    def read(self, path: str, place: Placement | None) -> tuple[dict[str, Any], dict[str, str]]:
        return _read(path, _keep if place is None else place.put)
