"""`JointEq`: several derivative functions integrated as one system (BrainPy's `bp.JointEq`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import jax.tree_util as jtu

from ..._errors import DiffEqError
from ._methods import detach
from ._signature import describe

_KINDS = {
    inspect.Parameter.VAR_POSITIONAL: "*args parameters ({p})",
    inspect.Parameter.KEYWORD_ONLY: "keyword-only parameters ({p}, after a bare `*`)",
    inspect.Parameter.POSITIONAL_ONLY: "positional-only parameters ({p}, before a `/`)",
    inspect.Parameter.VAR_KEYWORD: "**kwargs parameters ({p})",
}

_DUPLICATE_MSG = """\
{var!r} is the state variable of two equations: {first} and {second}. In a JointEq \
each state variable comes before "t" in exactly one derivative function; where another \
equation needs it, it is a dependency and goes AFTER "t":
    def d{var}({var}, t, ...): ...      # {var} is the state variable
    def dother(other, t, {var}): ...    # {var} is a dependency"""


def _parse(eq: Any) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, Any]]:
    """`(state variables, positional parameters incl. them and t, {keyword: default})`."""
    if isinstance(eq, JointEq):
        return eq.variables, tuple(eq.arg_keys), dict(eq.kwargs)
    try:
        sig = inspect.signature(eq)
    except (TypeError, ValueError) as e:
        raise DiffEqError(f"JointEq could not read the signature of {eq!r} ({e}).") from None
    args: list[str] = []
    kwargs: dict[str, Any] = {}
    for p in sig.parameters.values():
        if p.kind in _KINDS:
            raise DiffEqError(
                f"JointEq passes every parameter by name, so {describe(eq)}{sig} cannot "
                f"have {_KINDS[p.kind].format(p=p)}. Give each one a name of its own."
            )
        if p.default is inspect.Parameter.empty:
            args.append(p.name)
        else:
            kwargs[p.name] = p.default
    if "t" not in args:
        raise DiffEqError(
            f"{describe(eq)}{sig} has no parameter named 't' (without a default): a "
            "derivative function of a JointEq is f(x, t, *dependencies), its state "
            "variable before `t`."
        )
    return tuple(args[: args.index("t")]), tuple(args), kwargs


def _with_signature(eq: Any) -> str:
    if isinstance(eq, JointEq):
        return repr(eq)
    return f"{describe(eq).rsplit('.', 1)[-1]}{inspect.signature(eq)}"


def _flatten(eqs: tuple) -> Iterator[Any]:
    for eq in eqs:
        if isinstance(eq, list | tuple):
            yield from _flatten(tuple(eq))
        elif callable(eq):
            yield eq
        else:
            raise DiffEqError(
                f"JointEq joins derivative functions (or lists of them, or JointEqs); got "
                f"{eq!r} of type {type(eq).__name__}."
            )


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:  # arrays of other shapes, ambiguous truth values
        return False


class _Meta:
    """The static part of a JointEq: names and defaults (hashed by name only)."""

    __slots__ = ("vars_in_eqs", "args_in_eqs", "arg_keys", "kwargs")

    def __init__(self, vars_in_eqs, args_in_eqs, arg_keys, kwargs):
        self.vars_in_eqs: tuple[tuple[str, ...], ...] = vars_in_eqs
        self.args_in_eqs: tuple[tuple[str, ...], ...] = args_in_eqs
        self.arg_keys: tuple[str, ...] = arg_keys
        self.kwargs: dict[str, Any] = kwargs

    def _names(self) -> tuple:
        return (self.vars_in_eqs, self.args_in_eqs, self.arg_keys, tuple(self.kwargs))

    def __hash__(self) -> int:
        return hash(self._names())

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Meta)
            and self._names() == other._names()
            and all(_same(self.kwargs[k], other.kwargs[k]) for k in self.kwargs)
        )


