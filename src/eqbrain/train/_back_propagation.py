"""`BPTT` and `BPFF`: train a model by back-propagation (through time), BrainPy's
trainers on `eqbrain.value_and_grad` and `eqbrain.optim`."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np

import eqbrain.losses as _losses
import eqbrain.optim as _optim

from .._transforms import Bar, as_progress_bar, for_loop, jit as _jit, scan, value_and_grad
from ..dyn import DynamicalSystem, Monitors, RunningError
from ._base import DSTrainer, batch_size_of
from ._data import as_inputs, batches, check_batch_of, check_dataset, check_timed, short

_NO_TRAINVARS_MSG = """\
{cls}: {model} has no trainable Variables (TrainVar), so there is nothing to train. \
Hold the weights in `eqbrain.TrainVar`s (the layers of `eqbrain.dnn` do), or give the \
optimizer the Variables to train: `optimizer=eqbrain.optim.Adam(lr, train_vars={{...}})`."""

_BOOL_SPIKES_MSG = """\
{cls}: {model} holds boolean state ({names}): spikes that carry no gradient, so \
back-propagation would train nothing through them. Build the spiking neurons in \
`eqbrain.training_mode` (they then emit surrogate spikes), or give them a surrogate \
`spk_fun=`."""

_FOREIGN_MSG = """\
{cls}: the optimizer trains Variables that are not {model}'s ({keys}): they would be \
updated with zero gradients while the model stays as it is. Give an optimizer without \
train_vars (the trainer registers the model's), or `train_vars=model.train_vars()`."""


def _hashable(shared: dict, owner: str) -> tuple:
    """`shared_args` as a sorted tuple: a static argument of the compiled steps."""
    for k, v in shared.items():
        if not isinstance(v, Hashable) or hasattr(v, "shape"):
            raise TypeError(
                f"{owner}: shared_args[{k!r}] must be a hashable Python value (a bool, "
                f"number or string), got {short(v)}: the compiled step depends on it."
            )
    return tuple(sorted(shared.items()))


def _loss_function(loss_fun: Any, owner: str) -> Callable:
    if isinstance(loss_fun, str):
        fn = getattr(_losses, loss_fun, None)
        if not callable(fn):
            raise ValueError(
                f"{owner}: loss_fun={loss_fun!r} is not a loss of eqbrain.losses; give one "
                f"of {sorted(_losses.__all__)}, or a callable (predicts, targets) -> loss."
            )
        return fn
    if callable(loss_fun):
        return loss_fun
    raise TypeError(
        f"{owner}: loss_fun must be a name in eqbrain.losses or a callable "
        f"(predicts, targets) -> loss, got {short(loss_fun)}."
    )


class _History:
    """The metrics of `fit`: the reported means and every batch's values."""

    def __init__(self) -> None:
        self.report: dict[str, list] = {}
        self.detail: dict[str, list] = {}
        self.pending: dict[str, list] = {"loss": []}

    def add(self, loss: Any, aux: Any, owner: str) -> None:
        self.pending["loss"].append(loss)
        if aux is None:
            return
        if not isinstance(aux, dict):
            raise TypeError(
                f"{owner}: with loss_has_aux=True the loss function returns (loss, aux) "
                f"with aux a dict of metrics {{name: value}}, got {type(aux).__name__}."
            )
        for k, v in aux.items():
            self.pending.setdefault(k, []).append(v)

    def flush(self) -> dict[str, float]:
        means = {}
        for k, values in self.pending.items():
            if not values:
                continue
            host = [np.asarray(v) for v in jax.device_get(values)]  # one transfer
            means[k] = float(np.mean(host))
            self.report.setdefault(k, []).append(means[k])
            self.detail.setdefault(k, []).extend(host)
            values.clear()
        return means


