"""What the rate and recurrent units share: activations by name, argument checks, the
computing mode and batch size a unit is built with, and the check of its input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

from ...random import split_key
from .._mode import BatchingMode, Mode, apply_mode, chosen_mode, nonbatching_mode
from .._population import Init, float_dtype, init_array, name_key, takes_key

_ACTIVATION_MSG = """\
Unknown activation {name!r}: give a callable or the name of a function in jax.nn or \
jax.numpy (e.g. 'relu', 'tanh', 'sigmoid', 'gelu', 'identity')."""

_INPUT_MSG = """\
{owner} expects input of shape {want} ({what}={size}), got shape {shape}. Give \
{size} features on the last axis{batch}."""


def activation_fn(activation: str | Callable) -> Callable:
    """A callable activation from a callable or a name in `jax.nn` / `jax.numpy`."""
    if callable(activation):
        return activation
    if activation == "identity":
        return _identity
    for namespace in (jax.nn, jnp):
        fn = getattr(namespace, str(activation), None)
        if callable(fn):
            return fn
    raise ValueError(_ACTIVATION_MSG.format(name=activation))


def _identity(x: Any) -> Any:
    return x


def unit_key(key: Any, *inits: Any, draws: bool = False) -> Any:
    """`key`, or when it is `None` and something is drawn with a key (a JAX-style
    initializer `f(key, shape)` among `inits`, or `draws`), a key split from
    `eqbrain.random`'s default generator: two units differ, `eqbrain.random.seed`
    fixes them."""
    if key is None and (draws or any(callable(i) and takes_key(i) for i in inits)):
        return split_key()
    return key


def draw(init: Init, shape: tuple[int, ...], key: Any, what: str) -> jax.Array:
    """`init_array` of `init`, an initializer drawing with `name_key(key, what)`. A
    number or a concrete array is broadcast by NumPy (no computation to compile)."""
    if callable(init):
        return init_array(init, shape, name_key(key, what), what)
    if isinstance(init, Tracer):
        return init_array(init, shape, None, what)
    value = np.asarray(init, float_dtype())
    try:
        return jnp.asarray(np.broadcast_to(value, shape))
    except ValueError:
        raise ValueError(
            f"{what} has shape {value.shape}, which does not broadcast to {shape}."
        ) from None


def check_count(n: Any, what: str, owner: str = "") -> int:
    """`n` as a positive int, or a `ValueError` naming `what` (after `owner: `)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n <= 0:
        where = f"{owner}: " if owner else ""
        raise ValueError(f"{where}{what} must be a positive int, got {n!r}.")
    return int(n)


def reset_batch_size(owner: str, batch_size: int | None, kwargs: dict[str, Any]) -> int | None:
    """The batch size a cell's `reset_state` resets to: `batch_size=`, or BrainPy's
    `batch_or_mode=` (a number of trials, or a mode carrying one); any other keyword is
    a `TypeError` naming it."""
    batch_or_mode = kwargs.pop("batch_or_mode", None)
    if kwargs:
        raise TypeError(
            f"{owner}.reset_state takes batch_size= (or BrainPy's batch_or_mode=), got "
            f"{sorted(kwargs)}."
        )
    if batch_size is None:
        batch_size = getattr(batch_or_mode, "batch_size", batch_or_mode) or None
    return batch_size


def unit_mode(owner: str, mode: Mode | None, batch_size: int | None) -> tuple[Mode, int | None]:
    """`(mode, batch_size)` of a unit built with `mode=` and `batch_size=`.

    The mode given, else the one chosen (`eqbrain.environment`, `set_mode`), else
    `BatchingMode(batch_size)` for a `batch_size`, else `nonbatching_mode`; a batching
    mode sets the batch size (an explicit one must agree with `mode=`). `TypeError` for
    a `mode` that is not an eqbrain mode.
    """
    batch_size, _ = apply_mode(owner, mode, batch_size)
    if batch_size is not None:
        check_count(batch_size, "batch_size", owner)
    if mode is None:
        mode = chosen_mode()
    if mode is None or (batch_size is not None and not isinstance(mode, BatchingMode)):
        mode = nonbatching_mode if batch_size is None else BatchingMode(batch_size)
    return mode, batch_size


def check_input(x: Any, size: int, what: str, owner: str, batched: bool) -> jax.Array:
    """`x` as an array of shape `(..., size)`; `ValueError` naming `what` otherwise."""
    x = jnp.asarray(x)
    if x.ndim == 0 or x.shape[-1] != size:
        want = f"(batch, {size})" if batched else f"({size},)"
        batch = " (a batch of trials first)" if batched else ""
        raise ValueError(
            _INPUT_MSG.format(
                owner=owner, want=want, what=what, size=size, shape=x.shape, batch=batch
            )
        )
    return x
