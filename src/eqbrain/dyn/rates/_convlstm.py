"""The convolutional LSTM cells `Conv1dLSTMCell`, `Conv2dLSTMCell`, `Conv3dLSTMCell`, as
BrainPy's `bp.dyn`'s: `LSTMCell`'s gates with convolutions (`lax.conv_general_dilated`,
channels last) in place of the matrix products."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..._core import Module, TrainVar, Variable
from ...init import XavierNormal, ZeroInit
from .._dynsys import DynamicalSystem
from .._mode import BatchingMode, Mode
from .._population import Init
from ._base import check_count, draw, reset_batch_size, unit_key, unit_mode

_SPATIAL = "DHW"


def _int_tuple(value: Any, n: int, what: str, owner: str) -> tuple[int, ...]:
    """An int, or `n` ints, as a tuple of `n` positive ints."""
    values = [value] * n if isinstance(value, int | np.integer) else value
    if not isinstance(values, Sequence) or len(values) != n:
        raise ValueError(f"{owner}: {what} must be an int or {n} ints, got {value!r}.")
    return tuple(check_count(v, what, owner) for v in values)


def _padding(padding: Any, n: int, owner: str) -> str | tuple[tuple[int, int], ...]:
    """BrainPy's paddings: `'SAME'`/`'VALID'`, an int (each side of each axis), one
    `(low, high)` pair (every axis), or one pair per axis; as `lax` takes them."""
    if isinstance(padding, str) and padding.upper() in ("SAME", "VALID"):
        return padding.upper()
    if isinstance(padding, int | np.integer) and not isinstance(padding, bool) and padding >= 0:
        return ((int(padding), int(padding)),) * n
    if isinstance(padding, Sequence) and not isinstance(padding, str) and padding:
        pairs = [padding] if all(isinstance(p, int | np.integer) for p in padding) else padding
        if all(isinstance(p, Sequence) and len(p) == 2 for p in pairs) and len(pairs) in (1, n):
            return tuple((int(lo), int(hi)) for lo, hi in list(pairs) * (n // len(pairs)))
    raise ValueError(
        f"{owner}: padding must be 'SAME', 'VALID', an int, a (low, high) pair or {n} such "
        f"pairs, got {padding!r}."
    )


class _ConvGates(Module):
    """One convolution of the cell, channels last: the kernel `w` (`(*kernel_size,
    channels // groups, 4 out_channels)`) and the bias `b` (`(1, ..., 1, 4
    out_channels)`), both `TrainVar`s, as BrainPy's `input_to_hidden` and
    `hidden_to_hidden`."""

    w: TrainVar
    b: TrainVar | None
    conv: dict = eqx.field(static=True)  # the keyword arguments of lax.conv_general_dilated

    def __init__(self, w: jax.Array, b: jax.Array | None, conv: dict):
        super().__init__()
        self.w = TrainVar(w)
        self.b = None if b is None else TrainVar(b)
        self.conv = conv

    def __call__(self, x: jax.Array) -> jax.Array:
        """The convolution of `x` (`(batch, *spatial, channels)`), plus the bias."""
        y = lax.conv_general_dilated(x, self.w.value, **self.conv)
        return y if self.b is None else y + self.b.value


class ConvLSTMCell(DynamicalSystem):
    """What the convolutional LSTM cells share (BrainPy's `_ConvNDLSTMCell`; the
    equations and arguments are on `Conv2dLSTMCell`): the two convolutions, the states
    `h`, `c`, their trained initial values, the input check. A subclass sets
    `NUM_SPATIAL_DIMS`."""

    NUM_SPATIAL_DIMS: ClassVar[int] = 0

    input_to_hidden: _ConvGates
    hidden_to_hidden: _ConvGates
    h: Variable
    c: Variable
    h_to_train: TrainVar | None
    c_to_train: TrainVar | None
    input_shape: tuple[int, ...] = eqx.field(static=True)
    in_channels: int = eqx.field(static=True)
    out_channels: int = eqx.field(static=True)
    mode: Mode = eqx.field(static=True)
    train_state: bool = eqx.field(static=True)

    def __init__(
        self,
        input_shape: int | Sequence[int],
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: Any = "SAME",
        lhs_dilation: int | Sequence[int] = 1,
        rhs_dilation: int | Sequence[int] = 1,
        groups: int = 1,
        w_initializer: Init = XavierNormal(),  # noqa: B008 - BrainPy's default, stateless
        b_initializer: Init | None = ZeroInit(),  # noqa: B008
        state_initializer: Init = ZeroInit(),  # noqa: B008
        train_state: bool = False,
        name: str | None = None,
        mode: Mode | None = None,
        *,
        key: jax.Array | None = None,
        batch_size: int | None = None,
    ):
        super().__init__(name=name)
        owner, n = type(self).__name__, self.NUM_SPATIAL_DIMS
        self.input_shape = _int_tuple(input_shape, n, "input_shape", owner)
        self.in_channels = check_count(in_channels, "in_channels", owner)
        self.out_channels = check_count(out_channels, "out_channels", owner)
        groups = check_count(groups, "groups", owner)
        if self.in_channels % groups or self.out_channels % groups:
            raise ValueError(
                f"{owner}: in_channels ({self.in_channels}) and out_channels "
                f"({self.out_channels}) must be multiples of groups ({groups})."
            )
        kernel = _int_tuple(kernel_size, n, "kernel_size", owner)
        s = _SPATIAL[-n:]
        conv = dict(
            window_strides=_int_tuple(stride, n, "stride", owner),
            padding=_padding(padding, n, owner),
            lhs_dilation=_int_tuple(lhs_dilation, n, "lhs_dilation", owner),
            rhs_dilation=_int_tuple(rhs_dilation, n, "rhs_dilation", owner),
            dimension_numbers=(f"N{s}C", f"{s}IO", f"N{s}C"),
            feature_group_count=groups,
        )
        self._check_shape(conv, kernel, groups)
        self.mode, batch_size = unit_mode(owner, mode, batch_size)
        self.train_state = bool(train_state)
        key = unit_key(key, w_initializer, b_initializer, state_initializer)
        width = 4 * self.out_channels
        for part, channels in (("input_to_hidden", in_channels), ("hidden_to_hidden", width // 4)):
            w = draw(w_initializer, (*kernel, channels // groups, width), key, f"{part}.w")
            b = None
            if b_initializer is not None:
                b = draw(b_initializer, (1,) * n + (width,), key, f"{part}.b")
            setattr(self, part, _ConvGates(w, b, conv))
        shape = (*self.input_shape, self.out_channels)
        for var in ("h", "c"):
            value = draw(state_initializer, shape, key, var)
            setattr(self, f"{var}_to_train", TrainVar(value) if self.train_state else None)
            if batch_size is not None:  # a NumPy broadcast: nothing to compile
                value = jnp.asarray(np.broadcast_to(np.asarray(value), (batch_size, *shape)))
            setattr(self, var, Variable(value, batch_axis=None if batch_size is None else 0))

    def _check_shape(self, conv: dict, kernel: tuple[int, ...], groups: int) -> None:
        """`ValueError` unless the convolution keeps the spatial shape (traced, not run)."""
        owner = type(self).__name__
        x = jax.ShapeDtypeStruct((1, *self.input_shape, self.out_channels), jnp.float32)
        w = jax.ShapeDtypeStruct((*kernel, self.out_channels // groups, 4), jnp.float32)
        try:
            spatial = jax.eval_shape(lambda a, b: lax.conv_general_dilated(a, b, **conv), x, w)
            spatial = tuple(spatial.shape[1:-1])
        except (TypeError, ValueError) as error:
            spatial = f"an error ({error})"
        if spatial != self.input_shape:
            raise ValueError(
                f"{owner}: the convolution must keep the spatial shape input_shape="
                f"{self.input_shape} (the state's), but with kernel_size={kernel}, "
                f"stride={conv['window_strides']}, padding={conv['padding']!r}, "
                f"lhs_dilation={conv['lhs_dilation']} and rhs_dilation="
                f"{conv['rhs_dilation']} it gives {spatial}. Use stride=1 and "
                "padding='SAME'."
            )

    def reset_state(self, batch_size: int | None = None, **kwargs: Any) -> None:
        """Reset `h`, `c` (to `h_to_train`, `c_to_train` when trained); see
        `DynamicalSystem`. BrainPy's keyword `batch_or_mode=` is `batch_size`."""
        super().reset_state(reset_batch_size(type(self).__name__, batch_size, kwargs))
        for var, trained in ((self.h, self.h_to_train), (self.c, self.c_to_train)):
            if trained is not None:
                var.value = jnp.broadcast_to(trained.value, var.shape)

    def _input(self, x: Any) -> jax.Array:
        """`x` with a batch axis; `ValueError` naming the shape it must have."""
        x = jnp.asarray(x)
        batched = isinstance(self.mode, BatchingMode)
        want = (*self.input_shape, self.in_channels)
        if tuple(x.shape[1:] if batched else x.shape) != want or x.ndim != len(want) + batched:
            shape = f"(batch, {', '.join(map(str, want))})" if batched else str(want)
            raise ValueError(
                f"{self.name} expects input of shape {shape} (input_shape="
                f"{self.input_shape}, in_channels={self.in_channels}, channels last), got "
                f"shape {x.shape}."
            )
        return x if batched else x[None]

    def update(self, x: Any) -> Any:
        """One step with input `x` (`(batch, *input_shape, in_channels)`, or without the
        batch axis in a non-batching mode); returns the new hidden state `h`."""
        batched = isinstance(self.mode, BatchingMode)
        h, c = self.h.value, self.c.value
        if not batched:
            h, c = h[None], c[None]
        gates = self.input_to_hidden(self._input(x)) + self.hidden_to_hidden(h)
        i, g, f, o = jnp.split(gates, 4, axis=-1)
        c = jax.nn.sigmoid(f + 1.0) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        if not batched:
            h, c = h[0], c[0]
        self.h.value, self.c.value = h, c
        return h


