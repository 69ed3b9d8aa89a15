"""`odeint(f, method=...)`: BrainPy's ODE integrators as a frozen `Integrator` module."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax.core import Tracer

from ..core import Module
from ._share import _check_dt, share


class _Tableau(NamedTuple):
    """An explicit Runge-Kutta method: `a` (lower triangle, row per stage), `b`, `c`."""

    a: tuple[tuple[float, ...], ...]
    b: tuple[float, ...]
    c: tuple[float, ...]
    order: int


# BrainPy's tableaus (`brainpy.integrators.ode.explicit_rk`); `rk2` is its generic
# second-order method with the default beta = 2/3, which is Ralston's.
_TABLEAUS: dict[str, _Tableau] = {
    "euler": _Tableau(a=((),), b=(1.0,), c=(0.0,), order=1),
    "midpoint": _Tableau(a=((), (0.5,)), b=(0.0, 1.0), c=(0.0, 0.5), order=2),
    "heun2": _Tableau(a=((), (1.0,)), b=(0.5, 0.5), c=(0.0, 1.0), order=2),
    "ralston2": _Tableau(a=((), (2 / 3,)), b=(0.25, 0.75), c=(0.0, 2 / 3), order=2),
    "rk2": _Tableau(a=((), (2 / 3,)), b=(0.25, 0.75), c=(0.0, 2 / 3), order=2),
    "rk3": _Tableau(
        a=((), (0.5,), (-1.0, 2.0)), b=(1 / 6, 2 / 3, 1 / 6), c=(0.0, 0.5, 1.0), order=3
    ),
    "rk4": _Tableau(
        a=((), (0.5,), (0.0, 0.5), (0.0, 0.0, 1.0)),
        b=(1 / 6, 1 / 3, 1 / 3, 1 / 6),
        c=(0.0, 0.5, 0.5, 1.0),
        order=4,
    ),
}
_ORDERS: dict[str, int | None] = {
    **{k: t.order for k, t in _TABLEAUS.items()},
    "exp_euler": 1,
    "diffrax": None,
}
METHODS: tuple[str, ...] = tuple(_ORDERS)

_UNKNOWN_METHOD_MSG = """\
Unknown integration method {method!r}. Known methods: {known}. For adaptive or stiff \
problems use method='diffrax' with a diffrax solver (`pip install eqbrain[diffrax]`)."""

_NO_T_MSG = """\
{f} has no parameter named 't'. eqbrain.odeint follows BrainPy: the derivative function \
is f(y, t, *args) -- the parameters before `t` are the state variables, those after it \
the arguments, e.g. `def f(V, w, t, I): return dV, dw`."""

_T_FIRST_MSG = """\
{f} has no state variable before its `t` parameter. eqbrain.odeint follows BrainPy's \
f(y, t, *args), not diffrax's f(t, y, args): write `def f(V, t, I): ...`, or pass a \
diffrax-style function to diffrax directly."""

_CALL_MSG = """\
This Integrator of {f}{sig} expects {n} state variable{s} ({states}), then t{rest}: \
call it as `integral({call}, dt=dt)`. Got {got} positional argument{gs}."""

_DERIV_MSG = """\
{f} must return {n} derivatives ({derivs}), one per state variable ({states}), each with \
the state's pytree structure; got {got}."""

_DIFFRAX_MSG = """\
method='diffrax' needs the optional dependency diffrax: `pip install diffrax` (or \
`pip install eqbrain[diffrax]`)."""

_DIFFRAX_ONLY_MSG = """\
`solver` and `stepsize_controller` apply only to method='diffrax', not {method!r}."""


def _check_method(method: Any) -> None:
    if not isinstance(method, str) or method not in _ORDERS:
        known = ", ".join(repr(m) for m in METHODS)
        raise ValueError(_UNKNOWN_METHOD_MSG.format(method=method, known=known))


def _describe(f: Callable) -> str:
    return getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f)


