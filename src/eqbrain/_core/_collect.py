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

from ._arrays import ArraySlot, is_plain_array
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


def array_entries(module: Any, prefix: str = "") -> list[tuple[str, ArraySlot]]:
    """This module's own plain arrays (outside Variables and child modules) as
    (key, ArraySlot), keyed as Variables are (`attr`, `attr-0`, `attr-key`, `lin.weight`)."""
    out: list[tuple[str, ArraySlot]] = []
    d = _getattr(module, "__dict__")
    for name in _dynamic_fields(type(module)):
        _arrays_in(d.get(name), module, name, "attr", name, prefix, out)
    return out


def _arrays_in(
    obj: Any, owner: Any, where: Any, how: str, key: str, prefix: str, out: list
) -> None:
    if is_plain_array(obj):
        out.append((key, ArraySlot(owner, where, how, prefix + key)))
        return
    k = _kind(type(obj))
    if k == _SEQ:
        how = "item" if isinstance(obj, list) else "tuple"
        for i, x in enumerate(obj):
            _arrays_in(x, obj, i, how, f"{key}-{i}", prefix, out)
    elif k == _MAP:
        for name, x in obj.items():
            _arrays_in(x, obj, name, "item", f"{key}-{name}", prefix, out)
    elif k == _EQX:
        d = _getattr(obj, "__dict__")
        for name in _dynamic_fields(type(obj)):
            _arrays_in(d.get(name), obj, name, "attr", f"{key}.{name}", prefix, out)


def state_entries(root: Any, method: str = "relative") -> list[tuple[str, Any]]:
    """Everything a checkpoint holds: every Variable and plain array of the tree, as
    (key, Variable or ArraySlot), each Variable once, keyed as `vars(method)` keys."""
    check_method(method)
    out: list[tuple[str, Any]] = []
    seen: set[int] = set()
    for path, node, own in walk(root):
        prefix = (_name_of(node) + ".") if method == "absolute" else (path + "." if path else "")
        for key, var in own:
            if id(var) not in seen:
                seen.add(id(var))
                out.append((prefix + key, var))
        out.extend((prefix + key, slot) for key, slot in array_entries(node, prefix))
    return out


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


def walk(root: Module, level: int = -1, all_paths: bool = False) -> list[tuple[str, Module, list]]:
    """Every node reachable from `root` as (relative path, node, own vars).

    The order is BrainPy's: a node's direct children, then each child's subtree.
    `level=0` is `root` alone, `level=1` adds its direct children, `-1` is unlimited.
    Each node is listed once, under the first path that reaches it -- unless
    `all_paths`: then, as BrainPy's relative collectors, a node is listed under every
    path that reaches it through a parent-child link not followed before (a node held
    by two parents appears under both paths; one held twice by the same parent once).
    """
    # id(node) -> (child modules, own Variables), each node's fields read once.
    found: dict[int, tuple[list, list]] = {}

    def expand(node: Any) -> tuple[list, list]:
        got = found.get(id(node))
        if got is None:
            got = found[id(node)] = ([], [])
            entries(node, got[0], got[1])
        return got

    root_nodes, root_vars = expand(root)
    out = [("", root, root_vars)]
    seen = {id(root)}
    links: set[tuple[int, int]] = set()
    stack = [(root, root_nodes, "", 0)]
    # Iterative version of: visit(node) = emit its children; then visit each child.
    while stack:
        parent, children, prefix, depth = stack.pop()
        if level >= 0 and depth >= level:
            continue
        fresh = []
        for key, child in children:
            if all_paths:
                link = (id(parent), id(child))
                if link in links:
                    continue
                links.add(link)
            elif id(child) in seen:
                continue
            seen.add(id(child))
            path = prefix + key
            sub_nodes, sub_vars = expand(child)
            out.append((path, child, sub_vars))
            fresh.append((child, sub_nodes, path + ".", depth + 1))
        stack.extend(reversed(fresh))
    return out


def collect_nodes(
    root: Module, method: str = "absolute", level: int = -1, include_self: bool = True
) -> Collector:
    check_method(method)
    out = Collector()
    absolute = method == "absolute"
    for path, node, _ in walk(root, level, all_paths=not absolute):
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
    for path, node, own in walk(root, level, all_paths=not absolute):
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
