"""`OfflineTrainer` and `RidgeTrainer`: fit `Dense` readouts to a whole record at once
(BrainPy's offline trainers), with `eqbrain.algorithms`' solvers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np

import eqbrain.algorithms as _alg

from ..dyn import DynamicalSystem
from ._data import as_inputs, check_timed, short
from ._fitting import RecordingRunner, assign, format_ys, resolve_method, train_nodes, with_bias


def _pair(train_data: Any, owner: str) -> tuple[Any, Any]:
    if not isinstance(train_data, tuple | list) or len(train_data) != 2:
        raise ValueError(
            f"{owner}.fit: train_data must be one (X, Y) pair: X the inputs "
            f"(batch, time, ...), Y the targets; got {short(train_data)}."
        )
    return train_data[0], train_data[1]


class OfflineTrainer(RecordingRunner):
    """Fit the `Dense` layers in training mode to targets, from one run over the inputs
    (BrainPy's `bp.OfflineTrainer`): the run records each layer's input at every step,
    then `fit_method` solves for its weights (and bias, fitted as a first row).

    **Arguments:**

    - `target`: the model: batched, with `eqbrain.dnn.Dense(..., mode=
      eqbrain.training_mode)` readouts (every other node in a non-training mode).
    - `fit_method`: a name (`'ridge'`, `'linear'`, `'lasso'`, `'logistic'`, ...: see
      `eqbrain.algorithms.get_supported_offline_methods()`), a dict `{'name': 'ridge',
      'alpha': 1e-6}`, an `eqbrain.algorithms.OfflineAlgorithm`, or a callable
      `(targets, inputs, outputs) -> weights`. Default: ridge with `alpha=1e-7`.
    - `**kwargs`: as for `DSRunner` (`jit` may be `{'predict': bool, 'fit': bool}`).

    ```python
    trainer = eqbrain.OfflineTrainer(esn, fit_method={"name": "ridge", "alpha": 1e-6})
    trainer.fit((X, Y))              # X: (batch, time, n_in), Y: (batch, time, n_out)
    Y_hat = trainer.predict(X_test)
    ```
    """

    def __init__(self, target: DynamicalSystem, fit_method: Any = None, **kwargs: Any):
        self._true_numpy = bool(kwargs.pop("numpy_mon_after_run", True))
        super().__init__(target, numpy_mon_after_run=False, **kwargs)
        self.train_nodes_by_path = train_nodes(self, target)
        name = type(self).__name__
        self.fit_method: Callable = resolve_method(
            fit_method,
            _alg.RidgeRegression(alpha=1e-7),
            _alg.get_offline_method,
            _alg.OfflineAlgorithm,
            name,
        )
        self._setup_recording()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(target={self.target.name}, fit_method={self.fit_method!r})"

    def _after_step(self, out: Any, records: dict, extra: Any) -> Any:
        return (
            out,
            {p: x for p, (x, _) in records.items()},
            {p: y for p, (_, y) in records.items()},
        )

    def fit(
        self, train_data: Any, reset_state: bool = False, shared_args: dict | None = None
    ) -> Any:
        """Run over `X` and fit each layer so that its outputs approach `Y`; returns
        the outputs of the run (with the weights before the fit).

        **Arguments:** `train_data`: the pair `(X, Y)`: `X` the inputs, `(batch, time,
        ...)` (or time first with `data_first_axis='T'`), `Y` the targets of the layer,
        `(batch, time, num_out)` (a dict `{layer name: targets}` for several layers);
        `reset_state`: reset the model first; `shared_args`: values for `eqbrain.share`.
        """
        name = type(self).__name__
        xs, ys = _pair(train_data, name)
        batch, steps = check_timed(as_inputs(xs), self.data_first_axis, "X", name)
        targets = format_ys(self, ys, 3)
        if self.data_first_axis == "T":
            targets = {p: jnp.moveaxis(y, 0, 1) for p, y in targets.items()}
        for path, y in targets.items():
            if y.shape[:2] != (batch, steps):
                raise ValueError(
                    f"{name}: the targets of {self.train_nodes_by_path[path].name} have "
                    f"(batch, time) = {y.shape[:2]}, but X has ({batch}, {steps})."
                )
        out, ins, outs = self.fit_run(xs, reset_state, shared_args)
        if self.data_first_axis == "T":
            move = lambda a: jnp.moveaxis(a, 0, 1)  # noqa: E731
            ins, outs = jtu.tree_map(move, ins), jtu.tree_map(move, outs)
        for path, node in self.train_nodes_by_path.items():
            weights = self.fit_method(targets[path], with_bias(ins[path], node), outs[path])
            assign(node, jnp.asarray(weights, node.W.dtype).reshape(-1, node.num_out))
        self._numpy_records()
        return out

    def predict(
        self,
        inputs: Any,
        reset_state: bool = False,
        shared_args: dict | None = None,
        eval_time: bool = False,
    ) -> Any:
        """Run over `inputs` (batch first unless `data_first_axis='T'`) and return the
        outputs. See `DSTrainer.predict`."""
        out = super().predict(inputs, reset_state, shared_args, eval_time)
        self._numpy_records()
        return out

    def _numpy_records(self) -> None:
        if self._true_numpy:
            for k in list(self.mon):
                if not isinstance(self.mon[k], np.ndarray) and hasattr(self.mon[k], "shape"):
                    self.mon[k] = np.asarray(self.mon[k])


class RidgeTrainer(OfflineTrainer):
    """`OfflineTrainer` with ridge regression (BrainPy's `bp.RidgeTrainer`):
    `W = pinv(X.T X + alpha I) X.T Y` over every step of every trial.

    **Arguments:** `target`; `alpha`: the penalty (default `1e-7`); `**kwargs` as for
    `DSRunner`.

    ```python
    trainer = eqbrain.RidgeTrainer(esn, alpha=1e-6)
    trainer.fit((X_train, Y_train))
    Y_hat = trainer.predict(X_test)
    ```
    """

    def __init__(self, target: DynamicalSystem, alpha: float = 1e-7, **kwargs: Any):
        super().__init__(target, fit_method={"name": "ridge", "alpha": alpha}, **kwargs)