def _split_signature(f: Callable) -> tuple[inspect.Signature, tuple[str, ...], tuple]:
    """`f`'s signature, its state variables (before `t`) and the parameters after `t`."""
    if not callable(f):
        raise TypeError(f"odeint needs a callable derivative function f(y, t, *args), got {f!r}.")
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"odeint could not read the signature of {f!r} ({e}); it needs a Python "
            "function f(y, t, *args) whose parameters before `t` are the state variables."
        ) from None
    params = list(sig.parameters.values())
    names = [p.name for p in params]
    if "t" not in names:
        raise ValueError(_NO_T_MSG.format(f=_describe(f)))
    i = names.index("t")
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if params[i].kind not in positional or any(p.kind not in positional for p in params[:i]):
        raise ValueError(
            f"In {_describe(f)}{sig}, `t` and the state variables before it must be plain "
            "positional parameters (no *args or keyword-only parameters before `t`)."
        )
    if i == 0:
        raise ValueError(_T_FIRST_MSG.format(f=_describe(f)))
    return sig, tuple(names[:i]), tuple(params[i + 1 :])


def _resolve_dt(dt: Any) -> Any:
    """The step size to use: checked when concrete, passed through when traced."""
    if dt is None:
        dt = share.load("dt")
    if isinstance(dt, Tracer):
        return dt
    if isinstance(dt, jax.Array | np.ndarray) and np.ndim(dt) > 0:
        a = np.asarray(dt)
        if not (np.issubdtype(a.dtype, np.number) and np.all(np.isfinite(a)) and np.all(a > 0)):
            raise ValueError(f"dt must be positive and finite everywhere, got {dt!r}.")
        return dt
    checked = _check_dt(dt)
    return dt if isinstance(dt, jax.Array | np.ndarray) else checked


def _phi(z: jax.Array) -> jax.Array:
    """`(exp(z) - 1) / z`, exact at and near 0 (value and gradient)."""
    small = jnp.abs(z) < 1e-6
    safe = jnp.where(small, 1.0, z)
    return jnp.where(small, 1.0 + z / 2.0 + z * z / 6.0, jnp.expm1(safe) / safe)


class _VectorField(eqx.Module):
    """`f(y, t, *args)` as diffrax's `vector_field(t, y, args)`."""

    f: Callable = eqx.field(static=True)
    n_state: int = eqx.field(static=True)
    packed: bool = eqx.field(static=True, default=False)

    def __call__(self, t, y, args):
        ys = (y,) if self.n_state == 1 else tuple(y)
        if self.packed:  # args = (positional, keyword) from an Integrator call
            pos, kw = args
        else:
            pos, kw = (() if args is None else args if isinstance(args, tuple) else (args,)), {}
        out = self.f(*ys, t, *pos, **kw)
        return out if self.n_state == 1 else tuple(out)


def diffrax_term(f: Callable) -> Any:
    """A `diffrax.ODETerm` for a BrainPy-style derivative function `f(y, t, *args)`.

    Diffrax calls `vector_field(t, y, args)`; this adapter calls `f(*y, t, *args)` when
    `f` has several state variables (then `y` is their tuple) and `f(y, t, *args)` for
    one. `args` is the tuple of `f`'s extra arguments (a non-tuple is the only one).

    **Arguments:**

    - `f`: the derivative function; its parameters before `t` are the state variables.

    ```python
    def f(V, w, t, I):
        return -V - w + I, (V - w) / 10.0

    sol = diffrax.diffeqsolve(eqbrain.diffrax_term(f), diffrax.Tsit5(), t0=0.0, t1=10.0,
                              dt0=0.1, y0=(V0, w0), args=(I,))
    ```
    """
    try:
        import diffrax
    except ImportError:  # pragma: no cover - diffrax is installed in the test extra
        raise ImportError(_DIFFRAX_MSG) from None
    _, states, _ = _split_signature(f)
    return diffrax.ODETerm(_VectorField(f, len(states)))


