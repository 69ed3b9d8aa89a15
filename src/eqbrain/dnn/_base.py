"""`Layer`, the base of every layer, and what layers share: argument checks, trainable
parameters from initializers, the training flag, input checks."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

from .._core import TrainVar
from ..dyn import DynamicalSystem, Mode, get_mode, share
from ..init import parameter

_MODE_MSG = """\
{owner}: mode must be an eqbrain mode (eqbrain.nonbatching_mode, eqbrain.batching_mode, \
eqbrain.training_mode, or eqbrain.BatchingMode(n) / eqbrain.TrainingMode(n)), got \
{mode!r}."""

_FIT_MSG = """\
{owner}: the training flag `fit` must be a Python bool when the layer runs, got a traced \
value. Set it where the function is defined, e.g. `with eqbrain.share.context(fit=True):` \
inside the function you jit, or pass it as a static argument."""


class Layer(DynamicalSystem):
    """A layer (BrainPy's `bp.dnn.Layer`): a `DynamicalSystem` whose `update(x)` maps an
    input to an output, with a computing `mode`.

    Its weights are `TrainVar`s, trained in place by `eqbrain.optim` and seen by
    `eqx.filter_grad` through `eqbrain.trainable_filter`; its running statistics are
    plain `Variable`s. Layers that behave differently while training (`Dropout`,
    `BatchNorm*`) read the training flag `fit` (see `is_fitting`).

    **Arguments:**

    - `mode`: the computing mode (default: the current one, `eqbrain.get_mode()`).
    - `name`: the name of the layer.
    """

    mode: Mode = eqx.field(static=True)

    def __init__(self, mode: Mode | None = None, name: str | None = None):
        super().__init__(name=name)
        if mode is None:
            mode = get_mode()
        elif not isinstance(mode, Mode):
            raise TypeError(_MODE_MSG.format(owner=type(self).__name__, mode=mode))
        self.mode = mode


def is_fitting(owner: str, fit: bool | None = None) -> bool:
    """The training flag: `fit` if given, else `eqbrain.share`'s `"fit"` (set by
    `share.context(fit=True)`, a runner's `shared_args={"fit": True}`, ...), else `False`
    (BrainPy's `share["fit"]`)."""
    if fit is None:
        fit = share.load("fit", False)
    if isinstance(fit, Tracer):
        raise TypeError(_FIT_MSG.format(owner=owner))
    return bool(fit)


def positive_int(value: Any, what: str, owner: str, *, zero: bool = False) -> int:
    """`value` as an int > 0 (or >= 0 with `zero`), naming `what` otherwise: `TypeError`
    for a value that is not an int (`2.5`, `True`), `ValueError` for one out of range."""
    kind = "a non-negative int" if zero else "a positive int"
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{owner}: {what} must be {kind}, got {value!r}.")
    if value < (0 if zero else 1):
        raise ValueError(f"{owner}: {what} must be {kind}, got {value!r}.")
    return int(value)


def int_tuple(value: Any, n: int, what: str, owner: str, *, zero: bool = False) -> tuple:
    """An int, or a sequence of `n` ints, as a tuple of `n` positive (non-negative) ints:
    `TypeError` for neither an int nor a sequence, `ValueError` for a wrong length."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        value = (value,) * n
    if not isinstance(value, Sequence) or len(value) != n:
        error = ValueError if isinstance(value, Sequence) else TypeError
        raise error(f"{owner}: {what} must be an int or a sequence of {n} ints, got {value!r}.")
    return tuple(positive_int(v, what, owner, zero=zero) for v in value)


def probability(value: Any, what: str, owner: str) -> float:
    """`value` as a float in [0, 1]; `ValueError` naming `what` otherwise."""
    try:
        p = float(value)
    except (TypeError, ValueError):
        p = float("nan")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{owner}: {what} must be a probability in [0, 1], got {value!r}.")
    return p


def train_param(init: Any, shape: tuple[int, ...], what: str, owner: str) -> TrainVar | None:
    """A `TrainVar` of `shape` from an initializer, an array or a number (filled in;
    `None` stays `None`): BrainPy's `parameter(init, shape)` made trainable."""
    if init is None:
        return None
    if np.ndim(init) == 0 and not callable(init):
        init = np.full(shape, init)
    try:
        value = parameter(init, shape, allow_none=False, allow_scalar=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{owner}: {what}: {err}") from None
    value = jnp.asarray(value)
    if jnp.issubdtype(value.dtype, jnp.integer) or value.dtype == jnp.bool_:
        value = value.astype(jnp.result_type(float))
    return TrainVar(value)


def scalar_or_param(init: Any, shape: tuple[int, ...], what: str, owner: str) -> TrainVar:
    """A trainable weight that is one number (a 0-d `TrainVar`) or has `shape`."""
    if np.ndim(init) == 0 and not callable(init):
        return TrainVar(jnp.asarray(init, jnp.result_type(float)))
    out = train_param(init, shape, what, owner)
    assert out is not None
    return out


def check_last_axis(x: Any, size: int, what: str, owner: str) -> jax.Array:
    """`x` as an array whose last axis has `size` entries; `ValueError` naming `owner`."""
    x = jnp.asarray(x)
    if x.ndim == 0 or x.shape[-1] != size:
        raise ValueError(
            f"{owner} expects input of shape (..., {size}) ({what}={size}), got shape {x.shape}."
        )
    return x


def value(var: Any) -> Any:
    """The value of a Variable (`None` stays `None`)."""
    return None if var is None else var.value


class _FitRecords(threading.local):
    def __init__(self) -> None:
        self.stack: list[dict[int, Any]] = []


_FIT_RECORDS = _FitRecords()


@contextlib.contextmanager
def recording_fits(layers: Iterable[Any]) -> Iterator[dict[int, Any]]:
    """While open (in this thread), each of `layers` that calls `record_fit` leaves its
    last `(input, output)` in the dict it yields, under `id(layer)`: what the offline
    and online trainers fit a layer's weights to."""
    record: dict[int, Any] = {id(layer): None for layer in layers}
    _FIT_RECORDS.stack.append(record)
    try:
        yield record
    finally:
        _FIT_RECORDS.stack.remove(record)


def record_fit(layer: Any, x: Any, y: Any) -> None:
    """Note `layer`'s input `x` and output `y` for a trainer recording it (else nothing)."""
    if _FIT_RECORDS.stack:
        record = _FIT_RECORDS.stack[-1]
        if id(layer) in record:
            record[id(layer)] = (x, y)