@jtu.register_pytree_node_class
class JointEq:
    """Several derivative functions integrated as one system, as BrainPy's `bp.JointEq`.

    Integrated separately, `dV(V, t, w)` and `dw(w, t, V)` each see the other variable
    frozen at the start of the step. Joined, every stage of the integration method
    updates both together. Each function's state variable is its parameter before `t`;
    the parameters after `t` are dependencies (another equation's state variable) or
    arguments, shared by name: an argument used by two functions is passed once.

    The joint function's parameters are the state variables in order, then `t`, then the
    arguments without defaults, then those with defaults. Calling it returns the list of
    derivatives. JointEqs can be nested; functions can be given in lists. The functions
    may be methods of the module that will hold the integrator (`self.dV`).

    **Arguments:**

    - `*eqs`: the derivative functions (or lists of them, or JointEqs).

    ```python
    def dV(V, t, w, I):
        return V - V**3 / 3 - w + I

    def dw(w, t, V, a=0.7, b=0.8):
        return (V + a - b * w) / 12.5

    eq = eqbrain.JointEq(dV, dw)          # eq(V, w, t, I, a=0.7, b=0.8) -> [dV, dw]
    integral = eqbrain.odeint(eq, method="rk4")
    V, w = integral(V, w, t, 0.5, dt=0.1)
    ```
    """

    __slots__ = ("eqs", "_meta")
    __name__ = "joint_eq"

    def __init__(self, *eqs: Any):
        flat = list(_flatten(eqs))
        if not flat:
            raise DiffEqError("JointEq needs at least one derivative function.")
        parsed = [_parse(eq) for eq in flat]
        owner_of: dict[str, Any] = {}
        for eq, (vars_, _, _) in zip(flat, parsed):
            for v in vars_:
                if v in owner_of:
                    first, second = _with_signature(owner_of[v]), _with_signature(eq)
                    raise DiffEqError(_DUPLICATE_MSG.format(var=v, first=first, second=second))
                owner_of[v] = eq
        variables = tuple(owner_of)
        positional: list[str] = []
        defaults: dict[str, Any] = {}
        for eq, (vars_, args, kwargs) in zip(flat, parsed):
            for p in args[len(vars_) + 1 :]:
                if p in defaults:
                    raise DiffEqError(
                        f"{p!r} is a keyword argument (with a default) of one equation and "
                        f"a required argument of {describe(eq)}: give it one role."
                    )
                if p not in owner_of and p not in positional:
                    positional.append(p)
            for k, value in kwargs.items():
                if k in owner_of or k in positional:
                    raise DiffEqError(
                        f"The keyword argument {k!r} of {describe(eq)} has the name of a "
                        f"{'state variable' if k in owner_of else 'required argument'} of "
                        "the joint equations; a keyword argument needs a name of its own."
                    )
                if k in defaults and not _same(defaults[k], value):
                    raise DiffEqError(
                        f"The keyword argument {k!r} has two different defaults in the "
                        f"joint equations: {defaults[k]!r} and {value!r} (in {describe(eq)})."
                    )
                defaults[k] = value
        self.eqs: tuple[Any, ...] = tuple(detach(eq) for eq in flat)
        self._meta = _Meta(
            vars_in_eqs=tuple(p[0] for p in parsed),
            args_in_eqs=tuple(p[1] + tuple(p[2]) for p in parsed),
            arg_keys=(*variables, "t", *positional),
            kwargs=defaults,
        )

    # -- BrainPy's attributes ------------------------------------------------------------

    @property
    def variables(self) -> tuple[str, ...]:
        """The state variables, in order."""
        return tuple(v for vs in self._meta.vars_in_eqs for v in vs)

    @property
    def vars_in_eqs(self) -> list[list[str]]:
        """Each equation's state variables."""
        return [list(v) for v in self._meta.vars_in_eqs]

    @property
    def args_in_eqs(self) -> list[list[str]]:
        """Each equation's parameters, by name."""
        return [list(a) for a in self._meta.args_in_eqs]

    @property
    def arg_keys(self) -> list[str]:
        """The joint function's parameters without defaults: states, `t`, arguments."""
        return list(self._meta.arg_keys)

    @property
    def kwarg_keys(self) -> list[str]:
        """The joint function's parameters with defaults."""
        return list(self._meta.kwargs)

    @property
    def kwargs(self) -> dict[str, Any]:
        """The defaults of the keyword arguments."""
        return dict(self._meta.kwargs)

    @property
    def __signature__(self) -> inspect.Signature:
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        params = [inspect.Parameter(k, kind) for k in self._meta.arg_keys]
        params += [inspect.Parameter(k, kind, default=v) for k, v in self._meta.kwargs.items()]
        return inspect.Signature(params)

    # -- calling -------------------------------------------------------------------------

    def _params(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        keys = (*self._meta.arg_keys, *self._meta.kwargs)
        if len(args) > len(keys):
            raise TypeError(
                f"{self!r} takes {len(keys)} arguments ({', '.join(keys)}), got {len(args)}."
            )
        params = dict(zip(keys, args))
        for k, v in kwargs.items():
            if k in params:
                raise TypeError(f"{self!r} got {k!r} twice, by position and by name.")
            if k not in keys:
                raise TypeError(f"{self!r} has no parameter {k!r}; it takes {', '.join(keys)}.")
            params[k] = v
        missing = [k for k in self._meta.arg_keys if k not in params]
        if missing:
            raise TypeError(f"{self!r} is missing {', '.join(map(repr, missing))}.")
        for k, v in self._meta.kwargs.items():
            params.setdefault(k, v)
        return params

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        """The derivatives of all state variables, as a list in their order."""
        params = self._params(args, kwargs)
        out: list[Any] = []
        for eq, names in zip(self.eqs, self._meta.args_in_eqs):
            r = eq(**{a: params[a] for a in names})
            out.extend(r if isinstance(r, list | tuple) else [r])
        return out

    def blocks(self, *args: Any, **kwargs: Any) -> list[tuple[tuple[str, ...], Callable]]:
        """Each equation alone: `(its state variables, fn(*those) -> their derivatives)`,
        every other input held at its value here (exponential Euler's linear parts)."""
        return self._blocks(self._params(args, kwargs))

    def _blocks(self, params: dict) -> list[tuple[tuple[str, ...], Callable]]:
        out: list[tuple[tuple[str, ...], Callable]] = []
        for eq, vars_, names in zip(self.eqs, self._meta.vars_in_eqs, self._meta.args_in_eqs):
            sub = {a: params[a] for a in names}
            if isinstance(eq, JointEq):
                out.extend(eq._blocks({**eq._meta.kwargs, **sub}))
                continue

            def fn(*values, eq=eq, vars_=vars_, sub=sub):
                r = eq(**{**sub, **dict(zip(vars_, values))})
                return tuple(r) if len(vars_) > 1 else (r,)

            out.append((vars_, fn))
        return out

    # -- a pytree of its functions -------------------------------------------------------

    def tree_flatten(self):
        return self.eqs, self._meta

    @classmethod
    def tree_unflatten(cls, meta: _Meta, eqs: Any) -> JointEq:
        new = object.__new__(cls)
        new.eqs = tuple(eqs)
        new._meta = meta
        return new

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is JointEq
            and self._meta == other._meta
            and len(self.eqs) == len(other.eqs)
            and all(_same(a, b) for a, b in zip(self.eqs, other.eqs))
        )

    def __hash__(self) -> int:
        return hash((self.eqs, self._meta))

    def __repr__(self) -> str:
        return f"JointEq({', '.join(describe(e) for e in self.eqs)})"
