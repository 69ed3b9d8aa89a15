"""`Variable`: the one mutable cell of an eqbrain model, and its subclasses."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeAlias, TypeVar

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax.core import Tracer
from jax.typing import ArrayLike, DTypeLike

from .._errors import MathError, TraceLeakError
from ._trace import (
    _EAGER,
    TOP_SERIAL,
    _local,
    current_trace,
    is_managed,
    serials,
    store_through,
)

_VALUE_KEY = jtu.GetAttrKey("value")

_LEAK = """\
Cannot write {what} into {var}: {why}"""

_WHY_TOP = """\
that Variable was created outside the transform being traced (jax.jit, \
eqx.filter_jit, jax.grad, jax.vmap, lax.scan, ...), {so}.
Fix the call in one of two ways:
  - functional style: pass the model into the transformed function as an argument and \
return it, e.g. `model = eqx.filter_jit(step)(model)`;
  - in-place style: use `eqbrain.jit`, `eqbrain.grad` or `eqbrain.for_loop`, which \
write Variables back to the caller's cells."""

_WHY_COPY = """\
that Variable belongs to a copy of the model made by an outer transform (the model was \
passed into it), and it is written inside a nested transform (lax.scan, lax.cond, \
lax.while_loop, jax.vmap, jax.jit, ...) it was not passed into, {so}.
Pass the model (or the values) through the nested transform too -- as its carry or \
operand, returning the new values -- or use eqbrain's in-place forms \
(`eqbrain.for_loop`, `eqbrain.scan`), which carry Variables for you."""

_WHY_NESTED = """\
an eqbrain transform is tracing this Variable, but the write comes from a plain JAX \
transform nested inside it (lax.cond, lax.while_loop, lax.switch, jax.vmap, jax.jit, \
...), {so}.
Use eqbrain's in-place forms for the nested part (`eqbrain.for_loop`, `eqbrain.scan`, \
`eqbrain.cond`, `eqbrain.while_loop`), or return the new value from the nested \
transform and write it into the Variable outside it."""

_SO_TRACER = "so the tracer would leak out of it"
_SO_LOST = (
    "and a write made while tracing happens once, at trace time, and is lost on every later call"
)


class _Label:
    """A Variable's name in messages (`Net0.E.V`), kept in its aux data so that copies
    made by pytree transforms keep it. Every label compares equal to every other: a
    label never splits a treedef."""

    __slots__ = ("text",)

    def __init__(self, text: str | None):
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Label)

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"_Label({self.text!r})"


_NO_LABEL = _Label(None)


_SCALARS = (bool, int, float, complex)


class Described:
    """The name of a write's target, made only when an error message shows it (a write
    that succeeds never formats the Variable it goes into)."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], str]) -> None:
        self._make = make

    def __str__(self) -> str:
        return self._make()

    def __format__(self, spec: str) -> str:
        return format(self._make(), spec)


What: TypeAlias = "str | Described"


def _lost(source: np.ndarray, cast: np.ndarray) -> str | None:
    """Why casting `source` to `cast`'s dtype loses values, or None if it does not."""
    if np.issubdtype(cast.dtype, np.inexact) and np.issubdtype(source.dtype, np.inexact):
        if np.iscomplexobj(source) and not np.iscomplexobj(cast) and np.any(np.imag(source)):
            return "its imaginary part would be dropped"
        if np.any(np.isfinite(source) & ~np.isfinite(cast)):
            return f"values overflow {cast.dtype}"
        return None
    if np.issubdtype(cast.dtype, np.integer) and np.issubdtype(source.dtype, np.integer):
        # By range, not by a round trip: uint32(3e9) -> int32 -> uint32 comes back equal.
        info = np.iinfo(cast.dtype)
        if source.size and (source.min() < info.min or source.max() > info.max):
            return f"values do not fit {cast.dtype} ({info.min} to {info.max})"
        return None
    # Integers (or booleans) into floats must come back exactly.
    with np.errstate(invalid="ignore", over="ignore"):
        back = cast.astype(source.dtype)
    if not np.array_equal(back, source):
        return f"values do not fit {cast.dtype}"
    return None


