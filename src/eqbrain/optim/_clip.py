"""`clip_by_norm`: BrainPy's `bm.clip_by_norm`, for gradients before `opt.update`."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import optax

from . import _checks


def clip_by_norm(t: Any, clip_norm: float, axis: int | tuple[int, ...] | None = None) -> Any:
    """Scale each array of the pytree `t` down so that its L2 norm is at most `clip_norm`.

    Each leaf is clipped on its own (BrainPy's `bm.clip_by_norm`): `x * clip_norm /
    max(norm(x), clip_norm)`, the norm taken over `axis` (all axes by default, then it
    is `optax.projections.projection_l2_ball` of the leaf). For one norm over the whole
    tree use `optax.clip_by_global_norm` in the optimizer's chain.

    **Arguments:**

    - `t`: an array or a pytree of arrays, e.g. the gradient dict of `eqbrain.grad`.
    - `clip_norm`: the largest norm allowed, `> 0`.
    - `axis`: the axis or axes the norm runs over; the others are clipped separately.

    ```python
    grads = eqbrain.optim.clip_by_norm(grads, 1.0)   # each gradient's norm <= 1
    opt.update(grads)
    ```
    """
    clip_norm = _checks.real("clip_norm", clip_norm, low_open=True)
    if axis is None:
        return jax.tree.map(lambda x: optax.projections.projection_l2_ball(x, clip_norm), t)

    def clip(x: Any) -> Any:
        norm = jnp.sqrt(jnp.sum(x * x, axis=axis, keepdims=True))
        return x * clip_norm / jnp.maximum(norm, clip_norm)

    return jax.tree.map(clip, t)
