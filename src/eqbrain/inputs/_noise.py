"""Noisy input currents: BrainPy's `bp.inputs.wiener_process` and `ou_process`."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax import lax

from ..random import split_key
from ._currents import _dt
from ._waveforms import _window


def _key(seed: Any) -> jax.Array:
    """A key from `seed`, or one split off `eqbrain.random`'s default generator (so that
    `eqbrain.random.seed(...)` makes the draws reproducible)."""
    return split_key() if seed is None else jax.random.key(seed)


def _count(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int (the number of signals), got {n!r}.")
    return n


def wiener_process(
    duration: float,
    dt: float | None = None,
    n: int = 1,
    t_start: float = 0.0,
    t_end: float | None = None,
    seed: int | None = None,
) -> jax.Array:
    """The increments of a Wiener process, `N(0, dt)` per step (standard deviation
    `sqrt(dt)`): BrainPy's `bp.inputs.wiener_process`. Shape `(steps, n)`, zero outside
    `[t_start, t_end)`.

    **Arguments:**

    - `duration`: the total duration (ms); `dt`: the step (default `eqbrain.get_dt()`).
    - `n`: the number of independent signals.
    - `t_start`, `t_end`: the window (ms).
    - `seed`: an int seed; default: a key from `eqbrain.random`'s generator.

    ```python
    noise = eqbrain.inputs.wiener_process(500.0, n=100, seed=0)
    ```
    """
    dt = _dt(dt)
    steps, start, end, _ = _window(duration, t_start, t_end, dt)
    draws = jax.random.normal(_key(seed), (end - start, _count(n))) * jnp.sqrt(dt)
    return jnp.zeros((steps, n), jnp.float32).at[start:end].set(draws)


def ou_process(
    mean: float,
    sigma: float,
    tau: float,
    duration: float,
    dt: float | None = None,
    n: int = 1,
    t_start: float = 0.0,
    t_end: float | None = None,
    seed: int | None = None,
) -> jax.Array:
    r"""An Ornstein-Uhlenbeck current, $dX = (\mu - X) dt / \tau + \sigma dW$, started at
    the mean and stepped by Euler-Maruyama: BrainPy's `bp.inputs.ou_process`. Shape
    `(steps, n)`, zero outside `[t_start, t_end)`.

    **Arguments:**

    - `mean`: the drift target $\mu$; `sigma`: the noise strength; `tau`: the time
      scale (ms, > 0).
    - `duration`, `dt`, `n`, `t_start`, `t_end`, `seed`: as for `wiener_process`.

    ```python
    I = eqbrain.inputs.ou_process(mean=1.0, sigma=0.2, tau=10.0, duration=500.0, seed=0)
    ```
    """
    if not tau > 0:
        raise ValueError(f"tau must be a positive number of ms, got {tau!r}.")
    dt = _dt(dt)
    steps, start, end, _ = _window(duration, t_start, t_end, dt)
    dW = jax.random.normal(_key(seed), (end - start, _count(n))) * jnp.sqrt(dt)

    def step(x, dw):
        x = x + (mean - x) / tau * dt + sigma * dw
        return x, x

    _, xs = lax.scan(step, jnp.full((n,), mean, jnp.float32), dW)
    return jnp.zeros((steps, n), jnp.float32).at[start:end].set(xs)
