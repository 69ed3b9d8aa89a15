"""Offline (whole-record) fitting algorithms: BrainPy's `bp.algorithms` regressions,
solved with `jnp.linalg` (closed forms) or by gradient descent in a `lax.while_loop`."""

from __future__ import annotations

import warnings
from typing import Any

import jax.numpy as jnp
import numpy as np
from jax import lax

from ..random import uniform as _uniform
from ._utils import (
    L1L2Regularization,
    L1Regularization,
    L2Regularization,
    Methods,
    Regularization,
    Sigmoid,
    normalize,
    polynomial_features,
)


class OfflineAlgorithm:
    """The base of offline algorithms: `algorithm(targets, inputs, outputs=None)` returns
    the weights that map `inputs` to `targets` (BrainPy's `OfflineAlgorithm`).

    Subclasses implement `call(targets, inputs, outputs=None)`; `inputs` and `targets`
    are `(samples, features)` arrays, or `(batch, time, features)` ones, flattened to
    rows.

    ```python
    class MeanFit(eqbrain.algorithms.OfflineAlgorithm):
        def call(self, targets, inputs, outputs=None):
            return jnp.linalg.lstsq(inputs, targets)[0]
    ```
    """

    def __init__(self, name: str | None = None):
        self.name = name if name is not None else type(self).__name__

    def __call__(self, targets: Any, inputs: Any, outputs: Any = None) -> Any:
        return self.call(targets, inputs, outputs)

    def call(self, targets: Any, inputs: Any, outputs: Any = None) -> Any:
        """The fitted weights, `(num_input, num_output)`."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement call(targets, inputs, outputs=None)."
        )

    def __repr__(self) -> str:
        return type(self).__name__


def as_rows(x: Any, what: str = "data") -> Any:
    """`x` as a 2-D array of rows: `(..., features)` flattened to `(rows, features)`."""
    x = jnp.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"{what} must be at least 2-D (samples, features), got shape {x.shape}.")
    return x if x.ndim == 2 else x.reshape(-1, x.shape[-1])


class RegressionAlgorithm(OfflineAlgorithm):
    """A linear regression `targets ~ inputs @ W`, by a closed form or by gradient descent.

    **Arguments:** `max_iter`, `learning_rate`: of gradient descent; `regularizer`: its
    penalty (an `eqbrain.algorithms.Regularization`); `name`.
    """

    def __init__(
        self,
        max_iter: int | None = None,
        learning_rate: float | None = None,
        regularizer: Regularization | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.regularizer = regularizer if regularizer is not None else Regularization(0.0)

    def initialize(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to prepare (BrainPy's hook)."""

    def init_weights(self, n_features: int, n_out: int) -> Any:
        """Weights drawn uniformly from `[-1/sqrt(n_features), 1/sqrt(n_features)]`
        (from `eqbrain.random`)."""
        limit = 1 / np.sqrt(n_features)
        return _uniform(-limit, limit, (n_features, n_out))

    def gradient_descent_solve(self, targets: Any, inputs: Any, outputs: Any = None) -> Any:
        """Gradient descent on the squared error plus the penalty, from random weights,
        until the weights stop changing (`allclose`) or `max_iter` steps."""
        X, Y = as_rows(inputs, "inputs"), as_rows(targets, "targets")
        w = self.init_weights(X.shape[1], Y.shape[1])
        lr, n = self.learning_rate, self.max_iter
        reg = self.regularizer

        def cond(state):
            i, old, new = state
            return jnp.logical_and(jnp.logical_not(jnp.allclose(old, new)), i < n)

        def body(state):
            i, _, new = state
            grad = X.T @ -(Y - X @ new) + reg.grad(new)
            return i + 1, new, new - lr * grad

        return lax.while_loop(cond, body, (0, w + 1.0, w))[-1]

    def predict(self, W: Any, X: Any) -> Any:
        """`X @ W`."""
        return jnp.dot(X, W)


class _OnPolynomialFeatures(RegressionAlgorithm):
    """The regression after this class in the MRO, fitted on polynomial features of the
    inputs (`degree`, `add_bias`)."""

    degree: int
    add_bias: bool

    def call(self, targets: Any, inputs: Any, outputs: Any = None) -> Any:
        X = polynomial_features(as_rows(inputs, "inputs"), self.degree, self.add_bias)
        return super().call(targets, X)

    def predict(self, W: Any, X: Any) -> Any:
        return polynomial_features(as_rows(X, "X"), self.degree, self.add_bias) @ W


class _NormalizedPolynomialDescent(RegressionAlgorithm):
    """Gradient descent on normalized polynomial features of the inputs (`degree`,
    `add_bias`), under the regularizer the subclass gives."""

    degree: int
    add_bias: bool

    def _features(self, X: Any) -> Any:
        return normalize(polynomial_features(as_rows(X, "inputs"), self.degree, self.add_bias))

    def call(self, targets: Any, inputs: Any, outputs: Any = None) -> Any:
        return self.gradient_descent_solve(as_rows(targets, "targets"), self._features(inputs))

    def predict(self, W: Any, X: Any) -> Any:
        return self._features(X) @ W


