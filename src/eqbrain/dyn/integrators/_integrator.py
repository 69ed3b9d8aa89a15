"""`ODEIntegrator`: BrainPy's ODE integrators as a frozen module (`odeint` makes one)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax.core import Tracer

from ..._core import Module, OwnerBound, Variable, is_variable
from ..._errors import MathError
from .._share import _check_dt, share
from . import _diffrax, _steps
from ._joint_eq import JointEq
from ._methods import detach, is_method, to_bound, to_owner
from ._signature import CallSpec, bind_call, check_reserved_names, read_signature
from ._tableaus import EMBEDDED, FIXED, NAMES, ButcherTableau, rk2

EXPONENTIAL = ("exp_euler", "exponential_euler", "exp_euler_auto", "exp_auto")
METHODS: tuple[str, ...] = (*FIXED, *EMBEDDED, *EXPONENTIAL, "diffrax")
VAR_TYPES = ("scalar", "population", "system")

_UNKNOWN_METHOD_MSG = """\
Unknown integration method {method!r}. Known methods: {known}. For stiff problems, or \
error control that rejects steps, use method='diffrax' with a diffrax solver \
(`pip install eqbrain[diffrax]`)."""

_ADAPTIVE_MSG = """\
`{what}` needs a method with an embedded error estimate: {embedded}; {method!r} has \
none. For error control that rejects and retries steps, use method='diffrax' with \
diffrax.PIDController."""

_DIFFRAX_ONLY_MSG = """\
`solver` and `stepsize_controller` apply only to method='diffrax', not {method!r}."""

_INT_STATE_MSG = """\
Exponential Euler ({method!r}) integrates floating-point states, but the state {name!r} \
has dtype {dtype}: the linear part df/d{name} is taken by autodiff, which has no \
derivative for integers. Make the state a float (`jnp.asarray({name}, jnp.float32)`, or \
a Variable created from a float array), or use a Runge-Kutta method such as 'rk4'."""

_UNBOUND_MSG = """\
This integrator integrates {what}, a method of the module that holds it, so it must be \
read from that module to know which copy to use (the original, or the copy that \
jax.jit, eqx.filter_grad or eqbrain.grad traces): call it as an attribute of the \
module, e.g. `self.integral(V, t, I)` inside it, not through a reference taken from its \
fields."""

_DERIV_MSG = """\
{f} must return {n} derivatives ({derivs}), one per state variable ({states}), each with \
the state's pytree structure; got {got}."""


def _check_method(method: Any) -> str:
    if method is None:
        return "euler"
    if not isinstance(method, str) or method not in METHODS:
        known = ", ".join(repr(m) for m in METHODS)
        raise ValueError(_UNKNOWN_METHOD_MSG.format(method=method, known=known))
    return method


def _check_var_type(var_type: Any) -> str:
    if var_type is None:
        return "population"
    if isinstance(var_type, str) and var_type.lower() in VAR_TYPES:
        return var_type.lower()
    raise ValueError(
        f"var_type must be one of {VAR_TYPES} (BrainPy's kinds of state variable), got "
        f"{var_type!r}."
    )


def _resolve_dt(dt: Any) -> Any:
    """The step size to use: checked when concrete, passed through when traced."""
    if dt is None:
        dt = share.load("dt")
    if isinstance(dt, Variable):
        dt = dt.value
    if isinstance(dt, Tracer):
        return dt
    if isinstance(dt, jax.Array | np.ndarray) and np.ndim(dt) > 0:
        a = np.asarray(dt)
        if not (np.issubdtype(a.dtype, np.number) and np.all(np.isfinite(a)) and np.all(a > 0)):
            raise ValueError(f"dt must be positive and finite everywhere, got {dt!r}.")
        return dt
    checked = _check_dt(dt)
    return dt if isinstance(dt, jax.Array | np.ndarray) else checked


def _value(x: Any) -> Any:
    return x.value if isinstance(x, Variable) else x


def _is_dynamic(x: Any) -> bool:
    return eqx.is_array(x) or is_variable(x)


def _partition(f: Any) -> tuple[Any, Any]:
    """`f`'s arrays and Variables (None if it has none), and the rest."""
    dyn, static = eqx.partition(f, _is_dynamic, is_leaf=is_variable)
    return (dyn if jtu.tree_leaves(dyn, is_leaf=is_variable) else None), static


