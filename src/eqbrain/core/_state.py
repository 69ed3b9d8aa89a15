"""Saving and loading a module's state: `state_dict`, `load_state_dict` and friends.

Every load is all-or-nothing: all values are checked (shape, dtype, tracer leaks) and,
with `strict=True`, all keys, before the first Variable is written.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from .._errors import MathError
from ._collect import collect_vars, walk

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
    for _, node, own in walk(module):
        if node.name in out:
            raise ValueError(
                f"Two nodes are named {node.name!r}, so state_dict() cannot key them "
                "apart. Give them distinct names."
            )
        prefix = node.name + "."
        out[node.name] = {prefix + k: v.value for k, v in own}
    return out


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
    for key, value, var in provided:
        if var is None:
            unexpected.append(key)
        else:
            try:
                checked = var.check_value(value)  # check every key, even a shared cell's twin
            except MathError as e:
                raise MathError(f"Cannot load {key!r} into {where}: {e}") from None
            plan.setdefault(id(var), (var, checked))  # but write each cell once
    missing = [key for key, var in expected if id(var) not in plan]
    if strict and (missing or unexpected):
        raise ValueError(
            f"Error(s) in loading the state of {where} (strict=True), nothing was "
            f"loaded. Missing keys: {missing}. Unexpected keys: {unexpected}."
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
        variables = collect_vars(module)
        provided = [(k, v, variables.get(k)) for k, v in _flat(state, "state").items()]
        return load_checked(list(variables.items()), provided, module.name, warn, strict)
    if compatible != "v2":
        raise ValueError(f"compatible must be 'v1' or 'v2', not {compatible!r}.")
    expected = []
    own_of: dict[str, dict[str, Variable]] = {}
    for _, node, own in walk(module):
        prefix = node.name + "."
        keyed = {prefix + k: v for k, v in own}
        own_of[node.name] = keyed
        expected.extend(keyed.items())
    provided = []
    for node_name, entries in _flat(state, "state_dict").items():
        targets = own_of.get(node_name, {})
        for k, v in _flat(entries, f"state_dict[{node_name!r}]").items():
            provided.append((k, v, targets.get(k)))
    return load_checked(expected, provided, module.name, warn, strict)


def save_state(module: Module) -> dict[str, Any]:
    """This node's own Variables (level 0), `{abs_key: value}`, as BrainPy's."""
    return collect_vars(module, level=0).dict()


def load_state(module: Module, state: Mapping[str, Any], **kwargs) -> StateLoadResult:
    strict = _pop_strict(kwargs)
    own = collect_vars(module, level=0)
    provided = [(k, v, own.get(k)) for k, v in _flat(state, "state").items()]
    return load_checked(list(own.items()), provided, module.name, False, strict)
