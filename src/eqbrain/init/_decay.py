"""Distance-dependent weights within a population on a grid: `GaussianDecay`, `DOGDecay`."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._initializer import Initializer, Shape, as_shape, float_dtype


def _ranges(encoding_values: Any, dims: tuple[int, ...]) -> list[tuple[float, float]]:
    """The value range each grid axis encodes."""
    if encoding_values is None:
        return [(0.0, float(n)) for n in dims]
    bad = ValueError(
        "encoding_values must be one (low, high) pair for every axis, or a list of such "
        f"pairs, one per axis of the grid {dims}; got {encoding_values!r}."
    )
    if not isinstance(encoding_values, Sequence) or len(encoding_values) == 0:
        raise bad
    if all(isinstance(v, int | float) for v in encoding_values):
        pairs = [tuple(encoding_values)] * len(dims)
    elif all(isinstance(v, Sequence) for v in encoding_values):
        pairs = [tuple(v) for v in encoding_values]
        if len(pairs) != len(dims):
            raise bad
    else:
        raise bad
    for p in pairs:
        if len(p) != 2 or not p[0] < p[1]:
            raise bad
    return [(float(lo), float(hi)) for lo, hi in pairs]


def squared_distances(
    dims: tuple[int, ...], encoding_values: Any, periodic: bool, dtype: Any
) -> jax.Array:
    """The (N, N) squared distances between the grid points of a population of shape
    `dims`, numbered in row-major (C) order like `np.reshape`."""
    ranges = _ranges(encoding_values, dims)
    axes = [np.linspace(lo, hi, n + 1)[:n] for (lo, hi), n in zip(ranges, dims)]
    grid = np.meshgrid(*axes, indexing="ij")
    total = jnp.zeros((math.prod(dims), math.prod(dims)), dtype)
    for coords, (lo, hi) in zip(grid, ranges):
        c = jnp.asarray(coords.reshape(-1), dtype)
        d = jnp.abs(c[:, None] - c[None, :])
        if periodic:
            d = jnp.where(d > (hi - lo) / 2, (hi - lo) - d, d)
        total = total + d * d
    return total


# The (N, N) weights as one compiled program per grid and options: run op by op, a
# large grid would materialise every intermediate (N, N) array.
_STATIC = ("dims", "encoding_values", "periodic", "dtype", "normalize", "include_self")
_one_program = functools.partial(jax.jit, static_argnames=_STATIC)


def _static(encoding_values: Any) -> Any:
    """`encoding_values` as a hashable static argument (nested tuples)."""
    if isinstance(encoding_values, Sequence) and not isinstance(encoding_values, str):
        return tuple(_static(v) for v in encoding_values)
    return encoding_values


@_one_program
def _gaussian(
    two_sigma2, max_w, min_w, *, dims, encoding_values, periodic, dtype, normalize, include_self
):
    """GaussianDecay's weights (`two_sigma2 = 2 sigma^2`)."""
    d2 = squared_distances(dims, encoding_values, periodic, dtype)
    w = jnp.exp(-d2 / two_sigma2)
    if normalize:
        w = w / jnp.max(w)
    if not include_self:
        w = jnp.fill_diagonal(w, 0.0, inplace=False)
    w = w * max_w
    return jnp.where(w < min_w, 0.0, w).astype(dtype)


@_one_program
def _dog(
    two_sigma2s, max_ws, min_w, *, dims, encoding_values, periodic, dtype, normalize, include_self
):
    """DOGDecay's weights (`two_sigma2s = 2 sigma^2` of both Gaussians)."""
    d2 = squared_distances(dims, encoding_values, periodic, dtype)
    w = max_ws[0] * jnp.exp(-d2 / two_sigma2s[0]) - max_ws[1] * jnp.exp(-d2 / two_sigma2s[1])
    if normalize:
        peak = jnp.max(jnp.abs(w))
        w = jnp.where(peak > 0, w / jnp.where(peak > 0, peak, 1.0), w)
    if not include_self:
        w = jnp.fill_diagonal(w, 0.0, inplace=False)
    return jnp.where(jnp.abs(w) < min_w, 0.0, w).astype(dtype)


