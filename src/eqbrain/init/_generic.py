"""`parameter`, `variable_`/`variable` and `noise`: turning "a number, an array or an
initializer" into the value a model stores (BrainPy's `bp.init` helpers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, overload

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .._core import Variable
from ._initializer import as_shape

_SCALARS = (bool, int, float, complex)
_MISSING = object()


def parameter(
    param: Any,
    sizes: int | Sequence[int],
    allow_none: bool = True,
    allow_scalar: bool = True,
) -> Any:
    """A parameter of shape `sizes` from a number, an array or an initializer.

    - `None` stays `None` (or `ValueError` with `allow_none=False`);
    - a Python number stays a number (with `allow_scalar`);
    - a callable (an initializer) is called as `param(sizes)`;
    - an array must have shape `sizes` (or be a scalar or of shape `(1,)` with
      `allow_scalar`) and comes back as a JAX array; a `Variable` comes back as is.

    **Arguments:**

    - `param`: the value or initializer.
    - `sizes`: the shape the parameter must have.
    - `allow_none`, `allow_scalar`: accept `None` / a scalar instead of a full array.

    ```python
    tau = eqbrain.init.parameter(10.0, 100)                       # 10.0
    w = eqbrain.init.parameter(eqbrain.init.Normal(), (100, 10))  # f32[100, 10]
    ```
    """
    if param is None:
        if allow_none:
            return None
        raise ValueError(
            "Expected a number, an array, an initializer or a function for this "
            "parameter, but got None."
        )
    shape = as_shape(sizes)
    if allow_scalar and isinstance(param, _SCALARS):
        return param
    if callable(param) and not isinstance(param, Variable):
        return param(shape)
    if isinstance(param, Variable):
        value_shape = param.shape
    elif isinstance(param, np.ndarray | jax.Array) or isinstance(param, _SCALARS):
        param = jnp.asarray(param)
        value_shape = param.shape
    else:
        raise ValueError(
            f"Unknown parameter type {type(param).__name__}: give a number, an array, an "
            "initializer or a function of the shape."
        )
    if allow_scalar and value_shape in ((), (1,)):
        return param
    if value_shape != shape:
        raise ValueError(f"The shape of the parameter should be {shape}, but got {value_shape}.")
    return param


def _batch_size(batch_or_mode: Any) -> int | None:
    """The batch size a `batch_or_mode` asks for, or `None` for no batch axis."""
    if batch_or_mode is None or batch_or_mode is False:
        return None
    if isinstance(batch_or_mode, bool | int | np.integer):
        return int(batch_or_mode)  # True: a batch of 1, as in BrainPy
    size = getattr(batch_or_mode, "batch_size", _MISSING)
    if isinstance(size, int | np.integer) and not isinstance(size, bool):
        return int(size)
    if size is None or (isinstance(size, tuple) and size == ()):
        return None  # a non-batching mode (BrainPy's has `batch_size == ()`)
    raise ValueError(
        f"batch_or_mode must be None, False, an int batch size or a mode with an int "
        f"`batch_size`, got {batch_or_mode!r}."
    )


def variable(
    init: Any,
    batch_or_mode: Any = None,
    sizes: int | Sequence[int] | None = None,
    batch_axis: int = 0,
    axis_names: Sequence[str | None] | None = None,
    batch_axis_name: str | None = None,
) -> Variable:
    """A `Variable` from an initializer or an array, with a batch axis when asked for.

    **Arguments:**

    - `init`: an initializer (called with the full shape) or an array of shape `sizes`.
    - `batch_or_mode`: `None`/`False` (no batch axis), a batch size, `True` (a batch of
      1), or a mode object with a `batch_size` (BrainPy's `BatchingMode`).
    - `sizes`: the shape without the batch axis (needed for an initializer).
    - `batch_axis`: where the batch axis goes (default 0).
    - `axis_names`: one name per axis of `sizes` (for sharding).
    - `batch_axis_name`: the name of the batch axis, when there is one.

    ```python
    V = eqbrain.init.variable(eqbrain.init.Constant(-65.0), 32, sizes=100)  # (32, 100)
    ```
    """
    shape = None if sizes is None else as_shape(sizes)
    batch = _batch_size(batch_or_mode)
    names = None
    if axis_names is not None:
        names = list(axis_names)
        if shape is None or len(names) != len(shape):
            raise ValueError(
                f"axis_names needs one name per axis of sizes={shape}, got {axis_names!r}."
            )
        if batch is not None:
            names.insert(batch_axis, batch_axis_name)
    if callable(init) and not isinstance(init, Variable):
        if shape is None:
            raise ValueError("`sizes` is needed when `init` is an initializer or a function.")
        full = shape if batch is None else shape[:batch_axis] + (batch,) + shape[batch_axis:]
        data = jnp.asarray(init(full))
    else:
        data = jnp.asarray(init.value if isinstance(init, Variable) else init)
        if shape is not None and data.shape != shape:
            raise ValueError(f"The shape of `init` {data.shape} does not match sizes={shape}.")
        if batch is not None:
            data = jnp.repeat(jnp.expand_dims(data, batch_axis), batch, axis=batch_axis)
    return Variable(data, batch_axis=None if batch is None else batch_axis, axis_names=names)


def variable_(
    init: Any,
    sizes: int | Sequence[int] | None = None,
    batch_or_mode: Any = None,
    batch_axis: int = 0,
    axis_names: Sequence[str | None] | None = None,
    batch_axis_name: str | None = None,
) -> Variable:
    """`variable` with `sizes` before `batch_or_mode` (BrainPy's `bp.init.variable_`).

    ```python
    V = eqbrain.init.variable_(eqbrain.init.ZeroInit(), 100)        # f32[100]
    ```
    """
    return variable(init, batch_or_mode, sizes, batch_axis, axis_names, batch_axis_name)


@overload
def noise(
    noises: None, size: int | Sequence[int], num_vars: int = 1, noise_idx: int = 0
) -> None: ...
@overload
def noise(
    noises: ArrayLike | Variable | Callable[..., Any],
    size: int | Sequence[int],
    num_vars: int = 1,
    noise_idx: int = 0,
) -> Callable[..., Any]: ...
def noise(
    noises: ArrayLike | Variable | Callable[..., Any] | None,
    size: int | Sequence[int],
    num_vars: int = 1,
    noise_idx: int = 0,
) -> Callable[..., Any] | None:
    """The noise function of an SDE from a number, an array, an initializer or a function.

    A function is returned as is; `None` stays `None`; anything else becomes a
    function returning `parameter(noises, size)` (in slot `noise_idx` of a tuple of
    `num_vars` when the system has several variables).
    """
    if noises is None:
        return None
    if callable(noises) and not isinstance(noises, Variable):
        return noises
    value: Any = parameter(noises, size, allow_none=False)
    if num_vars > 1:
        slots: list[Any] = [None] * num_vars
        slots[noise_idx] = value
        value = tuple(slots)
    return lambda *args, **kwargs: value