class Integrator(Module):
    """A numerical integrator of `f(y, t, *args)`, made by `eqbrain.odeint`.

    Call it as BrainPy's integrals: `integral(*states, t, *args, dt=dt, **kwargs)`
    returns the states one step `dt` later (a tuple if `f` has several). `dt` defaults
    to the one given to `odeint`, else `eqbrain.share.load('dt')`, read at each call (at
    trace time under `jit`). A concrete `dt` must be positive and finite.

    It is a frozen `eqbrain.Module` with no Variables (`f` and `method` are static), so
    it works inside `jax.jit`, `eqx.filter_jit`, `eqbrain.jit`, `jax.vmap` and
    `jax.grad`, and as a field of a model.

    **Arguments:**

    - `f`: the derivative function; its parameters before `t` are the state variables.
    - `method`: one of `eqbrain.odeint`'s methods.
    - `dt`: a fixed step size (default: `eqbrain.share`'s at each call).
    - `solver`, `stepsize_controller`, `max_steps`: for `method='diffrax'` only.
    - `name`: the module's name (default: `Integrator<k>`).
    """

    f: Callable = eqx.field(static=True)
    method: str = eqx.field(static=True)
    dt: float | None = eqx.field(static=True)
    variables: tuple[str, ...] = eqx.field(static=True)
    arguments: tuple[str, ...] = eqx.field(static=True)
    solver: Any
    stepsize_controller: Any
    max_steps: int = eqx.field(static=True)
    _sig: inspect.Signature = eqx.field(static=True, repr=False)

    def __init__(
        self,
        f: Callable,
        method: str = "euler",
        *,
        dt: float | None = None,
        solver: Any = None,
        stepsize_controller: Any = None,
        max_steps: int = 4096,
        name: str | None = None,
    ):
        _check_method(method)
        sig, states, after = _split_signature(f)
        if method != "diffrax" and (solver is not None or stepsize_controller is not None):
            raise ValueError(_DIFFRAX_ONLY_MSG.format(method=method))
        if method == "diffrax":
            try:
                import diffrax
            except ImportError:
                raise ImportError(_DIFFRAX_MSG) from None
            solver = diffrax.Tsit5() if solver is None else solver
            if stepsize_controller is None:
                stepsize_controller = diffrax.PIDController(rtol=1e-6, atol=1e-8)
        super().__init__(name=name)
        self.f = f
        self.method = method
        self.dt = None if dt is None else _check_dt(dt)
        self.variables = states
        self.arguments = tuple(p.name for p in after)
        self.solver = solver
        self.stepsize_controller = stepsize_controller
        self.max_steps = max_steps
        self._sig = sig

    @property
    def order(self) -> int | None:
        """The method's order of accuracy (`None` for the adaptive `'diffrax'`)."""
        return _ORDERS[self.method]

    def __call__(self, *args: Any, dt: Any = None, **kwargs: Any) -> Any:
        """Advance the states from `t` to `t + dt`: `integral(*states, t, *args, dt=dt)`."""
        n = len(self.variables)
        self._check_call(args, kwargs)
        ys, t, rest = tuple(args[:n]), args[n], args[n + 1 :]
        dt = _resolve_dt(self.dt if dt is None else dt)
        if self.method == "exp_euler":
            out = self._exp_euler(ys, t, rest, kwargs, dt)
        elif self.method == "diffrax":
            out = self._diffrax(ys, t, rest, kwargs, dt)
        else:
            out = self._runge_kutta(_TABLEAUS[self.method], ys, t, rest, kwargs, dt)
        return out[0] if n == 1 else out

    # -- internals ----------------------------------------------------------------------

    def _check_call(self, args: tuple, kwargs: dict) -> None:
        n = len(self.variables)
        params = list(self._sig.parameters.values())[n + 1 :]
        if len(args) > n and not kwargs:  # the fast path: count the positional arguments
            varargs = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
            positional = [p for p in params if p.kind in _POSITIONAL]
            required = sum(p.default is inspect.Parameter.empty for p in positional)
            extra = len(args) - n - 1
            if extra >= required and (varargs or extra <= len(positional)):
                return
        elif len(args) > n:
            try:
                self._sig.bind(*args, **kwargs)
                return
            except TypeError:
                pass
        rest = "".join(f", {p.name}" for p in params if p.kind in _POSITIONAL)
        call = ", ".join(self.variables) + ", t" + rest
        raise TypeError(
            _CALL_MSG.format(
                f=_describe(self.f),
                sig=self._sig,
                n=n,
                s="" if n == 1 else "s",
                states=", ".join(self.variables),
                rest=f", then {rest[2:]}" if rest else "",
                call=call,
                got=len(args),
                gs="" if len(args) == 1 else "s",
            )
        )

    def _derivatives(self, ys: tuple, t: Any, args: tuple, kwargs: dict, check: bool) -> tuple:
        out = self.f(*ys, t, *args, **kwargs)
        n = len(self.variables)
        if n == 1:
            out = (out,)
        elif isinstance(out, tuple | list) and len(out) == n:
            out = tuple(out)
        else:
            if isinstance(out, tuple | list):
                self._bad_derivatives(f"a {type(out).__name__} of length {len(out)}")
            self._bad_derivatives(f"a {type(out).__name__}")
        if check:
            self._check_structure(ys, out)
        return out

    def _bad_derivatives(self, got: str):
        raise TypeError(
            _DERIV_MSG.format(
                f=_describe(self.f),
                n=len(self.variables),
                derivs=", ".join("d" + v for v in self.variables),
                states=", ".join(self.variables),
                got=got,
            )
        )

    def _runge_kutta(self, tab: _Tableau, ys, t, args, kwargs, dt) -> tuple:
        ks: list[tuple] = []
        for i, (a_i, c_i) in enumerate(zip(tab.a, tab.c)):
            terms = [(a, k) for a, k in zip(a_i, ks) if a != 0.0]
            y_i = ys if not terms else _axpy(ys, dt, terms)
            t_i = t if c_i == 0.0 else t + c_i * dt
            ks.append(self._derivatives(y_i, t_i, args, kwargs, check=i == 0))
        return _axpy(ys, dt, [(b, k) for b, k in zip(tab.b, ks) if b != 0.0])

    def _exp_euler(self, ys, t, args, kwargs, dt) -> tuple:
        n = len(self.variables)

        def fn(*ys_):
            return self._derivatives(ys_, t, args, kwargs, check=False)

        ones = tuple(jtu.tree_map(jnp.ones_like, y) for y in ys)
        if n == 1:
            derivs, diag = jax.jvp(fn, ys, ones)
        else:
            derivs, lin = jax.linearize(fn, *ys)
            zeros = tuple(jtu.tree_map(jnp.zeros_like, y) for y in ys)
            diag = tuple(lin(*zeros[:i], ones[i], *zeros[i + 1 :])[i] for i in range(n))
        self._check_structure(ys, derivs)
        return jtu.tree_map(lambda y, d, a: y + dt * _phi(a * dt) * d, ys, derivs, diag)

    def _check_structure(self, ys: tuple, derivs: tuple) -> None:
        for y, d in zip(ys, derivs):
            if jtu.tree_structure(y) != jtu.tree_structure(d):
                self._bad_derivatives(
                    f"structure {jtu.tree_structure(d)} for a state of structure "
                    f"{jtu.tree_structure(y)}"
                )

    def _diffrax(self, ys, t, args, kwargs, dt) -> tuple:
        import diffrax

        n = len(self.variables)
        term = diffrax.ODETerm(_VectorField(self.f, n, packed=True))
        adaptive = not isinstance(self.stepsize_controller, diffrax.ConstantStepSize)
        # arrays, not Python floats: diffeqsolve's filter_jit would compile for each value
        t0 = jnp.asarray(t)
        dt = jnp.asarray(dt, dtype=jnp.result_type(t0, dt))
        sol = diffrax.diffeqsolve(
            term,
            self.solver,
            t0=t0,
            t1=t0 + dt,
            dt0=None if adaptive else dt,
            y0=ys[0] if n == 1 else ys,
            args=(args, kwargs),
            saveat=diffrax.SaveAt(t1=True),
            stepsize_controller=self.stepsize_controller,
            max_steps=self.max_steps,
        )
        y1 = jtu.tree_map(lambda x: x[0], sol.ys)
        return (y1,) if n == 1 else tuple(y1)