class Conv1dLSTMCell(ConvLSTMCell):
    """The 1-D convolutional LSTM cell (BrainPy's `bp.dyn.Conv1dLSTMCell`): input
    `(batch, length, in_channels)` (`(length, in_channels)` in a non-batching mode),
    output and states `(batch, length, out_channels)`. The arguments and equations
    are `Conv2dLSTMCell`'s.

    ```python
    cell = eqbrain.dyn.Conv1dLSTMCell((16,), 3, 4, kernel_size=3)
    h = cell(jnp.ones((16, 3)))      # (16, 4); cell.c is the memory
    ```
    """

    __init__ = ConvLSTMCell.__init__  # named, so type checkers use it

    NUM_SPATIAL_DIMS = 1


class Conv2dLSTMCell(ConvLSTMCell):
    r"""The 2-D convolutional LSTM cell of Shi et al. (2015) (BrainPy's
    `bp.dyn.Conv2dLSTMCell`).

    $$\begin{aligned}
    [i, g, f, o] &= W_i * x_t + b_i + W_h * h_{t-1} + b_h, \\
    c_t &= \sigma(f + 1) \odot c_{t-1} + \sigma(i) \odot \tanh(g), \quad
    h_t = \sigma(o) \odot \tanh(c_t),
    \end{aligned}$$

    with $*$ a convolution over the spatial axes, channels last, and the gates side by
    side on the channel axis (`LSTMCell`'s, with BrainPy's 1 added to the forget gate).
    Input `(batch, height, width, in_channels)` (no batch axis in a non-batching mode);
    output and states `(batch, height, width, out_channels)`.

    **Arguments:**

    - `input_shape`: the spatial shape of the input (two ints); the states `h`, `c`
      have shape `(*input_shape, out_channels)`.
    - `in_channels`, `out_channels`: the channels of the input and of the state.
    - `kernel_size`, `stride`, `padding`, `lhs_dilation`, `rhs_dilation`, `groups`: the
      convolutions' (as `eqbrain.dnn.Conv2d`'s); they must keep the spatial shape
      (the defaults `stride=1`, `padding='SAME'` do).
    - `w_initializer`, `b_initializer`: the kernels and biases of both convolutions
      (default Xavier-normal, zero; `b_initializer=None` drops the biases).
    - `state_initializer`: the initial `h` and `c` (default 0).
    - `train_state`: learn the initial state too (`TrainVar`s `h_to_train`,
      `c_to_train` that `reset_state` copies into `h`, `c`).
    - `mode`: the computing mode; a batching or training mode gives `h`, `c` a leading
      batch axis (default: the current one, `eqbrain.get_mode()`).
    - `key`: the key of `jax.nn`-style initializers (default: split from
      `eqbrain.random`'s generator); `batch_size`: the batch axis without a mode.

    Variables: `input_to_hidden.w` (`(*kernel_size, in_channels // groups,
    4 out_channels)`), `hidden_to_hidden.w` (`(*kernel_size, out_channels // groups,
    4 out_channels)`), their biases `.b` (`(1, 1, 4 out_channels)`), all TrainVars;
    `h`, `c`; and `h_to_train`, `c_to_train`.

    ```python
    cell = eqbrain.dyn.Conv2dLSTMCell((8, 8), 3, 4, kernel_size=3,
                                      mode=eqbrain.BatchingMode(2))
    h = cell(jnp.ones((2, 8, 8, 3)))   # (2, 8, 8, 4)
    ```
    """

    __init__ = ConvLSTMCell.__init__

    NUM_SPATIAL_DIMS = 2


class Conv3dLSTMCell(ConvLSTMCell):
    """The 3-D convolutional LSTM cell (BrainPy's `bp.dyn.Conv3dLSTMCell`): input
    `(batch, depth, height, width, in_channels)` (no batch axis in a non-batching
    mode), output and states `(batch, depth, height, width, out_channels)`. The
    arguments and equations are `Conv2dLSTMCell`'s.

    ```python
    cell = eqbrain.dyn.Conv3dLSTMCell((4, 4, 4), 2, 3, kernel_size=3)
    h = cell(jnp.ones((4, 4, 4, 2)))   # (4, 4, 4, 3)
    ```
    """

    __init__ = ConvLSTMCell.__init__

    NUM_SPATIAL_DIMS = 3
