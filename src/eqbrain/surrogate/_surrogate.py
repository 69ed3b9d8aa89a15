"""`Surrogate`: a Heaviside step whose gradient is a smooth surrogate (a `custom_jvp`)."""

from __future__ import annotations

import abc
import dataclasses
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
from jax import lax
from jaxtyping import Array, ArrayLike

_NO_FUN_MSG = """\
{cls} defines only a surrogate gradient, not a surrogate function. Plot or integrate \
`surrogate_grad` instead, or pick a surrogate that has both (Sigmoid, Arctan, ERF, ...)."""


@jax.custom_jvp
def spike(x: Array, grad: Array) -> Array:
    """`1` where `x >= 0`, else `0` (in `x`'s dtype); its derivative is `grad * dx`."""
    return (x >= 0).astype(x.dtype)


@spike.defjvp
def _spike_jvp(primals, tangents):
    x, grad = primals
    dx, _ = tangents  # `grad` is a function of the stopped x: no derivative flows into it
    return spike(x, grad), grad * dx


def as_float(x: ArrayLike) -> Array:
    """`x` as a floating-point array (integer and boolean inputs become JAX's float)."""
    x = jnp.asarray(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(jax.dtypes.canonicalize_dtype(float))
    return x


class Surrogate(eqx.Module):
    """The base class of surrogate-gradient spike functions (BrainPy's `bm.surrogate`).

    Calling a surrogate on `x` (the membrane potential minus the threshold) gives the
    Heaviside step, `1.0` where `x >= 0` and `0.0` elsewhere, in `x`'s float dtype. Its
    derivative, which the true step lacks, is `surrogate_grad(x)`: so `jax.grad`,
    `jax.jvp`, `jax.vmap` and `jax.jit` all see a spike function that can be trained
    through. The parameters (`alpha`, ...) are static floats: surrogates are hashable,
    compare by value, and are never traced or trained.

    A subclass defines `surrogate_grad(x)` (one without it cannot be built: `TypeError`)
    and, when it has one in closed form, the smooth function `surrogate_fun(x)` whose
    derivative that is (for plots).

    ```python
    class Box(eqbrain.surrogate.Surrogate):
        width: float = 0.5

        def surrogate_grad(self, x):
            return (jnp.abs(x) < self.width) / (2 * self.width)

    spikes = Box()(v - v_th)
    ```
    """

    def __call__(self, x: ArrayLike) -> Array:
        x = as_float(x)
        grad = self.surrogate_grad(lax.stop_gradient(x))
        return spike(x, jnp.broadcast_to(jnp.asarray(grad, x.dtype), x.shape))

    def __repr__(self) -> str:
        args = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self))
        return f"{type(self).__name__}({args})"

    def surrogate_fun(self, x: ArrayLike) -> Array:
        """The smooth function standing in for the step (its derivative is the
        gradient used); `NotImplementedError` for gradient-only surrogates."""
        raise NotImplementedError(_NO_FUN_MSG.format(cls=type(self).__name__))

    @abc.abstractmethod
    def surrogate_grad(self, x: ArrayLike) -> Array:
        """The derivative used for the step in backpropagation (what a subclass
        defines)."""


def hyper(default: float) -> Any:
    """A hyperparameter field: a static Python float (it is never traced or trained)."""
    return eqx.field(default=default, static=True, converter=float)
