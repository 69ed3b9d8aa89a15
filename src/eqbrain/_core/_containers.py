"""BrainPy's containers: `VarList`, `VarDict` (of Variables), `NodeList`, `NodeDict` (of modules).

Each is a `list`/`dict` registered as a pytree, so it can sit in a module field. Their
entries are keyed as in BrainPy: `attr-0` / `attr-key` for Variables and list entries,
`attr.key` for the modules of a dict.

Adding, removing or reordering entries changes `structure_version()`: a transform that
found the Variables a function reaches compares it before reusing what it compiled.
"""

from __future__ import annotations

import itertools
from typing import Any, SupportsIndex

import jax.tree_util as jtu

from ._collector import _CollectorTypeError
from ._variable import Variable

_changes = itertools.count(1)
_version = 0


def structure_version() -> int:
    """A number that changes whenever an existing container (`VarList`, `VarDict`,
    `NodeList`, `NodeDict`) gains, loses or reorders entries.

    A transform that cached which Variables a function reaches (as `eqbrain.jit` does per
    argument signature) compares it with the number it saw then, and looks again when it
    differs. Writing a Variable's value does not change it.
    """
    return _version


def _changed() -> None:
    global _version
    _version = next(_changes)


def _check_all(kind: str, items, cls) -> None:
    for x in items:
        if not isinstance(x, cls):
            raise TypeError(
                f"A {kind} holds only {cls.__name__} objects, but got {type(x).__name__}: {x!r}."
            )


def _pairs(kind: str, args: tuple, kwargs: dict) -> list[tuple[Any, Any]]:
    """The (key, value) pairs of BrainPy's `VarDict(...)`/`NodeDict(...)` arguments: each
    positional argument is a dict, a `(key, value)` pair, or an iterable of pairs."""
    out: list[tuple[Any, Any]] = []
    for arg in args:
        if isinstance(arg, dict):
            out.extend(arg.items())
        elif isinstance(arg, tuple) and len(arg) == 2 and not isinstance(arg[0], tuple):
            out.append(arg)
        else:
            try:
                out.extend(dict(arg).items())
            except (TypeError, ValueError):
                raise _CollectorTypeError(
                    f"A {kind} takes dicts, (key, value) pairs or iterables of pairs, and "
                    f"keyword entries; got {type(arg).__name__}: {arg!r}."
                ) from None
    out.extend(kwargs.items())
    return out


class _CheckedList(list):
    _item_type: type
    _kind: str

    def __init__(self, seq=()):
        seq = list(seq)
        _check_all(self._kind, seq, self._item_type)
        super().__init__(seq)

    def append(self, x):  # type: ignore[override]  # returns self, as BrainPy's
        _check_all(self._kind, [x], self._item_type)
        super().append(x)
        _changed()
        return self

    def extend(self, seq):  # type: ignore[override]  # returns self, as BrainPy's
        seq = list(seq)
        _check_all(self._kind, seq, self._item_type)
        super().extend(seq)
        _changed()
        return self

    def __iadd__(self, seq):  # checked, as `extend`
        return self.extend(seq)

    def __imul__(self, n: SupportsIndex):
        super().__imul__(n)
        _changed()
        return self

    def insert(self, i, x) -> None:
        _check_all(self._kind, [x], self._item_type)
        super().insert(i, x)
        _changed()

    def _replace(self, i, x) -> None:
        if isinstance(i, slice):
            x = list(x)
            _check_all(self._kind, x, self._item_type)
        else:
            _check_all(self._kind, [x], self._item_type)
        super().__setitem__(i, x)
        _changed()

    def __delitem__(self, i) -> None:
        super().__delitem__(i)
        _changed()

    def pop(self, i: SupportsIndex = -1):
        x = super().pop(i)
        _changed()
        return x

    def remove(self, x) -> None:
        super().remove(x)
        _changed()

    def clear(self) -> None:
        super().clear()
        _changed()

    def sort(self, *args, **kwargs) -> None:
        super().sort(*args, **kwargs)
        _changed()

    def reverse(self) -> None:
        super().reverse()
        _changed()


