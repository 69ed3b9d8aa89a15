"""A function as a module: BrainPy's `FunAsObject`, `Partial`, `to_object` and
`ObjectTransform`.

BrainPy wraps a function in an object so that the modules and Variables it uses are
listed by `nodes()` and `vars()` (its transforms needed that before they found Variables
by themselves). eqbrain's transforms find them while tracing, so these exist for code
that is ported: the modules and Variables given are held in two fields of the object,
`implicit_nodes` (a `NodeDict`) and `implicit_vars` (a `VarDict`), where the collectors
find them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias, overload

import equinox as eqx

from .._core import Module, NodeDict, NodeList, VarDict, Variable, VarList

Nodes: TypeAlias = "Module | Sequence[Module] | Mapping[str, Module]"
"""Modules as `child_objs=` takes them: one, a list/tuple, or a dict (by name)."""

Vars: TypeAlias = "Variable | VarList | VarDict | Sequence[Variable] | Mapping[str, Variable]"
"""Variables as `dyn_vars=` takes them: one, a list/tuple, a dict, a VarList/VarDict."""

_NODES_MSG = """\
register_implicit_nodes takes modules (or NodeLists/NodeDicts of them), lists/tuples \
and dicts of them; got {what}."""

_VARS_MSG = """\
register_implicit_vars takes Variables (or VarLists/VarDicts of them), lists/tuples \
and dicts of them; got {what}."""


class FunAsObject(Module):
    """A function with the modules and Variables it uses, as one module.

    **Arguments:**

    - `target`: the function; calling the object calls it.
    - `child_objs`: the modules it uses (one, a list/tuple, or a dict).
    - `dyn_vars`: the Variables it uses (one, a list/tuple, a dict, a `VarList` or a
      `VarDict`).
    - `name`: as for every `eqbrain.Module`.

    ```python
    f = eqbrain.FunAsObject(lambda x: net.step(x), child_objs=net)
    f.nodes()          # {'FunAsObject0': f, 'Net0': net, ...}
    ```
    """

    target: Callable[..., Any] = eqx.field(static=True)
    implicit_nodes: NodeDict
    implicit_vars: VarDict

    def __init__(
        self,
        target: Callable[..., Any],
        child_objs: Nodes | None = None,
        dyn_vars: Vars | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        self.target = target
        self.implicit_nodes = NodeDict()
        self.implicit_vars = VarDict()
        if child_objs is not None:
            self.register_implicit_nodes(child_objs)
        if dyn_vars is not None:
            self.register_implicit_vars(dyn_vars)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.target(*args, **kwargs)

    def register_implicit_nodes(
        self,
        *nodes: Nodes,
        node_cls: type | tuple[type, ...] | None = None,
        **named: Module,
    ) -> None:
        """Hold more modules: each positional one under its name, each entry of a dict
        and each keyword one under its key (BrainPy's rules; `ValueError` otherwise)."""
        cls = node_cls or (Module, NodeList, NodeDict)
        pending: list[tuple[object, object]] = []

        def add(key: object, node: object) -> None:
            if not isinstance(node, cls):
                raise ValueError(_NODES_MSG.format(what=type(node).__name__))
            pending.append((key, node))

        for node in nodes:
            if isinstance(node, list | tuple) and not isinstance(node, cls):
                for n in node:
                    add(getattr(n, "name", None), n)
            elif isinstance(node, dict) and not isinstance(node, cls):
                for k, n in node.items():
                    add(k, n)
            else:
                add(getattr(node, "name", None), node)
        for k, n in named.items():
            add(k, n)
        for key, node in pending:
            if isinstance(node, NodeList | NodeDict):
                items = enumerate(node) if isinstance(node, NodeList) else node.items()
                for k, n in items:
                    self.implicit_nodes[f"{key}-{k}"] = n
            else:
                self.implicit_nodes[key] = node

    def register_implicit_vars(
        self,
        *variables: Vars,
        var_cls: type | tuple[type, ...] | None = None,
        **named: Variable | VarList | VarDict,
    ) -> None:
        """Hold more Variables: positional ones keyed `var<id>`, the entries of a dict
        and keyword ones by their keys; a `VarList`/`VarDict` is spread (`key-0`,
        `key-k`). Anything else is refused (`ValueError`), as in BrainPy."""
        cls = var_cls or (Variable, VarList, VarDict)
        pending: list[tuple[str, object]] = []

        def add(key: str, var: object) -> None:
            if not isinstance(var, cls):
                raise ValueError(_VARS_MSG.format(what=type(var).__name__))
            pending.append((key, var))

        for var in variables:
            if isinstance(var, cls):
                add(f"var{id(var)}", var)
            elif isinstance(var, list | tuple):
                for v in var:
                    add(f"var{id(v)}", v)
            elif isinstance(var, dict):
                for k, v in var.items():
                    add(k, v)
            else:
                raise ValueError(_VARS_MSG.format(what=type(var).__name__))
        for k, v in named.items():
            add(k, v)
        for key, var in pending:
            if isinstance(var, VarList):
                for i, v in enumerate(var):
                    self.implicit_vars[f"{key}-{i}"] = v
            elif isinstance(var, VarDict):
                for k, v in var.items():
                    self.implicit_vars[f"{key}-{k}"] = v
            else:
                self.implicit_vars[key] = var

    def __repr__(self) -> str:
        nodes = ", ".join(type(n).__name__ + f"({n.name})" for n in self.implicit_nodes.values())
        return f"{type(self).__name__}(nodes=[{nodes}], num_of_vars={len(self.implicit_vars)})"


class Partial(FunAsObject):
    """`functools.partial` as a module, as `brainpy.math.Partial`: the arguments given
    now come first, keywords given at the call win.

    **Arguments:** `fun`, then the positional arguments to bind; `child_objs`,
    `dyn_vars` as for `FunAsObject`; any other keyword is bound.

    ```python
    add = eqbrain.Partial(lambda x, y: x + y, 1)
    add(2)     # 3
    ```
    """

    args: tuple
    keywords: dict[str, Any]

    def __init__(
        self,
        fun: Callable[..., Any],
        *args: Any,
        child_objs: Nodes | None = None,
        dyn_vars: Vars | None = None,
        **keywords: Any,
    ):
        super().__init__(fun, child_objs=child_objs, dyn_vars=dyn_vars)
        self.args = args
        self.keywords = keywords

    def __call__(self, *args: Any, **keywords: Any) -> Any:
        return self.target(*self.args, *args, **{**self.keywords, **keywords})


@overload
def to_object(
    f: Callable[..., Any],
    child_objs: Nodes | None = None,
    dyn_vars: Vars | None = None,
    name: str | None = None,
) -> FunAsObject: ...
@overload
def to_object(
    *,
    child_objs: Nodes | None = None,
    dyn_vars: Vars | None = None,
    name: str | None = None,
) -> Callable[[Callable[..., Any]], FunAsObject]: ...
def to_object(
    f: Callable[..., Any] | None = None,
    child_objs: Nodes | None = None,
    dyn_vars: Vars | None = None,
    name: str | None = None,
) -> FunAsObject | Callable[[Callable[..., Any]], FunAsObject]:
    """Wrap a function as a `FunAsObject`, as `brainpy.math.to_object`.

    **Arguments:** as `FunAsObject`. Called with `f`, `child_objs` is required (as in
    BrainPy); without `f`, a decorator is returned.

    ```python
    @eqbrain.to_object(child_objs=net)
    def step(x):
        return net.step(x)
    ```
    """
    if f is None:
        return lambda func: FunAsObject(func, child_objs=child_objs, dyn_vars=dyn_vars, name=name)
    if child_objs is None:
        raise ValueError(
            "to_object(f, ...) needs `child_objs` (the modules f uses); use "
            "`@eqbrain.to_object(child_objs=...)` or `FunAsObject(f)` for none."
        )
    return FunAsObject(f, child_objs=child_objs, dyn_vars=dyn_vars, name=name)


@overload
def function(
    f: Callable[..., Any],
    nodes: Nodes | None = None,
    dyn_vars: Vars | None = None,
    name: str | None = None,
) -> FunAsObject: ...
@overload
def function(
    *,
    nodes: Nodes | None = None,
    dyn_vars: Vars | None = None,
    name: str | None = None,
) -> Callable[[Callable[..., Any]], FunAsObject]: ...
def function(
    f: Callable[..., Any] | None = None,
    nodes: Nodes | None = None,
    dyn_vars: Vars | None = None,
    name: str | None = None,
) -> FunAsObject | Callable[[Callable[..., Any]], FunAsObject]:
    """Deprecated (as in BrainPy): `to_object(f, child_objs=nodes, ...)`.

    **Arguments:** as `to_object`, with `nodes` for `child_objs`.

    ```python
    obj = eqbrain.to_object(f, child_objs=net)     # instead of eqbrain.function(f, net)
    ```
    """
    warnings.warn(
        "eqbrain.function is deprecated, as brainpy.math.function: use eqbrain.to_object.",
        DeprecationWarning,
        stacklevel=2,
    )
    if f is None:
        return to_object(child_objs=nodes, dyn_vars=dyn_vars, name=name)
    return to_object(f, nodes, dyn_vars, name)


class ObjectTransform(Module):
    """The base class of BrainPy's object-oriented transforms; calling it raises
    `NotImplementedError` until a subclass defines `__call__`.

    ```python
    class Twice(eqbrain.ObjectTransform):
        def __call__(self, x):
            return 2 * x
    ```
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define __call__.")

    def __repr__(self) -> str:
        return type(self).__name__
