"""Small stand-ins for the `bp.layers` blocks BrainPy's object-system tests build models
from (eqbrain has no layer library; these hold Variables the way BrainPy's do)."""

from __future__ import annotations

from collections.abc import Callable

import equinox as eqx
import jax
import jax.numpy as jnp

import eqbrain


class Dense(eqbrain.Module):
    """`x @ W + b`. Trainable (`TrainVar`s) or not (plain arrays, as BrainPy's `Dense`
    outside training mode)."""

    W: jax.Array | eqbrain.TrainVar
    b: jax.Array | eqbrain.TrainVar

    def __init__(self, n_in: int, n_out: int, trainable: bool = True, seed: int = 0):
        super().__init__()
        W = jax.random.normal(jax.random.key(seed), (n_in, n_out)) / n_in**0.5
        b = jnp.zeros(n_out)
        self.W = eqbrain.TrainVar(W) if trainable else W
        self.b = eqbrain.TrainVar(b) if trainable else b

    def __call__(self, x):
        W = self.W.value if isinstance(self.W, eqbrain.Variable) else self.W
        b = self.b.value if isinstance(self.b, eqbrain.Variable) else self.b
        return x @ W + b


class Activation(eqbrain.Module):
    """An elementwise function; holds no Variable."""

    fn: Callable = eqx.field(static=True)

    def __call__(self, x):
        return self.fn(x)


class Dropout(eqbrain.Module):
    """Scales by `1 - rate` (the expectation of dropout); holds no Variable."""

    rate: float = eqx.field(static=True)

    def __call__(self, x):
        return x * (1.0 - self.rate)
