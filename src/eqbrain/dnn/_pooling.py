"""Pooling on `lax.reduce_window`: `MaxPool`, `MinPool`, `AvgPool` (over every axis but
the batch and channel axes), `MaxPool1d/2d/3d`, `AvgPool1d/2d/3d` (over the last spatial
axes), and the adaptive `AdaptiveAvgPool1d/2d/3d`, `AdaptiveMaxPool1d/2d/3d`."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any, ClassVar, TypeGuard

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..dyn import Mode
from ._base import Layer, int_tuple, positive_int


def _lowest(dtype: Any) -> Any:
    dtype = jnp.dtype(dtype)
    return -jnp.inf if jnp.issubdtype(dtype, jnp.inexact) else jnp.iinfo(dtype).min


def _highest(dtype: Any) -> Any:
    dtype = jnp.dtype(dtype)
    return jnp.inf if jnp.issubdtype(dtype, jnp.inexact) else jnp.iinfo(dtype).max


def _ints(value: Any) -> TypeGuard[Sequence[int]]:
    return isinstance(value, Sequence) and all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value
    )


def _pads(padding: Any, n: int, owner: str) -> str | tuple[tuple[int, int], ...]:
    """`'VALID'`/`'SAME'`, an int, one int per axis, or `(low, high)` pairs (one for
    every axis, or one per axis)."""
    if isinstance(padding, str):
        if padding.upper() not in ("SAME", "VALID"):
            raise ValueError(f"{owner}: padding must be 'SAME' or 'VALID', got {padding!r}.")
        return padding.upper()
    if isinstance(padding, int | np.integer) and not isinstance(padding, bool):
        p = positive_int(padding, "padding", owner, zero=True)
        return ((p, p),) * n
    if _ints(padding) and len(padding) == n:
        return tuple((int(p), int(p)) for p in padding)
    items: Any = padding
    if isinstance(items, Sequence) and all(_ints(p) and len(p) == 2 for p in items):
        pairs = [(int(p[0]), int(p[1])) for p in items]
        if len(pairs) in (1, n):
            return tuple(pairs * n if len(pairs) == 1 else pairs)
    raise ValueError(
        f"{owner}: padding must be 'SAME', 'VALID', an int, {n} ints or (low, high) pairs, "
        f"got {padding!r}."
    )


def _channel_axis(axis: Any, owner: str) -> int | None:
    if axis is None:
        return None
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
        raise ValueError(f"{owner}: channel_axis must be an int or None, got {axis!r}.")
    return int(axis)


def reduce_window(
    x: Any,
    axes: Sequence[int],
    kernel: Sequence[int],
    stride: Sequence[int],
    padding: Any,
    how: str,
) -> Any:
    """`x` pooled with `how` (`'max'`, `'min'`, `'mean'`) over windows on `axes`; one
    compiled program per shape and window, so an eager call compiles once."""
    if not isinstance(padding, str):
        padding = tuple((int(lo), int(hi)) for lo, hi in padding)
    axes, kernel, stride = (tuple(int(i) for i in v) for v in (axes, kernel, stride))
    return _reduce_window(jnp.asarray(x), axes, kernel, stride, padding, how)


@functools.partial(jax.jit, static_argnums=(1, 2, 3, 4, 5))
def _reduce_window(x: Any, axes: tuple, kernel: tuple, stride: tuple, padding: Any, how: str):
    window, strides = [1] * x.ndim, [1] * x.ndim
    for a, k, s in zip(axes, kernel, stride):
        window[a], strides[a] = k, s
    if not isinstance(padding, str):
        pads = [(0, 0)] * x.ndim
        for a, p in zip(axes, padding):
            pads[a] = p
        padding = pads
    if how == "max":
        return lax.reduce_window(x, _lowest(x.dtype), lax.max, window, strides, padding)
    if how == "min":
        return lax.reduce_window(x, _highest(x.dtype), lax.min, window, strides, padding)
    x = x.astype(jnp.result_type(x.dtype, float))
    total = lax.reduce_window(x, 0.0, lax.add, window, strides, padding)
    if padding == "VALID":
        return total / math.prod(window)
    # the number of real elements in each window: ones over the pooled axes only
    ones = jnp.ones([n if a in axes else 1 for a, n in enumerate(x.shape)], x.dtype)
    return total / lax.reduce_window(ones, 0.0, lax.add, window, strides, padding)


class _Window(Layer):
    """What the poolings share: the channel axis and the check of the input's rank."""

    channel_axis: int | None = eqx.field(static=True)
    REDUCE: ClassVar[str] = "max"

    def __init__(self, mode: Mode | None = None, name: str | None = None):
        super().__init__(mode=mode, name=name)

    def _channel(self, ndim: int) -> int | None:
        c = self.channel_axis
        if c is None:
            return None
        if not -ndim <= c < ndim:
            raise ValueError(
                f"{self.name}: channel_axis={c} is not an axis of an input with {ndim} axes."
            )
        return c % ndim

    def _spatial(self, ndim: int, n: int) -> list[int]:
        """The last `n` axes that are not the channel axis."""
        c = self._channel(ndim)
        rest = [a for a in range(ndim) if a != c]
        if len(rest) < n:
            raise ValueError(
                f"{self.name} pools {n} spatial axes (besides channel_axis="
                f"{self.channel_axis}), so it needs an input with at least "
                f"{n + (c is not None)} axes, got {ndim}."
            )
        return rest[len(rest) - n :]


