"""BrainPy's learning-rate schedulers, each an optax schedule where optax computes the
same rates, and BrainPy's closed form where optax has no such schedule.

Each class follows the counter BrainPy's does: epochs (`step_epoch()`) for `StepLR`,
`MultiStepLR`, `CosineAnnealingLR` and `ExponentialLR`; calls (`step_call()`, once per
optimizer update) for the others. `by=` overrides it.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal, TypeVar, cast

import equinox as eqx
import jax.numpy as jnp
import optax

from . import _checks
from ._scheduler import Scheduler

By = Literal["call", "epoch"]


class StepLR(Scheduler):
    """`lr * gamma ** (epoch // step_size)`: the rate drops by `gamma` every `step_size`
    epochs. Backed by `optax.exponential_decay(..., staircase=True)`.

    **Arguments:**

    - `lr`: the initial learning rate (a number or a scalar float Variable).
    - `step_size`: the number of epochs between drops.
    - `gamma`: the factor of each drop, in `(0, 1]`.
    - `last_epoch`: the index of the last epoch done (`-1`: none).
    - `last_call`, `by`, `name`: as for `Scheduler` (`by='epoch'`).

    ```python
    sch = eqbrain.optim.StepLR(0.1, step_size=30, gamma=0.1)
    sch(29), sch(30)     # 0.1, 0.01
    sch.step_epoch()     # at the end of each epoch
    ```
    """

    step_size: int = eqx.field(static=True)
    gamma: float = eqx.field(static=True)
    _repr_fields = ("step_size", "gamma")

    def __init__(
        self,
        lr: Any,
        step_size: int,
        gamma: float = 0.1,
        last_epoch: int = -1,
        *,
        last_call: int = -1,
        by: By = "epoch",
        name: str | None = None,
    ):
        self.step_size = _checks.integer("step_size", step_size)
        self.gamma = _checks.real("gamma", gamma, low_open=True, high=1.0)
        super().__init__(lr, last_epoch, last_call=last_call, by=by, name=name)

    def _rate(self, i: Any) -> Any:
        assert self.lr is not None
        schedule = optax.exponential_decay(
            self.lr.value, self.step_size, self.gamma, staircase=True
        )
        return schedule(i)


class MultiStepLR(Scheduler):
    """The rate is multiplied by `gamma` once the epoch count passes each milestone.

    As in BrainPy, at count `t` the rate is `lr * gamma ** #{m in milestones: m < t}`
    (the base rate holds through epoch `m` itself). Backed by
    `optax.piecewise_constant_schedule` with boundaries `m + 1`.

    **Arguments:**

    - `lr`: the initial learning rate.
    - `milestones`: epoch counts (`>= 0`) in increasing order; a repeated one decays twice.
    - `gamma`: the factor of each decay, in `[0, 1]`.
    - `last_epoch`, `last_call`, `by`, `name`: as for `StepLR`.

    ```python
    sch = eqbrain.optim.MultiStepLR(0.1, milestones=[30, 80], gamma=0.1)
    sch(30), sch(31), sch(81)     # 0.1, 0.01, 0.001
    ```
    """

    milestones: tuple[int, ...] = eqx.field(static=True)
    gamma: float = eqx.field(static=True)
    _repr_fields = ("milestones", "gamma")

    def __init__(
        self,
        lr: Any,
        milestones: Sequence[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
        *,
        last_call: int = -1,
        by: By = "epoch",
        name: str | None = None,
    ):
        self.milestones = _checks.counts("milestones", milestones)
        self.gamma = _checks.real("gamma", gamma, high=1.0)
        super().__init__(lr, last_epoch, last_call=last_call, by=by, name=name)

    def _rate(self, i: Any) -> Any:
        assert self.lr is not None
        scales: dict[int, float] = {}
        for m in self.milestones:  # a repeated milestone decays once per repeat
            scales[m + 1] = scales.get(m + 1, 1.0) * self.gamma
        return optax.piecewise_constant_schedule(self.lr.value, scales)(i)


class CosineAnnealingLR(Scheduler):
    """`eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2` at epoch count `t`.

    Half a cosine from `lr` down to `eta_min` over `T_max` epochs; after `T_max` the
    rate keeps following the cosine, back up to `lr` at `2 * T_max`, as BrainPy's and
    PyTorch's do. (`optax.cosine_decay_schedule` holds `eta_min` after `T_max`, so this
    is the closed form.)

    **Arguments:**

    - `lr`: the initial (maximum) learning rate.
    - `T_max`: the number of epochs of one half cosine.
    - `eta_min`: the minimum learning rate.
    - `last_epoch`, `last_call`, `by`, `name`: as for `StepLR`.

    ```python
    sch = eqbrain.optim.CosineAnnealingLR(0.1, T_max=100)
    sch(50), sch(100), sch(200)     # 0.05, 0.0, 0.1
    ```
    """

    T_max: int = eqx.field(static=True)
    eta_min: float = eqx.field(static=True)
    _repr_fields = ("T_max", "eta_min")

    def __init__(
        self,
        lr: Any,
        T_max: int,
        eta_min: float = 0.0,
        last_epoch: int = -1,
        *,
        last_call: int = -1,
        by: By = "epoch",
        name: str | None = None,
    ):
        self.T_max = _checks.integer("T_max", T_max)
        self.eta_min = _checks.lr("eta_min", eta_min)
        super().__init__(lr, last_epoch, last_call=last_call, by=by, name=name)

    def _rate(self, i: Any) -> Any:
        assert self.lr is not None
        lr = self.lr.value
        return self.eta_min + (lr - self.eta_min) * (1 + jnp.cos(jnp.pi * i / self.T_max)) / 2


class CosineAnnealingWarmRestarts(Scheduler):
    """SGDR: a cosine from `lr` to `eta_min` that restarts at `lr`, in epochs counted
    by calls (`epoch = call / num_call_per_epoch`), each period `T_mult` times longer.

    The rate is `eta_min + (lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2`, `T_cur`
    the (fractional) epochs since the last restart and `T_i` the current period. A
    closed form, as BrainPy's: optax's `sgdr_schedule` takes a finite list of periods.

    **Arguments:**

    - `lr`: the maximum learning rate.
    - `num_call_per_epoch`: the number of `step_call()`s (optimizer updates, usually
      batches) in an epoch.
    - `T_0`: the number of epochs until the first restart.
    - `T_mult`: the factor (an int `>= 1`) by which each period is longer than the last.
    - `eta_min`: the minimum learning rate.
    - `last_epoch`, `last_call`, `by`, `name`: as for `Scheduler` (`by='call'`).

    ```python
    sch = eqbrain.optim.CosineAnnealingWarmRestarts(0.1, num_call_per_epoch=200, T_0=5)
    sch(0), sch(1000)     # 0.1 and, restarted after 5 epochs, 0.1 again
    ```
    """

    num_call_per_epoch: int = eqx.field(static=True)
    T_0: int = eqx.field(static=True)
    T_mult: int = eqx.field(static=True)
    eta_min: float = eqx.field(static=True)
    _repr_fields = ("num_call_per_epoch", "T_0", "T_mult", "eta_min")

    def __init__(
        self,
        lr: Any,
        num_call_per_epoch: int,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_epoch: int = -1,
        last_call: int = -1,
        *,
        by: By = "call",
        name: str | None = None,
    ):
        self.num_call_per_epoch = _checks.integer("num_call_per_epoch", num_call_per_epoch)
        self.T_0 = _checks.integer("T_0", T_0)
        self.T_mult = _checks.integer("T_mult", T_mult)
        self.eta_min = _checks.lr("eta_min", eta_min)
        super().__init__(lr, last_epoch, last_call=last_call, by=by, name=name)

    def _rate(self, i: Any) -> Any:
        assert self.lr is not None
        epoch = i / self.num_call_per_epoch
        t0, mult = self.T_0, self.T_mult
        if mult == 1:
            t_cur, t_i = epoch % t0, t0
        else:
            n = jnp.floor(jnp.log(epoch / t0 * (mult - 1) + 1) / jnp.log(mult))
            t_cur = epoch - t0 * (mult**n - 1) / (mult - 1)
            t_i = t0 * mult**n
        restarted = epoch >= t0
        t_cur = jnp.where(restarted, t_cur, epoch)
        t_i = jnp.where(restarted, t_i, t0)
        lr = self.lr.value
        return self.eta_min + (lr - self.eta_min) * (1 + jnp.cos(jnp.pi * t_cur / t_i)) / 2

    def current_epoch(self, i: Any = None) -> Any:
        """The epoch that call count `i` (default: `last_call + 1`) falls in."""
        i = self.last_call.value + 1 if i is None else i
        return jnp.floor(i / self.num_call_per_epoch)


class ExponentialLR(Scheduler):
    """`lr * gamma ** epoch`: PyTorch's and BrainPy's `ExponentialLR`
    (`optax.exponential_decay` with one epoch per decay).

    **Arguments:**

    - `lr`: the initial learning rate.
    - `gamma`: the factor applied at each epoch, in `(0, 1]`.
    - `last_epoch`, `last_call`, `by`, `name`: as for `StepLR`.

    ```python
    sch = eqbrain.optim.ExponentialLR(0.1, gamma=0.9)
    sch(2)     # 0.081
    ```
    """

    gamma: float = eqx.field(static=True)
    _repr_fields = ("gamma",)

    def __init__(
        self,
        lr: Any,
        gamma: float,
        last_epoch: int = -1,
        *,
        last_call: int = -1,
        by: By = "epoch",
        name: str | None = None,
    ):
        self.gamma = _checks.real("gamma", gamma, low_open=True, high=1.0)
        super().__init__(lr, last_epoch, last_call=last_call, by=by, name=name)

    def _rate(self, i: Any) -> Any:
        assert self.lr is not None
        return optax.exponential_decay(self.lr.value, 1, self.gamma)(i)


class ExponentialDecayLR(Scheduler):
    """`lr * decay_rate ** (t / decay_steps)` at call count `t` (`optax.exponential_decay`).

    **Arguments:**

    - `lr`: the initial learning rate.
    - `decay_steps`: the number of calls over which the rate is multiplied by
      `decay_rate` once.
    - `decay_rate`: the factor, `> 0`.
    - `last_epoch`, `last_call`: the counters' initial values (see `Scheduler`).
    - `staircase`: decay in whole steps, `t // decay_steps` (optax's option).
    - `by`, `name`: as for `Scheduler` (`by='call'`).

    ```python
    sch = eqbrain.optim.ExponentialDecayLR(0.1, decay_steps=100, decay_rate=0.5)
    sch(100)     # Array(0.05)
    ```
    """

    decay_steps: int = eqx.field(static=True)
    decay_rate: float = eqx.field(static=True)
    staircase: bool = eqx.field(static=True)
    _default_by = "call"
    _repr_fields = ("decay_steps", "decay_rate", "staircase")

    def __init__(
        self,
        lr: Any,
        decay_steps: int,
        decay_rate: float,
        last_epoch: int = -1,
        last_call: int = -1,
        *,
        staircase: bool = False,
        by: By = "call",
        name: str | None = None,
    ):
        self.decay_steps = _checks.integer("decay_steps", decay_steps)
        self.decay_rate = _checks.real("decay_rate", decay_rate, low_open=True)
        self.staircase = bool(staircase)
        super().__init__(lr, last_epoch, last_call=last_call, by=by, name=name)

    def _rate(self, i: Any) -> Any:
        assert self.lr is not None
        schedule = optax.exponential_decay(
            self.lr.value, self.decay_steps, self.decay_rate, staircase=self.staircase
        )
        return schedule(i)


class InverseTimeDecayLR(Scheduler):
    """`lr / (1 + decay_rate * t / decay_steps)` at call count `t` (BrainPy's closed
    form; optax has no inverse-time schedule).

    **Arguments:**

    - `lr`: the initial learning rate.
    - `decay_steps`, `decay_rate`: the rate is `lr / (1 + decay_rate)` after
      `decay_steps` calls.
    - `staircase`: use `floor(t / decay_steps)`.
    - `last_epoch`, `last_call`, `by`, `name`: as for `ExponentialDecayLR`.

    ```python
    sch = eqbrain.optim.InverseTimeDecayLR(0.1, decay_steps=10, decay_rate=1.0)
    sch(10)     # Array(0.05)
    ```
    """

    decay_steps: int = eqx.field(static=True)
    decay_rate: float = eqx.field(static=True)
    staircase: bool = eqx.field(static=True)
    _default_by = "call"
    _repr_fields = ("decay_steps", "decay_rate", "staircase")

    def __init__(
        self,
        lr: Any,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        last_epoch: int = -1,
        last_call: int = -1,
        *,
        by: By = "call",
        name: str | None = None,
    ):
        self.decay_steps = _checks.integer("decay_steps", decay_steps)
        self.decay_rate = _checks.real("decay_rate", decay_rate)
        self.staircase = bool(staircase)
        super().__init__(lr, last_epoch, last_call=last_call, by=by, name=name)

    def _rate(self, i: Any) -> Any:
        assert self.lr is not None
        p = i / self.decay_steps
        if self.staircase:
            p = jnp.floor(p)
        return self.lr.value / (1 + self.decay_rate * p)


class PolynomialDecayLR(Scheduler):
    """`(lr - final_lr) * (1 - t / decay_steps) ** power + final_lr` at call count `t`,
    then `final_lr` (`optax.polynomial_schedule`).

    **Arguments:**

    - `lr`: the initial learning rate.
    - `decay_steps`: the number of calls of the decay.
    - `final_lr`: the rate from `decay_steps` on.
    - `power`: the exponent, `> 0` (`1` is a linear decay).
    - `last_epoch`, `last_call`, `by`, `name`: as for `ExponentialDecayLR`.

    ```python
    sch = eqbrain.optim.PolynomialDecayLR(0.1, decay_steps=100, final_lr=0.0)
    sch(50)     # Array(0.05)
    ```
    """

    decay_steps: int = eqx.field(static=True)
    final_lr: float = eqx.field(static=True)
    power: float = eqx.field(static=True)
    _default_by = "call"
    _repr_fields = ("decay_steps", "final_lr", "power")

    def __init__(
        self,
        lr: Any,
        decay_steps: int,
        final_lr: float = 1e-4,
        power: float = 1.0,
        last_epoch: int = -1,
        last_call: int = -1,
        *,
        by: By = "call",
        name: str | None = None,
    ):
        self.decay_steps = _checks.integer("decay_steps", decay_steps)
        self.final_lr = _checks.lr("final_lr", final_lr)
        self.power = _checks.real("power", power, low_open=True)
        super().__init__(lr, last_epoch, last_call=last_call, by=by, name=name)

    def _rate(self, i: Any) -> Any:
        assert self.lr is not None
        schedule = optax.polynomial_schedule(
            self.lr.value, self.final_lr, self.power, self.decay_steps
        )
        return schedule(i)


class PiecewiseConstantLR(Scheduler):
    """`values[k]` where `k` is the number of `boundaries` strictly below the call
    count: `values[0]` up to and including `boundaries[0]`, and so on (BrainPy's).

    Backed by `optax.join_schedules` of `optax.constant_schedule`s (at `boundary + 1`).
    It has no single base rate, so `lr` is `None` and `set_value` raises.

    **Arguments:**

    - `boundaries`: call counts (`>= 0`) in increasing order.
    - `values`: the rates, one more than `boundaries`, each `>= 0`.
    - `last_epoch`, `last_call`, `by`, `name`: as for `ExponentialDecayLR`.

    ```python
    sch = eqbrain.optim.PiecewiseConstantLR([100, 200], [1e-2, 1e-3, 1e-4])
    sch(100), sch(101)     # 0.01, 0.001
    ```
    """

    boundaries: tuple[int, ...] = eqx.field(static=True)
    values: tuple[float, ...] = eqx.field(static=True)
    _default_by = "call"
    _repr_fields = ("boundaries", "values")

    def __init__(
        self,
        boundaries: Sequence[int],
        values: Sequence[float],
        last_epoch: int = -1,
        last_call: int = -1,
        *,
        by: By = "call",
        name: str | None = None,
    ):
        bounds = _checks.counts("boundaries", boundaries)
        if isinstance(values, str) or not isinstance(values, Sequence):
            raise TypeError(f"values must be a list of learning rates, got {values!r}.")
        if len(values) != len(bounds) + 1:
            raise ValueError(
                f"values must hold one learning rate more than boundaries: got "
                f"{len(bounds)} boundaries and {len(values)} values."
            )
        self.boundaries = bounds
        self.values = tuple(_checks.lr(f"values[{i}]", v) for i, v in enumerate(values))
        super().__init__(None, last_epoch, last_call=last_call, by=by, name=name)

    def _rate(self, i: Any) -> Any:
        dtype = jnp.result_type(float)
        pieces = [optax.constant_schedule(jnp.asarray(v, dtype)) for v in self.values]
        return optax.join_schedules(pieces, [b + 1 for b in self.boundaries])(i)


class WarmupCosineLR(Scheduler):
    """A linear warmup from `init_lr` to `lr`, then a cosine decay to `end_lr` (not in
    BrainPy; `optax.warmup_cosine_decay_schedule`'s rates, from its optax parts).

    **Arguments:**

    - `lr`: the peak learning rate, reached after `warmup_steps` calls.
    - `warmup_steps`: the length of the linear warmup (`>= 0`).
    - `decay_steps`: the length of the whole schedule, warmup included
      (`> warmup_steps`); the rate is `end_lr` from then on.
    - `init_lr`: the rate at count 0.
    - `end_lr`: the final rate.
    - `last_epoch`, `last_call`, `by`, `name`: as for `Scheduler` (`by='call'`).

    ```python
    sch = eqbrain.optim.WarmupCosineLR(1e-3, warmup_steps=100, decay_steps=1000)
    sch(0), sch(100), sch(1000)     # 0.0, 0.001, 0.0
    ```
    """

    warmup_steps: int = eqx.field(static=True)
    decay_steps: int = eqx.field(static=True)
    init_lr: float = eqx.field(static=True)
    end_lr: float = eqx.field(static=True)
    _default_by = "call"
    _repr_fields = ("warmup_steps", "decay_steps", "init_lr", "end_lr")

    def __init__(
        self,
        lr: Any,
        warmup_steps: int,
        decay_steps: int,
        init_lr: float = 0.0,
        end_lr: float = 0.0,
        last_epoch: int = -1,
        last_call: int = -1,
        *,
        by: By = "call",
        name: str | None = None,
    ):
        self.warmup_steps = _checks.integer("warmup_steps", warmup_steps, minimum=0)
        self.decay_steps = _checks.integer(
            "decay_steps", decay_steps, minimum=self.warmup_steps + 1
        )
        self.init_lr = _checks.lr("init_lr", init_lr)
        self.end_lr = _checks.lr("end_lr", end_lr)
        super().__init__(lr, last_epoch, last_call=last_call, by=by, name=name)

    def _rate(self, i: Any) -> Any:
        assert self.lr is not None
        peak = self.lr.value
        # optax.warmup_cosine_decay_schedule compares the peak with 0 in Python, which a
        # traced peak (the lr Variable inside jit) cannot do; these are its parts.
        alpha = jnp.where(peak == 0, 0.0, self.end_lr / jnp.where(peak == 0, 1.0, peak))
        warmup = optax.linear_schedule(self.init_lr, peak, self.warmup_steps)
        cosine = optax.cosine_decay_schedule(peak, self.decay_steps - self.warmup_steps, alpha)
        return optax.join_schedules([warmup, cosine], [self.warmup_steps])(i)


_S = TypeVar("_S", bound=Scheduler)


def _renamed(old: str, new: type[_S]) -> type[_S]:
    """BrainPy's deprecated name for `new`: the same class, with a DeprecationWarning."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            f"{old} is deprecated in BrainPy; use eqbrain.optim.{new.__name__}.",
            DeprecationWarning,
            stacklevel=2,
        )
        new.__init__(self, *args, **kwargs)

    doc = f"BrainPy's deprecated name of `{new.__name__}` (warns once built)."
    return cast(
        type[_S], type(old, (new,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})
    )


ExponentialDecay = _renamed("ExponentialDecay", ExponentialDecayLR)
InverseTimeDecay = _renamed("InverseTimeDecay", InverseTimeDecayLR)
PolynomialDecay = _renamed("PolynomialDecay", PolynomialDecayLR)
PiecewiseConstant = _renamed("PiecewiseConstant", PiecewiseConstantLR)