def _cast_keeping_values(src: np.ndarray, dtype: np.dtype, what: What, shown: str) -> np.ndarray:
    """`src` cast to `dtype`, or `MathError` (naming `what`) if a value is lost."""
    with np.errstate(over="ignore", invalid="ignore"):
        cast = src.astype(dtype)
    why = _lost(src, cast)
    if why is not None:
        raise _narrowing_error(src, shown, dtype, what, why)
    return cast


def _narrowing_error(
    src: np.ndarray, shown: str, dtype: np.dtype, what: What, why: str
) -> MathError:
    wider = ""
    if src.dtype.itemsize > dtype.itemsize and not jax.config.read("jax_enable_x64"):
        wider = ", enable 64-bit types (`jax.config.update('jax_enable_x64', True)`)"
    wraps = src.dtype.kind in "iu" and dtype.kind in "iu"
    return MathError(
        f"Cannot write {src.dtype} data{shown} into {what} of dtype {dtype}: {why}. "
        f"Write values that fit, use a Variable of a wider dtype{wider}, or cast "
        f"explicitly (`x.astype({dtype.name!r})`{', which wraps around' if wraps else ''}) "
        "if that is what you mean."
    )


def to_array(new: object, dtype: DTypeLike, what: What) -> jax.Array:
    """`new` as a JAX array (or tracer) of `dtype`, or `MathError` if values would be lost.

    The one rule for every write into a Variable (construction, `.value =`, `update`,
    `[]=`, state loads, `assign`, checkpoint files), decided by dtype as NumPy's
    `np.can_cast` decides, then by value:

    - JAX values keep their dtype; a weakly typed one (from a Python scalar) may take
      `dtype` of the same kind, as JAX promotion would, and a concrete one must fit;
    - anything else (NumPy arrays and scalars, lists, Python scalars) is converted when
      NumPy casts its dtype to `dtype` `'safe'`ly (`int8` into `int32`, `float16` into
      `float32`);
    - a cast that is only `'same_kind'` (a narrower dtype of the same kind, or unsigned
      into signed: `int64` into `int32`, `uint32` into `int32`, `float64` into `float32`)
      is made when every value survives it: integers in the target's range, floats
      finite. These are NumPy's default `int64`/`float64` values, which JAX itself makes
      `int32`/`float32` without 64-bit types; `uint32(3e9)` into `int32` would wrap
      around, and raises;
    - a change of kind (floats into integers, signed into unsigned, complex into real,
      anything into `bool`) raises, but for Python scalars whose value survives (`1.0`
      into an `int32` Variable).

    ```python
    v = eqbrain.Variable(jnp.zeros(2, jnp.int32))
    v.value = np.arange(2)                       # int64 values that fit: written
    v.value = np.array([3e9, 0], np.uint32)      # MathError: they would wrap around
    ```
    """
    # typed random keys (`jax.random.key`); a NumPy dtype, the usual case, is never one
    if not isinstance(dtype, np.dtype) and jnp.issubdtype(dtype, jax.dtypes.extended):
        if isinstance(new, jax.Array | Tracer) and new.dtype == dtype:
            return new
        got = getattr(new, "dtype", type(new).__name__)
        raise MathError(
            f"Cannot write {got} values into {what}: it holds typed random keys ({dtype}). "
            "Write keys of that type (`jax.random.split(key)[0]`, `jax.random.key(seed)`); "
            "`jax.random.wrap_key_data` makes them from raw key data."
        )
    dtype = np.dtype(dtype)
    if isinstance(new, jax.Array | Tracer):
        if new.dtype != dtype and _is_weak(new) and np.can_cast(new.dtype, dtype, "same_kind"):
            if not isinstance(new, Tracer) and getattr(new, "is_fully_addressable", False):
                src = np.asarray(new)
                _cast_keeping_values(src, dtype, what, f" {src.item()!r}" if src.ndim == 0 else "")
            return jax.lax.convert_element_type(new, dtype)
        return new
    return jnp.asarray(_host_cast(new, dtype, what), dtype=dtype)


