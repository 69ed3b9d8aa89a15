"""Methods of eqbrain modules that refuse to lose writes under JAX/Equinox transforms.

`model.step` is a pytree holding `model`, as in Equinox, so `eqx.filter_jit(model.step)`
and `eqx.filter_vmap(model.step)` trace it. But those transforms run the method on a
*copy* of the model made inside the trace: a Variable the method writes is the copy's,
and the write cannot reach the caller's model. Equinox drops such writes without a
word. Here the bound method notices: a bound method that was copied by a transform and
runs inside a trace checks, after the call, whether it wrote any Variable of its copied
`self`; if it did and does not return that `self` (the functional style, where the
caller gets the new model back), it raises `TraceLeakError` saying what to do.

The function a class gives for a method (`Net.step`, and `__call__`) does the same when
a transform calls it directly (`eqx.filter_jit(Net.step)(model, x)`,
`jax.grad(Net.loss)(model, x)`): `self` is then the transform's copy of its argument,
and what the method returns is what the transform returns. A method called by the
user's own function inside a transform (`eqx.filter_jit(lambda m, x: m.step(x))`) cannot
tell whether that function returns the model: see docs/equinox.md.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax.tree_util as jtu

from .._errors import TraceLeakError
from ._collect import walk
from ._trace import is_eager

LOST_MSG = """\
{how} ran `{name}` on a copy of the model made inside the transform, and `{name}` wrote \
{var}: that write cannot reach your model, and would be lost.
Do one of:
  - in-place style: `eqbrain.jit({target})(...)` (or `eqbrain.for_loop`), which \
writes Variables back into your model;
  - functional style: pass the model in and return it, \
