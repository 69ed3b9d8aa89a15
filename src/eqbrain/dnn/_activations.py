"""Activation layers under BrainPy's (PyTorch's) names: `ReLU`, `Sigmoid`, `Tanh`, ...;
each applies one function of `_functional.py`. `inplace=True` writes the result into an
input `Variable` (BrainPy's meaning; arrays cannot change in place)."""

from __future__ import annotations

import abc
from typing import Any

import equinox as eqx
import jax.numpy as jnp

from .._core import TrainVar, Variable
from ..dyn import Mode
from . import _functional as F
from ._base import Layer, positive_int


class _Activation(Layer):
    """An activation: `update(x)` is `self._fn(x)`, written into `x` with `inplace`."""

    inplace: bool = eqx.field(static=True)

    def __init__(
        self, inplace: bool = False, *, mode: Mode | None = None, name: str | None = None
    ):
        super().__init__(mode=mode, name=name)
        self.inplace = bool(inplace)

    @abc.abstractmethod
    def _fn(self, x: Any) -> Any:
        """The activation applied to `x` (what each layer defines)."""

    def update(self, x: Any) -> Any:
        y = self._fn(x.value if isinstance(x, Variable) else x)
        if self.inplace and isinstance(x, Variable):
            x.value = y
            return x
        return y


class Threshold(_Activation):
    """`x` where `x > threshold`, else `value` (BrainPy's `bp.dnn.Threshold`).

    ```python
    eqbrain.dnn.Threshold(0.1, 20.0)(x)
    ```
    """

    threshold: float = eqx.field(static=True)
    value: float = eqx.field(static=True)

    def __init__(self, threshold: float, value: float, inplace: bool = False, **kw: Any):
        super().__init__(inplace, **kw)
        self.threshold, self.value = float(threshold), float(value)

    def _fn(self, x: Any) -> Any:
        return jnp.where(x > self.threshold, x, self.value)


class ReLU(_Activation):
    """`eqbrain.relu` as a layer (BrainPy's `bp.dnn.ReLU`).

    ```python
    net = eqbrain.dnn.Dense(3, 4) >> eqbrain.dnn.ReLU()
    ```
    """

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.relu(x)


class RReLU(_Activation):
    """`eqbrain.rrelu` as a layer: a random slope in [`lower`, `upper`] below 0, drawn
    from `eqbrain.random`'s default generator (BrainPy's `bp.dnn.RReLU`)."""

    lower: float = eqx.field(static=True)
    upper: float = eqx.field(static=True)

    def __init__(
        self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False, **kw: Any
    ):
        super().__init__(inplace, **kw)
        if not lower <= upper:
            raise ValueError(f"RReLU: lower ({lower!r}) must be <= upper ({upper!r}).")
        self.lower, self.upper = float(lower), float(upper)

    def _fn(self, x: Any) -> Any:
        return F.rrelu(x, self.lower, self.upper)


class Hardtanh(_Activation):
    """`x` clipped to [`min_val`, `max_val`] (BrainPy's `bp.dnn.Hardtanh`)."""

    min_val: float = eqx.field(static=True)
    max_val: float = eqx.field(static=True)

    def __init__(
        self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False, **kw: Any
    ):
        super().__init__(inplace, **kw)
        if not max_val > min_val:
            name = type(self).__name__
            raise ValueError(f"{name}: max_val ({max_val!r}) must be > min_val ({min_val!r}).")
        self.min_val, self.max_val = float(min_val), float(max_val)

    def _fn(self, x: Any) -> Any:
        return F.hard_tanh(x, self.min_val, self.max_val)


class ReLU6(Hardtanh):
    """`min(max(x, 0), 6)` (BrainPy's `bp.dnn.ReLU6`)."""

    def __init__(self, inplace: bool = False, **kw: Any):
        super().__init__(0.0, 6.0, inplace, **kw)


class Sigmoid(_Activation):
    """`eqbrain.sigmoid` as a layer (BrainPy's `bp.dnn.Sigmoid`)."""

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.sigmoid(x)


class Hardsigmoid(_Activation):
    """`eqbrain.hard_sigmoid` as a layer (BrainPy's `bp.dnn.Hardsigmoid`)."""

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.hard_sigmoid(x)


class Tanh(_Activation):
    """`tanh` as a layer (BrainPy's `bp.dnn.Tanh`)."""

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.tanh(x)


class SiLU(_Activation):
    """`eqbrain.silu` as a layer (BrainPy's `bp.dnn.SiLU`)."""

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.silu(x)


class Mish(_Activation):
    """`eqbrain.mish` as a layer (BrainPy's `bp.dnn.Mish`)."""

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.mish(x)


class Hardswish(_Activation):
    """`eqbrain.hard_swish` as a layer (BrainPy's `bp.dnn.Hardswish`)."""

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.hard_swish(x)


class ELU(_Activation):
    """`eqbrain.elu` with `alpha` (BrainPy's `bp.dnn.ELU`)."""

    alpha: float = eqx.field(static=True)

    def __init__(self, alpha: float = 1.0, inplace: bool = False, **kw: Any):
        super().__init__(inplace, **kw)
        self.alpha = float(alpha)

    def _fn(self, x: Any) -> Any:
        return F.elu(x, self.alpha)


class CELU(ELU):
    """`eqbrain.celu` with `alpha` (BrainPy's `bp.dnn.CELU`)."""

    __init__ = ELU.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.celu(x, self.alpha)


