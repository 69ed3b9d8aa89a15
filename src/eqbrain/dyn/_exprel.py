"""`exprel`: `(exp(x) - 1) / x` without the cancellation (and the 0/0) near 0."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp


def exprel(x: Any) -> jax.Array:
    """`(exp(x) - 1) / x`, accurate at and near `x = 0` (where it is 1); BrainPy's
    `bm.exprel`.

    Rate functions such as `a (V - V0) / (exp((V - V0) / k) - 1)` (Hodgkin-Huxley and
    Traub-Miles gates) are 0/0 when `V` lands exactly on `V0`, which a long float32
    run does now and then: the neuron's state becomes NaN for good. Written as
    `a k / exprel((V - V0) / k)` they are finite everywhere, with finite gradients.

    ```python
    alpha_m = 0.32 * 4.0 / eqbrain.exprel((13.0 - V + V_T) / 4.0)
    ```
    """
    x = jnp.asarray(x)
    small = jnp.abs(x) < 1e-5
    safe = jnp.where(small, 1.0, x)  # keeps the other branch's gradient finite at 0
    return jnp.where(small, 1.0 + x / 2.0 + x * x / 6.0, jnp.expm1(safe) / safe)
