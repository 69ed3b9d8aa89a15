"""`RandomState`: a random generator whose key lives in a Variable, split once per draw."""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
from jax.core import Tracer

from .._core import Module, Variable
from .._errors import TraceLeakError
from . import _samplers
from ._keys import SeedOrKey, as_key, key_data

Size = int | Sequence[int] | None

_LEAK_HINT = """
A RandomState keeps its key in a Variable and writes a new key on every draw, so a draw \
from one made outside the transformed function is a Variable write. Either use \
`eqbrain.jit`/`eqbrain.for_loop`/`eqbrain.grad` (they carry the key through), or draw \
with an explicit key inside `jax.jit`/`jax.vmap`: `rng.normal(size=3, key=k)`."""

_lock = threading.RLock()


@functools.partial(jax.jit, static_argnums=1)
def _split(data: jax.Array, n: int | None) -> tuple[jax.Array, jax.Array]:
    """(the next state's key data, one new key or `n` of them), in one dispatch."""
    keys = jr.split(jr.wrap_key_data(data), 2 if n is None else n + 1)
    return jr.key_data(keys[0]), keys[1] if n is None else keys[1:]


def _float(dtype: Any) -> Any:
    return jax.dtypes.canonicalize_dtype(float if dtype is None else dtype)


def _int(dtype: Any) -> Any:
    return jax.dtypes.canonicalize_dtype(int if dtype is None else dtype)


def _arr(x: Any, dtype: Any = None) -> Any:
    """Lists and tuples as arrays (JAX samplers reject them); arrays pass through."""
    if isinstance(x, list | tuple):
        return jnp.asarray(x, dtype)
    return x if dtype is None else jnp.asarray(x, dtype)


def _shape(size: Size, *params: Any) -> tuple[int, ...]:
    """`size` as a shape tuple; without one, the broadcast shape of the parameters."""
    if size is None:
        return tuple(jnp.broadcast_shapes(*(jnp.shape(p) for p in params if p is not None)))
    if isinstance(size, int | np.integer) and not isinstance(size, bool):
        return (int(size),)
    if isinstance(size, Sequence) and not isinstance(size, str) and all(map(_is_int, size)):
        return tuple(int(s) for s in size)
    raise TypeError(f"size must be None, an int or a sequence of ints, got {size!r}.")


def _is_int(x: Any) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def _valid(x: Any, bad: Any, message: str) -> Any:
    """`x`, once `bad` is known to be all False: `ValueError` now for concrete values,
    an `equinox.error_if` check at run time for traced ones."""
    if isinstance(bad, Tracer):
        return eqx.error_if(x, bad, message)
    if bool(np.any(np.asarray(bad))):
        raise ValueError(message)
    return x


