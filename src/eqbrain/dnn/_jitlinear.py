"""Linear layers over just-in-time random connectivity (BrainPy's `JitFP*Linear` and
`EventJitFP*Linear`): the weight matrix is drawn from a seed when the layer runs, never
stored, so a layer's state is a seed and its weight parameters."""

from __future__ import annotations

import functools
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from .._core import TrainVar
from ..dyn import Mode
from ..random import split_key
from ._base import Layer, check_last_axis, positive_int, probability


@functools.partial(jax.jit, static_argnames=("shape", "dist"))
def _matrix(seed: Any, prob: Any, a: Any, b: Any, *, shape: tuple[int, int], dist: str) -> Any:
    """The `(num_out, num_in)` matrix of seed `seed`: each entry connected with
    probability `prob`, weighted `a` (`"homo"`), `U(a, b)` (`"uniform"`) or
    `N(a, b**2)` (`"normal"`). Compiled once per shape and kind when called eagerly."""
    k_conn, k_weight = jax.random.split(jax.random.key(seed))
    mask = jax.random.bernoulli(k_conn, prob, shape)
    if dist == "homo":
        w = jnp.broadcast_to(a, shape)
    elif dist == "uniform":
        w = jax.random.uniform(k_weight, shape, jnp.result_type(float), a, b)
    else:
        w = a + b * jax.random.normal(k_weight, shape, jnp.result_type(float))
    return jnp.where(mask, w, jnp.zeros((), w.dtype))


def _seed(seed: Any, owner: str) -> int:
    """An int seed; `None` draws one from `eqbrain.random`'s default generator."""
    if seed is None:
        key = np.asarray(jax.random.key_data(split_key()))
        return int(np.random.default_rng(key).integers(2**31 - 1))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(
            f"{owner}: seed must be an int >= 0, or None to draw one from eqbrain.random; "
            f"got {seed!r}."
        )
    return int(seed)


def _number(x: Any, what: str, owner: str) -> float:
    if isinstance(x, bool) or np.ndim(x) != 0:
        raise ValueError(f"{owner}: {what} must be a number, got {x!r}.")
    return float(x)


class _JitFPLinear(Layer):
    """A linear layer whose random matrix `M` (`(num_out, num_in)`) is drawn from
    `seed` on each call: `y = x @ M.T`, or `y = x @ M` with `transpose`."""

    num_in: int = eqx.field(static=True)
    num_out: int = eqx.field(static=True)
    prob: float = eqx.field(static=True)
    seed: int = eqx.field(static=True)
    transpose: bool = eqx.field(static=True)
    atomic: bool = eqx.field(static=True)

    def __init__(
        self,
        num_in: int,
        num_out: int,
        prob: float,
        seed: int | None,
        mode: Mode | None,
        name: str | None,
        transpose: bool,
        atomic: bool,
    ):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        self.num_in = positive_int(num_in, "num_in", owner)
        self.num_out = positive_int(num_out, "num_out", owner)
        self.prob = probability(prob, "prob", owner)
        self.seed = _seed(seed, owner)
        self.transpose, self.atomic = bool(transpose), bool(atomic)

    def _parts(self) -> tuple[Any, Any, str]:
        """`(a, b, dist)` of `_matrix`."""
        raise NotImplementedError

    def get_conn_matrix(self) -> jax.Array:
        """The weight matrix `M`, of shape `(num_out, num_in)` (zero where unconnected).

        ```python
        layer = eqbrain.dnn.JitFPHomoLinear(100, 50, prob=0.1, weight=0.2, seed=1)
        layer.get_conn_matrix().shape        # (50, 100)
        ```
        """
        a, b, dist = self._parts()
        shape = (self.num_out, self.num_in)
        return _matrix(self.seed, self.prob, a, b, shape=shape, dist=dist)

    def update(self, x: Any) -> Any:
        """`x @ M.T` for `x` of shape `(..., num_in)` (`x @ M`, `(..., num_out)`, with
        `transpose`)."""
        what, n = ("num_out", self.num_out) if self.transpose else ("num_in", self.num_in)
        x = check_last_axis(x, n, what, self.name)
        m = self.get_conn_matrix()
        if not jnp.issubdtype(x.dtype, jnp.floating):
            x = x.astype(m.dtype)  # spikes (bool) or counts
        return x @ m if self.transpose else x @ m.T


