"""Placement: loaded values go to the device and sharding of the entry they will replace.

A format reader hands a `Placement` either batches of new host arrays (`put`, for formats
read into host memory: safetensors, BrainPy's msgpack) or asks it for the target of
each key before restoring (`struct`, for formats that restore straight into a sharding:
orbax). Both check the dtype (and `struct` the shape, up to the batch axis) against the
entry first, with the message of `load_state_dict`, so a wrong value is refused before
anything is transferred.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax
import numpy as np

from .._core import shape_without
from .._errors import MathError

__all__ = ["Placement"]


class Placement:
    """Where each loaded value goes, for the model entries `entries` (`{relative_key:
    Variable or ArraySlot}`, as `_state.state_of` gives them); `where` names the model
    and the file in messages (`"Net0 from 'net.safetensors'"`)."""

    def __init__(self, entries: Mapping[str, Any], where: str):
        self.entries = entries
        self.where = where

    def _check_dtype(self, key: str, old: Any, dtype: np.dtype) -> None:
        # One dtype, up to JAX's canonical dtypes: without 64-bit types a functional copy
        # holds a NumPy float64 field as a float32 array, and their files load into each
        # other (the entry's `check_value` then refuses values that would not fit).
        if dtype != old and canonical(dtype) != canonical(old):
            raise MathError(
                f"Cannot load {key!r} into {self.where}: The dtype of the original data is "
                f"{old}, while we got {dtype}."
            )

    def put(self, items: list[tuple[str, np.ndarray]], owned: bool = True) -> list[Any]:
        """One value per `(key, host array)`: a `jax.Array` in the sharding of the
        entry's current value where the shapes and dtypes match; the array itself where
        they do not, or the entry holds NumPy (the entry's `check_value` converts it, or
        raises `MathError`); `None` for a key the model lacks. `MathError` for a dtype
        that differs from the entry's beyond JAX's canonical dtypes (`float64` is
        `float32` without 64-bit types).

        `owned=True` says the arrays are new and never written again, so JAX may adopt
        them without a copy (on the CPU it does); with `owned=False` no result shares
        memory with an array of `items`.
        """
        out: list[Any] = [None] * len(items)
        todo, arrays, shardings = [], [], []
        for i, (key, arr) in enumerate(items):
            entry = self.entries.get(key)
            if entry is None:
                continue
            old = entry.raw_value
            self._check_dtype(key, old.dtype, arr.dtype)
            if isinstance(old, jax.Array) and arr.shape == old.shape and arr.dtype == old.dtype:
                todo.append(i)
                arrays.append(arr)
                shardings.append(old.sharding)
            else:
                out[i] = arr if owned else arr.copy()
        if arrays:  # one batched transfer; waiting bounds the host memory in flight
            placed = jax.block_until_ready(jax.device_put(arrays, shardings))
            for i, arr, value in zip(todo, arrays, placed):
                out[i] = value if owned else _unaliased(value, arr)
        return out

    def struct(self, key: str, shape: tuple[int, ...], dtype: np.dtype) -> jax.ShapeDtypeStruct:
        """The target to restore `key` into: its shape and dtype, in the sharding of the
        entry's current value when the shapes match (none for a key the model lacks).
        `MathError` for a dtype, or a shape beyond the batch axis, that differs."""
        entry = self.entries.get(key)
        if entry is None:
            return jax.ShapeDtypeStruct(shape, dtype)
        self._check_dtype(key, entry.dtype, dtype)
        old, axis = entry.shape, getattr(entry, "batch_axis", None)
        if shape != old and (
            axis is None
            or len(old) != len(shape)
            or shape_without(old, axis) != shape_without(shape, axis)
        ):
            raise MathError(
                f"Cannot load {key!r} into {self.where}: The shape of the original data is "
                f"{old}, while we got {shape} with batch_axis={axis}."
            )
        sharding = getattr(entry.raw_value, "sharding", None) if shape == old else None
        return jax.ShapeDtypeStruct(shape, dtype, sharding=sharding)


def canonical(dtype: Any) -> np.dtype:
    """`dtype` as JAX holds it: `float64` is `float32` without 64-bit types."""
    return np.dtype(jax.dtypes.canonicalize_dtype(dtype))


def _unaliased(value: jax.Array, view: np.ndarray) -> jax.Array:
    """`value`, or a copy of it if JAX kept pointing into the caller's `view`."""
    try:
        aliased = view.size > 0 and value.unsafe_buffer_pointer() == view.ctypes.data
    except Exception:  # several shards, or a backend without host pointers
        aliased = False
    return jax.device_put(view.copy(), value.sharding) if aliased else value
