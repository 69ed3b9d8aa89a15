"""`Variable`: the one mutable cell of an eqbrain model, and its subclasses."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax.core import Tracer

from .._errors import MathError, TraceLeakError
from ._trace import _local, current_trace, is_managed

_VALUE_KEY = jtu.GetAttrKey("value")

TRACE_LEAK_MSG = """\
Cannot write a traced value into {var}: that Variable was created outside the \
transform being traced (jax.jit, eqx.filter_jit, jax.grad, jax.vmap, lax.scan, ...), \
so the tracer would leak out of it.
Fix the call in one of two ways:
  - functional style: pass the model into the transformed function as an argument and \
return it, e.g. `model = eqx.filter_jit(step)(model)`;
  - in-place style: use `eqbrain.jit`, `eqbrain.grad` or `eqbrain.for_loop`, which \
write Variables back to the caller's cells."""

LOST_WRITE_MSG = """\
Cannot write into {var} here: that Variable was created outside the transform being \
traced (jax.jit, eqx.filter_jit, jax.vmap, lax.scan, ...), and a write made while \
tracing happens once, at trace time, and is lost on every later call.
Fix the call in one of two ways:
  - functional style: pass the model into the transformed function as an argument and \
return it, e.g. `model = eqx.filter_jit(step)(model)`;
  - in-place style: use `eqbrain.jit`, `eqbrain.grad` or `eqbrain.for_loop`, which \
write Variables back to the caller's cells."""


def _shape_of(x) -> tuple[int, ...]:
    return tuple(np.shape(x))


def shape_without(shape: tuple[int, ...], axis: int | None) -> tuple[int, ...]:
    return shape if axis is None else shape[:axis] + shape[axis + 1 :]


def _register(cls: type) -> None:
    jtu.register_pytree_with_keys(
        cls,
        flatten_with_keys=cls._tree_flatten_with_keys,
        unflatten_func=cls._tree_unflatten,
        flatten_func=cls._tree_flatten,
    )


