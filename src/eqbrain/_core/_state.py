"""Saving and loading a module's state: `state_dict`, `load_state_dict` and friends.

Every load is all-or-nothing: all values are checked (shape, dtype, tracer leaks) and,
with `strict=True`, all keys, before the first Variable is written.

The state is every Variable *and* every plain array the model holds (array fields, the
weights of Equinox layers): see `_arrays`. Plain arrays are keyed as Variables are
(`Net0.lin.weight`) and listed under the eqbrain node that holds them.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

from .._errors import MathError
from ._arrays import ArraySlot
from ._collect import array_entries, collect_vars, is_twin, iter_walk, node_name, walk

if TYPE_CHECKING:
    from ._module import Module
    from ._variable import Variable


_TIE_MSG = """\
Cannot load the state of {where}: {a!r} and {b!r} are one Variable (or one array) in \
this model, held in two places, but the state holds different values for them, so a \
load would lose one. A functional copy of the model (eqx.filter_jit, tree_at, ...) \
gives each place a cell of its own, and training the copy changes them apart. Nothing \
was loaded. Load into a model built without the tie, or give both keys one value."""


class StateLoadResult(NamedTuple):
    """What a state load did not match: keys the model has but the state lacks, and
    keys the state has but the model lacks."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def state_dict(module: Module) -> dict[str, dict[str, Any]]:
    """`{node_name: {var_key: value}}` for every node, as BrainPy's `state_dict()`.

    Twins (two copies of one explicitly named node, as a functional copy of a model
    holds a tied node) are listed once, if their values agree."""
    out: dict[str, dict[str, Any]] = {}
    held: dict[str, Any] = {}
    for _, node, own, arrays in iter_walk(module, arrays=True):
        name = node_name(node)
        if name in out:
            if not is_twin(node, held[name]):
                raise ValueError(
                    f"Two nodes are named {name!r}, so state_dict() cannot key them "
                    "apart. Give them distinct names."
                )
            _check_twin(name, out[name], own, arrays)
            continue
        held[name] = node
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


def _check_twin(name: str, first: dict[str, Any], own: list, arrays: Sequence) -> None:
    """`ValueError` if a twin of node `name` holds a value that differs from the first's
    (`first`, as `state_dict` keyed it): one key cannot hold both."""
    prefix = name + "."
    values = [(k, v.value) for k, v in zip(own[::2], own[1::2])]
    values += list(zip(arrays[::2], arrays[1::2]))
    for k, value in values:
        if not same_value(first.get(prefix + k), value):
            raise ValueError(
                f"Two nodes are named {name!r} and hold different values for "
                f"{prefix + k!r}, so state_dict() cannot key them apart: they are copies "
                "of one node that sat in two places (a functional copy gives each place "
                "its own), changed since. Use relative keys (`vars(method='relative')`, "
                "`eqbrain.save`), which name every place."
            )


def same_value(a: Any, b: Any) -> bool:
    """Whether `a` and `b` hold the same values (NaNs equal); `True` for a tracer, whose
    values cannot be known."""
    if a is b or isinstance(a, Tracer) or isinstance(b, Tracer):
        return True
    if a is None or b is None:
        return False
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.tobytes() == b.tobytes():
        return True
    return bool(np.array_equal(a, b, equal_nan=bool(jnp.issubdtype(a.dtype, jnp.inexact))))


def _cell(target: Any) -> Any:
    """What a load writes through `target`: its Variable, or the place of its array."""
    if isinstance(target, ArraySlot):
        return (id(target.owner), target.key)
    return id(target)


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
    plan: dict[Any, tuple[Variable, Any, str]] = {}
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
            first = plan.setdefault(_cell(var), (var, checked, key))  # write each cell once
            if first[2] != key and not same_value(first[1], checked):
                raise ValueError(_TIE_MSG.format(a=first[2], b=key, where=where))
    missing = [key for key, var in expected if _cell(var) not in plan]
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
    for var, value, _ in plan.values():
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
    if compatible not in ("v1", "v2"):
        raise ValueError(f"compatible must be 'v1' or 'v2', not {compatible!r}.")
    expected, own_of = _targets(module)
    provided = []
    if compatible == "v1":
        flat = {k: ts for keyed in own_of.values() for k, ts in keyed.items()}
        for k, v in _flat(state, "state").items():
            provided.extend((k, v, t) for t in flat.get(k, [None]))
        return load_checked(expected, provided, module.name, warn, strict)
    for held_name, entries in _flat(state, "state_dict").items():
        targets = own_of.get(held_name, {})
        for k, v in _flat(entries, f"state_dict[{held_name!r}]").items():
            provided.extend((k, v, t) for t in targets.get(k, [None]))
    return load_checked(expected, provided, module.name, warn, strict)


def _targets(module: Module) -> tuple[list[tuple[str, Any]], dict[str, dict[str, list]]]:
    """What a state dict loads into: every (absolute key, Variable or ArraySlot), and
    node name -> key -> its targets (one, or one per twin: each twin is loaded)."""
    expected: list[tuple[str, Any]] = []
    own_of: dict[str, dict[str, list]] = {}
    held: dict[str, Any] = {}
    for _, node, own in walk(module):
        name = node.name
        if held.setdefault(name, node) is not node and not is_twin(node, held[name]):
            raise ValueError(
                f"Two nodes are named {name!r}, so a state dict cannot key them apart. "
                "Give them distinct names."
            )
        prefix = name + "."
        keyed = own_of.setdefault(name, {})
        for k, target in own + array_entries(node):
            keyed.setdefault(prefix + k, []).append(target)
            expected.append((prefix + k, target))
    return expected, own_of


def save_state(module: Module) -> dict[str, Any]:
    """This node's own Variables and plain arrays (level 0), `{abs_key: value}`, as
    BrainPy's."""
    return {k: v.raw_value for k, v in _own_state(module)}


def load_state(module: Module, state: Mapping[str, Any], **kwargs) -> StateLoadResult:
    strict = _pop_strict(kwargs)
    own = dict(_own_state(module))
    provided = [(k, v, own.get(k)) for k, v in _flat(state, "state").items()]
    return load_checked(list(own.items()), provided, module.name, False, strict)