def to_numpy(new: Any, dtype: Any, what: What) -> np.ndarray:
    """`new` as a new NumPy array of `dtype` (for a NumPy field), by the rule of
    `to_array` for host values (JAX arrays are read back to the host first), or
    `MathError`. The dtype is kept as it is, 64-bit types included whether JAX has them
    or not, as Equinox keeps NumPy leaves."""
    dtype = np.dtype(dtype)
    if isinstance(new, Tracer):
        raise MathError(
            f"Cannot write a traced value into {what}: a NumPy array holds concrete values "
            "only. Load it outside jit/grad/scan, or hold the array in a Variable."
        )
    if isinstance(new, jax.Array):
        new = np.asarray(new)
    return np.array(_host_cast(new, dtype, what), dtype=dtype, copy=True)


def _numeric(dtype: np.dtype) -> bool:
    """Whether NumPy arrays of `dtype` hold numbers: booleans, integers, floats,
    complex, and the ml_dtypes types JAX uses (`bfloat16`, `float8_*`, `int4`, ...)."""
    return dtype.kind in "biufc" or (
        dtype.kind == "V" and dtype.names is None and jnp.issubdtype(dtype, np.number)
    )


def _host_cast(new: Any, dtype: np.dtype, what: What) -> np.ndarray:
    """`new` (not a JAX value) as a NumPy array of `dtype`, by `to_array`'s rule."""
    scalar = isinstance(new, _SCALARS) or (isinstance(new, np.generic) and np.ndim(new) == 0)
    try:
        src = np.asarray(new)
    except (TypeError, ValueError) as e:
        raise MathError(
            f"Cannot write an object of type {type(new).__name__} into {what}: it is not "
            f"an array ({e})."
        ) from None
    if not _numeric(src.dtype):
        raise MathError(
            f"Cannot write an object of type {type(new).__name__} into {what}: it is not "
            "an array of numbers."
        )
    if src.dtype == dtype or np.can_cast(src.dtype, dtype, "safe"):
        return src.astype(dtype, copy=False)
    if not (isinstance(new, _SCALARS) or np.can_cast(src.dtype, dtype, "same_kind")):
        raise MathError(
            f"The dtype of the original data is {dtype}, while we got {src.dtype}: "
            f"writing it into {what} would change its kind of values. Convert it "
            f"explicitly (`x.astype({dtype.name!r})`) if that is what you mean."
        )
    return _cast_keeping_values(src, dtype, what, f" {new!r}" if scalar else "")


def check_shape_dtype(
    new: jax.Array, shape: tuple[int, ...], dtype: DTypeLike, batch_axis: int | None, what: What
) -> jax.Array:
    """`new` (an array from `to_array`) if it has `shape` (up to `batch_axis`) and
    `dtype`, else `MathError` with BrainPy's message; a weakly typed value is made strong
    (it would make jit retrace)."""
    new_shape = tuple(new.shape)
    if shape != new_shape and (
        batch_axis is None
        or len(shape) != len(new_shape)
        or shape_without(shape, batch_axis) != shape_without(new_shape, batch_axis)
    ):
        raise MathError(
            f"The shape of the original data is {shape}, while we got "
            f"{new_shape} with batch_axis={batch_axis} (writing into {what})."
        )
    if new.dtype != dtype:
        raise MathError(
            f"The dtype of the original data is {dtype}, while we got {new.dtype} "
            f"(writing into {what}). Cast explicitly (`x.astype({np.dtype(dtype).name!r})`) "
            "if that is what you mean."
        )
    if _is_weak(new):
        new = jax.lax.convert_element_type(new, dtype)
    return new


def _is_weak(x: jax.Array) -> bool:
    return bool(getattr(x.aval if isinstance(x, Tracer) else x, "weak_type", False))


def _shape_of(x: ArrayLike) -> tuple[int, ...]:
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


def _unwrap(x: object) -> object:
    return x.value if isinstance(x, Variable) else x


_V = TypeVar("_V", bound="Variable")


def _binary(op: Callable[[Any, Any], Any]):  # the return type is inferred: generic `inplace`
    """A Variable's `__op__`, `__rop__` and `__iop__` (which writes the value in place)."""

    def forward(self: Variable, other: object) -> jax.Array:
        return op(self.value, _unwrap(other))

    def reflected(self: Variable, other: object) -> jax.Array:
        return op(_unwrap(other), self.value)

    def inplace(self: _V, other: object) -> _V:
        self.value = op(self.value, _unwrap(other))
        return self

    return forward, reflected, inplace