class GaussianDecay(Initializer):
    """Weights that decay as a Gaussian of the distance between neurons on a grid:
    `w(i, j) = max_w exp(-|v_i - v_j|^2 / (2 sigma^2))`, set to 0 below `min_w`.

    Called with the shape of the population (not of the weights); returns an `(N, N)`
    matrix, neurons numbered in row-major (C) order like `np.reshape`.

    **Arguments:**

    - `sigma`: the width of the Gaussian.
    - `max_w`: the weight at distance 0.
    - `min_w`: weights below it become 0 (default `0.005 * max_w`).
    - `encoding_values`: the value range each axis encodes: `None` (the grid indices),
      one `(low, high)` pair for all axes, or one pair per axis.
    - `periodic_boundary`: measure distances on a ring (torus) of those ranges.
    - `include_self`: keep the self-connections (the diagonal).
    - `normalize`: divide by the largest value before scaling by `max_w`.

    ```python
    w = eqbrain.init.GaussianDecay(sigma=4.0, max_w=1.0)((10, 20))   # (200, 200)
    ```
    """

    def __init__(
        self,
        sigma: float,
        max_w: float,
        min_w: float | None = None,
        encoding_values: Any = None,
        periodic_boundary: bool = False,
        include_self: bool = True,
        normalize: bool = False,
    ):
        self.sigma = sigma
        self.max_w = max_w
        self.min_w = max_w * 0.005 if min_w is None else min_w
        self.encoding_values = encoding_values
        self.periodic_boundary = periodic_boundary
        self.include_self = include_self
        self.normalize = normalize

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        dtype = float_dtype(dtype)
        dims = as_shape(shape)
        _ranges(self.encoding_values, dims)  # a bad value is reported before tracing
        return _gaussian(
            jnp.asarray(2.0 * self.sigma**2, dtype),
            jnp.asarray(self.max_w, dtype),
            jnp.asarray(self.min_w, dtype),
            **_grid_options(self, dims, dtype),
        )


def _grid_options(init: GaussianDecay | DOGDecay, dims: tuple[int, ...], dtype: Any) -> dict:
    """The static options `_gaussian` and `_dog` take alike, from either initializer."""
    return {
        "dims": dims,
        "encoding_values": _static(init.encoding_values),
        "periodic": bool(init.periodic_boundary),
        "dtype": dtype,
        "normalize": bool(init.normalize),
        "include_self": bool(init.include_self),
    }


class DOGDecay(Initializer):
    """Difference-of-Gaussians weights between neurons on a grid:
    `w(i, j) = w+ exp(-d^2 / (2 sigma+^2)) - w- exp(-d^2 / (2 sigma-^2))`, with weights
    whose magnitude is below `min_w` set to 0.

    Called with the shape of the population; returns an `(N, N)` matrix, neurons
    numbered in row-major (C) order.

    **Arguments:**

    - `sigmas`: `(sigma+, sigma-)`, the widths of the two Gaussians.
    - `max_ws`: `(w+, w-)`, their amplitudes.
    - `min_w`: magnitudes below it become 0 (default `0.005 * min(w+, w-)`).
    - `encoding_values`, `periodic_boundary`, `include_self`: as for `GaussianDecay`.
    - `normalize`: divide by the largest magnitude (default `True`).
    """

    def __init__(
        self,
        sigmas: tuple[float, float],
        max_ws: tuple[float, float],
        min_w: float | None = None,
        encoding_values: Any = None,
        periodic_boundary: bool = False,
        normalize: bool = True,
        include_self: bool = True,
    ):
        self.sigma_p, self.sigma_n = sigmas
        self.max_w_p, self.max_w_n = max_ws
        self.min_w = 0.005 * min(self.max_w_p, self.max_w_n) if min_w is None else min_w
        self.encoding_values = encoding_values
        self.periodic_boundary = periodic_boundary
        self.normalize = normalize
        self.include_self = include_self

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        dtype = float_dtype(dtype)
        dims = as_shape(shape)
        _ranges(self.encoding_values, dims)  # a bad value is reported before tracing
        return _dog(
            jnp.asarray([2.0 * self.sigma_p**2, 2.0 * self.sigma_n**2], dtype),
            jnp.asarray([self.max_w_p, self.max_w_n], dtype),
            jnp.asarray(self.min_w, dtype),
            **_grid_options(self, dims, dtype),
        )
