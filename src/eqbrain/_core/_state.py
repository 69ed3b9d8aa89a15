"""Saving and loading a module's state: `state_dict`, `load_state_dict` and friends.

Every load is all-or-nothing: all values are checked (shape, dtype, tracer leaks) and,
with `strict=True`, all keys, before the first Variable is written.

The state is every Variable *and* every plain array the model holds (array fields, the
weights of Equinox layers): see `_arrays`. Plain arrays are keyed as Variables are
(`Net0.lin.weight`) and listed under the eqbrain node that holds them.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from .._errors import MathError
from ._arrays import ArraySlot
from ._collect import array_entries, collect_vars, iter_walk, node_name, walk

if TYPE_CHECKING:
    from ._module import Module
    from ._variable import Variable


class StateLoadResult(NamedTuple):
    """What a state load did not match: keys the model has but the state lacks, and
    keys the state has but the model lacks."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def state_dict(module: Module) -> dict[str, dict[str, Any]]:
    """`{node_name: {var_key: value}}` for every node, as BrainPy's `state_dict()`."""
    out: dict[str, dict[str, Any]] = {}
    for _, node, own, arrays in iter_walk(module, arrays=True):
        name = node_name(node)
        if name in out:
            raise ValueError(
                f"Two nodes are named {name!r}, so state_dict() cannot key them "
                "apart. Give them distinct names."
            )
        prefix = name + "."
        entry = {}
        it = iter(own)
        for k, v in zip(it, it):  # a loop, not a comprehension: no function call per node
            entry[prefix + k] = v.value
        it = iter(arrays)
        for k, x in zip(it, it):
            entry[prefix + k] = x
        out[name] = entry
    return out


def _own_state(node: Any) -> list[tuple[str, Any]]:
    """A node's own Variables and plain arrays, as (absolute key, Variable or ArraySlot)."""
    own: list[tuple[str, Any]] = list(collect_vars(node, level=0).items())
    own.extend((node.name + "." + k, slot) for k, slot in array_entries(node))
    return own


def load_checked(
    expected: list[tuple[str, Variable]],
    provided: list[tuple[str, Any, Variable | None]],
    where: str,
    warn: bool,
    strict: bool,
) -> StateLoadResult:
    """Check everything, then write everything. `provided` is (key, value, target)."""
    plan: dict[int, tuple[Variable, Any]] = {}
    unexpected = []
    readonly = []
    for key, value, var in provided:
        if var is None:
            unexpected.append(key)
        elif isinstance(var, ArraySlot) and not var.writable:
            readonly.append(key)
        else:
            try:
                checked = var.check_value(value)  # check every key, even a shared cell's twin
            except MathError as e:
                raise MathError(f"Cannot load {key!r} into {where}: {e}") from None
            plan.setdefault(id(var), (var, checked))  # but write each cell once
    missing = [key for key, var in expected if id(var) not in plan]
    if strict and (missing or unexpected):
        cannot = (
            f" Cannot restore (plain arrays in tuples, which cannot be replaced in place; "
            f"hold them in a list or a Variable): {readonly}."
            if readonly
            else ""
        )
        raise ValueError(
            f"Error(s) in loading the state of {where} (strict=True), nothing was "
            f"loaded. Missing keys: {missing}. Unexpected keys: {unexpected}.{cannot}"
        )
    for var, value in plan.values():
        var.write_value(value)
    if warn and (missing or unexpected):
        warnings.warn(
            f"Loading the state of {where}: missing keys {missing}, unexpected keys {unexpected}.",
            UserWarning,
            stacklevel=4,
        )
    return StateLoadResult(missing, unexpected)


def _pop_strict(kwargs: dict) -> bool:
    strict = bool(kwargs.pop("strict", False))
    if kwargs:
        raise TypeError(f"Unexpected keyword arguments: {sorted(kwargs)}.")
    return strict


def _flat(state: Any, what: str) -> Mapping:
    if not isinstance(state, Mapping):
        raise TypeError(f"{what} must be a mapping of keys to arrays, not {type(state)}.")
    return state


def load_state_dict(
    module: Module,
    state: Mapping[str, Any],
    warn: bool = True,
    compatible: str = "v2",
    **kwargs,
) -> StateLoadResult:
    strict = _pop_strict(kwargs)
    if compatible == "v1":
        targets: dict[str, Any] = dict(collect_vars(module))
        for _, node, _ in walk(module):
            targets.update((node.name + "." + k, s) for k, s in array_entries(node))
        provided = [(k, v, targets.get(k)) for k, v in _flat(state, "state").items()]
        return load_checked(list(targets.items()), provided, module.name, warn, strict)
    if compatible != "v2":
        raise ValueError(f"compatible must be 'v1' or 'v2', not {compatible!r}.")
    expected = []
    own_of: dict[str, dict[str, Any]] = {}
    for _, node, own in walk(module):
        prefix = node.name + "."
        keyed = {prefix + k: v for k, v in own}
        keyed.update((prefix + k, slot) for k, slot in array_entries(node))
        own_of[node.name] = keyed
        expected.extend(keyed.items())
    provided = []
    for held_name, entries in _flat(state, "state_dict").items():
        targets = own_of.get(held_name, {})
        for k, v in _flat(entries, f"state_dict[{held_name!r}]").items():
            provided.append((k, v, targets.get(k)))
    return load_checked(expected, provided, module.name, warn, strict)


def save_state(module: Module) -> dict[str, Any]:
    """This node's own Variables and plain arrays (level 0), `{abs_key: value}`, as
    BrainPy's."""
    return {k: v.raw_value for k, v in _own_state(module)}


def load_state(module: Module, state: Mapping[str, Any], **kwargs) -> StateLoadResult:
    strict = _pop_strict(kwargs)
    own = dict(_own_state(module))
    provided = [(k, v, own.get(k)) for k, v in _flat(state, "state").items()]
    return load_checked(list(own.items()), provided, module.name, False, strict)