class SELU(_Activation):
    """`eqbrain.selu` as a layer (BrainPy's `bp.dnn.SELU`)."""

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.selu(x)


class GLU(_Activation):
    """`eqbrain.glu` along `dim` (BrainPy's `bp.dnn.GLU`)."""

    dim: int = eqx.field(static=True)

    def __init__(self, dim: int = -1, **kw: Any):
        super().__init__(**kw)
        self.dim = int(dim)

    def _fn(self, x: Any) -> Any:
        return F.glu(x, self.dim)


class GELU(_Activation):
    """`eqbrain.gelu`, exact unless `approximate` (BrainPy's `bp.dnn.GELU`; note the
    function's default is the tanh approximation)."""

    approximate: bool = eqx.field(static=True)

    def __init__(self, approximate: bool = False, **kw: Any):
        super().__init__(**kw)
        self.approximate = bool(approximate)

    def _fn(self, x: Any) -> Any:
        return F.gelu(x, self.approximate)


class Hardshrink(_Activation):
    """`eqbrain.hard_shrink` with `lambd` (BrainPy's `bp.dnn.Hardshrink`)."""

    lambd: float = eqx.field(static=True)

    def __init__(self, lambd: float = 0.5, **kw: Any):
        super().__init__(**kw)
        self.lambd = float(lambd)

    def _fn(self, x: Any) -> Any:
        return F.hard_shrink(x, self.lambd)


class Softshrink(Hardshrink):
    """`eqbrain.soft_shrink` with `lambd` (BrainPy's `bp.dnn.Softshrink`)."""

    __init__ = Hardshrink.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.soft_shrink(x, self.lambd)


class LeakyReLU(_Activation):
    """`eqbrain.leaky_relu` with `negative_slope` (BrainPy's `bp.dnn.LeakyReLU`)."""

    negative_slope: float = eqx.field(static=True)

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False, **kw: Any):
        super().__init__(inplace, **kw)
        self.negative_slope = float(negative_slope)

    def _fn(self, x: Any) -> Any:
        return F.leaky_relu(x, self.negative_slope)


class LogSigmoid(_Activation):
    """`eqbrain.log_sigmoid` as a layer (BrainPy's `bp.dnn.LogSigmoid`)."""

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.log_sigmoid(x)


class Softplus(_Activation):
    """`eqbrain.softplus` with `beta` and `threshold` (BrainPy's `bp.dnn.Softplus`)."""

    beta: float = eqx.field(static=True)
    threshold: float = eqx.field(static=True)

    def __init__(self, beta: float = 1.0, threshold: float = 20.0, **kw: Any):
        super().__init__(**kw)
        self.beta, self.threshold = float(beta), float(threshold)

    def _fn(self, x: Any) -> Any:
        return F.softplus(x, self.beta, self.threshold)


class PReLU(_Activation):
    """`eqbrain.prelu` with a learned slope `weight` (a `TrainVar` of shape
    `(num_parameters,)`, broadcast against the last axis; BrainPy's `bp.dnn.PReLU`).

    ```python
    act = eqbrain.dnn.PReLU(4)           # one slope per channel (last axis)
    ```
    """

    weight: TrainVar

    def __init__(self, num_parameters: int = 1, init: float = 0.25, dtype: Any = None, **kw: Any):
        super().__init__(**kw)
        n = positive_int(num_parameters, "num_parameters", type(self).__name__)
        dtype = jnp.result_type(float) if dtype is None else dtype
        self.weight = TrainVar(jnp.full((n,), init, dtype))

    def _fn(self, x: Any) -> Any:
        return F.prelu(x, self.weight.value)


class Softsign(_Activation):
    """`eqbrain.soft_sign` as a layer (BrainPy's `bp.dnn.Softsign`)."""

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.soft_sign(x)


class Tanhshrink(_Activation):
    """`eqbrain.tanh_shrink` as a layer (BrainPy's `bp.dnn.Tanhshrink`)."""

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.tanh_shrink(x)


class Softmax(_Activation):
    """`eqbrain.softmax` along `dim` (BrainPy's `bp.dnn.Softmax`; `dim=None` normalizes
    over every axis, as `jax.nn.softmax(axis=None)`)."""

    dim: int | None = eqx.field(static=True)

    def __init__(self, dim: int | None = None, **kw: Any):
        super().__init__(**kw)
        self.dim = None if dim is None else int(dim)

    def _fn(self, x: Any) -> Any:
        return F.softmax(x, self.dim)


class Softmin(Softmax):
    """`eqbrain.softmin` along `dim` (BrainPy's `bp.dnn.Softmin`)."""

    __init__ = Softmax.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.softmin(x, self.dim)


class LogSoftmax(Softmax):
    """`eqbrain.log_softmax` along `dim` (BrainPy's `bp.dnn.LogSoftmax`)."""

    __init__ = Softmax.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        return F.log_softmax(x, self.dim)


class Softmax2d(_Activation):
    """The softmax over axis -3 of a 3-D or 4-D input (BrainPy's `bp.dnn.Softmax2d`)."""

    __init__ = _Activation.__init__  # named, so type checkers use it

    def _fn(self, x: Any) -> Any:
        x = jnp.asarray(x)
        if x.ndim not in (3, 4):
            raise ValueError(f"{self.name} expects a 3-D or 4-D input, got shape {x.shape}.")
        return F.softmax(x, -3)