`model = eqx.filter_jit(lambda m, *a: ({call}(*a), m)[1])(model, ...)`, or make \
`{name}` return `self`."""


# The attributes a bound method copies from its function, as `functools.wraps` does
# (Equinox's bound methods carry the same ones, so flattening keeps them).
_WRAPPER_FIELDS = ("__module__", "__name__", "__qualname__", "__doc__", "__annotations__")


class BoundMethod(eqx.Module):
    """`module.method`: calls `method(module, ...)`. An Equinox module, as Equinox's bound
    methods are: a pytree whose child is `module`, equal to another bound method of the
    same function when their modules are equal (`eqx.tree_equal`).

    A bound method rebuilt from its leaves (a transform's copy) watches its call: see
    the module docstring.
    """

    __func__: Any = eqx.field(static=True)
    __self__: Any

    @property
    def __signature__(self) -> inspect.Signature:
        # The function's signature without `self` (eqx.filter_jit binds arguments to it).
        sig = inspect.signature(self.__func__)
        return sig.replace(parameters=list(sig.parameters.values())[1:])

    @property
    def __wrapped__(self) -> Any:
        return self.__func__.__get__(self.__self__, type(self.__self__))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        d = object.__getattribute__(self, "__dict__")
        if _FRESH in d or is_eager():
            return self.__func__(self.__self__, *args, **kwargs)
        return _call_watched(self.__func__, self.__self__, args, kwargs)

    def __repr__(self) -> str:
        return f"<bound method {self.__func__.__qualname__} of {type(self.__self__).__name__}>"


# A key only a bound method made by attribute access holds: copies made by flattening
# (which keeps the fields and the wrapper attributes alone) lack it.
_FRESH = "_eqbrain_fresh"


_new = object.__new__
_set = object.__setattr__


def bind(func: Any, obj: Any, template: dict[str, Any]) -> BoundMethod:
    """`BoundMethod(func, obj)`, built as Equinox's unflattening builds a module (no
    `__init__`, no checks: this runs at every attribute access). `template` is
    `bound_template(func)`."""
    m = _new(BoundMethod)
    d = template.copy()
    d["__self__"] = obj
    _set(m, "__dict__", d)
    return m


def bound_template(func: Any) -> dict[str, Any]:
    """What every fresh bound method of `func` holds but its module: the function, the
    attributes it copies from it (as `functools.wraps` does) and the fresh mark."""
    out = {"__func__": func, "__self__": None}
    out.update((k, getattr(func, k)) for k in _WRAPPER_FIELDS if hasattr(func, k))
    out[_FRESH] = True
    return out


def _call_watched(
    func: Callable[..., Any], obj: Any, args: tuple, kwargs: dict[str, Any], how: str | None = None
) -> Any:
    cells = [v for _, _, own in walk(obj) for _, v in own]
    before = [v.raw_value for v in cells]
    out = func(obj, *args, **kwargs)
    written = [v for v, old in zip(cells, before) if v.raw_value is not old]
    owner = type(obj).__name__.lower()
    if written and not any(
        leaf is obj for leaf in jtu.tree_leaves(out, is_leaf=lambda x: x is obj)
    ):
        raise TraceLeakError(
            LOST_MSG.format(
                how=how
                or "A JAX/Equinox transform (eqx.filter_jit, eqx.filter_vmap, a diffrax "
                "term, ...) given the bound method",
                name=func.__name__,
                var=written[0].describe(),
                target=owner if func.__name__ == "__call__" else f"{owner}.{func.__name__}",
                call="m" if func.__name__ == "__call__" else f"m.{func.__name__}",
            )
        )
    return out


class Method:
    """The descriptor eqbrain puts in place of each method of a Module subclass:
    `obj.step` is a `BoundMethod`, `Cls.step` the function, watched (`watch_call`)."""

    __slots__ = ("fn", "unbound", "template", "__dict__")

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn
        self.unbound = watch_call(fn)
        self.template = bound_template(fn)
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        return self.unbound if obj is None else bind(self.fn, obj, self.template)


_JIT_WRAPPER: type = type(eqx.filter_jit(lambda: None))


def watch_jitted_method(value: Any) -> Callable[..., Any] | None:
    """For a method decorated with `@eqx.filter_jit` in an eqbrain class: the same
    decoration of a function that refuses to lose writes to `self` (Equinox passes a copy
    of the module as `self`); `None` for anything else."""
    if not isinstance(value, _JIT_WRAPPER):
        return None
    fn = value.__wrapped__
    if not inspect.isfunction(fn):
        return None
    donate_first = bool(getattr(value, "donate_first", False))
    donate_rest = bool(getattr(value, "donate_rest", False))
    donate = (
        "all" if donate_first and donate_rest else "all-except-first" if donate_rest else "none"
    )

    @functools.wraps(fn)
    def watched(self: Any, *args: Any, **kwargs: Any) -> Any:
        if is_eager():
            return fn(self, *args, **kwargs)
        how = "`@eqx.filter_jit` on the method (it passes a copy of the module as `self`)"
        return _call_watched(fn, self, args, kwargs, how)

    return eqx.filter_jit(watched, donate=donate)


# The modules whose code calls the function a JAX or Equinox transform was given, with
# the transform's copies of the arguments (`eqx.filter_jit(model)` also flattens the
# function itself): whatever that call returns is all the transform returns.
_TRANSFORM_CALLERS = {
    "equinox._jit": "eqx.filter_jit",
    "equinox._ad": "eqx.filter_grad (or filter_value_and_grad, filter_checkpoint, filter_jvp)",
    "equinox._vmap_pmap": "eqx.filter_vmap (or filter_pmap)",
    "equinox._eval_shape": "eqx.filter_eval_shape",
    "jax._src.interpreters.partial_eval": (
        "jax.jit (or jax.checkpoint, jax.eval_shape, lax.cond/scan/while_loop)"
    ),
    "jax._src.api_util": "jax.grad (or value_and_grad, jacrev, jacfwd)",
    "jax._src.interpreters.batching": "jax.vmap",
}


def watch_call(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`, a method's function (`__call__` included), refusing to lose writes when a
    JAX/Equinox transform calls it directly on its copy of the module:
    `eqx.filter_jit(model)(x)`, `eqx.filter_jit(Net.step)(model, x)`,
    `jax.grad(Net.loss)(model, x)`."""

    @functools.wraps(fn)
    def watched(*args: Any, **kwargs: Any) -> Any:
        if is_eager() or not args or not isinstance(args[0], eqx.Module):
            return fn(*args, **kwargs)
        transform = _TRANSFORM_CALLERS.get(sys._getframe(1).f_globals.get("__name__", ""))
        if transform is None:
            return fn(*args, **kwargs)
        if fn.__name__ == "__call__" and transform == "eqx.filter_jit":
            how = "`eqx.filter_jit(model)`"
        else:
            how = f"`{transform}` given `{type(args[0]).__name__}.{fn.__name__}`"
        return _call_watched(fn, args[0], args[1:], kwargs, how)

    return watched
