"""`jacrev`, `jacfwd`, `hessian` and `vector_grad` with respect to Variables, BrainPy style.

Built on `Diff` (`_grad.py`), so the function may read and write any Variable, and the
Variables its forward pass changes are written back once per call, as in `eqbrain.grad`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, overload

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
from jaxtyping import PyTree

from .._core import Variable
from ._grad import Diff

P = ParamSpec("P")


class _Jacobian(Diff[P]):
    """`jax.jacrev` or `jax.jacfwd` of the function."""

    def __init__(self, how: Callable, fn: Callable[P, object], *args: Any):
        super().__init__(fn, *args)
        self._how = how

    def _apply(
        self, inner: Callable, var_values: list[jax.Array], arg_values: list[PyTree]
    ) -> tuple[PyTree, PyTree]:
        return self._how(inner, argnums=(0, 1), has_aux=True, **self._jax_kwargs)(
            var_values, arg_values
        )

    def _arrange(self, derivs: PyTree, value: PyTree) -> PyTree:
        out_def = jtu.tree_structure(value)
        per_output = [self._split(*pair) for pair in out_def.flatten_up_to(derivs)]
        return out_def.unflatten(per_output)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> PyTree:
        derivs, value, aux = self._run(args, kwargs)
        return self._returns(self._arrange(derivs, value), value, aux)


class _Hessian(_Jacobian[P]):
    """`jax.hessian` of the function: the second derivative block by block."""

    def _arrange(self, derivs: PyTree, value: PyTree) -> PyTree:
        out_def = jtu.tree_structure(value)

        def blocks(pair: tuple[list, list]) -> PyTree:
            by_var, by_arg = pair
            return self._split(
                [self._split(*row) for row in by_var], [self._split(*row) for row in by_arg]
            )

        return out_def.unflatten([blocks(pair) for pair in out_def.flatten_up_to(derivs)])


class _VectorGrad(Diff[P]):
    """The vector-Jacobian product with a cotangent of ones: the gradient of the sum of
    every output element, without summing first."""

    def _apply(
        self, inner: Callable, var_values: list[jax.Array], arg_values: list[PyTree]
    ) -> tuple[PyTree, PyTree]:
        value, pullback, rest = jax.vjp(inner, var_values, arg_values, has_aux=True)
        ones = jtu.tree_map(lambda y: jnp.ones_like(y), value)
        return pullback(ones), rest

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> PyTree:
        (gv, ga), value, aux = self._run(args, kwargs)
        return self._returns(self._split(gv, ga), value, aux)


@overload
def jacrev(
    fn: Callable[P, object],
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    return_value: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> _Jacobian[P]: ...
@overload
def jacrev(
    *,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    return_value: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable[[Callable[P, object]], _Jacobian[P]]: ...
def jacrev(
    fn: Callable[P, object] | None = None,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    return_value: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> _Jacobian[P] | Callable[[Callable[P, object]], _Jacobian[P]]:
    """The Jacobian of `fn` (reverse mode), with respect to Variables and/or arguments.

    As `brainpy.math.jacrev`: like `jax.jacrev`, for functions that read and write
    Variables; those changed during the call are written back, as in `eqbrain.grad`.

    **Arguments:**

    - `fn`: the function (a plain function, a bound method or a callable module).
    - `grad_vars`: the Variables to differentiate with respect to (a Variable, a
      list/tuple/dict of them, an `ArrayCollector`).
    - `argnums`: the positional arguments to differentiate with respect to (default `0`
      when `grad_vars` is not given).
    - `has_aux`: whether `fn` returns `(value, aux)`.
    - `return_value`: also return the value.
    - `holomorphic`, `allow_int`: as for `jax.jacrev`.

    **Returns:** a function returning `jac`; `(jac, aux)` with `has_aux`; `(jac, value)`
    with `return_value`; `(jac, value, aux)` with both. `jac` is shaped like
    `eqbrain.grad`'s gradients: `var_jac` (like `grad_vars`), `arg_jac` (one or a tuple,
    like `argnums`), or `(var_jac, arg_jac)` when both are given. A function with several
    outputs (a tuple, a dict) gets one such `jac` per output, in the output's structure,
    as `jax.jacrev` does.

    ```python
    jac = eqbrain.jacrev(net, grad_vars=net.x)()        # d net() / d net.x
    ```
    """
    kw: dict[str, Any] = dict(holomorphic=holomorphic, allow_int=allow_int)

    def make(f: Callable[P, object]) -> _Jacobian[P]:
        return _Jacobian(jax.jacrev, f, grad_vars, argnums, has_aux, return_value, "jacrev", kw)

    return make if fn is None else make(fn)


@overload
def jacfwd(
    fn: Callable[P, object],
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    return_value: bool = False,
    holomorphic: bool = False,
) -> _Jacobian[P]: ...
@overload
def jacfwd(
    *,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    return_value: bool = False,
    holomorphic: bool = False,
) -> Callable[[Callable[P, object]], _Jacobian[P]]: ...
def jacfwd(
    fn: Callable[P, object] | None = None,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    return_value: bool = False,
    holomorphic: bool = False,
) -> _Jacobian[P] | Callable[[Callable[P, object]], _Jacobian[P]]:
    """The Jacobian of `fn` (forward mode), with respect to Variables and/or arguments.

    As `brainpy.math.jacfwd`: like `jax.jacfwd`, for functions that read and write
    Variables; those changed during the call are written back, as in `eqbrain.grad`.

    **Arguments:** as `jacrev` (`holomorphic` as for `jax.jacfwd`; no `allow_int`).

    **Returns:** a function returning `jac`; `(jac, aux)` with `has_aux`; `(jac, value)`
    with `return_value`; `(jac, value, aux)` with both. `jac` is shaped like
    `eqbrain.grad`'s gradients: `var_jac` (like `grad_vars`), `arg_jac` (one or a tuple,
    like `argnums`), or `(var_jac, arg_jac)` when both are given. A function with several
    outputs (a tuple, a dict) gets one such `jac` per output, in the output's structure,
    as `jax.jacrev` does.

    ```python
    var_jac, arg_jac = eqbrain.jacfwd(net, grad_vars=net.x, argnums=0)(y)
    ```
    """
    kw: dict[str, Any] = dict(holomorphic=holomorphic)

    def make(f: Callable[P, object]) -> _Jacobian[P]:
        return _Jacobian(jax.jacfwd, f, grad_vars, argnums, has_aux, return_value, "jacfwd", kw)

    return make if fn is None else make(fn)


@overload
def jacobian(
    fn: Callable[P, object],
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    return_value: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> _Jacobian[P]: ...
@overload
def jacobian(
    *,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    return_value: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable[[Callable[P, object]], _Jacobian[P]]: ...
def jacobian(
    fn: Callable[P, object] | None = None,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    return_value: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> _Jacobian[P] | Callable[[Callable[P, object]], _Jacobian[P]]:
    """`jacrev` under BrainPy's other name, `brainpy.math.jacobian`.

    **Arguments:** as `jacrev`.

    ```python
    jac = eqbrain.jacobian(f)(x)
    ```
    """
    kw: dict[str, Any] = dict(
        grad_vars=grad_vars,
        argnums=argnums,
        has_aux=has_aux,
        return_value=return_value,
        holomorphic=holomorphic,
        allow_int=allow_int,
    )
    return jacrev(**kw) if fn is None else jacrev(fn, **kw)


@overload
def hessian(
    fn: Callable[P, object],
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    holomorphic: bool = False,
) -> _Hessian[P]: ...
@overload
def hessian(
    *,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    holomorphic: bool = False,
) -> Callable[[Callable[P, object]], _Hessian[P]]: ...
def hessian(
    fn: Callable[P, object] | None = None,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    has_aux: bool | None = None,
    holomorphic: bool = False,
) -> _Hessian[P] | Callable[[Callable[P, object]], _Hessian[P]]:
    """The Hessian of a scalar `fn` with respect to Variables and/or arguments.

    As `brainpy.math.hessian` (`jax.hessian` for functions that read and write
    Variables; those changed during the call are written back). The blocks are arranged
    as the gradients of `eqbrain.grad`, twice: with only `grad_vars` (or only
    `argnums`), `hess[a][b]` is the block of the second derivative with respect to
    entries `a` and `b`. With both, `hess` is `(var_rows, arg_rows)`: `var_rows` is
    shaped like `grad_vars`, `arg_rows` like `argnums`, and each row is a
    `(var_blocks, arg_blocks)` pair shaped the same way (BrainPy refuses this case).

    **Arguments:**

    - `fn`: a function returning a scalar (or `(scalar, aux)` with `has_aux=True`).
    - `grad_vars`, `argnums`, `has_aux`: as for `grad`.
    - `holomorphic`: as for `jax.hessian`.

    **Returns:** a function returning `hess`, or `(hess, aux)` with `has_aux`.

    ```python
    hess = eqbrain.hessian(loss, grad_vars=net.train_vars())(x, y)
    hess["Net0.w"]["Net0.w"]          # d2 loss / d w d w
    ```
    """
    kw: dict[str, Any] = dict(holomorphic=holomorphic)

    def make(f: Callable[P, object]) -> _Hessian[P]:
        return _Hessian(jax.hessian, f, grad_vars, argnums, has_aux, False, "hessian", kw)

    return make if fn is None else make(fn)


@overload
def vector_grad(
    fn: Callable[P, object],
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    return_value: bool = False,
    has_aux: bool | None = None,
) -> _VectorGrad[P]: ...
@overload
def vector_grad(
    *,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    return_value: bool = False,
    has_aux: bool | None = None,
) -> Callable[[Callable[P, object]], _VectorGrad[P]]: ...
def vector_grad(
    fn: Callable[P, object] | None = None,
    grad_vars: PyTree[Variable] | None = None,
    argnums: int | Sequence[int] | None = None,
    return_value: bool = False,
    has_aux: bool | None = None,
) -> _VectorGrad[P] | Callable[[Callable[P, object]], _VectorGrad[P]]:
    """The gradient of a vector-valued `fn`: the pullback of a cotangent of ones.

    As `brainpy.math.vector_grad`: for `f(x) = x ** 2` it returns `2 * x`, elementwise,
    with the shape of `x` (not the Jacobian matrix). Several outputs are summed. The
    function may read and write Variables; those changed are written back.

    **Arguments:**

    - `fn`: the function (or, called without it, a decorator is returned).
    - `grad_vars`, `argnums`, `has_aux`, `return_value`: as for `grad`.

    **Returns:** as `grad`.

    ```python
    dv = eqbrain.vector_grad(lambda v: v ** 3)(jnp.arange(3.0))   # 3 v**2
    ```
    """

    def make(f: Callable[P, object]) -> _VectorGrad[P]:
        return _VectorGrad(f, grad_vars, argnums, has_aux, return_value, "vector_grad", {})

    return make if fn is None else make(fn)
