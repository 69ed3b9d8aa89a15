"""Walking a module tree: the `nodes()` and `vars()` collectors, keyed as in BrainPy.

A module's *entries* are the modules and Variables in its fields, found through
`list`/`tuple`/`dict` containers (and BrainPy's `NodeList`/`VarList`/...). Keys follow
BrainPy 2.8: a field `attr`; a list entry `attr-0`; a dict entry `attr.key` for a
module and `attr-key` for a Variable. Absolute keys start from each node's name
(`C0.w`); relative keys from the path to it (`c1.w`, `lst-0.w`).

Relative keys name every place: a node or Variable held in two places (a tie) is listed
under both paths, as a functional copy of the model -- which gives each place a cell of
its own -- lists its two. So a model and its copies have the same relative keys.
Absolute keys name objects: a tied node is listed once. A copy of a model in which an
explicitly named node sits in two places holds two nodes of that name and class
(*twins*); absolute collectors list the first, as they list the one node of the model.
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


def array_entries(
    module: Any, prefix: str = "", keyed: bool = False
) -> list[tuple[str, ArraySlot]]:
    """This module's own plain arrays (outside Variables and child modules) as
    (key, ArraySlot), keyed as Variables are (`attr`, `attr-0`, `attr-key`, `lin.weight`);
    `prefix` starts the slots' labels, and with `keyed` the keys too."""
    out: list[tuple[str, ArraySlot]] = []
    d = _getattr(module, "__dict__")
    key_prefix, label_prefix = (prefix, "") if keyed else ("", prefix)
    for name in _dynamic_fields(type(module)):
        _arrays_in(d.get(name), module, name, "attr", key_prefix + name, label_prefix, out)
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
    (key, Variable or ArraySlot), keyed as `vars(method)` keys.

    Relative keys name every place, so a Variable held in two places is listed under
    both keys (one cell: a load writes it once), and a model and its functional copies
    (which give each place a cell of its own) have the same entries. Absolute keys list
    each Variable once, and twins (see the module docstring) once."""
    check_method(method)
    out: list[tuple[str, Any]] = []
    append = out.append
    if method == "relative":
        for path, node, own, _ in iter_walk(root, all_paths=True):
            prefix = path + "." if path else ""
            it = iter(own)
            for key, var in zip(it, it):
                append((prefix + key, var))
            out += array_entries(node, prefix, keyed=True)
        return out
    seen: set[int] = set()
    names: dict[str, Any] = {}
    for _, node, own, _ in iter_walk(root):
        name = node_name(node)
        held = names.setdefault(name, node)
        if held is not node and is_twin(node, held):
            continue
        prefix = name + "."
        it = iter(own)
        for key, var in zip(it, it):
            if id(var) not in seen:
                seen.add(id(var))
                out.append((prefix + key, var))
        out += array_entries(node, prefix, keyed=True)
    return out


def walk(root: Module, level: int = -1, all_paths: bool = False) -> list[tuple[str, Module, list]]:
    """Every node reachable from `root` as (relative path, node, own vars as (key, var)).

    The order is BrainPy's: a node's direct children, then each child's subtree.
    `level=0` is `root` alone, `level=1` adds its direct children, `-1` is unlimited.
    Each node is listed once, under the first path that reaches it -- unless
    `all_paths`: then a node is listed under every path that reaches it (a node held
    in two places appears under both paths, as in a functional copy of the tree; a
    node that would hold itself is not followed again).
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
    seen = {id(root)}  # ids of the nodes listed
    # The nodes whose children are still to list, as parallel stacks (top = next); with
    # all_paths, each with its chain of ancestors' ids (`(id, parent's chain)`), read
    # only when a node comes again, to refuse to follow a node into itself.
    stack_children: list = [children]
    stack_prefix: list = [""]
    stack_depth: list = [0]
    stack_chain: list = [(id(root), None) if all_paths else None]
    while stack_children:
        children = stack_children.pop()
        prefix = stack_prefix.pop()
        depth = stack_depth.pop() + 1  # the depth of `children`
        chain = stack_chain.pop()
        pushed = len(stack_children)
        it = iter(children)
        for key, child in zip(it, it):
            mark = id(child)
            if mark in seen:
                if not all_paths or _on_chain(mark, chain):
                    continue
            else:
                seen.add(mark)
            path = prefix + key
            sub: list = []
            own = []
            found = [] if arrays else None
            _flat_entries(child, sub, own, found)
            yield path, child, own, found if found is not None else _NO_ARRAYS
            if sub and depth != level:
                stack_children.append(sub)
                stack_prefix.append(path + ".")
                stack_depth.append(depth)
                stack_chain.append((mark, chain) if all_paths else None)
        if len(stack_children) - pushed > 1:  # visit the children just listed in order
            for stack in (stack_children, stack_prefix, stack_depth, stack_chain):
                stack[pushed:] = stack[pushed:][::-1]


def _on_chain(mark: int, chain: tuple | None) -> bool:
    """Whether the node of id `mark` is on `chain` (`(id, parent's chain)`)."""
    while chain is not None:
        if chain[0] == mark:
            return True
        chain = chain[1]
    return False


def is_twin(node: Any, other: Any) -> bool:
    """Whether two distinct nodes are copies of one node under one explicit name (as a
    functional copy of a model holds a tied, explicitly named node): same class, same
    explicit name. Auto names are never shared by live objects."""
    explicit = _getattr(node, "__dict__").get("name")
    return (
        explicit is not None
        and type(node) is type(other)
        and _getattr(other, "__dict__").get("name") == explicit
    )


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
            if absolute and is_twin(node, held):
                continue
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
    names: dict[str, Any] = {}
    for path, node, own, _ in iter_walk(root, level, all_paths=not absolute):
        if node is root and not include_self:
            continue
        if absolute:
            name = node_name(node)
            held = names.setdefault(name, node)
            if held is not node and is_twin(node, held):
                continue
            prefix = name + "."
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
