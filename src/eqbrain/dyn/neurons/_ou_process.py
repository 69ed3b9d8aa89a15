"""`OUProcess`: Ornstein-Uhlenbeck noise, as BrainPy's `bp.dyn.OUProcess`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax
import jax.numpy as jnp

from ..._core import Variable
from .._population import Population, built, integral, param
from .._seeding import noise_key_data
from .._share import share


def ou_drift(x, t, mean, tau):
    """`dx/dt = (mean - x) / tau` (without the noise)."""
    return (mean - x) / tau


class OUProcess(Population):
    r"""Ornstein-Uhlenbeck processes (BrainPy's `bp.dyn.OUProcess`).

    $$dx = \frac{\mu - x}{\tau} dt + \sigma\, dW,$$

    stepped as BrainPy's stochastic exponential Euler: the drift exactly over `dt`
    (for the default `method='exp_euler'`), plus `sigma * sqrt(dt)` times a standard
    normal draw. The random key is a Variable, so runs are reproducible, `reset_state()`
    replays the same noise and checkpoints continue the stream. `x` starts at `mean`.

    **Arguments:**

    - `size`: the number of processes (or a shape).
    - `mean`, `sigma`, `tau`: the mean, the noise intensity and the time constant (ms).
    - `seed`: the seed of the noise (default: drawn from `eqbrain.random`).
    - `batch_size`: give the state a leading batch axis (each trial its own noise).
    - `method`: the `eqbrain.odeint` method for the drift.

    Variables: `x`, `key` (the raw random key).

    ```python
    ou = eqbrain.dyn.OUProcess(100, mean=0.0, sigma=0.5, tau=5.0, seed=1)
    out = eqbrain.run(ou, 100.0, monitors=["x"])
    ```
    """

    x: Variable = built()
    # the noise's random state (the constructor takes `seed`, not Population's `key`)
    key: Variable = built()
    mean: Any = param(default=0.0, kw_only=False)
    sigma: Any = param(default=1.0, kw_only=False)
    tau: Any = param(default=10.0, positive=True, kw_only=False)
    seed: InitVar[int | None] = None

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """`x` starts at `mean`; the noise's key comes from `seed`."""
        super()._build(key, args)
        self.x = self._variable(jnp.broadcast_to(jnp.asarray(self.mean), self.state_shape))
        key_data = noise_key_data(args["seed"])
        self.key = Variable(key_data)  # pyright: ignore[reportIncompatibleVariableOverride]

    def update(self) -> Any:
        """Advance every process by one step; returns `x`."""
        dt = share.load("dt")
        key, sub = jax.random.split(jax.random.wrap_key_data(self.key.value))
        self.key.value = jax.random.key_data(key)
        f = integral(ou_drift, self.method)
        x = f(self.x.value, share.load("t", 0.0), self.mean, self.tau, dt=dt)
        noise = jax.random.normal(sub, self.x.shape, self.x.dtype)
        self.x.value = x + self.sigma * jnp.sqrt(dt) * noise
        return self.x.value
