"""Regularizers and label helpers: `l2_norm`, `mean_absolute`, `mean_square`, `log_cosh`
and `smooth_labels` (BrainPy's `bp.losses.regularization`)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import optax

from ._loss import over_leaves


def l2_norm(x: Any, axis: Any = None) -> jax.Array:
    """The Euclidean norm of all the values of a pytree (`optax.tree_utils.tree_norm`);
    with `axis`, the norm of an array along `axis`.

    ```python
    eqbrain.losses.l2_norm(jnp.array([3.0, 4.0]))        # 5.0
    penalty = 1e-4 * eqbrain.losses.l2_norm(net.train_vars().dict()) ** 2
    ```
    """
    if axis is None:
        return optax.tree_utils.tree_norm(jax.tree.map(jnp.asarray, x))
    return jnp.linalg.norm(jnp.asarray(x), axis=axis)


def mean_absolute(outputs: Any, axis: Any = None) -> jax.Array:
    """The mean of `|outputs|` over `axis` (all axes by default)."""
    return over_leaves(lambda a: jnp.mean(jnp.abs(a), axis), outputs)


def mean_square(predicts: Any, axis: Any = None) -> jax.Array:
    """The mean of `predicts^2` over `axis` (all axes by default)."""
    return over_leaves(lambda a: jnp.mean(optax.squared_error(a), axis), predicts)


def log_cosh(errors: Any) -> jax.Array:
    """`log(cosh(errors))`, elementwise (`optax.log_cosh`): about `e^2 / 2` near 0 and
    `|e| - log 2` far from it."""
    return over_leaves(optax.log_cosh, errors)


def smooth_labels(labels: Any, alpha: float) -> jax.Array:
    """One-hot `labels` mixed with the uniform distribution: `(1 - alpha) labels +
    alpha / C` (`optax.smooth_labels`, Muller et al., 2019)."""
    return over_leaves(lambda y: optax.smooth_labels(y, alpha), labels)
