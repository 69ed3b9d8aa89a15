"""Convolutions, channels last as in BrainPy: `Conv1d/2d/3d` (`lax.conv_general_dilated`)
and `ConvTranspose1d/2d/3d` (`lax.conv_transpose`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jax import lax

from .._core import Parameter, TrainVar
from ..dyn import Mode
from ..init import XavierNormal, ZeroInit
from ._base import Layer, int_tuple, positive_int, train_param

_SPATIAL = "DHW"
_PADDINGS = ("SAME", "VALID", "SAME_LOWER")


def dimension_numbers(n: int) -> tuple[str, str, str]:
    """Channels-last layouts for `n` spatial axes: `('NHWC', 'HWIO', 'NHWC')` for 2."""
    s = _SPATIAL[-n:]
    return f"N{s}C", f"{s}IO", f"N{s}C"


def padding_of(padding: Any, n: int, owner: str) -> str | tuple[tuple[int, int], ...]:
    """BrainPy's paddings: `'SAME'`/`'VALID'`, an int (each side of each axis), one
    `(low, high)` pair (every axis), or one pair per axis."""
    if isinstance(padding, str):
        if padding.upper() not in _PADDINGS:
            raise ValueError(f"{owner}: padding must be 'SAME' or 'VALID', got {padding!r}.")
        return padding.upper()
    if isinstance(padding, int | np.integer) and not isinstance(padding, bool):
        p = positive_int(padding, "padding", owner, zero=True)
        return ((p, p),) * n
    if isinstance(padding, Sequence) and padding:
        if all(isinstance(p, int | np.integer) for p in padding) and len(padding) == 2:
            padding = [padding]
        pairs = [tuple(p) for p in padding if isinstance(p, Sequence) and len(p) == 2]
        if len(pairs) == len(padding) and len(pairs) in (1, n):
            pairs = pairs * n if len(pairs) == 1 else pairs
            return tuple((int(lo), int(hi)) for lo, hi in pairs)
    raise ValueError(
        f"{owner}: padding must be 'SAME', 'VALID', an int, a (low, high) pair or {n} such "
        f"pairs, got {padding!r}."
    )


class _Conv(Layer):
    """What the convolutions share: sizes, the kernel and bias, the input check."""

    NUM_SPATIAL_DIMS: ClassVar[int] = 0
    w: TrainVar
    b: TrainVar | None
    mask: Parameter | None
    in_channels: int = eqx.field(static=True)
    out_channels: int = eqx.field(static=True)
    kernel_size: tuple[int, ...] = eqx.field(static=True)
    stride: tuple[int, ...] = eqx.field(static=True)
    padding: Any = eqx.field(static=True)

    def __init__(self, mode: Mode | None = None, name: str | None = None):
        super().__init__(mode=mode, name=name)

    def _setup(self, in_channels, out_channels, kernel_size, stride, padding) -> str:
        owner = type(self).__name__
        n = self.NUM_SPATIAL_DIMS
        self.in_channels = positive_int(in_channels, "in_channels", owner)
        self.out_channels = positive_int(out_channels, "out_channels", owner)
        self.kernel_size = int_tuple(kernel_size, n, "kernel_size", owner)
        self.stride = int_tuple(stride, n, "stride", owner)
        self.padding = padding_of(padding, n, owner)
        return owner

    def _params(self, kernel_shape, w_init, b_init, mask, owner: str) -> None:
        w = train_param(w_init, kernel_shape, "w_initializer", owner)
        if w is None:
            raise ValueError(f"{owner}: w_initializer must not be None.")
        self.w = w
        bias_shape = (1,) * self.NUM_SPATIAL_DIMS + (self.out_channels,)
        self.b = train_param(b_init, bias_shape, "b_initializer", owner)
        self.mask = None
        if mask is not None:
            mask = jnp.asarray(mask)
            try:
                jnp.broadcast_shapes(mask.shape, kernel_shape)
            except ValueError:
                raise ValueError(
                    f"{owner}: mask of shape {mask.shape} does not broadcast to the kernel's "
                    f"shape {kernel_shape}."
                ) from None
            self.mask = Parameter(mask)

    def _batched(self, x: Any) -> tuple[Any, bool]:
        """`x` with a batch axis, and whether it had none; checks rank and channels."""
        x = jnp.asarray(x)
        n = self.NUM_SPATIAL_DIMS
        if x.ndim not in (n + 1, n + 2) or x.shape[-1] != self.in_channels:
            raise ValueError(
                f"{self.name} expects input of shape (batch, {n} spatial axes, "
                f"{self.in_channels}) or ({n} spatial axes, {self.in_channels}) "
                f"(channels last, in_channels={self.in_channels}), got shape {x.shape}."
            )
        return (x[None], True) if x.ndim == n + 1 else (x, False)

    def _kernel(self) -> Any:
        w = self.w.value
        return w if self.mask is None else w * self.mask.value

    def _finish(self, y: Any, unbatched: bool) -> Any:
        if self.b is not None:
            y = y + self.b.value
        return y[0] if unbatched else y


class _GeneralConv(_Conv):
    lhs_dilation: tuple[int, ...] = eqx.field(static=True)
    rhs_dilation: tuple[int, ...] = eqx.field(static=True)
    groups: int = eqx.field(static=True)

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] | None = None,
        strides: int | Sequence[int] | None = None,
        padding: Any = "SAME",
        lhs_dilation: int | Sequence[int] = 1,
        rhs_dilation: int | Sequence[int] = 1,
        groups: int = 1,
        w_initializer: Any = XavierNormal(),  # noqa: B008 - BrainPy's default, stateless
        b_initializer: Any = ZeroInit(),  # noqa: B008
        mask: Any = None,
        mode: Mode | None = None,
        name: str | None = None,
    ):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        if stride is not None and strides is not None:
            raise ValueError(f"{owner}: give stride or strides (the same thing), not both.")
        step = stride if stride is not None else (1 if strides is None else strides)
        owner = self._setup(in_channels, out_channels, kernel_size, step, padding)
        n = self.NUM_SPATIAL_DIMS
        self.lhs_dilation = int_tuple(lhs_dilation, n, "lhs_dilation", owner)
        self.rhs_dilation = int_tuple(rhs_dilation, n, "rhs_dilation", owner)
        self.groups = positive_int(groups, "groups", owner)
        if self.in_channels % self.groups or self.out_channels % self.groups:
            raise ValueError(
                f"{owner}: in_channels ({self.in_channels}) and out_channels "
                f"({self.out_channels}) must be multiples of groups ({self.groups})."
            )
        shape = (*self.kernel_size, self.in_channels // self.groups, self.out_channels)
        self._params(shape, w_initializer, b_initializer, mask, owner)

    def update(self, x: Any) -> Any:
        """The convolution of `x`, `(batch, *spatial, in_channels)` or unbatched."""
        x, unbatched = self._batched(x)
        padding = self.padding
        if isinstance(padding, str) and any(d > 1 for d in self.lhs_dilation):
            # lax takes only explicit pads with an input dilation: the pads of `padding`
            # for the dilated input and kernel.
            dims = zip(x.shape[1:-1], self.kernel_size, self.lhs_dilation, self.rhs_dilation)
            inputs = [(n - 1) * d + 1 for n, _, d, _ in dims]
            windows = [(k - 1) * r + 1 for k, r in zip(self.kernel_size, self.rhs_dilation)]
            padding = lax.padtype_to_pads(inputs, windows, self.stride, padding)
        y = lax.conv_general_dilated(
            x,
            self._kernel(),
            window_strides=self.stride,
            padding=padding,
            lhs_dilation=self.lhs_dilation,
            rhs_dilation=self.rhs_dilation,
            dimension_numbers=dimension_numbers(self.NUM_SPATIAL_DIMS),
            feature_group_count=self.groups,
        )
        return self._finish(y, unbatched)


class Conv1d(_GeneralConv):
    """A 1-D convolution, channels last (BrainPy's `bp.dnn.Conv1d`): `Conv2d`'s
    arguments with one spatial axis. Input: `(batch, length, in_channels)` or
    `(length, in_channels)`.

    ```python
    y = eqbrain.dnn.Conv1d(3, 8, kernel_size=5)(jnp.ones((2, 32, 3)))   # (2, 32, 8)
    ```
    """

    __init__ = _GeneralConv.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 1


class Conv2d(_GeneralConv):
    """A 2-D convolution, channels last (BrainPy's `bp.dnn.Conv2d`), on
    `lax.conv_general_dilated`.

    **Arguments:**

    - `in_channels`, `out_channels`: the channel counts.
    - `kernel_size`: an int or one int per spatial axis.
    - `stride` (or `strides`): an int or one per axis (default 1).
    - `padding`: `'SAME'` (default), `'VALID'`, an int, a `(low, high)` pair, or one
      pair per axis.
    - `lhs_dilation`, `rhs_dilation`: input and kernel dilation (default 1).
    - `groups`: the number of feature groups (divides both channel counts).
    - `w_initializer`: the kernel, shape `kernel_size + (in_channels // groups,
      out_channels)` (default `XavierNormal()`); `b_initializer`: the bias, shape
      `(1, 1, out_channels)`, or `None` (default zeros).
    - `mask`: an array multiplied into the kernel (kept as a `Parameter`), or `None`.
    - `mode`, `name`: as for every `Layer`.

    Input: `(batch, height, width, in_channels)` or `(height, width, in_channels)`.

    ```python
    y = eqbrain.dnn.Conv2d(3, 8, kernel_size=3)(jnp.ones((2, 16, 16, 3)))   # (2, 16, 16, 8)
    ```
    """

    __init__ = _GeneralConv.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 2


class Conv3d(_GeneralConv):
    """A 3-D convolution, channels last (BrainPy's `bp.dnn.Conv3d`): `Conv2d`'s
    arguments with three spatial axes. Input: `(batch, depth, height, width,
    in_channels)` or without the batch axis.

    ```python
    y = eqbrain.dnn.Conv3d(1, 4, kernel_size=3)(jnp.ones((2, 8, 8, 8, 1)))
    ```
    """

    __init__ = _GeneralConv.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 3


class _GeneralConvTranspose(_Conv):
    precision: Any = eqx.field(static=True)

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: Any = "SAME",
        w_initializer: Any = XavierNormal(in_axis=-1, out_axis=-2),  # noqa: B008
        b_initializer: Any = ZeroInit(),  # noqa: B008
        mask: Any = None,
        precision: Any = None,
        mode: Mode | None = None,
        name: str | None = None,
    ):
        super().__init__(mode=mode, name=name)
        owner = self._setup(in_channels, out_channels, kernel_size, stride, padding)
        self.precision = precision
        shape = (*self.kernel_size, self.in_channels, self.out_channels)
        self._params(shape, w_initializer, b_initializer, mask, owner)

    def update(self, x: Any) -> Any:
        """The transposed convolution of `x`, `(batch, *spatial, in_channels)` or unbatched."""
        x, unbatched = self._batched(x)
        y = lax.conv_transpose(
            x,
            self._kernel(),
            strides=self.stride,
            padding=self.padding,
            precision=self.precision,
            dimension_numbers=dimension_numbers(self.NUM_SPATIAL_DIMS),
        )
        return self._finish(y, unbatched)


class ConvTranspose1d(_GeneralConvTranspose):
    """A 1-D transposed convolution, channels last (BrainPy's `bp.dnn.ConvTranspose1d`):
    `ConvTranspose2d`'s arguments with one spatial axis.

    ```python
    y = eqbrain.dnn.ConvTranspose1d(8, 3, kernel_size=3, stride=2)(jnp.ones((2, 16, 8)))
    ```
    """

    __init__ = _GeneralConvTranspose.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 1


class ConvTranspose2d(_GeneralConvTranspose):
    """A 2-D transposed convolution, channels last (BrainPy's
    `bp.dnn.ConvTranspose2d`), on `lax.conv_transpose` (the kernel is not flipped, as in
    BrainPy and Flax).

    **Arguments:**

    - `in_channels`, `out_channels`, `kernel_size`, `stride`, `padding`: as for `Conv2d`.
    - `w_initializer`: the kernel, shape `kernel_size + (in_channels, out_channels)`
      (default `XavierNormal(in_axis=-1, out_axis=-2)`); `b_initializer`: the bias.
    - `mask`: an array multiplied into the kernel, or `None`.
    - `precision`: `lax.conv_transpose`'s precision.
    - `mode`, `name`: as for every `Layer`.

    ```python
    y = eqbrain.dnn.ConvTranspose2d(8, 3, kernel_size=3, stride=2)(jnp.ones((2, 8, 8, 8)))
    ```
    """

    __init__ = _GeneralConvTranspose.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 2


class ConvTranspose3d(_GeneralConvTranspose):
    """A 3-D transposed convolution, channels last (BrainPy's
    `bp.dnn.ConvTranspose3d`): `ConvTranspose2d`'s arguments with three spatial axes.

    ```python
    y = eqbrain.dnn.ConvTranspose3d(4, 1, kernel_size=3)(jnp.ones((2, 4, 4, 4, 4)))
    ```
    """

    __init__ = _GeneralConvTranspose.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 3
