"""The default generator behind `eqbrain.random.<function>`, and explicit seeding.

`DEFAULT` is a `RandomState` built on first use (so `import eqbrain` creates no JAX
array), seeded from NumPy's global generator until `eqbrain.random.seed(...)` is called.
Each module-level function draws from it exactly as the `RandomState` method of the same
name does, so `eqbrain.jit` and `eqbrain.for_loop` carry its key like any Variable.

It is built at top level wherever its first draw happens (`_core.top_level`): a first
draw inside `jax.jit`, `eqbrain.jit`, `for_loop` or a runner builds a concrete key that
belongs to no trace. A draw from it inside a plain JAX transform (`jax.jit`,
`eqx.filter_jit`, `jax.vmap`, `jax.grad`) raises `TraceLeakError` saying what to do,
and leaves the key as it was.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import jax

from .._core import top_level
from ._keys import SeedOrKey
from ._random_state import RandomState

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_default: list[RandomState] = []


def default_rng(seed_or_key: SeedOrKey | None = None) -> RandomState:
    """The default generator, or with `seed_or_key` a new `RandomState` seeded with it
    (BrainPy's `bm.random.default_rng`).

    ```python
    eqbrain.random.default_rng().normal()        # draws from the default generator
    rng = eqbrain.random.default_rng(0)          # a new, independent generator
    ```
    """
    if seed_or_key is not None:
        return RandomState(seed_or_key)
    if not _default:
        with _lock:
            if not _default:
                with top_level():  # never the key of the trace that happens to run now
                    _default.append(RandomState(name="random_DEFAULT"))
    return _default[0]


def seed(seed_or_key: SeedOrKey | None = None) -> None:
    """Seed the default generator: the draws after `seed(42)` are the same every run.

    **Arguments:**

    - `seed_or_key`: an int seed or a key; `None` reseeds from NumPy's global generator.

    ```python
    eqbrain.random.seed(42)
    a = eqbrain.random.rand(3)
    eqbrain.random.seed(42)
    assert (eqbrain.random.rand(3) == a).all()
    ```
    """
    default_rng().seed(seed_or_key)


def split_key(n: int | None = None) -> jax.Array:
    """One new key (or `n` of them) split off the default generator."""
    return default_rng().split_key(n)


def split_keys(n: int) -> jax.Array:
    """`n` new keys split off the default generator."""
    return default_rng().split_keys(n)


def get_key() -> jax.Array:
    """The default generator's current raw key data."""
    return default_rng().value


def set_key(key: SeedOrKey) -> None:
    """Make `key` the default generator's state."""
    default_rng().set_key(key)


def on_default(method: Callable[Concatenate[RandomState, P], R]) -> Callable[P, R]:
    """The module-level version of a `RandomState` method: it draws from `DEFAULT`."""
    name = method.__name__

    @functools.wraps(method)
    def draw(*args: P.args, **kwargs: P.kwargs) -> R:
        return getattr(default_rng(), name)(*args, **kwargs)

    draw.__qualname__ = name
    return draw
