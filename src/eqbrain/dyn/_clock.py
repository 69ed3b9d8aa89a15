"""`Clock`: a simulation's step index and time, held in Variables of the model."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer
from jax.typing import ArrayLike

from .._core import Variable
from ._dynsys import DynamicalSystem

_NO_UPDATE_MSG = """\
A Clock is advanced by the runner that runs its model (`eqbrain.DSRunner`, \
`eqbrain.run`), not by `update`. Read it with `clock.i`, `clock.t`; start it again with \
`clock.reset_state()`."""


def short_float(x: Any) -> float:
    """A float32 value as the shortest Python float that rounds to it (`0.1`, not
    `0.10000000149`), so that times computed from it read as they were given."""
    return float(str(np.float32(x)))


def step_times(t0: float, dt: float, start: int, n: int) -> np.ndarray:
    """The times of steps `start .. start + n - 1`: `t0 + i * dt` in float32 with each
    operation rounded, on the host.

    Made on the host, so that XLA cannot fuse it into a later `t - arrival` (a fused
    multiply-add rounds differently and moves threshold crossings such as
    `t - arrival < T_duration` by a step). A run cut anywhere and continued gives each
    step the time it has in one uninterrupted run.
    """
    steps = np.arange(start, start + n, dtype=np.int64).astype(np.float32)
    return np.float32(t0) + steps * np.float32(dt)


def traced_step_times(t0: ArrayLike, dt: ArrayLike, start: ArrayLike, n: int) -> jax.Array:
    """`step_times` for a start (and `t0`, `dt`) only known inside a trace: computed on
    the host by a callback, once per run, since XLA fuses `t0 + i * dt` into a
    multiply-add that rounds once."""

    def host(t0: Any, dt: Any, start: Any) -> np.ndarray:
        return step_times(float(t0), float(dt), int(start), n)

    shape = jax.ShapeDtypeStruct((n,), jnp.float32)
    args = (
        jnp.asarray(t0, jnp.float32),
        jnp.asarray(dt, jnp.float32),
        jnp.asarray(start, jnp.int32),
    )
    return jax.pure_callback(host, shape, *args)


class Clock(DynamicalSystem):
    """The step index and time of a simulation, as state of the model (Brian2's clock).

    Every `Network` holds one (`net.clock`). A runner reads it before a run and advances
    it with the model, so the time goes wherever the model's state goes: into
    `state_dict()`, checkpoint files (`eqbrain.save`), functional copies. A model
    loaded from a checkpoint continues at the saved step and time in a fresh runner,
    and each step gets the time it has in an uninterrupted run. `reset_state()` starts
    it again at step 0.

    A `DynamicalSystem` that is not a `Network` can declare a `clock: Clock` field to
    carry its time the same way; otherwise its runner keeps a clock of its own.

    Variables: `i` (int32, the steps taken: the index of the next step), `t0` (float32,
    the time of step 0 in ms) and `dt` (float32, the step in ms; 0 before the first
    run). The time of step `i` is `t0 + i * dt`, computed in float32.

    ```python
    net = EINet()
    eqbrain.DSRunner(net, monitors=["N.spike"]).run(50.0)
    net.clock.i, net.clock.t            # 500, 50.0
    eqbrain.save("net.safetensors", net)
    net2 = EINet()
    eqbrain.load("net.safetensors", net2)
    eqbrain.DSRunner(net2, monitors=["N.spike"]).run(50.0)   # steps 500..999
    ```
    """

    i: Variable
    t0: Variable
    dt: Variable

    def __init__(self, *, name: str | None = None):
        super().__init__(name=name)
        self.i = Variable(jnp.zeros((), jnp.int32))
        self.t0 = Variable(jnp.zeros((), jnp.float32))
        self.dt = Variable(jnp.zeros((), jnp.float32))

    @property
    def t(self) -> Any:
        """The time of the next step (ms): `t0 + i * dt`, as the runner computes it."""
        i, t0, dt = self.i.value, self.t0.value, self.dt.value
        if any(isinstance(x, Tracer) for x in (i, t0, dt)):
            return traced_step_times(t0, dt, i, 1)[0]
        return jnp.asarray(step_times(float(t0), float(dt), int(i), 1)[0])

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Refused: the runner advances the clock."""
        raise TypeError(_NO_UPDATE_MSG)

    def __repr__(self) -> str:
        try:
            return f"Clock(i={int(self.i.value)}, t={float(self.t):g} ms)"
        except TypeError:  # a traced clock
            return "Clock(traced)"
