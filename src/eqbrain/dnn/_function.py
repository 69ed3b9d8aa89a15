"""Layers around functions and shapes: `Dropout`, `Activation`, `FunAsLayer`, `Flatten`,
`Unflatten`."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp

from ..dyn import Mode
from ..random import RandomState, SeedOrKey, default_rng
from ._base import Layer, is_fitting, positive_int, probability


class Dropout(Layer):
    """Dropout while training (BrainPy's `bp.dnn.Dropout`): each element is kept with
    probability `prob` and scaled by `1 / prob`, or set to 0.

    `prob` is the probability to **keep** an element, as in BrainPy (Equinox's and
    PyTorch's `p` is the probability to drop: `Dropout(0.8)` here is their `p=0.2`).

    The layer draws only on training steps (the flag `fit`: the argument, else
    `eqbrain.share`'s `"fit"`, else `False`); otherwise it returns its input. Its
    random state is its own generator `rng` (a `RandomState` whose key is a Variable),
    seeded from `eqbrain.random`'s default generator unless `seed` is given: every call
    draws a new mask, and `eqbrain.jit`/`for_loop` carry the key.

    **Arguments:**

    - `prob`: the probability to keep each element, in (0, 1].
    - `mode`, `name`: as for every `Layer`.
    - `seed`: a seed or key for the generator (default: drawn from `eqbrain.random`).

    ```python
    drop = eqbrain.dnn.Dropout(0.8)
    with eqbrain.share.context(fit=True):
        y = drop(x)                  # 20% of x zeroed, the rest scaled by 1.25
    y = drop(x)                      # x itself (not training)
    ```
    """

    rng: RandomState
    prob: float = eqx.field(static=True)

    def __init__(
        self,
        prob: float,
        mode: Mode | None = None,
        name: str | None = None,
        *,
        seed: SeedOrKey | None = None,
    ):
        super().__init__(mode=mode, name=name)
        self.prob = probability(prob, "prob (the probability to keep)", type(self).__name__)
        if self.prob == 0.0:
            raise ValueError(
                f"{type(self).__name__}: prob is the probability to keep an element (as in "
                "BrainPy); prob=0 would drop everything. Use prob=1 - p for a drop rate p."
            )
        self.rng = RandomState(default_rng().split_key() if seed is None else seed)

    def update(self, x: Any, fit: bool | None = None, *, key: jax.Array | None = None) -> Any:
        """`x` with dropout on a training step, else `x`. `key` draws the mask with that
        key instead of the layer's generator (which then stays as it was)."""
        if not is_fitting(self.name, fit) or self.prob == 1.0:
            return x
        x = jnp.asarray(x)
        keep = self.rng.bernoulli(self.prob, x.shape, key=key)
        return jnp.where(keep, x / self.prob, jnp.zeros((), x.dtype))


class Activation(Layer):
    """A layer applying `activate_fun(x, **kwargs)` (BrainPy's `bp.dnn.Activation`).

    **Arguments:**

    - `activate_fun`: the function, e.g. `eqbrain.relu` or `jax.nn.gelu`.
    - `name`, `mode`: as for every `Layer`.
    - `**kwargs`: extra keyword arguments of `activate_fun`.

    ```python
    layer = eqbrain.dnn.Activation(eqbrain.leaky_relu, negative_slope=0.1)
    ```
    """

    activate_fun: Callable = eqx.field(static=True)
    kwargs: tuple[tuple[str, Any], ...] = eqx.field(static=True)

    def __init__(
        self,
        activate_fun: Callable,
        name: str | None = None,
        mode: Mode | None = None,
        **kwargs: Any,
    ):
        super().__init__(mode=mode, name=name)
        if not callable(activate_fun):
            raise TypeError(
                f"{type(self).__name__}: activate_fun must be callable, got {activate_fun!r}."
            )
        self.activate_fun = activate_fun
        self.kwargs = tuple(sorted(kwargs.items()))  # static: numbers, strings, functions

    def update(self, *args: Any, **kwargs: Any) -> Any:
        return self.activate_fun(*args, **kwargs, **dict(self.kwargs))


class FunAsLayer(Activation):
    """A function as a layer, `fun(*args, **kwargs)` (BrainPy's `bp.dnn.FunAsLayer`).

    ```python
    layer = eqbrain.dnn.FunAsLayer(jnp.cumsum, axis=-1)
    ```
    """

    def __init__(
        self, fun: Callable, name: str | None = None, mode: Mode | None = None, **kwargs: Any
    ):
        super().__init__(fun, name=name, mode=mode, **kwargs)


def _dim(d: int, ndim: int, batched: bool, what: str, name: str) -> int:
    """Axis `d` of the sample (after the batch axis, in a batching mode) in `ndim` axes."""
    first = 1 if batched else 0
    axis = d + first if d >= 0 else ndim + d
    if not first <= axis < ndim:
        raise ValueError(
            f"{name}: {what}={d} is not an axis of the input's {ndim - first} sample axes"
            + (" (after the batch axis)" if batched else "")
            + "."
        )
    return axis


class Flatten(Layer):
    """Flattens axes `start_dim` to `end_dim` into one (BrainPy's `bp.dnn.Flatten`); in
    a batching mode the axes count after the batch axis, which is kept.

    **Arguments:**

    - `start_dim`, `end_dim`: the first and last axes flattened (default: all).
    - `name`, `mode`: as for every `Layer`.

    ```python
    flat = eqbrain.dnn.Flatten(mode=eqbrain.batching_mode)
    flat(jnp.ones((32, 5, 5)))       # (32, 25)
    ```
    """

    start_dim: int = eqx.field(static=True)
    end_dim: int = eqx.field(static=True)

    def __init__(
        self,
        start_dim: int = 0,
        end_dim: int = -1,
        name: str | None = None,
        mode: Mode | None = None,
    ):
        super().__init__(mode=mode, name=name)
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def update(self, x: Any) -> Any:
        x = jnp.asarray(x)
        batched = self.mode.is_batch_mode()
        start = _dim(self.start_dim, x.ndim, batched, "start_dim", self.name)
        end = _dim(self.end_dim, x.ndim, batched, "end_dim", self.name)
        if start > end:
            raise ValueError(
                f"{self.name}: start_dim={self.start_dim} comes after end_dim={self.end_dim}."
            )
        return x.reshape(*x.shape[:start], -1, *x.shape[end + 1 :])


class Unflatten(Layer):
    """Splits axis `dim` into `sizes` (BrainPy's `bp.dnn.Unflatten`); in a batching mode
    `dim` counts after the batch axis.

    **Arguments:**

    - `dim`: the axis to split.
    - `sizes`: the new axes' sizes (their product is the axis's size).
    - `mode`, `name`: as for every `Layer`.

    ```python
    eqbrain.dnn.Unflatten(1, (2, 5))(jnp.ones((3, 10)))   # (3, 2, 5)
    ```
    """

    dim: int = eqx.field(static=True)
    sizes: tuple[int, ...] = eqx.field(static=True)

    def __init__(
        self, dim: int, sizes: Sequence[int], mode: Mode | None = None, name: str | None = None
    ):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        if not isinstance(sizes, list | tuple):
            raise TypeError(f"{owner}: sizes must be a tuple or list of ints, got {sizes!r}.")
        self.dim = int(dim)
        self.sizes = tuple(positive_int(s, "sizes", owner) for s in sizes)

    def update(self, x: Any) -> Any:
        x = jnp.asarray(x)
        axis = _dim(self.dim, x.ndim, self.mode.is_batch_mode(), "dim", self.name)
        if x.shape[axis] != math.prod(self.sizes):
            raise ValueError(
                f"{self.name}: sizes={self.sizes} do not multiply to the size "
                f"{x.shape[axis]} of axis {axis} of an input of shape {x.shape}."
            )
        return x.reshape(*x.shape[:axis], *self.sizes, *x.shape[axis + 1 :])
