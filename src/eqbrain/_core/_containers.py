"""BrainPy's containers: `VarList`, `VarDict` (of Variables), `NodeList`, `NodeDict` (of modules).

Each is a `list`/`dict` registered as a pytree, so it can sit in a module field. Their
entries are keyed as in BrainPy: `attr-0` / `attr-key` for Variables and list entries,
`attr.key` for the modules of a dict.
"""

from __future__ import annotations

from typing import Any

import jax.tree_util as jtu

from ._collector import _CollectorTypeError
from ._variable import Variable


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
        return self

    def extend(self, seq):  # type: ignore[override]  # returns self, as BrainPy's
        seq = list(seq)
        _check_all(self._kind, seq, self._item_type)
        super().extend(seq)
        return self

    def insert(self, i, x) -> None:
        _check_all(self._kind, [x], self._item_type)
        super().insert(i, x)

    def _replace(self, i, x) -> None:
        if isinstance(i, slice):
            x = list(x)
            _check_all(self._kind, x, self._item_type)
        else:
            _check_all(self._kind, [x], self._item_type)
        super().__setitem__(i, x)


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
            _check_all(self._kind, [x], Variable)
            super().__setitem__(k, x)


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
        super().__setitem__(k, x)


def _register_list(cls: type) -> None:
    def flatten_with_keys(xs):
        return [(jtu.SequenceKey(i), x) for i, x in enumerate(xs)], None

    def unflatten(_, children) -> Any:
        out = list.__new__(cls)
        list.extend(out, children)  # any child: no checks on unflatten
        return out

    jtu.register_pytree_with_keys(cls, flatten_with_keys, unflatten, lambda xs: (list(xs), None))


def _register_dict(cls: type) -> None:
    def flatten_with_keys(d):
        return [(jtu.DictKey(k), v) for k, v in d.items()], tuple(d)

    def unflatten(keys, children) -> Any:
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
