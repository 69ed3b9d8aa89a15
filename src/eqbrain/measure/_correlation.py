"""Synchrony and correlation measures: `cross_correlation`, `voltage_fluctuation`,
`matrix_correlation`, `weighted_correlation` and `functional_connectivity`."""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp

from ..dyn import get_dt

_METHODS = ("loop", "vmap")


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise ValueError(f"method must be 'loop' or 'vmap', got {method!r}.")


def _matrix(x: Any, name: str, what: str = "(num_time, num_neuron)") -> jax.Array:
    x = jnp.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape {what}, got shape {x.shape}.")
    return x


def cross_correlation(
    spikes: Any, bin: float, dt: float | None = None, method: str = "loop"
) -> jax.Array:
    r"""The synchrony index of Wang and Buzsaki (1996): the mean over neuron pairs of
    the coincidence `sum_l X_i(l) X_j(l) / sqrt(sum_l X_i(l) sum_l X_j(l))`, where
    `X_i(l)` is 1 if neuron `i` fired in time bin `l` (pairs with a silent neuron
    count 0). All ones gives 1, all zeros 0.

    **Arguments:**

    - `spikes`: `(num_time, num_neuron)` spikes (bool or 0/1).
    - `bin`: the bin width, in the units of `dt` (ms).
    - `dt`: the time step (default `eqbrain.get_dt()`).
    - `method`: `'loop'` or `'vmap'`, accepted for BrainPy compatibility; every pair
      is computed in one matrix product either way.

    ```python
    cc = eqbrain.measure.cross_correlation(mon["spike"], bin=10.0, dt=0.1)
    ```
    """
    _check_method(method)
    dt = get_dt() if dt is None else dt
    width = int(round(bin / dt))
    if width < 1:
        raise ValueError(f"bin ({bin}) must be at least dt ({dt}).")
    spikes = _matrix(spikes, "spikes")
    num_time, num_neuron = spikes.shape
    if num_neuron < 2:
        return jnp.asarray(0.0)
    num_bin = math.ceil(num_time / width)
    padded = jnp.zeros((num_bin * width, num_neuron), float).at[:num_time].set(spikes)
    states = (padded.reshape(num_bin, width, num_neuron).sum(1) > 0).astype(float)
    counts = states.sum(0)
    both = states.T @ states
    norm = jnp.sqrt(jnp.outer(counts, counts))
    cc = jnp.where(norm > 0, both / jnp.where(norm > 0, norm, 1.0), 0.0)
    i, j = jnp.tril_indices(num_neuron, k=-1)
    return jnp.mean(cc[i, j])


def voltage_fluctuation(potentials: Any, method: str = "loop") -> jax.Array:
    r"""The synchrony measure of Golomb and Rinzel (1993):
    `chi^2 = Var_t(mean_i V_i) / mean_i Var_t(V_i)`, between 0 (asynchronous) and 1
    (synchronous); 1 when no neuron's potential varies.

    **Arguments:**

    - `potentials`: `(num_time, num_neuron)` membrane potentials.
    - `method`: `'loop'` or `'vmap'`, accepted for BrainPy compatibility.
    """
    _check_method(method)
    potentials = _matrix(potentials, "potentials")
    avg_var = jnp.var(jnp.mean(potentials, axis=1))
    var_mean = jnp.mean(jnp.var(potentials, axis=0))
    safe = jnp.where(var_mean == 0.0, 1.0, var_mean)
    return jnp.where(var_mean == 0.0, 1.0, avg_var / safe)


def matrix_correlation(x: Any, y: Any) -> jax.Array:
    """The Pearson correlation of the upper triangles (diagonal excluded) of two square
    matrices, e.g. simulated and empirical functional connectivity; 0 if either is
    constant there.

    **Arguments:**

    - `x`, `y`: 2-D arrays of the same shape.
    """
    x = _matrix(x, "x", "(n, n)")
    y = _matrix(y, "y", "(n, n)")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}.")
    rows, cols = jnp.triu_indices_from(x, k=1)
    return jnp.nan_to_num(jnp.corrcoef(x[rows, cols], y[rows, cols])[0, 1])


def functional_connectivity(activities: Any) -> jax.Array:
    """The `(n, n)` matrix of Pearson correlations between the columns of `activities`
    (unit diagonal; 0 for a constant signal).

    **Arguments:**

    - `activities`: `(num_time, num_signal)` time series.
    """
    activities = _matrix(activities, "activities", "(num_time, num_signal)")
    n = activities.shape[1]
    fc = jnp.nan_to_num(jnp.atleast_2d(jnp.corrcoef(activities.T)))
    return fc.at[jnp.diag_indices(n)].set(1.0)


def weighted_correlation(x: Any, y: Any, w: Any) -> jax.Array:
    """The Pearson correlation of `x` and `y` with weights `w` (1-D, same length); 0 when
    either is constant or all weights are 0.

    **Arguments:**

    - `x`, `y`: the two series; `w`: the weight of each point.
    """
    x, y, w = (jnp.asarray(v) for v in (x, y, w))
    for name, v in (("x", x), ("y", y), ("w", w)):
        if v.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {v.shape}.")
    if not x.shape == y.shape == w.shape:
        raise ValueError(
            f"x, y and w must have the same length, got {x.shape}, {y.shape}, {w.shape}."
        )
    total = jnp.sum(w)
    total = jnp.where(total == 0.0, 1.0, total)

    def mean(a):
        return jnp.sum(w * a) / total

    def cov(a, b):
        return jnp.sum(w * (a - mean(a)) * (b - mean(b))) / total

    denom = jnp.sqrt(cov(x, x) * cov(y, y))
    return jnp.where(denom > 0, cov(x, y) / jnp.where(denom > 0, denom, 1.0), 0.0)
