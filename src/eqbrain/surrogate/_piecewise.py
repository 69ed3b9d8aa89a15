"""Piecewise surrogates: PiecewiseQuadratic, PiecewiseExp, PiecewiseLeakyRelu, LeakyRelu
and LogTailedRelu (BrainPy's defaults)."""

from __future__ import annotations

import jax.numpy as jnp
from jaxtyping import Array, ArrayLike

from ._surrogate import Surrogate, as_float, hyper


class PiecewiseQuadratic(Surrogate):
    """Step forward; backward, the triangle `alpha - alpha^2 |x|` on `|x| <= 1/alpha`
    and 0 outside (Esser et al., 2016; Wu et al., 2018).

    **Arguments:**

    - `alpha`: the height of the triangle; its half-width is `1/alpha` (default 1.0).
    """

    alpha: float = hyper(1.0)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        x = as_float(x)
        a = self.alpha
        inner = -0.5 * a * a * x * jnp.abs(x) + a * x + 0.5
        return jnp.where(x < -1.0 / a, 0.0, jnp.where(x > 1.0 / a, 1.0, inner))

    def surrogate_grad(self, x: ArrayLike) -> Array:
        ax = jnp.abs(as_float(x))
        return jnp.where(ax > 1.0 / self.alpha, 0.0, self.alpha - self.alpha**2 * ax)


class PiecewiseExp(Surrogate):
    """Step forward; backward, `(alpha / 2) exp(-alpha |x|)` (Neftci et al., 2019), the
    derivative of `exp(alpha x) / 2` for `x < 0` and `1 - exp(-alpha x) / 2` after.

    **Arguments:**

    - `alpha`: the steepness (default 1.0).
    """

    alpha: float = hyper(1.0)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        x = as_float(x)
        e = 0.5 * jnp.exp(-self.alpha * jnp.abs(x))
        return jnp.where(x < 0, e, 1.0 - e)

    def surrogate_grad(self, x: ArrayLike) -> Array:
        return 0.5 * self.alpha * jnp.exp(-self.alpha * jnp.abs(as_float(x)))


class PiecewiseLeakyRelu(Surrogate):
    """Step forward; backward, `1 / (2w)` on `|x| <= w` and the leak `c` outside.

    **Arguments:**

    - `c`: the slope outside the window (default 0.01).
    - `w`: the half-width of the window (default 1.0).
    """

    c: float = hyper(0.01)
    w: float = hyper(1.0)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        x = as_float(x)
        c, w = self.c, self.w
        return jnp.where(
            x < -w, c * (x + w), jnp.where(x > w, c * (x - w) + 1.0, 0.5 * x / w + 0.5)
        )

    def surrogate_grad(self, x: ArrayLike) -> Array:
        x = as_float(x)
        return jnp.where(jnp.abs(x) > self.w, self.c, 0.5 / self.w).astype(x.dtype)


class LeakyRelu(Surrogate):
    """Step forward; backward, `alpha` for `x < 0` and `beta` for `x >= 0` (the
    derivative of a leaky ReLU).

    **Arguments:**

    - `alpha`: the slope for negative `x` (default 0.1).
    - `beta`: the slope for non-negative `x` (default 1.0).
    """

    alpha: float = hyper(0.1)
    beta: float = hyper(1.0)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        x = as_float(x)
        return jnp.where(x < 0, self.alpha * x, self.beta * x)

    def surrogate_grad(self, x: ArrayLike) -> Array:
        x = as_float(x)
        return jnp.where(x < 0, self.alpha, self.beta).astype(x.dtype)


class LogTailedRelu(Surrogate):
    """Step forward; backward, the derivative of the log-tailed ReLU (Cai et al., 2017):
    `alpha` for `x <= 0`, `1` on `(0, 1]` and `1/x` beyond (its function `1 + log x`
    joins `x` smoothly at 1).

    **Arguments:**

    - `alpha`: the slope for non-positive `x` (default 0.0).
    """

    alpha: float = hyper(0.0)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        x = as_float(x)
        big = jnp.where(x > 1.0, x, 1.0)
        return jnp.where(x > 1.0, 1.0 + jnp.log(big), jnp.where(x > 0, x, self.alpha * x))

    def surrogate_grad(self, x: ArrayLike) -> Array:
        x = as_float(x)
        big = jnp.where(x > 1.0, x, 1.0)
        return jnp.where(x > 1.0, 1.0 / big, jnp.where(x > 0, 1.0, self.alpha)).astype(x.dtype)


def piecewise_quadratic(x: ArrayLike, alpha: float = 1.0) -> Array:
    """`PiecewiseQuadratic(alpha)(x)`."""
    return PiecewiseQuadratic(alpha)(x)


def piecewise_exp(x: ArrayLike, alpha: float = 1.0) -> Array:
    """`PiecewiseExp(alpha)(x)`."""
    return PiecewiseExp(alpha)(x)


def piecewise_leaky_relu(x: ArrayLike, c: float = 0.01, w: float = 1.0) -> Array:
    """`PiecewiseLeakyRelu(c, w)(x)`."""
    return PiecewiseLeakyRelu(c, w)(x)


def leaky_relu(x: ArrayLike, alpha: float = 0.1, beta: float = 1.0) -> Array:
    """`LeakyRelu(alpha, beta)(x)`."""
    return LeakyRelu(alpha, beta)(x)


def log_tailed_relu(x: ArrayLike, alpha: float = 0.0) -> Array:
    """`LogTailedRelu(alpha)(x)`."""
    return LogTailedRelu(alpha)(x)
