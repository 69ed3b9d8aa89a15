"""`DSRunner` (also `Runner`) and `run`: simulate a `DynamicalSystem` and record it."""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Callable, Collection
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax.core import Tracer
from jax.sharding import Mesh

from ..._core import is_eager, is_variable, raw_values, set_raw_values
from ..._transforms import Bar, ProgressBar, as_progress_bar, for_loop, jit as _jit
from .._clock import Clock, short_float, step_times, traced_step_times
from .._dynsys import DynamicalSystem
from .._share import _check_dt, share
from ..projections._sharded import MeshPlan, active
from ._arguments import (
    BOTH_MSG,
    check_batch,
    check_shared,
    check_xs,
    format_xs,
    is_data,
    length_of,
    steps_in,
)
from ._chunks import HostSpikes, chunk_length, is_record, join, sync, to_host
from ._errors import RunningError, add_note
from ._inputs import Input, apply, call_input, func_value, parse_inputs, window
from ._mesh import constrain, pack_on, plan_for
from ._monitors import Monitor, Monitors, parse_monitors
from ._spikes import SparseSpikes
from ._stopping import Kept, attach, interrupts_deferred, stopped_note

_CLOCK_DT_MSG = """\
{model}'s clock has run {i} steps of dt = {clock_dt:g} ms (it is at t = {t:g} ms), but \
this runner steps dt = {dt:g} ms, which would put step {i} at t0 + {i} * {dt:g} ms. \
Run it at dt={clock_dt:g} (a runner built with dt=None takes the clock's), or start the \
clock again: `runner.reset_state()`, or `predict(..., reset_state=True)`."""

_CLOCK_T0_MSG = """\
t0={t0:g} was given, but {model}'s clock has run {i} steps from t0 = {clock_t0:g} ms \
(it is at t = {t:g} ms), and a model that has run goes on from its clock. Leave t0 out \
to continue, or start the clock again to begin at t0: `runner.reset_state()`, or \
`predict(..., reset_state=True)`."""


class _Start(NamedTuple):
    """Where a run starts: the step index and the time of step 0 (a Python int and
    float, or values traced inside a transform)."""

    i: Any
    t0: Any


def _clock_of(target: DynamicalSystem) -> Clock:
    """The model's own clock (`net.clock`), or a new one for a model without one."""
    clock = target.__dict__.get("clock")
    return clock if isinstance(clock, Clock) else Clock()


def _dense_setting(dense_monitors: Any, monitors: list[Monitor]) -> bool | frozenset:
    """`dense_monitors=` checked: a bool, or the names of known monitors."""
    if isinstance(dense_monitors, str) or not isinstance(dense_monitors, bool | Collection):
        raise TypeError(
            f"dense_monitors must be a bool or a collection of monitor names, got "
            f"{dense_monitors!r}."
        )
    if isinstance(dense_monitors, bool):
        return dense_monitors
    unknown = set(dense_monitors) - {m.name for m in monitors}
    if unknown:
        raise RunningError(f"dense_monitors names unknown monitors {sorted(unknown)}.")
    return frozenset(dense_monitors)


def _is_flag(value: Any) -> bool:
    """Whether a `shared_args` value is a setting (a bool, a string or None) rather than
    a number or an array."""
    return value is None or isinstance(value, bool | str)


