"""Small optax pieces the optimizers need and optax does not have."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import optax


def decayed(tx: optax.GradientTransformation, weight_decay: float | None) -> Any:
    """`tx`, then BrainPy's weight decay `p <- (1 - weight_decay) * p + update`.

    The update `tx` returns already carries the learning rate; BrainPy's decay does not
    (`optax.add_decayed_weights(-weight_decay)` after it), unlike `optax.adamw`'s.
    """
    if not weight_decay:
        return tx
    return optax.chain(tx, optax.add_decayed_weights(-weight_decay))


def scalars_as_vectors(inner: optax.GradientTransformation) -> optax.GradientTransformation:
    """Run `inner` with every 0-d parameter (and its gradient and state) seen as shape `(1,)`.

    `optax.scale_by_sm3` keeps one accumulator per axis of a parameter and has none for a
    0-d one (it raises `IndexError`); a `(1,)` vector is the same number with one axis,
    for which SM3 is Adagrad, as BrainPy's SM3 is for a scalar.
    """

    def lift(tree: Any) -> Any:
        return jax.tree.map(lambda x: jnp.reshape(x, (1,)) if jnp.ndim(x) == 0 else x, tree)

    def init_fn(params: Any) -> Any:
        return inner.init(lift(params))

    def update_fn(updates: Any, state: Any, params: Any = None) -> Any:
        leaves, treedef = jax.tree.flatten(updates)
        new, state = inner.update(lift(updates), state, None if params is None else lift(params))
        new = [jnp.reshape(u, jnp.shape(g)) for u, g in zip(treedef.flatten_up_to(new), leaves)]
        return treedef.unflatten(new), state

    return optax.GradientTransformation(init_fn, update_fn)
