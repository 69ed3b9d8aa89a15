"""The seam between models and byte formats: `Format`, `save_model`, `load_model`.

A format reads and writes a flat `{relative_key: array}` mapping plus string metadata;
it knows nothing about models. `save_model` collects a model's entries (`_state`) and
hands their values to the format; `load_model` lets the format read them, placed on
each entry's device and sharding as they arrive (`_placement`), and then loads them into
the model, all or nothing. File safety (atomic, kill-safe writes that follow symlinks,
keep the mode and refuse pipes and devices; OSErrors that name the path) is `_files`'.

Adding a format is one module beside this one (see this folder's README):

```python
class Npz(Format):
    what = "npz checkpoint"

    def write(self, path, values, metadata):
        buf = io.BytesIO()
        np.savez(buf, **{k: np.asarray(v) for k, v in values.items()})
        replace_file(path, [buf.getbuffer()], what=self.what)

    def read(self, path, place):
        with open_file(path, lambda why: CheckpointError(f"{path!r}: {why}")) as f:
            data = np.load(io.BytesIO(f.read()))
            items = [(k, data[k]) for k in data.files]
        values = place.put(items) if place is not None else [a for _, a in items]
        return dict(zip([k for k, _ in items], values)), {}

save_model(Npz(), "net.npz", net)
load_model(Npz(), "net.npz", Net(), strict=True)
```
"""

from __future__ import annotations

import abc
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from .._core import StateLoadResult, load_checked
from ._files import checked_path
from ._placement import Placement
from ._state import metadata_of, state_of, values_of

if TYPE_CHECKING:
    from .._core import Module

__all__ = ["Format", "save_model", "load_model"]


class Format(abc.ABC):
    """A checkpoint byte format: a `{relative_key: array}` mapping plus metadata.

    Subclasses set `what` (how messages name a path: `"checkpoint"`, `"orbax
    checkpoint"`), implement `read`, and implement `write` unless the format is read
    only. Options (`fsync`, `checksum`, `force`) are the instance's fields.
    """

    what: ClassVar[str] = "checkpoint"

    def write(self, path: str, values: Mapping[str, Any], metadata: Mapping[str, str]) -> None:
        """Write `values` (`{key: jax.Array or numpy array}`, as the model holds them,
        shardings included) and `metadata` (`{str: str}`; a format without room for it
        may drop it) to `path`.

        Contract: the write is atomic and kill-safe, follows a symlink at `path`, keeps
        the mode of a file it replaces, refuses a pipe, socket or device at `path`
        before writing anything, and raises OSErrors that name `path` (use
        `_files.replace_file`, or `_files.staging_folder` and `_files.swap_in` for a
        folder). A value the format cannot hold is a `TypeError` naming its key, raised
        before the file is opened.
        """
        raise NotImplementedError(f"eqbrain reads {self.what}s but cannot write them.")

    @abc.abstractmethod
    def read(self, path: str, place: Placement | None) -> tuple[dict[str, Any], dict[str, str]]:
        """`({key: value}, metadata)` of the file at `path`, every value checked.

        Values go through `place` as they are read: `place.put(batch)` for batches of
        new host arrays, or `place.struct(key, shape, dtype)` for the target of a
        format that restores into a sharding. With `place=None` (no model), values are
        host numpy arrays. Anything malformed is a `CheckpointError` naming `path` (and
        the key), raised before a value is returned; a pipe, socket or device at `path`
        is refused without blocking (use `_files.open_file`).
        """


def save_model(fmt: Format, path: str | bytes | os.PathLike, model: Module) -> None:
    """Write every entry of `model` (`_state.state_of`) to `path` in the format `fmt`,
    with the metadata of `_state.metadata_of`."""
    p = checked_path(path, fmt.what)
    entries = state_of(model)
    fmt.write(p, values_of(entries), metadata_of(entries))


def load_model(
    fmt: Format, path: str | bytes | os.PathLike, model: Module, strict: bool, warn: bool
) -> StateLoadResult:
    """Read `path` in the format `fmt` into `model`, all or nothing: the whole file is
    read and checked, and every value checked against its entry, before the first entry
    is written."""
    p = checked_path(path, fmt.what)
    entries = state_of(model)
    where = f"{model.name} from {p!r}"
    values, _ = fmt.read(p, Placement(entries, where))
    provided = [(k, v, entries.get(k)) for k, v in values.items()]
    return load_checked(list(entries.items()), provided, where, warn, strict)
