"""`grad` and `value_and_grad`: gradients with respect to Variables, BrainPy style."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.tree_util as jtu
from jax.core import Tracer

from ..core import StateTrace, Variable, current_trace, is_variable
from ._engine import check_outputs, outer_variables, write_back

_GRAD_VARS_MSG = """\
`grad_vars=` takes Variables: a Variable, a list/tuple/dict of them or an \
ArrayCollector such as `net.train_vars()`; got {what}."""

_OPERAND_MSG = """\
eqbrain.{name} differentiates with respect to argument {i}, but it holds a {what}, \
which is not an array. Pass a JAX/NumPy array or a Python float there (or a pytree of \
them), or differentiate with respect to Variables with `grad_vars=`."""


def _check_operand(x: Any, i: int, name: str) -> None:
    for leaf in jtu.tree_leaves(x):
        if not (isinstance(leaf, jax.Array | Tracer | float | complex) or hasattr(leaf, "dtype")):
            raise TypeError(_OPERAND_MSG.format(name=name, i=i, what=type(leaf).__name__))


class _Grad:
    def __init__(self, fn, grad_vars, argnums, has_aux, return_value, name, jax_kwargs):
        if not callable(fn):
            raise TypeError(f"eqbrain.{name} expects a callable, got {type(fn).__name__}.")
        self.fn = fn
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
        self._return_value = return_value
        self._jax_kwargs = jax_kwargs
        self.__wrapped__ = fn

    def _run(self, args: tuple, kwargs: dict):
        """(value, aux, var_grads, arg_grads); writes changed Variables back."""
        fn, argnums, variables = self.fn, self._argnums, self._vars or []
        for i in argnums:
            if i >= len(args):
                raise TypeError(
                    f"eqbrain.{self._name}: argnums={i} but the function got {len(args)} "
                    "positional arguments."
                )
            _check_operand(args[i], i, self._name)
        side: dict = {}

        def inner(var_values, arg_values):
            st = StateTrace()
            with st:
                inner_trace = current_trace()
                try:
                    st.swap_in(variables, var_values)
                    a = list(args)
                    for i, value in zip(argnums, arg_values):
                        a[i] = value
                    out: Any = fn(*a, **kwargs)
                    value, aux = out if self._has_aux else (out, None)
                    check_outputs(out, self._name)
                    changed = [v for v in outer_variables(st, inner_trace) if id(v) in st.written]
                    new = [v.raw_value for v in changed]
                finally:
                    st.restore()
            side["changed"] = changed
            return value, (aux, new)

        (value, (aux, new)), (var_grads, arg_grads) = jax.value_and_grad(
            inner, argnums=(0, 1), has_aux=True, **self._jax_kwargs
        )([v.raw_value for v in variables], [args[i] for i in argnums])
        write_back(side["changed"], new)
        return value, aux, var_grads, arg_grads

    def _grads(self, var_grads, arg_grads):
        gv = None if self._vars is None else self._var_def.unflatten(var_grads)
        ga = arg_grads[0] if self._single else tuple(arg_grads)
        if self._vars is None:
            return ga
        if not self._argnums:
            return gv
        return gv, ga

    def __call__(self, *args, **kwargs):
        value, aux, var_grads, arg_grads = self._run(args, kwargs)
        grads = self._grads(var_grads, arg_grads)
        if self._return_value:
            return (grads, value, aux) if self._has_aux else (grads, value)
        return (grads, aux) if self._has_aux else grads


class _ValueAndGrad(_Grad):
    def __call__(self, *args, **kwargs):
        value, aux, var_grads, arg_grads = self._run(args, kwargs)
        grads = self._grads(var_grads, arg_grads)
        return ((value, aux), grads) if self._has_aux else (value, grads)


def grad(
    fn: Callable | None = None,
    grad_vars: Any = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    return_value: bool = False,
    **jax_kwargs: Any,
) -> Callable:
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
    - `has_aux`: whether `fn` returns `(value, aux)`.
    - `return_value`: also return the value.
    - `**jax_kwargs`: passed on to `jax.value_and_grad` (`holomorphic`, `allow_int`).

    **Returns:** a function returning `grads`; `(grads, aux)` with `has_aux`;
    `(grads, value)` with `return_value`; `(grads, value, aux)` with both. With both
    `grad_vars` and `argnums`, `grads` is `(var_grads, arg_grads)`.

    ```python
    f = eqbrain.grad(net.loss, grad_vars=net.train_vars(), return_value=True)
    grads, loss = f(x, y)        # grads: {'Net0.w': ..., ...}
    ```
    """
    if fn is None:
        return functools.partial(
            grad,
            grad_vars=grad_vars,
            argnums=argnums,
            has_aux=has_aux,
            return_value=return_value,
            **jax_kwargs,
        )
    return _Grad(fn, grad_vars, argnums, has_aux, return_value, "grad", jax_kwargs)


def value_and_grad(
    fn: Callable | None = None,
    grad_vars: Any = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    **jax_kwargs: Any,
) -> Callable:
    """Like `eqbrain.grad`, returning `(value, grads)` in JAX's order.

    **Arguments:** as `eqbrain.grad` (without `return_value`).

    **Returns:** `(value, grads)`, or `((value, aux), grads)` with `has_aux=True`.

    ```python
    loss, grads = eqbrain.value_and_grad(net.loss, grad_vars=net.train_vars())(x, y)
    ```
    """
    if fn is None:
        return functools.partial(
            value_and_grad, grad_vars=grad_vars, argnums=argnums, has_aux=has_aux, **jax_kwargs
        )
    return _ValueAndGrad(fn, grad_vars, argnums, has_aux, False, "value_and_grad", jax_kwargs)
