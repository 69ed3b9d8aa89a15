"""`fdeint(alpha, num_memory, inits, f, method=...)`: BrainPy's fractional-order integrators.

Each keeps the memory of its past steps in Variables (a ring buffer of `num_memory`
entries and its position), so it is a `DynamicalSystem`: its state is saved with the
model, and `reset_state()` (or BrainPy's `reset(inits)`) starts it again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer
from scipy.special import gamma

from ..._core import Variable
from ..._errors import DiffEqError
from .._dynsys import DynamicalSystem
from ._integrator import _partition, _resolve_dt, _value
from ._joint_eq import JointEq
from ._methods import detach
from ._signature import CallSpec, bind_call, read_signature

_ALPHA_MSG = """\
alpha, the fractional order, must be in {rng} for {cls} (BrainPy's range), got {alpha}. \
Give one number for every state, or one per state variable ({names})."""

_MEMORY_MSG = """\
{cls} keeps num_memory={m} steps of dt={dt:g}, {span:g} in all, but it is called at \
t={t:g}: the steps before t - {span:g} would be overwritten. Build it with num_memory \
>= {need} (e.g. int(duration / dt) + 1)."""


def _alphas(alpha: Any, names: tuple[str, ...], cls: str, closed: bool) -> np.ndarray:
    if isinstance(alpha, bool) or alpha is None:
        raise TypeError(f"alpha must be a number or one number per state, got {alpha!r}.")
    a = np.atleast_1d(np.asarray(alpha, dtype=float))
    if a.ndim != 1 or a.size not in (1, len(names)):
        raise ValueError(
            f"alpha must be one number, or one per state variable ({len(names)}: "
            f"{', '.join(names)}), got {alpha!r}."
        )
    a = np.broadcast_to(a, (len(names),)).copy()
    ok = (a > 0) & ((a <= 1) if closed else (a < 1))
    if not np.all(ok):
        rng = "(0, 1]" if closed else "(0, 1)"
        raise ValueError(_ALPHA_MSG.format(rng=rng, cls=cls, alpha=alpha, names=", ".join(names)))
    return a


def _inits(inits: Any, names: tuple[str, ...]) -> dict[str, jnp.ndarray]:
    if isinstance(inits, dict):
        if set(inits) != set(names):
            raise ValueError(
                f"inits must give the initial value of every state variable ({', '.join(names)})"
                f" and nothing else, got keys {sorted(inits)}."
            )
        values = [inits[n] for n in names]
    elif isinstance(inits, list | tuple) or np.ndim(_value(inits)) >= 1:
        values = list(inits)
        if len(values) != len(names):
            raise ValueError(
                f"inits must hold one initial value per state variable ({len(names)}: "
                f"{', '.join(names)}), got {len(values)}."
            )
    else:
        raise TypeError(
            f"inits must be a list/tuple (one value per state: {', '.join(names)}) or a dict "
            f"keyed by state name, got {type(inits).__name__}."
        )
    # a number is a 1-element array, as BrainPy's Variables make it
    float_ = jnp.result_type(float)
    return {n: jnp.atleast_1d(jnp.asarray(_value(v), float_)) for n, v in zip(names, values)}


def _fit(x: Any, shape: tuple) -> Any:
    """`x` as an entry of shape `shape`: reshaped if it has as many elements, else broadcast."""
    x = jnp.asarray(x)
    return x.reshape(shape) if x.size == math.prod(shape) else jnp.broadcast_to(x, shape)


class FDEIntegrator(DynamicalSystem):
    """A fractional-order integrator of `D^alpha y = f(y, t, *args)`, made by
    `eqbrain.fdeint` (BrainPy's `FDEIntegrator`).

    Called as BrainPy's integrals, `integral(*states, t, *args, dt=dt)`, it returns the
    states one step later and advances its memory (Variables: `reset_state()` or
    `reset(inits)` starts it again). Its subclasses are BrainPy's methods:
    `CaputoEuler`, `CaputoL1Schema` and `GLShortMemory`.
    """

    alpha: tuple[float, ...] = eqx.field(static=True)
    num_memory: int = eqx.field(static=True)
    dt: float | None = eqx.field(static=True)
    variables: tuple[str, ...] = eqx.field(static=True)
    arguments: tuple[str, ...] = eqx.field(static=True)
    idx: Variable
    _f_dyn: Any = eqx.field(repr=False, metadata={"internal": True})
    _f_static: Any = eqx.field(static=True, repr=False)
    _spec: CallSpec = eqx.field(static=True, repr=False)

    _closed = True  # whether alpha = 1 is allowed

    def __init__(
        self,
        f: Callable,
        alpha: Any,
        num_memory: int,
        inits: Any,
        dt: float | None = None,
        name: str | None = None,
    ):
        spec = read_signature(f)
        if isinstance(num_memory, bool) or not isinstance(num_memory, int | np.integer):
            raise TypeError(f"num_memory must be an int >= 1 (steps), got {num_memory!r}.")
        if num_memory < 1:
            raise ValueError(f"num_memory must be an int >= 1 (steps), got {num_memory!r}.")
        cls = type(self).__name__
        self.alpha = tuple(float(a) for a in _alphas(alpha, spec.variables, cls, self._closed))
        self.num_memory = int(num_memory)
        values = _inits(inits, spec.variables)
        super().__init__(name=name)
        self.dt = None if dt is None else float(_resolve_dt(dt))
        self.variables = spec.variables
        self.arguments = spec.arguments
        self._spec = spec
        self._f_dyn, self._f_static = _partition(detach(f))
        self._build(values)

    def _build(self, inits: dict[str, Any]) -> None:
        raise NotImplementedError

    @property
    def f(self) -> Callable:
        """The fractional derivative function."""
        if self._f_dyn is None:
            return self._f_static
        return eqx.combine(self._f_dyn, self._f_static)

    def reset(self, inits: Any) -> None:
        """Start again from the initial values `inits` (BrainPy's `reset`)."""
        values = _inits(inits, self.variables)
        for n in self.variables:
            if values[n].shape != self._shape(n):
                raise ValueError(
                    f"reset: the initial value of {n!r} must have shape {self._shape(n)} (the "
                    f"shape the integrator was built with), got {values[n].shape}."
                )
        self._restart(values)

    def _shape(self, name: str) -> tuple:
        raise NotImplementedError

    def _restart(self, inits: dict[str, Any]) -> None:
        raise NotImplementedError

    def update(self, *args: Any, dt: Any = None, **kwargs: Any) -> Any:
        """Advance the states from `t` to `t + dt`: `integral(*states, t, *args, dt=dt)`."""
        call = bind_call(self._spec, args, kwargs, dt)
        ys = tuple(_value(y) for y in call.states)
        t = _value(call.t)
        dt = _resolve_dt(self.dt if call.dt is None else call.dt)
        self._check_memory(t, dt)
        rest = tuple(_value(a) for a in call.args)
        kw = {k: _value(v) for k, v in call.kwargs.items()}
        out = self.f(*ys, t, *rest, **kw)
        n = len(self.variables)
        if n == 1 and not isinstance(self.f, JointEq):
            out = (out,)
        if not (isinstance(out, tuple | list) and len(out) == n):
            raise DiffEqError(
                f"{self._spec.fname} must return {n} derivatives, one per state variable "
                f"({', '.join(self.variables)}); got {type(out).__name__}."
            )
        devs = [jnp.asarray(d) for d in out]
        new = self._step(ys, devs, dt)
        self.idx.value = (self.idx.value + 1) % self.num_memory
        return new[0] if n == 1 else list(new)

    def _check_memory(self, t: Any, dt: Any) -> None:
        if isinstance(t, Tracer) or isinstance(dt, Tracer):
            return
        step, now = float(np.max(dt)), float(np.max(t))
        span = self.num_memory * step
        if now > span + 1e-9:
            need = int(np.ceil(now / step))
            raise ValueError(
                _MEMORY_MSG.format(
                    cls=type(self).__name__,
                    m=self.num_memory,
                    dt=step,
                    span=span,
                    t=now,
                    need=need,
                )
            )

    def _step(self, ys: tuple, devs: list, dt: Any) -> list:
        raise NotImplementedError

    def _order(self) -> jnp.ndarray:
        """The positions of the ring buffer, oldest first, for weights stored newest last."""
        return ((self.num_memory - 1 - self.idx.value) + jnp.arange(self.num_memory)) % (
            self.num_memory
        )


class CaputoEuler(FDEIntegrator):
    """The one-step (rectangle) Euler method for Caputo fractional equations,
    `0 < alpha < 1` (BrainPy's `bp.fde.CaputoEuler`, `fdeint(method='euler')`).

    `y_{k+1} = y_0 + h^alpha / Gamma(alpha + 1) * sum_j ((k+1-j)^alpha - (k-j)^alpha) f_j`,
    over the last `num_memory` derivatives.

    ```python
    intg = eqbrain.fdeint(0.8, 200, [1.0], lambda y, t: -y, method="euler")
    y = intg(y, t, dt=0.01)
    ```
    """

    inits: dict[str, Variable]
    f_states: dict[str, Variable]
    coef: jnp.ndarray

    _closed = False

    def __init__(
        self,
        f: Callable,
        alpha: Any,
        num_memory: int,
        inits: Any,
        dt: float | None = None,
        name: str | None = None,
    ):
        super().__init__(f, alpha, num_memory, inits, dt=dt, name=name)

    def _build(self, inits: dict[str, Any]) -> None:
        m = self.num_memory
        a = np.asarray(self.alpha)
        ranges = np.arange(m + 1, dtype=float)[:, None] ** a[None, :]
        coef = np.diff(ranges, axis=0) / gamma(a)[None, :]
        self.coef = jnp.asarray(coef[::-1], dtype=jnp.result_type(float))
        self.inits = {n: Variable(v) for n, v in inits.items()}
        self.f_states = {n: Variable(jnp.zeros((m, *v.shape), v.dtype)) for n, v in inits.items()}
        self.idx = Variable(jnp.asarray(1, jnp.int32))

    def _shape(self, name: str) -> tuple:
        return tuple(self.inits[name].value.shape)

    def _restart(self, inits: dict[str, Any]) -> None:
        self.idx.value = jnp.asarray(1, jnp.int32)
        for n, v in inits.items():
            self.inits[n].value = v
            self.f_states[n].value = jnp.zeros_like(self.f_states[n].value)

    def _step(self, ys: tuple, devs: list, dt: Any) -> list:
        order = self._order()
        out = []
        for i, (n, d) in enumerate(zip(self.variables, devs)):
            buf = self.f_states[n]
            buf.value = buf.value.at[self.idx.value].set(_fit(d, buf.value.shape[1:]))
            memory = jnp.tensordot(self.coef[order, i], buf.value, axes=1)
            a = self.alpha[i]
            out.append(self.inits[n].value + memory * (dt**a / a))
        return out


class CaputoL1Schema(FDEIntegrator):
    """The L1 scheme for Caputo fractional equations, `0 < alpha <= 1` (BrainPy's
    `bp.fde.CaputoL1Schema`, `fdeint(method='l1')`, the default).

    `x_N = dt^alpha Gamma(2 - alpha) F(x, t) + x_{N-1} - sum_k (x_{k+1} - x_k)
    ((N-k)^(1-alpha) - (N-1-k)^(1-alpha))`: a Markov term minus the memory trace of the
    last `num_memory` increments.

    ```python
    intg = eqbrain.fdeint(0.9, 200, [1.0], lambda y, t: -y)     # method='l1'
    y = intg(y, t, dt=0.01)
    ```
    """

    inits: dict[str, Variable]
    diff_states: dict[str, Variable]
    coef: jnp.ndarray
    gamma_alpha: tuple[float, ...] = eqx.field(static=True)

    def __init__(
        self,
        f: Callable,
        alpha: Any,
        num_memory: int,
        inits: Any,
        dt: float | None = None,
        name: str | None = None,
    ):
        super().__init__(f, alpha, num_memory, inits, dt=dt, name=name)

    def _build(self, inits: dict[str, Any]) -> None:
        m = self.num_memory
        ranges = np.arange(1, m + 2, dtype=float)[:, None] ** (1 - np.asarray(self.alpha)[None, :])
        self.coef = jnp.asarray(np.diff(ranges, axis=0)[::-1], dtype=jnp.result_type(float))
        self.gamma_alpha = tuple(float(g) for g in gamma(2 - np.asarray(self.alpha)))
        self.inits = {n: Variable(v) for n, v in inits.items()}
        self.diff_states = {
            n + "_diff": Variable(jnp.zeros((m, *v.shape), v.dtype)) for n, v in inits.items()
        }
        self.idx = Variable(jnp.asarray(m - 1, jnp.int32))

    def _shape(self, name: str) -> tuple:
        return tuple(self.inits[name].value.shape)

    def _restart(self, inits: dict[str, Any]) -> None:
        self.idx.value = jnp.asarray(self.num_memory - 1, jnp.int32)
        for n, v in inits.items():
            self.inits[n].value = v
            buf = self.diff_states[n + "_diff"]
            buf.value = jnp.zeros_like(buf.value)

    def _step(self, ys: tuple, devs: list, dt: Any) -> list:
        order = self._order()
        out = []
        for i, (n, y, d) in enumerate(zip(self.variables, ys, devs)):
            buf, prev = self.diff_states[n + "_diff"], self.inits[n]
            shape = buf.value.shape[1:]
            step = (
                _fit(y, shape) - prev.value if jnp.size(y) == math.prod(shape) else y - prev.value
            )
            buf.value = buf.value.at[self.idx.value].set(_fit(step, shape))
            prev.value = _fit(y, shape).astype(prev.value.dtype)
            markov = dt ** self.alpha[i] * self.gamma_alpha[i] * d + y
            out.append(markov - jnp.tensordot(self.coef[order, i], buf.value, axes=1))
        return out

    def hists(self, var: str | None = None, numpy: bool = True) -> Any:
        """The recorded history `x_0, x_1, ...` rebuilt from the increments (BrainPy's)."""
        names = self.variables if var is None else (var,)
        for n in names:
            if n not in self.variables:
                raise ValueError(
                    f"{n!r} is not a state variable of this equation: {self.variables}."
                )
        out = {}
        for n in names:
            h = jnp.cumsum(
                jnp.concatenate([self.inits[n].value[None], self.diff_states[n + "_diff"].value]),
                0,
            )
            out[n] = np.asarray(h) if numpy else h
        return out if var is None else out[var]


class GLShortMemory(FDEIntegrator):
    """The Grünwald-Letnikov method with the short-memory principle, `0 < alpha <= 1`
    (BrainPy's `bp.fde.GLShortMemory`, `fdeint(method='short-memory')`).

    `y_n = dt^alpha f(y_{n-1}) - sum_{j=1}^{num_memory} c_j y_{n-j}`, with the
    Grünwald-Letnikov weights `c_0 = 1`, `c_j = (1 - (1 + alpha) / j) c_{j-1}`.

    ```python
    intg = eqbrain.fdeint(0.99, 500, [1.0, 0.0, 1.0], lorenz, method="short-memory")
    ```
    """

    delays: dict[str, Variable]
    coef: jnp.ndarray

    def __init__(
        self,
        f: Callable,
        alpha: Any,
        inits: Any,
        num_memory: int,
        dt: float | None = None,
        name: str | None = None,
    ):
        super().__init__(f, alpha, num_memory, inits, dt=dt, name=name)

    def _build(self, inits: dict[str, Any]) -> None:
        m = self.num_memory
        j = np.arange(1, m + 1, dtype=float)[:, None]
        a = np.asarray(self.alpha)
        bc = np.cumprod(np.vstack([np.ones((1, len(a))), 1 - (1 + a) / j]), 0)
        self.coef = jnp.asarray(bc[1:][::-1], dtype=jnp.result_type(float))
        self.delays = {n + "_delay": Variable(self._history(v)) for n, v in inits.items()}
        self.idx = Variable(jnp.asarray(1, jnp.int32))

    @property
    def binomial_coef(self) -> np.ndarray:
        """The Grünwald-Letnikov weights `c_1 ... c_num_memory`, one column per state."""
        return np.asarray(self.coef)[::-1]

    def _history(self, v: Any) -> Any:
        return jnp.zeros((self.num_memory, *v.shape), v.dtype).at[0].set(v)

    def _shape(self, name: str) -> tuple:
        return tuple(self.delays[name + "_delay"].value.shape[1:])

    def _restart(self, inits: dict[str, Any]) -> None:
        self.idx.value = jnp.asarray(1, jnp.int32)
        for n, v in inits.items():
            self.delays[n + "_delay"].value = self._history(v)

    def _step(self, ys: tuple, devs: list, dt: Any) -> list:
        order = (self.idx.value + jnp.arange(self.num_memory)) % self.num_memory
        out = []
        for i, (n, d) in enumerate(zip(self.variables, devs)):
            buf = self.delays[n + "_delay"]
            total = jnp.tensordot(self.coef[:, i], buf.value[order], axes=1)
            new = dt ** self.alpha[i] * d - total
            buf.value = buf.value.at[self.idx.value].set(_fit(new, buf.value.shape[1:]))
            out.append(new)
        return out


FDE_METHODS: dict[str, type[FDEIntegrator]] = {
    "euler": CaputoEuler,
    "l1": CaputoL1Schema,
    "short-memory": GLShortMemory,
}


def fdeint(
    alpha: Any,
    num_memory: int,
    inits: Any,
    f: Callable | None = None,
    method: str | None = None,
    dt: float | None = None,
    name: str | None = None,
) -> Any:
    """Make a fractional-order integrator of `D^alpha y = f(y, t, *args)`, as BrainPy's
    `bp.fdeint` (without `f`, a decorator).

    | method | class | alpha |
    |---|---|---|
    | `'l1'` (default) | `CaputoL1Schema` | `(0, 1]` |
    | `'euler'` | `CaputoEuler` | `(0, 1)` |
    | `'short-memory'` | `GLShortMemory` (Grünwald-Letnikov) | `(0, 1]` |

    **Arguments:**

    - `alpha`: the fractional order, one number or one per state variable.
    - `num_memory`: how many past steps the integrator remembers (Caputo's methods
      refuse a call at `t > num_memory * dt`: `int(duration / dt) + 1` keeps the whole run).
    - `inits`: the initial values, one per state variable (a list, or a dict by name).
    - `f`: the derivative function, `f(y, t, *args)` as `odeint`'s.
    - `method`: the method (table above).
    - `dt`: a fixed step size; default `eqbrain.share.load('dt')` at each call.
    - `name`: the module's name.

    ```python
    intg = eqbrain.fdeint(alpha=0.8, num_memory=1000, inits=[1.0], f=lambda y, t: -y)
    runner = eqbrain.IntegratorRunner(intg, monitors=["y"], inits=[1.0], dt=0.01)
    runner.run(10.0)      # the Mittag-Leffler relaxation E_0.8(-t^0.8)
    ```
    """
    method = "l1" if method is None else method
    if not isinstance(method, str) or method not in FDE_METHODS:
        raise ValueError(
            f"Unknown FDE method {method!r}. Known methods: {', '.join(map(repr, FDE_METHODS))}"
            " ('l1' and 'euler' for Caputo derivatives, 'short-memory' for Grünwald-Letnikov)."
        )
    cls = FDE_METHODS[method]
    kw: dict[str, Any] = dict(alpha=alpha, num_memory=num_memory, inits=inits, dt=dt, name=name)
    if f is None:
        return lambda fn: cls(fn, **kw)
    return cls(f, **kw)