class DSRunner:
    """Runs a `DynamicalSystem` step by step and records it: BrainPy's `DSRunner`.

    A run is one compiled `lax.scan` over the steps (through `eqbrain.for_loop`), cut
    into chunks only when sparse spike records need it. Each step: the runner's
    `inputs` are applied, `update(*step_inputs)` is called with `t`, `i` and `dt` in
    `eqbrain.share`, the monitors are read, and every node's `clear_input()` (if it has
    one) is called. Running again continues from where the last run stopped (the step
    index and time go on) and does not recompile for the same length and shapes.

    The step index and time live in the model's `clock` (`eqbrain.dyn.Clock`; every
    `Network` has one, and the runner keeps one for a model without): the runner reads
    it before a run and advances it with the model, so a model saved and loaded into a
    fresh model and runner continues at the saved step and time. A run that stops
    early (Ctrl-C, an error in a step) keeps the chunks of steps that finished (model,
    clock and records) and undoes the rest, and its exception says so.

    Boolean records (spikes) are kept sparse by default: `runner.mon["E.spike"]` is a
    `SparseSpikes`, eight bytes per spike instead of one byte per neuron and step, and
    reads like the dense array where NumPy converts it. `dense_monitors=True` keeps
    them dense.

    **Arguments:**

    - `target`: the `DynamicalSystem` to run.
    - `inputs`: inputs written into Variables before each step, BrainPy's
      `[(target, value, type, op)]`: `target` a Variable or its path; `type` `'fix'`
      (default), `'iter'` (time-first array indexed by the step index, or an iterator)
      or `'func'` (called each step); `op` `'+'` (default), `'-'`, `'*'`, `'/'` or
      `'='`. Or one function called each step.
    - `monitors`: what to record each step: a list of paths (`["V", ("spike", [0, 2])]`,
      the paths as `target.vars(method="relative")` keys them, absolute names, or
      attribute paths), or a dict `{name: Variable, path, (Variable or path, index), or
      function}`; a function takes no argument (BrainPy's) or the model.
    - `numpy_mon_after_run`: turn the records into NumPy arrays after the run (else JAX
      arrays; sparse records are always on the host).
    - `jit`: compile the run (`True`, default), or step in Python (`False`, to debug);
      also BrainPy's `{"predict": bool}`.
    - `dyn_vars`: Variables to manage even if a first trace does not touch them
      (`eqbrain.jit`'s `states=`); the runner finds the ones the model uses by itself.
    - `memory_efficient`: move every record to host memory after each chunk of steps,
      keeping device memory bounded (needs `numpy_mon_after_run=True`).
    - `dt`: the step size (ms); default: the clock's, for a model that has run, else
      `eqbrain.get_dt()`.
    - `t0`: the time of step 0 (ms): step `i` runs at `t = t0 + i * dt`; for a model
      whose clock is at step 0 (default 0). A model that has run goes on from its clock.
    - `progress_bar`: a tqdm bar updated from inside the compiled run: `True`/`False`, a
      dict of tqdm options (`{"desc": "sim"}`), an `eqbrain.ProgressBar`, or an int
      (update every that many steps); as `eqbrain.for_loop` takes it.
    - `data_first_axis`: `'T'` (time first) or `'B'` (batch first) for the inputs and
      records of a batched model; default `'B'` when the model has batched state,
      else `'T'`.
    - `dense_monitors`: keep boolean records dense: `True` for all (and the outputs),
      or a collection of monitor names.
    - `chunk_bytes`: the device memory one chunk of sparse records may fill (packed at
      one bit per neuron and step) before it is moved to the host.
    - `mesh`: a `jax.sharding.Mesh` to run the network on, split across its devices:
      each population's neurons by index ranges along `mesh_axis`, each connectivity
      by postsynaptic neuron (a device holds the synapses onto its own neurons), the
      spikes all-gathered once per step inside `jax.shard_map`. The spikes are the
      same as on one device, to the last one. The model's Variables are placed on the
      mesh when the runner is built (`docs/scale-out.md`).
    - `mesh_axis`: the mesh axis the neurons are split along (default: the mesh's
      only axis).

    ```python
    runner = eqbrain.DSRunner(net, monitors=["E.spike", "E.V"],
                              inputs=[("E.input", 20.0)], dt=0.1)
    runner.run(100.0)                       # stacked outputs of `update`
    runner.mon.ts, runner.mon["E.V"]        # (1000,), (1000, n)
    runner.mon["E.spike"].indices           # sparse: who spiked, and `.times` when

    mesh = jax.make_mesh((8,), ("neurons",))  # the same network on 8 devices
    eqbrain.DSRunner(net, monitors=["E.spike"], mesh=mesh).run(100.0)
    ```
    """

    def __init__(
        self,
        target: DynamicalSystem,
        inputs: Any = (),
        monitors: Any = None,
        numpy_mon_after_run: bool = True,
        jit: bool | dict[str, bool] = True,
        dyn_vars: Any = None,
        memory_efficient: bool = False,
        dt: float | None = None,
        t0: float | None = None,
        progress_bar: bool | dict | ProgressBar | int = False,
        data_first_axis: str | None = None,
        *,
        dense_monitors: bool | Collection[str] = False,
        chunk_bytes: int = 256 << 10,
        mesh: Mesh | None = None,
        mesh_axis: str | None = None,
    ):
        if not isinstance(target, DynamicalSystem):
            raise RunningError(
                f"DSRunner runs a DynamicalSystem (something with `update`), got "
                f"{type(target).__name__}."
            )
        self.target = target
        if dt is not None and (
            isinstance(dt, bool) or not isinstance(dt, int | float | np.number)
        ):
            raise RunningError(f"dt must be a positive number of ms, got {dt!r}.")
        self._clock = _clock_of(target)
        try:
            self.dt = self._default_dt() if dt is None else _check_dt(dt)
        except (TypeError, ValueError) as e:
            raise RunningError(str(e)) from None
        if t0 is not None and (
            isinstance(t0, bool) or not isinstance(t0, int | float | np.number)
        ):
            raise RunningError(f"t0 must be a number of ms, got {t0!r}.")
        self._t0_given = t0 is not None
        self.t0 = 0.0 if t0 is None else float(t0)
        if isinstance(jit, bool):
            self.jit = {"predict": jit}
        elif isinstance(jit, dict):
            self.jit = dict(jit)
            self.jit["predict"] = bool(self.jit.get("predict", True))
        else:
            raise ValueError(f'Unknown "jit" setting {jit!r}: give a bool or {{"predict": bool}}.')
        if memory_efficient and not numpy_mon_after_run:
            raise ValueError(
                "memory_efficient=True moves the records to host memory as NumPy arrays: "
                "it needs numpy_mon_after_run=True."
            )
        self.numpy_mon_after_run = bool(numpy_mon_after_run)
        self.memory_efficient = bool(memory_efficient)
        spec = as_progress_bar(progress_bar)
        self.progress_bar = progress_bar
        self._vars = list(target.vars().unique().values())
        self._batched = any(v.batch_axis is not None for v in self._vars)
        if data_first_axis is None:
            data_first_axis = "B" if self._batched else "T"
        if data_first_axis not in ("T", "B"):
            raise RunningError(f"data_first_axis must be 'T' or 'B', got {data_first_axis!r}.")
        self.data_first_axis = data_first_axis
        self._monitors: list[Monitor] = parse_monitors(target, monitors)
        self._inputs: list[Input] | Callable = parse_inputs(target, inputs)
        self._dense = _dense_setting(dense_monitors, self._monitors)
        if not (isinstance(chunk_bytes, int) and chunk_bytes > 0):
            raise ValueError(f"chunk_bytes must be a positive int, got {chunk_bytes!r}.")
        self.chunk_bytes = chunk_bytes
        self._clear = [
            n
            for n in target.nodes(method="relative").unique().values()
            if callable(getattr(n, "clear_input", None))
        ]
        self._bar = None if spec is None else Bar(spec)
        self._compiled = _jit(self._chunk, states=dyn_vars, static_argnums=(6,))  # cfg: flags
        self._state = self._state_vars(dyn_vars)
        self._plan = self._on_mesh(mesh, mesh_axis)
        self.mon = Monitors()

    def _on_mesh(self, mesh: Mesh | None, mesh_axis: str | None) -> MeshPlan | None:
        """Place the model on `mesh` (checked first: a network that does not fit is left
        as it is), or nothing without one."""
        if mesh is None:
            if mesh_axis is not None:
                raise RunningError("mesh_axis names an axis of `mesh=`; give the mesh too.")
            return None
        plan = plan_for(self.target, mesh, mesh_axis, self._state, type(self).__name__)
        if self._bar is not None and mesh.devices.size > 1:
            self._bar.ordered = False  # JAX orders callbacks on one device only
        return plan

    def _default_dt(self) -> float:
        i, dt = self._clock.i.value, self._clock.dt.value
        if isinstance(i, Tracer) or isinstance(dt, Tracer) or int(i) == 0:
            return share.dt
        return short_float(dt)

    def _state_vars(self, dyn_vars: Any) -> list:
        # What a run writes, put back when it stops early: the model, the clock, the
        # Variables the inputs write and those given as `dyn_vars`.
        found = [*self._vars, *self._clock.vars().unique().values()]
        if isinstance(self._inputs, list):
            found += [inp.var for inp in self._inputs]
        found += [v for v in jtu.tree_leaves(dyn_vars, is_leaf=is_variable) if is_variable(v)]
        return list({id(v): v for v in found}.values())

    # -- BrainPy's interface -----------------------------------------------------------------

    @property
    def model(self) -> DynamicalSystem:
        """The target, as `target`."""
        return self.target

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(target={self.target.name}, jit={self.jit}, dt={self.dt}, "
            f"data_first_axis={self.data_first_axis!r}, "
            f"monitors={[m.name for m in self._monitors]})"
        )

    @property
    def i0(self) -> Any:
        """The index of the next step: the clock's `i` (steps taken since step 0)."""
        i = self._clock.i.value
        return i if isinstance(i, Tracer) else int(i)

    @property
    def clock(self) -> Clock:
        """The clock this runner advances: the model's own (`net.clock`), or the
        runner's for a model without one."""
        return self._clock

    def reset_state(self) -> None:
        """Start the clock again at step 0 (time `t0`); the rest of the model is untouched."""
        self._clock.reset_state()

    def predict(
        self,
        duration: Any = None,
        inputs: Any = None,
        reset_state: bool = False,
        eval_time: bool = False,
        shared_args: dict | None = None,
        *,
        n_steps: int | None = None,
        outputs: bool = True,
    ) -> Any:
        """Run for `duration` ms (or over `inputs`); return `update`'s stacked outputs.

        The records go to `runner.mon` (with `ts`, the time of each step). Boolean
        outputs are sparse (`SparseSpikes`) unless `dense_monitors=True`.

        **Arguments:**

        - `duration`: the simulated time (ms); `int(duration / dt)` steps. An array (or
          a tuple, list or dict of arrays) here, with no `inputs`, is the inputs
          (`runner.predict(xs)`, as a trainer's `predict` takes them).
        - `inputs`: the arguments of `update`, one slice per step: an array (or
          pytree) with a time axis (`(time, ...)`, or `(batch, time, ...)` with
          `data_first_axis='B'`), or a tuple/list of them, one per argument. Given
          with `duration`, the inputs' length wins (with a warning, as in BrainPy).
        - `reset_state`: first reset the model's state (to the inputs' batch size for
          a batched model) and the runner's step index.
        - `eval_time`: also return the wall time: `(seconds, outputs)`.
        - `shared_args`: extra values put into `eqbrain.share` for every step.
        - `n_steps`: the number of steps, instead of `duration`.
        - `outputs`: `False` does not keep `update`'s outputs (returns `None`), saving
          the memory and time of stacking them when only the monitors matter.
        """
        if inputs is None and is_data(duration):
            duration, inputs = None, duration
        return self._predict(
            duration, inputs, reset_state, eval_time, shared_args, n_steps, keep_outputs=outputs
        )

    def run(self, *args, **kwargs) -> Any:
        """The same as `predict` (BrainPy's `run`)."""
        return self.predict(*args, **kwargs)

    def __call__(self, *args, **kwargs) -> Any:
        """The same as `predict`."""
        return self.predict(*args, **kwargs)

    # -- one run -------------------------------------------------------------------------------

    def _predict(
        self,
        duration: Any,
        inputs: Any,
        reset_state: bool = False,
        eval_time: bool = False,
        shared_args: dict | None = None,
        n_steps: int | None = None,
        *,
        keep_outputs: bool = True,
        strict: bool = False,
    ) -> Any:
        xs = format_xs(inputs, self.data_first_axis)
        if n_steps is not None and duration is not None:
            raise RunningError("Give either `duration` or `n_steps`, not both.")
        if n_steps is not None:
            if isinstance(n_steps, bool) or not isinstance(n_steps, int) or n_steps <= 0:
                raise RunningError(f"n_steps must be a positive int, got {n_steps!r}.")
            n = n_steps
        elif duration is not None:
            n = steps_in(duration, self.dt)
            if xs and not strict:
                n = length_of(xs)
                warnings.warn(BOTH_MSG.format(n=n), UserWarning, stacklevel=3)
        elif xs:
            n = length_of(xs)
        else:
            raise RunningError("Give `duration` (ms) or `n_steps`, or `inputs` with a time axis.")
        check_xs(xs, n, self.data_first_axis)
        if not reset_state:
            check_batch(xs, self._vars, self.data_first_axis)
        shared = check_shared(shared_args)
        start = self._start(reset_state)
        iters = [
            window(inp, start.i, n)
            for inp in (self._inputs if isinstance(self._inputs, list) else [])
            if inp.kind == "iter"
        ]
        if reset_state:
            batch = None
            if self._batched and xs:
                batch = jtu.tree_leaves(xs)[0].shape[1]
            self.target.reset_state(batch)
            self.reset_state()
        began = time.time()
        outs, mons = self._execute(n, xs, iters, shared, keep_outputs, start)
        if eval_time:
            sync((outs, mons))
        elapsed = time.time() - began
        return (elapsed, outs) if eval_time else outs

    def _start(self, reset: bool) -> _Start:
        """Where this run starts, from the clock; refuses a `dt` or `t0` that would give
        the steps of a model that has run other times than they had."""
        if reset:
            return _Start(0, self.t0)
        clock = self._clock
        i, t0, dt = clock.i.value, clock.t0.value, clock.dt.value
        if any(isinstance(x, Tracer) for x in (i, t0, dt)):
            return _Start(i, jnp.where(i > 0, t0, jnp.float32(self.t0)))
        i = int(i)
        if i == 0:
            return _Start(0, self.t0)
        t0, dt = short_float(t0), short_float(dt)
        info = dict(model=self.target.name, i=i, t=float(step_times(t0, dt, i, 1)[0]))
        if np.float32(dt) != np.float32(self.dt):
            raise RunningError(_CLOCK_DT_MSG.format(clock_dt=dt, dt=self.dt, **info))
        if self._t0_given and np.float32(t0) != np.float32(self.t0):
            raise RunningError(_CLOCK_T0_MSG.format(t0=self.t0, clock_t0=t0, **info))
        return _Start(i, t0)

    # -- execution -------------------------------------------------------------------------------

    def _in_trace(self, xs: tuple) -> bool:
        if not is_eager():  # inside a transform, before or after touching the model
            return True
        values = [v.raw_value for v in self._state] + jtu.tree_leaves(xs)
        return any(isinstance(x, Tracer) for x in values)

    def _is_dense(self, name: str | None) -> bool:
        if isinstance(self._dense, bool):
            return self._dense
        return name is not None and name in self._dense

    def _execute(self, n, xs, iters, shared, keep_outputs, start: _Start):
        traced = self._in_trace(xs) or isinstance(start.i, Tracer)
        fixed = [
            inp.value
            for inp in (self._inputs if isinstance(self._inputs, list) else [])
            if inp.kind == "fix"
        ]
        progress = self._bar is not None
        if not self.jit["predict"]:
            return self._eager(n, start, xs, fixed, iters, shared, keep_outputs)
        # Flags (`fit=True`, strings) stay Python values in the steps, as a model's `if`
        # reads them: they are part of the compiled loop's settings, not its inputs.
        flags = tuple(sorted((k, v) for k, v in shared.items() if _is_flag(v)))
        shared = {k: v for k, v in shared.items() if not _is_flag(v)}
        cfg = (keep_outputs, True if traced else self._dense, progress, flags)
        # The first step and the length are inputs, so another length compiles no new loop.
        bar = (jnp.asarray(start.i, jnp.int32), jnp.int32(n))
        args = (fixed, shared, bar if progress else None, cfg)
        if traced:
            # Inside another transform: one chunk, dense records; a failure aborts the
            # enclosing transform, which then writes nothing back.
            idx, clk = self._indices(start, 0, n)
            outs, mons = self._compiled(idx, xs, fixed, iters, shared, args[2], cfg, clk)
            return self._finish(n, start, outs, mons, traced=True)
        k = chunk_length(
            n, self._monitors, self._is_dense, self.memory_efficient, self.chunk_bytes
        )
        return self._chunks(n, k, start, xs, iters, args)

    def _indices(self, start: _Start, s: int, m: int) -> tuple[tuple, tuple]:
        """Steps `s .. s + m - 1` of the run: their indices and times, and the clock
        after them (index, `t0`, `dt`)."""
        first = start.i + s
        if isinstance(first, Tracer):
            steps = first + jnp.arange(m, dtype=jnp.int32)
            times = traced_step_times(start.t0, self.dt, first, m)
        else:
            steps = jnp.arange(first, first + m, dtype=jnp.int32)
            times = jnp.asarray(step_times(start.t0, self.dt, first, m))
        end = jnp.asarray(first + m, jnp.int32)
        return (steps, times), (end, jnp.asarray(start.t0, jnp.float32), jnp.float32(self.dt))

    def _chunks(self, n: int, k: int, start: _Start, xs: tuple, iters: list, args: tuple):
        """The run as chunks of `k` steps; what it keeps if it stops early: see
        `_stopping`."""
        fixed, shared, bar, cfg = args
        kept = Kept(0, 0, raw_values(self._state))
        done: list[list] = []  # each kept chunk's record leaves, on the host
        treedef = None
        pending = None  # the last chunk run, not yet checked
        guard = contextlib.ExitStack()
        try:
            for s in range(0, n, k):
                m = min(k, n - s)
                idx, clk = self._indices(start, s, m)
                whole = s == 0 and m == n
                x = xs if whole else jtu.tree_map(lambda a: a[s : s + m], xs)
                it = iters if whole else [a[s : s + m] for a in iters]
                result = self._compiled(idx, x, fixed, it, shared, bar, cfg, clk)
                after = raw_values(self._state)
                leaves, treedef = jtu.tree_flatten(result, is_leaf=is_record)
                if pending is not None:  # unpack the last chunk while this one runs
                    kept = self._keep(pending, done, kept)
                pending = (s, m, leaves, after)
            assert pending is not None and treedef is not None
            kept = self._keep(pending, done, kept)
            pending = None
            # Ctrl-C is held off from here (an interrupt before is a stop with every
            # chunk kept); joining the records lets each chunk's part go.
            got = guard.enter_context(interrupts_deferred())
        except BaseException as e:
            guard.close()
            self._stopped(e, n, start, pending, done, kept, treedef)
            raise
        with guard:
            joined = [join(done, j) for j in range(len(done[0]))]
            outs, mons = jtu.tree_unflatten(treedef, joined)
            result = self._finish(n, start, outs, mons, traced=False)
        if got:
            error = KeyboardInterrupt()
            add_note(error, f"{type(self).__name__}: the run had finished; all {n} steps kept.")
            raise error
        return result

    def _keep(self, pending: tuple, done: list, kept: Kept) -> Kept:
        """Bring a chunk's records to the host and wait for its state: a chunk whose
        computation failed raises here. The kept chunks then include it."""
        s, m, leaves, after = pending
        host = to_host(s, leaves, self.memory_efficient)
        jax.block_until_ready([x for x in host if isinstance(x, jax.Array)] + after)
        done[kept.chunks :] = [host]
        return Kept(kept.steps + m, kept.chunks + 1, after)

    def _stopped(self, error, n, start, pending, done, kept, treedef) -> None:
        """Put the model back to the end of the last finished chunk, with its records in
        `runner.mon`, and note it on `error`."""
        with interrupts_deferred():
            if pending is not None:
                try:
                    kept = self._keep(pending, done, kept)
                except BaseException:  # noqa: BLE001 - that chunk failed: not kept
                    pass
            set_raw_values(self._state, kept.state)
            if self._bar is not None:
                self._bar.close()
            if kept.chunks and treedef is not None:
                chunks = done[: kept.chunks]
                joined = [join(chunks, j) for j in range(len(chunks[0]))]
                _, mons = jtu.tree_unflatten(treedef, joined)
                self._finish(kept.steps, start, None, mons, traced=False)
            elif not isinstance(error, RunningError):  # a bad monitor or input: no run
                self.mon = Monitors(ts=np.zeros(0))
            self._note(error, kept.steps, n)

    def _note(self, error: BaseException, kept: int, n: int) -> None:
        if kept == 0 and isinstance(error, RunningError):
            return  # a bad monitor or input, found while the first step was traced
        clock = self._clock
        unit = "chunk" if self.jit["predict"] else "step"
        step, t = int(clock.i.value), float(clock.t)
        note = stopped_note(type(self).__name__, kept, n, step, t, bool(self._monitors), unit)
        attach(error, note, self.mon)

    def _finish(self, n: int, start: _Start, outs: Any, mons: dict, traced: bool):
        batch_first = self.data_first_axis == "B"
        concrete = not isinstance(start.i, Tracer)
        t_start = start.t0 + start.i * self.dt if concrete else 0.0

        def final(leaf, move):
            if isinstance(leaf, HostSpikes):
                axis = 1 if move and len(leaf.shape) >= 1 else 0
                return SparseSpikes(
                    leaf.steps, leaf.indices, n, leaf.shape, t0=t_start, dt=self.dt, time_axis=axis
                )
            if move and jnp.ndim(leaf) >= 2:
                leaf = (
                    jnp.moveaxis(leaf, 0, 1)
                    if not isinstance(leaf, np.ndarray)
                    else (np.moveaxis(leaf, 0, 1))
                )
            return leaf

        if outs is not None:
            outs = jtu.tree_map(lambda x: final(x, batch_first), outs, is_leaf=is_record)
        records = {}
        for m in self._monitors:
            move = batch_first and (m.batched if m.batched is not None else True)
            value = final(mons[m.name], move)
            if self.numpy_mon_after_run and not traced and not isinstance(value, SparseSpikes):
                value = np.asarray(value)
            records[m.name] = value
        if concrete:
            ts: Any = np.arange(start.i, start.i + n) * self.dt + start.t0
            if traced or not self.numpy_mon_after_run:
                ts = jnp.asarray(ts, dtype=jnp.float32)
        else:
            ts = traced_step_times(start.t0, self.dt, start.i, n)
        self.mon = Monitors(ts=ts, **records)
        return outs, self.mon

    # -- one step --------------------------------------------------------------------------------

    def _step(self, model, i, t, x, fixed, iters, shared):
        dt = self.dt
        with share.context(**shared, t=t, i=i, dt=dt), active(self._plan):
            self._apply_inputs(fixed, iters, {**shared, "t": t, "i": i, "dt": dt})
            out = model.update(*x)
            mon = [m.read(model) for m in self._monitors]
            for node in self._clear:
                node.clear_input()
            constrain(self._plan)
        return out, mon

    def _apply_inputs(self, fixed: list, iters: list, sh: dict) -> None:
        if callable(self._inputs):
            call_input(self._inputs, sh)
            return
        fixed_it, iter_it = iter(fixed), iter(iters)
        for inp in self._inputs:
            if inp.kind == "fix":
                data = next(fixed_it)
            elif inp.kind == "iter":
                data = next(iter_it)
            else:
                data = func_value(inp, sh)
            apply(inp.var, inp.op, data)

    def _record(self, value: Any, name: str | None, dense: Any) -> Any:
        def one(leaf):
            keep_dense = dense if isinstance(dense, bool) else name in dense
            if jnp.result_type(leaf) == jnp.bool_ and not keep_dense:
                return pack_on(leaf, self._plan)
            return leaf

        return jtu.tree_map(one, value)

    def _chunk(self, idx, xs, fixed, iters, shared, bar, cfg, clk):
        # The model is reached through `self`: `eqbrain.jit` finds its Variables once,
        # so a call does not flatten the whole model again (cheap chunks).
        model = self.target
        keep_outputs, dense, progress, flags = cfg
        shared = {**shared, **dict(flags)}

        def body(i_t, x, it):
            i, t = i_t
            out, mon = self._step(model, i, t, x, fixed, it, shared)
            out = self._record(out, None, dense) if keep_outputs else None
            mon = {m.name: self._record(v, m.name, dense) for m, v in zip(self._monitors, mon)}
            if progress and self._bar is not None:
                self._bar.report(i - bar[0], bar[1])
            return out, mon

        out = for_loop(body, (idx, xs, iters))
        self._advance(clk)  # written back with the model's state, at once
        return out

    def _advance(self, clk: tuple) -> None:
        clock = self._clock
        clock.i.value, clock.t0.value, clock.dt.value = clk

    def _eager(self, n, start, xs, fixed, iters, shared, keep_outputs):
        outs, mons = [], []
        (steps, times), _ = self._indices(start, 0, n)
        kept = Kept(0, 0, raw_values(self._state))
        try:
            for k in range(n):
                x = jtu.tree_map(lambda a: a[k], xs)
                it = [a[k] for a in iters]
                out, mon = self._step(self.target, steps[k], times[k], x, fixed, it, shared)
                self._advance(self._indices(start, k, 1)[1])
                outs[k:], mons[k:] = [out if keep_outputs else None], [mon]
                kept = Kept(k + 1, k + 1, raw_values(self._state))
                if self._bar is not None and self._bar.due(k, n):
                    self._bar.show(k, n)
            with interrupts_deferred() as got:
                out, mon = self._stack(n, outs, mons, keep_outputs)
                result = self._finish(n, start, out, mon, traced=False)
        except BaseException as e:
            with interrupts_deferred():
                set_raw_values(self._state, kept.state)
                if self._bar is not None:
                    self._bar.close()
                if kept.steps:
                    _, mon = self._stack(kept.steps, outs, mons, False)
                    self._finish(kept.steps, start, None, mon, traced=False)
                elif not isinstance(e, RunningError):
                    self.mon = Monitors(ts=np.zeros(0))
                self._note(e, kept.steps, n)
            raise
        if got:
            error = KeyboardInterrupt()
            add_note(error, f"{type(self).__name__}: the run had finished; all {n} steps kept.")
            raise error
        return result

    def _stack(self, n: int, outs: list, mons: list, keep_outputs: bool):
        """The first `n` steps of an eager run, as the compiled run records them."""
        outs, mons = outs[:n], mons[:n]
        out = jtu.tree_map(lambda *v: jnp.stack(v), *outs) if keep_outputs else None
        mon = {m.name: jnp.stack([step[j] for step in mons]) for j, m in enumerate(self._monitors)}

        def sparse(leaf, name):
            if leaf.dtype == jnp.bool_ and not self._is_dense(name):
                flat = np.asarray(leaf).reshape(n, -1)
                steps, indices = np.nonzero(flat)
                return HostSpikes(steps.astype(np.int32), indices.astype(np.int32), leaf.shape[1:])
            return leaf

        out = jtu.tree_map(lambda v: sparse(v, None), out) if out is not None else None
        mon = {name: sparse(v, name) for name, v in mon.items()}
        return out, mon