class RandomState(Module):
    """A random number generator with NumPy's methods, BrainPy's `bm.random.RandomState`.

    The generator's state is a JAX key kept (as raw `uint32` key data) in the Variable
    `key`. Every draw splits it: one half becomes the new `key`, the other is used for
    the draw. Because the key is a Variable, draws are reproducible everywhere state
    is kept: `eqbrain.jit` and `eqbrain.for_loop` carry it through the compiled
    function (the same draws as running eagerly), and `eqbrain.save`/`eqbrain.load`
    checkpoint it. As in BrainPy, `reset_state()` of an enclosing `DynamicalSystem`
    leaves it alone (the stream goes on); `seed()` rewinds it.

    Inside `jax.jit` or `jax.vmap` (which do not write Variables back), draw with an
    explicit `key=` instead; that leaves the state alone.

    Every sampling method takes, besides its distribution's parameters:

    - `size`: the output shape (an int or a tuple); `None` broadcasts the parameters.
    - `key`: draw with this seed or key instead of splitting the state (unchanged).
    - `dtype`: the output dtype (default: JAX's default float or int).

    **Arguments:**

    - `seed_or_key`: an int seed, a `jax.random.key`, raw key data
      (`jax.random.PRNGKey`), or `None` for a seed drawn from NumPy's global generator.
    - `name`: the module name (default `RandomState<k>`).

    ```python
    rng = eqbrain.random.RandomState(42)
    x = rng.normal(0.0, 2.0, size=(3, 4))
    spikes = rng.random(100) < 0.1
    rng.seed(42)                      # rewind
    ```
    """

    key: Variable

    def __init__(self, seed_or_key: SeedOrKey | None = None, *, name: str | None = None):
        super().__init__(name=name)
        self.key = Variable(key_data(seed_or_key))

    # -- the state ----------------------------------------------------------------------

    @property
    def value(self) -> jax.Array:
        """The current raw key data (BrainPy's `RandomState.value`)."""
        return self.key.value

    def seed(self, seed_or_key: SeedOrKey | None = None) -> None:
        """Restart the generator from `seed_or_key` (`None`: a fresh random seed)."""
        self._store_key(key_data(seed_or_key))

    def set_key(self, key: SeedOrKey) -> None:
        """Make `key` (a key or raw key data; an int is taken as a seed) the state."""
        self._store_key(key_data(key))

    def split_key(self, n: int | None = None) -> jax.Array:
        """Split the state: keep one key, return one new key (or `n` of them).

        **Arguments:**

        - `n`: how many keys to return; `None` returns a single key (not an array).
        """
        if n is not None and (not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 1):
            raise ValueError(f"n must be a positive int or None, got {n!r}.")
        with _lock:
            data, keys = _split(self.key.value, None if n is None else int(n))
            self._store_key(data)
        return keys

    def split_keys(self, n: int) -> jax.Array:
        """`n` new keys (an array of keys), splitting the state once."""
        return self.split_key(n)

    def clone(self) -> RandomState:
        """A new, independent `RandomState` seeded from a key split off this one."""
        return RandomState(self.split_key())

    def _store_key(self, data: Any) -> None:
        try:
            self.key.value = data
        except TraceLeakError as e:
            raise TraceLeakError(f"{e}\n{_LEAK_HINT}") from None

    def _draw_key(self, key: SeedOrKey | None) -> jax.Array:
        return self.split_key() if key is None else as_key(key)

    def _sample(self, key: SeedOrKey | None, sampler: Any, *args: Any, **kwargs: Any) -> Any:
        """`sampler(k, *args)` with `k` split off the state (or from `key`) only now,
        after every argument was computed: a bad argument leaves the state alone."""
        return sampler(self._draw_key(key), *args, **kwargs)

    # -- uniform and integers -----------------------------------------------------------

    def rand(self, *dn: int, key: SeedOrKey | None = None, dtype: Any = None) -> jax.Array:
        """Uniform samples on [0, 1) of shape `dn` (NumPy's `rand(d0, d1, ...)`)."""
        return self._sample(key, jr.uniform, _shape(dn), _float(dtype))

    def random(
        self, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Uniform samples on [0, 1) (also `random_sample`, `ranf`, `sample`)."""
        return self._sample(key, jr.uniform, _shape(size), _float(dtype))

    random_sample = random
    ranf = random
    sample = random

    def uniform(
        self,
        low: Any = 0.0,
        high: Any = 1.0,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Uniform samples on [low, high)."""
        low, high = _arr(low), _arr(high)
        shape = _shape(size, low, high)
        return self._sample(key, jr.uniform, shape, _float(dtype), low, high)

    def randint(
        self,
        low: Any,
        high: Any = None,
        size: Size = None,
        dtype: Any = None,
        key: SeedOrKey | None = None,
    ) -> jax.Array:
        """Integers in [low, high); with one bound, in [0, low)."""
        if high is None:
            low, high = 0, low
        low, high = _arr(low), _arr(high)
        shape = _shape(size, low, high)
        return self._sample(key, jr.randint, shape, low, high, _int(dtype))

    def random_integers(
        self,
        low: Any,
        high: Any = None,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Integers in [low, high], both ends included; with one bound, in [1, low]."""
        if high is None:
            low, high = 1, low
        low, high = _arr(low), _arr(high)
        shape = _shape(size, low, high)
        return self._sample(key, jr.randint, shape, low, jnp.asarray(high) + 1, _int(dtype))

    def choice(
        self,
        a: Any,
        size: Size = None,
        replace: bool = True,
        p: Any = None,
        key: SeedOrKey | None = None,
    ) -> jax.Array:
        """Samples from `a` (an array, or `range(a)` for an int), optionally weighted by
        `p`, with or without replacement."""
        a = a if isinstance(a, int) else _arr(a)
        p = None if p is None else _arr(p)
        return self._sample(key, jr.choice, a, _shape(size), replace, p)

    def permutation(
        self,
        x: Any,
        axis: int = 0,
        independent: bool = False,
        key: SeedOrKey | None = None,
    ) -> jax.Array:
        """A permuted copy of `x` along `axis` (or of `range(x)` for an int)."""
        x = x.value if isinstance(x, Variable) else x if isinstance(x, int) else _arr(x)
        return self._sample(key, jr.permutation, x, axis, independent)

    def shuffle(self, x: Any, axis: int = 0, key: SeedOrKey | None = None) -> jax.Array:
        """Shuffle along `axis`. A Variable is shuffled in place (as in BrainPy); an
        array, which cannot change, is returned shuffled."""
        out = self.permutation(x, axis=axis, key=key)
        if isinstance(x, Variable):
            x.value = out
        return out

    # -- continuous distributions ---------------------------------------------------------

    def randn(self, *dn: int, key: SeedOrKey | None = None, dtype: Any = None) -> jax.Array:
        """Standard normal samples of shape `dn` (NumPy's `randn(d0, d1, ...)`)."""
        return self._sample(key, jr.normal, _shape(dn), _float(dtype))

    def standard_normal(
        self, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Standard normal samples."""
        return self._sample(key, jr.normal, _shape(size), _float(dtype))

    def normal(
        self,
        loc: Any = 0.0,
        scale: Any = 1.0,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Normal samples with mean `loc` and standard deviation `scale`."""
        loc, scale = _arr(loc), _arr(scale)
        shape = _shape(size, loc, scale)
        return loc + scale * self._sample(key, jr.normal, shape, _float(dtype))

    def truncated_normal(
        self,
        lower: Any,
        upper: Any,
        size: Size = None,
        loc: Any = 0.0,
        scale: Any = 1.0,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Normal(`loc`, `scale`) samples truncated to [lower, upper] (bounds in the
        units of the samples, not of standard deviations; `-inf`/`inf` allowed)."""
        dtype = _float(dtype)
        lower, upper, loc, scale = (jnp.asarray(v, dtype) for v in (lower, upper, loc, scale))
        scale = _valid(scale, scale <= 0, "truncated_normal needs scale > 0.")
        shape = _shape(size, lower, upper, loc, scale)
        z = self._sample(
            key, jr.truncated_normal, (lower - loc) / scale, (upper - loc) / scale, shape, dtype
        )
        return loc + scale * z

    def lognormal(
        self,
        mean: Any = 0.0,
        sigma: Any = 1.0,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """`exp(X)` for `X` normal with mean `mean` and standard deviation `sigma`."""
        return jnp.exp(self.normal(mean, sigma, size, key, dtype))

    def standard_exponential(
        self, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Exponential samples with scale 1."""
        return self._sample(key, jr.exponential, _shape(size), _float(dtype))

    def exponential(
        self,
        scale: Any = 1.0,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Exponential samples with scale `scale` (mean `scale`)."""
        scale = _arr(scale)
        shape = _shape(size, scale)
        return scale * self._sample(key, jr.exponential, shape, _float(dtype))

    def standard_gamma(
        self, shape: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Gamma samples with shape `shape` and scale 1."""
        return self.gamma(shape, 1.0, size, key, dtype)

    def gamma(
        self,
        shape: Any,
        scale: Any = 1.0,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Gamma samples with shape `shape` and scale `scale`."""
        a, scale = _arr(shape), _arr(scale)
        out = _shape(size, a, scale)
        return scale * self._sample(key, jr.gamma, a, out, _float(dtype))

    def loggamma(
        self, a: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """The log of Gamma(`a`, 1) samples, accurate for small `a`."""
        a = _arr(a)
        return self._sample(key, jr.loggamma, a, _shape(size, a), _float(dtype))

    def beta(
        self,
        a: Any,
        b: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Beta(`a`, `b`) samples."""
        a, b = _arr(a), _arr(b)
        return self._sample(key, jr.beta, a, b, _shape(size, a, b), _float(dtype))

    def dirichlet(
        self, alpha: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Dirichlet samples: shape `size + (len(alpha),)`."""
        alpha = _arr(alpha)
        return self._sample(key, jr.dirichlet, alpha, _shape(size), _float(dtype))

    def chisquare(
        self, df: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Chi-square samples with `df` degrees of freedom."""
        df = _valid(_arr(df), jnp.asarray(df) <= 0, "chisquare needs df > 0.")
        return self._sample(key, jr.chisquare, df, _shape(size, df), _float(dtype))

    def noncentral_chisquare(
        self,
        df: Any,
        nonc: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Noncentral chi-square samples (`df` > 0, noncentrality `nonc` >= 0)."""
        df, nonc = _arr(df), _arr(nonc)
        df = _valid(df, jnp.asarray(df) <= 0, "noncentral_chisquare needs df > 0.")
        nonc = _valid(nonc, jnp.asarray(nonc) < 0, "noncentral_chisquare needs nonc >= 0.")
        shape = _shape(size, df, nonc)
        return self._sample(key, _samplers.noncentral_chisquare, df, nonc, shape, _float(dtype))

    def f(
        self,
        dfnum: Any,
        dfden: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """F (Fisher-Snedecor) samples."""
        dfnum, dfden = _arr(dfnum), _arr(dfden)
        shape = _shape(size, dfnum, dfden)
        return self._sample(key, jr.f, dfnum, dfden, shape, _float(dtype))

    def noncentral_f(
        self,
        dfnum: Any,
        dfden: Any,
        nonc: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Noncentral F samples."""
        dfnum, dfden, nonc = _arr(dfnum), _arr(dfden), _arr(nonc)
        nonc = _valid(nonc, jnp.asarray(nonc) < 0, "noncentral_f needs nonc >= 0.")
        shape = _shape(size, dfnum, dfden, nonc)
        return self._sample(key, _samplers.noncentral_f, dfnum, dfden, nonc, shape, _float(dtype))

    def standard_t(
        self, df: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Student's t samples with `df` degrees of freedom (also `t`)."""
        df = _arr(df)
        return self._sample(key, jr.t, df, _shape(size, df), _float(dtype))

    t = standard_t

    def standard_cauchy(
        self, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Standard Cauchy samples."""
        return self._sample(key, jr.cauchy, _shape(size), _float(dtype))

    def gumbel(
        self,
        loc: Any = 0.0,
        scale: Any = 1.0,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Gumbel samples with location `loc` and scale `scale`."""
        loc, scale = _arr(loc), _arr(scale)
        shape = _shape(size, loc, scale)
        return loc + scale * self._sample(key, jr.gumbel, shape, _float(dtype))

    def laplace(
        self,
        loc: Any = 0.0,
        scale: Any = 1.0,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Laplace samples with location `loc` and scale `scale`."""
        loc, scale = _arr(loc), _arr(scale)
        shape = _shape(size, loc, scale)
        return loc + scale * self._sample(key, jr.laplace, shape, _float(dtype))

    def logistic(
        self,
        loc: Any = 0.0,
        scale: Any = 1.0,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Logistic samples with location `loc` and scale `scale`."""
        loc, scale = _arr(loc), _arr(scale)
        shape = _shape(size, loc, scale)
        return loc + scale * self._sample(key, jr.logistic, shape, _float(dtype))

    def pareto(
        self, a: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Pareto samples with shape `a` on [1, inf) (as BrainPy's, from
        `jax.random.pareto`; NumPy's `pareto` is this minus 1)."""
        a = _arr(a)
        return self._sample(key, jr.pareto, a, _shape(size, a), _float(dtype))

    def power(
        self, a: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Samples on [0, 1] with density `a x^(a-1)` (`a` > 0)."""
        a = _valid(_arr(a), jnp.asarray(a) <= 0, "power needs a > 0.")
        return self._sample(key, _samplers.power, a, _shape(size, a), _float(dtype))

    def rayleigh(
        self, scale: Any = 1.0, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Rayleigh samples with scale `scale`."""
        scale = _arr(scale)
        return self._sample(key, jr.rayleigh, scale, _shape(size, scale), _float(dtype))

    def maxwell(
        self, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Maxwell samples (the norm of a 3-D standard normal vector)."""
        return self._sample(key, jr.maxwell, _shape(size), _float(dtype))

    def triangular(
        self,
        left: Any = 0.0,
        mode: Any = 0.5,
        right: Any = 1.0,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Triangular samples on [left, right] peaking at `mode`."""
        left, mode, right = _arr(left), _arr(mode), _arr(right)
        bad = (jnp.asarray(left) > mode) | (jnp.asarray(mode) > right) | (left == right)
        left = _valid(left, bad, "triangular needs left <= mode <= right and left < right.")
        shape = _shape(size, left, mode, right)
        return self._sample(key, jr.triangular, left, mode, right, shape, _float(dtype))

    def vonmises(
        self,
        mu: Any,
        kappa: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Von Mises angles in [-pi, pi) with mode `mu` and concentration `kappa` >= 0."""
        mu, kappa = _arr(mu), _arr(kappa)
        kappa = _valid(kappa, jnp.asarray(kappa) < 0, "vonmises needs kappa >= 0.")
        shape = _shape(size, mu, kappa)
        return self._sample(key, _samplers.vonmises, mu, kappa, shape, _float(dtype))

    def wald(
        self,
        mean: Any,
        scale: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Wald (inverse Gaussian) samples with mean `mean` and shape `scale`."""
        mean, scale = _arr(mean), _arr(scale)
        shape = _shape(size, mean, scale)
        return self._sample(key, _samplers.wald, mean, scale, shape, _float(dtype))

    def weibull(
        self, a: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Weibull samples with shape `a` and scale 1."""
        return self.weibull_min(a, 1.0, size, key, dtype)

    def weibull_min(
        self,
        a: Any,
        scale: Any = 1.0,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Weibull samples with shape (concentration) `a` and scale `scale`."""
        a, scale = _arr(a), _arr(scale)
        shape = _shape(size, a, scale)
        return self._sample(key, jr.weibull_min, scale, a, shape, _float(dtype))

    def multivariate_normal(
        self,
        mean: Any,
        cov: Any,
        size: Size = None,
        method: str = "cholesky",
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Multivariate normal samples: shape `size + mean.shape[-1:]`.

        `method` factorizes `cov`: `'cholesky'` (fastest), `'eigh'` or `'svd'` (these
        two also accept a covariance that is not positive definite)."""
        if method not in ("cholesky", "eigh", "svd"):
            raise ValueError(f"method must be 'cholesky', 'eigh' or 'svd', got {method!r}.")
        mean, cov = jnp.asarray(mean, _float(dtype)), jnp.asarray(cov, _float(dtype))
        shape = None if size is None else _shape(size)
        return self._sample(
            key, jr.multivariate_normal, mean, cov, shape, _float(dtype), method=method
        )

    def orthogonal(
        self, n: int, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Uniformly (Haar) distributed `n` x `n` orthogonal matrices."""
        return self._sample(key, jr.orthogonal, n, _shape(size), _float(dtype))

    # -- discrete distributions -----------------------------------------------------------

    def bernoulli(
        self, p: Any = 0.5, size: Size = None, key: SeedOrKey | None = None
    ) -> jax.Array:
        """Booleans that are `True` with probability `p`."""
        p = _arr(p)
        p = _valid(p, (jnp.asarray(p) < 0) | (jnp.asarray(p) > 1), "bernoulli needs 0 <= p <= 1.")
        return self._sample(key, jr.bernoulli, p, _shape(size, p))

    def binomial(
        self,
        n: Any,
        p: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Successes in `n` trials of probability `p` (integers)."""
        n, p = _arr(n), _arr(p)
        p = _valid(p, (jnp.asarray(p) < 0) | (jnp.asarray(p) > 1), "binomial needs 0 <= p <= 1.")
        out = self._sample(key, jr.binomial, n, p, _shape(size, n, p))
        return out.astype(_int(dtype))

    def negative_binomial(
        self,
        n: Any,
        p: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Failures before the `n`-th success in trials of probability `p`."""
        n, p = _arr(n), _arr(p)
        p = _valid(
            p, (jnp.asarray(p) <= 0) | (jnp.asarray(p) > 1), "negative_binomial needs 0 < p <= 1."
        )
        shape = _shape(size, n, p)
        return self._sample(key, _samplers.negative_binomial, n, p, shape, _int(dtype))

    def poisson(
        self, lam: Any = 1.0, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Poisson counts with rate `lam`."""
        lam = _arr(lam)
        return self._sample(key, jr.poisson, lam, _shape(size, lam), _int(dtype))

    def geometric(
        self, p: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Trials up to and including the first success (>= 1), success probability `p`."""
        p = _arr(p)
        p = _valid(p, (jnp.asarray(p) <= 0) | (jnp.asarray(p) > 1), "geometric needs 0 < p <= 1.")
        return self._sample(key, jr.geometric, p, _shape(size, p), _int(dtype))

    def multinomial(
        self,
        n: Any,
        pvals: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Counts of `n` draws over categories of probabilities `pvals`: shape
        `size + (len(pvals),)`."""
        n, pvals = _arr(n), jnp.asarray(pvals, _float(None))
        batch = _shape(size, jnp.asarray(n), pvals[..., 0])
        shape = batch + pvals.shape[-1:]
        out = self._sample(key, jr.multinomial, n, pvals, shape=shape)
        return out.astype(_int(dtype))

    def hypergeometric(
        self,
        ngood: Any,
        nbad: Any,
        nsample: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Good items among `nsample` drawn without replacement from `ngood` good and
        `nbad` bad ones."""
        ngood, nbad, nsample = _arr(ngood), _arr(nbad), _arr(nsample)
        g, b, s = (jnp.asarray(v) for v in (ngood, nbad, nsample))
        bad = (g < 0) | (b < 0) | (s < 0) | (s > g + b)
        nsample = _valid(
            nsample, bad, "hypergeometric needs ngood, nbad >= 0 and 0 <= nsample <= ngood + nbad."
        )
        shape = _shape(size, ngood, nbad, nsample)
        return self._sample(
            key, _samplers.hypergeometric, ngood, nbad, nsample, shape, _int(dtype)
        )

    def logseries(
        self, p: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Logarithmic-series integers (>= 1) with parameter 0 < `p` < 1."""
        p = _arr(p)
        p = _valid(p, (jnp.asarray(p) <= 0) | (jnp.asarray(p) >= 1), "logseries needs 0 < p < 1.")
        return self._sample(key, _samplers.logseries, p, _shape(size, p), _int(dtype))

    def zipf(
        self, a: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Zipf integers (>= 1) with exponent `a` > 1."""
        a = _arr(a)
        a = _valid(a, ~(jnp.asarray(a) > 1), "zipf needs a > 1.")
        return self._sample(key, _samplers.zipf, a, _shape(size, a), _int(dtype))

    def categorical(
        self,
        logits: Any,
        axis: int = -1,
        size: Size = None,
        key: SeedOrKey | None = None,
    ) -> jax.Array:
        """Category indices drawn with probabilities `softmax(logits)` along `axis`."""
        logits = jnp.asarray(logits)
        shape = None if size is None else _shape(size)
        return self._sample(key, jr.categorical, logits, axis, shape)

    # -- like another array ----------------------------------------------------------------

    def rand_like(self, input: Any, dtype: Any = None, key: SeedOrKey | None = None) -> jax.Array:
        """Uniform [0, 1) samples with the shape (and float dtype) of `input`."""
        dtype = jnp.result_type(input) if dtype is None else dtype
        return self.random(jnp.shape(input), key, dtype)

    def randn_like(self, input: Any, dtype: Any = None, key: SeedOrKey | None = None) -> jax.Array:
        """Standard normal samples with the shape (and float dtype) of `input`."""
        dtype = jnp.result_type(input) if dtype is None else dtype
        return self.standard_normal(jnp.shape(input), key, dtype)

    def randint_like(
        self,
        input: Any,
        low: Any = 0,
        high: Any = None,
        dtype: Any = None,
        key: SeedOrKey | None = None,
    ) -> jax.Array:
        """Integers in [low, high) with the shape of `input` (`high` defaults to its max)."""
        high = jnp.max(jnp.asarray(input)) if high is None else high
        out = self.randint(low, high, jnp.shape(input), key=key)
        return out.astype(jnp.result_type(input) if dtype is None else dtype)
