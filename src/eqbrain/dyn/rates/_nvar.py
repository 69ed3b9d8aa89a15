"""`NVAR`: nonlinear vector autoregression, as BrainPy's `bp.dyn.NVAR`."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations_with_replacement
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ..._core import Variable
from .._dynsys import DynamicalSystem
from .._mode import BatchingMode, Mode
from .._population import float_dtype
from ._base import check_count, check_input, unit_mode

_ORDER_MSG = """\
NVAR: order must be None, an int >= 2 or a sequence of them (the degrees of the \
monomials), got {order!r}."""

_COUNT_MSG = """\
NVAR: {what} must be an int >= 1 ({meaning}), got {value!r}."""


def _orders(order: Any) -> tuple[int, ...]:
    orders = () if order is None else order
    if not isinstance(orders, Sequence):
        orders = (orders,)
    for o in orders:
        if isinstance(o, bool) or not isinstance(o, int | np.integer) or o < 2:
            raise ValueError(_ORDER_MSG.format(order=order))
    return tuple(int(o) for o in orders)


def _at_least_one(value: Any, what: str, meaning: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(_COUNT_MSG.format(what=what, meaning=meaning, value=value))
    return int(value)


class NVAR(DynamicalSystem):
    r"""Nonlinear vector autoregression (BrainPy's `bp.dyn.NVAR`): the feature vector
    of next-generation reservoir computing (Gauthier et al., 2021).

    Each step stores the input $x_t$ and returns
    $[1,\ \ell_t,\ \text{monomials of } \ell_t]$, where the linear part
    $\ell_t = [x_t, x_{t-s}, \dots, x_{t-(k-1)s}]$ holds the last `delay` ($k$)
    inputs `stride` ($s$) steps apart (zeros before the first ones), the monomials
    are every product of `n` entries of $\ell_t$ (with repetition, in
    `itertools.combinations_with_replacement` order) for each `n` in `order`, and the
    constant 1 comes first with `constant=True`. `num_out` is the width.

    **Arguments:**

    - `num_in`: the number of input features.
    - `delay`: the number of inputs in the linear part (`>= 1`).
    - `order`: `None` (linear part only), an int `>= 2` or a sequence of them.
    - `stride`: the steps between two inputs of the linear part (`>= 1`).
    - `constant`: put a constant 1 first.
    - `mode`: a batching mode takes inputs `(batch, num_in)` (default: the current
      mode, `eqbrain.get_mode()`); `batch_size`: the batch without a mode.

    Variables: `store` (the last `1 + (delay - 1) * stride` inputs,
    `(num_delay, [batch,] num_in)`, batch axis 1) and `idx` (where the next input goes).

    ```python
    nvar = eqbrain.dyn.NVAR(2, delay=2, order=2, constant=True)
    features = nvar(jnp.ones(2))        # (1 + 4 + 10,)
    ```
    """

    store: Variable
    idx: Variable
    comb_ids: tuple[jax.Array, ...]
    num_in: int = eqx.field(static=True)
    delay: int = eqx.field(static=True)
    order: tuple[int, ...] = eqx.field(static=True)
    stride: int = eqx.field(static=True)
    constant: bool = eqx.field(static=True)
    num_delay: int = eqx.field(static=True)
    linear_dim: int = eqx.field(static=True)
    nonlinear_dim: int = eqx.field(static=True)
    num_out: int = eqx.field(static=True)
    mode: Mode = eqx.field(static=True)

    def __init__(
        self,
        num_in: int,
        delay: int,
        order: int | Sequence[int] | None = None,
        stride: int = 1,
        constant: bool = False,
        mode: Mode | None = None,
        name: str | None = None,
        *,
        batch_size: int | None = None,
    ):
        super().__init__(name=name)
        self.num_in = check_count(num_in, "num_in", "NVAR")
        self.delay = _at_least_one(delay, "delay", "the number of inputs in the linear part")
        self.order = _orders(order)
        self.stride = _at_least_one(stride, "stride", "the steps between two of those inputs")
        if not isinstance(constant, bool | np.bool_):
            raise TypeError(f"NVAR: constant must be True or False, got {constant!r}.")
        self.constant = bool(constant)
        self.mode, batch_size = unit_mode("NVAR", mode, batch_size)
        self.num_delay = 1 + (self.delay - 1) * self.stride
        self.linear_dim = self.delay * self.num_in
        self.comb_ids = tuple(
            jnp.asarray(list(combinations_with_replacement(range(self.linear_dim), n)))
            for n in self.order
        )
        self.nonlinear_dim = sum(len(ids) for ids in self.comb_ids)
        self.num_out = self.linear_dim + self.nonlinear_dim + int(self.constant)
        shape = (self.num_delay, self.num_in)
        if batch_size is not None:
            shape = (self.num_delay, batch_size, self.num_in)
        store = jnp.asarray(np.zeros(shape, float_dtype()))
        self.store = Variable(store, batch_axis=None if batch_size is None else 1)
        self.idx = Variable(jnp.asarray(np.zeros((1,), np.int32)))

    @property
    def batched(self) -> bool:
        """Whether inputs carry a batch axis (a batching or training mode)."""
        return isinstance(self.mode, BatchingMode)

    def reset_state(self, batch_size: int | None = None, **kwargs: Any) -> None:
        """Empty the store; see `DynamicalSystem` (BrainPy's `batch_or_mode=` is
        `batch_size`)."""
        if batch_size is None:
            batch_size = kwargs.pop("batch_or_mode", None)
        if kwargs:
            raise TypeError(f"NVAR.reset_state takes batch_size=, got {sorted(kwargs)}.")
        super().reset_state(batch_size)

    def update(self, x: Any) -> Any:
        """Store `x` (`(num_in,)`, or `(batch, num_in)` batched) and return the features."""
        x = check_input(x, self.num_in, "num_in", self.name, self.batched)
        if x.ndim != (2 if self.batched else 1):
            raise ValueError(
                f"{self.name} takes one input of shape "
                f"{'(batch, num_in)' if self.batched else '(num_in,)'} a step, got shape "
                f"{x.shape}. Build it with mode=eqbrain.BatchingMode(n) for a batch of n."
            )
        if self.batched and x.shape[0] != self.store.shape[1]:
            raise ValueError(
                f"{self.name} holds a batch of {self.store.shape[1]}, got an input of shape "
                f"{x.shape}. Call reset_state({x.shape[0]}) first, or build it with "
                f"mode=eqbrain.BatchingMode({x.shape[0]})."
            )
        i = self.idx.value[0]
        store = self.store.value.at[i].set(x.astype(self.store.dtype))
        select = (i - jnp.arange(0, self.num_delay, self.stride)) % self.num_delay
        linear = jnp.moveaxis(store[select], 0, -2)  # (..., delay, num_in)
        linear = linear.reshape(*linear.shape[:-2], self.linear_dim)
        parts = [jnp.ones((*linear.shape[:-1], 1), linear.dtype)] if self.constant else []
        parts.append(linear)
        parts.extend(jnp.prod(linear[..., ids], axis=-1) for ids in self.comb_ids)
        self.store.value = store
        self.idx.value = (self.idx.value + 1) % self.num_delay
        return jnp.concatenate(parts, axis=-1)

    def get_feature_names(self, for_plot: bool = False) -> list[str]:
        """The name of each output feature (`'1'`, `'x0(t)'`, `'x1(t-2)'`, `'x0(t)^2'`,
        ...); `for_plot` gives LaTeX for plot labels (`'$x0_{t-2}$'`)."""

        def var(i: int, lag: int) -> str:
            if for_plot:
                return f"x{i}_t" if lag == 0 else f"x{i}_{{t-{lag}}}"
            return f"x{i}(t)" if lag == 0 else f"x{i}(t-{lag})"

        linear = [var(i, d * self.stride) for d in range(self.delay) for i in range(self.num_in)]
        nonlinear = []
        for ids in self.comb_ids:
            for row in np.asarray(ids):
                uniques, counts = np.unique(row, return_counts=True)
                nonlinear.append(
                    " ".join(
                        linear[u] if k == 1 else f"{linear[u]}^{k}"
                        for u, k in zip(uniques, counts)
                    )
                )
        names = linear + nonlinear
        if for_plot:
            names = [f"${n}$" for n in names]
        return ["1", *names] if self.constant else names
