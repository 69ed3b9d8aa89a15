"""Reading a derivative function's signature, and binding an integrator call to it.

BrainPy's convention: in `f(V, w, t, I, tau=10.0)` the parameters before the one named
`t` are the state variables, the ones after it the arguments. An integrator is called
with the same parameters, in the same order or by name, plus `dt`: as a keyword, or as
one more positional argument after all of `f`'s.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, NamedTuple

from ..._errors import DiffEqError
from ._methods import OWNER, method_parts

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)

_NO_T_MSG = """\
{f} has no parameter named 't'. eqbrain.odeint follows BrainPy: the derivative function \
is f(y, t, *args) -- the parameters before `t` are the state variables, those after it \
the arguments, e.g. `def f(V, w, t, I): return dV, dw`."""

_T_FIRST_MSG = """\
{f} has no state variable before its `t` parameter. eqbrain.odeint follows BrainPy's \
f(y, t, *args), not diffrax's f(t, y, args): write `def f(V, t, I): ...`, or pass a \
diffrax-style function to diffrax directly."""

_DT_MSG = """\
{f} has a parameter named 'dt', but `dt` is the integrator's own keyword (the step \
size, `integral(V, t, I, dt=0.1)`), so it cannot also be a state variable or argument \
of the derivative. Rename the parameter (e.g. `h`), and pass the step as `dt=`."""

_RESERVED_MSG = """\
{f}{sig} has a parameter named {name!r}, a name BrainPy's code for method {method!r} \
uses for its own locals ({what}). BrainPy refuses it; eqbrain refuses it too, so that \
the same derivative runs in both. Rename the parameter."""

_CALL_MSG = """\
This ODEIntegrator of {f}{sig} expects {n} state variable{s} ({states}), then t{rest}: \
call it as `integral({call}, dt=dt)` (dt may also come last, positionally; t defaults \
to 0). Got {got} positional argument{gs}{kw}."""


def describe(f: Any) -> str:
    """A short name for a callable in messages: its qualified name, else its repr."""
    if getattr(f, "__name__", None) == "joint_eq":
        return repr(f)
    parts = method_parts(f)
    if parts is not None:
        func, obj = parts
        owner = "self" if obj is OWNER else type(obj).__name__
        return f"{owner}.{getattr(func, '__name__', '?')}"
    return getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f)


class CallSpec(NamedTuple):
    """What an integrator needs to know of `f`'s signature (hashable: a static field)."""

    variables: tuple[str, ...]
    positional: tuple[str, ...]  # positional parameters after `t`
    required: int  # how many of them have no default
    keyword_only: tuple[str, ...]
    varargs: bool
    varkw: bool
    text: str  # the signature, for messages
    fname: str

    @property
    def arguments(self) -> tuple[str, ...]:
        """The parameters after `t`, by name (`*args`/`**kwargs` excluded)."""
        return self.positional + self.keyword_only


def read_signature(f: Callable) -> CallSpec:
    """Read `f(y..., t, args...)`: its state variables and arguments."""
    if not callable(f):
        raise TypeError(f"odeint needs a callable derivative function f(y, t, *args), got {f!r}.")
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"odeint could not read the signature of {f!r} ({e}); it needs a Python "
            "function f(y, t, *args) whose parameters before `t` are the state variables."
        ) from None
    params = list(sig.parameters.values())
    names = [p.name for p in params]
    fname = describe(f)
    if "dt" in names:
        raise DiffEqError(_DT_MSG.format(f=f"{fname}{sig}"))
    if "t" not in names:
        raise DiffEqError(_NO_T_MSG.format(f=fname))
    i = names.index("t")
    if params[i].kind not in _POSITIONAL or any(p.kind not in _POSITIONAL for p in params[:i]):
        raise DiffEqError(
            f"In {fname}{sig}, `t` and the state variables before it must be plain "
            "positional parameters (no *args or keyword-only parameters before `t`)."
        )
    if i == 0:
        raise DiffEqError(_T_FIRST_MSG.format(f=fname))
    after = params[i + 1 :]
    positional = tuple(p.name for p in after if p.kind in _POSITIONAL)
    required = sum(p.default is inspect.Parameter.empty for p in after if p.kind in _POSITIONAL)
    return CallSpec(
        variables=tuple(names[:i]),
        positional=positional,
        required=required,
        keyword_only=tuple(p.name for p in after if p.kind is inspect.Parameter.KEYWORD_ONLY),
        varargs=any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in after),
        varkw=any(p.kind is inspect.Parameter.VAR_KEYWORD for p in after),
        text=str(sig),
        fname=fname,
    )


class BoundCall(NamedTuple):
    states: tuple
    t: Any
    args: tuple
    kwargs: dict
    dt: Any