class JitFPHomoLinear(_JitFPLinear):
    """`x @ M.T` with a random matrix `M` of one weight `weight` at each connection,
    drawn from `seed` when the layer runs (BrainPy's `bp.dnn.JitFPHomoLinear`).

    **Arguments:**

    - `num_in`, `num_out`: the input and output sizes.
    - `prob`: the probability of each connection, in `[0, 1]`.
    - `weight`: the weight of every connection (a 0-d `TrainVar`).
    - `seed`: the int seed of the matrix (default: drawn from `eqbrain.random`).
    - `transpose`: map `(..., num_out)` to `(..., num_in)`, `x @ M`, instead.
    - `sharding`, `atomic`: accepted for BrainPy's signature; XLA computes the product.
    - `mode`, `name`: as for every `Layer`.

    The matrix `M` (`get_conn_matrix()`, shape `(num_out, num_in)`) is drawn from
    `seed` each time the layer runs and never stored; input of any leading shape.

    ```python
    layer = eqbrain.dnn.JitFPHomoLinear(100, 50, prob=0.1, weight=0.2, seed=1)
    y = layer(jnp.ones((8, 100)))        # (8, 50)
    ```
    """

    weight: TrainVar

    def __init__(
        self,
        num_in: int,
        num_out: int,
        prob: float,
        weight: float,
        seed: int | None = None,
        sharding: Any = None,
        mode: Mode | None = None,
        name: str | None = None,
        transpose: bool = False,
        atomic: bool = False,
    ):
        super().__init__(num_in, num_out, prob, seed, mode, name, transpose, atomic)
        w = _number(weight, "weight", type(self).__name__)
        self.weight = TrainVar(jnp.asarray(w, jnp.result_type(float)))

    def _parts(self) -> tuple[Any, Any, str]:
        return self.weight.value, 0.0, "homo"


class JitFPUniformLinear(_JitFPLinear):
    """`x @ M.T` with a random matrix `M` whose connections weigh `U(w_low, w_high)`,
    drawn from `seed` when the layer runs (BrainPy's `bp.dnn.JitFPUniformLinear`).

    **Arguments:**

    - `num_in`, `num_out`: the input and output sizes.
    - `prob`: the probability of each connection, in `[0, 1]`.
    - `w_low`, `w_high`: the bounds of the weights (`w_low <= w_high`).
    - `seed`: the int seed of the matrix (default: drawn from `eqbrain.random`).
    - `transpose`: map `(..., num_out)` to `(..., num_in)`, `x @ M`, instead.
    - `sharding`, `atomic`: accepted for BrainPy's signature; XLA computes the product.
    - `mode`, `name`: as for every `Layer`.

    ```python
    layer = eqbrain.dnn.JitFPUniformLinear(100, 50, 0.1, w_low=-0.1, w_high=0.1, seed=1)
    ```
    """

    w_low: float = eqx.field(static=True)
    w_high: float = eqx.field(static=True)

    def __init__(
        self,
        num_in: int,
        num_out: int,
        prob: float,
        w_low: float,
        w_high: float,
        seed: int | None = None,
        sharding: Any = None,
        mode: Mode | None = None,
        name: str | None = None,
        transpose: bool = False,
        atomic: bool = False,
    ):
        super().__init__(num_in, num_out, prob, seed, mode, name, transpose, atomic)
        owner = type(self).__name__
        self.w_low = _number(w_low, "w_low", owner)
        self.w_high = _number(w_high, "w_high", owner)
        if self.w_low > self.w_high:
            raise ValueError(f"{owner}: w_low ({w_low!r}) must be <= w_high ({w_high!r}).")

    def _parts(self) -> tuple[Any, Any, str]:
        return self.w_low, self.w_high, "uniform"


