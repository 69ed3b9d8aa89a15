"""Seeds and keys: turning what a user passes (`42`, `jax.random.key(0)`, raw key data)
into the two forms eqbrain uses -- a typed key to draw with, and raw `uint32` key data
to keep in a Variable (a checkpoint file stores plain arrays, not typed keys)."""

from __future__ import annotations

from typing import Any, TypeAlias, cast

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
from jax.core import Tracer

SeedOrKey: TypeAlias = int | jax.Array | np.ndarray
"""An integer seed, a typed key (`jax.random.key`), or raw key data (`jax.random.PRNGKey`,
a `uint32` array)."""

_BAD_SEED_MSG = """\
Expected an integer seed, a key from `jax.random.key(...)`, or raw key data from \
`jax.random.PRNGKey(...)` (a uint32 array of shape {shape}); got {what}."""


def _describe(x: Any) -> str:
    if isinstance(x, jax.Array | np.ndarray | Tracer):
        return f"an array of dtype {x.dtype} and shape {tuple(x.shape)}"
    return f"{type(x).__name__} {x!r}"


def _raw_shape() -> tuple[int, ...]:
    return tuple(jax.eval_shape(lambda: jr.key_data(jr.key(0))).shape)


def is_typed_key(x: Any) -> bool:
    """Whether `x` is an array of typed PRNG keys (`jax.random.key`)."""
    dtype = getattr(x, "dtype", None)
    return dtype is not None and jnp.issubdtype(dtype, jax.dtypes.prng_key)


def fresh_seed() -> int:
    """A seed drawn from NumPy's global generator (so `np.random.seed` fixes it)."""
    return int(np.random.randint(0, 2**32, dtype=np.uint64))


def as_key(seed_or_key: SeedOrKey) -> jax.Array:
    """A typed key from an integer seed, a typed key or raw `uint32` key data.

    **Arguments:**

    - `seed_or_key`: what the user passed as `key=` or `seed_or_key=`.

    Raises `TypeError` (saying what is accepted) for anything else.
    """
    x = seed_or_key
    if isinstance(x, bool | np.bool_):
        raise TypeError(_BAD_SEED_MSG.format(shape=_raw_shape(), what=_describe(x)))
    if isinstance(x, int | np.integer):
        return jr.key(int(x))
    if is_typed_key(x):
        if x.shape != ():
            raise TypeError(
                f"Expected one key, got an array of {x.shape} keys. Pick one (`keys[0]`) "
                "or draw once per key with `jax.vmap`."
            )
        return cast(jax.Array, x)
    if isinstance(x, jax.Array | np.ndarray | Tracer):
        if x.dtype == np.uint32 and tuple(x.shape) == _raw_shape():
            return jr.wrap_key_data(jnp.asarray(x))
        if x.shape == () and jnp.issubdtype(x.dtype, jnp.integer):
            return jr.key(x)
    raise TypeError(_BAD_SEED_MSG.format(shape=_raw_shape(), what=_describe(x)))


def key_data(seed_or_key: SeedOrKey | None) -> jax.Array:
    """The raw `uint32` data of `as_key(seed_or_key)`; `None` draws a fresh seed."""
    if seed_or_key is None:
        seed_or_key = fresh_seed()
    return jr.key_data(as_key(seed_or_key))
