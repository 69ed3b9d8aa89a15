"""`grad` and `value_and_grad`: gradients with respect to Variables, BrainPy style.

`Diff` is the engine shared with the Jacobian family (`_jacobian.py`): it runs the
function with the `grad_vars` and the `argnums` arguments as explicit inputs, hands the
pair to one JAX differentiation transform, arranges the derivatives in BrainPy's
structures, and writes back the Variables the forward pass changed.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import Any, Generic, ParamSpec, TypeVar, cast, overload

import jax
import jax.tree_util as jtu
from jax.core import Tracer
from jaxtyping import PyTree

from .._core import Variable, is_variable, top_level_lock
from ._engine import (
    read_values,
    swapped_call,
    touch_outer,
    write_back,
)

P = ParamSpec("P")
R = TypeVar("R")

_GRAD_VARS_MSG = """\
`grad_vars=` takes Variables: a Variable, a list/tuple/dict of them or an \
ArrayCollector such as `net.train_vars()`; got {what}."""

_OPERAND_MSG = """\
eqbrain.{name} differentiates with respect to argument {i}, but it holds a {what}, \
which is not an array. Pass a JAX/NumPy array or a Python float there (or a pytree of \
them), or differentiate with respect to Variables with `grad_vars=`."""

_AUX_MSG = """\
eqbrain.{name}(has_aux=True) expects the function to return a pair (value, aux); it \
returned {what}."""


def _check_operand(x: PyTree, i: int, name: str) -> None:
    for leaf in jtu.tree_leaves(x):
        if not (isinstance(leaf, jax.Array | Tracer | float | complex) or hasattr(leaf, "dtype")):
            raise TypeError(_OPERAND_MSG.format(name=name, i=i, what=type(leaf).__name__))


class Diff(abc.ABC, Generic[P]):
    """A function differentiated with respect to Variables and/or arguments.

    Subclasses choose the JAX transform (`_apply`) and how its result is arranged
    and returned (`__call__`, which takes the function's arguments).
    """

    def __init__(
        self,
        fn: Callable[P, object],
        grad_vars: PyTree[Variable] | None,
        argnums: int | Sequence[int] | None,
        has_aux: bool | None,
        return_value: bool,
        name: str,
        jax_kwargs: dict[str, Any],
    ):
        if not callable(fn):
            raise TypeError(f"eqbrain.{name} expects a callable, got {type(fn).__name__}.")
        self.fn: Callable[..., Any] = fn
        self._name = name
        if grad_vars is not None:
            leaves, self._var_def = jtu.tree_flatten(grad_vars, is_leaf=is_variable)
            for leaf in leaves:
                if not isinstance(leaf, Variable):
                    raise TypeError(_GRAD_VARS_MSG.format(what=type(leaf).__name__))
            self._vars: list[Variable] | None = leaves
        else:
            self._vars = None
        if argnums is None and grad_vars is None:
            argnums = 0
        self._single = isinstance(argnums, int)
        self._argnums: tuple[int, ...] = (
            () if argnums is None else (argnums,) if isinstance(argnums, int) else tuple(argnums)
        )
        self._has_aux = bool(has_aux)
        self._return_value = bool(return_value)
        self._jax_kwargs = jax_kwargs
        self.__wrapped__ = fn

    def __repr__(self) -> str:
        return f"eqbrain.{self._name}({self.fn!r})"

    # -- the engine -------------------------------------------------------------------

    @abc.abstractmethod
    def _apply(
        self, inner: Callable, var_values: list[jax.Array], arg_values: list[PyTree]
    ) -> tuple[PyTree, PyTree]:
        """`(derivatives, (value, aux, new))` of `inner` with respect to both inputs."""

    def _run(self, args: tuple, kwargs: dict[str, Any]) -> tuple[PyTree, PyTree, PyTree]:
        """(derivatives, value, aux); writes the Variables the function changed back."""
        fn, argnums, variables = self.fn, self._argnums, self._vars or []
        for i in argnums:
            if i >= len(args):
                raise TypeError(
                    f"eqbrain.{self._name}: argnums={i} but the function got {len(args)} "
                    "positional arguments."
                )
            _check_operand(args[i], i, self._name)
        ran_: list = []  # what the trace of `inner` found out

        def call(arg_values):
            a = list(args)
            for i, value in zip(argnums, arg_values):
                a[i] = value
            out: PyTree = fn(*a, **kwargs)
            if self._has_aux and not (isinstance(out, tuple | list) and len(out) == 2):
                raise TypeError(_AUX_MSG.format(name=self._name, what=type(out).__name__))
            return out

        def inner(var_values, arg_values):
            ran = swapped_call(call, variables, var_values, arg_values, name=self._name)
            ran_.append(ran)
            value, aux = ran.out if self._has_aux else (ran.out, None)
            return value, (value, aux, ran.new(ran.wrote(ran.touched)))

        with top_level_lock():  # the call and the write-back: one step for other threads
            var_values = read_values(variables)
            derivs, (value, aux, new) = self._apply(inner, var_values, [args[i] for i in argnums])
            ran = ran_[-1]
            touch_outer(ran.touched)  # read-only Variables too: an enclosing jit feeds them
            write_back(ran.wrote(ran.touched), new)
        return derivs, value, aux

    # -- structures -------------------------------------------------------------------

    def _split(self, var_part: PyTree, arg_part: PyTree) -> PyTree:
        """BrainPy's structure: `var_grads` (shaped like `grad_vars`), `arg_grads` (one
        or a tuple, as `argnums`), or `(var_grads, arg_grads)` when both are asked for."""
        gv = None if self._vars is None else self._var_def.unflatten(var_part)
        ga = arg_part[0] if self._single else tuple(arg_part)
        if self._vars is None:
            return ga
        if not self._argnums:
            return gv
        return gv, ga

    def _returns(self, grads: PyTree, value: PyTree, aux: PyTree) -> PyTree:
        if self._return_value:
            return (grads, value, aux) if self._has_aux else (grads, value)
        return (grads, aux) if self._has_aux else grads


class _Grad(Diff[P]):
    def _apply(
        self, inner: Callable, var_values: list[jax.Array], arg_values: list[PyTree]
    ) -> tuple[PyTree, PyTree]:
        return jax.grad(inner, argnums=(0, 1), has_aux=True, **self._jax_kwargs)(
            var_values, arg_values
        )

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> PyTree:
        (gv, ga), value, aux = self._run(args, kwargs)
        return self._returns(self._split(gv, ga), value, aux)


class _ValueAndGrad(_Grad[P], Generic[P, R]):
    def __init__(self, fn: Callable[P, R], *args: Any):
        super().__init__(fn, *args)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> tuple[R, PyTree]:
        (gv, ga), value, aux = self._run(args, kwargs)
        grads = self._split(gv, ga)
        out = ((value, aux), grads) if self._has_aux else (value, grads)
        return cast("tuple[R, PyTree]", out)


@overload
def grad(
    fn: Callable[P, object],
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    holomorphic: bool = False,
    allow_int: bool = False,
    has_aux: bool | None = None,
    return_value: bool = False,
    **jax_kwargs: Any,
) -> _Grad[P]: ...
@overload
def grad(
    *,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    holomorphic: bool = False,
    allow_int: bool = False,
    has_aux: bool | None = None,
    return_value: bool = False,
    **jax_kwargs: Any,
) -> Callable[[Callable[P, object]], _Grad[P]]: ...
def grad(
    fn: Callable[P, object] | None = None,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    holomorphic: bool = False,
    allow_int: bool = False,
    has_aux: bool | None = None,
    return_value: bool = False,
    **jax_kwargs: Any,
) -> _Grad[P] | Callable[[Callable[P, object]], _Grad[P]]:
    """The gradient of a scalar function with respect to Variables and/or arguments.

    As `brainpy.math.grad`: the function may read and write any Variable (through its
    arguments, `self` or closures); Variables it changes during the forward pass are
    written back to the caller's cells, as in `eqbrain.jit`. Gradients with respect to
    `grad_vars` come back in the same structure as `grad_vars` (a list, a dict, an
    `ArrayCollector`).

    **Arguments:**

    - `fn`: a function returning a scalar (or `(scalar, aux)` with `has_aux=True`).
    - `grad_vars`: the Variables to differentiate with respect to, e.g.
      `net.train_vars()`.
    - `argnums`: the positional arguments to differentiate with respect to (default `0`
      when `grad_vars` is not given).
    - `holomorphic`, `allow_int`: as for `jax.grad`.
    - `has_aux`: whether `fn` returns `(value, aux)`.
    - `return_value`: also return the value.

    **Returns:** a function returning `grads`; `(grads, aux)` with `has_aux`;
    `(grads, value)` with `return_value`; `(grads, value, aux)` with both. With both
    `grad_vars` and `argnums`, `grads` is `(var_grads, arg_grads)`. Type checkers see
    the parameters of `fn`.

    ```python
    f = eqbrain.grad(net.loss, grad_vars=net.train_vars(), return_value=True)
    grads, loss = f(x, y)        # grads: {'Net0.w': ..., ...}
    ```
    """
    kw: dict[str, Any] = dict(holomorphic=holomorphic, allow_int=allow_int, **jax_kwargs)

    def make(f: Callable[P, object]) -> _Grad[P]:
        return _Grad(f, grad_vars, argnums, has_aux, return_value, "grad", kw)

    return make if fn is None else make(fn)


@overload
def value_and_grad(
    fn: Callable[P, R],
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    **jax_kwargs: Any,
) -> _ValueAndGrad[P, R]: ...
@overload
def value_and_grad(
    *,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    **jax_kwargs: Any,
) -> Callable[[Callable[P, R]], _ValueAndGrad[P, R]]: ...
def value_and_grad(
    fn: Callable[P, R] | None = None,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    **jax_kwargs: Any,
) -> _ValueAndGrad[P, R] | Callable[[Callable[P, R]], _ValueAndGrad[P, R]]:
    """As `grad`, returning `(value, grads)` (or `((value, aux), grads)`), like
    `jax.value_and_grad`; type checkers see the parameters and return type of `fn`.

    **Arguments:** as `grad` (without `return_value`).

    ```python
    loss, grads = eqbrain.value_and_grad(net.loss, grad_vars=net.train_vars())(x, y)
    ```
    """

    def make(f: Callable[P, R]) -> _ValueAndGrad[P, R]:
        return _ValueAndGrad(f, grad_vars, argnums, has_aux, False, "value_and_grad", jax_kwargs)

    return make if fn is None else make(fn)
