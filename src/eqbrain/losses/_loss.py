"""`Loss` and `WeightedLoss` (loss functions as modules), `reduce` and `over_leaves`."""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from .._core import Module, is_variable

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction: Any) -> str:
    """`reduction`, once it is `'mean'`, `'sum'` or `'none'` (`ValueError` otherwise)."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}: 'mean' averages "
            "the elementwise losses, 'sum' adds them, 'none' returns them all."
        )
    return reduction


def reduce(losses: jax.Array, reduction: str, axis: Any = None) -> jax.Array:
    """Average (`'mean'`), add (`'sum'`) or keep (`'none'`) `losses`, over `axis`."""
    reduction = check_reduction(reduction)
    if reduction == "mean":
        return jnp.mean(losses, axis)
    if reduction == "sum":
        return jnp.sum(losses, axis)
    return losses


def _unwrap(x: Any) -> Any:
    return x.value if is_variable(x) else x


def over_leaves(fn: Callable[..., jax.Array], *trees: Any) -> jax.Array:
    """`fn` applied leaf by leaf to matching pytrees (Variables count as leaves), the
    results added up: a loss of a dict of predictions is the sum of the losses."""
    results = jax.tree.map(lambda *xs: fn(*map(_unwrap, xs)), *trees, is_leaf=is_variable)
    leaves = jax.tree.leaves(results)
    if not leaves:
        raise ValueError("The loss got empty pytrees: there is nothing to compare.")
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total + leaf
    return total


class Loss(Module):
    """A loss function as a module (BrainPy's `bp.losses.Loss`): `loss(input, target)`
    calls `update(input, target)`, which a subclass defines (a subclass without it
    cannot be built: `TypeError`).

    ```python
    class Squared(eqbrain.losses.Loss):
        def update(self, input, target):
            return jnp.sum((input - target) ** 2)
    ```

    **Arguments:**

    - `reduction`: `'mean'` (default), `'sum'` or `'none'`.
    """

    # Defaults as `__init__`'s: type checkers build a subclass's constructor from the
    # fields when the subclass defines no `__init__` (Equinox gives it this one).
    reduction: str = eqx.field(default="mean", static=True)

    def __init__(self, reduction: str = "mean", *, name: str | None = None):
        super().__init__(name=name)
        self.reduction = check_reduction(reduction)

    def __call__(self, input: Any, target: Any) -> jax.Array:
        return self.update(input, target)

    @abc.abstractmethod
    def update(self, input: Any, target: Any) -> jax.Array:
        """The loss of `input` against `target` (what a subclass defines)."""


class WeightedLoss(Loss):
    """A `Loss` with a per-class rescaling `weight` (an array of size C, or `None`).

    **Arguments:**

    - `weight`: the weight of each class.
    - `reduction`: `'mean'` (default, the weighted mean), `'sum'` or `'none'`.
    """

    weight: jax.Array | None = None

    def __init__(
        self, weight: ArrayLike | None = None, reduction: str = "mean", *, name: str | None = None
    ):
        super().__init__(reduction, name=name)
        self.weight = None if weight is None else jnp.asarray(weight)
