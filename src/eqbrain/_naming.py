"""Module names: `ClassName<k>` auto names, and explicit names unique among live objects."""

from __future__ import annotations

import weakref
from collections import defaultdict

from ._errors import UniqueNameError

# name -> weak reference to the object holding it; a dead reference frees the name.
_registry: dict[str, weakref.ref] = {}
# class name -> next auto-name index.
_counters: defaultdict[str, int] = defaultdict(int)


def _holder(name: str):
    ref = _registry.get(name)
    return None if ref is None else ref()


def auto_name(type_: str) -> str:
    """The next free auto name `type_<k>` (without registering it)."""
    while True:
        name = f"{type_}{_counters[type_]}"
        _counters[type_] += 1
        if _holder(name) is None:
            return name


def check_name(name: str, owner: object | None = None) -> str:
    """Return `name` if it is a valid identifier held by no live object but `owner`."""
    if not isinstance(name, str) or not name.isidentifier():
        raise UniqueNameError(
            f"The name {name!r} is not valid: a module name must be a Python identifier "
            "(letters, digits and underscores, not starting with a digit)."
        )
    holder = _holder(name)
    if holder is not None and holder is not owner:
        raise UniqueNameError(
            f"The name {name!r} is already held by {type(holder).__name__} object "
            f"at {id(holder):#x}. Choose another name, leave `name=None` for an "
            "automatic one, or call `eqbrain.clear_name_cache()` to forget all names."
        )
    return name


def register(name: str, owner: object) -> None:
    """Record that `owner` holds `name` until it is garbage-collected."""
    check_name(name, owner)

    def release(ref, name=name):
        if _registry.get(name) is ref:
            del _registry[name]

    _registry[name] = weakref.ref(owner, release)


# Callbacks run by `clear_name_cache` (caches keyed by name elsewhere).
_on_clear: list = []


def on_clear(callback) -> None:
    """Run `callback()` whenever `clear_name_cache()` is called."""
    _on_clear.append(callback)


def clear_name_cache() -> None:
    """Forget every registered name and restart every auto-name counter at 0."""
    _registry.clear()
    _counters.clear()
    for callback in _on_clear:
        callback()
