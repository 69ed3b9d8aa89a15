"""Plain arrays held by a model: state too, though not a Variable.

An eqbrain model may hold JAX/NumPy arrays outside Variables: in a plain array field
(NumPy scalars such as `np.float32(0.5)` included), or inside an Equinox layer
(`eqx.nn.Linear`'s `weight` and `bias`). The rule is Equinox's: such arrays are part of
the model's value. So they are saved and loaded (state dicts and checkpoint files),
listed by `summary`, and trained by the trainable partition when they are floating
point: what `trainable_filter` trains, a checkpoint stores. JAX arrays are moved by
`.to` and `shard`; NumPy values stay on the host, as NumPy values of their own dtype
(64-bit ones too, whether JAX has 64-bit types or not), and a load gives them back as
they were saved, as Equinox's serialisation does. They are not Variables: `vars()` and
`train_vars()` stay BrainPy's lists of Variables, and nothing but a load or a device
move writes them.

An `ArraySlot` is the place of one such array (its owner object and field, or list
index, or dict key). It offers the part of a Variable's API that loaders and placement
use: `raw_value`, `check_value`, `write_value`, `describe`, `shape`, `dtype`. Writing a
slot replaces the array in its (frozen) owner in place -- a load or a device move, like
a Variable's, changes the model object it is given.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from ._variable import Described, check_shape_dtype, to_array, to_numpy

_PLAIN_ARRAYS = (jax.Array, np.ndarray)


def is_plain_array(x: Any) -> bool:
    """Whether `x` is an array a model holds outside Variables: a JAX or NumPy array, or
    a NumPy scalar of numbers (`np.float32(0.5)`, which Equinox counts as an array)."""
    if isinstance(x, _PLAIN_ARRAYS):
        return True
    return isinstance(x, np.generic) and x.dtype.kind in "biufc"


def is_host_array(x: Any) -> bool:
    """Whether `x` is a NumPy array or scalar: a value that stays on the host."""
    return isinstance(x, np.ndarray | np.generic)


class ArraySlot:
    """Where a plain array lives in a model: `owner.field`, `owner[index]` or
    `owner[key]`. Tuples cannot be written in place: a slot in one is read-only."""

    __slots__ = ("owner", "key", "kind", "label")

    def __init__(self, owner: Any, key: Any, kind: str, label: str):
        self.owner, self.key, self.kind, self.label = owner, key, kind, label

    @property
    def writable(self) -> bool:
        return self.kind != "tuple"

    @property
    def raw_value(self) -> jax.Array | np.ndarray:
        if self.kind == "attr":
            return object.__getattribute__(self.owner, "__dict__")[self.key]
        return self.owner[self.key]

    @raw_value.setter
    def raw_value(self, new: jax.Array | np.ndarray) -> None:
        if self.kind == "attr":
            object.__setattr__(self.owner, self.key, new)
        elif self.kind == "tuple":
            raise TypeError(f"{self.describe()} sits in a tuple and cannot be replaced.")
        else:
            self.owner[self.key] = new

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.raw_value))

    @property
    def dtype(self) -> np.dtype:
        return self.raw_value.dtype

    def describe(self) -> str:
        return f"array {self.label!r} ({self.raw_value.dtype}{list(self.shape)})"

    @property
    def on_host(self) -> bool:
        """Whether the slot holds a NumPy value (which device moves leave alone)."""
        return is_host_array(self.raw_value)

    def check_value(self, new: Any) -> Any:
        """`new` as an array of this slot's shape and dtype, or `MathError`: a JAX array
        where the slot holds one, a new NumPy array (or scalar) where it holds NumPy."""
        old = self.raw_value
        what = Described(self.describe)
        if not is_host_array(old):
            new = to_array(new, old.dtype, what)
            return check_shape_dtype(new, self.shape, old.dtype, None, what)
        new = to_numpy(new, old.dtype, what)
        new = check_shape_dtype(new, self.shape, old.dtype, None, what)
        return new[()] if isinstance(old, np.generic) else new

    def write_value(self, new: jax.Array) -> None:
        self.raw_value = new

    def __repr__(self) -> str:
        return f"ArraySlot({self.label!r})"
