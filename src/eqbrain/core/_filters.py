"""Splitting a model into its trainable Variables and everything else."""

from __future__ import annotations

from typing import TypeVar

import equinox as eqx
import jax.tree_util as jtu

from ._variable import is_trainable, is_variable

_T = TypeVar("_T")


def trainable_filter(model: _T) -> _T:
    """A filter spec for `eqx.partition`: `True` at every `TrainVar`, `False` elsewhere."""
    return jtu.tree_map(is_trainable, model, is_leaf=is_variable)


def partition_trainable(model: _T) -> tuple[_T, _T]:
    """Split `model` into `(trainable, rest)`; `eqx.combine(trainable, rest)` rebuilds it.

    `trainable` holds the values of the `TrainVar`s (and `None` elsewhere); `rest` holds
    every other array. Both keep the model's structure, so the usual Equinox pattern
    works:

    ```python
    params, static = eqbrain.partition_trainable(model)

    @eqx.filter_grad
    def grads(params, static, x):
        return loss(eqx.combine(params, static), x)
    ```
    """
    return eqx.partition(model, trainable_filter(model))
