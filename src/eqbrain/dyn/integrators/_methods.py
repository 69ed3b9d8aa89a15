"""Methods of modules inside a derivative: how an integrator holds `self.derivative`.

`odeint(self.derivative)` in a module's `__init__` gives the integrator a method of the
module that is about to hold it. Three cases, one rule each:

- **A method of the module that holds the integrator** (BrainPy's idiom): held as a
  `MethodRef` to `OWNER`, without the module (a pytree cannot contain itself). Reading
  the integrator from a module binds it to that module -- the original, or the copy
  that `jax.jit`, `eqx.filter_grad` or `eqbrain.grad` traces -- so the derivative reads
  the state and parameters being traced and gradients flow in both styles.
- **A method of another, finished module, or a callable Equinox module**: held as a
  pytree (`BoundTo`), as Equinox holds bound methods: its arrays and Variables are
  leaves of the integrator.
- **A method of a module still being built that is not the holder** (a parent passing
  its method to a child): held by reference (`MethodRef`), outside the pytree, since a
  pytree holding an unfinished ancestor would contain itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import equinox as eqx


class _Owner:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<the module holding the integrator>"


OWNER: Any = _Owner()

_UNBOUND_MSG = """\
{what} is a method of the module that holds this integrator, so the integrator has to \
be read from that module to know which copy of it to use: call it as an attribute of \
the module, e.g. `self.integral(V, t, I)` inside it, not through a reference taken out \
of its fields."""


class MethodRef:
    """`func` bound to `obj` outside any pytree: `obj` is a module, or `OWNER`."""

    __slots__ = ("func", "obj")

    def __init__(self, func: Callable, obj: Any):
        self.func = func
        self.obj = obj

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.obj is OWNER:
            raise RuntimeError(_UNBOUND_MSG.format(what=_func_name(self.func)))
        return self.func(self.obj, *args, **kwargs)

    def __eq__(self, other: object) -> bool:
        return type(other) is MethodRef and other.func is self.func and other.obj is self.obj

    def __hash__(self) -> int:
        return hash((self.func, id(self.obj)))

    def __repr__(self) -> str:
        where = "its holder" if self.obj is OWNER else type(self.obj).__name__
        return f"<method {_func_name(self.func)} of {where}>"

    @property
    def __name__(self) -> str:
        return getattr(self.func, "__name__", "method")


class BoundTo(eqx.Module):
    """`func` bound to `obj` as a pytree (Equinox's rule for bound methods)."""

    func: Callable = eqx.field(static=True)
    obj: Any

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(self.obj, *args, **kwargs)


def _func_name(func: Callable) -> str:
    return getattr(func, "__qualname__", None) or repr(func)


def method_parts(f: Any) -> tuple[Callable, Any] | None:
    """`(function, module)` if `f` is a method of an Equinox module (bound either way)."""
    if isinstance(f, BoundTo | MethodRef):
        return f.func, f.obj
    obj = getattr(f, "__self__", None)
    func = getattr(f, "__func__", None)
    if func is not None and isinstance(obj, eqx.Module):
        return func, obj
    return None


def being_built(obj: Any) -> bool:
    """Whether `obj`, an Equinox module, still lacks a field without a default."""
    d = object.__getattribute__(obj, "__dict__")
    return any(
        f.name not in d
        for f in dataclasses.fields(obj)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


def detach(f: Any) -> Any:
    """`f` as an integrator holds it (see the module docstring); other callables as they are."""
    if isinstance(f, MethodRef | BoundTo):
        return f
    parts = method_parts(f)
    if parts is not None:
        func, obj = parts
        return MethodRef(func, obj) if being_built(obj) else BoundTo(func, obj)
    if isinstance(f, eqx.Module) and being_built(f):  # odeint(self) in __init__
        return MethodRef(type(f).__call__, f)
    return f


def is_method(x: Any) -> bool:
    return isinstance(x, MethodRef | BoundTo)


def to_owner(x: Any, owner: Any) -> tuple[Any, bool]:
    """`x` with its references to `owner` turned into `MethodRef(func, OWNER)`."""
    if isinstance(x, MethodRef | BoundTo) and x.obj is owner:
        return MethodRef(x.func, OWNER), True
    if x is owner:
        return MethodRef(type(owner).__call__, OWNER), True
    return x, False


def to_bound(x: Any, owner: Any) -> Any:
    """`x` with `MethodRef(func, OWNER)` bound, as a pytree, to `owner`."""
    if isinstance(x, MethodRef) and x.obj is OWNER:
        return BoundTo(x.func, owner)
    return x
