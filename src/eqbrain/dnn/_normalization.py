"""Normalization, channels last as in BrainPy: `BatchNorm1d/2d/3d` (running statistics
updated while training), `LayerNorm`, `GroupNorm`, `InstanceNorm`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jax import lax

from .._core import TrainVar, Variable
from ..dyn import Mode, training_mode
from ..init import OneInit, ZeroInit
from ._base import Layer, int_tuple, is_fitting, positive_int, train_param


def _epsilon(eps: Any, owner: str) -> float:
    try:
        e = float(eps)
    except (TypeError, ValueError):
        e = -1.0
    if not e > 0:
        raise ValueError(f"{owner}: epsilon must be a positive number, got {eps!r}.")
    return e


class BatchNorm(Layer):
    """Batch normalization over the axes `axis`, per channel (the last axis); the base of
    `BatchNorm1d/2d/3d` (BrainPy's `bp.dnn.BatchNorm`).

    While training (the flag `fit`, see `update`) it normalizes by the batch's mean and
    (biased) variance and moves the running statistics towards them:
    `running = momentum * running + (1 - momentum) * batch`, the variance unbiased (as
    BrainPy and PyTorch keep it). Otherwise it normalizes by the running statistics.

    **Arguments:**

    - `num_features`: the number of channels (the size of the last axis).
    - `axis`: the axes reduced over (the batch and spatial axes).
    - `epsilon`: added to the variance (default 1e-5).
    - `momentum`: how much of the running statistics each update keeps (default 0.99).
    - `affine`: learn a per-channel `scale` and `bias` (`TrainVar`s).
    - `bias_initializer`, `scale_initializer`: their initial values (zeros, ones).
    - `axis_name`, `axis_index_groups`: average the statistics over a named axis of
      `jax.vmap`/`shard_map` (`lax.pmean`).
    - `mode`: the computing mode (default `eqbrain.training_mode`, as BrainPy's).
    - `name`: as for every `Layer`.

    Variables: `running_mean`, `running_var` (plain Variables: state, never trained).
    """

    running_mean: Variable
    running_var: Variable
    scale: TrainVar | None
    bias: TrainVar | None
    num_features: int = eqx.field(static=True)
    axis: tuple[int, ...] = eqx.field(static=True)
    epsilon: float = eqx.field(static=True)
    momentum: float = eqx.field(static=True)
    axis_name: Any = eqx.field(static=True)
    axis_index_groups: Any = eqx.field(static=True)
    NDIM: ClassVar[tuple[int, ...]] = ()

    def __init__(
        self,
        num_features: int,
        axis: int | Sequence[int],
        epsilon: float = 1e-5,
        momentum: float = 0.99,
        affine: bool = True,
        bias_initializer: Any = ZeroInit(),  # noqa: B008 - BrainPy's default, stateless
        scale_initializer: Any = OneInit(),  # noqa: B008
        axis_name: Any = None,
        axis_index_groups: Any = None,
        mode: Mode | None = None,
        name: str | None = None,
    ):
        super().__init__(mode=training_mode if mode is None else mode, name=name)
        owner = type(self).__name__
        self.num_features = positive_int(num_features, "num_features", owner)
        axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
        self.axis = int_tuple(axes, len(axes), "axis", owner, zero=True)
        self.epsilon = _epsilon(epsilon, owner)
        if not 0.0 <= float(momentum) <= 1.0:
            raise ValueError(f"{owner}: momentum must be in [0, 1], got {momentum!r}.")
        self.momentum = float(momentum)
        self.axis_name, self.axis_index_groups = axis_name, axis_index_groups
        shape = (self.num_features,)
        self.running_mean = Variable(jnp.zeros(shape))
        self.running_var = Variable(jnp.ones(shape))
        self.scale = self.bias = None
        if affine:
            self.scale = train_param(scale_initializer, shape, "scale_initializer", owner)
            self.bias = train_param(bias_initializer, shape, "bias_initializer", owner)

    def _checked(self, x: Any) -> Any:
        x = jnp.asarray(x)
        if (self.NDIM and x.ndim not in self.NDIM) or x.shape[-1:] != (self.num_features,):
            ranks = " or ".join(f"{n}-D" for n in self.NDIM) or "any"
            raise ValueError(
                f"{self.name} expects {ranks} input with {self.num_features} channels last "
                f"(num_features={self.num_features}), got shape {x.shape}."
            )
        return x

    def _axes(self, x: Any) -> tuple[int, ...]:
        return self.axis

    def update(self, x: Any, fit: bool | None = None) -> Any:
        """Normalize `x`; `fit` (default: `eqbrain.share`'s `"fit"`, else `False`) says
        whether this is a training step."""
        x = self._checked(x)
        axes = self._axes(x)
        if is_fitting(self.name, fit):
            mean = jnp.mean(x, axes)
            mean2 = jnp.mean(jnp.square(x), axes)
            if self.axis_name is not None:
                both = lax.pmean(
                    jnp.concatenate([mean, mean2]),
                    self.axis_name,
                    axis_index_groups=self.axis_index_groups,
                )
                mean, mean2 = jnp.split(both, 2)
            var = jnp.maximum(0.0, mean2 - jnp.square(mean))
            n = int(np.prod([x.shape[a] for a in axes]))
            unbiased = var * (n / (n - 1)) if n > 1 else var
            m = self.momentum
            self.running_mean.value = m * self.running_mean.value + (1 - m) * mean
            self.running_var.value = m * self.running_var.value + (1 - m) * unbiased
        else:
            mean, var = self.running_mean.value, self.running_var.value
        stats = [1 if a in axes else x.shape[a] for a in range(x.ndim)]
        y = (x - mean.reshape(stats)) * lax.rsqrt(var.reshape(stats) + self.epsilon)
        if self.scale is not None:
            y = y * self.scale.value
        if self.bias is not None:
            y = y + self.bias.value
        return y


class BatchNorm1d(BatchNorm):
    """Batch normalization of `(batch, length, channels)` input over the batch and length
    axes, or of `(batch, channels)` input over the batch (BrainPy's `bp.dnn.BatchNorm1d`);
    `BatchNorm`'s arguments, `axis=(0, 1)`.

    ```python
    bn = eqbrain.dnn.BatchNorm1d(8)
    with eqbrain.share.context(fit=True):
        y = bn(jnp.ones((16, 10, 8)))      # batch statistics; running ones updated
    ```
    """

    NDIM = (2, 3)

    def __init__(self, num_features: int, axis: int | Sequence[int] = (0, 1), **kwargs: Any):
        super().__init__(num_features, axis, **kwargs)

    def _axes(self, x: Any) -> tuple[int, ...]:
        return (0,) if x.ndim == 2 and self.axis == (0, 1) else self.axis


class BatchNorm2d(BatchNorm):
    """Batch normalization of `(batch, height, width, channels)` input (BrainPy's
    `bp.dnn.BatchNorm2d`); `BatchNorm`'s arguments, `axis=(0, 1, 2)`.

    ```python
    bn = eqbrain.dnn.BatchNorm2d(3)
    y = bn(jnp.ones((4, 8, 8, 3)))          # running statistics (not training)
    ```
    """

    NDIM = (4,)

    def __init__(self, num_features: int, axis: int | Sequence[int] = (0, 1, 2), **kwargs: Any):
        super().__init__(num_features, axis, **kwargs)


class BatchNorm3d(BatchNorm):
    """Batch normalization of `(batch, depth, height, width, channels)` input (BrainPy's
    `bp.dnn.BatchNorm3d`); `BatchNorm`'s arguments, `axis=(0, 1, 2, 3)`.

    ```python
    bn = eqbrain.dnn.BatchNorm3d(1)
    ```
    """

    NDIM = (5,)

    def __init__(self, num_features: int, axis: int | Sequence[int] = (0, 1, 2, 3), **kwargs: Any):
        super().__init__(num_features, axis, **kwargs)


class LayerNorm(Layer):
    """Layer normalization over the last axes, `normalized_shape` (BrainPy's
    `bp.dnn.LayerNorm`).

    **Arguments:**

    - `normalized_shape`: the shape of the trailing axes normalized over.
    - `epsilon`: added to the variance (default 1e-5).
    - `bias_initializer`, `scale_initializer`: the elementwise affine (zeros, ones).
    - `elementwise_affine`: learn `scale` and `bias` of shape `normalized_shape`.
    - `mode`, `name`: as for every `Layer`.

    ```python
    y = eqbrain.dnn.LayerNorm(8)(jnp.ones((4, 8)))
    ```
    """

    scale: TrainVar | None
    bias: TrainVar | None
    normalized_shape: tuple[int, ...] = eqx.field(static=True)
    epsilon: float = eqx.field(static=True)

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        epsilon: float = 1e-5,
        bias_initializer: Any = ZeroInit(),  # noqa: B008
        scale_initializer: Any = OneInit(),  # noqa: B008
        elementwise_affine: bool = True,
        mode: Mode | None = None,
        name: str | None = None,
    ):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape = int_tuple(shape, len(shape), "normalized_shape", owner)
        self.epsilon = _epsilon(epsilon, owner)
        self.scale = self.bias = None
        if elementwise_affine:
            shape = self.normalized_shape
            self.scale = train_param(scale_initializer, shape, "scale_initializer", owner)
            self.bias = train_param(bias_initializer, shape, "bias_initializer", owner)

    def update(self, x: Any) -> Any:
        x = jnp.asarray(x)
        k = len(self.normalized_shape)
        if x.shape[x.ndim - k :] != self.normalized_shape or x.ndim < k:
            dims = ", ".join(map(str, self.normalized_shape))
            raise ValueError(
                f"{self.name} expects input of shape (..., {dims}) "
                f"(normalized_shape={self.normalized_shape}), got shape {x.shape}."
            )
        axes = tuple(range(x.ndim - k, x.ndim))
        mean = jnp.mean(x, axes, keepdims=True)
        var = jnp.var(x, axes, keepdims=True)
        y = (x - mean) * lax.rsqrt(var + self.epsilon)
        if self.scale is not None and self.bias is not None:
            y = y * self.scale.value + self.bias.value
        return y


class GroupNorm(Layer):
    """Group normalization (BrainPy's `bp.dnn.GroupNorm`): the channels (last axis) are
    split into `num_groups` groups, each normalized over its channels and the spatial
    axes; the first axis is the batch.

    **Arguments:**

    - `num_groups`: the number of groups (divides `num_channels`).
    - `num_channels`: the number of channels.
    - `epsilon`: added to the variance (default 1e-5).
    - `affine`: learn a per-channel `scale` and `bias`.
    - `bias_initializer`, `scale_initializer`: their initial values (zeros, ones).
    - `mode`, `name`: as for every `Layer`.

    ```python
    y = eqbrain.dnn.GroupNorm(3, 6)(jnp.ones((20, 10, 10, 6)))
    ```
    """

    scale: TrainVar | None
    bias: TrainVar | None
    num_groups: int = eqx.field(static=True)
    num_channels: int = eqx.field(static=True)
    epsilon: float = eqx.field(static=True)

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        epsilon: float = 1e-5,
        affine: bool = True,
        bias_initializer: Any = ZeroInit(),  # noqa: B008
        scale_initializer: Any = OneInit(),  # noqa: B008
        mode: Mode | None = None,
        name: str | None = None,
    ):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        self.num_groups = positive_int(num_groups, "num_groups", owner)
        self.num_channels = positive_int(num_channels, "num_channels", owner)
        if self.num_channels % self.num_groups:
            raise ValueError(
                f"{owner}: num_groups ({self.num_groups}) must divide num_channels "
                f"({self.num_channels})."
            )
        self.epsilon = _epsilon(epsilon, owner)
        self.scale = self.bias = None
        if affine:
            shape = (self.num_channels,)
            self.scale = train_param(scale_initializer, shape, "scale_initializer", owner)
            self.bias = train_param(bias_initializer, shape, "bias_initializer", owner)

    def update(self, x: Any) -> Any:
        x = jnp.asarray(x)
        if x.ndim < 2 or x.shape[-1] != self.num_channels:
            raise ValueError(
                f"{self.name} expects input of shape (batch, ..., {self.num_channels}) "
                f"(num_channels={self.num_channels}), got shape {x.shape}."
            )
        g = self.num_groups
        grouped = x.reshape(*x.shape[:-1], g, self.num_channels // g)
        axes = (*range(1, grouped.ndim - 2), grouped.ndim - 1)
        mean = jnp.mean(grouped, axes, keepdims=True)
        var = jnp.var(grouped, axes, keepdims=True)
        y = ((grouped - mean) * lax.rsqrt(var + self.epsilon)).reshape(x.shape)
        if self.scale is not None and self.bias is not None:
            y = y * self.scale.value + self.bias.value
        return y


class InstanceNorm(GroupNorm):
    """Instance normalization: `GroupNorm` with one group per channel (BrainPy's
    `bp.dnn.InstanceNorm`).

    ```python
    y = eqbrain.dnn.InstanceNorm(6)(jnp.ones((20, 10, 10, 6)))
    ```
    """

    def __init__(
        self,
        num_channels: int,
        epsilon: float = 1e-5,
        affine: bool = True,
        bias_initializer: Any = ZeroInit(),  # noqa: B008
        scale_initializer: Any = OneInit(),  # noqa: B008
        mode: Mode | None = None,
        name: str | None = None,
    ):
        super().__init__(
            num_channels,
            num_channels,
            epsilon,
            affine,
            bias_initializer,
            scale_initializer,
            mode=mode,
            name=name,
        )
