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
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import equinox as eqx

from ._arrays import ArraySlot, is_plain_array
from ._collector import ArrayCollector, Collector, conflict_error
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


def node_name(node: Any) -> str:
    """`node.name`, without Equinox's Python-level attribute lookup."""
    return name_of(node, _getattr(node, "__dict__").get("name"))


def entries(module: Any, nodes: list, variables: list) -> None:
    """Append this module's direct child modules and own Variables as (key, obj)."""
    flat_nodes: list = []
    flat_vars: list = []
    _flat_entries(module, flat_nodes, flat_vars, None)
    nodes.extend(_pairs(flat_nodes))
    variables.extend(_pairs(flat_vars))


def _pairs(flat: list) -> list[tuple[str, Any]]:
    """`[k0, x0, k1, x1, ...]` as `[(k0, x0), (k1, x1), ...]`."""
    return list(zip(flat[::2], flat[1::2]))


def _flat_entries(module: Any, nodes: list, variables: list, arrays: list | None) -> None:
    """`entries`, flat: `nodes` gets `key, child, key, child, ...`, `variables` gets
    `key, var, ...` and `arrays` (unless None) `key, array, ...` for the plain arrays
    (as `array_entries` keys them): no tuple per entry, so a walk allocates little."""
    d = _getattr(module, "__dict__")
    for name in _dynamic_fields(type(module)):
        obj = d.get(name)
        k = _kinds.get(id(type(obj))) if obj is not None else _OTHER
        if k is None:
            k = _kind(type(obj))
        if k == _VAR:
            variables.append(name)
            variables.append(obj)
        elif k == _NODE:
            nodes.append(name)
            nodes.append(obj)
        elif k != _OTHER:
            _entry(obj, k, name, nodes, variables, arrays)
        elif arrays is not None and is_plain_array(obj):
            arrays.append(name)
            arrays.append(obj)


def _entry(obj: Any, k: int, key: str, nodes: list, variables: list, arrays: list | None) -> None:
    if k == _VAR:
        variables.append(key)
        variables.append(obj)
    elif k == _NODE:
        nodes.append(key)
        nodes.append(obj)
    elif k == _SEQ:
        for i, x in enumerate(obj):
            _entry(x, _kind(type(x)), f"{key}-{i}", nodes, variables, arrays)
    elif k == _MAP:
        for name, x in obj.items():
            kx = _kind(type(x))
            sub = f"{key}.{name}" if kx == _NODE else f"{key}-{name}"
            _entry(x, kx, sub, nodes, variables, arrays)
    elif k == _EQX:
        # A plain Equinox module (eqx.nn.Sequential, ...) is looked through.
        d = _getattr(obj, "__dict__")
        for name in _dynamic_fields(type(obj)):
            x = d.get(name)
            _entry(x, _kind(type(x)), f"{key}.{name}", nodes, variables, arrays)
    elif arrays is not None and is_plain_array(obj):
        arrays.append(key)
        arrays.append(obj)


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
    k = _kinds.get(id(type(obj)))
    if k is None:
        k = _kind(type(obj))
    if k == _OTHER:
        if is_plain_array(obj):
            out.append((key, ArraySlot(owner, where, how, prefix + key)))
    elif k == _SEQ:
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
    for path, node, own, _ in iter_walk(root):
        prefix = (node_name(node) + ".") if method == "absolute" else (path + "." if path else "")
        it = iter(own)
        for key, var in zip(it, it):
            if id(var) not in seen:
                seen.add(id(var))
                out.append((prefix + key, var))
        out.extend((prefix + key, slot) for key, slot in array_entries(node, prefix))
    return out


def walk(root: Module, level: int = -1, all_paths: bool = False) -> list[tuple[str, Module, list]]:
    """Every node reachable from `root` as (relative path, node, own vars as (key, var)).

    The order is BrainPy's: a node's direct children, then each child's subtree.
    `level=0` is `root` alone, `level=1` adds its direct children, `-1` is unlimited.
    Each node is listed once, under the first path that reaches it -- unless
    `all_paths`: then, as BrainPy's relative collectors, a node is listed under every
    path that reaches it through a parent-child link not followed before (a node held
    by two parents appears under both paths; one held twice by the same parent once).
    """
    return [(path, node, _pairs(own)) for path, node, own, _ in iter_walk(root, level, all_paths)]