class BPTrainer(DSTrainer):
    """The base of `BPTT` and `BPFF`: a loss, an optimizer, `fit` and its history.

    **Arguments:**

    - `target`: the model; its `TrainVar`s are trained.
    - `loss_fun`: a name in `eqbrain.losses` or a callable `(predicts, targets) ->
      loss`; with `monitors`, `predicts` is `(outputs, monitors)`.
    - `optimizer`: an `eqbrain.optim` optimizer (default: BrainPy's, `Adam` with an
      `ExponentialDecayLR(0.025, 1, 0.99975)` rate); without `train_vars`, it is given the
      model's.
    - `loss_has_aux`: the loss returns `(loss, {name: metric})`; the metrics are kept.
    - `**kwargs`: as for `DSRunner` (`monitors`, `data_first_axis`, `progress_bar`,
      `jit={'predict', 'loss', 'fit'}`, ...).
    """

    PHASES = ("predict", "loss", "fit")

    def __init__(
        self,
        target: DynamicalSystem,
        loss_fun: str | Callable,
        optimizer: Any = None,
        loss_has_aux: bool = False,
        loss_auto_run: bool = True,
        seed: Any = None,
        shuffle_data: Any = None,
        **kwargs: Any,
    ):
        name = type(self).__name__
        for what, given in (("shuffle_data", shuffle_data), ("seed", seed)):
            if given is not None:
                raise TypeError(
                    f"{name}: `{what}` is not an option; shuffle your dataset yourself "
                    "(fit takes an iterable of (X, Y) batches, or a function returning one)."
                )
        self._loss_func = _loss_function(loss_fun, name)
        super().__init__(target, **kwargs)
        self._train_vars = target.train_vars().unique()
        batched = [v for v in target.vars().unique().values() if v.batch_axis is not None]
        self._batched_var = batched[0] if batched else None  # read for the batch size
        self._check_trainable(optimizer)
        if optimizer is None:
            optimizer = _optim.Adam(lr=_optim.ExponentialDecayLR(0.025, 1, 0.99975))
        if not isinstance(optimizer, _optim.Optimizer):
            raise TypeError(
                f"{name}: optimizer must be an eqbrain.optim optimizer, got {short(optimizer)}."
            )
        if len(optimizer.vars_to_train) == 0:
            optimizer.register_train_vars(self._train_vars)
        self.optimizer = optimizer
        self._check_optimizer()
        self.loss_has_aux = bool(loss_has_aux)
        self.loss_auto_run = loss_auto_run
        self._metrics = {"train": _History(), "test": _History()}
        self._f_loss = _jit(self._loss_step, static_argnums=(0, 1))
        self._f_fit = _jit(self._fit_step, static_argnums=(0, 1))

    def _check_trainable(self, optimizer: Any) -> None:
        name, model = type(self).__name__, self.target.name
        if not self._train_vars and (optimizer is None or not len(optimizer.vars_to_train)):
            raise ValueError(_NO_TRAINVARS_MSG.format(cls=name, model=model))
        flags = [
            k
            for k, v in self.target.vars(method="relative").unique().items()
            if v.batch_axis is not None and v.dtype == jnp.bool_
        ]
        if flags:
            raise RunningError(
                _BOOL_SPIKES_MSG.format(cls=name, model=model, names=", ".join(flags[:4]))
            )
        if any(inp.kind == "iter" for inp in self._input_list()):
            raise RunningError(
                f"{name}: runner inputs of type 'iter' are not trained over; pass such "
                "data as inputs to `update` in the batches of `fit`."
            )

    def _input_list(self) -> list:
        return self._inputs if isinstance(self._inputs, list) else []

    def _check_optimizer(self) -> None:
        own = {id(v) for v in self.target.vars().unique().values()}
        foreign = [k for k, v in self.optimizer.vars_to_train.items() if id(v) not in own]
        if foreign:
            raise ValueError(
                _FOREIGN_MSG.format(
                    cls=type(self).__name__, model=self.target.name, keys=", ".join(foreign[:4])
                )
            )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(target={self.target.name}, jit={self.jit}, "
            f"loss={getattr(self._loss_func, '__name__', self._loss_func)}, "
            f"optimizer={self.optimizer!r})"
        )

    # -- history ---------------------------------------------------------------------------------

    def get_hist_metric(self, phase: str = "fit", metric: str = "loss", which: str = "report"):
        """The history of `metric` (`'loss'` or a name from the loss's aux dict):
        `phase` `'fit'`/`'train'` or `'test'`/`'predict'`; `which` `'report'` (one mean
        per report) or `'detailed'` (one value per batch). `None` if never recorded."""
        phases = {"fit": "train", "train": "train", "test": "test", "predict": "test"}
        if phase not in phases or which not in ("report", "detailed"):
            raise ValueError(
                f"get_hist_metric: phase must be one of {sorted(phases)} and which "
                f"'report' or 'detailed', got phase={phase!r}, which={which!r}."
            )
        hist = self._metrics[phases[phase]]
        values = (hist.report if which == "report" else hist.detail).get(metric)
        return None if values is None else np.asarray(values)

    @property
    def train_losses(self) -> Any:
        """The training loss, one mean per report (per epoch by default)."""
        return self.get_hist_metric("fit")

    @property
    def test_losses(self) -> Any:
        """The test loss, one mean per report."""
        return self.get_hist_metric("test")

    # -- compiled steps --------------------------------------------------------------------------

    def _forward(self, shared: dict, xs: tuple) -> tuple[Any, dict]:
        raise NotImplementedError

    def _loss_value(self, shared: tuple, reset: bool, xs: tuple, ys: Any) -> Any:
        if reset:  # inside the compiled step: the model starts each batch afresh
            self._reset(self._batch_of(xs))
        outs, mons = self._forward(dict(shared), xs)
        predicts = (outs, mons) if self._monitors else outs
        return self._loss_func(predicts, ys)

    def _loss_step(self, shared: tuple, reset: bool, xs: tuple, ys: Any) -> Any:
        out = self._loss_value(shared, reset, xs, ys)
        return out if self.loss_has_aux else (out, None)

    def _fit_step(self, shared: tuple, reset: bool, xs: tuple, ys: Any) -> Any:
        grad = value_and_grad(
            self._loss_value, grad_vars=self._train_vars, has_aux=self.loss_has_aux
        )
        value, grads = grad(shared, reset, xs, ys)
        self.optimizer.update(grads)
        return value if self.loss_has_aux else (value, None)

    def lower(self, inputs: Any, targets: Any, shared_args: dict | None = None) -> Any:
        """The `jax.stages.Lowered` of one compiled training step on a batch, e.g.
        `trainer.lower(X, Y).compile().memory_analysis()` for the memory it plans."""
        shared = _hashable({"fit": True, **(shared_args or {})}, type(self).__name__)
        xs = as_inputs(inputs)
        self._resize(self._batch_of(xs))
        return self._f_fit.lower(shared, True, xs, targets)

    def _call(self, phase: str, shared: tuple, reset: bool, xs: tuple, ys: Any) -> Any:
        fn = {"fit": (self._f_fit, self._fit_step), "loss": (self._f_loss, self._loss_step)}[phase]
        return (fn[0] if self.jit[phase] else fn[1])(shared, reset, xs, ys)

    # -- fit -------------------------------------------------------------------------------------

    def _check_batch(self, xs: tuple, y: Any) -> int | None:
        raise NotImplementedError

    def _batch_of(self, xs: tuple) -> int | None:
        return batch_size_of(xs, self.data_first_axis)

    def _state_batch(self) -> int | None:
        """The batch size of the model's batched state (`None` without one)."""
        v = self._batched_var
        return None if v is None or v.batch_axis is None else v.shape[v.batch_axis]

    def _reset(self, batch: int | None) -> None:
        """The model's state and clock back to their start, for a batch of `batch`."""
        if batch is not None and self._state_batch() is not None:
            self.target.reset_state(batch)
        else:
            self.target.reset_state()
        self.reset_state()

    def _resize(self, batch: int | None) -> None:
        """Give the model's state `batch` trials before a compiled step that resets it
        (so that the step sees the shapes it will write)."""
        current = self._state_batch()
        if batch is not None and current is not None and current != batch:
            self._reset(batch)

    def fit(
        self,
        train_data: Any,
        test_data: Any = None,
        num_epoch: int = 100,
        num_report: int = -1,
        reset_state: bool = True,
        shared_args: dict | None = None,
        fun_after_report: Callable | None = None,
        batch_size: Any = None,
    ) -> None:
        """Train for `num_epoch` epochs over `train_data`, testing on `test_data`.

        **Arguments:**

        - `train_data`, `test_data`: datasets of `(X, Y)` batches: an iterable, or a
          function returning one for each epoch. `X`: the inputs to `update`, `(batch,
          time, ...)` (BPTT, or `(time, batch, ...)` with `data_first_axis='T'`) or
          `(batch, ...)` (BPFF); `Y`: the targets the loss compares the outputs with.
        - `num_epoch`: the number of epochs.
        - `num_report`: report (print or show on the progress bar, and record the mean
          metrics) every that many batches; `-1`, once per epoch.
        - `reset_state`: reset the model (to the batch's size) before each batch.
        - `shared_args`: values put into `eqbrain.share` (`fit` is `True` unless given).
        - `fun_after_report`: called as `f(index, metrics, phase)` after each report.
        """
        name = type(self).__name__
        if batch_size is not None:
            raise TypeError(f"{name}.fit: batch_size is not an option; batch your dataset.")
        check_dataset(train_data, "train_data", name)
        if test_data is not None:
            check_dataset(test_data, "test_data", name)
        if fun_after_report is not None and not callable(fun_after_report):
            raise TypeError(
                f"{name}.fit: fun_after_report must be a callable (index, metrics, phase), "
                f"got {short(fun_after_report)}."
            )
        if isinstance(num_epoch, bool) or not isinstance(num_epoch, int) or num_epoch < 0:
            raise ValueError(
                f"{name}.fit: num_epoch must be a non-negative int, got {num_epoch!r}."
            )
        shared = _hashable({"fit": True, **(shared_args or {})}, name)
        test_shared = _hashable({**dict(shared), "fit": False}, name)
        counters = {"train": 0, "test": 0}
        for epoch in range(num_epoch):
            self._epoch(
                "train",
                train_data,
                shared,
                epoch,
                num_report,
                reset_state,
                counters,
                fun_after_report,
            )
            if self.optimizer.lr is not None:
                self.optimizer.lr.step_epoch()
            if test_data is not None:
                self._epoch(
                    "test",
                    test_data,
                    test_shared,
                    epoch,
                    num_report,
                    reset_state,
                    counters,
                    fun_after_report,
                )

    def _epoch(self, phase, data, shared, epoch, num_report, reset, counters, after) -> None:
        name = type(self).__name__
        what = "train_data" if phase == "train" else "test_data"
        hist = self._metrics[phase]
        spec = as_progress_bar(self.progress_bar)
        epoch_data: Any = data() if callable(data) else data
        total = len(epoch_data) if hasattr(epoch_data, "__len__") else None
        bar = Bar(spec) if spec is not None and total else None
        began = time.time()
        for k, (x, y) in enumerate(batches(lambda: epoch_data, what, name)):
            xs = as_inputs(x)
            batch = self._check_batch(xs, y)
            if reset:
                self._resize(batch)
            loss, aux = self._call("fit" if phase == "train" else "loss", shared, reset, xs, y)
            hist.add(loss, aux, name)
            if bar is not None and total is not None:
                bar.show(k, total)
            counters[phase] += 1
            if num_report > 0 and counters[phase] % num_report == 0:
                self._report(phase, counters[phase], "steps", began, bar, after)
                began = time.time()
        if num_report <= 0:
            self._report(phase, epoch, "epoch", began, bar, after)
        if bar is not None:
            bar.close()

    def _report(self, phase, index, unit, began, bar, after) -> None:
        means = self._metrics[phase].flush()
        if not means:
            return
        label = "Train" if phase == "train" else "Test"
        text = f"{label} {index} {unit}, use {time.time() - began:.4f} s, " + ", ".join(
            f"{k} {v:.6g}" for k, v in means.items()
        )
        if bar is not None and bar.bar is not None:
            bar.bar.set_description(text, refresh=True)
        elif self.progress_bar:
            print(text)
        if after is not None:
            after(index, means, "fit" if phase == "train" else "test")


