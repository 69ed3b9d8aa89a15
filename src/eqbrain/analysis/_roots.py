"""The compiled work of the low-dimensional analysers: the field and its Jacobian on a
batch of points, bisection, Newton's method (optimistix), and simulation.

Each is a function of the `Equations` pytree (`eqx.filter_jit`), so one compilation
serves every analyser of the same equations; batches are padded to a power of two so
that new batch sizes seldom compile again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

_OPTIMISTIX_MSG = """\
eqbrain.analysis finds roots with optimistix, an optional dependency: \
`pip install "eqbrain[analysis]"` (or `pip install optimistix`)."""


def optimistix() -> Any:
    """The `optimistix` module, or an ImportError saying how to install it."""
    try:
        import optimistix as optx
    except ImportError as e:  # pragma: no cover - optimistix is in the test extra
        raise ImportError(_OPTIMISTIX_MSG) from e
    return optx


def _tolerance() -> float:
    return 1e-12 if jnp.zeros(()).dtype == jnp.float64 else 1e-6


def _pad(x: np.ndarray, size: int) -> np.ndarray:
    if len(x) == size:
        return x
    fill = np.repeat(x[:1], size - len(x), axis=0)
    return np.concatenate([x, fill], axis=0)


def batched(
    fn: Callable[..., Any], eqs: Any, *args: np.ndarray, small: int = 256, large: int = 1 << 16
) -> Any:
    """`fn(eqs, *args)` (a compiled function of a batch) on batches of two sizes only, so
    that it compiles at most twice: up to `small` rows padded to `small`, more in chunks
    of `large` (the last padded). The outputs as NumPy arrays."""
    n = len(args[0])
    if n == 0:
        one = [np.zeros((1, *a.shape[1:]), a.dtype) for a in args]
        shapes = jax.eval_shape(lambda *a: fn(eqs, *a), *one)
        return jax.tree.map(lambda s: np.zeros((0, *s.shape[1:]), s.dtype), shapes)
    size = small if n <= small else large
    outs = []
    for start in range(0, n, size):
        part = [a[start : start + size] for a in args]
        k = len(part[0])
        out = fn(eqs, *(_pad(a, size) for a in part))
        outs.append(jax.tree.map(lambda o, k=k: np.asarray(o)[:k], out))
    return jax.tree.map(lambda *o: np.concatenate(o, axis=0), *outs)


@eqx.filter_jit
def field(eqs: Any, X: Any, P: Any) -> Any:
    """The vector field at each row of `X`, parameters the rows of `P`."""
    return jax.vmap(eqs.field)(X, P)


@eqx.filter_jit
def jacobian(eqs: Any, X: Any, P: Any) -> Any:
    """The Jacobian of the vector field at each row of `X`."""
    return jax.vmap(jax.jacfwd(eqs.field))(X, P)


def _along(eqs: Any, s: Any, args: Any) -> Any:
    """Component `args[1]` of the field with variable `args[0]` at `s` (in 2D the other at
    `args[2]`), parameters after those."""
    if len(eqs.names) == 1:
        return eqs.field(jnp.stack([s]), args[2:])[0]
    j, k, other = args[0], args[1], args[2]
    x = jnp.where(j == 0, jnp.stack([s, other]), jnp.stack([other, s]))
    return jnp.take(eqs.field(x, args[3:]), k.astype(jnp.int32))


BISECTIONS = 60  # halvings: a bracket of width w shrinks to w / 2^60, below float64's eps


def _halve(g: Callable[[Any], Any], lo: Any, hi: Any, sign: Any) -> Any:
    """`(root, g(root))` of a scalar `g` in `[lo, hi]`, `sign` the sign of `g(hi)`:
    `BISECTIONS` halvings."""

    def halve(_: Any, bracket: Any) -> Any:
        a, b = bracket
        m = (a + b) / 2
        right = sign * g(m) > 0  # the sign of g(hi): the root is left
        return jnp.where(right, a, m), jnp.where(right, m, b)

    a, b = jax.lax.fori_loop(0, BISECTIONS, halve, (lo, hi))
    root = (a + b) / 2
    return root, g(root)


@eqx.filter_jit
def bisection(eqs: Any, lo: Any, hi: Any, sign: Any, args: Any) -> Any:
    """`(root, f(root))` of `f = _along(eqs, ., args)` in each bracket `[lo, hi]`, `sign`
    the sign of `f(hi)`: `BISECTIONS` halvings, all brackets at once (should rounding
    make a bracket hold no sign change, the result is one of its ends, which a check
    of `f` there tells apart). A plain loop: optimistix's `Bisection` gives the same
    roots for four times the compilation."""

    def one(lo: Any, hi: Any, sign: Any, args: Any) -> Any:
        return _halve(lambda s: _along(eqs, s, args), lo, hi, sign)

    return jax.vmap(one)(lo, hi, sign, args)


@eqx.filter_jit
def curve_points(curve: Any, S: Any, P: Any) -> Any:
    """`(points, residuals)` of a nullcline helper (`_options.Curve`) at each `S`, the
    parameters the rows of `P`."""
    return jax.vmap(curve.point)(S, P), jax.vmap(curve.residual)(S, P)


@eqx.filter_jit
def curve_bisection(curve: Any, lo: Any, hi: Any, sign: Any, P: Any) -> Any:
    """`(root, residual(root))` along a nullcline helper in each bracket `[lo, hi]`."""

    def one(lo: Any, hi: Any, sign: Any, p: Any) -> Any:
        return _halve(lambda s: curve.residual(s, p), lo, hi, sign)

    return jax.vmap(one)(lo, hi, sign, P)


@eqx.filter_jit
def newton(eqs: Any, Y0: Any, P: Any) -> Any:
    """`(root, sum(f(root)^2))` of the vector field from each start, by optimistix's
    Newton method (a diverged start gives an infinite residual)."""
    optx = optimistix()
    tol = _tolerance()
    solver = optx.Newton(rtol=tol, atol=tol)
    fn = lambda y, p: eqs.field(y, p)  # noqa: E731

    def one(y0: Any, p: Any) -> Any:
        sol = optx.root_find(fn, solver, y0, p, max_steps=64, throw=False)
        residual = jnp.sum(fn(sol.value, p) ** 2)
        ok = jnp.isfinite(residual) & jnp.all(jnp.isfinite(sol.value))
        return sol.value, jnp.where(ok, residual, jnp.inf)

    return jax.vmap(one)(Y0, P)


STEPS = 512  # steps per compiled piece of a simulation


@eqx.filter_jit
def _simulate_piece(eqs: Any, Y0: Any, P: Any, t0: Any, dt: Any) -> Any:
    def one(y0: Any, p: Any) -> Any:
        def body(y: Any, i: Any) -> Any:
            new = eqs.step(y, p, t0 + i * dt, dt)
            return new, new

        return jax.lax.scan(body, y0, jnp.arange(STEPS))[1]

    return jax.vmap(one)(Y0, P)


def simulate(eqs: Any, Y0: np.ndarray, P: np.ndarray, dt: float, steps: int) -> np.ndarray:
    """Each start run `steps` steps of `dt` with the model's integrators: `(n, steps + 1,
    d)`, the starts first. Compiled once for any duration: pieces of `STEPS` steps."""
    dtype = jnp.zeros(()).dtype
    n = len(Y0)
    size = next(s for s in (16, 256, 4096, n) if s >= n)
    y = _pad(np.asarray(Y0, dtype), size)
    p = _pad(np.asarray(P, dtype), size)
    dt_ = np.asarray(dt, dtype)
    pieces = [np.asarray(y)[:, None]]
    for k in range(-(-steps // STEPS)):
        ys = np.asarray(_simulate_piece(eqs, y, p, np.asarray(k * STEPS * dt, dtype), dt_))
        pieces.append(ys)
        y = ys[:, -1]
    return np.concatenate(pieces, axis=1)[:n, : steps + 1]


def sign_changes(values: np.ndarray, axis: int) -> tuple:
    """Where `values` changes sign along `axis`: `(brackets, zeros)`, two `nonzero` tuples
    over `values`' shape, of the indices `i` with a strict sign change between `i` and
    `i + 1`, and of the exact zeros."""
    a = np.moveaxis(values, axis, -1)
    s = np.sign(a)
    change = np.zeros(a.shape, dtype=bool)
    change[..., :-1] = s[..., :-1] * s[..., 1:] < 0
    brackets = np.nonzero(np.moveaxis(change, -1, axis))
    return brackets, np.nonzero(values == 0)


def keep_unique(points: np.ndarray, tolerance: float, order: Any = None) -> tuple:
    """The points farther than `tolerance` (Euclidean) from every point kept before them.

    Points are visited in `order` (default: as given); returns `(kept, their indices)`.
    """
    points = np.asarray(points)
    if len(points) == 0:
        return points, np.zeros(0, dtype=int)
    flat = points.reshape(len(points), -1)
    idx = np.arange(len(points)) if order is None else np.asarray(order)
    kept: list[int] = []
    for i in idx:
        if not kept or np.min(np.linalg.norm(flat[kept] - flat[i], axis=-1)) > tolerance:
            kept.append(int(i))
    ids = np.asarray(kept, dtype=int)
    return points[ids], ids
