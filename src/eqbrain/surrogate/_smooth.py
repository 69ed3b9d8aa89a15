"""Surrogates with a smooth surrogate function: Sigmoid, SoftSign, Arctan, ERF,
NonzeroSignLog, SquarewaveFourierSeries, S2NN and QPseudoSpike (BrainPy's defaults)."""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike

from ._surrogate import Surrogate, as_float, hyper


class Sigmoid(Surrogate):
    """Step forward; backward, the derivative of `sigmoid(alpha * x)`:
    `alpha * s * (1 - s)` with `s = sigmoid(alpha * x)`.

    **Arguments:**

    - `alpha`: the steepness (default 4.0).

    ```python
    spike = eqbrain.surrogate.Sigmoid(alpha=4.0)(v - v_th)
    ```
    """

    alpha: float = hyper(4.0)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        return jax.nn.sigmoid(self.alpha * as_float(x))

    def surrogate_grad(self, x: ArrayLike) -> Array:
        s = jax.nn.sigmoid(self.alpha * as_float(x))
        return self.alpha * s * (1.0 - s)


class SoftSign(Surrogate):
    """Step forward; backward, `alpha / (2 (1 + alpha |x|)^2)`, the derivative of
    `(alpha x / (1 + alpha |x|) + 1) / 2`.

    **Arguments:**

    - `alpha`: the steepness (default 1.0).
    """

    alpha: float = hyper(1.0)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        x = as_float(x)
        return 0.5 * (self.alpha * x / (1.0 + self.alpha * jnp.abs(x)) + 1.0)

    def surrogate_grad(self, x: ArrayLike) -> Array:
        return 0.5 * self.alpha / (1.0 + self.alpha * jnp.abs(as_float(x))) ** 2


class Arctan(Surrogate):
    """Step forward; backward, `alpha / (2 (1 + (pi alpha x / 2)^2))`, the derivative of
    `arctan(pi alpha x / 2) / pi + 1/2`.

    **Arguments:**

    - `alpha`: the steepness (default 1.0).
    """

    alpha: float = hyper(1.0)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        return jnp.arctan(0.5 * jnp.pi * self.alpha * as_float(x)) / jnp.pi + 0.5

    def surrogate_grad(self, x: ArrayLike) -> Array:
        return 0.5 * self.alpha / (1.0 + (0.5 * jnp.pi * self.alpha * as_float(x)) ** 2)


class ERF(Surrogate):
    """Step forward; backward, `alpha / sqrt(pi) * exp(-alpha^2 x^2)`, the derivative of
    `(1 + erf(alpha x)) / 2`.

    **Arguments:**

    - `alpha`: the steepness (default 1.0).
    """

    alpha: float = hyper(1.0)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        return 0.5 * (1.0 + jax.scipy.special.erf(self.alpha * as_float(x)))

    def surrogate_grad(self, x: ArrayLike) -> Array:
        x = as_float(x)
        return self.alpha / jnp.sqrt(jnp.pi) * jnp.exp(-((self.alpha * x) ** 2))


class NonzeroSignLog(Surrogate):
    """Step forward; backward, `1 / (1/alpha + |x|)`, the derivative of
    `sign(x) log(1 + alpha |x|)` (with `sign(0) = 1`).

    **Arguments:**

    - `alpha`: the steepness (default 1.0).
    """

    alpha: float = hyper(1.0)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        x = as_float(x)
        return jnp.where(x < 0, -1.0, 1.0) * jnp.log1p(self.alpha * jnp.abs(x))

    def surrogate_grad(self, x: ArrayLike) -> Array:
        return 1.0 / (1.0 / self.alpha + jnp.abs(as_float(x)))


class SquarewaveFourierSeries(Surrogate):
    """Step forward; backward, the derivative of the first `n` terms of the Fourier
    series of a square wave of period `t_period`:
    `(4 / T) sum_{i=1..n} cos((2i - 1) w x)`, `w = 2 pi / T`.

    **Arguments:**

    - `n`: the number of terms (default 2).
    - `t_period`: the period `T` (default 8.0).
    """

    n: int = eqx.field(default=2, static=True, converter=int)
    t_period: float = hyper(8.0)

    def _harmonics(self) -> Array:
        return 2.0 * jnp.arange(1, self.n + 1) - 1.0

    def surrogate_fun(self, x: ArrayLike) -> Array:
        x = as_float(x)
        c = self._harmonics().astype(x.dtype)
        w = 2.0 * jnp.pi / self.t_period
        terms = jnp.sin(c * w * x[..., None]) / c
        return 0.5 + 2.0 / jnp.pi * terms.sum(-1)

    def surrogate_grad(self, x: ArrayLike) -> Array:
        x = as_float(x)
        c = self._harmonics().astype(x.dtype)
        w = 2.0 * jnp.pi / self.t_period
        return 4.0 / self.t_period * jnp.cos(c * w * x[..., None]).sum(-1)