Runner = DSRunner


def run(
    model: DynamicalSystem,
    duration: float | None = None,
    *,
    n_steps: int | None = None,
    inputs: Any = None,
    monitors: Any = None,
    dt: float | None = None,
    t0: float | None = None,
    progress_bar: bool | dict | ProgressBar | int = False,
    **runner_kwargs: Any,
) -> Monitors:
    """Simulate `model` for `duration` ms and return the records (`runner.mon`).

    A `DSRunner` for one run: the model is left in its final state, `update`'s outputs
    are not kept (so they cost no memory), and the records come back as a `Monitors`
    dict with `ts`. Inputs to `update` must be as long as the run. To run the same
    model again without recompiling, keep a `DSRunner`.

    **Arguments:**

    - `model`, `duration` (ms) or `n_steps`: what to run, and for how long.
    - `inputs`: the arguments of `update`, time first (see `DSRunner.predict`).
    - `monitors`, `dt`, `t0`, `progress_bar`, `**runner_kwargs`: as for `DSRunner`.

    ```python
    out = eqbrain.run(net, 1000.0, monitors=["E.spike"], dt=0.1, progress_bar=True)
    out["E.spike"].mean_rate()        # Hz, from the sparse spikes
    ```
    """
    runner = DSRunner(
        model, monitors=monitors, dt=dt, t0=t0, progress_bar=progress_bar, **runner_kwargs
    )
    runner._predict(duration, inputs, n_steps=n_steps, keep_outputs=False, strict=True)
    return runner.mon
