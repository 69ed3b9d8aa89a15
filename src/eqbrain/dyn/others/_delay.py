"""`LengthDelay`: a ring buffer of a value's recent history (BrainPy's `bm.LengthDelay`)."""

from __future__ import annotations

import math
from typing import Any

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

from ..._core import Variable
from .._dynsys import DynamicalSystem
from .._share import get_dt, share


def delay_steps(delay: Any, dt: float | None = None) -> int:
    """A delay in ms as a whole number of steps of `dt` (the current step by default).

    **Raises:** `ValueError` for a negative, non-finite delay, or one that is not a
    whole number of steps (beyond rounding: `delay / dt` must be within 1e-6 of an
    integer), since the spike would otherwise arrive at a time the run never reaches.
    """
    dt = get_dt() if dt is None else dt
    if isinstance(delay, bool) or not isinstance(delay, int | float | np.number):
        raise TypeError(f"delay must be a number of ms, got {delay!r}.")
    if not math.isfinite(delay) or delay < 0:
        raise ValueError(f"delay must be a finite number of ms >= 0, got {delay!r}.")
    steps = delay / dt
    if abs(steps - round(steps)) > 1e-6 * max(1.0, steps):
        raise ValueError(
            f"delay={delay!r} ms is not a whole number of steps of dt={dt!r} ms. Use a "
            f"multiple of dt (e.g. {round(steps) * dt:g} ms), or set dt first with "
            "`eqbrain.set_dt(...)` before building the model."
        )
    return int(round(steps))