class _CheckedDict(dict):
    _item_type: type
    _kind: str

    def __init__(self, *args, **kwargs):
        pairs = _pairs(self._kind, args, kwargs)
        _check_all(self._kind, [v for _, v in pairs], self._item_type)
        super().__init__(pairs)

    def update(self, *args, **kwargs):  # type: ignore[override]  # returns self, as BrainPy's
        for k, v in _pairs(self._kind, args, kwargs):
            self[k] = v
        return self

    def __ior__(self, other):  # checked, as `update`
        return self.update(other)

    def setdefault(self, k, default=None):  # checked, as `d[k] = default`
        if k not in self:
            self[k] = default
        return self[k]

    def _add(self, k, x) -> None:
        """Bind `k` to `x` (checked); the structure changes."""
        _check_all(self._kind, [x], self._item_type)
        super().__setitem__(k, x)
        _changed()

    def __delitem__(self, k) -> None:
        super().__delitem__(k)
        _changed()

    def pop(self, *args):
        x = super().pop(*args)
        _changed()
        return x

    def popitem(self):
        x = super().popitem()
        _changed()
        return x

    def clear(self) -> None:
        super().clear()
        _changed()


class VarList(_CheckedList):
    """A list of Variables. `vl[i] = x` writes `x` into the Variable at `i`.

    As BrainPy's: an index write keeps the cell and writes its value; a slice write
    replaces entries, with Variables only (`vl[1:] = [v]`).

    ```python
    vl = eqbrain.VarList([eqbrain.Variable(jnp.zeros(2))])
    vl[0] = jnp.ones(2)     # same cell, new value
    ```
    """

    _item_type = Variable
    _kind = "VarList"

    def __setitem__(self, i, x) -> None:
        if isinstance(i, slice):
            self._replace(i, x)
        else:
            self[i].value = x


class VarDict(_CheckedDict):
    """A dict of Variables. `vd[k] = x` writes `x` into the Variable at `k` if present."""

    _item_type = Variable
    _kind = "VarDict"

    def __setitem__(self, k, x) -> None:
        if k in self:
            self[k].value = x
        else:
            self._add(k, x)


class NodeList(_CheckedList):
    """A list of modules, keyed `attr-0`, `attr-1`, ... by `nodes()` and `vars()`."""

    _kind = "NodeList"

    def __setitem__(self, i, x) -> None:
        self._replace(i, x)


class NodeDict(_CheckedDict):
    """A dict of modules, keyed `attr.key` by `nodes()` and `vars()`.

    **Arguments:** dicts, `(key, module)` pairs and keyword entries, as for `dict`;
    `check_unique=True` refuses to rebind a key to another module (`KeyError`).

    ```python
    blocks = eqbrain.NodeDict(("l1", Dense(2, 3)), l2=Dense(3, 1))
    ```
    """

    _kind = "NodeDict"

    def __init__(self, *args, check_unique: bool = False, **kwargs):
        self.check_unique = check_unique
        super().__init__(*args, **kwargs)

    def __setitem__(self, k, x) -> None:
        _check_all(self._kind, [x], self._item_type)
        if getattr(self, "check_unique", False) and k in self and self[k] is not x:
            raise KeyError(f"NodeDict key {k!r} already holds {self[k]!r}; not rebound.")
        self._add(k, x)


def _register_list(cls: type) -> None:
    def flatten_with_keys(xs):
        return [(jtu.SequenceKey(i), x) for i, x in enumerate(xs)], None

    def unflatten(_, children) -> list:
        out = list.__new__(cls)
        list.extend(out, children)  # any child: no checks on unflatten
        return out

    jtu.register_pytree_with_keys(cls, flatten_with_keys, unflatten, lambda xs: (list(xs), None))


def _register_dict(cls: type) -> None:
    def flatten_with_keys(d):
        return [(jtu.DictKey(k), v) for k, v in d.items()], tuple(d)

    def unflatten(keys, children) -> dict:
        out = dict.__new__(cls)
        for k, v in zip(keys, children):
            dict.__setitem__(out, k, v)
        return out

    jtu.register_pytree_with_keys(
        cls, flatten_with_keys, unflatten, lambda d: (list(d.values()), tuple(d))
    )


for _cls in (VarList, NodeList):
    _register_list(_cls)
for _cls in (VarDict, NodeDict):
    _register_dict(_cls)

# BrainPy's lower-case names for the containers.
var_list = VarList
var_dict = VarDict
node_list = NodeList
node_dict = NodeDict
