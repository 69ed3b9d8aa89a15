"""Periodic input currents: BrainPy's `bp.inputs.sinusoidal_input` and `square_input`."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ._currents import _ceil, _dt, _duration, _floor


def _window(duration: float, t_start: float, t_end: float | None, dt: float):
    """(steps, the window's first step, its last step + 1, the window's times in ms from
    `t_start`), as BrainPy counts them."""
    duration = _duration(duration, "duration")
    t_start = _duration(t_start, "t_start")
    t_end = duration if t_end is None else _duration(t_end, "t_end")
    if t_end < t_start:
        raise ValueError(f"t_end ({t_end}) must not come before t_start ({t_start}).")
    n = _ceil(duration, dt)
    start, end = min(_floor(t_start, dt), n), min(_floor(t_end, dt), n)
    return n, start, end, np.arange(end - start) * dt


def _frequency(frequency: float) -> float:
    if isinstance(frequency, bool) or not isinstance(frequency, int | float | np.number):
        raise ValueError(f"frequency must be a number of Hz, got {frequency!r}.")
    return float(frequency)


def sinusoidal_input(
    amplitude: float,
    frequency: float,
    duration: float,
    dt: float | None = None,
    t_start: float = 0.0,
    t_end: float | None = None,
    bias: bool = False,
) -> jax.Array:
    """A sine current, `amplitude * sin(2 pi frequency t)` with `t` from `t_start`:
    BrainPy's `bp.inputs.sinusoidal_input`. Zero outside `[t_start, t_end)`.

    **Arguments:**

    - `amplitude`: the peak value; `frequency`: in Hz (the times are in ms).
    - `duration`: the total duration (ms); `dt`: the step (default `eqbrain.get_dt()`).
    - `t_start`, `t_end`: the window (ms); `t_end` defaults to `duration`.
    - `bias`: add `amplitude`, so that the current oscillates in `[0, 2 amplitude]`.

    ```python
    I = eqbrain.inputs.sinusoidal_input(1.0, frequency=10.0, duration=500.0)   # 10 Hz
    ```
    """
    dt = _dt(dt)
    n, start, end, t = _window(duration, t_start, t_end, dt)
    wave = amplitude * np.sin(2 * np.pi * _frequency(frequency) / 1000.0 * t)
    out = np.zeros(n, np.float32)
    out[start:end] = wave + amplitude if bias else wave
    return jnp.asarray(out)


def square_input(
    amplitude: float,
    frequency: float,
    duration: float,
    dt: float | None = None,
    bias: bool = False,
    t_start: float = 0.0,
    t_end: float | None = None,
) -> jax.Array:
    """A square current, `+amplitude` for the first half of each period and `-amplitude`
    for the second, from `t_start`: BrainPy's `bp.inputs.square_input`. Zero outside
    `[t_start, t_end)`.

    **Arguments:** as for `sinusoidal_input` (`bias`: the current is `2 amplitude`, then
    0).

    ```python
    I = eqbrain.inputs.square_input(1.0, frequency=5.0, duration=1000.0, bias=True)
    ```
    """
    dt = _dt(dt)
    n, start, end, t = _window(duration, t_start, t_end, dt)
    phase = (_frequency(frequency) / 1000.0 * t) % 1.0
    wave = amplitude * np.where(phase < 0.5, 1.0, -1.0)
    out = np.zeros(n, np.float32)
    out[start:end] = wave + amplitude if bias else wave
    return jnp.asarray(out)
