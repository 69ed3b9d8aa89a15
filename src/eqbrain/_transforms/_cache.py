"""A cache of compiled wrappers per user function, freed together with the function.

Eager `scan`/`for_loop` compile their loop once per body (and loop settings) and reuse
it on every later call with the same body. The cache holds the body only weakly: a
function (or the object a method is bound to) that is garbage-collected takes its
entries with it, so creating and dropping bodies never grows memory.

Finalizers never take the lock: the garbage collector may run one in any thread, at
any allocation -- also while that thread holds the lock. A finalizer only queues its
key; every call that takes the lock first forgets the queued keys.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

W = TypeVar("W")

_lock = threading.Lock()
# (id(func), id(self) or None) -> {settings: wrapper}
_entries: dict[tuple[int, int | None], dict[Hashable, object]] = {}
# Keys whose function or object died, to forget under the lock (appends are atomic).
_dead: deque[tuple[int, int | None]] = deque()


def _unbind(fn: Callable) -> tuple[Callable, object | None]:
    """(function, bound object or None): bound methods are keyed by both, since a new
    method object is made at every attribute access."""
    func, obj = getattr(fn, "__func__", None), getattr(fn, "__self__", None)
    if func is not None and obj is not None:
        return func, obj
    return fn, None


def _forget(key: tuple[int, int | None]) -> None:
    """A finalizer: queue `key` (taking no lock; see the module's docstring)."""
    _dead.append(key)


def _drain() -> None:
    """Forget the queued keys; called with the lock held."""
    while _dead:
        _entries.pop(_dead.popleft(), None)


def cached(fn: Callable, settings: Hashable, make: Callable[[Callable[[], Callable]], W]) -> W:
    """The wrapper `make(get_fn)` for `fn` and `settings`, built once and reused.

    `make` receives `get_fn()`, which returns `fn` again (rebuilt from weak references);
    the wrapper must call through it and hold no strong reference to `fn`. A callable
    that cannot be weakly referenced is not cached: `make` runs on every call.
    """
    func, obj = _unbind(fn)
    try:
        func_ref = weakref.ref(func)
        obj_ref = None if obj is None else weakref.ref(obj)
        hash(settings)
    except TypeError:
        return make(lambda: fn)
    key = (id(func), None if obj is None else id(obj))
    with _lock:
        _drain()
        table = _entries.get(key)
        if table is not None and settings in table:
            return cast(W, table[settings])
    if obj_ref is None:

        def get_fn() -> Callable:
            f = func_ref()
            assert f is not None
            return f

    else:

        def get_fn() -> Callable:
            f, o = func_ref(), obj_ref()
            assert f is not None and o is not None
            return f.__get__(o, type(o))

    wrapper = make(get_fn)
    with _lock:
        _drain()
        table = _entries.get(key)
        if table is None:
            table = _entries[key] = {}
            # Whichever of the function and its object dies first frees the entry.
            weakref.finalize(func, _forget, key)
            if obj is not None:
                weakref.finalize(obj, _forget, key)
        return cast(W, table.setdefault(settings, wrapper))


def cache_size() -> int:
    """How many (function, settings) wrappers are cached now (for tests)."""
    with _lock:
        _drain()
        return sum(len(t) for t in _entries.values())
