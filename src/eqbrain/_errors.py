"""The exceptions eqbrain raises on purpose."""

import dataclasses


class MathError(ValueError):
    """A value does not fit the Variable it is written into (shape or dtype).

    Raised by `Variable.value = ...`, by `Module` field assignment and by every state
    load; nothing has been written when it is raised.
    """


class UniqueNameError(ValueError):
    """An explicit module name is not a valid identifier or is held by a live object."""


class TraceLeakError(RuntimeError):
    """A traced value was written into a Variable created outside the current trace."""


class DiffEqError(ValueError):
    """A derivative function or system of equations that cannot be integrated as written.

    Raised by `odeint` and `JointEq` when they read a derivative's signature (a parameter
    named `dt`, a state variable claimed by two equations, `*args` in a `JointEq`, ...).
    """


class AnalyzerError(ValueError):
    """An analysis (`eqbrain.analysis`) that cannot run as asked.

    Raised when an analyser is built or called: a target variable the model does not
    have, a range that is not `[low, high]`, a parameter without a value, a system of
    the wrong dimension. The message names the argument and says what to pass instead.
    """


class FrozenFieldError(dataclasses.FrozenInstanceError):
    """An assignment to a field of a built module that is not a `Variable`.

    A `dataclasses.FrozenInstanceError` (so an `AttributeError`), as Equinox raises, with
    a message that names the field and the model and says how to change it.
    """


_FROZEN_FIELD_MSG = """\
Cannot assign to {model}.{field}: `{field}` is a field of {cls}, and a built eqbrain \
module is frozen (an Equinox module); only its Variables change in place. \
{how}"""

_LEAF_HOW = """\
To change it in place, make it a Variable (declare `{field}: eqbrain.Variable` and \
write `model.{field}.value = ...`); for a new model with the new value, \
`model = eqx.tree_at(lambda m: m.{field}, model, new_value)`."""

_STATIC_HOW = """\
It is a static field (part of the model's structure): build a new model with the new \
value, e.g. `{cls}(..., {field}=new_value)`."""


def frozen_field_error(model: object, field: str, static: bool) -> FrozenFieldError:
    """The error for `model.field = ...` on a built module (`static`: a static field)."""
    cls = type(model).__name__
    how = (_STATIC_HOW if static else _LEAF_HOW).format(field=field, cls=cls)
    name = getattr(model, "name", None) or cls
    return FrozenFieldError(_FROZEN_FIELD_MSG.format(model=name, field=field, cls=cls, how=how))
