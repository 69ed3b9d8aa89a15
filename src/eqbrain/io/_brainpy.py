"""Reading BrainPy 2.x checkpoints: `read_brainpy` and `load_brainpy`.

`brainpy.checkpoints.save_pytree(path, net.state_dict())` writes Flax-style msgpack
(through `braintools.file.msgpack_save`): a map `{node_name: {var_key: array}}` whose
arrays are msgpack extension objects (code 1: `(shape, dtype name, raw bytes)`; code 3:
a numpy scalar in the same form) and whose arrays above 1 GiB are split into chunks.
This module decodes that subset of msgpack itself, so no msgpack package is needed.
`BrainPyMsgpack` is the read-only `Format` (see `_format`) that `load_brainpy` uses: it
re-keys the file's `{node_name: {var_key: array}}` by the model's relative paths.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import ml_dtypes
import numpy as np

from .._core import walk
from ..dyn import Clock
from ._files import CheckpointError, checked_path, open_file
from ._format import Format, load_model
from ._placement import Placement

if TYPE_CHECKING:
    from .._core import Module, StateLoadResult


class BrainPyFormatError(CheckpointError):
    """A file is not a readable BrainPy `save_pytree` checkpoint (or its content is not
    a BrainPy `state_dict()`). The message names the file, and the key where there is
    one; nothing has been loaded."""


_MAX_DEPTH = 100  # nesting of maps, arrays and extension objects, all together


class _Reader:
    def __init__(self, data: bytes, ext, depth: int = 0):
        self.data = memoryview(data)
        self.pos = 0
        self.ext = ext
        self.depth = depth

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise EOFError("the data ends early (truncated)")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def value(self, depth: int | None = None) -> Any:
        depth = self.depth if depth is None else depth
        if depth > _MAX_DEPTH:
            raise ValueError(f"nesting deeper than {_MAX_DEPTH}")
        b = self.take(1)[0]
        if b <= 0x7F:
            return b
        if b >= 0xE0:
            return b - 0x100
        if 0x80 <= b <= 0x8F:
            return self.map(b & 0x0F, depth)
        if 0x90 <= b <= 0x9F:
            return self.array(b & 0x0F, depth)
        if 0xA0 <= b <= 0xBF:
            return self.str(b & 0x1F)
        simple = {0xC0: None, 0xC2: False, 0xC3: True}
        if b in simple:
            return simple[b]
        sized = {
            0xC4: ("bin", ">B"), 0xC5: ("bin", ">H"), 0xC6: ("bin", ">I"),
            0xD9: ("str", ">B"), 0xDA: ("str", ">H"), 0xDB: ("str", ">I"),
            0xDC: ("array", ">H"), 0xDD: ("array", ">I"),
            0xDE: ("map", ">H"), 0xDF: ("map", ">I"),
            0xC7: ("ext", ">B"), 0xC8: ("ext", ">H"), 0xC9: ("ext", ">I"),
        }  # fmt: skip
        if b in sized:
            kind, fmt = sized[b]
            n = self.unpack(fmt)
            if kind == "bin":
                return bytes(self.take(n))
            if kind == "str":
                return self.str(n)
            if kind == "array":
                return self.array(n, depth)
            if kind == "map":
                return self.map(n, depth)
            code = self.unpack(">b")
            return self.ext(code, bytes(self.take(n)), depth + 1)
        fixext = {0xD4: 1, 0xD5: 2, 0xD6: 4, 0xD7: 8, 0xD8: 16}
        if b in fixext:
            code = self.unpack(">b")
            return self.ext(code, bytes(self.take(fixext[b])), depth + 1)
        numbers = {
            0xCA: ">f", 0xCB: ">d", 0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q",
            0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q",
        }  # fmt: skip
        if b in numbers:
            return self.unpack(numbers[b])
        raise ValueError(f"unknown msgpack type byte {b:#04x} at offset {self.pos - 1}")

    def str(self, n: int) -> str:
        return bytes(self.take(n)).decode("utf-8")

    def array(self, n: int, depth: int) -> list:
        return [self.value(depth + 1) for _ in range(n)]

    def map(self, n: int, depth: int) -> dict:
        out = {}
        for _ in range(n):
            k = self.value(depth + 1)
            if isinstance(k, list):
                k = tuple(k)
            out[k] = self.value(depth + 1)
        return out


def _unpackb(data: bytes, depth: int = 0) -> Any:
    reader = _Reader(data, _ext, depth)
    out = reader.value()
    if reader.pos != len(reader.data):
        raise ValueError(f"{len(reader.data) - reader.pos} bytes of extra data at the end")
    return out


def _ndarray(data: bytes, depth: int) -> np.ndarray:
    shape, name, buffer = _unpackb(data, depth)
    name = name.decode() if isinstance(name, bytes) else name
    dtype = np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)
    if dtype.hasobject:
        raise ValueError("object arrays are not supported")
    return np.frombuffer(buffer, dtype=dtype).reshape(shape).copy()


def _ext(code: int, data: bytes, depth: int) -> Any:
    if code == 1:
        return _ndarray(data, depth)
    if code == 3:
        return _ndarray(data, depth)[()]
    if code == 2:
        real, imag = _unpackb(data, depth)
        return complex(real, imag)
    raise ValueError(f"unknown msgpack extension code {code}")


def _unchunk(tree: Any) -> Any:
    if isinstance(tree, dict):
        if tree.get("__msgpack_chunked_array__"):
            shape = tuple(tree["shape"][str(i)] for i in range(len(tree["shape"])))
            chunks = [tree["chunks"][str(i)] for i in range(len(tree["chunks"]))]
            return np.concatenate(chunks).reshape(shape)
        return {k: _unchunk(v) for k, v in tree.items()}
    return tree


def _short(x: Any, limit: int = 120) -> str:
    r = repr(x)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def read_brainpy(path: str | bytes | os.PathLike) -> Any:
    """Read a file written by BrainPy's `brainpy.checkpoints.save_pytree` (msgpack).

    Returns the saved pytree with numpy arrays as leaves; for a saved `state_dict()`
    that is `{node_name: {var_key: array}}`, ready for `Module.load_state_dict`.

    **Arguments:**

    - `path`: the file BrainPy wrote (str, bytes or `os.PathLike`).

    **Raises:** `BrainPyFormatError` naming the file for anything it cannot decode.

    ```python
    state = eqbrain.read_brainpy("net.bp")   # {'Net0': {'Net0.w': array(...)}, ...}
    ```
    """
    p = checked_path(path, "BrainPy checkpoint")

    def refuse(why: str) -> BrainPyFormatError:
        return BrainPyFormatError(
            f"Cannot read BrainPy checkpoint {p!r}: {why}. Nothing was loaded."
        )

    with open_file(p, refuse) as f:
        data = f.read()
    try:
        return _unchunk(_unpackb(data))
    except (
        EOFError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        UnicodeDecodeError,
        RecursionError,
        OverflowError,
        struct.error,
    ) as e:
        raise BrainPyFormatError(
            f"Cannot read {p!r} as a BrainPy save_pytree checkpoint: {_short(str(e), 300)}. "
            "Nothing was loaded."
        ) from None


def _numeric(dtype: np.dtype) -> bool:
    """Numbers: NumPy's own, and ml_dtypes' (bfloat16, float8), which NumPy calls void."""
    return dtype.kind in "biufc" or (dtype.kind == "V" and dtype.type is not np.void)


def _check_state(state: Any, source: str | None) -> None:
    """BrainPyFormatError unless `state` is `{str: {str: array or number}}`."""
    where = f" in {source!r}" if source is not None else ""

    def bad(why: str) -> BrainPyFormatError:
        return BrainPyFormatError(
            f"Not a BrainPy state_dict{where}: {why}. A state_dict is "
            "{node_name: {var_key: array}}; nothing was loaded."
        )

    if not isinstance(state, Mapping):
        raise bad(f"the top level is a {type(state).__name__}, not a mapping")
    for name, entries in state.items():
        if not isinstance(name, str):
            raise bad(f"the node name {_short(name)} is a {type(name).__name__}, not a str")
        if not isinstance(entries, Mapping):
            raise bad(f"the node {name!r} holds a {type(entries).__name__}, not a mapping")
        for key, value in entries.items():
            if not isinstance(key, str):
                raise bad(
                    f"the node {name!r} has the key {_short(key)}, a "
                    f"{type(key).__name__}, not a str"
                )
            if not (
                isinstance(value, (np.ndarray, np.generic, bool, int, float, complex))
                and _numeric(np.asarray(value).dtype)
            ):
                raise bad(
                    f"the value of {name!r}/{key!r} is a {type(value).__name__}, not a "
                    "numeric array"
                )


def brainpy_to_relative(
    state: Mapping[str, Any], model: Module, *, source: str | None = None
) -> dict[str, Any]:
    """Re-key a BrainPy `state_dict()` (`{node_name: {'Node.var': array}}`) by `model`'s
    relative paths.

    Nodes are matched by name when the file's node names are exactly the model's;
    otherwise by position, since BrainPy and eqbrain list nodes in the same order
    (a node, its direct children, then each child's subtree). Positional matching
    requires the same number of nodes with the same Variable names in each; nodes
    that hold no state (BrainPy's integrator nodes of `bp.dyn` blocks) are left out of
    the matching on both sides.

    **Arguments:**

    - `state`: the BrainPy `state_dict()` (as `read_brainpy` returns it).
    - `model`: the eqbrain model to match it to.
    - `source`: the file it came from, named in error messages.

    **Raises:** `BrainPyFormatError` if `state` is not `{str: {str: array}}`,
    `ValueError` if its nodes match the model's neither by name nor by position.
    """
    _check_state(state, source)
    # Nodes without state (BrainPy's integrator nodes, containers) carry nothing to load
    # and differ between the libraries: match the nodes that hold state. A network's
    # clock has no BrainPy counterpart (BrainPy's runner holds the time).
    nodes = [
        (path, node, [k for k, _ in own])
        for path, node, own in walk(model)
        if own and not isinstance(node, Clock)
    ]
    file_nodes = [(name, entries) for name, entries in state.items() if entries]

    def own_keys(name: str, entries: Mapping) -> list[str]:
        prefix = name + "."
        return [k[len(prefix) :] if k.startswith(prefix) else k for k in entries]

    if {name for name, _ in file_nodes} == {node.name for _, node, _ in nodes}:
        by_name = {node.name: path for path, node, _ in nodes}
        pairs = [(by_name[name], name, entries) for name, entries in file_nodes]
    else:
        shapes = [sorted(keys) for _, _, keys in nodes]
        file_shapes = [sorted(own_keys(name, entries)) for name, entries in file_nodes]
        if shapes != file_shapes:
            origin = f" in {source!r}" if source is not None else ""
            raise ValueError(
                f"The BrainPy state_dict{origin} matches the model's nodes neither by name "
                "nor by position; nothing was loaded. File nodes: "
                f"{[(n, s) for (n, _), s in zip(file_nodes, file_shapes)]}; model nodes: "
                f"{[(node.name, s) for (_, node, _), s in zip(nodes, shapes)]}."
            )
        pairs = [(path, name, entries) for (path, _, _), (name, entries) in zip(nodes, file_nodes)]
    out: dict[str, Any] = {}
    for path, name, entries in pairs:
        prefix = path + "." if path else ""
        for key, value in zip(own_keys(name, entries), entries.values()):
            out[prefix + key] = value
    return out


class BrainPyMsgpack(Format):
    """BrainPy 2.x's `save_pytree` files of a `state_dict()`, read into `model`'s
    relative keys (`brainpy_to_relative`); eqbrain does not write them."""

    what: ClassVar[str] = "BrainPy checkpoint"

    def __init__(self, model: Module):
        self.model = model

    def read(self, path: str, place: Placement | None) -> tuple[dict[str, Any], dict[str, str]]:
        state = brainpy_to_relative(read_brainpy(path), self.model, source=path)
        # A BrainPy file holds no clock: a network's clock keeps its step and time.
        for where, node, own in walk(self.model):
            if isinstance(node, Clock):
                prefix = where + "." if where else ""
                state.update({prefix + k: np.asarray(v.value) for k, v in own})
        items = [(k, np.asarray(v)) for k, v in state.items()]
        values = [a for _, a in items] if place is None else place.put(items, owned=False)
        return dict(zip(state, values)), {}


def load_brainpy(
    path: str | bytes | os.PathLike, model: Module, strict: bool = False, warn: bool = True
) -> StateLoadResult:
    """Load a BrainPy `save_pytree(path, net.state_dict())` file into the equivalent
    eqbrain model, all or nothing.

    Nodes are matched by name, or by position when BrainPy's auto names differ from
    the model's (see `brainpy_to_relative`); then the load is `eqbrain.load`'s.

    **Arguments:**

    - `path`: the file BrainPy wrote (str, bytes or `os.PathLike`).
    - `model`: an eqbrain model with the same structure as the BrainPy one.
    - `strict`, `warn`: as in `eqbrain.load`.

    **Returns:** `StateLoadResult(missing_keys, unexpected_keys)` of relative keys.

    **Raises:** `BrainPyFormatError` naming the file (and key) for a file that is not a
    BrainPy state_dict, `ValueError` for one of another model's structure, `MathError`
    for a value of the wrong shape or dtype.

    ```python
    # BrainPy:  bp.checkpoints.save_pytree("net.bp", net.state_dict())
    eqbrain.load_brainpy("net.bp", Net(), strict=True)
    ```
    """
    return load_model(BrainPyMsgpack(model), path, model, strict, warn)
