"""Linear layers: `Dense` (`Linear`), `Identity`, and the connection layers of spiking
networks: `AllToAll`, `OneToOne`, `MaskedLinear`, `CSRLinear`, `EventCSRLinear`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax.numpy as jnp
import numpy as np

from .._core import Parameter, TrainVar
from ..dyn import Mode, SparseConn
from ..init import XavierNormal, ZeroInit
from ._base import (
    Layer,
    check_last_axis,
    positive_int,
    record_fit,
    scalar_or_param,
    train_param,
    value,
)
from ._plasticity import (
    Event,
    Plastic,
    dense_update,
    one_to_one_update,
    scalar_weight_error,
    sparse_update,
)


class Dense(Layer, Plastic):
    r"""A fully connected layer, $y = x W + b$ (BrainPy's `bp.dnn.Dense`, alias `Linear`).

    **Arguments:**

    - `num_in`, `num_out`: the input and output sizes.
    - `W_initializer`: the weight `W` of shape `(num_in, num_out)`: an initializer, an
      array or a number (default `XavierNormal()`).
    - `b_initializer`: the bias `b` of shape `(num_out,)`, or `None` for no bias (default
      zeros).
    - `mode`, `name`: as for every `Layer`.

    Input: `(..., num_in)`; output: `(..., num_out)`. `W` and `b` are `TrainVar`s.

    ```python
    layer = eqbrain.dnn.Dense(3, 4)
    y = layer(jnp.ones((8, 3)))      # (8, 4)
    ```
    """

    W: TrainVar
    b: TrainVar | None
    num_in: int = eqx.field(static=True)
    num_out: int = eqx.field(static=True)

    def __init__(
        self,
        num_in: int,
        num_out: int,
        W_initializer: Any = XavierNormal(),  # noqa: B008 - BrainPy's default, stateless
        b_initializer: Any = ZeroInit(),  # noqa: B008
        mode: Mode | None = None,
        name: str | None = None,
    ):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        self.num_in = positive_int(num_in, "num_in", owner)
        self.num_out = positive_int(num_out, "num_out", owner)
        W = train_param(W_initializer, (self.num_in, self.num_out), "W_initializer", owner)
        if W is None:
            raise ValueError(f"{owner}: W_initializer must not be None.")
        self.W = W
        self.b = train_param(b_initializer, (self.num_out,), "b_initializer", owner)

    def update(self, x: Any) -> Any:
        """`x @ W + b` for `x` of shape `(..., num_in)`."""
        x = check_last_axis(x, self.num_in, "num_in", self.name)
        y = x @ self.W.value
        y = y if self.b is None else y + self.b.value
        record_fit(self, x, y)  # for an offline or online trainer fitting this layer
        return y

    def stdp_shape(self) -> tuple[int, int]:
        """`(num_pre, num_post)` of the weight that `stdp_update` changes."""
        return self.num_in, self.num_out

    def _stdp_learn(self, on_pre: Event, on_post: Event, w_min: Any, w_max: Any) -> None:
        self.W.value = dense_update(self.W.value, on_pre, on_post, w_min, w_max, self.name)


Linear = Dense


class Identity(Layer):
    """The identity layer: returns its input (BrainPy's `bp.dnn.Identity`).

    ```python
    eqbrain.dnn.Identity()(x) is x
    ```
    """

    def __init__(self, *args: Any, mode: Mode | None = None, name: str | None = None, **kw: Any):
        super().__init__(mode=mode, name=name)

    def update(self, x: Any) -> Any:
        return x


class AllToAll(Layer, Plastic):
    """Every input onto every output with one weight or a weight matrix (BrainPy's
    `bp.dnn.AllToAll`).

    **Arguments:**

    - `num_pre`, `num_post`: the input and output sizes.
    - `weight`: one number (every connection), or an array or initializer of shape
      `(num_pre, num_post)`; a `TrainVar` either way.
    - `include_self`: whether input `i` reaches output `i`.
    - `mode`, `name`: as for every `Layer`.

    ```python
    layer = eqbrain.dnn.AllToAll(4, 4, weight=0.5, include_self=False)
    ```
    """

    weight: TrainVar
    num_pre: int = eqx.field(static=True)
    num_post: int = eqx.field(static=True)
    include_self: bool = eqx.field(static=True)

    def __init__(
        self,
        num_pre: int,
        num_post: int,
        weight: Any,
        include_self: bool = True,
        mode: Mode | None = None,
        name: str | None = None,
    ):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        self.num_pre = positive_int(num_pre, "num_pre", owner)
        self.num_post = positive_int(num_post, "num_post", owner)
        self.include_self = bool(include_self)
        self.weight = scalar_or_param(weight, (self.num_pre, self.num_post), "weight", owner)

    def update(self, pre_val: Any) -> Any:
        """The summed weighted input of each of the `num_post` outputs."""
        x = check_last_axis(pre_val, self.num_pre, "num_pre", self.name)
        w = self.weight.value
        if w.ndim == 0:
            total = jnp.sum(x, axis=-1, keepdims=True)
            post = jnp.broadcast_to(total, (*x.shape[:-1], self.num_post))
            if not self.include_self:
                n = min(self.num_pre, self.num_post)
                own = jnp.zeros((*x.shape[:-1], self.num_post), post.dtype)
                post = post - own.at[..., :n].set(x[..., :n])
            return w * post
        if not self.include_self:
            w = w * (1 - jnp.eye(self.num_pre, self.num_post, dtype=w.dtype))
        return x @ w

    def stdp_shape(self) -> tuple[int, int]:
        """`(num_pre, num_post)` of the weight that `stdp_update` changes (a `ValueError`
        for one weight: nothing per synapse to learn)."""
        if self.weight.value.ndim == 0:
            raise scalar_weight_error(type(self).__name__, self.name)
        return self.num_pre, self.num_post

    def _stdp_learn(self, on_pre: Event, on_post: Event, w_min: Any, w_max: Any) -> None:
        w = dense_update(self.weight.value, on_pre, on_post, w_min, w_max, self.name)
        self.weight.value = w


class OneToOne(Layer, Plastic):
    """Input `i` onto output `i`, times a weight (BrainPy's `bp.dnn.OneToOne`).

    **Arguments:**

    - `num`: the size.
    - `weight`: one number, or an array or initializer of shape `(num,)` (a `TrainVar`).
    - `mode`, `name`: as for every `Layer`.

    ```python
    layer = eqbrain.dnn.OneToOne(4, weight=2.0)
    ```
    """

    weight: TrainVar
    num: int = eqx.field(static=True)

    def __init__(self, num: int, weight: Any, mode: Mode | None = None, name: str | None = None):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        self.num = positive_int(num, "num", owner)
        self.weight = scalar_or_param(weight, (self.num,), "weight", owner)

    def update(self, pre_val: Any) -> Any:
        return check_last_axis(pre_val, self.num, "num", self.name) * self.weight.value

    def stdp_shape(self) -> tuple[int, int]:
        """`(num, num)`: the pairs `i -> i` whose weights `stdp_update` changes."""
        if self.weight.value.ndim == 0:
            raise scalar_weight_error(type(self).__name__, self.name)
        return self.num, self.num

    def _stdp_learn(self, on_pre: Event, on_post: Event, w_min: Any, w_max: Any) -> None:
        w = one_to_one_update(self.weight.value, on_pre, on_post, w_min, w_max, self.name)
        self.weight.value = w


def _pairs(conn: Any, owner: str) -> tuple[np.ndarray, np.ndarray, int, int]:
    """`(pre, post, n_pre, n_post)`: the synapses of an eqbrain connectivity
    (`eqbrain.dyn.FixedProb`, `SparseConn`, `All2All`, ...) or of a boolean matrix, in
    row order (CSR order)."""
    if isinstance(conn, np.ndarray | jnp.ndarray):
        mask = np.asarray(conn)
        if mask.ndim != 2:
            raise ValueError(f"{owner}: conn as a matrix must be 2-D, got shape {mask.shape}.")
        pre, post = np.nonzero(mask)
        return pre.astype(np.int32), post.astype(np.int32), mask.shape[0], mask.shape[1]
    indices = getattr(conn, "indices", None)
    n_pre, n_post = getattr(conn, "n_pre", None), getattr(conn, "n_post", None)
    if indices is None or not isinstance(n_pre, int) or not isinstance(n_post, int):
        raise TypeError(
            f"{owner}: conn must be an eqbrain connectivity (eqbrain.dyn.FixedProb, "
            "SparseConn, All2All, One2One, FixedPreNum, FixedPostNum, IJConn, CSRConn) or a "
            f"boolean (num_pre, num_post) matrix, got {type(conn).__name__}."
        )
    ell = np.asarray(value(indices))[:n_pre]
    pre, col = np.nonzero(ell < n_post)
    return pre.astype(np.int32), ell[pre, col].astype(np.int32), n_pre, n_post


class MaskedLinear(Layer, Plastic):
    """A dense layer whose weight matrix is masked by a connectivity: `x @ mask_fun(W *
    mask)` (BrainPy's `bp.dnn.MaskedLinear`).

    **Arguments:**

    - `conn`: the connectivity: an eqbrain connectivity (`eqbrain.dyn.FixedProb(n_pre,
      n_post, prob)`, `All2All`, ...) or a boolean `(num_pre, num_post)` matrix.
    - `weight`: one number, or an array or initializer of shape `(num_pre, num_post)`.
    - `mask_fun`: a function of the masked weights (default: none).
    - `mode`, `name`: as for every `Layer`.

    The mask is a `Parameter` (saved, not trained); `weight` is a `TrainVar`.

    ```python
    layer = eqbrain.dnn.MaskedLinear(eqbrain.dyn.FixedProb(100, 50, prob=0.1), weight=0.1)
    ```
    """

    weight: TrainVar
    mask: Parameter
    mask_fun: Callable | None = eqx.field(static=True)
    num_pre: int = eqx.field(static=True)
    num_post: int = eqx.field(static=True)

    def __init__(
        self,
        conn: Any,
        weight: Any,
        mask_fun: Callable | None = None,
        mode: Mode | None = None,
        name: str | None = None,
    ):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        pre, post, self.num_pre, self.num_post = _pairs(conn, owner)
        mask = np.zeros((self.num_pre, self.num_post), bool)
        mask[pre, post] = True
        self.mask = Parameter(jnp.asarray(mask))
        self.weight = scalar_or_param(weight, mask.shape, "weight", owner)
        self.mask_fun = mask_fun

    def update(self, x: Any) -> Any:
        x = check_last_axis(x, self.num_pre, "num_pre", self.name)
        w = self.weight.value * self.mask.value
        if w.ndim == 0:
            w = jnp.broadcast_to(w, self.mask.value.shape)
        return x @ (w if self.mask_fun is None else self.mask_fun(w))

    def stdp_shape(self) -> tuple[int, int]:
        """`(num_pre, num_post)` of the weight that `stdp_update` changes."""
        if self.weight.value.ndim == 0:
            raise scalar_weight_error(type(self).__name__, self.name)
        return self.num_pre, self.num_post

    def _stdp_learn(self, on_pre: Event, on_post: Event, w_min: Any, w_max: Any) -> None:
        w = dense_update(self.weight.value, on_pre, on_post, w_min, w_max, self.name)
        self.weight.value = w


class CSRLinear(Layer, Plastic):
    """A sparse linear layer over a connectivity (BrainPy's `bp.dnn.CSRLinear`):
    output `j` sums `x[i] * w` over the synapses `i -> j`.

    **Arguments:**

    - `conn`: the connectivity: an eqbrain connectivity (`eqbrain.dyn.FixedProb`,
      `SparseConn`, `CSRConn`, ...) or a boolean `(num_pre, num_post)` matrix.
    - `weight`: one number (a 0-d `TrainVar`), or one weight per synapse: an array or
      initializer of shape `(n_synapses,)` in row (CSR) order.
    - `mode`, `name`: as for every `Layer`.
    - `method`: accepted for BrainPy's signature; eqbrain picks the kernel.
    - `transpose`: `True` (BrainPy's default) maps `(..., num_pre)` to `(..., num_post)`;
      `False` maps `(..., num_post)` to `(..., num_pre)`.

    The synapses live in `conn`, an `eqbrain.dyn.SparseConn` the layer builds (padded
    target rows). One weight is the 0-d `TrainVar` `weight`; per-synapse weights are
    `conn.weights`, a `TrainVar` in the padded layout (`weight` is then `None`).
    Boolean input is propagated event-driven, graded input over every synapse.

    ```python
    layer = eqbrain.dnn.CSRLinear(eqbrain.dyn.FixedProb(100, 50, prob=0.1), weight=0.1)
    ```
    """

    conn: SparseConn
    weight: TrainVar | None
    num_pre: int = eqx.field(static=True)
    num_post: int = eqx.field(static=True)
    transpose: bool = eqx.field(static=True)

    def __init__(
        self,
        conn: Any,
        weight: Any,
        mode: Mode | None = None,
        name: str | None = None,
        method: str | None = None,
        transpose: bool = True,
    ):
        super().__init__(mode=mode, name=name)
        owner = type(self).__name__
        pre, post, self.num_pre, self.num_post = _pairs(conn, owner)
        self.transpose = bool(transpose)
        src, dst, n_src, n_dst = pre, post, self.num_pre, self.num_post
        order = np.arange(pre.size)
        if not self.transpose:
            order = np.lexsort((pre, post))
            src, dst, n_src, n_dst = post[order], pre[order], self.num_post, self.num_pre
        if np.ndim(weight) == 0 and not callable(weight):
            self.conn = SparseConn(src, dst, n_src, n_dst, 1.0)
            self.weight = TrainVar(jnp.asarray(weight, jnp.result_type(float)))
        else:
            w = train_param(weight, (pre.size,), "weight", owner)
            assert w is not None
            w_src = np.asarray(w.value)[order]
            self.conn = SparseConn(src, dst, n_src, n_dst, w_src, weight_var=TrainVar)
            self.weight = None

    def update(self, x: Any) -> Any:
        n_in = self.num_pre if self.transpose else self.num_post
        x = check_last_axis(x, n_in, "num_pre" if self.transpose else "num_post", self.name)
        y = self.conn.update(x)
        return y if self.weight is None else y * self.weight.value

    def stdp_shape(self) -> tuple[int, int]:
        """`(num_pre, num_post)` of the synapses whose weights `stdp_update` changes."""
        if self.conn.weights is None:
            raise scalar_weight_error(type(self).__name__, self.name)
        if not self.transpose:
            raise ValueError(
                f"{self.name} ({type(self).__name__}) maps outputs to inputs "
                "(transpose=False); plasticity learns from presynaptic to postsynaptic "
                "spikes: build it with transpose=True."
            )
        return self.num_pre, self.num_post

    def _stdp_learn(self, on_pre: Event, on_post: Event, w_min: Any, w_max: Any) -> None:
        conn = self.conn
        assert conn.weights is not None
        conn.weights.value = sparse_update(
            conn.weights.value,
            conn.indices.value,
            self.num_pre,
            self.num_post,
            on_pre,
            on_post,
            w_min,
            w_max,
            self.name,
        )


class EventCSRLinear(CSRLinear):
    """`CSRLinear` for spikes (BrainPy's `bp.dnn.EventCSRLinear`): boolean spikes are
    propagated event-driven (work in the number of spikes times the fan-out); float
    spikes (surrogate spikes in training) are weighted, which for 0/1 values is the same
    sum, and carries their gradient.

    ```python
    layer = eqbrain.dnn.EventCSRLinear(eqbrain.dyn.FixedProb(100, 50, prob=0.1), weight=0.1)
    ```
    """

    __init__ = CSRLinear.__init__  # named, so type checkers use it
