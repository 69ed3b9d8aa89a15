"""`RandomState`: a random generator whose key lives in a Variable, split once per draw."""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import jax.random as jr

from .._core import Module, Variable, top_level_lock
from .._errors import TraceLeakError
from . import _samplers
from ._checks import (
    NON_NEGATIVE,
    POSITIVE,
    PROBABILITY,
    Size,
    as_array as _arr,
    check,
    check_relation,
    float_dtype as _float,
    int_dtype as _int,
    is_int,
    shape_of as _shape,
)
from ._discrete import DiscreteSamplers
from ._keys import SeedOrKey, as_key, key_data

_LEAK_HINT = """
A RandomState keeps its key in a Variable and writes a new key on every draw, so a draw \
from one made outside the transformed function (the default generator behind \
`eqbrain.random.<function>` is one) is a write into that Variable, which a plain JAX \
transform cannot make. Any of these works:
  - in-place: use `eqbrain.jit`, `eqbrain.for_loop` or `eqbrain.grad`, which carry the \
key through the compiled function and write the advanced key back;
  - functional: pass the RandomState (or the model holding it) into the function and \
return it; the returned one carries the advanced key \
(`x, rng = eqx.filter_jit(lambda r: (r.normal(size=3), r))(rng)`);
  - explicit keys: draw with a key passed in, `eqbrain.random.normal(size=3, key=k)`."""


@functools.partial(jax.jit, static_argnums=1)
def _split(data: jax.Array, n: int | None) -> tuple[jax.Array, jax.Array]:
    """(the next state's key data, one new key or `n` of them), in one dispatch."""
    keys = jr.split(jr.wrap_key_data(data), 2 if n is None else n + 1)
    return jr.key_data(keys[0]), keys[1] if n is None else keys[1:]


