"""`Scheduler`: a learning-rate schedule whose step counter lives in a Variable.

Each scheduler wraps an optax schedule (a function of an integer count). The counts are
`int32` Variables, so a scheduler is saved and loaded with its model and optimizer, and
its `step_call()` / `step_epoch()` work inside `eqbrain.jit`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any, Literal

import equinox as eqx
import jax.numpy as jnp
import optax
from jax import Array
from jax.typing import ArrayLike

from ..core import Module, Variable

_BY = ("call", "epoch")


def _rate(name: str, value: Any, *, positive: bool = False, hint: str = "") -> float:
    """`value` as a float, or a clear error: finite and >= 0 (> 0 with `positive`)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {value!r}.")
    value = float(value)
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}{hint}.")
    return value


def _lr(name: str, value: Any) -> float:
    """A learning rate: a finite number >= 0."""
    return _rate(name, value, hint=" (a negative learning rate would climb the loss)")


def _steps(name: str, value: Any, *, minimum: int = 1) -> int:
    """`value` as an int >= `minimum`, or a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return int(value)


def _increasing(name: str, values: Any) -> tuple[int, ...]:
    if isinstance(values, str) or not isinstance(values, Sequence) or not values:
        raise TypeError(f"{name} must be a non-empty list of step counts, got {values!r}.")
    out = tuple(_steps(f"each of {name}", v) for v in values)
    if any(a >= b for a, b in zip(out, out[1:])):
        raise ValueError(f"{name} must be strictly increasing, got {list(out)}.")
    return out


class Scheduler(Module):
    """A learning-rate schedule: an optax schedule evaluated at a counter Variable.

    `sch()` is the current learning rate. A scheduler keeps two `int32` counters, both
    starting at 0: `calls` (advanced by `step_call()`, which an optimizer calls once per
    `update`) and `epochs` (advanced by `step_epoch()`, which you call). `by` says which
    of the two drives the schedule. Both are Variables, so they are checkpointed and
    advance inside `eqbrain.jit`. The subclasses (`StepLR`, `CosineAnnealingLR`, ...)
    build the optax schedule from BrainPy's arguments; any optax schedule works here.

    **Arguments:**

    - `schedule`: an optax schedule, a function `count -> learning rate`, such as
      `optax.linear_schedule(1e-3, 1e-4, 1000)`.
    - `by`: `'call'` (default) to follow `step_call()` -- with an optimizer, the lr of
      update `k` (from 0) is `schedule(k)`, exactly as optax counts -- or `'epoch'` to
      follow `step_epoch()`, as BrainPy's epoch-based schedulers do.
    - `name`: as for every `eqbrain.Module`.

    ```python
    sch = eqbrain.optim.Scheduler(optax.linear_schedule(1e-2, 1e-3, 100))
    sch()             # Array(0.01)
    sch.step_call()   # the next call of sch() gives schedule(1)
    sch(50)           # the schedule at count 50, whatever the counters say
    ```
    """

    calls: Variable
    epochs: Variable
    schedule: Callable[[ArrayLike], ArrayLike] = eqx.field(static=True)
    by: Literal["call", "epoch"] = eqx.field(static=True)

    def __init__(
        self,
        schedule: Callable[[ArrayLike], ArrayLike],
        *,
        by: Literal["call", "epoch"] = "call",
        name: str | None = None,
    ):
        if not callable(schedule):
            raise TypeError(
                "Scheduler takes an optax schedule (a function count -> learning rate), "
                f"got {type(schedule).__name__}. For a fixed learning rate use "
                "eqbrain.optim.Constant(lr)."
            )
        if by not in _BY:
            raise ValueError(
                f"by must be 'call' (follow step_call(), once per optimizer update) or "
                f"'epoch' (follow step_epoch()), got {by!r}."
            )
        super().__init__(name=name)
        self.calls = Variable(jnp.zeros((), jnp.int32))
        self.epochs = Variable(jnp.zeros((), jnp.int32))
        self.schedule = schedule
        self.by = by

    @property
    def count(self) -> Variable:
        """The counter that drives the schedule: `calls` or `epochs`, as `by` says."""
        return self.calls if self.by == "call" else self.epochs

    def __call__(self, i: ArrayLike | None = None) -> Array:
        """The learning rate at count `i`, or by default at the current count."""
        return jnp.asarray(self.schedule(self.count.value if i is None else i))

    def step_call(self) -> None:
        """Advance `calls` by one (an optimizer does this once per `update`)."""
        self.calls.value = self.calls.value + 1

    def step_epoch(self) -> None:
        """Advance `epochs` by one (call it at the end of each epoch)."""
        self.epochs.value = self.epochs.value + 1


class Constant(Scheduler):
    """A constant learning rate (what a float `lr` given to an optimizer becomes).

    **Arguments:**

    - `lr`: the learning rate, a finite number `>= 0`.

    ```python
    eqbrain.optim.Constant(1e-3)()     # Array(0.001)
    ```
    """

    def __init__(self, lr: float, *, name: str | None = None):
        super().__init__(optax.constant_schedule(_lr("lr", lr)), name=name)


class ExponentialDecayLR(Scheduler):
    """`lr * decay_rate ** (count / decay_steps)` (`optax.exponential_decay`).

    **Arguments:**

    - `lr`: the initial learning rate.
    - `decay_steps`: the number of counts over which the rate is multiplied by
      `decay_rate` once.
    - `decay_rate`: the factor, `> 0`.
    - `staircase`: decay in whole steps, `count // decay_steps`.
    - `by`: the counter that drives it (see `Scheduler`).

    ```python
    sch = eqbrain.optim.ExponentialDecayLR(0.1, decay_steps=100, decay_rate=0.5)
    sch(100)     # Array(0.05)
    ```
    """

    def __init__(
        self,
        lr: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        *,
        by: Literal["call", "epoch"] = "call",
        name: str | None = None,
    ):
        schedule = optax.exponential_decay(
            _lr("lr", lr),
            _steps("decay_steps", decay_steps),
            _rate("decay_rate", decay_rate, positive=True),
            staircase=bool(staircase),
        )
        super().__init__(schedule, by=by, name=name)


ExponentialDecay = ExponentialDecayLR


class ExponentialLR(Scheduler):
    """`lr * gamma ** count`: PyTorch's and BrainPy's `ExponentialLR`.

    **Arguments:**

    - `lr`: the initial learning rate.
    - `gamma`: the factor applied at each count, `> 0`.
    - `by`: the counter that drives it (see `Scheduler`).

    ```python
    eqbrain.optim.ExponentialLR(0.1, gamma=0.9, by="epoch")
    ```
    """

    def __init__(
        self,
        lr: float,
        gamma: float,
        *,
        by: Literal["call", "epoch"] = "call",
        name: str | None = None,
    ):
        schedule = optax.exponential_decay(_lr("lr", lr), 1, _rate("gamma", gamma, positive=True))
        super().__init__(schedule, by=by, name=name)


class StepLR(Scheduler):
    """`lr * gamma ** (count // step_size)`: the rate drops by `gamma` every `step_size`.

    Backed by `optax.exponential_decay(..., staircase=True)`.

    **Arguments:**

    - `lr`: the initial learning rate.
    - `step_size`: the number of counts between drops.
    - `gamma`: the factor of each drop, `> 0`.
    - `by`: the counter that drives it (see `Scheduler`).

    ```python
    sch = eqbrain.optim.StepLR(0.1, step_size=30, gamma=0.1)
    sch(29), sch(30)     # 0.1, 0.01
    ```
    """

    def __init__(
        self,
        lr: float,
        step_size: int,
        gamma: float = 0.1,
        *,
        by: Literal["call", "epoch"] = "call",
        name: str | None = None,
    ):
        schedule = optax.exponential_decay(
            _lr("lr", lr),
            _steps("step_size", step_size),
            _rate("gamma", gamma, positive=True),
            staircase=True,
        )
        super().__init__(schedule, by=by, name=name)


class MultiStepLR(Scheduler):
    """The rate is multiplied by `gamma` at each count in `milestones`.

    Backed by `optax.piecewise_constant_schedule`: at count `t` the rate is
    `lr * gamma ** (number of milestones <= t)`.

    **Arguments:**

    - `lr`: the initial learning rate.
    - `milestones`: strictly increasing counts (`>= 1`) at which the rate drops.
    - `gamma`: the factor of each drop, `>= 0`.
    - `by`: the counter that drives it (see `Scheduler`).

    ```python
    sch = eqbrain.optim.MultiStepLR(0.1, milestones=[30, 80], gamma=0.1)
    sch(30), sch(80)     # 0.01, 0.001
    ```
    """

    def __init__(
        self,
        lr: float,
        milestones: Sequence[int],
        gamma: float = 0.1,
        *,
        by: Literal["call", "epoch"] = "call",
        name: str | None = None,
    ):
        gamma = _rate("gamma", gamma)
        bounds = _increasing("milestones", milestones)
        schedule = optax.piecewise_constant_schedule(_lr("lr", lr), dict.fromkeys(bounds, gamma))
        super().__init__(schedule, by=by, name=name)


class PiecewiseConstantLR(Scheduler):
    """`values[i]` from count `boundaries[i - 1]` up to `boundaries[i]` (BrainPy's).

    Backed by `optax.join_schedules` of `optax.constant_schedule`s.

    **Arguments:**

    - `boundaries`: strictly increasing counts (`>= 1`) at which the rate changes.
    - `values`: the rates, one more than `boundaries`, each `>= 0`.
    - `by`: the counter that drives it (see `Scheduler`).

    ```python
    sch = eqbrain.optim.PiecewiseConstantLR([100, 200], [1e-2, 1e-3, 1e-4])
    sch(150)     # 0.001
    ```
    """

    def __init__(
        self,
        boundaries: Sequence[int],
        values: Sequence[float],
        *,
        by: Literal["call", "epoch"] = "call",
        name: str | None = None,
    ):
        bounds = _increasing("boundaries", boundaries)
        if isinstance(values, str) or not isinstance(values, Sequence):
            raise TypeError(f"values must be a list of learning rates, got {values!r}.")
        if len(values) != len(bounds) + 1:
            raise ValueError(
                f"values must hold one learning rate more than boundaries: got "
                f"{len(bounds)} boundaries and {len(values)} values."
            )
        rates = [_lr(f"values[{i}]", v) for i, v in enumerate(values)]
        schedule = optax.join_schedules([optax.constant_schedule(v) for v in rates], bounds)
        super().__init__(schedule, by=by, name=name)


class CosineAnnealingLR(Scheduler):
    """Half a cosine from `lr` down to `eta_min` over `T_max` counts, then `eta_min`.

    `eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2` for `t <= T_max`, backed by
    `optax.cosine_decay_schedule` (which holds `eta_min` after `T_max`; PyTorch's rises
    again).

    **Arguments:**

    - `lr`: the initial learning rate.
    - `T_max`: the number of counts of the decay.
    - `eta_min`: the final learning rate, `0 <= eta_min <= lr`.
    - `by`: the counter that drives it (see `Scheduler`).

    ```python
    sch = eqbrain.optim.CosineAnnealingLR(0.1, T_max=100)
    sch(50)     # Array(0.05)
    ```
    """

    def __init__(
        self,
        lr: float,
        T_max: int,
        eta_min: float = 0.0,
        *,
        by: Literal["call", "epoch"] = "call",
        name: str | None = None,
    ):
        lr, eta_min = _lr("lr", lr), _lr("eta_min", eta_min)
        if eta_min > lr:
            raise ValueError(f"eta_min={eta_min!r} must not exceed lr={lr!r}.")
        schedule = optax.cosine_decay_schedule(
            lr, _steps("T_max", T_max), alpha=eta_min / lr if lr else 0.0
        )
        super().__init__(schedule, by=by, name=name)


class WarmupCosineLR(Scheduler):
    """A linear warmup from `init_lr` to `lr`, then a cosine decay to `end_lr`.

    Backed by `optax.warmup_cosine_decay_schedule`.

    **Arguments:**

    - `lr`: the peak learning rate, reached after `warmup_steps` counts.
    - `warmup_steps`: the length of the linear warmup (`>= 0`).
    - `decay_steps`: the length of the whole schedule, warmup included
      (`> warmup_steps`); the rate is `end_lr` from then on.
    - `init_lr`: the rate at count 0.
    - `end_lr`: the final rate.
    - `by`: the counter that drives it (see `Scheduler`).

    ```python
    sch = eqbrain.optim.WarmupCosineLR(1e-3, warmup_steps=100, decay_steps=1000)
    sch(0), sch(100), sch(1000)     # 0.0, 0.001, 0.0
    ```
    """

    def __init__(
        self,
        lr: float,
        warmup_steps: int,
        decay_steps: int,
        init_lr: float = 0.0,
        end_lr: float = 0.0,
        *,
        by: Literal["call", "epoch"] = "call",
        name: str | None = None,
    ):
        warmup_steps = _steps("warmup_steps", warmup_steps, minimum=0)
        decay_steps = _steps("decay_steps", decay_steps, minimum=warmup_steps + 1)
        schedule = optax.warmup_cosine_decay_schedule(
            _lr("init_lr", init_lr),
            _lr("lr", lr),
            warmup_steps,
            decay_steps,
            _lr("end_lr", end_lr),
        )
        super().__init__(schedule, by=by, name=name)


class PolynomialDecayLR(Scheduler):
    """`(lr - final_lr) * (1 - t / decay_steps) ** power + final_lr`, then `final_lr`.

    Backed by `optax.polynomial_schedule`.

    **Arguments:**

    - `lr`: the initial learning rate.
    - `decay_steps`: the number of counts of the decay.
    - `final_lr`: the rate from `decay_steps` on.
    - `power`: the exponent, `> 0` (`1` is a linear decay).
    - `by`: the counter that drives it (see `Scheduler`).

    ```python
    sch = eqbrain.optim.PolynomialDecayLR(0.1, decay_steps=100, final_lr=0.0)
    sch(50)     # Array(0.05)
    ```
    """

    def __init__(
        self,
        lr: float,
        decay_steps: int,
        final_lr: float = 1e-4,
        power: float = 1.0,
        *,
        by: Literal["call", "epoch"] = "call",
        name: str | None = None,
    ):
        schedule = optax.polynomial_schedule(
            _lr("lr", lr),
            _lr("final_lr", final_lr),
            _rate("power", power, positive=True),
            _steps("decay_steps", decay_steps),
        )
        super().__init__(schedule, by=by, name=name)


def as_scheduler(lr: Any) -> Scheduler:
    """An optimizer's `lr` argument as a `Scheduler`: a number becomes `Constant(lr)`, an
    optax schedule (a callable) becomes `Scheduler(lr)`, a `Scheduler` stays itself."""
    if isinstance(lr, Scheduler):
        return lr
    if isinstance(lr, numbers.Real) and not isinstance(lr, bool):
        return Constant(lr)
    if callable(lr) and not isinstance(lr, Module):
        return Scheduler(lr)
    raise TypeError(
        "lr must be a number, an eqbrain.optim.Scheduler (e.g. StepLR(0.1, step_size=100)) "
        f"or an optax schedule, got {type(lr).__name__}: {lr!r}."
    )
