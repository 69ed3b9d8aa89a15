"""Delay differential equations: BrainPy's `TimeDelay`/`NeuTimeDelay` and `ddeint`.

A `TimeDelay` is a variable's history over the last `delay_len`, read at any past time
by interpolation; its buffer, position and clock are Variables of the model. `ddeint`
(`odeint` with `state_delays`/`neutral_delays`) pushes each new state (or, for a
neutral delay, its derivative) into the delays after every step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

from ..._core import Variable
from .._dynsys import DynamicalSystem
from .._share import get_dt
from ._integrator import ODEIntegrator, _value

INTERP_METHODS = ("linear_interp", "round")

_TOO_OLD_MSG = """\
{name} (delay_len={delay_len:g}) holds the history from t={oldest:g} to t={now:g}, but \
t={time:g} was asked for, {back:g} before the current time. Build the TimeDelay with \
delay_len >= {back:g} (the longest delay the equation reads)."""

_FUTURE_MSG = """\
{name} holds the history up to its current time t={now:g}, but t={time:g} was asked \
for: a delay reads the past (time <= current time). Update the delay (`delay.update(x)`, \
done by ddeint after each step) before reading a later time."""


def _check_before(before_t0: Any) -> None:
    if before_t0 is None or callable(before_t0):
        return
    if not isinstance(before_t0, int | float | np.number | np.ndarray | jax.Array):
        raise ValueError(
            f"before_t0 must be None, a number, an array or a function of time, got "
            f"{type(before_t0).__name__}."
        )


class TimeDelay(DynamicalSystem):
    """A variable's history over the last `delay_len` (BrainPy's `bm.TimeDelay`): called
    with a time `t` it returns the value at `t`, interpolated between steps.

    Its buffer (`data`), position (`idx`) and clock (`current_time`) are Variables, so
    the history is saved with the model and `reset_state()` puts it back. `update(x)`
    pushes the value one step `dt` later (`ddeint` calls it after each step).

    **Arguments:**

    - `delay_target`: the value at `t0` (its shape and dtype are the history's).
    - `delay_len`: the longest delay (time) the history serves.
    - `before_t0`: the history before `t0`: `None` (zeros), a number or array (the
      same value at every earlier time), or a function of time `f(t)`.
    - `t0`: the time of `delay_target`.
    - `dt`: the step between pushed values (default `eqbrain.get_dt()`).
    - `name`: the module's name.
    - `interp_method`: `'linear_interp'` (default) or `'round'` (the nearest step).

    ```python
    delay = eqbrain.TimeDelay(jnp.zeros(3), delay_len=1.0, dt=0.1, before_t0=-1.0)
    delay(-0.5)              # [-1, -1, -1]
    delay.update(x)          # the value at t0 + dt
    ```
    """

    data: Variable
    idx: Variable
    current_time: Variable
    t0: float = eqx.field(static=True)
    dt: float = eqx.field(static=True)
    delay_len: float = eqx.field(static=True)
    num_delay_step: int = eqx.field(static=True)
    interp_method: str = eqx.field(static=True)
    before_t0: Any = eqx.field(static=True, repr=False)

    def __init__(
        self,
        delay_target: Any,
        delay_len: float,
        before_t0: Any = None,
        t0: float = 0.0,
        dt: float | None = None,
        name: str | None = None,
        interp_method: str = "linear_interp",
    ):
        target = jnp.asarray(_value(delay_target))
        if isinstance(delay_len, bool) or not isinstance(delay_len, int | float | np.number):
            raise TypeError(f"delay_len must be a number (a time), got {delay_len!r}.")
        if not (math.isfinite(delay_len) and delay_len >= 0):
            raise ValueError(f"delay_len must be a finite time >= 0, got {delay_len!r}.")
        if interp_method not in INTERP_METHODS:
            raise ValueError(
                f"interp_method must be one of {INTERP_METHODS}, got {interp_method!r}."
            )
        if isinstance(t0, bool) or not isinstance(t0, int | float | np.number):
            raise TypeError(f"t0 must be a number (a time), got {t0!r}.")
        dt = get_dt() if dt is None else dt
        if isinstance(dt, bool) or not isinstance(dt, int | float | np.number) or not dt > 0:
            raise ValueError(f"dt must be a positive number, got {dt!r}.")
        _check_before(before_t0)
        super().__init__(name=name)
        self.t0, self.dt, self.delay_len = float(t0), float(dt), float(delay_len)
        self.num_delay_step = int(math.ceil(self.delay_len / self.dt)) + 1
        self.interp_method = interp_method
        self.before_t0 = before_t0 if callable(before_t0) else None
        data = jnp.zeros((self.num_delay_step, *target.shape), target.dtype)
        if before_t0 is not None and not callable(before_t0):
            data = data.at[:-1].set(jnp.asarray(_value(before_t0), target.dtype))
        batch = getattr(delay_target, "batch_axis", None)
        data = data.at[-1].set(target)
        self.data = Variable(data) if batch is None else Variable(data, batch_axis=batch + 1)
        self.idx = Variable(jnp.asarray(0, jnp.int32))
        self.current_time = Variable(jnp.asarray(self.t0, jnp.result_type(float)))

    def __call__(self, time: Any, indices: Any = None) -> Any:
        """The value at `time` (a past time within `delay_len` of the current time)."""
        time = jnp.asarray(_value(time), self.current_time.value.dtype)
        now = self.current_time.value
        time = self._check_time(time, now)
        res = self._after_t0(time, now)
        if self.before_t0 is not None:
            shape, dtype = self.data.value.shape[1:], self.data.value.dtype
            before = jnp.broadcast_to(jnp.asarray(self.before_t0(time), dtype), shape)
            res = jnp.where(time < self.t0, before, res)
        return res if indices is None else res[indices]

    def _check_time(self, time: Any, now: Any) -> Any:
        too_old = time < now - self.delay_len - self.dt
        future = time > now + 1e-6
        if isinstance(time, Tracer) or isinstance(now, Tracer):
            old = (
                f"{self.name}: a time older than its delay_len ({self.delay_len:g}) was asked "
                "for; build the TimeDelay with a larger delay_len."
            )
            time = eqx.error_if(time, too_old, old)
            return eqx.error_if(time, future, f"{self.name}: a future time was asked for.")
        if bool(too_old):
            raise ValueError(
                _TOO_OLD_MSG.format(
                    name=self.name,
                    delay_len=self.delay_len,
                    oldest=float(now) - self.delay_len,
                    now=float(now),
                    time=float(time),
                    back=float(now - time),
                )
            )
        if bool(future):
            raise ValueError(_FUTURE_MSG.format(name=self.name, now=float(now), time=float(time)))
        return time

    def _after_t0(self, time: Any, now: Any) -> Any:
        data, idx, n = self.data.value, self.idx.value, self.num_delay_step
        diff = self.delay_len - (now - time)
        if self.interp_method == "round":
            steps = jnp.round(diff / self.dt).astype(jnp.int32)
            return data[(idx + steps) % n]
        steps = (diff / self.dt).astype(jnp.int32)
        extra = diff - steps * self.dt
        lo, hi = data[(idx + steps) % n], data[(idx + steps + 1) % n]
        mixed = lo + (hi - lo) * (extra / self.dt).astype(data.dtype)
        return jnp.where(extra == 0.0, lo, mixed)

    def update(self, value: Any) -> None:
        """Push the value at the current time plus `dt`."""
        data = self.data.value
        self.data.value = data.at[self.idx.value].set(
            jnp.broadcast_to(jnp.asarray(_value(value), data.dtype), data.shape[1:])
        )
        self.current_time.value = self.current_time.value + self.dt
        self.idx.value = (self.idx.value + 1) % self.num_delay_step

    def reset(
        self, delay_target: Any, delay_len: float | None = None, t0: float = 0.0, before_t0=None
    ) -> None:
        """Start the history again at `t0` with `delay_target` (BrainPy's `reset`; the
        length and step stay as built)."""
        if delay_len is not None and float(delay_len) != self.delay_len:
            raise ValueError(
                f"reset keeps delay_len={self.delay_len:g} (the buffer's size is part of the "
                f"model); got delay_len={delay_len!r}. Build a new TimeDelay for another length."
            )
        if float(t0) != self.t0:
            raise ValueError(f"reset keeps t0={self.t0:g}; build a new TimeDelay for another t0.")
        _check_before(before_t0)
        data = jnp.zeros_like(self.data.value)
        if before_t0 is not None and not callable(before_t0):
            data = data.at[:-1].set(jnp.asarray(before_t0, data.dtype))
        self.data.value = data.at[-1].set(jnp.asarray(_value(delay_target), data.dtype))
        self.idx.value = jnp.zeros_like(self.idx.value)
        self.current_time.value = jnp.full_like(self.current_time.value, self.t0)


class NeuTimeDelay(TimeDelay):
    """The history of a derivative, for neutral delay equations (BrainPy's
    `bm.NeuTimeDelay`): a `TimeDelay` that `ddeint(neutral_delays=...)` fills with the
    state's derivative after each step.

    ```python
    dx_delay = eqbrain.NeuTimeDelay(jnp.zeros(1), delay_len=1.0, dt=0.01)
    integral = eqbrain.ddeint(lambda x, t: -x + 0.5 * dx_delay(t - 1.0),
                              neutral_delays={"x": dx_delay}, dt=0.01)
    ```
    """

    def __init__(
        self,
        delay_target: Any,
        delay_len: float,
        before_t0: Any = None,
        t0: float = 0.0,
        dt: float | None = None,
        name: str | None = None,
        interp_method: str = "linear_interp",
    ):
        super().__init__(delay_target, delay_len, before_t0, t0, dt, name, interp_method)


def _check_delays(what: str, delays: Any, variables: tuple[str, ...], kind: type) -> dict:
    if delays is None:
        return {}
    if not isinstance(delays, dict):
        raise TypeError(f"{what} must be a dict {{state name: {kind.__name__}}}, got {delays!r}.")
    for key, delay in delays.items():
        if key not in variables:
            raise ValueError(
                f"{what} names {key!r}, which is not a state variable of the equation "
                f"({', '.join(variables)})."
            )
        if not isinstance(delay, kind):
            raise TypeError(
                f"{what}[{key!r}] must be a {kind.__name__}, got {type(delay).__name__}."
            )
    return dict(delays)


class DDEIntegrator(ODEIntegrator):
    """An `ODEIntegrator` whose equation reads the past through `TimeDelay`s, made by
    `eqbrain.ddeint` (or `odeint` with `state_delays`/`neutral_delays`).

    After each step it pushes the new state into its `state_delays` and the new
    derivative into its `neutral_delays`. The delays are its children, so their
    Variables belong to the model that holds the integrator (saved, reset); the
    derivative reads them in place (run it with `eqbrain.jit`, `for_loop` or a runner).
    """

    state_delays: dict[str, TimeDelay]
    neutral_delays: dict[str, NeuTimeDelay]

    def __init__(
        self,
        f: Callable,
        method: str | None = "euler",
        *,
        state_delays=None,
        neutral_delays=None,
        **kwargs: Any,
    ):
        if kwargs.get("adaptive"):
            raise NotImplementedError(
                "ddeint does not take adaptive=True: its delays are filled once per step "
                "of the fixed dt. Use a fixed-step method such as 'rk4'."
            )
        super().__init__(f, method, **kwargs)
        self.state_delays = _check_delays("state_delays", state_delays, self.variables, TimeDelay)
        self.neutral_delays = _check_delays(
            "neutral_delays", neutral_delays, self.variables, NeuTimeDelay
        )

    def _call(self, owner: Any, args: tuple, kwargs: dict, dt: Any) -> Any:
        new = super()._call(owner, args, kwargs, dt)
        states = (new,) if len(self.variables) == 1 else tuple(new)
        named = dict(zip(self.variables, states))
        if self.neutral_delays:
            from ._signature import bind_call

            call = bind_call(self._spec, args, kwargs, dt)
            step = self.dt if call.dt is None else call.dt
            t = _value(call.t) + (_value(step) if step is not None else get_dt())
            rest = tuple(_value(a) for a in call.args)
            kw = {k: _value(v) for k, v in call.kwargs.items()}
            derivs = self._derivs(self._derivative(owner), states, t, rest, kw, check=False)
            for key, delay in self.neutral_delays.items():
                delay.update(derivs[self.variables.index(key)])
        for key, delay in self.state_delays.items():
            delay.update(named[key])
        return new


def ddeint(
    f: Callable | None = None,
    method: str | None = "euler",
    var_type: str | None = None,
    dt: float | None = None,
    name: str | None = None,
    show_code: bool = False,
    *,
    state_delays: dict[str, TimeDelay] | None = None,
    neutral_delays: dict[str, NeuTimeDelay] | None = None,
    **kwargs: Any,
) -> Any:
    """Make a `DDEIntegrator`: `odeint`'s integrator of `f(y, t, *args)` that pushes each
    new state into `state_delays` (and each new derivative into `neutral_delays`), as
    BrainPy's `bp.odeint(f, state_delays=..., neutral_delays=...)`.

    `f` reads the past by calling the delays: `x_delay(t - tau)`. Every `odeint` method
    but the adaptive ones works; a Runge-Kutta stage at `t + c dt` reads the history at
    `t + c dt - tau`, interpolated.

    **Arguments:** as `odeint`, and

    - `state_delays`: `{state name: TimeDelay}`, each filled with that state.
    - `neutral_delays`: `{state name: NeuTimeDelay}`, each filled with its derivative.

    ```python
    x_delay = eqbrain.TimeDelay(jnp.zeros(1), delay_len=1.0, before_t0=-1.0, dt=0.1)
    integral = eqbrain.ddeint(lambda x, t: -x_delay(t - 1.0),
                              state_delays={"x": x_delay}, dt=0.1)
    runner = eqbrain.IntegratorRunner(integral, monitors=["x"], dt=0.1)
    runner.run(20.0)
    ```
    """
    kw: dict[str, Any] = dict(
        var_type=var_type,
        dt=dt,
        name=name,
        show_code=show_code,
        state_delays=state_delays,
        neutral_delays=neutral_delays,
        **kwargs,
    )
    if f is None:
        return lambda fn: DDEIntegrator(fn, method, **kw)
    return DDEIntegrator(f, method, **kw)
