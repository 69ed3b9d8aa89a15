"""`Initializer`: the base class of BrainPy-style initializers, called as `init(shape, dtype)`."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any

import jax
import numpy as np

from ..random import RandomState, SeedOrKey, default_rng

Shape = int | np.integer | Sequence[int | np.integer] | Sequence[Sequence[int | np.integer]]
"""A shape: an int, a sequence of ints, or (as BrainPy takes it) a 1-sequence holding one."""


def as_shape(shape: Any) -> tuple[int, ...]:
    """A shape tuple from an int, a sequence of ints, or a 1-tuple holding a sequence
    (BrainPy accepts all three); `ValueError` otherwise."""
    if isinstance(shape, int | np.integer) and not isinstance(shape, bool):
        shape = (int(shape),)
    elif isinstance(shape, Sequence) and len(shape) == 1 and isinstance(shape[0], Sequence):
        shape = shape[0]
    if not isinstance(shape, Sequence) or not all(
        isinstance(s, int | np.integer) and not isinstance(s, bool) and s >= 0 for s in shape
    ):
        raise ValueError(f"A shape must be an int or a tuple of non-negative ints, got {shape!r}.")
    return tuple(int(s) for s in shape)


def float_dtype(dtype: Any) -> Any:
    """`dtype`, or JAX's default float dtype for `None`."""
    return jax.dtypes.canonicalize_dtype(float if dtype is None else dtype)


class Initializer(abc.ABC):
    """The base class of initializers (BrainPy's `bp.init.Initializer`).

    An initializer is called with a shape (an int or a tuple) and an optional dtype and
    returns a new JAX array: `init((100, 50))`. Any callable with that signature works
    wherever eqbrain takes an initializer.
    """

    @abc.abstractmethod
    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        """A new array of shape `shape` (default dtype: JAX's default float)."""

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"


class RandomInitializer(Initializer):
    """An initializer that draws random numbers.

    With `seed=None` it draws from the default generator (`eqbrain.random.seed(...)`
    makes it reproducible); with a seed it owns a `RandomState` that advances on each
    call, so two initializers built with the same seed give the same arrays.
    """

    def __init__(self, seed: SeedOrKey | None = None):
        self._rng = None if seed is None else RandomState(seed)
        self.seed = seed

    @property
    def rng(self) -> RandomState:
        """The generator this initializer draws from."""
        return default_rng() if self._rng is None else self._rng

    def next_key(self) -> jax.Array:
        """A fresh key split off the generator."""
        return self.rng.split_key()
