"""Activation functions under BrainPy's names and defaults (`bm.relu`, `bm.one_hot`, ...),
on `jax.nn` wherever BrainPy's formula is JAX's. The top level re-exports them
(`eqbrain.relu`), as BrainPy's `bm` has them."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ..random import SeedOrKey, default_rng


def identity(x: Any) -> Any:
    """`x` itself."""
    return x


def relu(x: Any) -> jax.Array:
    """`max(x, 0)` (`jax.nn.relu`).

    ```python
    eqbrain.relu(jnp.array([-1.0, 2.0]))    # [0., 2.]
    ```
    """
    return jax.nn.relu(x)


def relu6(x: Any) -> jax.Array:
    """`min(max(x, 0), 6)` (`jax.nn.relu6`)."""
    return jax.nn.relu6(x)


def leaky_relu(x: Any, negative_slope: float = 1e-2) -> jax.Array:
    """`x` for `x >= 0`, `negative_slope * x` below (`jax.nn.leaky_relu`)."""
    return jax.nn.leaky_relu(x, negative_slope)


def prelu(x: Any, a: Any = 0.25) -> jax.Array:
    """`x` for `x >= 0`, `a * x` below (`a` may be an array)."""
    x = jnp.asarray(x)
    return jnp.where(x >= 0.0, x, a * x)


def rrelu(
    x: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, key: SeedOrKey | None = None
) -> jax.Array:
    """`prelu` with a slope drawn per element from U(`lower`, `upper`), from
    `eqbrain.random`'s default generator (or `key`)."""
    x = jnp.asarray(x)
    a = default_rng().uniform(lower, upper, size=x.shape, key=key)
    return jnp.where(x >= 0.0, x, a * x)


def elu(x: Any, alpha: float = 1.0) -> jax.Array:
    """`x` for `x > 0`, `alpha (exp(x) - 1)` below (`jax.nn.elu`)."""
    return jax.nn.elu(x, alpha)


def celu(x: Any, alpha: float = 1.0) -> jax.Array:
    """`x` for `x > 0`, `alpha (exp(x / alpha) - 1)` below (`jax.nn.celu`)."""
    return jax.nn.celu(x, alpha)


def selu(x: Any) -> jax.Array:
    """The scaled exponential linear unit (`jax.nn.selu`)."""
    return jax.nn.selu(x)


def gelu(x: Any, approximate: bool = True) -> jax.Array:
    """The Gaussian error linear unit, tanh-approximated by default (`jax.nn.gelu`)."""
    return jax.nn.gelu(x, approximate)


def glu(x: Any, axis: int = -1) -> jax.Array:
    """The gated linear unit: the first half of `axis` times the sigmoid of the second
    (`jax.nn.glu`)."""
    return jax.nn.glu(x, axis)


def sigmoid(x: Any) -> jax.Array:
    """`1 / (1 + exp(-x))` (`jax.nn.sigmoid`).

    ```python
    eqbrain.sigmoid(0.0)                   # 0.5
    ```
    """
    return jax.nn.sigmoid(x)


def log_sigmoid(x: Any) -> jax.Array:
    """`log(sigmoid(x))` (`jax.nn.log_sigmoid`)."""
    return jax.nn.log_sigmoid(x)


def hard_sigmoid(x: Any) -> jax.Array:
    """`relu6(x + 3) / 6` (`jax.nn.hard_sigmoid`)."""
    return jax.nn.hard_sigmoid(x)


def silu(x: Any) -> jax.Array:
    """`x * sigmoid(x)` (`jax.nn.silu`); `swish` is the same function."""
    return jax.nn.silu(x)


swish = silu


def hard_silu(x: Any) -> jax.Array:
    """`x * hard_sigmoid(x)` (`jax.nn.hard_silu`); `hard_swish` is the same function."""
    return jax.nn.hard_silu(x)


hard_swish = hard_silu


def mish(x: Any) -> jax.Array:
    """`x * tanh(softplus(x))` (`jax.nn.mish`)."""
    return jax.nn.mish(x)


def tanh(x: Any) -> jax.Array:
    """The hyperbolic tangent (`jnp.tanh`)."""
    return jnp.tanh(x)


def hard_tanh(x: Any, min_val: float = -1.0, max_val: float = 1.0) -> jax.Array:
    """`x` clipped to [`min_val`, `max_val`]."""
    return jnp.clip(x, min_val, max_val)


def tanh_shrink(x: Any) -> jax.Array:
    """`x - tanh(x)`."""
    return x - jnp.tanh(x)


def hard_shrink(x: Any, lambd: float = 0.5) -> jax.Array:
    """`x` where `|x| > lambd`, else 0."""
    x = jnp.asarray(x)
    return jnp.where(jnp.abs(x) > lambd, x, jnp.zeros((), x.dtype))


def soft_shrink(x: Any, lambd: float = 0.5) -> jax.Array:
    """`x` moved towards 0 by `lambd`, and 0 where `|x| <= lambd`."""
    x = jnp.asarray(x)
    return jnp.where(x > lambd, x - lambd, jnp.where(x < -lambd, x + lambd, 0.0))


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> jax.Array:
    """`log(1 + exp(beta x)) / beta`, and `x` itself where `x > threshold / beta` (as
    PyTorch's and BrainPy's)."""
    x = jnp.asarray(x)
    return jnp.where(x > threshold / beta, x, jnp.logaddexp(beta * x, 0.0) / beta)


def soft_sign(x: Any) -> jax.Array:
    """`x / (|x| + 1)` (`jax.nn.soft_sign`)."""
    return jax.nn.soft_sign(x)


def softmax(x: Any, axis: int | None = -1) -> jax.Array:
    """The softmax along `axis` (`jax.nn.softmax`)."""
    return jax.nn.softmax(x, axis=axis)


def softmin(x: Any, axis: int | None = -1) -> jax.Array:
    """`softmax(-x)` along `axis`."""
    return jax.nn.softmax(-jnp.asarray(x), axis=axis)


def log_softmax(x: Any, axis: int | None = -1) -> jax.Array:
    """The log of the softmax along `axis` (`jax.nn.log_softmax`)."""
    return jax.nn.log_softmax(x, axis=axis)


def one_hot(x: Any, num_classes: int, *, dtype: Any = None, axis: int = -1) -> jax.Array:
    """One-hot encodings of the integers `x` (`jax.nn.one_hot`; JAX's default float).

    ```python
    eqbrain.one_hot(jnp.array([0, 2]), 3)   # [[1, 0, 0], [0, 0, 1]]
    ```
    """
    return jax.nn.one_hot(
        x, num_classes, dtype=jnp.result_type(float) if dtype is None else dtype, axis=axis
    )


def normalize(
    x: Any, axis: int = -1, mean: Any = None, variance: Any = None, epsilon: float = 1e-5
) -> jax.Array:
    """`(x - mean) / sqrt(variance + epsilon)`, the statistics along `axis` unless given
    (`jax.nn.standardize`)."""
    return jax.nn.standardize(x, axis, mean=mean, variance=variance, epsilon=epsilon)
