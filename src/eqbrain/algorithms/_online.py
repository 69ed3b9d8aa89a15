"""Online (step-by-step) fitting algorithms: BrainPy's recursive least squares (`RLS`,
the rule of FORCE learning) and least mean squares (`LMS`)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from .._core import Variable
from ._utils import Methods


def _rows(x: Any, what: str) -> Any:
    x = jnp.asarray(x)
    x = x[None] if x.ndim == 1 else x
    if x.ndim != 2:
        raise ValueError(f"{what} must be (batch, features) or (features,), got shape {x.shape}.")
    return x


class OnlineAlgorithm:
    """The base of online algorithms: `algorithm(target, input, output, identifier)`
    returns the weight change of one step (BrainPy's `OnlineAlgorithm`).

    State an algorithm keeps per fitted layer (RLS's `P`) lives in `implicit_vars`, one
    `Variable` per `identifier` and made by `register_target`.

    ```python
    class SignLMS(eqbrain.algorithms.OnlineAlgorithm):
        def call(self, target, input, output, identifier=""):
            return -0.01 * input.T @ jnp.sign(output - target)
    ```
    """

    def __init__(self, name: str | None = None):
        self.name = name if name is not None else type(self).__name__
        self.implicit_vars: dict[str, Variable] = {}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.call(*args, **kwargs)

    def register_target(self, *args: Any, **kwargs: Any) -> None:
        """Make the state kept for one fitted layer (nothing by default)."""

    def call(self, target: Any, input: Any, output: Any, identifier: str = "") -> Any:
        """The weight change `(num_input, num_output)` for one step."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement call(target, input, output, identifier)."
        )

    def __repr__(self) -> str:
        return type(self).__name__


class RLS(OnlineAlgorithm):
    r"""Recursive least squares (FORCE learning's rule), a block update for a batch:

    $$K = P X^T (I + X P X^T)^{-1},\quad P \leftarrow P - K X P,\quad
    \Delta W = -K (y - t)$$

    **Arguments:** `alpha`: `P` starts as `alpha * I` (the inverse of the initial
    regularization); `name`.

    ```python
    rls = eqbrain.algorithms.RLS(alpha=1.0)
    rls.register_target(feature_in=10, identifier="out")
    dW = rls(target, input, output, identifier="out")
    ```
    """

    postfix = ".rls.P"

    def __init__(self, alpha: float = 0.1, name: str | None = None):
        super().__init__(name=name)
        self.alpha = alpha

    def register_target(self, feature_in: int, identifier: str = "") -> None:
        """Start `P = alpha * I` of size `feature_in` for the layer `identifier`."""
        key = identifier + self.postfix
        self.implicit_vars[key] = Variable(jnp.eye(feature_in) * self.alpha)

    def call(self, target: Any, input: Any, output: Any, identifier: str = "") -> Any:
        key = identifier + self.postfix
        if key not in self.implicit_vars:
            raise KeyError(
                f"RLS has no P for {identifier!r}: call register_target(feature_in, "
                f"identifier={identifier!r}) first (OnlineTrainer does)."
            )
        P = self.implicit_vars[key]
        x, t, y = _rows(input, "input"), _rows(target, "target"), _rows(output, "output")
        p = P.value
        k = p @ x.T
        gain = k @ jnp.linalg.inv(jnp.eye(x.shape[0], dtype=p.dtype) + x @ k)
        P.value = p - gain @ (x @ p)
        return -gain @ (y - t)


class LMS(OnlineAlgorithm):
    """Least mean squares: `dW = -alpha * sum_batch outer(input, output - target)`.

    ```python
    dW = eqbrain.algorithms.LMS(alpha=0.1)(target, input, output)
    ```
    """

    def __init__(self, alpha: float = 0.1, name: str | None = None):
        super().__init__(name=name)
        self.alpha = alpha

    def call(self, target: Any, input: Any, output: Any, identifier: str = "") -> Any:
        x, t, y = _rows(input, "input"), _rows(target, "target"), _rows(output, "output")
        return -self.alpha * jnp.sum(jax.vmap(jnp.outer)(x, y - t), axis=0)


_ONLINE = Methods("online", OnlineAlgorithm, "(target, input, output, identifier) -> dW")
_ONLINE.table.update(rls=RLS, lms=LMS)


def get_supported_online_methods() -> tuple[str, ...]:
    """The names `OnlineTrainer(fit_method=...)` accepts.

    ```python
    eqbrain.algorithms.get_supported_online_methods()   # ('rls', 'lms')
    ```
    """
    return _ONLINE.names()


def register_online_method(name: str, method: OnlineAlgorithm) -> None:
    """Make `fit_method=name` mean `method` (an `OnlineAlgorithm` instance).

    ```python
    eqbrain.algorithms.register_online_method("slow_lms", LMS(alpha=1e-3))
    ```
    """
    _ONLINE.register(name, method)


def get_online_method(name: str, what: str = "fit_method") -> Any:
    """The algorithm (class, or the registered instance) called `name`."""
    return _ONLINE.get(name, what)
