"""Samplers NumPy has and `jax.random` lacks, written on `jax.random` primitives.

Each takes `(key, *parameters, shape, dtype)` like `jax.random`'s own samplers, with the
parameters already broadcastable to `shape`. They work under `jit` and `vmap`; the
rejection samplers loop with `lax.while_loop` until every element is accepted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.random as jr
from jax import lax

Shape = tuple[int, ...]

# One compiled program per (shape, dtype) instead of one per operation when run eagerly.
_compiled = functools.partial(jax.jit, static_argnames=("shape", "dtype"))


def rejection(
    key: jax.Array,
    shape: Shape,
    dtype: Any,
    propose: Callable[[jax.Array], tuple[jax.Array, jax.Array]],
) -> jax.Array:
    """Draw `propose(key) -> (candidates, accepted)` until every element was accepted
    once; each element keeps its first accepted candidate."""

    def cond(state):
        return ~jnp.all(state[2])

    def body(state):
        key, out, done = state
        key, sub = jr.split(key)
        cand, ok = propose(sub)
        out = jnp.where(ok & ~done, cand.astype(dtype), out)
        return key, out, done | ok

    init = (key, jnp.zeros(shape, dtype), jnp.zeros(shape, bool))
    return lax.while_loop(cond, body, init)[1]


@_compiled
def power(key: jax.Array, a: Any, shape: Shape, dtype: Any) -> jax.Array:
    """The power distribution on [0, 1], density `a x^(a-1)`: `U^(1/a)`."""
    return jr.uniform(key, shape, dtype) ** (1.0 / jnp.asarray(a, dtype))


@_compiled
def wald(key: jax.Array, mean: Any, scale: Any, shape: Shape, dtype: Any) -> jax.Array:
    """The inverse Gaussian IG(mean, scale): `scale * IG(mean / scale, 1)`, since
    `c X ~ IG(c mu, c lambda)` when `X ~ IG(mu, lambda)`."""
    mean = jnp.asarray(mean, dtype)
    scale = jnp.asarray(scale, dtype)
    return scale * jr.wald(key, jnp.broadcast_to(mean / scale, shape), shape, dtype)


@_compiled
def negative_binomial(key: jax.Array, n: Any, p: Any, shape: Shape, dtype: Any) -> jax.Array:
    """Failures before the `n`-th success: a Poisson whose rate is Gamma(n, (1-p)/p)."""
    k_gamma, k_poisson = jr.split(key)
    n = jnp.asarray(n, float)
    p = jnp.asarray(p, float)
    rate = jr.gamma(k_gamma, jnp.broadcast_to(n, shape), shape) * ((1.0 - p) / p)
    return jr.poisson(k_poisson, rate, shape, dtype)


@_compiled
def noncentral_chisquare(
    key: jax.Array, df: Any, nonc: Any, shape: Shape, dtype: Any
) -> jax.Array:
    """The noncentral chi-square as a Poisson mixture: `chi2(df + 2 J)`,
    `J ~ Poisson(nonc / 2)`."""
    k_poisson, k_chi2 = jr.split(key)
    j = jr.poisson(k_poisson, jnp.broadcast_to(jnp.asarray(nonc, dtype) / 2, shape), shape)
    return jr.chisquare(k_chi2, jnp.asarray(df, dtype) + 2 * j, shape, dtype)


@_compiled
def noncentral_f(
    key: jax.Array, dfnum: Any, dfden: Any, nonc: Any, shape: Shape, dtype: Any
) -> jax.Array:
    """`(ncx2(dfnum, nonc) / dfnum) / (chi2(dfden) / dfden)`."""
    k_num, k_den = jr.split(key)
    dfnum = jnp.asarray(dfnum, dtype)
    dfden = jnp.asarray(dfden, dtype)
    num = noncentral_chisquare(k_num, dfnum, nonc, shape, dtype) / dfnum
    den = jr.chisquare(k_den, jnp.broadcast_to(dfden, shape), shape, dtype) / dfden
    return num / den


@_compiled
def vonmises(key: jax.Array, mu: Any, kappa: Any, shape: Shape, dtype: Any) -> jax.Array:
    """Von Mises angles in [-pi, pi) by Best and Fisher's (1979) wrapped-Cauchy
    rejection; a concentration below 1e-6 gives the uniform distribution."""
    mu = jnp.asarray(mu, dtype)
    kappa = jnp.broadcast_to(jnp.asarray(kappa, dtype), shape)
    small = kappa < 1e-6
    k = jnp.where(small, 1.0, kappa)
    root = jnp.sqrt(1.0 + 4.0 * k * k)
    r = 1.0 + root
    # rho = (r - sqrt(2 r)) / (2 k), written without the cancellation at small k.
    rho = 2.0 * k * r / ((root + 1.0) * (r + jnp.sqrt(2.0 * r)))
    s = (1.0 + rho * rho) / (2.0 * rho)
    k_loop, k_sign, k_uniform = jr.split(key, 3)

    invalid = ~jnp.isfinite(k)  # accept at once: the caller has reported the bad value

    def propose(sub):
        k_u, k_v = jr.split(sub)
        z = jnp.cos(jnp.pi * jr.uniform(k_u, shape, dtype))
        w = (1.0 + s * z) / (s + z)
        y = k * (s - w)
        v = jr.uniform(k_v, shape, dtype, minval=jnp.finfo(dtype).tiny)
        ok = (y * (2.0 - y) - v >= 0) | (jnp.log(y / v) + 1.0 - y >= 0)
        return w, ok | invalid

    w = rejection(k_loop, shape, dtype, propose)
    sign = jnp.where(jr.uniform(k_sign, shape, dtype) < 0.5, -1.0, 1.0)
    angle = sign * jnp.arccos(jnp.clip(w, -1.0, 1.0))
    angle = jnp.where(small, jr.uniform(k_uniform, shape, dtype, -jnp.pi, jnp.pi), angle)
    return jnp.mod(angle + mu + jnp.pi, 2 * jnp.pi) - jnp.pi


@_compiled
def zipf(key: jax.Array, a: Any, shape: Shape, dtype: Any) -> jax.Array:
    """Zipf integers (`a > 1`) by Devroye's (1986) rejection; values too large for
    `dtype` are rejected, as NumPy does."""
    a = jnp.broadcast_to(jnp.asarray(a, float), shape)
    invalid = ~(a > 1.0)  # accept at once: the caller has reported the bad value
    am1 = jnp.where(invalid, 1.0, a - 1.0)
    b = 2.0**am1
    top = float(jnp.iinfo(dtype).max)

    def propose(sub):
        k_u, k_v = jr.split(sub)
        u = 1.0 - jr.uniform(k_u, shape)
        v = jr.uniform(k_v, shape)
        x = jnp.floor(u ** (-1.0 / am1))
        ok = (x >= 1.0) & (x <= top)
        xs = jnp.where(ok, x, 1.0)
        t = (1.0 + 1.0 / xs) ** am1
        ok = ok & (v * xs * (t - 1.0) / (b - 1.0) <= t / b)
        return xs, ok | invalid

    return rejection(key, shape, dtype, propose)


@_compiled
def logseries(key: jax.Array, p: Any, shape: Shape, dtype: Any) -> jax.Array:
    """Logarithmic-series integers (`0 < p < 1`) by Kemp's (1981) algorithm."""
    p = jnp.broadcast_to(jnp.asarray(p, float), shape)
    invalid = ~((p > 0.0) & (p < 1.0))  # accept at once: the caller has reported it
    r = jnp.log1p(-p)

    def propose(sub):
        k_v, k_u = jr.split(sub)
        v = jr.uniform(k_v, shape)
        q = -jnp.expm1(r * jr.uniform(k_u, shape))
        deep = jnp.floor(1.0 + jnp.log(v) / jnp.log(q))
        value = jnp.where(v >= p, 1.0, jnp.where(v <= q * q, deep, jnp.where(v >= q, 1.0, 2.0)))
        retry = (v < p) & (v <= q * q) & ((deep < 1.0) | (v == 0.0))
        return value, ~retry | invalid

    return rejection(key, shape, dtype, propose)


@_compiled
def hypergeometric(
    key: jax.Array, ngood: Any, nbad: Any, nsample: Any, shape: Shape, dtype: Any
) -> jax.Array:
    """Good items among `nsample` drawn without replacement from `ngood + nbad`, by
    drawing the items one at a time (exact; work grows with `nsample`)."""
    good = jnp.broadcast_to(jnp.asarray(ngood, float), shape)
    total = good + jnp.broadcast_to(jnp.asarray(nbad, float), shape)
    n = jnp.broadcast_to(jnp.asarray(nsample, float), shape)
    n = jnp.where(jnp.isfinite(n), n, 0.0)  # an infinite sample is reported by the caller

    def cond(state):
        return state[0] < jnp.max(n, initial=0.0)

    def body(state):
        i, key, count = state
        key, sub = jr.split(key)
        left = total - i
        p_good = (good - count) / jnp.where(left > 0, left, 1.0)
        hit = (jr.uniform(sub, shape) < p_good) & (i < n)
        return i + 1.0, key, count + hit

    _, _, count = lax.while_loop(cond, body, (jnp.float32(0.0), key, jnp.zeros(shape)))
    return count.astype(dtype)
