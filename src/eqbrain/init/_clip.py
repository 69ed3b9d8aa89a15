"""`Clip`: another initializer's values, clipped to [min, max]."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from ._initializer import Initializer, Shape


class Clip(Initializer):
    """The values of `init`, clipped to [`min`, `max`] (either bound may be `None`).

    **Arguments:**

    - `init`: the initializer (any callable `init(shape, dtype)`).
    - `min`, `max`: the bounds.

    ```python
    w = eqbrain.init.Clip(eqbrain.init.Normal(0.5, 0.2), min=0.0)((100, 100))
    ```
    """

    def __init__(self, init: Callable[..., Any], min: Any = None, max: Any = None):
        self.init = init
        self.min = min
        self.max = max

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        return jnp.clip(self.init(shape, dtype), self.min, self.max)