class RandomState(DiscreteSamplers, Module):
    """A random number generator with NumPy's methods, BrainPy's `bm.random.RandomState`.

    The generator's state is a JAX key kept (as raw `uint32` key data) in the Variable
    `key`. Every draw splits it: one half becomes the new `key`, the other is used for
    the draw. Because the key is a Variable, it is state like any other:

    - **in place**: `eqbrain.jit`, `eqbrain.for_loop`, `eqbrain.grad` and the runner
      carry it through the compiled function and write the advanced key back (the same
      draws as running eagerly);
    - **functional**: inside `eqx.filter_jit`/`eqx.filter_vmap`/`jax.jit`, a
      RandomState passed in is a copy whose key advances with each draw; return it (or
      the model holding it) to keep the advanced key. The caller's own RandomState does
      not change: call again with it, and the function draws the same numbers again (as
      a JAX function given the same key does);
    - a RandomState from outside a plain `jax.jit`/`jax.vmap`/`jax.grad` cannot advance
      there: the draw raises `TraceLeakError` saying what to do (or pass `key=`);
    - `eqbrain.save`/`eqbrain.load` checkpoint it, and, as in BrainPy,
      `reset_state()` of an enclosing `DynamicalSystem` leaves it alone (the stream
      goes on); `seed()` rewinds it.

    At top level, each draw (read the key, split, write it back) is atomic with respect
    to other threads and to eqbrain transforms running in them: two threads sharing a
    generator never get the same numbers (the streams interleave in no fixed order;
    give each thread its own `RandomState` for reproducible streams).

    Every sampling method takes, besides its distribution's parameters:

    - `size`: the output shape (an int or a tuple); `None` broadcasts the parameters.
    - `key`: draw with this seed or key instead of splitting the state (unchanged).
    - `dtype`: the output dtype (default: JAX's default float or int).

    Parameters are checked before the key moves, as NumPy checks them: a bad one
    (`normal(scale=-1)`, `randint(5, 2)`, `poisson(-2.0)`, `size=-1`) raises
    `ValueError` naming it, and the key is unchanged. A traced parameter (a tracer, as
    an argument of a jitted function) cannot be checked and is used as given, except
    by the rejection samplers (`vonmises`, `zipf`, `logseries`, `hypergeometric`),
    which check it when the compiled code runs rather than loop forever.

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
        data = key_data(seed_or_key)
        with top_level_lock():
            self._store_key(data)

    def set_key(self, key: SeedOrKey) -> None:
        """Make `key` (a key or raw key data; an int is taken as a seed) the state."""
        data = key_data(key)
        with top_level_lock():
            self._store_key(data)

    def split_key(self, n: int | None = None) -> jax.Array:
        """Split the state: keep one key, return one new key (or `n` of them).

        **Arguments:**

        - `n`: how many keys to return; `None` returns a single key (not an array).
        """
        if n is not None and (not is_int(n) or n < 1):
            raise ValueError(f"n must be a positive int or None, got {n!r}.")
        with top_level_lock():
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
        except TraceLeakError as e:  # the Variable's own advice, made the generator's
            raise TraceLeakError(f"{str(e).splitlines()[0]}{_LEAK_HINT}") from None

    def _sample(self, key: SeedOrKey | None, sampler: Any, *args: Any, **kwargs: Any) -> Any:
        """`sampler(k, *args)` with `k` split off the state (or from `key`), once every
        argument was checked; the new key is stored only after the sampler returned, so
        a draw that fails leaves the state alone."""
        if key is not None:
            return sampler(as_key(key), *args, **kwargs)
        with top_level_lock():  # read, draw and write as one step for other threads
            data, k = _split(self.key.value, None)
            out = sampler(k, *args, **kwargs)
            self._store_key(data)
        return out

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
        """Uniform samples on [low, high) (`low <= high`)."""
        low = check_relation(
            "uniform", "low <= high", lambda a, b: a > b, ("low", low), ("high", high)
        )
        high = _arr(high)
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
        """Integers in [low, high) (`low < high`); with one bound, in [0, low)."""
        if high is None:
            low, high = 0, low
        low = check_relation(
            "randint", "low < high", lambda a, b: a >= b, ("low", low), ("high", high)
        )
        high = _arr(high)
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
        """Integers in [low, high], both ends included (`low <= high`); with one bound,
        in [1, low]."""
        if high is None:
            low, high = 1, low
        low = check_relation(
            "random_integers", "low <= high", lambda a, b: a > b, ("low", low), ("high", high)
        )
        high = _arr(high)
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
        """Samples from `a` (an array, or `range(a)` for an int `a > 0`), optionally
        weighted by probabilities `p` (each in [0, 1]), with or without replacement."""
        if is_int(a):
            check("choice", "a", a, POSITIVE)
        else:
            a = _arr(a)
        p = None if p is None else check("choice", "p", p, PROBABILITY)
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
        """Normal samples with mean `loc` and standard deviation `scale` (`>= 0`)."""
        loc, scale = _arr(loc), check("normal", "scale", scale, NON_NEGATIVE)
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
        scale = check("truncated_normal", "scale", scale, POSITIVE)
        lower = check_relation(
            "truncated_normal",
            "lower < upper",
            lambda a, b: ~(a < b),
            ("lower", lower),
            ("upper", upper),
        )
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
        """`exp(X)` for `X` normal with mean `mean` and standard deviation `sigma` (`>= 0`)."""
        sigma = check("lognormal", "sigma", sigma, NON_NEGATIVE)
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
        """Exponential samples with scale `scale` (`>= 0`, the mean)."""
        scale = check("exponential", "scale", scale, NON_NEGATIVE)
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
        """Gamma samples with shape `shape` and scale `scale` (both `>= 0`)."""
        a = check("gamma", "shape", shape, NON_NEGATIVE)
        scale = check("gamma", "scale", scale, NON_NEGATIVE)
        out = _shape(size, a, scale)
        return scale * self._sample(key, jr.gamma, a, out, _float(dtype))

    def loggamma(
        self, a: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """The log of Gamma(`a`, 1) samples (`a > 0`), accurate for small `a`."""
        a = check("loggamma", "a", a, POSITIVE)
        return self._sample(key, jr.loggamma, a, _shape(size, a), _float(dtype))

    def beta(
        self,
        a: Any,
        b: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Beta(`a`, `b`) samples (`a, b > 0`)."""
        a, b = check("beta", "a", a, POSITIVE), check("beta", "b", b, POSITIVE)
        return self._sample(key, jr.beta, a, b, _shape(size, a, b), _float(dtype))

    def dirichlet(
        self, alpha: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Dirichlet samples (`alpha >= 0`): shape `size + (len(alpha),)`."""
        alpha = check("dirichlet", "alpha", alpha, NON_NEGATIVE)
        return self._sample(key, jr.dirichlet, alpha, _shape(size), _float(dtype))

    def chisquare(
        self, df: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Chi-square samples with `df` degrees of freedom."""
        df = check("chisquare", "df", df, POSITIVE)
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
        df = check("noncentral_chisquare", "df", df, POSITIVE)
        nonc = check("noncentral_chisquare", "nonc", nonc, NON_NEGATIVE)
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
        """F (Fisher-Snedecor) samples (`dfnum, dfden > 0`)."""
        dfnum, dfden = check("f", "dfnum", dfnum, POSITIVE), check("f", "dfden", dfden, POSITIVE)
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
        """Noncentral F samples (`dfnum, dfden > 0`, `nonc >= 0`)."""
        dfnum = check("noncentral_f", "dfnum", dfnum, POSITIVE)
        dfden = check("noncentral_f", "dfden", dfden, POSITIVE)
        nonc = check("noncentral_f", "nonc", nonc, NON_NEGATIVE)
        shape = _shape(size, dfnum, dfden, nonc)
        return self._sample(key, _samplers.noncentral_f, dfnum, dfden, nonc, shape, _float(dtype))

    def standard_t(
        self, df: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Student's t samples with `df` (`> 0`) degrees of freedom (also `t`)."""
        df = check("standard_t", "df", df, POSITIVE)
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
        """Gumbel samples with location `loc` and scale `scale` (`>= 0`)."""
        loc, scale = _arr(loc), check("gumbel", "scale", scale, NON_NEGATIVE)
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
        """Laplace samples with location `loc` and scale `scale` (`>= 0`)."""
        loc, scale = _arr(loc), check("laplace", "scale", scale, NON_NEGATIVE)
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
        """Logistic samples with location `loc` and scale `scale` (`>= 0`)."""
        loc, scale = _arr(loc), check("logistic", "scale", scale, NON_NEGATIVE)
        shape = _shape(size, loc, scale)
        return loc + scale * self._sample(key, jr.logistic, shape, _float(dtype))

    def pareto(
        self, a: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Pareto samples with shape `a` on [1, inf) (as BrainPy's, from
        `jax.random.pareto`; NumPy's `pareto` is this minus 1); `a > 0`."""
        a = check("pareto", "a", a, POSITIVE)
        return self._sample(key, jr.pareto, a, _shape(size, a), _float(dtype))

    def power(
        self, a: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Samples on [0, 1] with density `a x^(a-1)` (`a` > 0)."""
        a = check("power", "a", a, POSITIVE)
        return self._sample(key, _samplers.power, a, _shape(size, a), _float(dtype))

    def rayleigh(
        self, scale: Any = 1.0, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Rayleigh samples with scale `scale` (`>= 0`)."""
        scale = check("rayleigh", "scale", scale, NON_NEGATIVE)
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
        left = check_relation(
            "triangular",
            "left <= mode <= right and left < right",
            lambda lo, m, hi: (lo > m) | (m > hi) | (lo == hi),
            ("left", left),
            ("mode", mode),
            ("right", right),
        )
        mode, right = _arr(mode), _arr(right)
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
        mu = _arr(mu)
        kappa = check("vonmises", "kappa", kappa, NON_NEGATIVE, at_run_time=True)
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
        """Wald (inverse Gaussian) samples with mean `mean` and shape `scale` (both `> 0`)."""
        mean = check("wald", "mean", mean, POSITIVE)
        scale = check("wald", "scale", scale, POSITIVE)
        shape = _shape(size, mean, scale)
        return self._sample(key, _samplers.wald, mean, scale, shape, _float(dtype))

    def weibull(
        self, a: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Weibull samples with shape `a` (`> 0`) and scale 1."""
        a = check("weibull", "a", a, POSITIVE)
        return self.weibull_min(a, 1.0, size, key, dtype)

    def weibull_min(
        self,
        a: Any,
        scale: Any = 1.0,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Weibull samples with shape (concentration) `a` (`> 0`) and scale `scale` (`>= 0`)."""
        a = check("weibull_min", "a", a, POSITIVE)
        scale = check("weibull_min", "scale", scale, NON_NEGATIVE)
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
        """Uniformly (Haar) distributed `n` x `n` orthogonal matrices (`n >= 0`)."""
        if not is_int(n) or n < 0:
            raise ValueError(f"orthogonal needs n, an int >= 0, got {n!r}.")
        return self._sample(key, jr.orthogonal, n, _shape(size), _float(dtype))