class BPTT(BPTrainer):
    """Back-propagation through time (BrainPy's `bp.BPTT`): each batch runs the model
    over its time steps in one compiled loop, differentiates the loss through every
    step, and updates the `TrainVar`s with the optimizer. The step compiles once per
    input shape.

    **Arguments:** as `BPTrainer` (`target`, `loss_fun`, `optimizer`, `loss_has_aux`,
    and `DSRunner`'s), and

    - `checkpoint`: recompute the forward pass in chunks of this many steps when
      differentiating (`jax.checkpoint` over each chunk): memory for `time /
      checkpoint` saved states plus one chunk's intermediates, instead of every
      step's, for about one more forward pass of compute. `None` (default) keeps
      every step.

    Inputs are `(batch, time, ...)` (`data_first_axis='B'`, default) or `(time, batch,
    ...)`; outputs come back in the same layout.

    ```python
    with eqbrain.environment(mode=eqbrain.training_mode):
        net = eqbrain.Sequential(eqbrain.dnn.Dense(10, 20), eqbrain.dyn.Lif(20),
                                 eqbrain.dnn.Dense(20, 2))
    trainer = eqbrain.BPTT(net, loss_fun=lambda out, y: eqbrain.losses.cross_entropy_loss(
        out.mean(1), y), optimizer=eqbrain.optim.Adam(lr=1e-3))
    trainer.fit([(X, Y)], num_epoch=10)        # X: (batch, time, 10)
    trainer.train_losses                       # one mean loss per epoch
    ```
    """

    def __init__(
        self,
        target: DynamicalSystem,
        loss_fun: str | Callable,
        *args: Any,
        checkpoint: int | None = None,
        **kwargs: Any,
    ):
        if checkpoint is not None and (
            isinstance(checkpoint, bool) or not isinstance(checkpoint, int) or checkpoint < 1
        ):
            raise ValueError(
                f"BPTT: checkpoint must be a positive number of steps per chunk or None, "
                f"got {checkpoint!r}."
            )
        self.checkpoint = checkpoint
        super().__init__(target, loss_fun, *args, **kwargs)

    def _check_batch(self, xs: tuple, y: Any) -> int | None:
        first = self.data_first_axis
        batch, _ = check_timed(xs, first, "the inputs X", type(self).__name__)
        check_batch_of(y, batch, 0 if first == "B" else 1, "the targets Y", type(self).__name__)
        return batch

    def _forward(self, shared: dict, xs: tuple) -> tuple[Any, dict]:
        if self.data_first_axis == "B":
            xs = jtu.tree_map(lambda a: jnp.moveaxis(a, 0, 1), xs)
        n = jtu.tree_leaves(xs)[0].shape[0]
        start = self._start(False)
        (steps, times), clk = self._indices(start, 0, n)
        fixed = [inp.value for inp in self._input_list() if inp.kind == "fix"]

        def body(i, t, x):
            out, mon = self._step(self.target, i, t, x, fixed, [], shared)
            return out, {m.name: v for m, v in zip(self._monitors, mon)}

        ops = (steps, times, xs)
        k = self.checkpoint
        if k is None or k >= n:
            outs, mons = for_loop(body, ops)
        else:
            outs, mons = _checkpointed(body, ops, n, k)
        self._advance(clk)
        if self.data_first_axis == "B":
            move = lambda a: jnp.moveaxis(a, 0, 1) if jnp.ndim(a) >= 2 else a  # noqa: E731
            outs, mons = jtu.tree_map(move, outs), jtu.tree_map(move, mons)
        return outs, mons