class LinearRegression(RegressionAlgorithm):
    """Least squares, `jnp.linalg.lstsq` (or gradient descent with
    `gradient_descent=True`).

    ```python
    W = eqbrain.algorithms.LinearRegression()(targets, inputs)
    ```
    """

    def __init__(
        self,
        name: str | None = None,
        max_iter: int = 1000,
        learning_rate: float = 0.001,
        gradient_descent: bool = False,
    ):
        super().__init__(max_iter, learning_rate, Regularization(0.0), name)
        self.gradient_descent = gradient_descent

    def call(self, targets: Any, inputs: Any, outputs: Any = None) -> Any:
        X, Y = as_rows(inputs, "inputs"), as_rows(targets, "targets")
        if self.gradient_descent:
            return self.gradient_descent_solve(Y, X)
        return jnp.linalg.lstsq(X, Y)[0]


class RidgeRegression(RegressionAlgorithm):
    """Ridge regression (Tikhonov): the `W` minimizing `|X W - Y|^2 + alpha |W|^2`,
    `(X.T X + alpha I)^-1 X.T Y`, solved as least squares on `[X; sqrt(alpha) I]`
    (`jnp.linalg.lstsq`), which keeps float32's precision where `X.T X` would square
    the condition number.

    **Arguments:** `alpha`: the penalty (`beta` is its old name, with a warning);
    `gradient_descent=True` solves by gradient descent instead.

    ```python
    W = eqbrain.algorithms.RidgeRegression(alpha=1e-6)(targets, inputs)
    ```
    """

    def __init__(
        self,
        alpha: float = 1e-7,
        beta: float | None = None,
        name: str | None = None,
        max_iter: int = 1000,
        learning_rate: float = 0.001,
        gradient_descent: bool = False,
    ):
        if beta is not None:
            warnings.warn("RidgeRegression: `beta` is `alpha` now.", UserWarning, stacklevel=2)
            alpha = beta
        super().__init__(max_iter, learning_rate, L2Regularization(alpha), name)
        self.gradient_descent = gradient_descent

    @property
    def alpha(self) -> float:
        """The penalty."""
        return self.regularizer.alpha

    def call(self, targets: Any, inputs: Any, outputs: Any = None) -> Any:
        X, Y = as_rows(inputs, "inputs"), as_rows(targets, "targets")
        if self.gradient_descent:
            return self.gradient_descent_solve(Y, X)
        if self.alpha <= 0.0:
            return jnp.linalg.lstsq(X, Y)[0]
        # min |X W - Y|^2 + alpha |W|^2 is least squares on [X; sqrt(alpha) I] and
        # [Y; 0]: the condition number of X, not of X.T X (float32 keeps its digits).
        penalty = jnp.full(X.shape[-1], jnp.sqrt(self.alpha), X.dtype)
        if getattr(self, "add_bias", False):  # the intercept column is not penalized
            penalty = penalty.at[0].set(0.0)
        A = jnp.concatenate([X, jnp.diag(penalty)])
        B = jnp.concatenate([Y, jnp.zeros((X.shape[-1], Y.shape[-1]), Y.dtype)])
        return jnp.linalg.lstsq(A, B)[0]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(beta={self.alpha})"


class LassoRegression(_NormalizedPolynomialDescent):
    """L1-penalized regression on normalized polynomial features, by gradient descent.

    ```python
    W = eqbrain.algorithms.LassoRegression(alpha=0.1, degree=2)(targets, inputs)
    ```
    """

    def __init__(
        self,
        alpha: float = 1.0,
        degree: int = 2,
        add_bias: bool = False,
        name: str | None = None,
        max_iter: int = 1000,
        learning_rate: float = 0.001,
        gradient_descent: bool = True,
    ):
        super().__init__(max_iter, learning_rate, L1Regularization(alpha), name)
        if not gradient_descent:
            raise ValueError("LassoRegression solves by gradient descent: gradient_descent=True.")
        self.gradient_descent, self.add_bias, self.degree = True, add_bias, degree


