"""`LIF`: leaky integrate-and-fire neurons with a refractory period."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool

from .._core import Variable
from ._dynsys import DynamicalSystem, state_shape
from ._seeding import key_or_default
from ._share import share


def init_value(init: Any, shape: tuple[int, ...], key: Any, what: str) -> jax.Array:
    """A float32 array of `shape` from a scalar, an array, or `init(key, shape)`."""
    if callable(init):
        value: Any = init(key_or_default(key), shape)
    else:
        value = jnp.broadcast_to(jnp.asarray(init, jnp.float32), shape)
    if jnp.shape(value) != shape:
        raise ValueError(f"{what} gave an array of shape {jnp.shape(value)}, expected {shape}.")
    return jnp.asarray(value, jnp.float32)


class LIF(DynamicalSystem):
    """Leaky integrate-and-fire neurons with a refractory period (BrainPy's `LifRef`).

    `tau dV/dt = -(V - V_rest) + R I`, integrated with exponential Euler (exact for an
    input constant over the step). A neuron spikes when `V >= V_th`; its `V` is then set
    to `V_reset` and held there for `tau_ref` ms.

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `V_rest`, `V_reset`, `V_th`: resting, reset and threshold potentials (mV).
    - `R`: membrane resistance; `tau`: membrane time constant (ms).
    - `tau_ref`: refractory period (ms); `0` disables it.
    - `V_initializer`: the initial `V`: a number, an array, or `f(key, shape)`, e.g.
      `lambda k, s: -55.0 + 2.0 * jax.random.normal(k, s)`; default `V_rest`.
    - `key`: the random key given to a callable `V_initializer`.
    - `batch_size`: give the state a leading batch axis of this size.

    Variables: `V` (mV), `spike` (bool), `t_last_spike` (ms).

    ```python
    lif = eqbrain.dyn.LIF(100, V_rest=-60.0, V_th=-50.0, V_reset=-60.0, tau=20.0, tau_ref=5.0)
    out = eqbrain.run(lif, 100.0, inputs=jnp.full((1000, 100), 20.0), monitors=["spike"])
    ```
    """

    V: Variable
    spike: Variable
    t_last_spike: Variable
    size: tuple[int, ...] = eqx.field(static=True)
    V_rest: float = eqx.field(static=True)
    V_reset: float = eqx.field(static=True)
    V_th: float = eqx.field(static=True)
    R: float = eqx.field(static=True)
    tau: float = eqx.field(static=True)
    tau_ref: float = eqx.field(static=True)

    def __init__(
        self,
        size: int | tuple[int, ...],
        *,
        V_rest: float = 0.0,
        V_reset: float = -5.0,
        V_th: float = 20.0,
        R: float = 1.0,
        tau: float = 10.0,
        tau_ref: float = 0.0,
        V_initializer: float | jax.Array | Callable | None = None,
        key: jax.Array | None = None,
        batch_size: int | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        shape = state_shape(size, batch_size)
        if not tau > 0:
            raise ValueError(f"tau must be positive, got {tau!r}.")
        if not tau_ref >= 0:
            raise ValueError(f"tau_ref must be >= 0, got {tau_ref!r}.")
        self.size = shape[1:] if batch_size is not None else shape
        self.V_rest, self.V_reset, self.V_th = float(V_rest), float(V_reset), float(V_th)
        self.R, self.tau, self.tau_ref = float(R), float(tau), float(tau_ref)
        V0 = init_value(V_rest if V_initializer is None else V_initializer, shape, key, "V")
        axis = None if batch_size is None else 0
        self.V = Variable(V0, batch_axis=axis)
        self.spike = Variable(jnp.zeros(shape, bool), batch_axis=axis)
        self.t_last_spike = Variable(jnp.full(shape, -1e7, jnp.float32), batch_axis=axis)

    @property
    def num(self) -> int:
        """The number of neurons."""
        return math.prod(self.size)

    def update(self, x: Any = 0.0) -> Bool[Array, "*shape"]:
        """One step with input current `x`; returns the spikes."""
        t, dt = share.load("t"), share.load("dt")
        V = self.V.value
        V_inf = self.V_rest + self.R * x
        V_new = V_inf + (V - V_inf) * jnp.exp(-dt / self.tau)
        if self.tau_ref > 0:
            refractory = (t - self.t_last_spike.value) <= self.tau_ref
            V_new = jnp.where(refractory, V, V_new)
        spike = V_new >= self.V_th
        self.V.value = jnp.where(spike, self.V_reset, V_new)
        self.t_last_spike.value = jnp.where(spike, t, self.t_last_spike.value)
        self.spike.value = spike
        return spike
