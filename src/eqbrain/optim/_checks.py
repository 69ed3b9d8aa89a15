"""Argument checks shared by the optimizers and schedulers: each names the argument and
says what it takes, and returns the value as a plain Python number."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any


def real(
    name: str,
    value: Any,
    *,
    low: float | None = 0.0,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    hint: str = "",
) -> float:
    """`value` as a finite float within the bounds, or a `TypeError`/`ValueError`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {value!r}.")
    value = float(value)
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if not math.isfinite(value) or too_low or too_high:
        parts = []
        if low is not None:
            parts.append(f"{'>' if low_open else '>='} {low:g}")
        if high is not None:
            parts.append(f"{'<' if high_open else '<='} {high:g}")
        bound = " and ".join(parts)
        raise ValueError(
            f"{name} must be a finite number{' ' + bound if bound else ''}, got {value!r}{hint}."
        )
    return value


def lr(name: str, value: Any) -> float:
    """A learning rate: a finite number >= 0."""
    return real(name, value, hint=" (a negative learning rate would climb the loss)")


def decay(name: str, value: Any) -> float:
    """A decay rate of a moving average (a beta, rho or momentum): in [0, 1)."""
    return real(name, value, high=1.0, high_open=True)


def weight_decay(value: Any) -> float | None:
    """BrainPy's weight decay `p <- (1 - weight_decay) * p - ...`: None or in [0, 1]."""
    if value is None:
        return None
    return real("weight_decay", value, high=1.0)


def integer(name: str, value: Any, *, minimum: int = 1) -> int:
    """`value` as an int >= `minimum`, or a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return int(value)


def counts(name: str, values: Any, *, minimum: int = 0) -> tuple[int, ...]:
    """A non-empty, non-decreasing sequence of counts (BrainPy allows repeats)."""
    if isinstance(values, str) or not isinstance(values, Sequence) or not values:
        raise TypeError(f"{name} must be a non-empty list of counts, got {values!r}.")
    out = tuple(integer(f"each of {name}", v, minimum=minimum) for v in values)
    if any(a > b for a, b in zip(out, out[1:])):
        raise ValueError(f"{name} must be in increasing order, got {list(out)}.")
    return out


def alias(name: str, value: Any, default: Any, other: str, other_value: Any) -> Any:
    """BrainPy's `name` or optax's `other` for one hyperparameter: the one that was given.

    `other_value` is None when optax's name was not used; giving both (with `name` away
    from its default) is an error.
    """
    if other_value is None:
        return value
    if value != default:
        raise TypeError(
            f"{name}={value!r} and {other}={other_value!r} name the same hyperparameter "
            f"({name} is BrainPy's name, {other} optax's): give one of them."
        )
    return other_value