def _per_axis(value: Any, axes: list[int], ndim: int, what: str, name: str) -> tuple:
    """An int, one entry per pooled axis, or one per axis, as one per pooled axis."""
    if isinstance(value, int):
        return (value,) * len(axes)
    if len(value) == ndim != len(axes):
        value = tuple(value[a] for a in axes)
    if len(value) != len(axes):
        raise ValueError(
            f"{name}: {what}={value!r} needs one entry per pooled axis ({len(axes)} for an "
            f"input with {ndim} axes) or one per axis."
        )
    return tuple(value)


class _Pool(_Window):
    kernel_size: Any = eqx.field(static=True)
    stride: Any = eqx.field(static=True)
    padding: Any = eqx.field(static=True)

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: Any = "VALID",
        channel_axis: int | None = None,
        mode: Mode | None = None,
        name: str | None = None,
    ):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        for what, v in (("kernel_size", kernel_size), ("stride", stride)):
            values: Any = [v] if isinstance(v, int | np.integer) else v
            if not _ints(values) or not values or min(values) <= 0:
                error = ValueError if _ints(values) else TypeError
                raise error(f"{owner}: {what} must be a positive int or ints, got {v!r}.")
        self.kernel_size = _int_or_tuple(kernel_size)
        self.stride = _int_or_tuple(stride)
        if isinstance(padding, str):
            self.padding = _pads(padding, 1, owner)
        else:
            self.padding = _pads(padding, len(padding), owner)
        self.channel_axis = _channel_axis(channel_axis, owner)

    def update(self, x: Any) -> Any:
        x = jnp.asarray(x)
        skip = {self._channel(x.ndim)} | ({0} if self.mode.is_batch_mode() else set())
        axes = [a for a in range(x.ndim) if a not in skip]
        kernel = _per_axis(self.kernel_size, axes, x.ndim, "kernel_size", self.name)
        stride = _per_axis(self.stride, axes, x.ndim, "stride", self.name)
        padding = self.padding
        if not isinstance(padding, str):
            padding = _per_axis(
                padding * len(axes) if len(padding) == 1 else padding,
                axes,
                x.ndim,
                "padding",
                self.name,
            )
        return reduce_window(x, axes, kernel, stride, padding, self.REDUCE)


def _int_or_tuple(v: Any) -> int | tuple[int, ...]:
    return int(v) if isinstance(v, int | np.integer) else tuple(int(i) for i in v)


class MaxPool(_Pool):
    """Pools with the maximum over a window on every axis but the batch axis (in a
    batching mode) and `channel_axis` (BrainPy's `bp.dnn.MaxPool`).

    **Arguments:**

    - `kernel_size`: an int (every pooled axis), one int per pooled axis, or one per axis.
    - `stride`: the same forms (default 1).
    - `padding`: `'VALID'` (default), `'SAME'`, or `(low, high)` pairs.
    - `channel_axis`: an axis left alone (default `None`).
    - `mode`, `name`: as for every `Layer`.

    ```python
    y = eqbrain.dnn.MaxPool(2, 2, channel_axis=-1)(jnp.ones((8, 8, 3)))   # (4, 4, 3)
    ```
    """

    __init__ = _Pool.__init__  # named, so type checkers use it

    REDUCE = "max"


class MinPool(_Pool):
    """`MaxPool` with the minimum (BrainPy's `bp.dnn.MinPool`).

    ```python
    y = eqbrain.dnn.MinPool(2, 2, channel_axis=-1)(jnp.ones((8, 8, 3)))
    ```
    """

    __init__ = _Pool.__init__  # named, so type checkers use it

    REDUCE = "min"


class AvgPool(_Pool):
    """`MaxPool` with the mean (BrainPy's `bp.dnn.AvgPool`); with padding, each window
    averages its real elements only.

    ```python
    y = eqbrain.dnn.AvgPool(2, 2, channel_axis=-1)(jnp.ones((8, 8, 3)))
    ```
    """

    __init__ = _Pool.__init__  # named, so type checkers use it

    REDUCE = "mean"


