"""`VariableView`: a window onto part of a Variable (BrainPy's `bm.VariableView`)."""

from __future__ import annotations

from typing import Any

import jax
import jax.tree_util as jtu
import numpy as np
from jax.typing import DTypeLike

from .._errors import MathError
from ._variable import ValueLike, Variable, to_array


class VariableView:
    """A view of `origin[index]`: reading gives that part of the Variable's value, and
    writing updates that part of the Variable (with the same checks as any write).

    The view holds no value of its own: every read and write goes through `origin`, so
    eqbrain transforms record them as reads and writes of `origin`. It is a pytree whose
    child is `origin` (so `eqx.filter_jit` and `jax.jit` give it the traced copy, as
    they do a Variable held in two places), and it is not collected by `vars()`: keep the
    `origin` Variable in the module.

    **Arguments:**

    - `origin`: the `Variable` to look into.
    - `index`: any NumPy-style index (`slice(0, 2)`, an int, an index array, a tuple).

    ```python
    V = eqbrain.Variable(jnp.zeros(100))
    first = eqbrain.VariableView(V, slice(0, 10))
    first.value = jnp.ones(10)          # V.value[:10] is now 1
    ```
    """

    __slots__ = ("origin", "index", "_key")

    def __init__(self, origin: Variable, index: Any, _key: _IndexKey | None = None):
        if not isinstance(origin, Variable):
            raise ValueError(
                f"VariableView looks into a Variable, got {type(origin).__name__}: wrap the "
                "array in a Variable first (`eqbrain.Variable(x)`)."
            )
        origin.value[index]  # an invalid index raises here, not at the first read
        self.origin = origin
        self.index = index
        # Static pytree data: an index may be unhashable (a slice, an array), so the
        # treedef holds this key, equal only to itself; copies made by a transform keep it.
        self._key = _IndexKey(index) if _key is None else _key

    @property
    def value(self) -> jax.Array:
        """The part `origin.value[index]`."""
        return self.origin.value[self.index]

    @value.setter
    def value(self, new: ValueLike | VariableView) -> None:
        if isinstance(new, Variable | VariableView):
            new = new.value
        current = self.value
        what = f"{self.origin.describe()}[{self.index!r}]"
        new = to_array(new, current.dtype, what)
        if np.shape(new) != current.shape or new.dtype != current.dtype:
            raise MathError(
                f"{what} is a view of shape {current.shape} and dtype {current.dtype}; got "
                f"shape {np.shape(new)} and dtype {new.dtype}. Write a value of the view's "
                "shape, or broadcast it first (`jnp.broadcast_to(x, view.shape)`)."
            )
        self.origin.value = self.origin.value.at[self.index].set(new)

    def update(self, new: ValueLike | VariableView) -> None:
        """Write `new` into the view (the same as `view.value = new`)."""
        self.value = new

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape)

    @property
    def dtype(self) -> np.dtype:
        return self.value.dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __jax_array__(self) -> jax.Array:
        return self.value

    def __array__(self, dtype: DTypeLike | None = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(self.value, dtype=dtype)

    def __len__(self) -> int:
        return len(self.value)

    def __getitem__(self, index: Any) -> jax.Array:
        return self.value[index]

    def __repr__(self) -> str:
        return f"VariableView({self.origin.describe()}, index={self.index!r})"


class _IndexKey:
    """A view's index in its treedef: compared by identity (indices may be arrays)."""

    __slots__ = ("index",)

    def __init__(self, index: Any):
        self.index = index


def _flatten(view: VariableView) -> tuple[tuple[Variable], _IndexKey]:
    return (view.origin,), view._key


def _flatten_with_keys(view: VariableView) -> tuple[tuple[tuple[object, Variable]], _IndexKey]:
    return ((jtu.GetAttrKey("origin"), view.origin),), view._key


def _unflatten(key: _IndexKey, children: Any) -> VariableView:  # JAX passes any iterable
    view = object.__new__(VariableView)
    view.origin, view.index, view._key = children[0], key.index, key
    return view


jtu.register_pytree_with_keys(VariableView, _flatten_with_keys, _unflatten, _flatten)
