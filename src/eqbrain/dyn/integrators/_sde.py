"""`sdeint(f, g, method=...)`: BrainPy's SDE integrators as a frozen `SDEIntegrator` module.

BrainPy's noise model: each element of each state has its own Wiener process (a
`'scalar'` Wiener process), or its own `m` of them (`'vector'`: `g` returns the state's
shape plus a last axis of `m` channels). The increments are drawn from the integrator's
own `RandomState` (a key in a Variable of the model), or from a `key=` given to the call.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu

from ..._errors import DiffEqError
from ...random import RandomState, split_key
from . import _diffrax
from ._integrator import ODEIntegrator, _partition, _resolve_dt, _value
from ._joint_eq import JointEq
from ._methods import detach
from ._signature import bind_call, describe

ITO_SDE = "Ito"
"""`intg_type=ITO_SDE` (the default): the Ito integral."""
STRA_SDE = "Stratonovich"
"""`intg_type=STRA_SDE`: the Stratonovich integral."""
SCALAR_WIENER = "scalar"
"""`wiener_type=SCALAR_WIENER` (the default): one Wiener process per state element."""
VECTOR_WIENER = "vector"
"""`wiener_type=VECTOR_WIENER`: `m` Wiener processes per element, `g`'s last axis."""
INTG_TYPES = (ITO_SDE, STRA_SDE)
WIENER_TYPES = (SCALAR_WIENER, VECTOR_WIENER)

EXP_NAMES = ("exponential_euler", "exp_euler", "exp_euler_auto", "exp_auto")
SDE_METHODS: tuple[str, ...] = (
    "euler",
    "heun",
    "milstein",
    "milstein2",
    "milstein_grad_free",
    *EXP_NAMES,
    "diffrax",
)
_SRK = ("srk1w1", "srk2w1", "klpl")

_UNKNOWN_MSG = """\
Unknown SDE method {method!r}. Known methods: {known}. BrainPy's stochastic Runge-Kutta \
methods ('srk1w1', 'srk2w1', 'klpl') are not built: use method='diffrax' with a diffrax \
SDE solver (e.g. solver=diffrax.SPaRK() or diffrax.ShARK() for additive noise)."""

_G_SHAPE_MSG = """\
The noise function {g} returned shape {got} for the state {name!r} of shape {shape}, \
which does not fit wiener_type={wiener!r}: {rule} Return g with that shape{other}."""


def _check_choice(what: str, value: Any, known: tuple[str, ...], default: str) -> str:
    if value is None:
        return default
    if isinstance(value, str) and value in known:
        return value
    raise ValueError(f"{what} must be one of {known}, got {value!r}.")


def _accepts(g: Any) -> tuple[frozenset[str], bool]:
    """The parameter names `g` takes after its states and `t`, and whether it takes **kw."""
    try:
        params = inspect.signature(g).parameters.values()
    except (TypeError, ValueError):
        return frozenset(), True
    names = frozenset(p.name for p in params)
    return names, any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