def bind_call(spec: CallSpec, args: tuple, kwargs: dict, dt: Any) -> BoundCall:
    """Sort an integrator call into states, `t`, `f`'s other arguments and `dt`."""
    n = len(spec.variables)
    extra = len(args) - n - 1
    if not kwargs and extra == -1 and spec.required == 0:  # BrainPy: t defaults to 0
        return BoundCall(args, 0.0, (), {}, dt)
    if not kwargs and extra >= 0:  # the common case: everything positional
        if spec.varargs:
            if extra >= spec.required:
                return BoundCall(args[:n], args[n], args[n + 1 :], {}, dt)
        elif spec.required <= extra <= len(spec.positional):
            return BoundCall(args[:n], args[n], args[n + 1 :], {}, dt)
        elif extra == len(spec.positional) + 1:  # BrainPy's positional dt
            if dt is None:
                return BoundCall(args[:n], args[n], args[n + 1 : -1], {}, args[-1])
            raise _call_error(spec, args, kwargs, twice=True)
        raise _call_error(spec, args, kwargs)
    return _bind_by_name(spec, args, kwargs, dt)


def _bind_by_name(spec: CallSpec, args: tuple, kwargs: dict, dt: Any) -> BoundCall:
    order = (*spec.variables, "t", *spec.positional)
    extras: tuple = ()
    if len(args) > len(order):
        if spec.varargs:
            args, extras = args[: len(order)], args[len(order) :]
        elif len(args) == len(order) + 1 and dt is None:  # BrainPy's positional dt
            args, dt = args[:-1], args[-1]
        else:
            raise _call_error(spec, args, kwargs)
    given = dict(zip(order, args))
    for name, value in kwargs.items():
        if name in given:
            raise TypeError(
                f"{spec.fname}{spec.text}: {name!r} was given twice, by position and by name."
            )
        if not (name in order or name in spec.keyword_only or spec.varkw):
            known = ", ".join((*order, *spec.keyword_only))
            raise TypeError(
                f"{spec.fname}{spec.text} has no parameter {name!r}: it takes {known} "
                "(and the integrator takes dt)."
            )
        given[name] = value
    if any(v not in given for v in spec.variables) or any(
        p not in given for p in spec.positional[: spec.required]
    ):
        raise _call_error(spec, args + extras, kwargs)
    given.setdefault("t", 0.0)  # as BrainPy: a call without t is at t = 0
    pos = []  # the positional parameters after t, passed by position as far as given
    for p in spec.positional:
        if p not in given:
            break
        pos.append(given[p])
    taken = {*spec.variables, "t", *spec.positional[: len(pos)]}
    kw = {k: v for k, v in given.items() if k not in taken}
    ys = tuple(given[v] for v in spec.variables)
    return BoundCall(ys, given["t"], (*pos, *extras), kw, dt)


def _call_error(spec: CallSpec, args: tuple, kwargs: dict, twice: bool = False) -> TypeError:
    n = len(spec.variables)
    rest = "".join(f", {p}" for p in spec.positional)
    return TypeError(
        _CALL_MSG.format(
            f=spec.fname,
            sig=spec.text,
            n=n,
            s="" if n == 1 else "s",
            states=", ".join(spec.variables),
            rest=f", then {rest[2:]}" if rest else "",
            call=", ".join(spec.variables) + ", t" + rest,
            got=len(args),
            gs="" if len(args) == 1 else "s",
            kw=f" and keywords {sorted(kwargs)}" if kwargs else "",
        )
        + (" The last would be dt, but dt= was given too." if twice else "")
    )


def check_reserved_names(spec: CallSpec, method: str, stages: int, adaptive: bool) -> None:
    """Refuse the parameter names BrainPy's generated Runge-Kutta code reserves.

    For each state `v` of an `s`-stage method: `v_new`, `dv_k1` ... `dv_k{s}`,
    `k2_v_arg` ... and `k2_t_arg` ...; with `adaptive=True` also `error`, `v_te`,
    `dt_new`. BrainPy writes such names into the integrator's source, so a derivative
    using one of them does not run there.
    """
    reserved: dict[str, str] = {}
    for v in spec.variables:
        reserved[f"{v}_new"] = "the new state"
        for i in range(1, stages + 1):
            reserved[f"d{v}_k{i}"] = f"stage {i}'s derivative"
        for i in range(2, stages + 1):
            reserved[f"k{i}_{v}_arg"] = f"stage {i}'s state"
            reserved[f"k{i}_t_arg"] = f"stage {i}'s time"
        if adaptive:
            reserved[f"{v}_te"] = "the error estimate"
    if adaptive:
        reserved.update(error="the error", dt_new="the new step size")
    names = (*spec.variables, *spec.arguments)
    for name in names:
        if name in reserved:
            raise DiffEqError(
                _RESERVED_MSG.format(
                    f=spec.fname, sig=spec.text, name=name, method=method, what=reserved[name]
                )
            )
