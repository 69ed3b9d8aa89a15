"""`odeint(f, method=...)`: BrainPy's `bp.odeint`, an `ODEIntegrator`, or a `DDEIntegrator`
when the equation has delays."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._dde import ddeint
from ._integrator import ODEIntegrator, _check_method


def odeint(
    f: Callable | None = None,
    method: str | None = "euler",
    var_type: str | None = None,
    dt: float | None = None,
    name: str | None = None,
    show_code: bool = False,
    *,
    adaptive: bool | None = None,
    tol: float | None = None,
    beta: float | None = None,
    solver: Any = None,
    stepsize_controller: Any = None,
    max_steps: int = 4096,
    state_delays: Any = None,
    neutral_delays: Any = None,
) -> Any:
    """Make an `ODEIntegrator` of `f(y, t, *args)`, as BrainPy's `bp.odeint`.

    The parameters of `f` before the one named `t` are the state variables, those after
    it the arguments; with several states `f` returns a tuple of their derivatives (or
    use `eqbrain.JointEq` to join one function per state). One state may be any pytree
    (its derivative then has the same structure). Without `f`, `odeint(method=...)` is a
    decorator.

    | method | order | |
    |---|---|---|
    | `'euler'` | 1 | forward Euler |
    | `'midpoint'`, `'heun2'`, `'ralston2'`, `'rk2'` | 2 | `rk2`: generic, `beta=2/3` |
    | `'rk3'`, `'heun3'`, `'ralston3'`, `'ssprk3'` | 3 | |
    | `'rk4'`, `'ralston4'`, `'rk4_38rule'` | 4 | |
    | `'rkf12'`, `'heun_euler'` | 2 | embedded pairs: `adaptive=True` |
    | `'bs'` (`'BoSh3'`) | 3 | |
    | `'rkf45'`, `'rkdp'`, `'ck'` | 5 | |
    | `'exp_euler'`, `'exp_auto'`, `'exp_euler_auto'`, `'exponential_euler'` | 1 | |
    | `'diffrax'` | solver's | `diffrax.diffeqsolve` from `t` to `t + dt` |

    Exponential Euler takes each state's linear part `A = df_i/dy_i` by autodiff and
    steps `y + dt * (exp(A dt) - 1)/(A dt) * f(y)`. Like BrainPy it takes `A`
    elementwise: each element's derivative must depend on its own value only, as in a
    population of neurons.

    With `adaptive=True`, an embedded method returns `(*states, dt_new)`: it takes the
    step of size `dt` and proposes the next, `dt * clip(0.9 (tol/error)^0.2, 0.2, 5)`,
    as BrainPy does (carry `dt` in a Variable). For error control that rejects steps,
    use `method='diffrax'`.

    **Arguments:**

    - `f`: the derivative function `f(y, t, *args)` (or `f(V, w, t, *args)`, or a
      `JointEq`).
    - `method`: the integration method (default `'euler'`, as BrainPy).
    - `var_type`: BrainPy's kind of state: `'population'` (default; one step size for
      all elements under `adaptive=True`), `'scalar'` (a step size per element) or
      `'system'` (refused by exponential Euler).
    - `dt`: a fixed step size; default `eqbrain.share.load('dt')` at each call.
    - `name`: the module's name.
    - `show_code`: print the step the integrator takes (`ODEIntegrator.describe()`).
    - `adaptive`: for an embedded method, also return the next step size.
    - `tol`: the error tolerance of `adaptive=True` (default 0.1, as BrainPy).
    - `beta`: `rk2`'s parameter (default 2/3).
    - `solver`: for `'diffrax'`, a diffrax solver (default `diffrax.Tsit5()`; for stiff
        problems e.g. `diffrax.Kvaerno5()`).
    - `stepsize_controller`: for `'diffrax'` (default
        `diffrax.PIDController(rtol=1e-6, atol=1e-8)`).
    - `max_steps`: for `'diffrax'`, the most inner steps per call.
    - `state_delays`, `neutral_delays`: BrainPy's delay equations, `{state name:
      TimeDelay}` (`NeuTimeDelay` for neutral ones): the integrator is then
      `eqbrain.ddeint`'s `DDEIntegrator`.

    ```python
    def f(V, w, t, I):
        return (-V + I - w) / 10.0, (V - w) / 100.0

    integral = eqbrain.odeint(f, method="rk4")
    V, w = integral(V, w, 0.0, 2.0, dt=0.1)

    @eqbrain.odeint(method="exp_auto")
    def dV(V, t, I):
        return (-V + I) / 10.0
    ```
    """
    kw: dict[str, Any] = dict(
        var_type=var_type,
        dt=dt,
        adaptive=adaptive,
        tol=tol,
        beta=beta,
        show_code=show_code,
        solver=solver,
        stepsize_controller=stepsize_controller,
        max_steps=max_steps,
        name=name,
    )
    if state_delays or neutral_delays:
        return ddeint(f, method, state_delays=state_delays, neutral_delays=neutral_delays, **kw)
    if f is None:
        method = _check_method(method)
        return lambda fn: ODEIntegrator(fn, method, **kw)
    return ODEIntegrator(f, method, **kw)