class _PoolNd(_Window):
    NUM_SPATIAL_DIMS: ClassVar[int] = 0
    kernel_size: tuple[int, ...] = eqx.field(static=True)
    stride: tuple[int, ...] = eqx.field(static=True)
    padding: Any = eqx.field(static=True)

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] | None = None,
        padding: Any = "VALID",
        channel_axis: int | None = -1,
        mode: Mode | None = None,
        name: str | None = None,
    ):
        super().__init__(mode=mode, name=name)
        owner, n = type(self).__name__, self.NUM_SPATIAL_DIMS
        self.kernel_size = int_tuple(kernel_size, n, "kernel_size", owner)
        if stride is None:
            stride = self.kernel_size if self.REDUCE == "max" else 1
        self.stride = int_tuple(stride, n, "stride", owner)
        self.padding = _pads(padding, n, owner)
        self.channel_axis = _channel_axis(channel_axis, owner)

    def update(self, x: Any) -> Any:
        x = jnp.asarray(x)
        axes = self._spatial(x.ndim, self.NUM_SPATIAL_DIMS)
        return reduce_window(x, axes, self.kernel_size, self.stride, self.padding, self.REDUCE)


class MaxPool1d(_PoolNd):
    """Max pooling over the last spatial axis (BrainPy's `bp.dnn.MaxPool1d`);
    `MaxPool2d`'s arguments with one axis.

    ```python
    y = eqbrain.dnn.MaxPool1d(2)(jnp.ones((4, 16, 3)))   # (4, 8, 3)
    ```
    """

    __init__ = _PoolNd.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 1


class MaxPool2d(_PoolNd):
    """Max pooling over the last two spatial axes (BrainPy's `bp.dnn.MaxPool2d`): the
    axes before `channel_axis` are batch axes.

    **Arguments:**

    - `kernel_size`: an int or two ints.
    - `stride`: an int or two ints (default: `kernel_size`).
    - `padding`: `'VALID'` (default), `'SAME'`, an int, two ints (each side of each
      axis), or `(low, high)` pairs.
    - `channel_axis`: the channel axis (default -1), or `None` for none.
    - `mode`, `name`: as for every `Layer`.

    ```python
    y = eqbrain.dnn.MaxPool2d(2)(jnp.ones((4, 16, 16, 3)))   # (4, 8, 8, 3)
    ```
    """

    __init__ = _PoolNd.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 2


class MaxPool3d(_PoolNd):
    """Max pooling over the last three spatial axes (BrainPy's `bp.dnn.MaxPool3d`);
    `MaxPool2d`'s arguments with three axes.

    ```python
    y = eqbrain.dnn.MaxPool3d(2)(jnp.ones((2, 8, 8, 8, 1)))   # (2, 4, 4, 4, 1)
    ```
    """

    __init__ = _PoolNd.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 3


class AvgPool1d(_PoolNd):
    """Average pooling over the last spatial axis (BrainPy's `bp.dnn.AvgPool1d`);
    `AvgPool2d`'s arguments with one axis.

    ```python
    y = eqbrain.dnn.AvgPool1d(2, 2)(jnp.ones((4, 16, 3)))   # (4, 8, 3)
    ```
    """

    __init__ = _PoolNd.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 1
    REDUCE = "mean"


class AvgPool2d(_PoolNd):
    """Average pooling over the last two spatial axes (BrainPy's `bp.dnn.AvgPool2d`):
    `MaxPool2d`'s arguments, with BrainPy's default `stride=1`; with padding, each
    window averages its real elements only.

    ```python
    y = eqbrain.dnn.AvgPool2d(2, 2)(jnp.ones((4, 16, 16, 3)))   # (4, 8, 8, 3)
    ```
    """

    __init__ = _PoolNd.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 2
    REDUCE = "mean"