def _frac(x: float) -> str:
    q = Fraction(x).limit_denominator(100000)
    if abs(float(q) - x) < 1e-12:
        return str(q)
    return f"{x:.8g}"


class ODEIntegrator(Module, OwnerBound):
    """A numerical integrator of `f(y, t, *args)`, made by `eqbrain.odeint`.

    Call it as BrainPy's integrals: `integral(*states, t, *args, dt=dt, **kwargs)` returns
    the states one step `dt` later (a tuple if `f` has several). The parameters may also
    be passed by name, and `dt` as one more positional argument after all of `f`'s.
    `dt` defaults to the one given to `odeint`, else `eqbrain.share.load('dt')`, read at
    each call (at trace time under `jit`); a concrete `dt` must be positive and finite.
    With `adaptive=True`, the call also returns the next step size: `(*states, dt_new)`.

    It is a frozen `eqbrain.Module` without Variables of its own, so it works inside
    `jax.jit`, `eqx.filter_jit`, `eqbrain.jit`, `jax.vmap` and `jax.grad`, and as a field
    of a model. A method of the module that holds it (`odeint(self.derivative)`) is
    bound to whichever copy of the module reads it; a method of another module, or a
    callable Equinox module, is part of its pytree.

    **Arguments:** as `eqbrain.odeint`, which makes it.

    ```python
    integral = eqbrain.ODEIntegrator(lambda V, t, I: (-V + I) / 10.0, "exp_auto")
    V = integral(V, 0.0, 2.0, dt=0.1)
    integral.order, integral.variables, integral.arguments    # 1, ('V',), ('I',)
    ```
    """

    method: str = eqx.field(static=True)
    dt: float | None = eqx.field(static=True)
    variables: tuple[str, ...] = eqx.field(static=True)
    arguments: tuple[str, ...] = eqx.field(static=True)
    var_type: str = eqx.field(static=True)
    adaptive: bool = eqx.field(static=True)
    tol: float | None = eqx.field(static=True)
    tableau: ButcherTableau | None = eqx.field(static=True, repr=False)
    max_steps: int = eqx.field(static=True, repr=False)
    _diffrax_dyn: Any = eqx.field(repr=False, metadata={"internal": True})
    _diffrax_static: Any = eqx.field(static=True, repr=False)
    _f_dyn: Any = eqx.field(repr=False, metadata={"internal": True})
    _f_static: Any = eqx.field(static=True, repr=False)
    _relative: bool = eqx.field(static=True, repr=False)
    _spec: CallSpec = eqx.field(static=True, repr=False)

    def __init__(
        self,
        f: Callable,
        method: str | None = "euler",
        *,
        dt: float | None = None,
        var_type: str | None = None,
        adaptive: bool | None = None,
        tol: float | None = None,
        beta: float | None = None,
        show_code: bool = False,
        solver: Any = None,
        stepsize_controller: Any = None,
        max_steps: int = 4096,
        name: str | None = None,
    ):
        method = _check_method(method)
        spec = read_signature(f)
        var_type = _check_var_type(var_type)
        adaptive = bool(adaptive)
        if method not in EMBEDDED and (adaptive or tol is not None):
            what = "adaptive=True" if adaptive else "tol"
            embedded = ", ".join(repr(m) for m in EMBEDDED)
            raise ValueError(_ADAPTIVE_MSG.format(what=what, embedded=embedded, method=method))
        if tol is not None and not (isinstance(tol, int | float) and tol > 0):
            raise ValueError(f"tol must be a positive number, got {tol!r}.")
        if beta is not None and method != "rk2":
            raise ValueError(f"beta sets rk2's tableau; it does not apply to {method!r}.")
        if method != "diffrax" and (solver is not None or stepsize_controller is not None):
            raise ValueError(_DIFFRAX_ONLY_MSG.format(method=method))
        if method in EXPONENTIAL and var_type == "system":
            raise NotImplementedError(
                "Exponential Euler takes each state's linear part elementwise, so it "
                "cannot integrate var_type='system' (a state whose elements are coupled "
                "through a full Jacobian). Use a Runge-Kutta method ('rk4'), or "
                "method='diffrax' with an implicit solver such as diffrax.Kvaerno5()."
            )
        if method == "diffrax":
            diffrax = _diffrax.import_diffrax()
            solver = diffrax.Tsit5() if solver is None else solver
            if stepsize_controller is None:
                stepsize_controller = diffrax.PIDController(rtol=1e-6, atol=1e-8)
        tableau = FIXED.get(method) or EMBEDDED.get(method)
        if method == "rk2" and beta is not None:
            tableau = rk2(beta)
        if tableau is not None:
            check_reserved_names(spec, method, tableau.stages, adaptive)
        super().__init__(name=name)
        self.method = method
        self.dt = None if dt is None else _check_dt(dt)
        self.variables = spec.variables
        self.arguments = spec.arguments
        self.var_type = var_type
        self.adaptive = adaptive
        self.tol = (0.1 if tol is None else float(tol)) if method in EMBEDDED else None
        self.tableau = tableau
        # arrays in the pytree, the rest static: `jax.jit` takes the model as it is
        self._diffrax_dyn, self._diffrax_static = _partition((solver, stepsize_controller))
        self.max_steps = max_steps
        self._f_dyn, self._f_static = _partition(detach(f))
        self._relative = False
        self._spec = spec
        if show_code:
            print(self.describe())

    # -- BrainPy's attributes ------------------------------------------------------------

    @property
    def f(self) -> Callable:
        """The derivative function."""
        return self._derivative(None)

    @property
    def solver(self) -> Any:
        """The diffrax solver of `method='diffrax'` (else `None`)."""
        return self._diffrax()[0]

    @property
    def stepsize_controller(self) -> Any:
        """The diffrax step-size controller of `method='diffrax'` (else `None`)."""
        return self._diffrax()[1]

    def _diffrax(self) -> tuple[Any, Any]:
        if self._diffrax_dyn is None:
            return self._diffrax_static
        return eqx.combine(self._diffrax_dyn, self._diffrax_static, is_leaf=is_variable)

    @property
    def parameters(self) -> tuple[str, ...]:
        """`t` and the arguments after it (BrainPy's `parameters`)."""
        return ("t", *self.arguments)

    @property
    def order(self) -> int | None:
        """The method's order of accuracy (`None` for `'diffrax'`, set by its solver)."""
        if self.tableau is not None:
            return self.tableau.order
        return 1 if self.method in EXPONENTIAL else None

    # -- calling -------------------------------------------------------------------------

    def __call__(self, *args: Any, dt: Any = None, **kwargs: Any) -> Any:
        """Advance the states from `t` to `t + dt`: `integral(*states, t, *args, dt=dt)`."""
        return self._call(None, args, kwargs, dt)

    def _drift(self, owner: Any) -> Any:
        """The deterministic part of the equation, bound to `owner`."""
        return self._derivative(owner)

    def _derivative(self, owner: Any) -> Any:
        f = self._f_static
        if self._f_dyn is not None:
            f = eqx.combine(self._f_dyn, f, is_leaf=is_variable)
        if owner is not None and self._relative:
            f = jtu.tree_map(lambda x: to_bound(x, owner), f, is_leaf=is_method)
        return f

    def _call(self, owner: Any, args: tuple, kwargs: dict, dt: Any) -> Any:
        if self._relative and owner is None:
            raise RuntimeError(_UNBOUND_MSG.format(what=self._spec.fname))
        call = bind_call(self._spec, args, kwargs, dt)
        ys = tuple(_value(y) for y in call.states)
        t = _value(call.t)
        rest = tuple(_value(a) for a in call.args)
        kw = {k: _value(v) for k, v in call.kwargs.items()}
        dt = _resolve_dt(self.dt if call.dt is None else call.dt)
        f = self._derivative(owner)
        n = len(self.variables)
        if self.method in EXPONENTIAL:
            out = self._exp_euler(f, ys, t, rest, kw, dt)
        elif self.method == "diffrax":
            solver, controller = self._diffrax()
            out = _diffrax.solve(f, n, solver, controller, self.max_steps, ys, t, rest, kw, dt)
        else:
            checked = []

            def fn(ys_: tuple, t_: Any) -> tuple:
                d = self._derivs(f, ys_, t_, rest, kw, check=not checked)
                checked.append(True)
                return d

            assert self.tableau is not None
            if self.adaptive:
                new, dt_new = _steps.embedded(
                    fn, self.tableau, ys, t, dt, self.tol or 0.1, self.var_type == "scalar"
                )
                return (*new, dt_new)
            out = _steps.runge_kutta(fn, self.tableau, ys, t, dt)
        return out[0] if n == 1 else out

    def _derivs(self, f: Any, ys: tuple, t: Any, args: tuple, kwargs: dict, check: bool):
        return self._as_derivs(f, f(*ys, t, *args, **kwargs), ys, self.variables, check)

    def _as_derivs(self, f: Any, out: Any, ys: tuple, names: tuple, check: bool) -> tuple:
        n = len(names)
        if n == 1 and not (f is JointEq or isinstance(f, JointEq)):
            out = (out,)
        elif isinstance(out, tuple | list) and len(out) == n:
            out = tuple(out)
        elif isinstance(out, tuple | list):
            self._bad_derivatives(names, f"a {type(out).__name__} of length {len(out)}")
        else:
            self._bad_derivatives(names, f"a {type(out).__name__}")
        if check:
            for y, d in zip(ys, out):
                if jtu.tree_structure(y) != jtu.tree_structure(d):
                    self._bad_derivatives(
                        names,
                        f"structure {jtu.tree_structure(d)} for a state of structure "
                        f"{jtu.tree_structure(y)}",
                    )
        return out

    def _bad_derivatives(self, names: tuple, got: str):
        raise TypeError(
            _DERIV_MSG.format(
                f=self._spec.fname,
                n=len(names),
                derivs=", ".join("d" + v for v in names),
                states=", ".join(names),
                got=got,
            )
        )

    def _exp_euler(self, f: Any, ys: tuple, t: Any, args: tuple, kwargs: dict, dt: Any):
        for name, y in zip(self.variables, ys):
            for leaf in jtu.tree_leaves(y):
                dtype = jnp.result_type(leaf)
                if not jnp.issubdtype(dtype, jnp.floating):
                    raise MathError(
                        _INT_STATE_MSG.format(method=self.method, name=name, dtype=dtype)
                    )
        index = {v: i for i, v in enumerate(self.variables)}
        if isinstance(f, JointEq):  # each equation with its own state, as BrainPy
            parts = f.blocks(*ys, t, *args, **kwargs)
        else:
            parts = [
                (self.variables, lambda *ys_: self._as_derivs(f, f(*ys_, t, *args, **kwargs),
                                                              ys_, self.variables, False))
            ]  # fmt: skip
        blocks = []
        for names, fn in parts:
            idx = tuple(index[v] for v in names)

            def checked(*ys_, fn=fn, names=names):
                return self._as_derivs(JointEq, tuple(fn(*ys_)), ys_, names, True)

            blocks.append((idx, checked))
        return _steps.exponential_euler(blocks, ys, dt)

    # -- binding to the module that holds it ------------------------------------------------

    def attach_owner(self, owner: Any) -> ODEIntegrator:
        """Called when stored in a field of `owner`: a method of `owner` in the derivative
        becomes a reference to "the holder", so the model tree has no cycle."""
        found = []

        def conv(x):
            y, hit = to_owner(x, owner)
            if hit:
                found.append(x)
            return y

        leaf = lambda x: is_method(x) or x is owner  # noqa: E731
        g = jtu.tree_map(conv, self._derivative(None), is_leaf=leaf)
        if found:  # adopted by its owner: rewrite this (new, not yet shared) integrator
            d = object.__getattribute__(self, "__dict__")
            d["_f_dyn"], d["_f_static"] = _partition(g)
            d["_relative"] = True
        return self

    def bind_owner(self, owner: Any) -> Any:
        """Called when read from a field of `owner`: bound to it if it integrates a method
        of its holder."""
        return BoundIntegrator(self, owner) if self._relative else self

    # -- show_code -------------------------------------------------------------------------

    def describe(self) -> str:
        """The step this integrator takes, written out (what `show_code=True` prints)."""
        states = ", ".join(self.variables)
        y = states if len(self.variables) == 1 else f"y = ({states})"
        yv = self.variables[0] if len(self.variables) == 1 else "y"
        args = "".join(f", {a}" for a in self.arguments)
        head = f"{self.method}: "
        if self.method in EXPONENTIAL:
            return "\n".join(
                [
                    head + f"exponential Euler (order 1) for {self._spec.fname}"
                    f"{self._spec.text}; for each state x of {states}, the others held:",
                    "  A = d f_x / d x               (autodiff along a vector of ones)",
                    f"  x_new = x + dt * (exp(A dt) - 1) / (A dt) * f_x({states}, t{args})",
                ]
            )
        if self.method == "diffrax":
            return (
                head + f"diffrax.diffeqsolve of {self._spec.fname}{self._spec.text} "
                f"from t to t + dt with {type(self.solver).__name__} and "
                f"{type(self.stepsize_controller).__name__}"
            )
        tab = self.tableau
        assert tab is not None
        lines = [head + f"{NAMES[self.method]} (order {tab.order}) for {self._spec.fname}"
                 f"{self._spec.text}; {y}"]  # fmt: skip

        def combo(pairs):
            terms = [f"{_frac(c)} k{j + 1}" if c != 1 else f"k{j + 1}" for j, c in pairs]
            return " + ".join(terms)

        for i, (a_i, c_i) in enumerate(zip(tab.a, tab.c)):
            pairs = [(j, a) for j, a in enumerate(a_i) if a != 0]
            arg = f"{yv} + dt * ({combo(pairs)})" if pairs else yv
            t_i = "t" if c_i == 0 else ("t + dt" if c_i == 1 else f"t + {_frac(c_i)} dt")
            lines.append(f"  k{i + 1} = f({arg}, {t_i}{args})")
        pairs = [(j, b) for j, b in enumerate(tab.b) if b != 0]
        lines.append(f"  {yv}_new = {yv} + dt * ({combo(pairs)})")
        if self.adaptive and tab.b_embedded is not None:
            err = [(j, b - e) for j, (b, e) in enumerate(zip(tab.b, tab.b_embedded)) if b != e]
            total = "|...| per element" if self.var_type == "scalar" else "sum of |...|"
            lines += [
                f"  error = {total} of dt * ({combo(err)})",
                f"  dt_new = dt * clip(0.9 * (tol / error) ** 0.2, 0.2, 5.0)    tol = {self.tol}",
                f"  return {yv}_new, dt_new",
            ]
        return "\n".join(lines)


