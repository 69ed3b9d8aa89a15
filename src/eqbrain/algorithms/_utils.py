"""What the regression algorithms share: the logistic function, the regularizers, the
polynomial features and the row normalization (BrainPy's `bp.algorithms.utils`), and
the registry of `fit_method=` names."""

from __future__ import annotations

from itertools import combinations_with_replacement
from typing import Any

import jax.numpy as jnp


class Methods:
    """The `fit_method=` names of one kind of algorithm (`offline`, `online`): classes
    built in, and instances registered by users."""

    def __init__(self, kind: str, base: type, callable_form: str):
        self.kind, self.base, self.callable_form = kind, base, callable_form
        self.table: dict[str, Any] = {}

    def names(self) -> tuple[str, ...]:
        return tuple(self.table)

    def register(self, name: str, method: Any) -> None:
        """Make `name` mean `method` (an instance of `base`), refusing a taken name."""
        fn = f"register_{self.kind}_method"
        if name in self.table:
            raise ValueError(f"{fn}: name {name!r} is taken; choose another.")
        if not isinstance(method, self.base):
            raise ValueError(
                f"{fn}: method must be an {self.base.__name__} instance, got "
                f"{type(method).__name__}."
            )
        self.table[name] = method

    def get(self, name: str, what: str) -> Any:
        """The algorithm called `name`, or a `ValueError` naming `what` and the choices."""
        if not isinstance(name, str) or name not in self.table:
            raise ValueError(
                f"{what}={name!r} is not an {self.kind} method. Give one of "
                f"{self.names()}, a dict {{'name': ..., **options}}, an "
                f"{self.base.__name__}, or a callable {self.callable_form}."
            )
        return self.table[name]


class Sigmoid:
    """The logistic function and its derivative.

    ```python
    eqbrain.algorithms.Sigmoid()(0.0)       # 0.5
    ```
    """

    def __call__(self, x: Any) -> Any:
        return 1 / (1 + jnp.exp(-jnp.asarray(x)))

    def grad(self, x: Any) -> Any:
        """The derivative `e^-x / (1 + e^-x)^2`."""
        e = jnp.exp(-jnp.asarray(x))
        return e / (1 + e) ** 2


class Regularization:
    """No penalty: `0`, with gradient `0` (the base of the regularizers).

    **Arguments:** `alpha`: the strength of the penalty.
    """

    def __init__(self, alpha: float):
        self.alpha = alpha

    def __call__(self, w: Any) -> Any:
        return 0

    def grad(self, w: Any) -> Any:
        """The penalty's gradient with respect to the weights `w`."""
        return 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(alpha={self.alpha})"


class L1Regularization(Regularization):
    """`alpha * ||w||` (gradient `alpha * sign(w)`).

    ```python
    eqbrain.algorithms.L1Regularization(0.1).grad(w)
    ```
    """

    def __call__(self, w: Any) -> Any:
        return self.alpha * jnp.linalg.norm(w)

    def grad(self, w: Any) -> Any:
        return self.alpha * jnp.sign(w)


class L2Regularization(Regularization):
    """`alpha * w.T w / 2` (gradient `alpha * w`).

    ```python
    eqbrain.algorithms.L2Regularization(0.1)(w)
    ```
    """

    def __call__(self, w: Any) -> Any:
        w = jnp.asarray(w)
        return self.alpha * 0.5 * w.T.dot(w)

    def grad(self, w: Any) -> Any:
        return self.alpha * jnp.asarray(w)


class L1L2Regularization(Regularization):
    """The elastic-net penalty: `alpha * (l1_ratio ||w|| + (1 - l1_ratio) w.T w / 2)`.

    ```python
    eqbrain.algorithms.L1L2Regularization(0.1, l1_ratio=0.5)(w)
    ```
    """

    def __init__(self, alpha: float, l1_ratio: float = 0.5):
        super().__init__(alpha)
        self.l1_ratio = l1_ratio

    def __call__(self, w: Any) -> Any:
        w = jnp.asarray(w)
        l1 = self.l1_ratio * jnp.linalg.norm(w)
        return self.alpha * (l1 + (1 - self.l1_ratio) * 0.5 * w.T.dot(w))

    def grad(self, w: Any) -> Any:
        w = jnp.asarray(w)
        return self.alpha * (self.l1_ratio * jnp.sign(w) + (1 - self.l1_ratio) * w)


def index_combinations(n_features: int, degree: int) -> list[tuple[int, ...]]:
    """The index tuples of the monomials of degree 2 to `degree` in `n_features` inputs."""
    return [
        c
        for d in range(2, degree + 1)
        for c in combinations_with_replacement(range(n_features), d)
    ]


def polynomial_features(X: Any, degree: int, add_bias: bool = True) -> Any:
    """`X` (samples, features) with a column of ones first (`add_bias`) and every
    product of 2 to `degree` features after it.

    ```python
    eqbrain.algorithms.polynomial_features(jnp.ones((5, 2)), degree=2).shape   # (5, 6)
    ```
    """
    X = jnp.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"polynomial_features: X must be 2-D (samples, features), got {X.shape}.")
    cols = [jnp.ones((X.shape[0], 1), X.dtype)] if add_bias else []
    cols.append(X)
    cols += [
        jnp.prod(X[:, list(c)], axis=1, keepdims=True)
        for c in index_combinations(X.shape[1], degree)
    ]
    return jnp.concatenate(cols, axis=1)


def normalize(X: Any, axis: int = -1, order: int = 2) -> Any:
    """`X` divided by its `order`-norm along `axis` (rows of norm 0 are left as they are).

    ```python
    eqbrain.algorithms.normalize(jnp.array([[3.0, 4.0]]))   # [[0.6, 0.8]]
    ```
    """
    X = jnp.asarray(X)
    norm = jnp.atleast_1d(jnp.linalg.norm(X, order, axis))
    norm = jnp.where(norm == 0, 1, norm)
    return X / jnp.expand_dims(norm, axis)
