"""`Runner` and `run`: simulate a `DynamicalSystem` for many steps and monitor it."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu

from ..core import Variable
from ..transforms._jit import jit
from ..transforms._scan import for_loop
from ._dynsys import DynamicalSystem
from ._share import _check_dt, share

_MONITOR_MSG = """\
Unknown monitor {key!r}: it is not a Variable of {model}.{hint} A monitor names a \
Variable by its path from the model (`model.vars(method="relative")` lists them: \
{known}), or maps a name to a function of the model: `monitors={{"rate": lambda net: \
net.E.spike.value.mean()}}`."""

_INPUT_SHAPE_MSG = """\
inputs must have a leading time axis of length n_steps={n_steps} (one slice per \
step, passed to `update`); got {what} of shape {shape}. For a constant input, close \
over it in the model's `update` or pass `jnp.full((n_steps, ...), value)`."""


def _resolve_monitors(model: DynamicalSystem, monitors: Any) -> dict[str, Any]:
    """Monitor name -> Variable or callable, checked against the model's Variables."""
    if monitors is None:
        return {}
    if isinstance(monitors, str):
        monitors = [monitors]
    if isinstance(monitors, Mapping):
        items = list(monitors.items())
    elif isinstance(monitors, Sequence):
        items = [(m, m) for m in monitors]
    else:
        raise TypeError(
            f"monitors must be a list of Variable paths or a dict, got {type(monitors).__name__}."
        )
    relative = model.vars(method="relative")
    absolute = model.vars()
    out: dict[str, Any] = {}
    for name, target in items:
        if not isinstance(name, str):
            raise TypeError(f"monitor names must be strings, got {name!r}.")
        if isinstance(target, Variable) or callable(target):
            out[name] = target
        elif isinstance(target, str) and (target in relative or target in absolute):
            out[name] = relative[target] if target in relative else absolute[target]
        else:
            close = difflib.get_close_matches(str(target), list(relative), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                _MONITOR_MSG.format(
                    key=target, model=model.name, hint=hint, known=", ".join(relative)
                )
            )
    return out


def _n_steps(duration: float | None, n_steps: int | None, dt: float, inputs: Any) -> int:
    if n_steps is not None:
        if duration is not None:
            raise TypeError("Give either `duration` or `n_steps`, not both.")
        if not isinstance(n_steps, int) or n_steps <= 0:
            raise ValueError(f"n_steps must be a positive int, got {n_steps!r}.")
        return n_steps
    if duration is None:
        leaves = jtu.tree_leaves(inputs)
        if not leaves:
            raise TypeError("Give `duration` (ms) or `n_steps`, or inputs with a time axis.")
        return int(jnp.shape(leaves[0])[0]) if jnp.ndim(leaves[0]) else 0
    if not (isinstance(duration, int | float) and duration > 0 and math.isfinite(duration)):
        raise ValueError(f"duration must be a positive number of ms, got {duration!r}.")
    return max(1, round(duration / dt))


def _check_inputs(inputs: Any, n_steps: int) -> tuple:
    if inputs is None:
        return ()
    args = tuple(inputs) if isinstance(inputs, tuple) else (inputs,)
    for leaf in jtu.tree_leaves(args):
        shape = jnp.shape(leaf)
        if not shape or shape[0] != n_steps:
            what = f"a {type(leaf).__name__}"
            raise ValueError(_INPUT_SHAPE_MSG.format(n_steps=n_steps, what=what, shape=shape))
    return jtu.tree_map(jnp.asarray, args)


