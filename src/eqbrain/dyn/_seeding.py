"""Where a model's random draws come from: the seed or key it is given, else
`eqbrain.random`'s default generator (BrainPy's behaviour).

So `eqbrain.random.seed(s)` before building fixes the connectivity and the keys of
noise sources, and two objects built one after the other differ (two projections of one
shape get different synapses). (A model's initial values come from its `key=`, by
default `jax.random.key(0)` folded with each value's name: `_population.name_key`.)
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from ..random import split_key


def noise_key_data(seed: int | None) -> jax.Array:
    """The raw key data a noise source keeps in its `key` Variable: from the int `seed`,
    or with `None` split off `eqbrain.random`'s default generator."""
    key = split_key() if seed is None else jax.random.key(_seed(seed))
    return jax.random.key_data(key)


def connection_rng(seed: int | None) -> np.random.Generator:
    """The NumPy generator a random connector draws its synapses with.

    **Arguments:**

    - `seed`: an int seed (the same synapses every time), or `None`: seeded from a key
      split off `eqbrain.random`'s default generator.

    ```python
    eqbrain.random.seed(0)
    a = eqbrain.dyn.FixedProb(100, 100, 0.1)     # these two differ,
    b = eqbrain.dyn.FixedProb(100, 100, 0.1)     # and are the same after another seed(0)
    ```
    """
    if seed is None:
        return np.random.default_rng(np.asarray(jax.random.key_data(split_key())))
    return np.random.default_rng(_seed(seed))


def _seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(
            f"seed must be an int >= 0, or None to draw from eqbrain.random; got {seed!r}."
        )
    return int(seed)
