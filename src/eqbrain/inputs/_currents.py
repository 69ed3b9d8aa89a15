"""Input currents as arrays over time: BrainPy's `bp.inputs` functions.

Every function returns a float32 array with time first (one row per step of `dt`), to
pass to `DSRunner.run(duration, inputs=...)`, or to a runner input
`("V", current, "iter")`.

Step counts follow BrainPy 2.x: a section of `d` ms lasts `int(d / dt)` steps and the
whole array `ceil(total / dt)` steps, except that a count within `1e-9` of a whole
number is taken as that number (BrainPy's `int(300 / 0.1)` is 2999, and its array then
ends with a step of zeros).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any, Literal, overload

import jax
import jax.numpy as jnp
import numpy as np

from ..dyn import share


def _dt(dt: float | None) -> float:
    dt = share.dt if dt is None else dt
    if (
        isinstance(dt, bool)
        or not isinstance(dt, int | float)
        or not (dt > 0 and math.isfinite(dt))
    ):
        raise ValueError(f"dt must be a positive number of ms, got {dt!r}.")
    return float(dt)


def _snap(q: float) -> float | None:
    r = round(q)
    return r if abs(q - r) <= 1e-9 * max(1.0, abs(q)) else None


def _floor(duration: float, dt: float) -> int:
    """`int(duration / dt)` (BrainPy's), rounding error aside."""
    q = duration / dt
    snapped = _snap(q)
    return int(snapped) if snapped is not None else math.floor(q)


def _ceil(duration: float, dt: float) -> int:
    """`ceil(duration / dt)` (BrainPy's), rounding error aside."""
    q = duration / dt
    snapped = _snap(q)
    return int(snapped) if snapped is not None else math.ceil(q)


def _duration(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{what} must be a number of ms, got {value!r}.")
    if not (value >= 0 and math.isfinite(value)):
        raise ValueError(f"{what} must be a finite number of ms >= 0, got {value!r}.")
    return float(value)


def _sections(values: Sequence, durations: Sequence, dt: float) -> jax.Array:
    shape: tuple[int, ...] = ()
    arrays = [np.asarray(v, np.float32) for v in values]
    for a in arrays:
        if a.ndim > len(shape):
            shape = a.shape
    durations = [_duration(d, "each duration") for d in durations]
    out = np.zeros((_ceil(sum(durations), dt), *shape), np.float32)
    start = 0
    for a, d in zip(arrays, durations):
        length = _floor(d, dt)
        try:
            out[start : start + length] = a
        except ValueError:
            raise ValueError(
                f"a section value of shape {a.shape} does not broadcast to the current's "
                f"shape {shape} (the largest value's shape)."
            ) from None
        start += length
    return jnp.asarray(out)


@overload
def section_input(
    values: Sequence,
    durations: Sequence[float],
    dt: float | None = None,
    return_length: Literal[False] = False,
) -> jax.Array: ...
@overload
def section_input(
    values: Sequence,
    durations: Sequence[float],
    dt: float | None = None,
    *,
    return_length: Literal[True],
) -> tuple[jax.Array, float]: ...
@overload
def section_input(
    values: Sequence, durations: Sequence[float], dt: float | None, return_length: Literal[True]
) -> tuple[jax.Array, float]: ...
@overload
def section_input(
    values: Sequence,
    durations: Sequence[float],
    dt: float | None = None,
    return_length: bool = False,
) -> jax.Array | tuple[jax.Array, float]: ...
def section_input(
    values: Sequence,
    durations: Sequence[float],
    dt: float | None = None,
    return_length: bool = False,
) -> jax.Array | tuple[jax.Array, float]:
    """A current made of sections, each constant: BrainPy's `bp.inputs.section_input`.

    **Arguments:**

    - `values`: the value of each section: numbers or arrays (broadcast to the
      largest one's shape).
    - `durations`: the duration of each section (ms).
    - `dt`: the step (ms); default `eqbrain.get_dt()`.
    - `return_length`: also return the total duration: `(current, duration)`.

    ```python
    I = eqbrain.inputs.section_input(values=[0.0, 1.0, 0.0], durations=[100, 300, 100])
    I.shape            # (5000,) with dt = 0.1
    ```
    """
    if len(values) != len(durations):
        raise ValueError(
            f'"values" and "durations" must be the same length, got {len(values)} != '
            f"{len(durations)}."
        )
    dt = _dt(dt)
    current = _sections(values, durations, dt)
    return (current, float(sum(durations))) if return_length else current


def constant_input(
    I_and_duration: Sequence[tuple[Any, float]], dt: float | None = None
) -> tuple[jax.Array, float]:
    """Constant sections from `(value, duration)` pairs: BrainPy's `constant_input`.

    **Arguments:**

    - `I_and_duration`: `[(value, duration_ms), ...]`.
    - `dt`: the step (ms); default `eqbrain.get_dt()`.

    **Returns:** `(current, total_duration)`.

    ```python
    I, duration = eqbrain.inputs.constant_input([(0.0, 100), (1.0, 300), (0.0, 100)])
    ```
    """
    pairs = list(I_and_duration)
    if not all(isinstance(p, list | tuple) and len(p) == 2 for p in pairs):
        raise ValueError(f"I_and_duration must be (value, duration) pairs, got {pairs!r}.")
    dt = _dt(dt)
    values, durations = [p[0] for p in pairs], [p[1] for p in pairs]
    return _sections(values, durations, dt), float(sum(durations))


def spike_input(
    sp_times: Sequence[float],
    sp_lens: float | Sequence[float],
    sp_sizes: float | Sequence[float],
    duration: float,
    dt: float | None = None,
) -> jax.Array:
    """Short current pulses at given times: BrainPy's `bp.inputs.spike_input`.

    **Arguments:**

    - `sp_times`: the start of each pulse (ms).
    - `sp_lens`: the length of each pulse (ms): one number, or one per pulse.
    - `sp_sizes`: the amplitude of each pulse: one number, or one per pulse.
    - `duration`: the total duration (ms).
    - `dt`: the step (ms); default `eqbrain.get_dt()`.

    ```python
    I = eqbrain.inputs.spike_input([10, 20, 30, 200, 300], sp_lens=1.0, sp_sizes=0.5, duration=400)
    ```
    """
    if not isinstance(sp_times, list | tuple | np.ndarray):
        raise ValueError(f"sp_times must be a list of times (ms), got {sp_times!r}.")
    n = len(sp_times)
    lens = [sp_lens] * n if isinstance(sp_lens, int | float) else list(sp_lens)
    sizes = [sp_sizes] * n if isinstance(sp_sizes, int | float) else list(sp_sizes)
    if len(lens) != n or len(sizes) != n:
        raise ValueError(
            f"sp_lens and sp_sizes must be one number or one per pulse ({n}); got "
            f"{len(lens)} and {len(sizes)}."
        )
    dt = _dt(dt)
    out = np.zeros(_ceil(_duration(duration, "duration"), dt), np.float32)
    for time, length, size in zip(sp_times, lens, sizes):
        start = _floor(_duration(time, "each spike time"), dt)
        out[start : start + _floor(_duration(length, "each spike length"), dt)] = size
    return jnp.asarray(out)


def ramp_input(
    c_start: float,
    c_end: float,
    duration: float,
    t_start: float = 0.0,
    t_end: float | None = None,
    dt: float | None = None,
) -> jax.Array:
    """A current rising (or falling) linearly: BrainPy's `bp.inputs.ramp_input`.

    Zero outside `[t_start, t_end)`; from `c_start` to `c_end` (included) inside.

    **Arguments:**

    - `c_start`, `c_end`: the values at the start and the end of the ramp.
    - `duration`: the total duration (ms).
    - `t_start`, `t_end`: the ramp's start and end (ms); `t_end` defaults to `duration`.
    - `dt`: the step (ms); default `eqbrain.get_dt()`.

    ```python
    I = eqbrain.inputs.ramp_input(0.0, 1.0, duration=500, t_start=100, t_end=400)
    ```
    """
    dt = _dt(dt)
    duration = _duration(duration, "duration")
    t_end = duration if t_end is None else _duration(t_end, "t_end")
    t_start = _duration(t_start, "t_start")
    if t_end < t_start:
        raise ValueError(f"t_end ({t_end}) must not come before t_start ({t_start}).")
    out = np.zeros(_ceil(duration, dt), np.float32)
    p1, p2 = _ceil(t_start, dt), _ceil(t_end, dt)
    out[p1:p2] = np.linspace(c_start, c_end, p2 - p1, dtype=np.float32)[: max(0, out.size - p1)]
    return jnp.asarray(out)


def spike_current(*args: Any, **kwargs: Any) -> jax.Array:
    """Deprecated (BrainPy 2.1.13): `spike_input`. Warns `DeprecationWarning`."""
    warnings.warn(
        "eqbrain.inputs.spike_current is deprecated (as in BrainPy): use spike_input.",
        DeprecationWarning,
        stacklevel=2,
    )
    return spike_input(*args, **kwargs)


def ramp_current(*args: Any, **kwargs: Any) -> jax.Array:
    """Deprecated (BrainPy 2.1.13): `ramp_input`. Warns `DeprecationWarning`."""
    warnings.warn(
        "eqbrain.inputs.ramp_current is deprecated (as in BrainPy): use ramp_input.",
        DeprecationWarning,
        stacklevel=2,
    )
    return ramp_input(*args, **kwargs)
