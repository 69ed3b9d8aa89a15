"""Surrogates defined by their gradient alone: ReluGrad, GaussianGrad, MultiGaussianGrad,
InvSquareGrad and SlayerGrad (BrainPy's defaults)."""

from __future__ import annotations

import jax.numpy as jnp
from jaxtyping import Array, ArrayLike

from ._surrogate import Surrogate, as_float, hyper


def _gauss(x: Array, mu: float, sigma: float) -> Array:
    return jnp.exp(-((x - mu) ** 2) / (2.0 * sigma * sigma)) / (jnp.sqrt(2.0 * jnp.pi) * sigma)


class ReluGrad(Surrogate):
    """Step forward; backward, the triangle `max(alpha (width - |x|), 0)` (Neftci et
    al., 2019).

    **Arguments:**

    - `alpha`: the slope of the triangle's sides (default 0.3).
    - `width`: its half-width (default 1.0).
    """

    alpha: float = hyper(0.3)
    width: float = hyper(1.0)

    def surrogate_grad(self, x: ArrayLike) -> Array:
        return jnp.maximum(self.alpha * (self.width - jnp.abs(as_float(x))), 0.0)


class GaussianGrad(Surrogate):
    """Step forward; backward, `alpha` times the normal density of mean 0 and standard
    deviation `sigma` (Yin et al., 2021).

    **Arguments:**

    - `sigma`: the width (default 0.5).
    - `alpha`: the scale (default 0.5).
    """

    sigma: float = hyper(0.5)
    alpha: float = hyper(0.5)

    def surrogate_grad(self, x: ArrayLike) -> Array:
        return self.alpha * _gauss(as_float(x), 0.0, self.sigma)


class MultiGaussianGrad(Surrogate):
    """Step forward; backward, a Gaussian with two negative side lobes (Yin et al.,
    2021): `scale ((1 + h) N(x; 0, sigma) - h N(x; sigma, s sigma) - h N(x; -sigma,
    s sigma))`, with `N(x; mu, sd)` the normal density.

    **Arguments:**

    - `h`: the weight of the side lobes (default 0.15).
    - `s`: their width relative to `sigma` (default 6.0).
    - `sigma`: the width of the central lobe (default 0.5).
    - `scale`: the overall scale (default 0.5).
    """

    h: float = hyper(0.15)
    s: float = hyper(6.0)
    sigma: float = hyper(0.5)
    scale: float = hyper(0.5)

    def surrogate_grad(self, x: ArrayLike) -> Array:
        x = as_float(x)
        wide = self.s * self.sigma
        center = (1.0 + self.h) * _gauss(x, 0.0, self.sigma)
        sides = self.h * (_gauss(x, self.sigma, wide) + _gauss(x, -self.sigma, wide))
        return self.scale * (center - sides)


class InvSquareGrad(Surrogate):
    """Step forward; backward, `1 / (alpha |x| + 1)^2`.

    **Arguments:**

    - `alpha`: the sharpness (default 100.0).
    """

    alpha: float = hyper(100.0)

    def surrogate_grad(self, x: ArrayLike) -> Array:
        return 1.0 / (self.alpha * jnp.abs(as_float(x)) + 1.0) ** 2


class SlayerGrad(Surrogate):
    """Step forward; backward, `exp(-alpha |x|)` (Shrestha and Orchard, 2018).

    **Arguments:**

    - `alpha`: the sharpness (default 1.0).
    """

    alpha: float = hyper(1.0)

    def surrogate_grad(self, x: ArrayLike) -> Array:
        return jnp.exp(-self.alpha * jnp.abs(as_float(x)))


def relu_grad(x: ArrayLike, alpha: float = 0.3, width: float = 1.0) -> Array:
    """`ReluGrad(alpha, width)(x)`."""
    return ReluGrad(alpha, width)(x)


def gaussian_grad(x: ArrayLike, sigma: float = 0.5, alpha: float = 0.5) -> Array:
    """`GaussianGrad(sigma, alpha)(x)`."""
    return GaussianGrad(sigma, alpha)(x)


def multi_gaussian_grad(
    x: ArrayLike, h: float = 0.15, s: float = 6.0, sigma: float = 0.5, scale: float = 0.5
) -> Array:
    """`MultiGaussianGrad(h, s, sigma, scale)(x)`."""
    return MultiGaussianGrad(h, s, sigma, scale)(x)


def inv_square_grad(x: ArrayLike, alpha: float = 100.0) -> Array:
    """`InvSquareGrad(alpha)(x)`."""
    return InvSquareGrad(alpha)(x)


def slayer_grad(x: ArrayLike, alpha: float = 1.0) -> Array:
    """`SlayerGrad(alpha)(x)`."""
    return SlayerGrad(alpha)(x)
