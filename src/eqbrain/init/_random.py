"""Random initializers: `Normal`, `TruncatedNormal`, `Uniform`, `Gamma`, `Exponential`,
`VarianceScaling` (and Kaiming, Xavier and LeCun), `Orthogonal` and `DeltaOrthogonal`.

Where BrainPy's formula is `jax.nn.initializers`' formula, the draw is made by
`jax.nn.initializers`; the parameters and defaults are BrainPy's.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.nn.initializers as jinit
import jax.numpy as jnp

from ..random import SeedOrKey
from ._initializer import RandomInitializer, Shape, as_shape, float_dtype

_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "normal", "uniform")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (as PyTorch's and BrainPy's).

    `linear`/`conv*`/`sigmoid`: 1; `tanh`: 5/3; `relu`: sqrt(2); `leaky_relu`:
    sqrt(2 / (1 + slope^2)) with `param` the slope (default 0.01); `selu`: 3/4.
    """
    if nonlinearity in ("linear", "sigmoid") or nonlinearity.startswith("conv"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            param = 0.01
        if isinstance(param, bool) or not isinstance(param, int | float):
            raise ValueError(f"negative_slope {param!r} is not a valid number.")
        return math.sqrt(2.0 / (1.0 + param**2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(
        f"Unsupported nonlinearity {nonlinearity!r}: use linear, conv1d/2d/3d, sigmoid, "
        "tanh, relu, leaky_relu or selu."
    )


class Normal(RandomInitializer):
    """Normal samples with mean `mean` and standard deviation `scale`
    (`jax.nn.initializers.normal`, shifted by `mean`).

    **Arguments:**

    - `mean`: the mean (default 0.0).
    - `scale`: the standard deviation (default 1.0).
    - `seed`: a seed for this initializer's own generator (default: the global one).

    ```python
    w = eqbrain.init.Normal(scale=0.1, seed=0)((100, 50))
    ```
    """

    def __init__(self, mean: Any = 0.0, scale: Any = 1.0, seed: SeedOrKey | None = None):
        super().__init__(seed)
        self.mean = mean
        self.scale = scale

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        dtype = float_dtype(dtype)
        x = jinit.normal(self.scale, dtype)(self.next_key(), as_shape(shape), dtype)
        return x + jnp.asarray(self.mean, dtype)


class TruncatedNormal(RandomInitializer):
    """Normal(`loc`, `scale`) samples truncated to [`lower`, `upper`]
    (`jax.nn.initializers.truncated_normal`, which draws in standard units).

    The bounds are in the units of the samples (BrainPy's convention): the defaults
    truncate at 2 standard deviations; `None` leaves that side unbounded.

    **Arguments:**

    - `loc`: the mean before truncation (default 0.0).
    - `scale`: the standard deviation before truncation, > 0 (default 1.0).
    - `lower`, `upper`: the bounds (default -2.0 and 2.0).
    - `seed`: a seed for this initializer's own generator (default: the global one).
    """

    def __init__(
        self,
        loc: float = 0.0,
        scale: float = 1.0,
        lower: float | None = -2.0,
        upper: float | None = 2.0,
        seed: SeedOrKey | None = None,
    ):
        if not scale > 0:
            raise ValueError(f"TruncatedNormal needs scale > 0, got {scale!r}.")
        super().__init__(seed)
        self.loc = loc
        self.scale = scale
        self.lower = -math.inf if lower is None else lower
        self.upper = math.inf if upper is None else upper

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        dtype = float_dtype(dtype)
        lo = (self.lower - self.loc) / self.scale
        hi = (self.upper - self.loc) / self.scale
        init = jinit.truncated_normal(self.scale, dtype, lo, hi)
        return init(self.next_key(), as_shape(shape), dtype) + jnp.asarray(self.loc, dtype)


class Uniform(RandomInitializer):
    """Uniform samples on [`min_val`, `max_val`) (`jax.nn.initializers.uniform`, shifted).

    **Arguments:**

    - `min_val`, `max_val`: the bounds (default 0.0 and 1.0).
    - `seed`: a seed for this initializer's own generator (default: the global one).
    """

    def __init__(self, min_val: float = 0.0, max_val: float = 1.0, seed: SeedOrKey | None = None):
        super().__init__(seed)
        self.min_val = min_val
        self.max_val = max_val

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        dtype = float_dtype(dtype)
        init = jinit.uniform(self.max_val - self.min_val, dtype)
        return init(self.next_key(), as_shape(shape), dtype) + jnp.asarray(self.min_val, dtype)


class Gamma(RandomInitializer):
    """Gamma samples with shape parameter `shape` and scale `scale`.

    **Arguments:**

    - `shape`: the shape parameter (a number or an array).
    - `scale`: the scale (default 1.0).
    - `seed`: a seed for this initializer's own generator (default: the global one).
    """

    def __init__(self, shape: Any, scale: Any = None, seed: SeedOrKey | None = None):
        super().__init__(seed)
        self.shape = shape
        self.scale = scale

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        scale = 1.0 if self.scale is None else self.scale
        return self.rng.gamma(self.shape, scale, as_shape(shape), dtype=float_dtype(dtype))


class Exponential(RandomInitializer):
    """Exponential samples with scale (mean) `scale`.

    **Arguments:**

    - `scale`: the scale (default 1.0).
    - `seed`: a seed for this initializer's own generator (default: the global one).
    """

    def __init__(self, scale: Any = None, seed: SeedOrKey | None = None):
        super().__init__(seed)
        self.scale = scale

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        scale = 1.0 if self.scale is None else self.scale
        return self.rng.exponential(scale, as_shape(shape), dtype=float_dtype(dtype))


class VarianceScaling(RandomInitializer):
    """Samples whose variance is `scale / fan` (`jax.nn.initializers.variance_scaling`).

    `fan` is the input size (`'fan_in'`), the output size (`'fan_out'`) or their mean
    (`'fan_avg'`), each times the receptive field (the other axes). A 1-D shape `(n,)`
    has fan_in = fan_out = n and a 0-D one has 1 (BrainPy's rule for bias vectors,
    which JAX refuses). `'truncated_normal'` truncates at 2 standard deviations and
    rescales so the variance is still `scale / fan`.

    **Arguments:**

    - `scale`: the variance numerator.
    - `mode`: `'fan_in'`, `'fan_out'` or `'fan_avg'`.
    - `distribution`: `'truncated_normal'`, `'normal'` or `'uniform'`.
    - `in_axis`, `out_axis`: the input and output axes (default -2 and -1).
    - `seed`: a seed for this initializer's own generator (default: the global one).
    """

    def __init__(
        self,
        scale: float,
        mode: str,
        distribution: str,
        in_axis: int = -2,
        out_axis: int = -1,
        seed: SeedOrKey | None = None,
    ):
        if mode not in _MODES:
            raise ValueError(f"mode must be one of {_MODES}, got {mode!r}.")
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(
                f"distribution must be one of {_DISTRIBUTIONS}, got {distribution!r}."
            )
        super().__init__(seed)
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.in_axis = in_axis
        self.out_axis = out_axis

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        dtype = float_dtype(dtype)
        dims = as_shape(shape)
        mode: Any = self.mode
        distribution: Any = self.distribution
        if len(dims) >= 2:
            init = jinit.variance_scaling(
                self.scale, mode, distribution, self.in_axis, self.out_axis, dtype=dtype
            )
            return init(self.next_key(), dims, dtype)
        # Fewer than 2 axes: fan_in = fan_out = size. JAX's fans of a 1-D shape with
        # in_axis = out_axis = 0 are 1, so the fan moves into the scale.
        fan = float(dims[0]) if dims else 1.0
        init = jinit.variance_scaling(self.scale / fan, mode, distribution, 0, 0, dtype=dtype)
        return init(self.next_key(), dims or (1,), dtype).reshape(dims)


class KaimingUniform(VarianceScaling):
    """He et al. (2015): `VarianceScaling(2.0, 'fan_in', 'uniform')` by default."""

    def __init__(
        self,
        scale: float = 2.0,
        mode: str = "fan_in",
        distribution: str = "uniform",
        in_axis: int = -2,
        out_axis: int = -1,
        seed: SeedOrKey | None = None,
    ):
        super().__init__(scale, mode, distribution, in_axis, out_axis, seed)


class KaimingNormal(VarianceScaling):
    """He et al. (2015): `VarianceScaling(2.0, 'fan_in', 'truncated_normal')` by default."""

    def __init__(
        self,
        scale: float = 2.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        in_axis: int = -2,
        out_axis: int = -1,
        seed: SeedOrKey | None = None,
    ):
        super().__init__(scale, mode, distribution, in_axis, out_axis, seed)


class XavierUniform(VarianceScaling):
    """Glorot and Bengio (2010): `VarianceScaling(1.0, 'fan_avg', 'uniform')` by default."""

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_avg",
        distribution: str = "uniform",
        in_axis: int = -2,
        out_axis: int = -1,
        seed: SeedOrKey | None = None,
    ):
        super().__init__(scale, mode, distribution, in_axis, out_axis, seed)


class XavierNormal(VarianceScaling):
    """Glorot and Bengio (2010): `VarianceScaling(1.0, 'fan_avg', 'truncated_normal')` by
    default."""

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_avg",
        distribution: str = "truncated_normal",
        in_axis: int = -2,
        out_axis: int = -1,
        seed: SeedOrKey | None = None,
    ):
        super().__init__(scale, mode, distribution, in_axis, out_axis, seed)


class LecunUniform(VarianceScaling):
    """LeCun et al. (1998): `VarianceScaling(1.0, 'fan_in', 'uniform')` by default."""

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "uniform",
        in_axis: int = -2,
        out_axis: int = -1,
        seed: SeedOrKey | None = None,
    ):
        super().__init__(scale, mode, distribution, in_axis, out_axis, seed)


