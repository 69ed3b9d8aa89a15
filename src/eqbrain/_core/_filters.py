"""Splitting a model into what is trained and everything else.

The rule, as in Equinox: every floating-point array is trained, unless it is held by a
Variable that is not a `TrainVar`. So `TrainVar`s are trained, plain `Variable`s and
`Parameter`s (state, constants) are not, and the weights of Equinox layers (and plain
float array fields) held by an eqbrain model are, as they would be in Equinox. Fields
marked internal (`metadata={"internal": True}`, bookkeeping such as a dynamical system's
initial state) are never trained.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import equinox as eqx
import jax.tree_util as jtu

from ._variable import is_trainable, is_variable

_T = TypeVar("_T")


def _internal(x: object) -> tuple[str, ...]:
    """The internal fields of a module (none for anything else)."""
    if not isinstance(x, eqx.Module):
        return ()
    return tuple(f.name for f in dataclasses.fields(x) if f.metadata.get("internal"))


def _trained(x: Any) -> Any:
    if is_variable(x):
        return is_trainable(x)
    internal = _internal(x)
    if internal:  # this module's fields one level down, the internal ones all False
        children, treedef = jtu.tree_flatten(x, is_leaf=lambda y: y is not x)
        names = [f.name for f in dataclasses.fields(x) if not f.metadata.get("static")]
        spec = [
            jtu.tree_map(lambda _: False, c) if n in internal else trainable_filter(c)
            for n, c in zip(names, children)
        ]
        return jtu.tree_unflatten(treedef, spec)
    return eqx.is_inexact_array(x)


def trainable_filter(model: _T) -> _T:
    """A filter spec (a pytree of bools) for `eqx.partition` and `eqx.filter_grad`:
    `True` at every `TrainVar` and every floating-point array outside Variables (an
    Equinox layer's weights), `False` at other Variables and everything else.

    ```python
    params, static = eqx.partition(model, eqbrain.trainable_filter(model))
    ```
    """
    return jtu.tree_map(_trained, model, is_leaf=lambda x: is_variable(x) or bool(_internal(x)))


def partition_trainable(model: _T) -> tuple[_T, _T]:
    """Split `model` into `(trainable, rest)`; `eqx.combine(trainable, rest)` rebuilds it.

    `trainable` holds the values of the `TrainVar`s and the floating-point arrays outside
    Variables (Equinox layers' weights), `None` elsewhere; `rest` holds everything else
    (other Variables' values, integer arrays, static fields). Both keep the model's
    structure, so the usual Equinox pattern works:

    ```python
    params, static = eqbrain.partition_trainable(model)

    @eqx.filter_grad
    def grads(params, static, x):
        return loss(eqx.combine(params, static), x)
    ```
    """
    return eqx.partition(model, trainable_filter(model))