class S2NN(Surrogate):
    """Step forward; backward, the S2NN surrogate (Suetake et al., 2023): the sigmoid's
    derivative `alpha s (1 - s)` for `x < 0`, and `beta / (x + 1)` for `x >= 0` (the
    derivative of `beta log(x + 1 + epsilon) + 1/2`).

    **Arguments:**

    - `alpha`: the sigmoid's steepness (default 4.0).
    - `beta`: the logarithm's scale (default 1.0).
    - `epsilon`: keeps the logarithm finite (default 1e-8).
    """

    alpha: float = hyper(4.0)
    beta: float = hyper(1.0)
    epsilon: float = hyper(1e-8)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        x = as_float(x)
        pos = jnp.where(x < 0, 0.0, x)
        log = self.beta * jnp.log(jnp.abs(pos + 1.0) + self.epsilon) + 0.5
        return jnp.where(x < 0, jax.nn.sigmoid(self.alpha * x), log)

    def surrogate_grad(self, x: ArrayLike) -> Array:
        x = as_float(x)
        s = jax.nn.sigmoid(self.alpha * x)
        pos = jnp.where(x < 0, 0.0, x)
        return jnp.where(x < 0, self.alpha * s * (1.0 - s), self.beta / (pos + 1.0))


class QPseudoSpike(Surrogate):
    """Step forward; backward, the q-PseudoSpike surrogate (Herranz-Celotti and Rouat,
    2022): `(1 + 2 |x| / (alpha + 1))^(-alpha)`, equal to 1 at `x = 0`, with tails
    that get heavier as `alpha` decreases.

    **Arguments:**

    - `alpha`: the tail parameter (default 2.0).
    """

    alpha: float = hyper(2.0)

    def surrogate_fun(self, x: ArrayLike) -> Array:
        x = as_float(x)
        a = self.alpha
        base = 1.0 + 2.0 / (a + 1.0) * jnp.abs(x)
        if a == 1.0:
            integral = (a + 1.0) / 2.0 * jnp.log(base)
        else:
            integral = (a + 1.0) / (2.0 * (1.0 - a)) * (base ** (1.0 - a) - 1.0)
        return 0.5 + jnp.sign(x) * integral

    def surrogate_grad(self, x: ArrayLike) -> Array:
        return (1.0 + 2.0 / (self.alpha + 1.0) * jnp.abs(as_float(x))) ** (-self.alpha)


def sigmoid(x: ArrayLike, alpha: float = 4.0) -> Array:
    """`Sigmoid(alpha)(x)`: the step with the sigmoid's surrogate gradient."""
    return Sigmoid(alpha)(x)


def soft_sign(x: ArrayLike, alpha: float = 1.0) -> Array:
    """`SoftSign(alpha)(x)`."""
    return SoftSign(alpha)(x)


def arctan(x: ArrayLike, alpha: float = 1.0) -> Array:
    """`Arctan(alpha)(x)`."""
    return Arctan(alpha)(x)


def erf(x: ArrayLike, alpha: float = 1.0) -> Array:
    """`ERF(alpha)(x)`."""
    return ERF(alpha)(x)


def nonzero_sign_log(x: ArrayLike, alpha: float = 1.0) -> Array:
    """`NonzeroSignLog(alpha)(x)`."""
    return NonzeroSignLog(alpha)(x)


def squarewave_fourier_series(x: ArrayLike, n: int = 2, t_period: float = 8.0) -> Array:
    """`SquarewaveFourierSeries(n, t_period)(x)`."""
    return SquarewaveFourierSeries(n, t_period)(x)


def s2nn(x: ArrayLike, alpha: float = 4.0, beta: float = 1.0, epsilon: float = 1e-8) -> Array:
    """`S2NN(alpha, beta, epsilon)(x)`."""
    return S2NN(alpha, beta, epsilon)(x)


def q_pseudo_spike(x: ArrayLike, alpha: float = 2.0) -> Array:
    """`QPseudoSpike(alpha)(x)`."""
    return QPseudoSpike(alpha)(x)