class JitFPNormalLinear(_JitFPLinear):
    """`x @ M.T` with a random matrix `M` whose connections weigh `N(w_mu, w_sigma**2)`,
    drawn from `seed` when the layer runs (BrainPy's `bp.dnn.JitFPNormalLinear`).

    **Arguments:**

    - `num_in`, `num_out`: the input and output sizes.
    - `prob`: the probability of each connection, in `[0, 1]`.
    - `w_mu`, `w_sigma`: the mean and standard deviation of the weights (`w_sigma >= 0`).
    - `seed`: the int seed of the matrix (default: drawn from `eqbrain.random`).
    - `transpose`: map `(..., num_out)` to `(..., num_in)`, `x @ M`, instead.
    - `sharding`, `atomic`: accepted for BrainPy's signature; XLA computes the product.
    - `mode`, `name`: as for every `Layer`.

    ```python
    layer = eqbrain.dnn.JitFPNormalLinear(100, 50, 0.1, w_mu=0.0, w_sigma=0.1, seed=1)
    ```
    """

    w_mu: float = eqx.field(static=True)
    w_sigma: float = eqx.field(static=True)

    def __init__(
        self,
        num_in: int,
        num_out: int,
        prob: float,
        w_mu: float,
        w_sigma: float,
        seed: int | None = None,
        sharding: Any = None,
        mode: Mode | None = None,
        name: str | None = None,
        transpose: bool = False,
        atomic: bool = False,
    ):
        super().__init__(num_in, num_out, prob, seed, mode, name, transpose, atomic)
        owner = type(self).__name__
        self.w_mu = _number(w_mu, "w_mu", owner)
        self.w_sigma = _number(w_sigma, "w_sigma", owner)
        if self.w_sigma < 0:
            raise ValueError(f"{owner}: w_sigma must be >= 0, got {w_sigma!r}.")

    def _parts(self) -> tuple[Any, Any, str]:
        return self.w_mu, self.w_sigma, "normal"


class EventJitFPHomoLinear(JitFPHomoLinear):
    """`JitFPHomoLinear` for spikes (BrainPy's `bp.dnn.EventJitFPHomoLinear`):
    boolean spikes, or 0/1 floats (surrogate spikes in training, whose gradient flows),
    times the same matrix.

    ```python
    layer = eqbrain.dnn.EventJitFPHomoLinear(100, 50, prob=0.1, weight=0.2, seed=1)
    y = layer(jnp.zeros((8, 100), bool))   # (8, 50)
    ```
    """

    __init__ = JitFPHomoLinear.__init__  # named, so type checkers use it


class EventJitFPUniformLinear(JitFPUniformLinear):
    """`JitFPUniformLinear` for spikes (BrainPy's `bp.dnn.EventJitFPUniformLinear`):
    boolean spikes, or 0/1 floats (surrogate spikes in training, whose gradient flows),
    times the same matrix.

    ```python
    layer = eqbrain.dnn.EventJitFPUniformLinear(100, 50, 0.1, w_low=-0.1, w_high=0.1, seed=1)
    y = layer(jnp.zeros((8, 100), bool))   # (8, 50)
    ```
    """

    __init__ = JitFPUniformLinear.__init__  # named, so type checkers use it


class EventJitFPNormalLinear(JitFPNormalLinear):
    """`JitFPNormalLinear` for spikes (BrainPy's `bp.dnn.EventJitFPNormalLinear`):
    boolean spikes, or 0/1 floats (surrogate spikes in training, whose gradient flows),
    times the same matrix.

    ```python
    layer = eqbrain.dnn.EventJitFPNormalLinear(100, 50, 0.1, w_mu=0.0, w_sigma=0.1, seed=1)
    y = layer(jnp.zeros((8, 100), bool))   # (8, 50)
    ```
    """

    __init__ = JitFPNormalLinear.__init__  # named, so type checkers use it