class Variable:
    """A mutable array cell: the only thing in an eqbrain model that changes in place.

    A Variable is a pytree node whose single child is its value, so `jax.tree_util`,
    `eqx.filter_jit`, `eqx.tree_at` and friends see through it. Writing a new value
    keeps the shape (up to the batch axis) and dtype, or raises `MathError`.

    **Arguments:**

    - `value_or_size`: the initial value (anything `jnp.asarray` accepts), or an `int` /
      tuple of `int`s giving the shape of a zero-filled Variable (as in BrainPy).
    - `dtype`: cast the initial value to this dtype.
    - `batch_axis`: the axis whose size may change between writes (a batch of trials).
    - `axis_names`: one name (or `None`) per axis, used for sharding.

    ```python
    v = eqbrain.Variable(jnp.zeros(3))
    v.value = jnp.ones(3)        # same cell, new value
    v += 1                       # in place too
    v.value = jnp.ones(4)        # MathError: the shape of the original data is (3,) ...
    ```
    """

    __slots__ = (
        "_value",
        "_batch_axis",
        "_axis_names",
        "_trace",
        "_label",
        "__weakref__",
    )

    def __init__(
        self,
        value_or_size: Any,
        dtype: Any = None,
        batch_axis: int | None = None,
        *,
        axis_names: Sequence[str | None] | None = None,
    ):
        if isinstance(value_or_size, Variable):
            value = value_or_size.value
            value = value if dtype is None else jnp.asarray(value, dtype=dtype)
        elif isinstance(value_or_size, int) and not isinstance(value_or_size, bool):
            value = jnp.zeros(value_or_size, dtype=dtype)
        elif (
            isinstance(value_or_size, tuple)
            and value_or_size
            and all(isinstance(s, int) for s in value_or_size)
        ):
            value = jnp.zeros(value_or_size, dtype=dtype)
        else:
            # An explicit dtype also drops JAX's weak type (`Variable(1.0)` is strong f32).
            dtype = jnp.result_type(value_or_size) if dtype is None else dtype
            value = jnp.asarray(value_or_size, dtype=dtype)
        ndim = np.ndim(value)
        if batch_axis is not None:
            if not isinstance(batch_axis, int) or not -ndim <= batch_axis < max(ndim, 1):
                raise MathError(
                    f"batch_axis={batch_axis!r} is out of range for a value of shape "
                    f"{_shape_of(value)}."
                )
            batch_axis = batch_axis % ndim
        if axis_names is not None:
            axis_names = tuple(axis_names)
            if len(axis_names) != ndim or not all(
                a is None or isinstance(a, str) for a in axis_names
            ):
                raise MathError(
                    f"axis_names={axis_names!r} must give one name (or None) for each "
                    f"of the {ndim} axes of a value of shape {_shape_of(value)}."
                )
        self._value = value
        self._batch_axis = batch_axis
        self._axis_names = axis_names
        self._trace = current_trace()
        self._label = None

    # -- pytree -----------------------------------------------------------------------

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _register(cls)

    def _tree_flatten(self):
        return (self._value,), (self._batch_axis, self._axis_names)

    def _tree_flatten_with_keys(self):
        return ((_VALUE_KEY, self._value),), (self._batch_axis, self._axis_names)

    @classmethod
    def _tree_unflatten(cls, aux, children):
        # Accept any child (None, tree_at sentinels, ShapeDtypeStruct, tracers).
        self = object.__new__(cls)
        self._value = children[0]
        self._batch_axis, self._axis_names = aux
        self._trace = current_trace()
        self._label = None
        return self

    # -- the value --------------------------------------------------------------------

    @property
    def value(self) -> Any:
        """The current value. Assigning checks shape and dtype, then writes in place."""
        stack = _local.stack
        if stack:
            stack[-1].touch(self)
        return self._value

    @value.setter
    def value(self, new: Any) -> None:
        self.write_value(self.check_value(new))

    # -- the public API transforms and loaders use -------------------------------------

    @property
    def raw_value(self) -> Any:
        """The stored value, read and written with no check and no recording.

        For transforms that swap tracers in and out of cells; user code writes `value`.
        """
        return self._value

    @raw_value.setter
    def raw_value(self, new: Any) -> None:
        self._value = new

    def check_value(self, new: Any) -> Any:
        """`new` as an array fit for this Variable (shape up to the batch axis, dtype,
        no tracer leak), or `MathError`/`TraceLeakError`. Nothing is written."""
        new = self._check(new)
        self._guard_leak(new)
        return new

    def write_value(self, new: Any) -> None:
        """Store a value returned by `check_value` (recorded as a write by an enclosing
        eqbrain transform). Loaders check every value first, then write them all."""
        stack = _local.stack
        if stack:
            stack[-1].mark_written(self)
        self._value = new

    @property
    def created_in(self) -> Any:
        """The opaque token of the JAX trace this cell was created in."""
        return self._trace

    @property
    def label(self) -> str | None:
        """The path that names this Variable in error messages (`Net0.E.V`), if known."""
        return self._label

    @label.setter
    def label(self, label: str | None) -> None:
        self._label = label

    def describe(self) -> str:
        """`Variable 'Net0.E.V' (f32[4000])`: how errors name this Variable."""
        return self._describe()

    def _check(self, new: Any) -> Any:
        """Return `new` as an array fit for this Variable, or raise `MathError`."""
        if isinstance(new, Variable):
            new = new._value
        if not isinstance(new, jax.Array | Tracer):
            scalar = isinstance(new, bool | int | float | complex)
            try:
                arr = jnp.asarray(new)
            except TypeError as e:
                raise MathError(
                    f"Cannot write an object of type {type(new).__name__} into "
                    f"{self._describe()}: it is not an array."
                ) from e
            if (
                scalar
                and arr.dtype != self.dtype
                and np.can_cast(arr.dtype, self.dtype, casting="same_kind")
            ):
                arr = arr.astype(self.dtype)
            new = arr
        old_shape, new_shape = self.shape, tuple(new.shape)
        axis = self._batch_axis
        if old_shape != new_shape and (
            axis is None
            or len(old_shape) != len(new_shape)
            or shape_without(old_shape, axis) != shape_without(new_shape, axis)
        ):
            raise MathError(
                f"The shape of the original data is {old_shape}, while we got "
                f"{new_shape} with batch_axis={axis}."
            )
        if new.dtype != self.dtype:
            raise MathError(
                f"The dtype of the original data is {self.dtype}, while we got {new.dtype}."
            )
        if getattr(new.aval if isinstance(new, Tracer) else new, "weak_type", False):
            # A weakly typed value (`jnp.full(3, 1.0)`) would make jit retrace.
            new = jax.lax.convert_element_type(new, self.dtype)
        return new

    def _guard_leak(self, new: Any) -> None:
        if self._trace != current_trace() and not is_managed(self):
            msg = TRACE_LEAK_MSG if isinstance(new, Tracer) else LOST_WRITE_MSG
            raise TraceLeakError(msg.format(var=self._describe()))

    def _describe(self) -> str:
        label = f" {self._label!r}" if self._label else ""
        return f"{type(self).__name__}{label} ({_summary(self._value)})"

    def update(self, value: Any) -> None:
        """Write `value` (BrainPy's `Variable.update`); same as `self.value = value`."""
        self.value = value

    # -- metadata ---------------------------------------------------------------------

    @property
    def batch_axis(self) -> int | None:
        return self._batch_axis

    @property
    def axis_names(self) -> tuple[str | None, ...] | None:
        return self._axis_names

    @property
    def batch_size(self) -> int | None:
        return None if self._batch_axis is None else self.shape[self._batch_axis]

    @property
    def shape(self) -> tuple[int, ...]:
        return _shape_of(self._value)

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def T(self):
        return self.value.T

    # -- behaving like an array -------------------------------------------------------

    def __repr__(self) -> str:
        return f"{type(self).__name__}({_summary(self._value)})"

    __hash__ = object.__hash__

    def __len__(self) -> int:
        return len(self.value)

    def __iter__(self):
        return iter(self.value)

    def __bool__(self) -> bool:
        return bool(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __index__(self) -> int:
        return operator.index(self.value)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value, dtype=dtype)

    def __getitem__(self, index):
        return self.value[index]

    def __setitem__(self, index, new) -> None:
        if isinstance(new, Variable):
            new = new.value
        self.value = self.value.at[index].set(new)

    def __neg__(self):
        return -self.value

    def __pos__(self):
        return +self.value

    def __abs__(self):
        return abs(self.value)

    def __invert__(self):
        return ~self.value

    def astype(self, dtype):
        return self.value.astype(dtype)

    def reshape(self, *shape):
        return self.value.reshape(*shape)

    def sum(self, *args, **kwargs):
        return self.value.sum(*args, **kwargs)

    def mean(self, *args, **kwargs):
        return self.value.mean(*args, **kwargs)

    def numpy(self) -> np.ndarray:
        return np.asarray(self.value)


