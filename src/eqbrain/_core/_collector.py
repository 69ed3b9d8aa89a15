"""`Collector` and `ArrayCollector`: the path-keyed dicts that `nodes()` and `vars()` return."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax
import jax.tree_util as jtu

from ._variable import ValueLike, Variable, write_all


class _CollectorTypeError(TypeError, AssertionError):
    """A collector was given something it cannot hold. A `TypeError`, and an
    `AssertionError` too, because BrainPy checks these cases with `assert`: code that
    catches either keeps working."""


def conflict_error(key: str, value: Any, held: Any) -> ValueError:
    """The error for a key bound to two objects."""
    return ValueError(
        f'Name "{key}" conflicts: it names both {value!r} and {held!r}. '
        "Two objects share a name (e.g. a pytree copy beside its origin); "
        "give them distinct names or collect with method='relative'."
    )


class Collector(dict):
    """A dict of path -> object in which a key may not be rebound to another object.

    ```python
    nodes = net.nodes()            # Collector({'Net0': net, 'LIF0': ..., ...})
    nodes.subset(LIF)              # just the LIF neurons
    ```
    """

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self and self[key] is not value:
            raise conflict_error(key, value, self[key])
        dict.__setitem__(self, key, value)

    def update(  # type: ignore[override]  # returns self, as BrainPy's
        self, other: Mapping | list | tuple = (), **kwargs: Any
    ) -> Collector:
        """Add entries (a key may not be rebound to another object); returns `self`.

        **Arguments:**

        - `other`: a dict of entries, or a list/tuple of values, keyed `_var<n>` from
          `n = len(self)` on (as BrainPy).
        - `**kwargs`: more entries.

        ```python
        c = eqbrain.Collector({"a": 1})
        c.update([10, 20])           # {'a': 1, '_var1': 10, '_var2': 20}
        ```
        """
        if isinstance(other, Mapping):
            for k, v in other.items():
                self[k] = v
        elif isinstance(other, list | tuple):
            n = len(self)
            for i, v in enumerate(other):
                self[f"_var{i + n}"] = v
        else:
            raise _CollectorTypeError(
                f"{type(self).__name__}.update takes a dict or a list/tuple of values, "
                f"got {type(other).__name__}."
            )
        for k, v in kwargs.items():
            self[k] = v
        return self

    def replace(self, key: str, new_value: Any) -> None:
        """Bind `key` to `new_value`, whatever it held before (`KeyError` if `key` is
        absent). The entry moves to the end, as in BrainPy."""
        self.pop(key)
        self[key] = new_value

    def __add__(self, other: Mapping | list | tuple) -> Collector:
        """A new collector with the entries of both (a key bound to two objects raises)."""
        out = type(self)(self)
        out.update(other)
        return out

    def __sub__(self, other: Mapping | list | tuple) -> Collector:
        """A new collector without the entries named by `other`, as BrainPy's.

        `other` is a dict (each key must be present and bound to the same object), or a
        list/tuple of keys (strings) and of objects (every key bound to that object is
        dropped). Anything missing raises `ValueError`, and so does another type.
        """
        if not isinstance(other, Mapping | list | tuple):
            raise ValueError(
                f"Subtract a dict, list or tuple from a {type(self).__name__}, not "
                f"{type(other).__name__}."
            )
        out = type(self)(self)
        if isinstance(other, Mapping):
            for k, v in other.items():
                if k not in self:
                    raise ValueError(f"Cannot remove {k!r}: it is not in {list(self)}.")
                if self[k] is not v:
                    raise ValueError(
                        f"Cannot remove {k!r}: it holds {self[k]!r}, not the {v!r} given."
                    )
                dict.pop(out, k)
            return out
        keys_of: dict[int, list[str]] = {}
        for k, v in self.items():
            keys_of.setdefault(id(v), []).append(k)
        drop: list[str] = []
        for x in other:
            if isinstance(x, str):
                if x not in self:
                    raise ValueError(f"Cannot remove {x!r}: it is not in {list(self)}.")
                drop.append(x)
            elif id(x) in keys_of:
                drop.extend(keys_of[id(x)])
            else:
                raise ValueError(f"Cannot remove {x!r}: no key of {list(self)} holds it.")
        for k in drop:
            if k in out:
                dict.pop(out, k)
        return out

    def subtract(self, other: Mapping | list | tuple) -> Collector:
        """`self - other` (see `__sub__`)."""
        return self - other

    def subset(self, var_type: type | tuple[type, ...]) -> Collector:
        """The entries whose value is an instance of `var_type`."""
        return type(self)((k, v) for k, v in self.items() if isinstance(v, var_type))

    def not_subset(self, var_type: type | tuple[type, ...]) -> Collector:
        """The entries whose value is not an instance of `var_type`."""
        return type(self)((k, v) for k, v in self.items() if not isinstance(v, var_type))

    def include(self, *types: type) -> Collector:
        """The entries whose value's class is exactly one of `types` (not a subclass:
        `include(Variable)` leaves out `TrainVar`s, as in BrainPy; `subset` takes
        subclasses too)."""
        return type(self)((k, v) for k, v in self.items() if type(v) in types)

    def exclude(self, *types: type) -> Collector:
        """The entries whose value's class is none of `types` exactly (see `include`)."""
        return type(self)((k, v) for k, v in self.items() if type(v) not in types)

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

    def __setitem__(self, key: str, value: object) -> None:
        if not isinstance(value, Variable):
            raise _CollectorTypeError(
                f"An ArrayCollector holds Variables, but {key!r} was given {type(value).__name__}."
            )
        super().__setitem__(key, value)

    def dict(self) -> dict[str, jax.Array]:
        """`{key: value}` with every Variable's current value."""
        return {k: v.value for k, v in self.items()}

    def data(self) -> list[jax.Array]:
        """Every Variable's current value, in key order."""
        return [v.value for v in self.values()]

    def assign(self, inputs: Mapping[str, ValueLike]) -> None:
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


TensorCollector = ArrayCollector
"""BrainPy's other name for `ArrayCollector`."""

_register(Collector)
_register(ArrayCollector)