_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _axpy(ys: tuple, dt: Any, terms: list[tuple[float, tuple]]) -> tuple:
    """`ys + dt * sum(coef * k)` leaf by leaf, skipping nothing JAX would not."""

    def leaf(y, *ks):
        acc = terms[0][0] * ks[0] if terms[0][0] != 1.0 else ks[0]
        for (c, _), k in zip(terms[1:], ks[1:]):
            acc = acc + (c * k if c != 1.0 else k)
        return y + dt * acc

    return jtu.tree_map(leaf, ys, *(k for _, k in terms))


def odeint(
    f: Callable | None = None,
    method: str = "euler",
    *,
    dt: float | None = None,
    solver: Any = None,
    stepsize_controller: Any = None,
    max_steps: int = 4096,
    name: str | None = None,
) -> Integrator | Callable[[Callable], Integrator]:
    """Make an `Integrator` of `f(y, t, *args)`, as BrainPy's `bp.odeint`.

    The parameters of `f` before the one named `t` are the state variables, those after
    it the arguments; with several states `f` returns a tuple of their derivatives. One
    state may be any pytree (its derivative then has the same structure). Without `f`,
    `odeint(method=...)` is a decorator.

    | method | order | |
    |---|---|---|
    | `'euler'` | 1 | forward Euler |
    | `'midpoint'`, `'heun2'`, `'ralston2'`, `'rk2'` | 2 | `rk2` = Ralston's (beta 2/3) |
    | `'rk3'` | 3 | Kutta's third order |
    | `'rk4'` | 4 | the classical Runge-Kutta method |
    | `'exp_euler'` | 1 | exponential Euler; exact for linear `dy/dt = a y + b` |
    | `'diffrax'` | adaptive | `diffrax.diffeqsolve` from `t` to `t + dt` |

    `'exp_euler'` takes each state's own linear part `A = ∂f_i/∂y_i` by autodiff and
    steps `y + dt * (exp(A dt) - 1)/(A dt) * f(y)`. Like BrainPy it takes `A`
    elementwise: each element's derivative must depend on its own value only, as in a
    population of neurons.

    **Arguments:**

    - `f`: the derivative function `f(y, t, *args)` (or `f(V, w, t, *args)`).
    - `method`: the integration method (default `'euler'`, as BrainPy).
    - `dt`: a fixed step size; default `eqbrain.share.load('dt')` at each call.
    - `solver`: for `'diffrax'`, a diffrax solver (default `diffrax.Tsit5()`; for stiff
        problems e.g. `diffrax.Kvaerno5()`).
    - `stepsize_controller`: for `'diffrax'` (default
        `diffrax.PIDController(rtol=1e-6, atol=1e-8)`).
    - `max_steps`: for `'diffrax'`, the most inner steps per call.
    - `name`: the module's name.

    ```python
    def f(V, w, t, I):
        return (-V + I - w) / 10.0, (V - w) / 100.0

    integral = eqbrain.odeint(f, method="rk4")
    V, w = integral(V, w, 0.0, 2.0, dt=0.1)

    @eqbrain.odeint(method="exp_euler")
    def dV(V, t, I):
        return (-V + I) / 10.0
    ```
    """
    kw = dict(
        dt=dt,
        solver=solver,
        stepsize_controller=stepsize_controller,
        max_steps=max_steps,
        name=name,
    )
    if f is None:
        _check_method(method)
        return lambda fn: Integrator(fn, method, **kw)
    return Integrator(f, method, **kw)
