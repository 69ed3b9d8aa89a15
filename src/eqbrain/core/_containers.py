"""BrainPy's containers: `VarList`, `VarDict` (of Variables), `NodeList`, `NodeDict` (of modules).

Each is a `list`/`dict` registered as a pytree, so it can sit in a module field. Their
entries are keyed as in BrainPy: `attr-0` / `attr-key` for Variables and list entries,
`attr.key` for the modules of a dict.
"""

from __future__ import annotations

from typing import Any

import jax.tree_util as jtu

from ._variable import Variable


def _check_all(kind: str, items, cls) -> None:
    for x in items:
        if not isinstance(x, cls):
            raise TypeError(
                f"A {kind} holds only {cls.__name__} objects, but got {type(x).__name__}: {x!r}."
            )


class _CheckedList(list):
    _item_type: type
    _kind: str

    def __init__(self, seq=()):
        seq = list(seq)
        _check_all(self._kind, seq, self._item_type)
        super().__init__(seq)

    def append(self, x) -> None:
        _check_all(self._kind, [x], self._item_type)
        super().append(x)

    def extend(self, seq) -> None:
        seq = list(seq)
        _check_all(self._kind, seq, self._item_type)
        super().extend(seq)

    def insert(self, i, x) -> None:
        _check_all(self._kind, [x], self._item_type)
        super().insert(i, x)


class _CheckedDict(dict):
    _item_type: type
    _kind: str

    def __init__(self, *args, **kwargs):
        d = dict(*args, **kwargs)
        _check_all(self._kind, d.values(), self._item_type)
        super().__init__(d)

    def update(self, *args, **kwargs) -> None:
        for k, v in dict(*args, **kwargs).items():
            self[k] = v


class VarList(_CheckedList):
    """A list of Variables. `vl[i] = x` writes `x` into the Variable at `i`.

    ```python
    vl = eqbrain.VarList([eqbrain.Variable(jnp.zeros(2))])
    vl[0] = jnp.ones(2)     # same cell, new value
    ```
    """

    _item_type = Variable
    _kind = "VarList"

    def __setitem__(self, i, x) -> None:
        if isinstance(i, slice):
            raise TypeError("A VarList's Variables are never replaced: no slice writes.")
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


class NodeDict(_CheckedDict):
    """A dict of modules, keyed `attr.key` by `nodes()` and `vars()`."""

    _kind = "NodeDict"

    def __setitem__(self, k, x) -> None:
        _check_all(self._kind, [x], self._item_type)
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