class SDEIntegrator(ODEIntegrator):
    """A numerical integrator of `dy = f(y, t, *args) dt + g(y, t, *args) dW`, made by
    `eqbrain.sdeint`.

    Called as BrainPy's integrals, `integral(*states, t, *args, dt=dt)`, it returns the
    states one step later. The Wiener increments come from the integrator's `rng` (a
    `RandomState`, whose key is a Variable: it advances in place under `eqbrain.jit`,
    `for_loop` and the runners, is saved with the model, and a functional caller keeps
    it by returning the integrator), or from `key=` given to the call (nothing stored:
    the way to draw under `jax.vmap`). It is an `ODEIntegrator` of its drift `f`, so
    `eqbrain.analysis` reads it as the deterministic system.

    **Arguments:** as `eqbrain.sdeint`, which makes it.

    ```python
    integral = eqbrain.sdeint(lambda x, t: -x, lambda x, t: 0.3 * x, method="milstein")
    x = integral(x, 0.0, dt=0.01)                          # draws from integral.rng
    x = integral(x, 0.0, dt=0.01, key=jax.random.key(1))    # draws from this key
    ```
    """

    intg_type: str = eqx.field(static=True)
    wiener_type: str = eqx.field(static=True)
    sde_method: str = eqx.field(static=True)
    rng: RandomState
    _g_names: frozenset = eqx.field(static=True, repr=False)
    _g_varkw: bool = eqx.field(static=True, repr=False)
    _sde_dyn: Any = eqx.field(repr=False, metadata={"internal": True})
    _sde_static: Any = eqx.field(static=True, repr=False)

    def __init__(
        self,
        f: Callable,
        g: Callable,
        method: str | None = "euler",
        *,
        dt: float | None = None,
        var_type: str | None = None,
        intg_type: str | None = None,
        wiener_type: str | None = None,
        seed: Any = None,
        solver: Any = None,
        stepsize_controller: Any = None,
        max_steps: int = 4096,
        show_code: bool = False,
        name: str | None = None,
    ):
        method = "euler" if method is None else method
        if not isinstance(method, str) or method not in SDE_METHODS:
            known = ", ".join(repr(m) for m in SDE_METHODS)
            raise ValueError(_UNKNOWN_MSG.format(method=method, known=known))
        intg_type = _check_choice("intg_type", intg_type, INTG_TYPES, ITO_SDE)
        wiener_type = _check_choice("wiener_type", wiener_type, WIENER_TYPES, SCALAR_WIENER)
        if method == "heun" and intg_type != STRA_SDE:
            raise ValueError(
                f"method='heun' integrates Stratonovich SDEs only (got intg_type="
                f"{intg_type!r}): pass intg_type='Stratonovich', or use method='euler' "
                "(Euler-Maruyama) or 'milstein' for an Ito SDE."
            )
        if method in EXP_NAMES and intg_type != ITO_SDE:
            raise NotImplementedError(
                f"Exponential Euler ({method!r}) integrates Ito SDEs only, as in BrainPy: "
                "pass intg_type='Ito', or use method='heun' or 'milstein' for a "
                "Stratonovich SDE."
            )
        if not callable(g):
            raise TypeError(f"sdeint needs a callable noise function g(y, t, *args), got {g!r}.")
        if method != "diffrax" and (solver is not None or stepsize_controller is not None):
            raise ValueError(
                f"`solver` and `stepsize_controller` apply only to method='diffrax', not "
                f"{method!r}."
            )
        ode_method = "exp_auto" if method in EXP_NAMES else "euler"
        super().__init__(f, ode_method, dt=dt, var_type=var_type, max_steps=max_steps, name=name)
        if method == "diffrax":
            diffrax = _diffrax.import_diffrax()
            if solver is None:
                solver = diffrax.Euler() if intg_type == ITO_SDE else diffrax.Heun()
            if stepsize_controller is None:
                stepsize_controller = diffrax.ConstantStepSize()
        self._sde_dyn, self._sde_static = _partition((solver, stepsize_controller))
        self._f_dyn, self._f_static = _partition((detach(f), detach(g)))
        self._g_names, self._g_varkw = _accepts(g)
        self.sde_method = method
        self.intg_type = intg_type
        self.wiener_type = wiener_type
        self.rng = RandomState(split_key() if seed is None else seed)
        if show_code:
            print(self.describe())

    # -- BrainPy's attributes ------------------------------------------------------------

    @property
    def f(self) -> Callable:
        """The drift function."""
        return self._derivative(None)[0]

    @property
    def g(self) -> Callable:
        """The diffusion (noise) function."""
        return self._derivative(None)[1]

    def _drift(self, owner: Any) -> Any:
        return self._derivative(owner)[0]

    @property
    def order(self) -> int | None:
        """The weak order of the method (`None` for `'diffrax'`, set by its solver)."""
        return None if self.sde_method == "diffrax" else 1

    @property
    def strong_order(self) -> float | None:
        """The strong order of the method (`None` for `'diffrax'`, set by its solver); 1
        for Euler-Heun on commutative noise, 0.5 in general."""
        if self.sde_method.startswith("milstein"):
            return 1.0
        return None if self.sde_method == "diffrax" else 0.5

    @property
    def solver(self) -> Any:
        """The diffrax SDE solver of `method='diffrax'` (else `None`)."""
        return self._sde()[0]

    @property
    def stepsize_controller(self) -> Any:
        """The diffrax step-size controller of `method='diffrax'` (else `None`)."""
        return self._sde()[1]

    def _sde(self) -> tuple[Any, Any]:
        if self._sde_dyn is None:
            return self._sde_static
        return eqx.combine(self._sde_dyn, self._sde_static)

    def describe(self) -> str:
        """The step this integrator takes, written out (what `show_code=True` prints)."""
        fn, gn = describe(self.f), describe(self.g)
        noise = "g dW" if self.wiener_type == SCALAR_WIENER else "sum_j g[..., j] dW_j"
        p2 = "(dW^2 - dt)" if self.intg_type == ITO_SDE else "dW^2"
        lines = {
            "euler": [f"  y_new = y + f dt + {noise}"]
            if self.intg_type == ITO_SDE
            else ["  y_bar = y + g dW", "  y_new = y + f dt + (g + g(y_bar)) / 2 dW"],
            "heun": ["  y_bar = y + g dW", "  y_new = y + f dt + (g + g(y_bar)) / 2 dW"],
            "milstein": [f"  y_new = y + f dt + g dW + g (dg/dy) / 2 {p2}"],
            "milstein2": [
                "  y_bar = y + f dt + g sqrt(dt)",
                f"  y_new = y + f dt + g dW + (g(y_bar) - g) / (2 sqrt(dt)) {p2}",
            ],
            "exp": [f"  y_new = y + dt (exp(A dt) - 1) / (A dt) f + {noise},  A = df/dy"],
            "diffrax": [
                f"  diffrax.diffeqsolve from t to t + dt with {type(self.solver).__name__} "
                "and a diffrax.VirtualBrownianTree"
            ],
        }
        key = "exp" if self.sde_method in EXP_NAMES else self.sde_method
        key = "milstein2" if key == "milstein_grad_free" else key
        head = (
            f"{self.sde_method} ({self.intg_type}, {self.wiener_type} Wiener process) for "
            f"f={fn}, g={gn}; dW ~ N(0, dt) per element"
        )
        return "\n".join([head, *lines[key]])

    # -- calling -------------------------------------------------------------------------

    def __call__(self, *args: Any, dt: Any = None, **kwargs: Any) -> Any:
        """Advance the states from `t` to `t + dt`: `integral(*states, t, *args, dt=dt)`.

        `key=` draws the noise from that key instead of `self.rng`; `dW=` gives the
        Wiener increments of the step themselves (one array per state, of the state's
        shape, plus the channel axis for a vector Wiener process), e.g. to drive several
        methods or step sizes with one Brownian path.
        """
        return self._call(None, args, kwargs, dt)

    def _call(self, owner: Any, args: tuple, kwargs: dict, dt: Any) -> Any:
        own = self._spec.arguments
        key = kwargs.pop("key", None) if "key" not in own else None
        dW = kwargs.pop("dW", None) if "dW" not in own else None
        if self._relative and owner is None:
            return super()._call(owner, args, kwargs, dt)  # raises: read it from the module
        call = bind_call(self._spec, args, kwargs, dt)
        ys = tuple(_value(y) for y in call.states)
        t = _value(call.t)
        rest = tuple(_value(a) for a in call.args)
        kw = {k: _value(v) for k, v in call.kwargs.items()}
        dt = _resolve_dt(self.dt if call.dt is None else call.dt)
        f, g = self._derivative(owner)
        named = dict(zip(self._spec.positional, rest), **kw)
        g_kw = named if self._g_varkw else {k: v for k, v in named.items() if k in self._g_names}

        def drift(ys_: tuple, t_: Any = t) -> tuple:
            try:
                return self._derivs(f, ys_, t_, rest, kw, check=True)
            except TypeError as e:  # BrainPy's SDE integrators raise a ValueError here
                raise DiffEqError(str(e)) from None

        def noise(ys_: tuple, t_: Any = t) -> tuple:
            return self._diffusions(g, g(*ys_, t_, **g_kw), ys_)

        gs = noise(ys)
        if dW is not None:
            dws = self._given(dW, ys, gs)
        elif self.sde_method == "diffrax":
            key = self.rng.split_key() if key is None else key
            out = self._diffrax_step(drift, noise, ys, gs, t, dt, key)
            return out[0] if len(out) == 1 else out
        else:
            dws = self._increments(ys, gs, dt, self.rng.split_key() if key is None else key)
        out = self._step(f, drift, noise, ys, gs, (t, rest, kw), dt, dws)
        return out[0] if len(out) == 1 else out

    def _diffusions(self, g: Any, out: Any, ys: tuple) -> tuple:
        names = self.variables
        if len(names) == 1 and not isinstance(g, JointEq):
            out = (out,)
        elif not (isinstance(out, tuple | list) and len(out) == len(names)):
            raise ValueError(
                f"The noise function {describe(g)} must return {len(names)} diffusions, "
                f"one per state variable ({', '.join(names)}); got {type(out).__name__}"
                + (f" of length {len(out)}." if isinstance(out, tuple | list) else ".")
            )
        gs = []
        for name, y, gv in zip(names, ys, out):
            if gv is None:
                gs.append(None)
                continue
            gv = jnp.asarray(_value(gv))
            self._check_g_shape(g, name, jnp.shape(y), jnp.shape(gv), len(names) > 1)
            gs.append(gv)
        return tuple(gs)

    def _check_g_shape(self, g: Any, name: str, shape: tuple, got: tuple, several: bool):
        if self.wiener_type == SCALAR_WIENER:
            ok = _broadcasts(got, shape)
            rule = (
                f"with a scalar Wiener process g has the state's shape {shape} (or "
                "broadcasts to it)."
            )
            other = ", or pass wiener_type='vector' if its last axis holds noise channels"
        else:
            ok = len(got) >= 1 and _broadcasts(got[:-1], shape)
            rule = (
                f"with a vector Wiener process g has the state's shape plus a last axis of "
                f"m noise channels, {shape + ('m',)}."
            )
            other = (
                " (a transposed array is a common cause: for scalar states stacked as "
                "`jnp.asarray([a, b])`, use `jnp.stack([a, b], axis=-1)`)"
            )
        if not ok:
            raise ValueError(
                _G_SHAPE_MSG.format(
                    g=describe(g),
                    got=got,
                    name=name,
                    shape=shape,
                    wiener=self.wiener_type,
                    rule=rule,
                    other=other,
                )
            )

    def _increments(self, ys: tuple, gs: tuple, dt: Any, key: Any) -> tuple:
        keys = jax.random.split(key, len(ys))
        dws = []
        for k, y, gv in zip(keys, ys, gs):
            if gv is None:
                dws.append(None)
                continue
            shape = jnp.shape(y)
            if self.wiener_type == VECTOR_WIENER:
                shape = shape + jnp.shape(gv)[-1:]
            dtype = jnp.result_type(y, gv, float)
            dws.append(jax.random.normal(k, shape, dtype) * jnp.sqrt(jnp.asarray(dt, dtype)))
        return tuple(dws)

    def _times(self, gv: Any, dw: Any) -> Any:
        """The noise term `g dW` of one state."""
        if self.wiener_type == VECTOR_WIENER:
            return jnp.sum(gv * dw, axis=-1)
        return gv * dw

    def _given(self, dW: Any, ys: tuple, gs: tuple) -> tuple:
        if self.sde_method == "diffrax":
            raise ValueError(
                "dW= gives the increments of a fixed-step method; method='diffrax' draws "
                "its Brownian path from a key: pass key= instead."
            )
        dws = (dW,) if len(ys) == 1 and not isinstance(dW, tuple | list) else tuple(dW)
        if len(dws) != len(ys):
            raise ValueError(f"dW must hold one increment per state ({len(ys)}), got {len(dws)}.")
        out = []
        for name, y, gv, dw in zip(self.variables, ys, gs, dws):
            want = jnp.shape(y)
            if gv is not None and self.wiener_type == VECTOR_WIENER:
                want = want + jnp.shape(gv)[-1:]
            if gv is not None and jnp.shape(dw) != want:
                raise ValueError(
                    f"dW for the state {name!r} must have shape {want}, got {jnp.shape(dw)}."
                )
            out.append(None if gv is None else jnp.asarray(dw))
        return tuple(out)

    def _step(self, f, drift, noise, ys, gs, targs, dt, dws) -> tuple:
        t, rest, kw = targs
        method = self.sde_method
        if method in EXP_NAMES:
            base = self._exp_euler(f, ys, t, rest, kw, dt)
            return tuple(
                b if gv is None else b + self._times(gv, dw) for b, gv, dw in zip(base, gs, dws)
            )
        fs = drift(ys)
        base = tuple(jtu.tree_map(lambda y, d: y + d * dt, y, d) for y, d in zip(ys, fs))
        if method in ("euler", "heun") and (method == "heun" or self.intg_type == STRA_SDE):
            bar = tuple(
                y if gv is None else y + self._times(gv, dw) for y, gv, dw in zip(ys, gs, dws)
            )
            gbar = noise(bar)
            return tuple(
                b if gv is None else b + self._times((gv + gb) / 2, dw)
                for b, gv, gb, dw in zip(base, gs, gbar, dws)
            )
        out = tuple(
            b if gv is None else b + self._times(gv, dw) for b, gv, dw in zip(base, gs, dws)
        )
        if method == "euler":
            return out
        if method == "milstein":
            corr = self._milstein(noise, ys, gs, dws, dt)
        else:
            corr = self._milstein_free(noise, ys, fs, gs, dws, dt)
        return tuple(o if c is None else o + c for o, c in zip(out, corr))

    def _milstein(self, noise, ys, gs, dws, dt) -> tuple:
        """`g (dg/dy) / 2 (dW^2 - dt)` per element (the commutative form for channels)."""
        corr = []
        for i, (y, gv, dw) in enumerate(zip(ys, gs, dws)):
            if gv is None:
                corr.append(None)
                continue

            def own(yi, i=i):  # this state's g, the other states held
                return noise((*ys[:i], yi, *ys[i + 1 :]))[i]

            _, dg = jax.jvp(own, (y,), (jnp.ones_like(y),))
            if self.wiener_type == SCALAR_WIENER:
                p2 = dw * dw - dt if self.intg_type == ITO_SDE else dw * dw
                corr.append(gv * dg / 2 * p2)
            else:
                both = jnp.sum(gv * dw, -1) * jnp.sum(dg * dw, -1)
                ito = jnp.sum(gv * dg, -1) * dt if self.intg_type == ITO_SDE else 0.0
                corr.append((both - ito) / 2)
        return tuple(corr)

    def _milstein_free(self, noise, ys, fs, gs, dws, dt) -> tuple:
        """The derivative-free Milstein correction: `g'` from `g` at `y + f dt + g sqrt(dt)`."""
        sq = jnp.sqrt(dt)

        def shifted(gsel: tuple) -> tuple:
            bar = tuple(
                y + d * dt + (0.0 if gv is None else gv * sq) for y, d, gv in zip(ys, fs, gsel)
            )
            return noise(bar)

        if self.wiener_type == SCALAR_WIENER:
            gbar = shifted(gs)
            parts = [(gb - gv) / (2 * sq) if gv is not None else None for gb, gv in zip(gbar, gs)]
        else:  # one shift per channel: channel j's own derivative

            def channel(j):
                gb = shifted(tuple(None if gv is None else gv[..., j] for gv in gs))
                return tuple(None if b is None else b[..., j] for b in gb)

            m = next(gv.shape[-1] for gv in gs if gv is not None)
            per = jax.vmap(channel, out_axes=-1)(jnp.arange(m))
            parts = [None if gv is None else (gb - gv) / (2 * sq) for gb, gv in zip(per, gs)]
        corr = []
        for part, dw in zip(parts, dws):
            if part is None:
                corr.append(None)
                continue
            p2 = dw * dw - dt if self.intg_type == ITO_SDE else dw * dw
            c = part * p2
            corr.append(jnp.sum(c, -1) if self.wiener_type == VECTOR_WIENER else c)
        return tuple(corr)

    def _diffrax_step(self, drift, noise, ys, gs, t, dt, key) -> tuple:
        return _diffrax.solve_sde(
            drift,
            noise,
            ys,
            gs,
            t,
            dt,
            key,
            self._sde(),
            self.max_steps,
            vector=self.wiener_type == VECTOR_WIENER,
        )