_NO_ARRAYS: tuple = ()  # what `iter_walk` yields as a node's arrays when not asked for them


def iter_walk(
    root: Any, level: int = -1, all_paths: bool = False, arrays: bool = False
) -> Iterator[tuple[str, Any, list, Sequence]]:
    """`walk`, lazily, as (path, node, own Variables, own arrays), both flat lists
    (`[key, var, key, var, ...]`); the arrays (`[key, array, ...]`, as `array_entries`
    keys them) only with `arrays=True`, else empty.

    Between nodes it keeps only the pending part of the tree (four parallel stacks: no
    tuple, closure or dict per node) and a set of ids, so the collectors built on it
    leave almost nothing for Python's garbage collector to scan and stay linear in the
    tree's size with the collector on.
    """
    children: list = []
    own: list = []
    found = [] if arrays else None
    _flat_entries(root, children, own, found)
    yield "", root, own, found if found is not None else _NO_ARRAYS
    if level == 0 or not children:
        return
    seen = {id(root)}  # ids of the nodes listed; with all_paths, of the links followed
    # The nodes whose children are still to list, as parallel stacks (top = next).
    stack_node: list = [root]
    stack_children: list = [children]
    stack_prefix: list = [""]
    stack_depth: list = [0]
    while stack_node:
        parent = stack_node.pop()
        children = stack_children.pop()
        prefix = stack_prefix.pop()
        depth = stack_depth.pop() + 1  # the depth of `children`
        parent_bits = id(parent) << 64
        pushed = len(stack_node)
        it = iter(children)
        for key, child in zip(it, it):
            mark = (parent_bits | id(child)) if all_paths else id(child)
            if mark in seen:
                continue
            seen.add(mark)
            path = prefix + key
            sub: list = []
            own = []
            found = [] if arrays else None
            _flat_entries(child, sub, own, found)
            yield path, child, own, found if found is not None else _NO_ARRAYS
            if sub and depth != level:
                stack_node.append(child)
                stack_children.append(sub)
                stack_prefix.append(path + ".")
                stack_depth.append(depth)
        if len(stack_node) - pushed > 1:  # visit the children just listed in order
            for stack in (stack_node, stack_children, stack_prefix, stack_depth):
                stack[pushed:] = stack[pushed:][::-1]


def collect_nodes(
    root: Module, method: str = "absolute", level: int = -1, include_self: bool = True
) -> Collector:
    check_method(method)
    out = Collector()
    absolute = method == "absolute"
    get = out.get
    setitem = dict.__setitem__
    for path, node, _, _ in iter_walk(root, level, all_paths=not absolute):
        if node is root and not include_self:
            continue
        key = node_name(node) if absolute else path
        held = get(key, node)
        if held is not node:
            raise conflict_error(key, node, held)
        setitem(out, key, node)
    return out


def collect_vars(
    root: Module,
    method: str = "absolute",
    level: int = -1,
    include_self: bool = True,
    exclude_types: tuple[type, ...] | None = None,
    only: type | None = None,
) -> ArrayCollector:
    """`vars()`; with `only` (a Variable class), its instances alone, as
    `vars(...).subset(only)` -- a key bound to two Variables raises either way."""
    check_method(method)
    out = ArrayCollector()
    absolute = method == "absolute"
    # With `only`, every key goes into `keyed` (to find conflicts), the kept ones into `out`.
    keyed: dict = out if only is None else {}
    get = keyed.get
    setitem = dict.__setitem__
    for path, node, own, _ in iter_walk(root, level, all_paths=not absolute):
        if node is root and not include_self:
            continue
        if absolute:
            prefix = node_name(node) + "."
        else:
            prefix = path + "." if path else ""
        it = iter(own)
        for key, var in zip(it, it):
            if exclude_types is not None and isinstance(var, exclude_types):
                continue
            key = prefix + key
            held = get(key, var)
            if held is not var:
                raise conflict_error(key, var, held)
            setitem(keyed, key, var)
            if only is not None and isinstance(var, only):
                setitem(out, key, var)
    return out