class BoundIntegrator(eqx.Module, OwnerBound):
    """An `ODEIntegrator` of a module's own method, read from that module (or a copy of it).

    Reading `module.integral` gives this: calling it integrates with the derivative
    bound to `module`, so under `jax.jit`, `eqx.filter_grad` or `eqbrain.grad` the
    derivative reads the traced copy's state and parameters. Every other attribute is
    the integrator's (`.method`, `.dt`, `.variables`, ...); `.integrator` is the
    integrator itself. Nobody builds one by hand: reading the field makes it.

    **Arguments:**

    - `integrator`: the `ODEIntegrator` stored in the module's field.
    - `owner`: the module it was read from.

    ```python
    neuron.integral                 # BoundIntegrator(integrator=ODEIntegrator(...))
    neuron.integral(V, t, I)        # the derivative is neuron.derivative
    neuron.integral.integrator      # the ODEIntegrator in the field
    ```
    """

    integrator: ODEIntegrator
    owner: Any = eqx.field(repr=False)

    def __call__(self, *args: Any, dt: Any = None, **kwargs: Any) -> Any:
        """Advance the states from `t` to `t + dt`, as `ODEIntegrator.__call__`."""
        return self.integrator._call(self.owner, args, kwargs, dt)

    @property
    def f(self) -> Callable:
        """The derivative function, bound to the module it was read from."""
        return self.integrator._drift(self.owner)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("integrator", "owner"):
            raise AttributeError(name)
        return getattr(self.integrator, name)

    def attach_owner(self, owner: Any) -> Any:
        """Stored back into the module it was read from: store the integrator itself."""
        return self.integrator if self.owner is owner else self