class LengthDelay(DynamicalSystem):
    """The last `max_len` values of something (BrainPy's `bm.LengthDelay`): a ring buffer
    held in Variables, so it runs under `eqbrain.jit`/`for_loop`, resets with the model,
    and is saved by `state_dict` and checkpoint files.

    `update(x)` pushes this step's value; `retrieve(d)` reads the value pushed `d`
    updates ago (`retrieve(0)` is the latest). Before enough pushes, it reads the
    initial data (zeros by default).

    **Arguments:**

    - `target`: an array (or Variable) of the delayed value's shape and dtype, or a shape.
    - `max_len`: the longest delay, in steps.
    - `initial_delay_data`: the history before the first push (default zeros): a scalar,
      or an array of shape `(max_len + 1, *shape)`, oldest last.
    - `dtype`: the dtype when `target` is a shape (default float32).
    - `dt`: the step (ms) that `max_len` counts, when the buffer stands for a delay in
      ms (the projections' `delay=` sets it): `push` then refuses to run at another
      `dt`, which would silently stretch or shrink the delay.

    ```python
    buf = eqbrain.LengthDelay(jnp.zeros(100, bool), max_len=15)   # 1.5 ms at dt = 0.1
    buf.update(spikes)
    arrived = buf.retrieve(15)      # the spikes of 15 steps ago
    ```
    """

    data: Variable
    head: Variable
    max_len: int = eqx.field(static=True)
    dt: float | None = eqx.field(static=True)

    def __init__(
        self,
        target: Any,
        max_len: int,
        initial_delay_data: Any = None,
        *,
        dtype: Any = None,
        dt: float | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        self.dt = None if dt is None else float(dt)
        if isinstance(max_len, bool) or not isinstance(max_len, int | np.integer) or max_len < 0:
            raise ValueError(f"max_len must be an int >= 0 (steps), got {max_len!r}.")
        if isinstance(target, int | tuple) and not isinstance(target, bool):
            shape = (target,) if isinstance(target, int) else target
            dtype = jnp.float32 if dtype is None else dtype
        else:
            value = target.value if isinstance(target, Variable) else jnp.asarray(target)
            shape, dtype = value.shape, value.dtype if dtype is None else dtype
        self.max_len = int(max_len)
        full = (self.max_len + 1, *shape)
        if initial_delay_data is None:
            data = jnp.zeros(full, dtype)
        else:
            init = jnp.asarray(initial_delay_data, dtype)
            if init.ndim != 0 and init.shape != full:
                raise ValueError(
                    f"initial_delay_data must be a scalar or of shape {full} (max_len + 1 "
                    f"steps of shape {tuple(shape)}), got shape {init.shape}."
                )
            data = jnp.broadcast_to(init, full)
        self.data = Variable(data)
        self.head = Variable(jnp.zeros((), jnp.int32))

    def update(self, value: Any) -> None:
        """Push this step's `value` (it becomes `retrieve(0)`)."""
        head = (self.head.value - 1) % (self.max_len + 1)
        self.data.value = self.data.value.at[head].set(value)
        self.head.value = head

    def push(self, value: Any) -> Any:
        """Push `value`, then return the value pushed `max_len` updates ago: the buffer
        as a fixed delay line."""
        self._check_dt()
        self.update(value)
        return self.retrieve(self.max_len)

    def retrieve(self, delay_len: Any) -> Any:
        """The value pushed `delay_len` updates ago (0: the latest), at most `max_len`.

        `delay_len` is an int, or an integer array (one delay per entry). A step outside
        `[0, max_len]` is refused, never wrapped around the ring buffer: a known value
        (an int, a concrete array) with a `ValueError` now; a value traced inside a
        transform with an `eqx.error_if` check, raised when the computation runs.
        """
        if isinstance(delay_len, Tracer):
            if not jnp.issubdtype(delay_len.dtype, jnp.integer):
                raise TypeError(self._not_int(delay_len))
            outside = jnp.any((delay_len < 0) | (delay_len > self.max_len))
            delay_len = eqx.error_if(
                delay_len,
                outside,
                f"{self.name}.retrieve: a delay_len outside this buffer's range "
                f"[0, {self.max_len}] steps (it would wrap around the ring buffer).",
            )
        else:
            steps = np.asarray(delay_len)
            if isinstance(delay_len, bool) or not np.issubdtype(steps.dtype, np.integer):
                raise TypeError(self._not_int(delay_len))
            if steps.size and not (steps.min() >= 0 and steps.max() <= self.max_len):
                fix = (
                    "0 is the latest push, and it counts back from there"
                    if steps.min() < 0
                    else f"build the LengthDelay with max_len >= {int(steps.max())}"
                )
                raise ValueError(
                    f"{self.name}.retrieve(delay_len={delay_len!r}): delay_len is outside "
                    f"this buffer's range [0, {self.max_len}] (steps); {fix}."
                )
        return self.data.value[(self.head.value + delay_len) % (self.max_len + 1)]

    def _not_int(self, delay_len: Any) -> str:
        return (
            f"{self.name}.retrieve: delay_len counts steps, so it must be an int or an "
            f"integer array, got {delay_len!r}."
        )

    def _check_dt(self) -> None:
        dt = share.load("dt", None)
        if self.dt is None or dt is None or isinstance(dt, Tracer):
            return  # no delay in ms to keep, or a dt only known inside the computation
        # the same tolerance as `delay_steps`: a float32 dt (0.1 is 0.10000000149) is
        # the same step, a different step is not
        if abs(float(dt) - self.dt) > 1e-6 * self.dt:
            built = (self.max_len + 1) * self.dt
            raise ValueError(
                f"This delay of {built:g} ms was built for dt = {self.dt:g} ms "
                f"({self.max_len + 1} steps), but the step runs with dt = {float(dt):g} ms, "
                f"which would make it {(self.max_len + 1) * float(dt):g} ms. Build the "
                f"model after `eqbrain.set_dt({float(dt):g})` (or inside "
                "`eqbrain.share.context(dt=...)`), so that its delays count the run's steps."
            )


def delay_line(delay: float | None, value: Any) -> LengthDelay | None:
    """The ring buffer of a projection's `delay` (ms, whole steps of the current `dt`)
    for values like `value`, or `None` when it needs none.

    A network reads its populations' previous step, so a spike of step `s` reaches a
    projection at step `s + 1` without a buffer. As in BrainPy, a delay of `n` steps
    means arrival at step `s + n`: the buffer holds `n - 1` steps, and `delay=dt` arrives
    as no delay does (its empty buffer still checks that the run keeps this `dt`).
    """
    steps = 0 if delay is None else delay_steps(delay)
    return LengthDelay(value, steps - 1, dt=get_dt()) if steps >= 1 else None
