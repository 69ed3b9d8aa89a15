"""`DSRunner` (also `Runner`) and `run`: simulate a `DynamicalSystem` and record it."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Collection
from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax.core import Tracer

from ..._transforms import Bar, ProgressBar, as_progress_bar, for_loop, jit as _jit
from .._dynsys import DynamicalSystem
from .._share import _check_dt, share
from ._chunks import HostSpikes, chunk_length, is_record, join, sync, to_host
from ._errors import RunningError
from ._inputs import Input, apply, call_input, parse_inputs, window
from ._monitors import Monitor, Monitors, parse_monitors
from ._spikes import SparseSpikes, pack

_INPUT_SHAPE_MSG = """\
inputs to `update` need a leading time axis of length {n} ({axis}); got {what} of shape \
{shape}. For a constant input, pass it to the runner: `DSRunner(model, \
inputs=[("target.path", value)])`, or broadcast it: `jnp.full(({n}, ...), value)`."""

_AXES = {"T": "(time, batch, ...)", "B": "(batch, time, ...)"}

_BOTH_MSG = """\
the inputs to `update` already set the number of steps ({n}); `duration` is ignored \
(BrainPy's rule). Give one or the other."""


def _steps_in(duration: Any, dt: float) -> int:
    """`int(duration / dt)`, BrainPy's count, without losing a step to rounding error."""
    if isinstance(duration, bool) or not isinstance(duration, int | float | np.number):
        raise RunningError(f"duration must be a number of ms, got {duration!r}.")
    if not (duration > 0 and math.isfinite(duration)):
        raise RunningError(f"duration must be a positive number of ms, got {duration!r}.")
    q = duration / dt
    n = round(q) if abs(q - round(q)) <= 1e-9 * max(1.0, q) else math.floor(q)
    if n < 1:
        raise RunningError(
            f"duration={duration!r} ms is shorter than one step (dt={dt} ms): nothing to "
            "run. Durations are in ms."
        )
    return n


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


class DSRunner:
    """Runs a `DynamicalSystem` step by step and records it: BrainPy's `DSRunner`.

    A run is one compiled `lax.scan` over the steps (through `eqbrain.for_loop`), cut
    into chunks only when sparse spike records need it. Each step: the runner's
    `inputs` are applied, `update(*step_inputs)` is called with `t`, `i` and `dt` in
    `eqbrain.share`, the monitors are read, and every node's `clear_input()` (if it has
    one) is called. Running again continues from where the last run stopped (the step
    index `i0` and time go on) and does not recompile for the same length and shapes.

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
    - `dt`: the step size (ms); default `eqbrain.get_dt()`.
    - `t0`: the time of step 0 (ms): step `i` runs at `t = t0 + i * dt`.
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

    ```python
    runner = eqbrain.DSRunner(net, monitors=["E.spike", "E.V"],
                              inputs=[("E.input", 20.0)], dt=0.1)
    runner.run(100.0)                       # stacked outputs of `update`
    runner.mon.ts, runner.mon["E.V"]        # (1000,), (1000, n)
    runner.mon["E.spike"].indices           # sparse: who spiked, and `.times` when
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
        t0: float = 0.0,
        progress_bar: bool | dict | ProgressBar | int = False,
        data_first_axis: str | None = None,
        *,
        dense_monitors: bool | Collection[str] = False,
        chunk_bytes: int = 256 << 10,
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
        try:
            self.dt = share.dt if dt is None else _check_dt(dt)
        except (TypeError, ValueError) as e:
            raise RunningError(str(e)) from None
        if isinstance(t0, bool) or not isinstance(t0, int | float | np.number):
            raise RunningError(f"t0 must be a number of ms, got {t0!r}.")
        self.t0 = float(t0)
        self.i0 = 0
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
        self.mon = Monitors()

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

    def reset_state(self) -> None:
        """Start the step index (and so the time) from 0 again; the model is untouched."""
        self.i0 = 0

    def predict(
        self,
        duration: float | None = None,
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

        - `duration`: the simulated time (ms); `int(duration / dt)` steps.
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
        xs = self._format_xs(inputs)
        if n_steps is not None and duration is not None:
            raise RunningError("Give either `duration` or `n_steps`, not both.")
        if n_steps is not None:
            if isinstance(n_steps, bool) or not isinstance(n_steps, int) or n_steps <= 0:
                raise RunningError(f"n_steps must be a positive int, got {n_steps!r}.")
            n = n_steps
        elif duration is not None:
            n = _steps_in(duration, self.dt)
            if xs and not strict:
                n = self._length_of(xs)
                warnings.warn(_BOTH_MSG.format(n=n), UserWarning, stacklevel=3)
        elif xs:
            n = self._length_of(xs)
        else:
            raise RunningError("Give `duration` (ms) or `n_steps`, or `inputs` with a time axis.")
        self._check_xs(xs, n)
        if not reset_state:
            self._check_batch(xs)
        shared = self._check_shared(shared_args)
        i_start = 0 if reset_state else self.i0
        iters = [
            window(inp, i_start, n)
            for inp in (self._inputs if isinstance(self._inputs, list) else [])
            if inp.kind == "iter"
        ]
        if reset_state:
            batch = None
            if self._batched and xs:
                batch = jtu.tree_leaves(xs)[0].shape[1]
            self.target.reset_state(batch)
            self.reset_state()
        start = time.time()
        outs, mons = self._execute(n, xs, iters, shared, keep_outputs)
        if eval_time:
            sync((outs, mons))
        elapsed = time.time() - start
        self.i0 += n
        return (elapsed, outs) if eval_time else outs

    def _format_xs(self, inputs: Any) -> tuple:
        if inputs is None:
            return ()
        xs = tuple(inputs) if isinstance(inputs, tuple | list) else (inputs,)
        for leaf in jtu.tree_leaves(xs):
            if not hasattr(leaf, "shape"):
                leaf = np.asarray(leaf)
            need = 2 if self.data_first_axis == "B" else 1
            if len(leaf.shape) < need:
                axis = "(batch, time, ...)" if need == 2 else "(time, ...)"
                raise RunningError(
                    _INPUT_SHAPE_MSG.format(
                        n="n_steps", axis=axis, what=f"a {type(leaf).__name__}", shape=leaf.shape
                    )
                )
        xs = jtu.tree_map(jnp.asarray, xs)
        if self.data_first_axis == "B":
            xs = jtu.tree_map(lambda x: jnp.moveaxis(x, 0, 1), xs)
        return xs

    def _length_of(self, xs: tuple) -> int:
        lengths = {x.shape[0] for x in jtu.tree_leaves(xs)}
        if len(lengths) != 1:
            raise RunningError(f"inputs to `update` disagree on the number of steps: {lengths}.")
        n = lengths.pop()
        if n < 1:
            raise RunningError("inputs to `update` have no steps (a time axis of length 0).")
        return n

    def _check_xs(self, xs: tuple, n: int) -> None:
        for leaf in jtu.tree_leaves(xs):
            if leaf.shape[0] != n:
                shape = leaf.shape
                if self.data_first_axis == "B":
                    shape = (shape[1], shape[0], *shape[2:])
                axis = "batch first" if self.data_first_axis == "B" else "time first"
                raise RunningError(
                    _INPUT_SHAPE_MSG.format(n=n, axis=axis, what="an array", shape=shape)
                )

    def _check_batch(self, xs: tuple) -> None:
        sizes = {v.shape[v.batch_axis] for v in self._vars if v.batch_axis is not None}
        if len(sizes) != 1:
            return
        (size,) = sizes
        for leaf in jtu.tree_leaves(xs):
            if leaf.ndim >= 2 and leaf.shape[1] != size:
                given = (
                    leaf.shape if self.data_first_axis == "T" else jnp.moveaxis(leaf, 0, 1).shape
                )
                raise RunningError(
                    f"the model runs a batch of {size}, but an input to `update` of shape "
                    f"{given} has {leaf.shape[1]} along its batch axis (data_first_axis="
                    f"{self.data_first_axis!r}: {_AXES[self.data_first_axis]}). A batched "
                    "model takes its inputs batch first by default, as BrainPy's DSRunner "
                    "does; pass data_first_axis='T' for time-first inputs."
                )

    def _check_shared(self, shared_args: Any) -> dict:
        if shared_args is None:
            return {}
        if not isinstance(shared_args, dict) or not all(isinstance(k, str) for k in shared_args):
            raise RunningError(f"shared_args must be a dict with str keys, got {shared_args!r}.")
        reserved = {"t", "i", "dt"} & set(shared_args)
        if reserved:
            raise RunningError(
                f"shared_args cannot set {sorted(reserved)}: the runner sets t, i and dt "
                "for each step (use `dt=` and `t0=` of the runner)."
            )
        return dict(shared_args)

    # -- execution -------------------------------------------------------------------------------

    def _in_trace(self, xs: tuple) -> bool:
        values = [v.raw_value for v in self._vars] + jtu.tree_leaves(xs)
        return any(isinstance(x, Tracer) for x in values)

    def _is_dense(self, name: str | None) -> bool:
        if isinstance(self._dense, bool):
            return self._dense
        return name is not None and name in self._dense

    def _execute(self, n: int, xs: tuple, iters: list, shared: dict, keep_outputs: bool):
        i_start = self.i0
        traced = self._in_trace(xs)
        fixed = [
            inp.value
            for inp in (self._inputs if isinstance(self._inputs, list) else [])
            if inp.kind == "fix"
        ]
        dense = True if traced else self._dense
        progress = self._bar is not None
        if not self.jit["predict"]:
            outs, mons = self._eager(n, i_start, xs, fixed, iters, shared, keep_outputs)
            return self._finish(n, i_start, outs, mons, traced=False)
        k = (
            n
            if traced
            else chunk_length(
                n, self._monitors, self._is_dense, self.memory_efficient, self.chunk_bytes
            )
        )
        cfg = (keep_outputs, dense, progress)
        # The first step and the length are inputs, so another length compiles no new loop.
        bar = (jnp.int32(i_start), jnp.int32(n)) if progress else None
        done: list[list] = []  # each chunk's leaves
        treedef = None
        pending = None
        for s in range(0, n, k):
            m = min(k, n - s)
            idx = (
                jnp.arange(i_start + s, i_start + s + m, dtype=jnp.int32),
                self._times(i_start + s, m),
            )
            whole = s == 0 and m == n
            x = xs if whole else jtu.tree_map(lambda a: a[s : s + m], xs)
            it = iters if whole else [a[s : s + m] for a in iters]
            result = self._compiled(idx, x, fixed, it, shared, bar, cfg)
            if pending is not None:  # unpack the last chunk while this one runs
                done.append(to_host(*pending, self.memory_efficient))
            leaves, treedef = jtu.tree_flatten(result, is_leaf=is_record)
            pending = (s, leaves)
        assert pending is not None and treedef is not None
        done.append(pending[1] if traced else to_host(*pending, self.memory_efficient))
        del pending
        joined = [join(done, j) for j in range(len(done[0]))]
        outs, mons = jtu.tree_unflatten(treedef, joined)
        return self._finish(n, i_start, outs, mons, traced)

    def _finish(self, n: int, i_start: int, outs: Any, mons: dict, traced: bool):
        batch_first = self.data_first_axis == "B"
        t_start = self.t0 + i_start * self.dt

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
        ts = np.arange(i_start, i_start + n) * self.dt + self.t0
        if traced or not self.numpy_mon_after_run:
            ts = jnp.asarray(ts, dtype=jnp.float32)
        self.mon = Monitors(ts=ts, **records)
        return outs, self.mon

    # -- one step --------------------------------------------------------------------------------

    def _times(self, i_start: int, n: int) -> jax.Array:
        # Each step's time `t0 + i * dt`, in float32 with each operation rounded, as
        # BrainPy's runner computes it; made on the host, so that XLA cannot fuse it into
        # a later `t - arrival` (a fused multiply-add rounds differently and moves
        # threshold crossings such as `t - arrival < T_duration` by a step).
        steps = np.arange(i_start, i_start + n, dtype=np.int64).astype(np.float32)
        return jnp.asarray(np.float32(self.t0) + steps * np.float32(self.dt))

    def _step(self, model, i, t, x, fixed, iters, shared):
        dt = self.dt
        with share.context(**shared, t=t, i=i, dt=dt):
            self._apply_inputs(fixed, iters, {**shared, "t": t, "i": i, "dt": dt})
            out = model.update(*x)
            mon = [m.read(model) for m in self._monitors]
            for node in self._clear:
                node.clear_input()
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
                data = call_input(inp.value, sh)
            apply(inp.var, inp.op, data)

    def _record(self, value: Any, name: str | None, dense: Any) -> Any:
        def one(leaf):
            keep_dense = dense if isinstance(dense, bool) else name in dense
            if jnp.result_type(leaf) == jnp.bool_ and not keep_dense:
                return pack(leaf)
            return leaf

        return jtu.tree_map(one, value)

    def _chunk(self, idx, xs, fixed, iters, shared, bar, cfg):
        # The model is reached through `self`: `eqbrain.jit` finds its Variables once,
        # so a call does not flatten the whole model again (cheap chunks).
        model = self.target
        keep_outputs, dense, progress = cfg

        def body(i_t, x, it):
            i, t = i_t
            out, mon = self._step(model, i, t, x, fixed, it, shared)
            out = self._record(out, None, dense) if keep_outputs else None
            mon = {m.name: self._record(v, m.name, dense) for m, v in zip(self._monitors, mon)}
            if progress and self._bar is not None:
                self._bar.report(i - bar[0], bar[1])
            return out, mon

        return for_loop(body, (idx, xs, iters))

    def _eager(self, n, i_start, xs, fixed, iters, shared, keep_outputs):
        outs, mons = [], []
        for k in range(n):
            x = jtu.tree_map(lambda a: a[k], xs)
            i, t = jnp.int32(i_start + k), self._times(i_start + k, 1)[0]
            out, mon = self._step(self.target, i, t, x, fixed, [a[k] for a in iters], shared)
            outs.append(out if keep_outputs else None)
            mons.append(mon)
            if self._bar is not None and self._bar.due(k, n):
                self._bar.show(k, n)

        def stack(*values):
            stacked = jnp.stack(values)
            return stacked

        out = jtu.tree_map(stack, *outs) if keep_outputs and outs[0] is not None else None
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
    t0: float = 0.0,
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
