"""`Collector` and `ArrayCollector`: the path-keyed dicts that `nodes()` and `vars()` return."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import jax.tree_util as jtu

from ._variable import Variable, write_all


class Collector(dict):
    """A dict of path -> object in which a key may not be rebound to another object.

    ```python
    nodes = net.nodes()            # Collector({'Net0': net, 'LIF0': ..., ...})
    nodes.subset(LIF)              # just the LIF neurons
    ```
    """

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self and self[key] is not value:
            raise ValueError(
                f'Name "{key}" conflicts: it names both {value!r} and {self[key]!r}. '
                "Two objects share a name (e.g. a pytree copy beside its origin); "
                "give them distinct names or collect with method='relative'."
            )
        dict.__setitem__(self, key, value)

    def update(self, other=(), **kwargs) -> None:
        for k, v in dict(other, **kwargs).items():
            self[k] = v

    def replace(self, key: str, new_value: Any) -> None:
        """Bind `key` to `new_value`, whatever it held before."""
        dict.__setitem__(self, key, new_value)

    def __add__(self, other: Mapping) -> Collector:
        out = type(self)(self)
        out.update(other)
        return out

    def __sub__(self, other: Mapping | Iterable) -> Collector:
        """Drop the entries named by `other`'s keys (a dict) or by `other` (keys or values)."""
        out = type(self)(self)
        if isinstance(other, Mapping):
            names = set(other)
        else:
            other = list(other)
            values = {id(x) for x in other}
            names = {x for x in other if isinstance(x, str)}
            names |= {k for k, v in self.items() if id(v) in values}
        for k in names:
            out.pop(k, None)
        return out

    def subset(self, var_type: type | tuple[type, ...]) -> Collector:
        """The entries whose value is an instance of `var_type`."""
        return type(self)((k, v) for k, v in self.items() if isinstance(v, var_type))

    def not_subset(self, var_type: type | tuple[type, ...]) -> Collector:
        """The entries whose value is not an instance of `var_type`."""
        return type(self)((k, v) for k, v in self.items() if not isinstance(v, var_type))

    def include(self, *types: type) -> Collector:
        return self.subset(types)

    def exclude(self, *types: type) -> Collector:
        return self.not_subset(types)

    def unique(self) -> Collector:
        """Keep the first key of every object held under several keys."""
        seen: set[int] = set()
        out = type(self)()
        for k, v in self.items():
            if id(v) not in seen:
                seen.add(id(v))
                dict.__setitem__(out, k, v)
        return out


class ArrayCollector(Collector):
    """A `Collector` of Variables, as returned by `vars()` and `train_vars()`.

    ```python
    vs = net.vars()
    vs.dict()                       # {'LIF0.V': Array(...), ...}
    vs.assign({'LIF0.V': jnp.zeros(4)})
    ```
    """

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(value, Variable):
            raise TypeError(
                f"An ArrayCollector holds Variables, but {key!r} was given {type(value).__name__}."
            )
        super().__setitem__(key, value)

    def dict(self) -> dict[str, Any]:
        """`{key: value}` with every Variable's current value."""
        return {k: v.value for k, v in self.items()}

    def data(self) -> list[Any]:
        """Every Variable's current value, in key order."""
        return [v.value for v in self.values()]

    def assign(self, inputs: Mapping[str, Any]) -> None:
        """Write `inputs[key]` into each named Variable; all are checked before any write."""
        unknown = [k for k in inputs if k not in self]
        if unknown:
            raise KeyError(f"No Variable named {unknown} in this collector.")
        write_all([self[k] for k in inputs], list(inputs.values()))

    @classmethod
    def from_other(cls, other: Mapping[str, Variable]) -> ArrayCollector:
        return cls(other)


def _register(cls: type) -> None:
    def flatten_with_keys(c):
        return [(jtu.DictKey(k), v) for k, v in c.items()], tuple(c)

    def unflatten(keys, children):
        out = cls()
        for k, v in zip(keys, children):
            dict.__setitem__(out, k, v)
        return out

    jtu.register_pytree_with_keys(
        cls, flatten_with_keys, unflatten, lambda c: (list(c.values()), tuple(c))
    )


_register(Collector)
_register(ArrayCollector)
