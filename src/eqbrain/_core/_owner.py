"""`OwnerBound`: a field value that refers to the module holding it.

BrainPy's idiom `self.integral = odeint(self.derivative)` stores, in a field of `self`,
something that calls a method of `self`. A pytree cannot contain itself, so such a
value must not hold its module; and a transform's copy of the module must hand its own
copy to the value when it is read, or gradients and tracers would stop at the original.

An `OwnerBound` value takes part in both steps: `Module.__setattr__` passes it through
`attach_owner(module)` before storing it, and reading the field back gives
`bind_owner(module)` of the stored value, for whichever copy of the module is read.
Reading goes through a small data descriptor installed on the module's class for that
field only, so no other attribute access pays for it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._module import Module

_NO_DEFAULT = object()


class OwnerBound:
    """A value that can refer to the module which holds it in a field.

    Subclasses override one or both hooks; the defaults change nothing.

    - `attach_owner(owner)`: called when the value is assigned to a field of `owner`;
      returns what to store (typically the value with its references to `owner`
      replaced by a marker, so the module tree has no cycle).
    - `bind_owner(owner)`: called each time that field is read from `owner` (the
      original module or a copy made by a transform); returns what the reader gets.

    ```python
    class Greeter(eqbrain.core.OwnerBound):
        def bind_owner(self, owner):
            return f"held by {type(owner).__name__}"
    ```
    """

    __slots__ = ()

    def attach_owner(self, owner: Any) -> object:
        """The value to store when `self` is assigned to a field of `owner`."""
        return self

    def bind_owner(self, owner: Any) -> object:
        """What reading the field of `owner` that holds `self` returns."""
        return self


class _OwnerSlot:
    """The data descriptor of one field that may hold an `OwnerBound` value."""

    __slots__ = ("name", "default")

    def __init__(self, name: str, default: object):
        self.name = name
        self.default = default

    def __get__(self, obj: object, cls: type | None = None) -> Any:  # the field's value
        if obj is None:
            if self.default is _NO_DEFAULT:
                raise AttributeError(self.name)
            return self.default
        try:
            value = object.__getattribute__(obj, "__dict__")[self.name]
        except KeyError:
            raise AttributeError(
                f"{type(obj).__name__!r} object has no attribute {self.name!r}"
            ) from None
        return value.bind_owner(obj) if isinstance(value, OwnerBound) else value

    def __set__(self, obj: object, value: object) -> None:
        object.__getattribute__(obj, "__dict__")[self.name] = value


def attach(owner: Module, name: str, value: OwnerBound) -> object:
    """Prepare `value` to be stored in field `name` of `owner` (see `OwnerBound`)."""
    stored = value.attach_owner(owner)
    cls = type(owner)
    if not isinstance(cls.__dict__.get(name), _OwnerSlot):
        default = _NO_DEFAULT
        for f in dataclasses.fields(cls):
            if f.name == name and f.default is not dataclasses.MISSING:
                default = f.default
        setattr(cls, name, _OwnerSlot(name, default))
    return stored