class LecunNormal(VarianceScaling):
    """LeCun et al. (1998): `VarianceScaling(1.0, 'fan_in', 'truncated_normal')` by default."""

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        in_axis: int = -2,
        out_axis: int = -1,
        seed: SeedOrKey | None = None,
    ):
        super().__init__(scale, mode, distribution, in_axis, out_axis, seed)


class Orthogonal(RandomInitializer):
    """Uniformly distributed orthogonal matrices times `scale`
    (`jax.nn.initializers.orthogonal`, Saxe et al., 2014).

    The shape is seen as a matrix with `shape[axis]` columns and the product of the
    other axes as rows; the smaller side is orthonormal.

    **Arguments:**

    - `scale`: the gain (default 1.0).
    - `axis`: the column axis (default -1).
    - `seed`: a seed for this initializer's own generator (default: the global one).
    """

    def __init__(self, scale: float = 1.0, axis: int = -1, seed: SeedOrKey | None = None):
        super().__init__(seed)
        self.scale = scale
        self.axis = axis

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        dims = as_shape(shape)
        if len(dims) < 2:
            raise ValueError(f"Orthogonal needs a shape of at least 2 axes, got {dims}.")
        dtype = float_dtype(dtype)
        return jinit.orthogonal(self.scale, self.axis, dtype)(self.next_key(), dims, dtype)


