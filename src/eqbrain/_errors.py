"""The exceptions eqbrain raises on purpose."""


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