def _broadcasts(got: tuple, shape: tuple) -> bool:
    try:
        return tuple(jnp.broadcast_shapes(got, shape)) == tuple(shape)
    except ValueError:
        return False


def sdeint(
    f: Callable | None = None,
    g: Callable | None = None,
    method: str | None = None,
    dt: float | None = None,
    name: str | None = None,
    show_code: bool = False,
    var_type: str | None = None,
    intg_type: str | None = None,
    wiener_type: str | None = None,
    *,
    seed: Any = None,
    solver: Any = None,
    stepsize_controller: Any = None,
    max_steps: int = 4096,
    state_delays: Any = None,
) -> Any:
    """Make an `SDEIntegrator` of `dy = f(y, t, *args) dt + g(y, t, *args) dW`, as
    BrainPy's `bp.sdeint`.

    `f` and `g` follow `odeint`'s convention (the parameters before `t` are the states;
    with several states both return a tuple, or are `JointEq`s). `g` is called with the
    states, `t` and those of `f`'s arguments it takes by name. With one of `f` and `g`,
    `sdeint` is a decorator for the other.

    | method | strong order | |
    |---|---|---|
    | `'euler'` (default) | 0.5 | Euler-Maruyama (Ito); Euler-Heun (Stratonovich) |
    | `'heun'` | 0.5 | Euler-Heun, Stratonovich only |
    | `'milstein'` | 1 | with `dg/dy` by autodiff, Ito or Stratonovich |
    | `'milstein2'`, `'milstein_grad_free'` | 1 | derivative-free Milstein |
    | `'exp_euler'`, `'exp_auto'`, ... | 0.5 | exponential Euler drift, Ito only |
    | `'diffrax'` | the solver's | `diffrax.diffeqsolve` with a `VirtualBrownianTree` |

    **Arguments:**

    - `f`, `g`: the drift and the diffusion.
    - `method`: the integration method (default `'euler'`).
    - `dt`, `name`, `show_code`, `var_type`: as `odeint`.
    - `intg_type`: `'Ito'` (default, `ITO_SDE`) or `'Stratonovich'` (`STRA_SDE`).
    - `wiener_type`: `'scalar'` (default: `g` has the state's shape, one Wiener process
      per element) or `'vector'` (`g` has the state's shape plus a last axis of `m`
      channels, `m` Wiener processes per element).
    - `seed`: the seed or key of the integrator's `rng` (default: split off
      `eqbrain.random`'s default generator).
    - `solver`, `stepsize_controller`, `max_steps`: for `'diffrax'` (default
      `diffrax.Euler()` for Ito, `diffrax.Heun()` for Stratonovich, one step of `dt`).
    - `state_delays`: refused: read a `TimeDelay` in `f` or `g` and update it yourself.

    ```python
    lorenz_g = lambda x, y, z, t: (0.1 * x, 0.1 * y, 0.1 * z)
    integral = eqbrain.sdeint(lorenz_f, lorenz_g, method="milstein")
    x, y, z = integral(x, y, z, t, dt=0.001)
    ```
    """
    if state_delays:
        raise NotImplementedError(
            "sdeint's state_delays (BrainPy's stochastic delay equations) are not "
            "supported: read the delayed value from an eqbrain.TimeDelay in f or g and "
            "update it after each step yourself (`delay.update(x)`)."
        )
    kw: dict[str, Any] = dict(
        dt=dt,
        var_type=var_type,
        intg_type=intg_type,
        wiener_type=wiener_type,
        seed=seed,
        solver=solver,
        stepsize_controller=stepsize_controller,
        max_steps=max_steps,
        show_code=show_code,
        name=name,
    )
    if f is not None and g is not None:
        return SDEIntegrator(f, g, method, **kw)
    if f is not None:
        return lambda g_: SDEIntegrator(f, g_, method, **kw)
    if g is not None:
        return lambda f_: SDEIntegrator(f_, g, method, **kw)
    raise ValueError("sdeint needs the drift `f`, the noise `g`, or both.")
