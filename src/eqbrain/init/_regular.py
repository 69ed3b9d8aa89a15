"""Deterministic initializers: `ZeroInit`, `Constant`, `OneInit` and `Identity`."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._initializer import Initializer, Shape, as_shape, float_dtype


class ZeroInit(Initializer):
    """Zeros (what `jax.nn.initializers.zeros` returns, without its unused key).

    ```python
    eqbrain.init.ZeroInit()((3, 4))      # f32[3, 4] of zeros
    ```
    """

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        return jnp.zeros(as_shape(shape), float_dtype(dtype))


class Constant(Initializer):
    """A constant (what `jax.nn.initializers.constant` returns, without its unused key);
    an array value broadcasts to the shape.

    **Arguments:**

    - `value`: the number (or array broadcastable to the shape) to fill with (default 1.0).

    ```python
    eqbrain.init.Constant(-65.0)(100)
    ```
    """

    def __init__(self, value: Any = 1.0):
        self.value = value

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        return jnp.full(as_shape(shape), self.value, float_dtype(dtype))


class OneInit(Constant):
    """Ones, or another `value` (BrainPy's `OneInit` is a `Constant` with value 1.0)."""


class Identity(Initializer):
    """An identity matrix times `value` (Le et al., 2015). A 1-D shape `(n,)` gives the
    square `n` x `n` identity; a 2-D shape gives `jnp.eye(rows, cols)`.

    **Arguments:**

    - `value`: the scale of the diagonal (default 1.0).

    ```python
    eqbrain.init.Identity(0.5)(4)        # 0.5 * eye(4)
    ```
    """

    def __init__(self, value: float = 1.0):
        self.value = value

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        if not isinstance(shape, int | np.integer | tuple | list):
            raise ValueError(
                f"Identity takes a shape that is an int or a tuple of one or two ints, "
                f"got {shape!r}."
            )
        dims = as_shape(shape)
        if len(dims) not in (1, 2):
            raise ValueError(
                f"Identity builds 2-D weights: give a shape of one or two ints, got {dims}."
            )
        rows, cols = (dims[0], dims[0]) if len(dims) == 1 else dims
        dtype = float_dtype(dtype)
        return jnp.eye(rows, cols, dtype=dtype) * jnp.asarray(self.value, dtype)
