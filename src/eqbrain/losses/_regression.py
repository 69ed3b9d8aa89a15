"""Regression losses: L1, L2, Huber, mean absolute / squared / squared-log errors and
log-cosh, on optax where optax has them, with BrainPy's `reduction=` and pytree rules
(a pytree of predictions gives the sum of its leaves' losses)."""

from __future__ import annotations

from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import optax

from ._loss import Loss, check_reduction, over_leaves, reduce


def l1_loss(logits: Any, targets: Any, reduction: str = "mean") -> jax.Array:
    """The mean absolute error of each sample (over the last axis), then reduced over
    the samples: `'none'` gives one value per sample.

    ```python
    eqbrain.losses.l1_loss(jnp.array([[1., 2.], [3., 4.]]), jnp.zeros((2, 2)), "none")
    # [1.5, 3.5]
    ```
    """
    check_reduction(reduction)
    return over_leaves(
        lambda p, t: reduce(jnp.mean(jnp.abs(p - t), axis=-1), reduction), logits, targets
    )


def l2_loss(predicts: Any, targets: Any) -> jax.Array:
    """`0.5 (predicts - targets)^2`, elementwise (`optax.l2_loss`)."""
    return over_leaves(optax.l2_loss, predicts, targets)


def huber_loss(predicts: Any, targets: Any, delta: float = 1.0) -> jax.Array:
    """The Huber loss, elementwise (`optax.huber_loss`): `0.5 e^2` for `|e| <= delta`,
    `delta (|e| - delta / 2)` beyond."""
    return over_leaves(lambda p, t: optax.huber_loss(p, t, delta=delta), predicts, targets)


def mean_absolute_error(x: Any, y: Any, axis: Any = None, reduction: str = "mean") -> jax.Array:
    """`|x - y|`, reduced over `axis` (all axes by default)."""
    check_reduction(reduction)
    return over_leaves(lambda a, b: reduce(jnp.abs(a - b), reduction, axis), x, y)


def mean_squared_error(
    predicts: Any, targets: Any, axis: Any = None, reduction: str = "mean"
) -> jax.Array:
    """`(predicts - targets)^2` (`optax.squared_error`), reduced over `axis` (all axes by
    default).

    ```python
    loss = eqbrain.losses.mean_squared_error(model(x), y)
    ```
    """
    check_reduction(reduction)
    return over_leaves(
        lambda p, t: reduce(optax.squared_error(p, t), reduction, axis), predicts, targets
    )


def mean_squared_log_error(
    predicts: Any, targets: Any, axis: Any = None, reduction: str = "mean"
) -> jax.Array:
    """`(log(1 + predicts) - log(1 + targets))^2`, reduced over `axis`."""
    check_reduction(reduction)
    return over_leaves(
        lambda p, t: reduce((jnp.log1p(p) - jnp.log1p(t)) ** 2, reduction, axis),
        predicts,
        targets,
    )


def log_cosh_loss(predicts: Any, targets: Any) -> jax.Array:
    """`log(cosh(predicts - targets))`, elementwise (`optax.log_cosh`)."""
    return over_leaves(optax.log_cosh, predicts, targets)


class L1Loss(Loss):
    """`l1_loss` as a module.

    **Arguments:**

    - `reduction`: `'mean'` (default), `'sum'` or `'none'`.
    """

    def update(self, input: Any, target: Any) -> jax.Array:
        return l1_loss(input, target, self.reduction)


class MAELoss(Loss):
    """`mean_absolute_error` as a module.

    **Arguments:**

    - `axis`: the axes to reduce (default all).
    - `reduction`: `'mean'` (default), `'sum'` or `'none'`.
    """

    axis: Any = eqx.field(default=None, static=True)

    def __init__(self, axis: Any = None, reduction: str = "mean", *, name: str | None = None):
        super().__init__(reduction, name=name)
        self.axis = axis

    def update(self, input: Any, target: Any) -> jax.Array:
        return mean_absolute_error(input, target, self.axis, self.reduction)


class MSELoss(Loss):
    """`mean_squared_error` as a module.

    **Arguments:**

    - `reduction`: `'mean'` (default), `'sum'` or `'none'`.
    """

    def update(self, input: Any, target: Any) -> jax.Array:
        return mean_squared_error(input, target, reduction=self.reduction)
