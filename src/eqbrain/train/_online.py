"""`OnlineTrainer` and `ForceTrainer`: change `Dense` readouts at every step of a run
(BrainPy's online trainers, FORCE learning), with `eqbrain.algorithms`' RLS and LMS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

import eqbrain.algorithms as _alg

from ..dyn import DynamicalSystem
from ._data import as_inputs, check_timed, short
from ._fitting import RecordingRunner, assign, format_ys, resolve_method, train_nodes, with_bias


class OnlineTrainer(RecordingRunner):
    """Fit the `Dense` layers in training mode while the model runs (BrainPy's
    `bp.OnlineTrainer`): at every step, each layer's weights change by what
    `fit_method` computes from its input, its output and the target of that step.

    **Arguments:**

    - `target`: the model, batched, with `eqbrain.dnn.Dense(..., mode=
      eqbrain.training_mode)` readouts.
    - `fit_method`: `'rls'` or `'lms'`, a dict `{'name': 'rls', 'alpha': 0.1}`, an
      `eqbrain.algorithms.OnlineAlgorithm`, or a callable `(target, input, output,
      identifier) -> dW`. Default: `RLS(alpha=1e-7)`.
    - `**kwargs`: as for `DSRunner`.

    ```python
    trainer = eqbrain.OnlineTrainer(esn, fit_method="rls")
    trainer.fit((X, Y))          # X: (batch, time, n_in), Y: (batch, time, n_out)
    ```
    """

    def __init__(self, target: DynamicalSystem, fit_method: Any = None, **kwargs: Any):
        super().__init__(target, **kwargs)
        self.train_nodes_by_path = train_nodes(self, target)
        self.fit_method: Callable = resolve_method(
            fit_method,
            _alg.RLS(alpha=1e-7),
            _alg.get_online_method,
            _alg.OnlineAlgorithm,
            type(self).__name__,
        )
        for node in self.train_nodes:
            register = getattr(self.fit_method, "register_target", None)
            if callable(register):
                register(feature_in=node.num_in + (node.b is not None), identifier=node.name)
        self._setup_recording()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(target={self.target.name}, fit_method={self.fit_method!r})"

    def _split(self, x: tuple) -> tuple[tuple, Any]:
        return x[:-1], x[-1]

    def _after_step(self, out: Any, records: dict, extra: Any) -> Any:
        for path, (x, y) in records.items():
            node = self.train_nodes_by_path[path]
            x2 = jnp.reshape(with_bias(x, node), (-1, node.num_in + (node.b is not None)))
            dW = self.fit_method(
                target=jnp.reshape(extra[path], (-1, node.num_out)),
                input=x2,
                output=jnp.reshape(y, (-1, node.num_out)),
                identifier=node.name,
            )
            assign(node, dW, add=True)
        return out

    def fit(
        self, train_data: Any, reset_state: bool = False, shared_args: dict | None = None
    ) -> Any:
        """Run over `X`, changing the fitted layers at each step towards `Y`; returns
        the outputs of the run.

        **Arguments:** `train_data`: the pair `(X, Y)`: `X` the inputs `(batch, time,
        ...)` (time first with `data_first_axis='T'`), `Y` the targets `(batch, time,
        num_out)` (a dict `{layer name: targets}` for several layers); `reset_state`,
        `shared_args`: as for `predict`.
        """
        name = type(self).__name__
        if not isinstance(train_data, tuple | list) or len(train_data) != 2:
            raise ValueError(
                f"{name}.fit: train_data must be one (X, Y) pair: X the inputs "
                f"(batch, time, ...), Y the targets; got {short(train_data)}."
            )
        xs, ys = train_data
        xs = as_inputs(xs)
        batch, steps = check_timed(xs, self.data_first_axis, "X", name)
        targets = format_ys(self, ys, 3)
        shape = (batch, steps) if self.data_first_axis == "B" else (steps, batch)
        for path, y in targets.items():
            if y.shape[:2] != shape:
                raise ValueError(
                    f"{name}: the targets of {self.train_nodes_by_path[path].name} have "
                    f"shape {y.shape}, but X has (batch, time) = ({batch}, {steps})."
                )
        out = self.fit_run((*xs, targets), reset_state, shared_args)
        if self.numpy_mon_after_run:
            for k in list(self.mon):
                if hasattr(self.mon[k], "shape"):
                    self.mon[k] = np.asarray(self.mon[k])
        return out


class ForceTrainer(OnlineTrainer):
    """FORCE learning (BrainPy's `bp.ForceTrainer`): `OnlineTrainer` with
    `RLS(alpha)`.

    ```python
    trainer = eqbrain.ForceTrainer(esn, alpha=0.1)
    trainer.fit((X, Y))
    ```
    """

    def __init__(self, target: DynamicalSystem, alpha: float = 1.0, **kwargs: Any):
        super().__init__(target, fit_method=_alg.RLS(alpha=alpha), **kwargs)