def _unwrap(x):
    return x.value if isinstance(x, Variable) else x


def _binary(op):
    def forward(self, other):
        return op(self.value, _unwrap(other))

    def reflected(self, other):
        return op(_unwrap(other), self.value)

    def inplace(self, other):
        self.value = op(self.value, _unwrap(other))
        return self

    return forward, reflected, inplace


for _name, _op in [
    ("add", operator.add),
    ("sub", operator.sub),
    ("mul", operator.mul),
    ("truediv", operator.truediv),
    ("floordiv", operator.floordiv),
    ("mod", operator.mod),
    ("pow", operator.pow),
    ("matmul", operator.matmul),
    ("and", operator.and_),
    ("or", operator.or_),
    ("xor", operator.xor),
    ("lshift", operator.lshift),
    ("rshift", operator.rshift),
]:
    _f, _r, _i = _binary(_op)
    setattr(Variable, f"__{_name}__", _f)
    setattr(Variable, f"__r{_name}__", _r)
    setattr(Variable, f"__i{_name}__", _i)

for _name, _op in [
    ("lt", operator.lt),
    ("le", operator.le),
    ("gt", operator.gt),
    ("ge", operator.ge),
    ("eq", operator.eq),
    ("ne", operator.ne),
]:
    setattr(Variable, f"__{_name}__", _binary(_op)[0])


class TrainVar(Variable):
    """A trainable Variable: what `train_vars()` collects and gradients are taken of."""

    __slots__ = ()


class Parameter(Variable):
    """A Variable holding a model parameter that is not trained (BrainPy's `Parameter`)."""

    __slots__ = ()


def _summary(value) -> str:
    if isinstance(value, jax.Array | np.ndarray | Tracer | jax.ShapeDtypeStruct):
        return eqx.tree_pformat(value, short_arrays=True)
    return repr(value)


_register(Variable)


def is_variable(x: Any) -> bool:
    """Whether `x` is a `Variable` (of any subclass). Use as `is_leaf=eqbrain.is_variable`."""
    return isinstance(x, Variable)


def is_trainable(x: Any) -> bool:
    """Whether `x` is a trainable Variable (`TrainVar`)."""
    return isinstance(x, TrainVar)
