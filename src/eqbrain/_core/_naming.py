"""Module names: `ClassName<k>` auto names, and explicit names unique among live objects.

Names never split structure. An explicit name (`LIF(100, name="E")`) is a static field
of the module, so it is part of the treedef and survives every copy. An auto name is
held outside the module, in a table keyed by the object's identity that forgets it when
the object is collected: two instances of one architecture have equal treedefs, compare
`eqx.tree_equal`, share one compilation and stack with `jax.tree.map`. A functional copy
(`eqx.tree_at`, the model returned by `eqx.filter_jit`) is a new object and takes a new
auto name the first time it is asked for one.

Every table here is guarded by one lock, so threads may build models concurrently.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
import weakref
from collections import defaultdict
from collections.abc import Iterator

from .._errors import UniqueNameError

_lock = threading.RLock()
# name -> weak reference to the object holding it; a dead reference frees the name.
_registry: dict[str, weakref.ref] = {}
# id(object) -> its auto name, while the object lives.
_auto: dict[int, str] = {}
# class name -> next auto-name index.
_counters: defaultdict[str, int] = defaultdict(int)


class AutoName(str):
    """An auto name (`Net0`): a `str` that remembers it was not chosen. Given back as
    `name=` (`dataclasses.replace` passes every field), it asks for a new auto name
    instead of claiming this one as explicit."""

    __slots__ = ()


def _holder(name: str) -> object | None:
    ref = _registry.get(name)
    return None if ref is None else ref()


def auto_name(type_: str) -> str:
    """The next free auto name `type_<k>` (without registering it)."""
    with _lock:
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
    with _lock:
        holder = _holder(name)
    if holder is not None and holder is not owner:
        raise UniqueNameError(
            f"The name {name!r} is already held by {type(holder).__name__} object "
            f"at {id(holder):#x}. Choose another name, leave `name=None` for an "
            "automatic one, or call `eqbrain.clear_name_cache()` to forget all names. "
            "(A new object cannot take a live object's explicit name, and "
            "`dataclasses.replace` builds a new object: `eqx.tree_at` makes a copy that "
            "keeps the name.)"
        )
    return name


def _release(ref: weakref.ref, name: str) -> None:
    with _lock:
        if _registry.get(name) is ref:
            del _registry[name]


def _forget(key: int, name: str) -> None:
    with _lock:
        if _auto.get(key) == name:
            del _auto[key]


def register(name: str, owner: object) -> None:
    """Record that `owner` holds the explicit `name` until it is garbage-collected."""
    with _lock:
        check_name(name, owner)
        _registry[name] = weakref.ref(owner, lambda r, n=name: _release(r, n))


def name_of(owner: object, explicit: str | None) -> str:
    """`owner`'s name: `explicit` if given, else its auto name (assigned on first use)."""
    if explicit is not None:
        return explicit
    key = id(owner)
    name = _auto.get(key)
    if name is not None:
        return name
    with _lock:
        name = _auto.get(key)
        if name is None:
            name = AutoName(auto_name(type(owner).__name__))
            _auto[key] = name
            _registry[name] = weakref.ref(owner, lambda r, n=name: _release(r, n))
            weakref.finalize(owner, _forget, key, name)
        return name


def clear_name_cache(ignore_warn: bool = True) -> None:
    """Forget every registered name and restart every auto-name counter at 0.

    Objects alive now keep the names they have; new objects may then take the same
    names (BrainPy's `clear_name_cache`).

    **Arguments:**

    - `ignore_warn`: `False` warns (`UserWarning`) that the names were cleared, as BrainPy.

    ```python
    eqbrain.clear_name_cache()       # e.g. between trials that rebuild the same model
    ```
    """
    with _lock:
        _registry.clear()
        _counters.clear()
    if not ignore_warn:
        warnings.warn(
            "eqbrain.clear_name_cache: every registered name was forgotten and the auto-name "
            "counters restart at 0; new objects may take the names of live ones.",
            UserWarning,
            stacklevel=2,
        )


@contextlib.contextmanager
def name_scope() -> Iterator[None]:
    """A fresh scope of names: inside it every name is free and auto names count from 0;
    after it, the names held before are back and those taken inside are forgotten
    (objects keep the names they got). Process-wide, as the names are: for tests.

    ```python
    with name_scope():
        a = Net(name="E")        # Net0, E
    with name_scope():
        b = Net(name="E")        # Net0, E again: a twin with a's names
    ```
    """
    with _lock:
        registry, counters = dict(_registry), dict(_counters)
        _registry.clear()
        _counters.clear()
    try:
        yield
    finally:
        with _lock:
            _registry.clear()
            _registry.update((n, r) for n, r in registry.items() if r() is not None)
            _counters.clear()
            _counters.update(counters)
