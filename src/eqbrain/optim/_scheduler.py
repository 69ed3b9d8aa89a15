"""`Scheduler`: a learning rate that follows a counter kept in a Variable (BrainPy's).

A scheduler holds its base learning rate `lr` and two `int32` counters, `last_epoch`
and `last_call`, as Variables, so it is saved and loaded with its optimizer, and
`step_epoch()` / `step_call()` work inside `eqbrain.jit`. As in BrainPy, both counters
start at -1 and `sch()` is the rate at count `counter + 1`; which counter drives a
schedule is BrainPy's choice for each class (`by`), e.g. epochs for `StepLR` and calls
(one per optimizer update) for `ExponentialDecayLR`.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any, ClassVar, Literal, cast

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax import Array
from jax.core import Tracer
from jax.typing import ArrayLike

from .._core import Module, Variable
from . import _checks

_BY = ("call", "epoch")

_NO_BASE_RATE_MSG = """\
{cls} has no single base learning rate to set: {why}. Build a new scheduler with the \
rates you want instead."""


def _base_rate(lr: Any) -> Variable:
    """The scheduler's `lr` Variable: the user's own scalar Variable, or a new one."""
    if isinstance(lr, Variable):
        if lr.shape != () or not jnp.issubdtype(lr.dtype, jnp.floating):
            raise TypeError(
                f"lr= given as a Variable must hold one floating-point number, got "
                f"{lr.describe()}. Use e.g. eqbrain.Variable(jnp.asarray(0.01))."
            )
        return lr
    return Variable(jnp.asarray(_checks.lr("lr", lr), dtype=jnp.result_type(float)))


def _fmt(x: Any) -> str:
    """A scalar Variable's value as a short number (`0.1`) for a repr, or its compact
    repr (inside a trace, or for an array)."""
    if isinstance(x, Variable):
        value = x.raw_value
        if isinstance(value, jax.Array) and not isinstance(value, Tracer):
            if value.shape == ():
                return str(np.asarray(value))
    return repr(x)


class Scheduler(Module):
    """A learning-rate schedule whose base rate and counters live in Variables.

    `sch()` is the current learning rate, `sch(i)` the rate at count `i`. Like BrainPy's,
    a scheduler has two counters, both `int32` Variables starting at `-1`: `last_epoch`
    (advanced by `step_epoch()`, which you call at the end of each epoch) and
    `last_call` (advanced by `step_call()`, which an optimizer calls once per update).
    `by` says which of the two drives the schedule, and `sch()` evaluates it at that
    counter `+ 1`, so the first epoch (or update) uses count 0.

    The base learning rate is a Variable too: `sch.lr = 0.01` or `sch.set_value(0.01)`
    changes it in place, also between calls of a jitted training step.

    Any optax schedule works here as well (`Scheduler(optax.linear_schedule(...))`); it
    follows `last_call`, as optax counts updates. To write your own BrainPy-style
    scheduler, subclass `Scheduler`, pass `lr` to `super().__init__` and override
    `__call__(self, i=None)`.

    **Arguments:**

    - `lr`: the base learning rate (a number, or a scalar float `Variable` that the
      scheduler then shares), or an optax schedule (a function `count -> rate`).
    - `last_epoch`: the initial value of the epoch counter (`-1`: nothing done yet).
    - `last_call`: the initial value of the call counter.
    - `by`: `'epoch'` or `'call'`, the counter that drives the schedule; by default
      `'call'` for an optax schedule and each class's BrainPy choice otherwise.
    - `name`: as for every `eqbrain.Module`.

    ```python
    sch = eqbrain.optim.Scheduler(optax.linear_schedule(1e-2, 1e-3, 100))
    sch()             # Array(0.01): the rate at count last_call + 1 = 0
    sch.step_call()   # the next call of sch() gives the schedule at count 1
    sch(50)           # the schedule at count 50, whatever the counters say
    ```
    """

    lr: Variable | None
    last_epoch: Variable
    last_call: Variable
    schedule: Callable[[ArrayLike], ArrayLike] | None = eqx.field(static=True)
    by: Literal["call", "epoch"] = eqx.field(static=True)

    # BrainPy's base Scheduler follows epochs; each subclass says which counter it follows.
    _default_by: ClassVar[Literal["call", "epoch"]] = "epoch"
    _repr_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        lr: Any = None,
        last_epoch: int = -1,
        *,
        last_call: int = -1,
        by: Literal["call", "epoch"] | None = None,
        name: str | None = None,
    ):
        schedule: Callable[[ArrayLike], ArrayLike] | None = None
        if callable(lr) and not isinstance(lr, Module | Variable):
            schedule, lr = cast(Callable[[ArrayLike], ArrayLike], lr), None
        elif lr is None and type(self) is Scheduler:
            raise TypeError(
                "Scheduler takes a base learning rate (for a subclass that overrides "
                "__call__) or an optax schedule (a function count -> learning rate), "
                "got None. For a fixed learning rate use eqbrain.optim.Constant(lr)."
            )
        elif lr is not None and not isinstance(lr, Variable | numbers.Real):
            raise TypeError(
                "Scheduler takes a base learning rate (a number or a scalar float "
                "Variable) or an optax schedule (a function count -> learning rate), "
                f"got {type(lr).__name__}: {lr!r}."
            )
        if by is None:
            by = "call" if schedule is not None else self._default_by
        if by not in _BY:
            raise ValueError(
                f"by must be 'epoch' (follow step_epoch(), which you call once per epoch) "
                f"or 'call' (follow step_call(), once per optimizer update), got {by!r}."
            )
        super().__init__(name=name)
        self.lr = None if lr is None else _base_rate(lr)
        start = _checks.integer("last_epoch", last_epoch, minimum=-1)
        self.last_epoch = Variable(jnp.asarray(start, jnp.int32))
        start = _checks.integer("last_call", last_call, minimum=-1)
        self.last_call = Variable(jnp.asarray(start, jnp.int32))
        self.schedule = schedule
        self.by = by

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "lr" and name in self.__dict__:  # after __init__: BrainPy's `sch.lr = x`
            self.set_value(value)
            return
        super().__setattr__(name, value)

    @property
    def count(self) -> Variable:
        """The counter that drives the schedule: `last_epoch` or `last_call` (see `by`)."""
        return self.last_call if self.by == "call" else self.last_epoch

    def __call__(self, i: ArrayLike | None = None) -> Array:
        """The learning rate at count `i`, or by default at the driving counter + 1."""
        return jnp.asarray(self._rate(self.count.value + 1 if i is None else i))

    def _rate(self, i: Any) -> Any:
        """The learning rate at count `i` (what the subclasses define)."""
        if self.schedule is None:
            raise NotImplementedError(
                f"{type(self).__name__} defines no schedule: override "
                "`__call__(self, i=None)` in your Scheduler subclass (as in BrainPy), or "
                "pass an optax schedule."
            )
        return self.schedule(i)

    def set_value(self, learning_rate: Any) -> None:
        """Set the base learning rate (`sch.lr = x` does the same), in place."""
        if self.lr is None:
            why = (
                "it follows an optax schedule"
                if self.schedule is not None
                else "its rates are given explicitly"
            )
            raise TypeError(_NO_BASE_RATE_MSG.format(cls=type(self).__name__, why=why))
        if isinstance(learning_rate, Variable):
            learning_rate = learning_rate.value
        if isinstance(learning_rate, numbers.Real):
            learning_rate = _checks.lr("lr", learning_rate)
        self.lr.value = learning_rate

    def step_epoch(self) -> None:
        """Advance `last_epoch` by one (call it at the end of each epoch)."""
        self.last_epoch.value = self.last_epoch.value + 1

    def step_call(self) -> None:
        """Advance `last_call` by one (an optimizer does this once per `update`)."""
        self.last_call.value = self.last_call.value + 1

    def __repr__(self) -> str:
        parts = [] if self.lr is None else [f"lr={_fmt(self.lr)}"]
        parts += [f"{k}={getattr(self, k)!r}" for k in self._repr_fields]
        if self.schedule is not None:
            parts.append(f"schedule={self.schedule!r}")
        parts.append(f"{self.count_name}={_fmt(self.count)}")
        return f"{type(self).__name__}({', '.join(parts)})"

    @property
    def count_name(self) -> str:
        """`'last_call'` or `'last_epoch'`: the name of the driving counter."""
        return "last_call" if self.by == "call" else "last_epoch"


class Constant(Scheduler):
    """A constant learning rate (what a number or Variable given as `lr` becomes).

    **Arguments:**

    - `lr`: the learning rate, a finite number `>= 0` or a scalar float `Variable`.
    - `last_epoch`, `last_call`, `name`: as for `Scheduler`.

    ```python
    sch = eqbrain.optim.Constant(1e-3)
    sch()               # Array(0.001)
    sch.lr = 1e-4       # or sch.set_value(1e-4)
    ```
    """

    def __init__(
        self,
        lr: Any,
        last_epoch: int = -1,
        *,
        last_call: int = -1,
        name: str | None = None,
    ):
        if lr is None or callable(lr) and not isinstance(lr, Variable):
            raise TypeError(
                f"Constant takes a number or a scalar float Variable, got {lr!r}; for a "
                "schedule use eqbrain.optim.Scheduler(schedule)."
            )
        super().__init__(lr, last_epoch, last_call=last_call, name=name)

    def _rate(self, i: Any) -> Any:
        assert self.lr is not None
        return optax.constant_schedule(self.lr.value)(i)


def as_scheduler(lr: Any) -> Scheduler:
    """An optimizer's `lr` as a `Scheduler` (BrainPy's `make_schedule`): a number or a
    Variable becomes `Constant(lr)`, an optax schedule `Scheduler(lr)`, and a `Scheduler`
    stays itself."""
    if isinstance(lr, Scheduler):
        return lr
    if isinstance(lr, Variable) or (
        isinstance(lr, numbers.Real | np.ndarray | jax.Array) and not isinstance(lr, bool)
    ):
        if isinstance(lr, np.ndarray | jax.Array):
            if np.shape(lr) != ():
                raise TypeError(f"lr must be a single number, got an array of shape {lr.shape}.")
            lr = float(lr)
        return Constant(lr)
    if callable(lr) and not isinstance(lr, Module):
        return Scheduler(lr)
    raise TypeError(
        "lr must be a number, a scalar float Variable, an eqbrain.optim.Scheduler (e.g. "
        f"StepLR(0.1, step_size=100)) or an optax schedule, got {type(lr).__name__}: {lr!r}."
    )
