"""Walking a module tree: the `nodes()` and `vars()` collectors, keyed as in BrainPy.

A module's *entries* are the modules and Variables in its fields, found through
`list`/`tuple`/`dict` containers (and BrainPy's `NodeList`/`VarList`/...). Keys follow
BrainPy 2.8: a field `attr`; a list entry `attr-0`; a dict entry `attr.key` for a
module and `attr-key` for a Variable. Absolute keys start from each node's name
(`C0.w`); relative keys from the path to it (`c1.w`, `lst-0.w`).
"""

from __future__ import annotations

import dataclasses
import weakref
from typing import TYPE_CHECKING, Any

import equinox as eqx

from ._collector import ArrayCollector, Collector
from ._naming import name_of
from ._variable import Variable

if TYPE_CHECKING:
    from ._module import Module

_METHODS = ("absolute", "relative")
# Per-class caches keyed by id(cls); a finalizer drops a class's entries when the class
# is collected, so classes made on the fly (in a loop, in a test) are freed.
_field_names: dict[int, tuple[str, ...]] = {}
_kinds: dict[int, int] = {}


def _forget_class(key: int) -> None:
    _field_names.pop(key, None)
    _kinds.pop(key, None)


def _remember(cache: dict[int, Any], cls: type, value: Any) -> None:
    if id(cls) not in _field_names and id(cls) not in _kinds:
        try:
            weakref.finalize(cls, _forget_class, id(cls))
        except TypeError:  # pragma: no cover - a type that cannot be weakly referenced
            return
    cache[id(cls)] = value


def _dynamic_fields(cls: type) -> tuple[str, ...]:
    names = _field_names.get(id(cls))
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(cls)
            if not (f.metadata.get("static") or f.metadata.get("internal"))
        )
        _remember(_field_names, cls, names)
    return names


def check_method(method: str) -> None:
    if method not in _METHODS:
        raise ValueError(
            f"method must be 'absolute' or 'relative', not {method!r}: 'absolute' keys "
            "entries by node name (C0.w), 'relative' by path from this node (c1.w)."
        )


_VAR, _NODE, _SEQ, _MAP, _EQX, _OTHER = range(6)
# The class of eqbrain modules, set by `_module` when it defines it (no import cycle).
_node_base: list[type] = []


def set_node_base(cls: type) -> None:
    """Tell the walker which class is a node (called once, by `_module`)."""
    _node_base[:] = [cls]


def _kind(t: type) -> int:
    """What a value of type `t` is to the walker (cached: `isinstance` on a module is slow)."""
    k = _kinds.get(id(t))
    if k is not None:
        return k
    if issubclass(t, Variable):
        k = _VAR
    elif _node_base and issubclass(t, _node_base[0]):
        k = _NODE
    elif issubclass(t, list | tuple):
        k = _SEQ
    elif issubclass(t, dict):
        k = _MAP
    elif issubclass(t, eqx.Module):
        k = _EQX
    else:
        k = _OTHER
    _remember(_kinds, t, k)
    return k


_getattr = object.__getattribute__  # skips Equinox's Python-level __getattribute__


def _name_of(node: Any) -> str:
    """`node.name`, without Equinox's Python-level attribute lookup."""
    return name_of(node, _getattr(node, "__dict__").get("name"))


def entries(module: Any, nodes: list, variables: list) -> None:
    """Append this module's direct child modules and own Variables as (key, obj)."""
    d = _getattr(module, "__dict__")
    for name in _dynamic_fields(type(module)):
        obj = d.get(name)
        k = _kinds.get(id(type(obj))) if obj is not None else _OTHER
        if k is None:
            k = _kind(type(obj))
        if k == _VAR:
            variables.append((name, obj))
        elif k == _NODE:
            nodes.append((name, obj))
        elif k != _OTHER:
            _entry(obj, k, name, nodes, variables)


def _entry(obj: Any, k: int, key: str, nodes: list, variables: list) -> None:
    if k == _VAR:
        variables.append((key, obj))
    elif k == _NODE:
        nodes.append((key, obj))
    elif k == _SEQ:
        for i, x in enumerate(obj):
            _entry(x, _kind(type(x)), f"{key}-{i}", nodes, variables)
    elif k == _MAP:
        for name, x in obj.items():
            kx = _kind(type(x))
            _entry(x, kx, f"{key}.{name}" if kx == _NODE else f"{key}-{name}", nodes, variables)
    elif k == _EQX:
        # A plain Equinox module (eqx.nn.Sequential, ...) is looked through.
        d = _getattr(obj, "__dict__")
        for name in _dynamic_fields(type(obj)):
            x = d.get(name)
            _entry(x, _kind(type(x)), f"{key}.{name}", nodes, variables)


def walk(root: Module, level: int = -1) -> list[tuple[str, Module, list]]:
    """Every node reachable from `root` (once each) as (relative path, node, own vars).

    The order is BrainPy's: a node's direct children, then each child's subtree.
    `level=0` is `root` alone, `level=1` adds its direct children, `-1` is unlimited.
    """
    root_nodes: list = []
    root_vars: list = []
    entries(root, root_nodes, root_vars)
    out = [("", root, root_vars)]
    seen = {id(root)}
    stack = [(root_nodes, "", 0)]
    # Iterative version of: visit(node) = emit its children; then visit each child.
    while stack:
        children, prefix, depth = stack.pop()
        if level >= 0 and depth >= level:
            continue
        fresh = []
        for key, child in children:
            if id(child) in seen:
                continue
            seen.add(id(child))
            sub_nodes: list = []
            sub_vars: list = []
            entries(child, sub_nodes, sub_vars)
            path = prefix + key
            out.append((path, child, sub_vars))
            fresh.append((sub_nodes, path + ".", depth + 1))
        stack.extend(reversed(fresh))
    return out


def collect_nodes(
    root: Module, method: str = "absolute", level: int = -1, include_self: bool = True
) -> Collector:
    check_method(method)
    out = Collector()
    absolute = method == "absolute"
    for path, node, _ in walk(root, level):
        if node is root and not include_self:
            continue
        out[_name_of(node) if absolute else path] = node
    return out


def collect_vars(
    root: Module,
    method: str = "absolute",
    level: int = -1,
    include_self: bool = True,
    exclude_types: tuple[type, ...] | None = None,
) -> ArrayCollector:
    check_method(method)
    out = ArrayCollector()
    absolute = method == "absolute"
    setitem = dict.__setitem__
    for path, node, own in walk(root, level):
        if node is root and not include_self:
            continue
        if absolute:
            prefix = _name_of(node) + "."
        else:
            prefix = path + "." if path else ""
        for key, var in own:
            if exclude_types is None or not isinstance(var, exclude_types):
                key = prefix + key
                if key in out and out[key] is not var:
                    Collector.__setitem__(out, key, var)  # raises the conflict error
                setitem(out, key, var)
    return out