class AvgPool3d(_PoolNd):
    """Average pooling over the last three spatial axes (BrainPy's `bp.dnn.AvgPool3d`);
    `AvgPool2d`'s arguments with three axes.

    ```python
    y = eqbrain.dnn.AvgPool3d(2, 2)(jnp.ones((2, 8, 8, 8, 1)))
    ```
    """

    __init__ = _PoolNd.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 3
    REDUCE = "mean"


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _adaptive(x: Any, axis: int, target: int, how: str) -> Any:
    """`x` reduced along `axis` to `target` bins: bin `i` covers
    `[floor(i n / target), ceil((i + 1) n / target))` (PyTorch's bins; a bin repeats
    elements when `target > n`). One gather of `(target, width)` indices: the bins'
    elements, the last repeated to the widest bin's width. Compiled once per shape, so
    an eager call is one program, not one per operation."""
    n = x.shape[axis]
    if n % target == 0:
        shape = (*x.shape[:axis], target, n // target, *x.shape[axis + 1 :])
        blocks = x.reshape(shape)
        return jnp.max(blocks, axis + 1) if how == "max" else jnp.mean(blocks, axis + 1)
    start = (np.arange(target) * n) // target
    size = -((-np.arange(1, target + 1) * n) // target) - start
    offset = np.arange(size.max())
    bins = jnp.take(x, start[:, None] + np.minimum(offset, size[:, None] - 1), axis=axis)
    if how == "max":
        return jnp.max(bins, axis + 1)
    weight = (offset < size[:, None]) / size[:, None]  # the mean of the real elements
    weight = weight.reshape(weight.shape + (1,) * (x.ndim - axis - 1))
    return jnp.sum(bins * weight.astype(jnp.result_type(x.dtype, float)), axis + 1)


class _AdaptivePool(_Window):
    NUM_SPATIAL_DIMS: ClassVar[int] = 0
    target_shape: tuple[int, ...] = eqx.field(static=True)

    def __init__(
        self,
        target_shape: int | Sequence[int],
        channel_axis: int | None = -1,
        name: str | None = None,
        mode: Mode | None = None,
    ):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        self.target_shape = int_tuple(target_shape, self.NUM_SPATIAL_DIMS, "target_shape", owner)
        self.channel_axis = _channel_axis(channel_axis, owner)

    def update(self, x: Any) -> Any:
        x = jnp.asarray(x)
        axes = self._spatial(x.ndim, self.NUM_SPATIAL_DIMS)
        for axis, target in zip(axes, self.target_shape):
            x = _adaptive(x, axis, target, self.REDUCE)
        return x


class AdaptiveAvgPool1d(_AdaptivePool):
    """Average pooling of the last spatial axis to `target_shape` bins (BrainPy's
    `bp.dnn.AdaptiveAvgPool1d`, PyTorch's bins); `AdaptiveAvgPool2d`'s arguments.

    ```python
    y = eqbrain.dnn.AdaptiveAvgPool1d(4)(jnp.ones((2, 10, 3)))   # (2, 4, 3)
    ```
    """

    __init__ = _AdaptivePool.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 1
    REDUCE = "mean"


class AdaptiveAvgPool2d(_AdaptivePool):
    """Average pooling of the last two spatial axes to `target_shape` (BrainPy's
    `bp.dnn.AdaptiveAvgPool2d`): bin `i` of an axis of size `n` covers
    `[floor(i n / t), ceil((i + 1) n / t))`, as in PyTorch.

    **Arguments:**

    - `target_shape`: an int or two ints.
    - `channel_axis`: the channel axis (default -1), or `None`.
    - `name`, `mode`: as for every `Layer`.

    ```python
    y = eqbrain.dnn.AdaptiveAvgPool2d((2, 2))(jnp.ones((4, 7, 9, 3)))   # (4, 2, 2, 3)
    ```
    """

    __init__ = _AdaptivePool.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 2
    REDUCE = "mean"


class AdaptiveAvgPool3d(_AdaptivePool):
    """`AdaptiveAvgPool2d` over three spatial axes (BrainPy's `bp.dnn.AdaptiveAvgPool3d`).

    ```python
    y = eqbrain.dnn.AdaptiveAvgPool3d(2)(jnp.ones((2, 6, 6, 6, 1)))   # (2, 2, 2, 2, 1)
    ```
    """

    __init__ = _AdaptivePool.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 3
    REDUCE = "mean"


class AdaptiveMaxPool1d(_AdaptivePool):
    """`AdaptiveAvgPool1d` with the maximum (BrainPy's `bp.dnn.AdaptiveMaxPool1d`).

    ```python
    y = eqbrain.dnn.AdaptiveMaxPool1d(4)(jnp.ones((2, 10, 3)))
    ```
    """

    __init__ = _AdaptivePool.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 1


class AdaptiveMaxPool2d(_AdaptivePool):
    """`AdaptiveAvgPool2d` with the maximum (BrainPy's `bp.dnn.AdaptiveMaxPool2d`).

    ```python
    y = eqbrain.dnn.AdaptiveMaxPool2d(2)(jnp.ones((4, 7, 9, 3)))
    ```
    """

    __init__ = _AdaptivePool.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 2


class AdaptiveMaxPool3d(_AdaptivePool):
    """`AdaptiveAvgPool3d` with the maximum (BrainPy's `bp.dnn.AdaptiveMaxPool3d`).

    ```python
    y = eqbrain.dnn.AdaptiveMaxPool3d(2)(jnp.ones((2, 6, 6, 6, 1)))
    ```
    """

    __init__ = _AdaptivePool.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 3
