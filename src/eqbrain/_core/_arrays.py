"""Plain arrays held by a model: state too, though not a Variable.

An eqbrain model may hold JAX/NumPy arrays outside Variables: in a plain array field,
or inside an Equinox layer (`eqx.nn.Linear`'s `weight` and `bias`). The rule is
Equinox's: such arrays are part of the model's value. So they are saved and loaded
(state dicts and checkpoint files), moved (`.to`, `shard`), listed by `summary`, and
trained by the trainable partition when they are floating point. They are not
Variables: `vars()` and `train_vars()` stay BrainPy's lists of Variables, and nothing
but a load or a device move writes them.

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

from ._variable import ValueLike, check_shape_dtype, to_array

_PLAIN_ARRAYS = (jax.Array, np.ndarray)


def is_plain_array(x: object) -> bool:
    """Whether `x` is an array a model holds outside Variables (JAX or NumPy)."""
    return isinstance(x, _PLAIN_ARRAYS)


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

    def check_value(self, new: ValueLike) -> jax.Array:
        """`new` as an array of this slot's shape and dtype, or `MathError`."""
        new = to_array(new, self.dtype, self.describe())
        return check_shape_dtype(new, self.shape, self.dtype, None, self.describe())

    def write_value(self, new: jax.Array) -> None:
        self.raw_value = new

    def __repr__(self) -> str:
        return f"ArraySlot({self.label!r})"