class LogisticRegression(RegressionAlgorithm):
    """Logistic regression of one binary target: gradient descent, or Newton's method
    (iteratively reweighted least squares) with `gradient_descent=False`.

    ```python
    w = eqbrain.algorithms.LogisticRegression()(labels[:, None], inputs)   # (features,)
    ```
    """

    def __init__(
        self,
        learning_rate: float = 0.1,
        gradient_descent: bool = True,
        max_iter: int = 4000,
        name: str | None = None,
    ):
        super().__init__(max_iter, learning_rate, None, name)
        self.gradient_descent = gradient_descent
        self.sigmoid = Sigmoid()

    def call(self, targets: Any, inputs: Any, outputs: Any = None) -> Any:
        X, y = as_rows(inputs, "inputs"), as_rows(targets, "targets")
        if y.shape[-1] != 1:
            raise ValueError(
                f"LogisticRegression fits one binary target: targets must have 1 feature, "
                f"got shape {y.shape}."
            )
        y = y.ravel()
        w0 = self.init_weights(X.shape[1], 1).ravel()
        lr, n, sig, gd = self.learning_rate, self.max_iter, self.sigmoid, self.gradient_descent

        def cond(state):
            i, old, new = state
            return jnp.logical_and(jnp.logical_not(jnp.allclose(old, new)), i < n)

        def body(state):
            i, _, w = state
            p = sig(X @ w)
            if gd:
                return i + 1, w, w - lr * (p - y) @ X
            d = jnp.diag(sig.grad(X @ w))
            new = jnp.linalg.pinv(X.T @ d @ X) @ X.T @ (d @ X @ w + y - p)
            return i + 1, w, new

        return lax.while_loop(cond, body, (0, w0 + 1.0, w0))[-1]

    def predict(self, W: Any, X: Any) -> Any:
        return self.sigmoid(X @ W)


class PolynomialRegression(_OnPolynomialFeatures, LinearRegression):
    """Least squares on polynomial features of degree `degree`.

    ```python
    W = eqbrain.algorithms.PolynomialRegression(degree=3)(targets, inputs)
    ```
    """

    def __init__(
        self,
        degree: int = 2,
        name: str | None = None,
        add_bias: bool = False,
        max_iter: int = 1000,
        learning_rate: float = 0.001,
        gradient_descent: bool = True,
    ):
        super().__init__(name, max_iter, learning_rate, gradient_descent)
        self.degree, self.add_bias = degree, add_bias


class PolynomialRidgeRegression(_OnPolynomialFeatures, RidgeRegression):
    """Ridge regression on polynomial features (the intercept column is not penalized).

    ```python
    W = eqbrain.algorithms.PolynomialRidgeRegression(alpha=0.1, degree=2)(targets, inputs)
    ```
    """

    def __init__(
        self,
        alpha: float = 1.0,
        degree: int = 2,
        name: str | None = None,
        add_bias: bool = False,
        max_iter: int = 1000,
        learning_rate: float = 0.001,
        gradient_descent: bool = True,
    ):
        super().__init__(alpha, None, name, max_iter, learning_rate, gradient_descent)
        self.degree, self.add_bias = degree, add_bias


class ElasticNetRegression(_NormalizedPolynomialDescent):
    """Elastic-net regression (L1 and L2 penalties) on normalized polynomial features,
    by gradient descent.

    ```python
    W = eqbrain.algorithms.ElasticNetRegression(alpha=0.1, l1_ratio=0.5)(targets, inputs)
    ```
    """

    def __init__(
        self,
        alpha: float = 1.0,
        degree: int = 2,
        l1_ratio: float = 0.5,
        name: str | None = None,
        add_bias: bool = False,
        max_iter: int = 1000,
        learning_rate: float = 0.001,
        gradient_descent: bool = True,
    ):
        reg = L1L2Regularization(alpha, l1_ratio=l1_ratio)
        super().__init__(max_iter, learning_rate, reg, name)
        if not gradient_descent:
            raise ValueError(
                "ElasticNetRegression solves by gradient descent: gradient_descent=True."
            )
        self.gradient_descent, self.degree, self.add_bias = True, degree, add_bias


linear_regression = LinearRegression()
ridge_regression = RidgeRegression()

_OFFLINE = Methods("offline", OfflineAlgorithm, "(targets, inputs, outputs) -> weights")
_OFFLINE.table.update(
    linear=LinearRegression,
    lstsq=LinearRegression,
    ridge=RidgeRegression,
    lasso=LassoRegression,
    logistic=LogisticRegression,
    polynomial=PolynomialRegression,
    polynomial_ridge=PolynomialRidgeRegression,
    elastic_net=ElasticNetRegression,
)


def get_supported_offline_methods() -> tuple[str, ...]:
    """The names `OfflineTrainer(fit_method=...)` accepts.

    ```python
    eqbrain.algorithms.get_supported_offline_methods()   # ('linear', 'lstsq', 'ridge', ...)
    ```
    """
    return _OFFLINE.names()


def register_offline_method(name: str, method: OfflineAlgorithm) -> None:
    """Make `fit_method=name` mean `method` (an `OfflineAlgorithm` instance).

    ```python
    eqbrain.algorithms.register_offline_method("ridge1", RidgeRegression(alpha=1.0))
    ```
    """
    _OFFLINE.register(name, method)


def get_offline_method(name: str, what: str = "fit_method") -> Any:
    """The algorithm (class, or the registered instance) called `name`."""
    return _OFFLINE.get(name, what)