class Runner:
    """Runs a `DynamicalSystem` step by step and records monitors (BrainPy's `DSRunner`).

    The whole run is one compiled `lax.scan` (through `eqbrain.for_loop`), compiled once
    per number of steps and input shapes: running again continues from where the last
    run stopped (time included) without recompiling. The model is left in its final
    state; `runner.mon` keeps the last run's monitors.

    **Arguments:**

    - `model`: the `DynamicalSystem`; each step calls `model.update(*step_inputs)`.
    - `monitors`: Variable paths to record each step (`["E.spike", "E.V"]`, as
      `model.vars(method="relative")` keys them), or a dict `{name: path, Variable or
      function of the model}`.
    - `dt`: the step size (ms); default `eqbrain.get_dt()`.
    - `t0`: the time of the first step (ms).
    - `progress_bar`: show a tqdm progress bar (see `eqbrain.for_loop`).

    ```python
    runner = eqbrain.Runner(net, monitors=["E.spike"], dt=0.1)
    out = runner.run(1000.0)            # {'ts': (10000,), 'E.spike': (10000, 3200)}
    out = runner.run(1000.0)            # the next second, no recompilation
    ```
    """

    def __init__(
        self,
        model: DynamicalSystem,
        monitors: Any = None,
        *,
        dt: float | None = None,
        t0: float = 0.0,
        progress_bar: bool | dict = False,
    ):
        if not isinstance(model, DynamicalSystem):
            raise TypeError(
                f"Runner runs a DynamicalSystem (something with `update`), got "
                f"{type(model).__name__}."
            )
        self.model = model
        self.dt = share.dt if dt is None else _check_dt(dt)
        self.monitors = _resolve_monitors(model, monitors)
        self.progress_bar = progress_bar
        self.t = float(t0)
        self.i = 0
        self.mon: dict[str, Any] = {}
        self._compiled = jit(self._simulate)

    def _simulate(self, model: DynamicalSystem, i0: jax.Array, t0: jax.Array, inputs: tuple):
        dt = self.dt
        n_steps = i0.shape[0]

        def step(i, *xs):
            with share.context(t=t0 + (i - i0[0]).astype(t0.dtype) * dt, i=i, dt=dt):
                model.update(*xs)
            return {
                name: (m.value if isinstance(m, Variable) else m(model))
                for name, m in self.monitors.items()
            }

        return for_loop(step, (i0, *inputs), length=n_steps, progress_bar=self.progress_bar)

    def run(
        self, duration: float | None = None, *, n_steps: int | None = None, inputs: Any = None
    ) -> dict[str, jax.Array]:
        """Run for `duration` ms (or `n_steps` steps); returns `{'ts': ..., monitor: ...}`.

        **Arguments:**

        - `duration`: the simulated time (ms); rounded to whole steps.
        - `n_steps`: the number of steps, instead of `duration`.
        - `inputs`: an array, or a tuple of arrays (pytrees), with a leading time axis of
          length `n_steps`: step `k` calls `model.update(*(x[k] for x in inputs))`.
        """
        n = _n_steps(duration, n_steps, self.dt, inputs)
        args = _check_inputs(inputs, n)
        i0 = jnp.arange(self.i, self.i + n, dtype=jnp.int32)
        t0 = jnp.float32(self.t)
        ys = self._compiled(self.model, i0, t0, args)
        ts = t0 + jnp.arange(n, dtype=jnp.float32) * jnp.float32(self.dt)
        self.i += n
        self.t += n * self.dt
        self.mon = {"ts": ts, **ys}
        return self.mon


def run(
    model: DynamicalSystem,
    duration: float | None = None,
    *,
    n_steps: int | None = None,
    inputs: Any = None,
    monitors: Any = None,
    dt: float | None = None,
    t0: float = 0.0,
    progress_bar: bool | dict = False,
) -> dict[str, jax.Array]:
    """Simulate `model` for `duration` ms and return its monitors, as `Runner(...).run(...)`.

    The model is left in its final state. To run the same model repeatedly without
    recompiling, keep a `Runner`.

    ```python
    out = eqbrain.run(net, 1000.0, monitors=["E.spike"], dt=0.1, progress_bar=True)
    rate = out["E.spike"].mean() / 0.1e-3      # Hz
    ```
    """
    runner = Runner(model, monitors, dt=dt, t0=t0, progress_bar=progress_bar)
    return runner.run(duration, n_steps=n_steps, inputs=inputs)
