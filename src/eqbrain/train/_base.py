"""`DSTrainer`, the base of the trainers: a `DSRunner` over a batched model, whose
`predict` takes BrainPy's trainer layout; and the checks the trainers share."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..dyn import BatchingMode, DSRunner, DynamicalSystem, Mode, RunningError

_NOT_BATCHED_MSG = """\
{cls} trains a batched model, but {model} has no batch axis: its state is not batched \
and none of its nodes is in a batching mode. Build it under \
`eqbrain.training_mode` (`with eqbrain.environment(mode=eqbrain.training_mode): ...`, or \
`mode=eqbrain.TrainingMode(batch_size)` per model), or with `batch_size=` for the models \
that take one."""


def node_modes(target: DynamicalSystem) -> list[tuple[str, Mode]]:
    """`(path, mode)` of every node of `target` that has a computing mode."""
    nodes = target.nodes(method="relative").unique()
    return [(k, n.mode) for k, n in nodes.items() if isinstance(getattr(n, "mode", None), Mode)]


def is_batched(target: DynamicalSystem) -> bool:
    """Whether `target` runs a batch: a batched state Variable, or a node in a batching
    mode."""
    if any(v.batch_axis is not None for v in target.vars().unique().values()):
        return True
    return any(isinstance(m, BatchingMode) for _, m in node_modes(target))


def has_state(target: DynamicalSystem) -> bool:
    """Whether `target` holds Variables other than trainable ones and Parameters."""
    from .._core import Parameter, TrainVar  # noqa: PLC0415 - below this layer

    return any(not isinstance(v, TrainVar | Parameter) for v in target.vars().unique().values())


def check_batched(trainer: Any, target: DynamicalSystem) -> None:
    """Refuse a model with state but no batch axis (BrainPy's trainers need one)."""
    if (has_state(target) or node_modes(target)) and not is_batched(target):
        raise RunningError(_NOT_BATCHED_MSG.format(cls=type(trainer).__name__, model=target.name))


def jit_settings(jit: Any, phases: tuple[str, ...]) -> dict[str, bool]:
    """`jit=` as a dict of phases: a bool for all of them, or `{phase: bool}`."""
    if isinstance(jit, bool):
        return dict.fromkeys(phases, jit)
    if isinstance(jit, dict):
        unknown = set(jit) - set(phases)
        if unknown:
            raise ValueError(
                f"jit: unknown phases {sorted(unknown)}; the phases are {list(phases)}."
            )
        return {p: bool(jit.get(p, True)) for p in phases}
    raise ValueError(
        f"jit must be a bool or a dict {{phase: bool}} of {list(phases)}, got {jit!r}."
    )


def batch_size_of(xs: Any, first_axis: str) -> int | None:
    """The batch size of the inputs (their axis 0 batch first, axis 1 time first)."""
    import jax.tree_util as jtu  # noqa: PLC0415

    leaves = [x for x in jtu.tree_leaves(xs) if jnp.ndim(x) >= 2]
    sizes = {jnp.shape(x)[0 if first_axis == "B" else 1] for x in leaves}
    if len(sizes) > 1:
        raise ValueError(f"the inputs disagree on the batch size: {sorted(sizes)}.")
    return sizes.pop() if sizes else None


class DSTrainer(DSRunner):
    """The base of the trainers (BrainPy's `DSTrainer`): a `DSRunner` over a batched
    model, with a `fit` phase beside `predict`.

    `predict(inputs)` takes the inputs batch first (`(batch, time, ...)`, or time first
    with `data_first_axis='T'`) and runs with the training flag `fit` off.

    **Arguments:** `target`, the model (batched: built in `eqbrain.training_mode` or
    `batching_mode`, or with a batch size); `**kwargs`, as for `DSRunner`; `jit` may be
    a dict `{'predict': bool, 'fit': bool}`.

    ```python
    trainer = eqbrain.DSTrainer(model)
    ys = trainer.predict(xs)          # xs: (batch, time, features)
    ```
    """

    PHASES: tuple[str, ...] = ("predict", "fit")

    def __init__(self, target: DynamicalSystem, **kwargs: Any):
        jit = jit_settings(kwargs.pop("jit", True), self.PHASES)
        if kwargs.get("data_first_axis") is None:
            kwargs["data_first_axis"] = "B"  # a trainer's data is batch first by default
        super().__init__(target, jit={"predict": jit["predict"]}, **kwargs)
        check_batched(self, target)
        self.jit = jit

    def predict(  # type: ignore[override]
        self,
        inputs: Any,
        reset_state: bool = False,
        shared_args: dict | None = None,
        eval_time: bool = False,
    ) -> Any:
        """Run the model over `inputs` and return its outputs (batch first unless
        `data_first_axis='T'`).

        **Arguments:** `inputs`: the arguments of `update` with a time axis;
        `reset_state`: first reset the model (to the inputs' batch size);
        `shared_args`: values put into `eqbrain.share` (`fit` is `False` unless given);
        `eval_time`: also return the seconds the run took, `(seconds, outputs)`.
        """
        shared = {"fit": False, **(shared_args or {})}
        return super().predict(
            None, inputs, reset_state=reset_state, eval_time=eval_time, shared_args=shared
        )

    def fit(self, train_data: Any, *args: Any, **kwargs: Any) -> Any:
        """Train the model on `train_data` (each trainer defines it)."""
        raise NotImplementedError(f"{type(self).__name__} does not define fit.")
