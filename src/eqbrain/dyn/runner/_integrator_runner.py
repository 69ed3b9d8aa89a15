"""`IntegratorRunner`: BrainPy's runner of one integrator, without a model around it."""

from __future__ import annotations

import time
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..._core import Variable
from ..._transforms import for_loop
from ..integrators import BoundIntegrator, FDEIntegrator, ODEIntegrator
from ._errors import RunningError
from ._monitors import Monitors

_TARGETS = (ODEIntegrator, BoundIntegrator, FDEIntegrator)

_DYN_ARGS_MSG = """\
dyn_args[{key!r}] has {got} steps along its first axis, but the run has {n} steps \
(duration={duration:g}, dt={dt:g}): give one value per step, e.g. \
eqbrain.inputs.section_input(..., return_length=True) and run for the length it returns."""


class IntegratorRunner:
    """Runs an integrator (`odeint`, `sdeint`, `fdeint`, `ddeint`) over time and records
    its states: BrainPy's `bp.IntegratorRunner`.

    The states are Variables of the runner (`runner.variables`), one 1-D array each
    whose size is the largest of `inits` (so a list of initial values runs that many
    trials). A run is one compiled `eqbrain.for_loop`; the integrator's own Variables
    (an SDE's key, an FDE's memory, the delays of a DDE) advance with it. Running again
    continues where the last run stopped.

    **Arguments:**

    - `target`: the integrator.
    - `inits`: the initial values, a list (one per state variable, in order) or a dict
      by name; default zeros.
    - `dt`: the step (default `eqbrain.get_dt()`).
    - `monitors`: the states to record: a list of names (or `(name, indices)`), or a
      dict `{key: name, (name, indices) or function of the shared dict (t, dt, i)}`.
    - `dyn_vars`: accepted for BrainPy's signature; the runner finds Variables itself.
    - `jit`: compile the run (default), or step in Python (`False`).
    - `numpy_mon_after_run`: records as NumPy arrays (default) or JAX arrays.
    - `progress_bar`: a progress bar while running (as `eqbrain.for_loop` takes it).
    - `args`, `dyn_args`: BrainPy's deprecated place for `run`'s arguments.
    - `fun_monitors`: BrainPy's deprecated function monitors, `{key: f(shared)}`.

    ```python
    integral = eqbrain.odeint(lorenz, method="rk4")
    runner = eqbrain.IntegratorRunner(integral, monitors=["x", "y", "z"],
                                      inits=[1.0, 1.0, 1.0], dt=0.01)
    runner.run(100.0)
    runner.mon.ts, runner.mon.x          # (10000,), (10000, 1)
    ```
    """

    def __init__(
        self,
        target: Any,
        inits: Any = None,
        dt: float | None = None,
        monitors: Any = None,
        dyn_vars: Any = None,
        jit: bool | dict = True,
        numpy_mon_after_run: bool = True,
        progress_bar: Any = True,
        args: dict | None = None,
        dyn_args: dict | None = None,
        fun_monitors: dict | None = None,
    ):
        if not isinstance(target, _TARGETS):
            raise TypeError(
                f"IntegratorRunner runs an integrator made by eqbrain.odeint, sdeint, fdeint "
                f"or ddeint, got {type(target).__name__}. To run a model, use eqbrain.DSRunner."
            )
        self.target = target
        names = tuple(target.variables)
        self.variables = self._make_variables(names, inits)
        if dt is None:
            from .._share import get_dt

            dt = get_dt()
        if isinstance(dt, bool) or not isinstance(dt, int | float | np.number) or not dt > 0:
            raise RunningError(f"dt must be a positive number, got {dt!r}.")
        self.dt = float(dt)
        self._monitors = self._parse_monitors(monitors, fun_monitors)
        self.jit = jit.get("predict", True) if isinstance(jit, dict) else bool(jit)
        self.numpy_mon_after_run = bool(numpy_mon_after_run)
        self.progress_bar = progress_bar
        for what, value in (("args", args), ("dyn_args", dyn_args)):
            if value is not None:
                warnings.warn(
                    f"Give `{what}` to `IntegratorRunner.run()`, as BrainPy 2.4 does.",
                    UserWarning,
                    stacklevel=2,
                )
                if not isinstance(value, dict):
                    raise TypeError(f"{what} must be a dict by argument name, got {value!r}.")
        self._static_args = dict(args or {})
        self._dyn_args = dict(dyn_args or {})
        self.start_t = 0.0
        self.idx = 0
        self.mon = Monitors()

    def _make_variables(self, names: tuple[str, ...], inits: Any) -> dict[str, Variable]:
        if inits is None:
            inits = {}
        elif isinstance(inits, dict):
            unknown = [k for k in inits if k not in names]
            if unknown:
                raise ValueError(
                    f"inits names {unknown}, which are not state variables of the integrator "
                    f"({', '.join(names)})."
                )
        else:
            values = list(inits)
            if len(values) != len(names):
                raise ValueError(
                    f"inits must hold one initial value per state variable ({len(names)}: "
                    f"{', '.join(names)}), got {len(values)}."
                )
            inits = dict(zip(names, values))
        size = max([int(np.size(v)) for v in inits.values()] or [1])
        float_ = jnp.result_type(float)
        out = {}
        for n in names:
            value = jnp.zeros(size, float_)
            if n in inits:
                value = value + jnp.ravel(jnp.asarray(inits[n], float_))
            out[n] = Variable(value)
        return out

    def _parse_monitors(self, monitors: Any, fun_monitors: dict | None) -> dict[str, Any]:
        names = tuple(self.variables)
        out: dict[str, Any] = {}
        if monitors is None:
            monitors = list(names)
        items = monitors.items() if isinstance(monitors, dict) else [(None, m) for m in monitors]
        for key, m in items:
            if callable(m):
                out[str(key)] = m
                continue
            name, index = (m[0], m[1]) if isinstance(m, tuple | list) else (m, None)
            if name not in names:
                raise RunningError(
                    f"monitors names {name!r}, which is not a state variable of the "
                    f"integrator ({', '.join(names)})."
                )
            out[name if key is None else key] = (
                name,
                None if index is None else jnp.asarray(index),
            )
        for key, fn in (fun_monitors or {}).items():
            out[key] = fn
        return out

    def run(
        self,
        duration: float,
        start_t: float | None = None,
        eval_time: bool = False,
        args: dict | None = None,
        dyn_args: dict | None = None,
    ) -> Any:
        """Run for `duration`; the records go to `runner.mon` (`ts`: the time after each step).

        **Arguments:**

        - `duration`: the time to run.
        - `start_t`: the time of the first step (default: where the last run stopped).
        - `eval_time`: return the wall time of the run.
        - `args`: the integrator's arguments, the same at every step (`{name: value}`).
        - `dyn_args`: arguments with one value per step along their first axis.
        """
        args = {**(args or {}), **self._static_args}
        dyn_args = {**(dyn_args or {}), **self._dyn_args}
        start = self.start_t if start_t is None else float(start_t)
        times = jnp.arange(start, start + duration, self.dt, dtype=jnp.result_type(float))
        n = int(times.shape[0])
        for key, value in dyn_args.items():
            got = jnp.shape(value)[0] if jnp.ndim(value) else 0
            if got != n:
                raise ValueError(
                    _DYN_ARGS_MSG.format(key=key, got=got, n=n, duration=duration, dt=self.dt)
                )
        indices = jnp.arange(n) + self.idx
        began = time.time()
        hists = for_loop(
            lambda dyn, t, i: self._step(args, dyn, t, i),
            (dyn_args, times, indices),
            jit=self.jit,
            progress_bar=self.progress_bar,
        )
        jax.block_until_ready(hists)
        elapsed = time.time() - began
        ts = times + self.dt
        self.mon = Monitors()
        self.mon["ts"] = np.asarray(ts) if self.numpy_mon_after_run else ts
        for key, value in hists.items():
            self.mon[key] = np.asarray(value) if self.numpy_mon_after_run else value
        self.start_t = start + n * self.dt
        self.idx += n
        return elapsed if eval_time else None

    def _step(self, args: dict, dyn: dict, t: Any, i: Any) -> dict:
        names = tuple(self.variables)
        states = {k: v.value for k, v in self.variables.items()}
        out = self.target(**states, t=t, dt=self.dt, **args, **dyn)
        if isinstance(self.target, ODEIntegrator | BoundIntegrator) and self.target.adaptive:
            raise RunningError(
                "IntegratorRunner steps with a fixed dt; an integrator with adaptive=True "
                "returns the next step size too. Build it with adaptive=False."
            )
        new = (out,) if len(names) == 1 else tuple(out)
        for n_, value in zip(names, new):
            var = self.variables[n_]
            var.value = jnp.broadcast_to(jnp.asarray(value, var.value.dtype), var.value.shape)
        shared = {"t": t + self.dt, "dt": self.dt, "i": i}
        rec = {}
        for key, m in self._monitors.items():
            if callable(m):
                rec[key] = jnp.asarray(m(shared))
            else:
                value = self.variables[m[0]].value
                rec[key] = value if m[1] is None else value[m[1]]
        return rec

    def __repr__(self) -> str:
        return (
            f"IntegratorRunner(target={type(self.target).__name__}, dt={self.dt}, "
            f"monitors={list(self._monitors)})"
        )
