"""The discrete samplers of `RandomState` (a mixin: the state and `_sample` live there)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import jax.random as jr

from . import _samplers
from ._checks import (
    ABOVE_ONE,
    NON_NEGATIVE,
    OPEN_PROBABILITY,
    POSITIVE,
    PROBABILITY,
    RATE,
    SUCCESS_PROBABILITY,
    Size,
    check,
    check_relation,
    float_dtype as _float,
    int_dtype as _int,
    shape_of as _shape,
)
from ._keys import SeedOrKey


class DiscreteSamplers:
    """Bernoulli, binomial, Poisson, ... : `RandomState`'s integer-valued draws, and the
    draws shaped like another array."""

    def _sample(self, key: SeedOrKey | None, sampler: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError  # pragma: no cover - RandomState defines it

    def random(
        self, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        raise NotImplementedError  # pragma: no cover - RandomState defines it

    def standard_normal(
        self, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        raise NotImplementedError  # pragma: no cover - RandomState defines it

    def randint(
        self,
        low: Any,
        high: Any = None,
        size: Size = None,
        dtype: Any = None,
        key: SeedOrKey | None = None,
    ) -> jax.Array:
        raise NotImplementedError  # pragma: no cover - RandomState defines it

    def bernoulli(
        self, p: Any = 0.5, size: Size = None, key: SeedOrKey | None = None
    ) -> jax.Array:
        """Booleans that are `True` with probability `p` (in [0, 1])."""
        p = check("bernoulli", "p", p, PROBABILITY)
        return self._sample(key, jr.bernoulli, p, _shape(size, p))

    def binomial(
        self,
        n: Any,
        p: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Successes in `n` (`>= 0`) trials of probability `p` (in [0, 1]), as integers."""
        n, p = check("binomial", "n", n, NON_NEGATIVE), check("binomial", "p", p, PROBABILITY)
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
        """Failures before the `n`-th (`n > 0`) success in trials of probability `p`
        (in (0, 1])."""
        n = check("negative_binomial", "n", n, POSITIVE)
        p = check("negative_binomial", "p", p, SUCCESS_PROBABILITY)
        shape = _shape(size, n, p)
        return self._sample(key, _samplers.negative_binomial, n, p, shape, _int(dtype))

    def poisson(
        self, lam: Any = 1.0, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Poisson counts with rate `lam` (`>= 0`)."""
        lam = check("poisson", "lam", lam, RATE)
        return self._sample(key, jr.poisson, lam, _shape(size, lam), _int(dtype))

    def geometric(
        self, p: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Trials up to and including the first success (>= 1), success probability `p`
        (in (0, 1])."""
        p = check("geometric", "p", p, SUCCESS_PROBABILITY)
        return self._sample(key, jr.geometric, p, _shape(size, p), _int(dtype))

    def multinomial(
        self,
        n: Any,
        pvals: Any,
        size: Size = None,
        key: SeedOrKey | None = None,
        dtype: Any = None,
    ) -> jax.Array:
        """Counts of `n` (`>= 0`) draws over categories of probabilities `pvals` (each
        in [0, 1], all but the last summing to at most 1): shape `size + (len(pvals),)`."""
        n = check("multinomial", "n", n, NON_NEGATIVE)
        pvals = check("multinomial", "pvals", jnp.asarray(pvals, _float(None)), PROBABILITY)
        check_relation(
            "multinomial",
            "sum(pvals[:-1]) <= 1",
            lambda p: p[..., :-1].sum(-1) > 1.0 + 1e-6,
            ("pvals", pvals),
        )
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
        `nbad` bad ones (`ngood, nbad >= 0`, `0 <= nsample <= ngood + nbad`)."""
        ngood = check("hypergeometric", "ngood", ngood, NON_NEGATIVE, at_run_time=True)
        nbad = check("hypergeometric", "nbad", nbad, NON_NEGATIVE, at_run_time=True)
        nsample = check_relation(
            "hypergeometric",
            "0 <= nsample <= ngood + nbad",
            lambda s, g, b: (s < 0) | (s > g + b),
            ("nsample", nsample),
            ("ngood", ngood),
            ("nbad", nbad),
            at_run_time=True,
        )
        shape = _shape(size, ngood, nbad, nsample)
        return self._sample(
            key, _samplers.hypergeometric, ngood, nbad, nsample, shape, _int(dtype)
        )

    def logseries(
        self, p: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Logarithmic-series integers (>= 1) with parameter `p` in (0, 1)."""
        p = check("logseries", "p", p, OPEN_PROBABILITY, at_run_time=True)
        return self._sample(key, _samplers.logseries, p, _shape(size, p), _int(dtype))

    def zipf(
        self, a: Any, size: Size = None, key: SeedOrKey | None = None, dtype: Any = None
    ) -> jax.Array:
        """Zipf integers (>= 1) with exponent `a` > 1."""
        a = check("zipf", "a", a, ABOVE_ONE, at_run_time=True)
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