def _compare(op: Callable[[Any, Any], Any]) -> Callable[[Variable, object], jax.Array]:
    def compare(self: Variable, other: object) -> jax.Array:
        return op(self.value, _unwrap(other))

    return compare


ValueLike: TypeAlias = "ArrayLike | Variable | Sequence[ArrayLike | Sequence[ArrayLike]]"
"""What a Variable's value may be set from: an array, a scalar, a (nested) list of
numbers, or another Variable (its value); `to_array` decides whether it fits."""

BATCH_AXIS_NAME = "batch"
"""The axis name a batch axis gets when `axis_names` leaves it out (BrainPy's)."""


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
    - `axis_names`: one name (or `None`) per axis, used for sharding; with a
      `batch_axis`, names for the other axes only are completed with `'batch'`.

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
        "_serial",
        "__weakref__",
    )

    def __init__(
        self,
        value_or_size: ValueLike | int | tuple[int, ...],
        dtype: DTypeLike | None = None,
        batch_axis: int | None = None,
        *,
        axis_names: Sequence[str | None] | None = None,
    ):
        if isinstance(value_or_size, Variable):
            value = value_or_size.value
            value = value if dtype is None else jnp.asarray(value, dtype=dtype)
        elif isinstance(value_or_size, int) and not isinstance(value_or_size, bool):
            _check_size(type(self).__name__, (value_or_size,), value_or_size)
            value = jnp.zeros(value_or_size, dtype=dtype)
        elif (
            isinstance(value_or_size, tuple)
            and value_or_size
            and all(isinstance(s, int) for s in value_or_size)
        ):
            _check_size(type(self).__name__, value_or_size, value_or_size)
            value = jnp.zeros(value_or_size, dtype=dtype)
        elif isinstance(value_or_size, jax.Array | Tracer):
            # An explicit dtype also drops JAX's weak type.
            dtype = value_or_size.dtype if dtype is None else dtype
            value = jnp.asarray(value_or_size, dtype=dtype)
        else:
            # Lists, NumPy arrays, Python scalars: JAX's default dtype for them (`1.0` is a
            # strong f32), and no value lost on the way (`2**40` does not fit int32).
            if dtype is None:
                try:
                    dtype = jax.dtypes.canonicalize_dtype(np.asarray(value_or_size).dtype)
                except (TypeError, ValueError):
                    dtype = np.dtype(object)
            value = to_array(value_or_size, dtype, f"a new {type(self).__name__}")
        ndim = np.ndim(value)
        if batch_axis is not None:
            if ndim == 0:
                raise MathError(
                    f"batch_axis={batch_axis!r} was given for a scalar value: a scalar has "
                    "no axis to batch. Give a value with a batch axis, e.g. shape (1,)."
                )
            if not isinstance(batch_axis, int) or not -ndim <= batch_axis < ndim:
                raise MathError(
                    f"batch_axis={batch_axis!r} is out of range for a value of shape "
                    f"{_shape_of(value)}."
                )
            batch_axis = batch_axis % ndim
        if axis_names is not None:
            axis_names = tuple(axis_names)
            if batch_axis is not None and len(axis_names) == ndim - 1:
                # BrainPy's rule: names for the other axes get the batch axis's name added
                axis_names = (*axis_names[:batch_axis], BATCH_AXIS_NAME, *axis_names[batch_axis:])
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
        self._label = _NO_LABEL
        if _local.top_level:  # built by `top_level()`: a cell of the top level
            self._trace, self._serial = _EAGER, TOP_SERIAL
        else:
            self._trace, self._serial = current_trace(), next(serials)

    # -- pytree -----------------------------------------------------------------------

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        _register(cls)

    def _tree_flatten(self):
        return (self._value,), (self._batch_axis, self._axis_names, self._label)

    def _tree_flatten_with_keys(self):
        return ((_VALUE_KEY, self._value),), (self._batch_axis, self._axis_names, self._label)

    @classmethod
    def _tree_unflatten(cls, aux, children):
        # Accept any child (None, tree_at sentinels, ShapeDtypeStruct, tracers).
        self = object.__new__(cls)
        self._value = children[0]
        self._batch_axis, self._axis_names, self._label = aux
        self._trace = current_trace()
        self._serial = next(serials)
        return self

    # -- the value --------------------------------------------------------------------

    @property
    def value(self) -> jax.Array:
        """The current value. Assigning checks shape and dtype, then writes in place."""
        stack = _local.stack
        if stack:
            stack[-1].touch(self)
        return self._value

    @value.setter
    def value(self, new: ValueLike) -> None:
        self.write_value(self.check_value(new))

    # -- the public API transforms and loaders use -------------------------------------

    @property
    def raw_value(self) -> jax.Array:
        """The stored value, read and written with no check and no recording.

        For transforms that swap tracers in and out of cells; user code writes `value`.
        """
        return self._value

    @raw_value.setter
    def raw_value(self, new: jax.Array) -> None:
        self._value = new

    def check_value(self, new: ValueLike) -> jax.Array:
        """`new` as an array fit for this Variable (shape up to the batch axis, dtype,
        no tracer leak), or `MathError`/`TraceLeakError`. Nothing is written."""
        new = self._check(new)
        self._guard_leak(new)
        return new

    def write_value(self, new: jax.Array) -> None:
        """Store a value returned by `check_value` (recorded as a write by an enclosing
        eqbrain transform). Loaders check every value first, then write them all."""
        stack = _local.stack
        if stack:
            stack[-1].mark_written(self)
        self._value = new

    @property
    def created_in(self) -> object:
        """The opaque token of the JAX trace this cell was created in."""
        return self._trace

    @property
    def label(self) -> str | None:
        """The path that names this Variable in error messages (`Net0.E.V`), if known."""
        return self._label.text

    @label.setter
    def label(self, label: str | None) -> None:
        self._label = _Label(label)

    def describe(self) -> str:
        """`Variable 'Net0.E.V' (f32[4000])`: how errors name this Variable."""
        return self._describe()

    def _check(self, new: ValueLike) -> jax.Array:
        """Return `new` as an array fit for this Variable, or raise `MathError`."""
        if isinstance(new, Variable):
            new = new._value
        what = Described(self._describe)
        new = to_array(new, self.dtype, what)
        return check_shape_dtype(new, self.shape, self.dtype, self._batch_axis, what)

    def _guard_leak(self, new: jax.Array) -> None:
        if self._trace != current_trace() and not is_managed(self):
            so = _SO_TRACER if isinstance(new, Tracer) else _SO_LOST
            if _local.stack:
                why = _WHY_NESTED
            elif self._trace == _EAGER:
                why = _WHY_TOP
            else:
                why = _WHY_COPY
            what = "a traced value" if isinstance(new, Tracer) else "a value"
            raise TraceLeakError(
                _LEAK.format(what=what, var=self._describe(), why=why.format(so=so))
            )

    def _describe(self) -> str:
        label = f" {self._label.text!r}" if self._label.text else ""
        return f"{type(self).__name__}{label} ({_summary(self._value)})"

    def update(self, value: ValueLike) -> None:
        """Write `value` (BrainPy's `Variable.update`); same as `self.value = value`."""
        self.value = value

    # -- metadata ---------------------------------------------------------------------

    @property
    def batch_axis(self) -> int | None:
        return self._batch_axis

    @batch_axis.setter
    def batch_axis(self, axis: int | None) -> None:
        raise ValueError(
            f"The batch axis of {self._describe()} is fixed when it is made (now "
            f"{self._batch_axis!r}). Make a new Variable with `batch_axis={axis!r}` instead."
        )

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
    def dtype(self) -> np.dtype:
        return self._value.dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def T(self) -> jax.Array:
        return self.value.T

    # -- behaving like an array -------------------------------------------------------

    def __repr__(self) -> str:
        return f"{type(self).__name__}({_summary(self._value)})"

    def __hash__(self) -> int:
        return id(self)  # a cell, hashed by identity (BrainPy's `hash(v) == id(v)`)

    def __len__(self) -> int:
        return len(self.value)

    def __iter__(self) -> Iterator[jax.Array]:
        return iter(self.value)

    def __bool__(self) -> bool:
        return bool(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __index__(self) -> int:
        return operator.index(self.value)

    def __array__(self, dtype: DTypeLike | None = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(self.value, dtype=dtype)

    def __getitem__(self, index: Any) -> jax.Array:
        return self.value[index]

    def __setitem__(self, index: Any, new: ValueLike) -> None:
        if isinstance(new, Variable):
            new = new.value
        # The same lossless rule as any write: `v[0] = 2**40` must not wrap in int32.
        new = to_array(new, self.dtype, Described(self._describe))
        self.value = self.value.at[index].set(new)

    def __neg__(self) -> jax.Array:
        return -self.value

    def __pos__(self) -> jax.Array:
        return +self.value

    def __abs__(self) -> jax.Array:
        return abs(self.value)

    def __invert__(self) -> jax.Array:
        return ~self.value

    def __jax_array__(self) -> jax.Array:
        # `jnp.exp(v)`, `jnp.sum(v)`, `jax.nn.relu(v)`: JAX reads the value (and an eqbrain
        # transform records the read). `lax` primitives take `v.value`.
        return self.value

    def __getattr__(self, name: str) -> Any:
        # The array methods BrainPy code calls on a Variable (`v.max()`, `v.flatten()`,
        # `v.at[...]`, `v.clip(...)`, ...): those of the value. They return new arrays.
        if name.startswith("_") or not hasattr(jax.Array, name):
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r} (a Variable "
                "offers the array methods of its value, e.g. `v.max()`, `v.flatten()`)."
            )
        return getattr(self.value, name)

    # -- arithmetic: on the value, giving arrays; `v += x` writes the value in place ----

    __add__, __radd__, __iadd__ = _binary(operator.add)
    __sub__, __rsub__, __isub__ = _binary(operator.sub)
    __mul__, __rmul__, __imul__ = _binary(operator.mul)
    __truediv__, __rtruediv__, __itruediv__ = _binary(operator.truediv)
    __floordiv__, __rfloordiv__, __ifloordiv__ = _binary(operator.floordiv)
    __mod__, __rmod__, __imod__ = _binary(operator.mod)
    __pow__, __rpow__, __ipow__ = _binary(operator.pow)
    __matmul__, __rmatmul__, __imatmul__ = _binary(operator.matmul)
    __and__, __rand__, __iand__ = _binary(operator.and_)
    __or__, __ror__, __ior__ = _binary(operator.or_)
    __xor__, __rxor__, __ixor__ = _binary(operator.xor)
    __lshift__, __rlshift__, __ilshift__ = _binary(operator.lshift)
    __rshift__, __rrshift__, __irshift__ = _binary(operator.rshift)
    __lt__ = _compare(operator.lt)
    __le__ = _compare(operator.le)
    __gt__ = _compare(operator.gt)
    __ge__ = _compare(operator.ge)

    def __eq__(self, other: object) -> jax.Array:  # pyright: ignore[reportIncompatibleMethodOverride]
        return operator.eq(self.value, _unwrap(other))  # elementwise, as for arrays

    def __ne__(self, other: object) -> jax.Array:  # pyright: ignore[reportIncompatibleMethodOverride]
        return operator.ne(self.value, _unwrap(other))

    @property
    def size_without_batch(self) -> tuple[int, ...]:
        """The shape without the batch axis, as BrainPy's `size_without_batch` gives it
        (the same as `varshape`)."""
        return shape_without(self.shape, self._batch_axis)

    @property
    def varshape(self) -> tuple[int, ...]:
        """The shape without the batch axis (BrainPy's `varshape`)."""
        return shape_without(self.shape, self._batch_axis)

    def to_numpy(self) -> np.ndarray:
        """The value as a NumPy array (BrainPy's `to_numpy`)."""
        return np.asarray(self.value)

    def to_jax(self) -> jax.Array:
        """The value as a JAX array (BrainPy's `to_jax`)."""
        return self.value

    def astype(self, dtype: DTypeLike) -> jax.Array:
        return self.value.astype(dtype)

    def reshape(self, *shape: int | Sequence[int]) -> jax.Array:
        return self.value.reshape(*shape)

    def sum(self, *args: Any, **kwargs: Any) -> jax.Array:
        return self.value.sum(*args, **kwargs)

    def mean(self, *args: Any, **kwargs: Any) -> jax.Array:
        return self.value.mean(*args, **kwargs)

    def numpy(self) -> np.ndarray:
        return np.asarray(self.value)


class TrainVar(Variable):
    """A trainable Variable: what `train_vars()` collects and gradients are taken of."""

    __slots__ = ()


class Parameter(Variable):
    """A Variable holding a model parameter that is not trained (BrainPy's `Parameter`)."""

    __slots__ = ()


def _summary(value: object) -> str:
    if isinstance(value, jax.Array | np.ndarray | Tracer | jax.ShapeDtypeStruct):
        return eqx.tree_pformat(value, short_arrays=True)
    return repr(value)


_register(Variable)


def _check_size(cls: str, shape: tuple, given: Any) -> None:
    if any(s < 0 for s in shape):
        raise MathError(
            f"{cls}({given!r}): an int (or a tuple of ints) is the shape of a zero-filled "
            f"{cls}, as in BrainPy, and a shape cannot be negative. For the value itself, "
            f"pass an array: {cls}(jnp.asarray({given!r}))."
        )


def write_all(cells: Sequence[Variable], values: Sequence[ValueLike]) -> None:
    """Write `values` into `cells` all or nothing: every value is checked
    (`check_value`: shape, dtype, lossless cast, leak guard) before the first is written."""
    checked = [cell.check_value(value) for cell, value in zip(cells, values)]
    for cell, value in zip(cells, checked):
        cell.write_value(value)


def raw_values(cells: Sequence[Variable]) -> list[jax.Array]:
    """The stored values of `cells`, as `raw_value` reads them, in one pass (a
    transform's per-call gathering: no property call per Variable)."""
    return [cell._value for cell in cells]


def set_raw_values(
    cells: Sequence[Variable],
    values: Sequence[jax.Array],
    old: Sequence[jax.Array] | None = None,
) -> None:
    """Store `values` into `cells` with no check, as `raw_value = ...` does, in one pass
    (a transform's per-call write-back of values it produced itself).

    With `old` (the cells' values now), the store is all or nothing: if an exception is
    raised part way -- a `KeyboardInterrupt` from Ctrl-C lands between two stores --
    every cell gets its `old` value back before the exception propagates.
    """
    if len(values) != len(cells) or (old is not None and len(old) != len(cells)):
        raise ValueError(
            f"set_raw_values got {len(cells)} cells but {len(values)} values"
            + ("" if old is None else f" and {len(old)} old values")
            + "."
        )
    if old is None:
        for cell, value in zip(cells, values):
            cell._value = value
        return
    try:
        for cell, value in zip(cells, values):
            cell._value = value
    except BaseException:
        store_through(cells, old)  # a second interrupt here is dropped: one is raised
        raise


def is_variable(x: object) -> bool:
    """Whether `x` is a `Variable` (of any subclass). Use as `is_leaf=eqbrain.is_variable`."""
    return isinstance(x, Variable)


_IS_TRAINABLE_ON_ARRAY = """\
eqbrain.is_trainable was called on an array, not a Variable: used as a filter in \
`eqx.partition(model, eqbrain.is_trainable)` it never sees Variables (their values are \
the leaves), so it would select nothing. Use the filter spec \
`eqx.partition(model, eqbrain.trainable_filter(model))` (or \
`eqbrain.partition_trainable(model)`), which also trains the weights of Equinox layers."""


def is_trainable(x: object) -> bool:
    """Whether `x` is a trainable Variable (`TrainVar`).

    For `jtu.tree_map(..., is_leaf=eqbrain.is_variable)` and collectors. Called on an
    array it raises `TypeError` instead of answering `False`: as an `eqx.partition`
    filter it would silently select nothing; `eqbrain.trainable_filter(model)` is the
    filter spec for that.
    """
    if isinstance(x, jax.Array | np.ndarray | Tracer):
        raise TypeError(_IS_TRAINABLE_ON_ARRAY)
    return isinstance(x, TrainVar)