def _checkpointed(body: Callable, ops: tuple, n: int, k: int) -> Any:
    """`for_loop(body, ops)` as chunks of `k` steps under `jax.checkpoint` (the steps
    past the last whole chunk run plainly)."""
    m = (n // k) * k
    head = jtu.tree_map(lambda a: a[:m].reshape(n // k, k, *a.shape[1:]), ops)

    def chunk(carry, op):
        return carry, for_loop(body, op)

    _, out = scan(chunk, None, head, remat=True)
    out = jtu.tree_map(lambda a: a.reshape(m, *a.shape[2:]), out)
    if m == n:
        return out
    tail = for_loop(body, jtu.tree_map(lambda a: a[m:], ops))
    return jtu.tree_map(lambda a, b: jnp.concatenate([a, b]), out, tail)


class BPFF(BPTrainer):
    """Back-propagation for models without a time axis (BrainPy's `bp.BPFF`): each
    batch is one step of the model, `(batch, ...)` in, `(batch, ...)` out.

    **Arguments:** as `BPTrainer`; `data_first_axis` must be `'B'`.

    ```python
    net = eqbrain.dnn.Dense(3, 8) >> eqbrain.dnn.ReLU() >> eqbrain.dnn.Dense(8, 1)
    trainer = eqbrain.BPFF(net, loss_fun="mean_squared_error",
                           optimizer=eqbrain.optim.Adam(lr=1e-2))
    trainer.fit([(X, Y)], num_epoch=50)         # X: (batch, 3), Y: (batch, 1)
    trainer.predict(X)
    ```
    """

    def __init__(
        self, target: DynamicalSystem, loss_fun: str | Callable, *args: Any, **kwargs: Any
    ):
        super().__init__(target, loss_fun, *args, **kwargs)
        self._f_predict = _jit(self._predict_step, static_argnums=(0,))

    def _check_batch(self, xs: tuple, y: Any) -> int | None:
        name = type(self).__name__
        if self.data_first_axis != "B":
            raise ValueError(
                f"{name} has no time axis: its inputs are (batch, ...); build it with "
                f"data_first_axis='B', not {self.data_first_axis!r}."
            )
        batch = batch_size_of(xs, "B")
        if batch is not None:
            check_batch_of(y, batch, 0, "the targets Y", name)
        return batch

    def _forward(self, shared: dict, xs: tuple) -> tuple[Any, dict]:
        start = self._start(False)
        (steps, times), clk = self._indices(start, 0, 1)
        fixed = [inp.value for inp in self._input_list() if inp.kind == "fix"]
        out, mon = self._step(self.target, steps[0], times[0], xs, fixed, [], shared)
        self._advance(clk)
        return out, {m.name: v for m, v in zip(self._monitors, mon)}

    def _predict_step(self, shared: tuple, xs: tuple) -> Any:
        return self._forward(dict(shared), xs)

    def predict(
        self,
        inputs: Any,
        reset_state: bool = True,
        shared_args: dict | None = None,
        eval_time: bool = False,
    ) -> Any:
        """One step of the model on `inputs` (`(batch, ...)`); the monitors go to
        `trainer.mon`. `eval_time` also returns the seconds taken."""
        xs = as_inputs(inputs)
        batch = self._check_batch(xs, None)
        if reset_state:
            self._reset(batch)
        shared = _hashable({"fit": False, **(shared_args or {})}, type(self).__name__)
        began = time.time()
        fn = self._f_predict if self.jit["predict"] else self._predict_step
        outs, mons = fn(shared, xs)
        jax.block_until_ready((outs, mons))
        elapsed = time.time() - began
        if self.numpy_mon_after_run:
            mons = {k: np.asarray(v) for k, v in mons.items()}
        self.mon = Monitors(**mons)
        return (elapsed, outs) if eval_time else outs