class DeltaOrthogonal(RandomInitializer):
    """Delta-orthogonal convolution kernels (Xiao et al., 2018): zeros, with an
    orthogonal `shape[-2]` x `shape[-1]` matrix (from `Orthogonal(scale, axis)`) at the
    spatial center, index `(k - 1) // 2` along each kernel axis (as BrainPy).

    **Arguments:**

    - `scale`: the gain (default 1.0).
    - `axis`: the column axis of the orthogonal matrix (default -1).
    - `seed`: a seed for this initializer's own generator (default: the global one).
    """

    def __init__(self, scale: float = 1.0, axis: int = -1, seed: SeedOrKey | None = None):
        super().__init__(seed)
        self.scale = scale
        self.axis = axis

    def __call__(self, shape: Shape, dtype: Any = None) -> jax.Array:
        dims = as_shape(shape)
        if len(dims) not in (3, 4, 5):
            raise ValueError(f"DeltaOrthogonal needs a 3-D, 4-D or 5-D shape, got {dims}.")
        if dims[-1] < dims[-2]:
            raise ValueError(
                f"DeltaOrthogonal needs fan_in <= fan_out (shape[-2] <= shape[-1]), got {dims}."
            )
        dtype = float_dtype(dtype)
        ortho = Orthogonal(self.scale, self.axis)
        ortho._rng = self._rng
        matrix = ortho(dims[-2:], dtype)
        center = tuple((k - 1) // 2 for k in dims[:-2])
        return jnp.zeros(dims, dtype).at[center].set(matrix)
